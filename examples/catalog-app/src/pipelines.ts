/**
 * An application built on the catalog package: `source("orders")` comes from @acme/streams-catalog
 * with its full types, so the design card's one-liner type-checks column by column; and the catalog
 * team's customer-revenue pipeline is read through its published sink, with the writer's columns.
 */
import "@acme/streams-catalog";
import { customerRevenueOutput } from "@acme/streams-catalog/revenue";
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

/**
 * Customers with more than 1000 of paid orders in an hour, from the catalog team's topic: its columns,
 * format and event-time column come with the sink; only the watermark is this pipeline's choice.
 */
export const bigSpenders = source("customer_revenue", { from: customerRevenueOutput, idleTimeout: "5m" })
  .watermark("1m")
  .filter((r) => r.revenue.gt(1000))
  .select((r) => ({ customer_id: r.customer_id, revenue: r.revenue, hour_end: r.window_end }));

export const bigSpendersJob = pipeline("big-spenders", { checkpointInterval: "1m" }).write(bigSpenders.toKafka("orders.big-spenders.v1"));
