/**
 * Orders matched with their payments within one hour (an interval join): state is kept for the hour
 * only, then freed by the watermark.
 */
import { pipeline, source } from "streamt-sdk";
import { Order, Payment } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
  .eventTime("event_timestamp")
  .watermark("5s")
  .idleTimeout("1m");

export const payments = source("payments", { topic: "payments.raw.v1", schema: Payment })
  .eventTime("paid_at")
  .watermark("5s")
  .idleTimeout("1m");

export const paidOrders = orders.intervalJoin(payments, {
  on: { order_id: "order_id" },
  between: ["0s", "1h"],
  select: (o, p) => ({
    order_id: o.order_id,
    customer_id: o.customer_id,
    order_amount: o.amount,
    paid_amount: p.amount,
    ordered_at: o.event_timestamp,
    paid_at: p.paid_at,
  }),
});

export default pipeline("orders-payments", { checkpointInterval: "1m" })
  .write(paidOrders.toKafka("orders.paid.v1"));
