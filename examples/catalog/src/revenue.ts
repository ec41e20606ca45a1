/**
 * A pipeline the catalog's team runs: paid orders per customer and hour. Its sink is exported as a
 * typed handle, so another repository reads the topic with these columns, their nullability, the
 * format and the event-time column, never re-declaring them:
 * `source("customer_revenue", { from: customerRevenueOutput })`.
 */
import { count, pipeline, sum } from "streamt-sdk";
import { catalog } from "./index.js";

export const customerRevenueOutput = catalog.orders
  .eventTime("event_timestamp")
  .watermark("5s")
  .filter((o) => o.status.eq("paid"))
  .tumble("1h")
  .groupBy("customer_id")
  .aggregate({ orders: count(), revenue: sum("amount") })
  .toKafka("orders.customer-revenue.v1");

export const customerRevenue = pipeline("customer-revenue", { checkpointInterval: "1m" }).write(customerRevenueOutput);
