/**
 * A regular join of orders with the latest customer row (no time bound), made safe by a state TTL:
 * orders are kept for a day, customers for 30 days. The result is updating (a customer change
 * revises joined rows), so it goes to an upsert topic keyed by order_id.
 */
import { pipeline, source } from "streamt-sdk";
import { Customer, Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order });
export const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] });

export const joined = orders.join(customers, {
  on: { customer_id: "customer_id" },
  type: "left",
  ttl: { left: "1d", right: "30d" },
  select: (o, c) => ({ order_id: o.order_id, amount: o.amount, customer_name: c.name, tier: c.tier }),
});

export default pipeline("orders-latest-customer", { checkpointInterval: "1m" })
  .write(joined.toUpsertKafka("orders.with-customer.v1", { key: ["order_id"] }));
