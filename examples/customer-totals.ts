/**
 * Lifetime totals per customer: a non-windowed aggregate, so an updating result written to a
 * compacted topic with upsert-kafka (one row per customer_id). Customers silent for 30 days are
 * forgotten (state TTL).
 */
import { count, pipeline, source, sum } from "streamt-sdk";
import { Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order });

export const totals = orders
  .filter((o) => o.status.eq("paid"))
  .groupBy("customer_id")
  .aggregate({ orders: count(), total: sum("amount") }, { ttl: "30d" });

export default pipeline("customer-totals", { checkpointInterval: "1m" })
  .write(totals.toUpsertKafka("customers.totals.v1", { key: ["customer_id"] }));
