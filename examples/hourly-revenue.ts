/**
 * Hourly revenue per customer: paid orders in tumbling one-hour event-time windows.
 * Late orders (more than 5 s behind the watermark) are dropped; idle partitions stop holding the
 * watermark back after a minute.
 */
import { count, pipeline, source, sum } from "streamt-sdk";
import { Order } from "./shared/schemas.js";

export const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
  .eventTime("event_timestamp")
  .watermark("5s")
  .idleTimeout("1m");

export const hourlyRevenue = orders
  .filter((o) => o.status.eq("paid"))
  .tumble("1h")
  .groupBy("customer_id")
  .aggregate({ orders: count(), revenue: sum("amount") });

export default pipeline("hourly-revenue", { parallelism: 2, checkpointInterval: "1m" })
  .write(hourlyRevenue.toKafka("orders.hourly.v1"));
