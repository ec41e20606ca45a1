/**
 * Hourly revenue per customer: a tumbling event-time window over paid orders.
 */
import { count, pipeline, source, sum, t } from "streamt-sdk";

export const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  status: t.string().nullable(),
  event_timestamp: t.timestamp(3),
});

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
