/**
 * One job, several sinks (an EXECUTE STATEMENT SET): paid orders to one topic with exactly-once
 * delivery, large orders to another, and a per-minute count to the console while developing.
 */
import { lit, pipeline, source, t, when } from "streamt-sdk";
import { Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
  .eventTime("event_timestamp")
  .watermark("500ms")
  .idleTimeout("1m");

const classified = orders.withColumns((o) => ({
  size: when(o.amount.ge(1000), "large").when(o.amount.ge(100), "medium").otherwise("small"),
  amount_cents: o.amount.mul(100).cast(t.bigint()),
  is_paid: o.status.eq("paid").orElse(lit(false)),
}));

export const paid = classified.filter((o) => o.is_paid).as("paid");
export const large = classified.filter((o) => o.size.eq("large")).as("large");
export const perMinute = orders.tumble("1m").count();

export default pipeline("order-routing", { checkpointInterval: "10s" }).write(
  paid.toKafka("orders.paid-stream.v1", { delivery: "exactly-once", transactionTimeout: "10m" }),
  large.toKafka("orders.large.v1"),
  perMinute.toPrint({ name: "orders-per-minute" }),
);
