/**
 * Top 3 customers by spend per 10-minute window (window Top-N: append-only, emitted when the window closes).
 */
import { pipeline, source, sum } from "streamt-sdk";
import { Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
  .eventTime("event_timestamp")
  .watermark("5s")
  .idleTimeout("1m");

export const spend = orders
  .tumble("10m")
  .groupBy("customer_id")
  .aggregate({ spend: sum("amount") })
  // A bare window_time keeps its event-time attribute, so the next step can window again.
  .select((w) => ({ customer_id: w.customer_id, spend: w.spend, spend_time: w.window_time }));

export const topSpenders = spend
  .tumble("10m")
  .topN({ partitionBy: [], orderBy: [{ column: "spend", direction: "desc" }], n: 3, rankColumn: "rank" });

export default pipeline("top-spenders", { checkpointInterval: "1m" })
  .write(topSpenders.toKafka("orders.top-spenders.v1"));
