/**
 * An application built on the catalog package: `source("orders")` comes from @acme/streams-catalog
 * with its full types, so the design card's one-liner type-checks column by column.
 */
import "@acme/streams-catalog";
import { pipeline, source } from "streamt-sdk";

export const ordersPerHour = source("orders").eventTime("event_timestamp").watermark("5s").tumble("1h").count();

export const lateShipments = source("shipments")
  .eventTime("shipped_at")
  .watermark("1m")
  .idleTimeout("5m")
  .filter((s) => s.carrier.ne("express"))
  .select((s) => ({ order_id: s.order_id, carrier: s.carrier, shipped_at: s.shipped_at }));

export default pipeline("orders-per-hour", { checkpointInterval: "1m" }).write(
  ordersPerHour.toKafka("orders.per-hour.v1"),
  lateShipments.toKafka("logistics.standard-shipments.v1"),
);
