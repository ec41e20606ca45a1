/**
 * Orders enriched with the customer as they were when the order was placed (a temporal join against
 * a versioned table: the compacted customers topic, keyed by customer_id).
 */
import { pipeline, source } from "streamt-sdk";
import { Customer, Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
  .eventTime("event_timestamp")
  .watermark("5s")
  .idleTimeout("1m");

export const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] })
  .eventTime("updated_at")
  .watermark("5s")
  .idleTimeout("1m");

export const enriched = orders.temporalJoin(customers, {
  on: { customer_id: "customer_id" },
  select: (o, c) => ({
    order_id: o.order_id,
    customer_id: o.customer_id,
    customer_name: c.name,
    tier: c.tier,
    amount: o.amount,
    event_timestamp: o.event_timestamp,
  }),
});

export default pipeline("orders-enriched", { checkpointInterval: "1m" })
  .write(enriched.toKafka("orders.enriched.v1"));
