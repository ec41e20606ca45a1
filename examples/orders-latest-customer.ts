/**
 * The latest state of each order joined with the latest customer row: a regular join (no time bound),
 * made safe by a state TTL (orders kept for a day, customers for 30 days). Orders are deduplicated to
 * their last version first, so order_id is a unique key of the result, and customers are unique on
 * the join key; a customer change revises joined rows, so the result goes to an upsert topic.
 */
import { pipeline, source } from "streamt-sdk";
import { Customer, Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order }).processingTime("proc_time");
export const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] });

export const latestOrders = orders.deduplicate({ key: ["order_id"], keep: "last", ttl: "1d" });

export const joined = latestOrders.join(customers, {
  on: { customer_id: "customer_id" },
  type: "left",
  ttl: { left: "1d", right: "30d" },
  select: (o, c) => ({ order_id: o.order_id, amount: o.amount, customer_name: c.name, tier: c.tier }),
});

export default pipeline("orders-latest-customer", { checkpointInterval: "1m" })
  .write(joined.toUpsertKafka("orders.with-customer.v1", { key: ["order_id"] }));
