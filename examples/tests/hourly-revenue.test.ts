/**
 * The hourly-revenue example, tested as a user tests a pipeline: rows into its source, a watermark
 * step, and the exact rows its sink receives (run by `npx streamt-sdk test`, or vitest with the
 * streamt-sdk/testing global setup).
 */
import { describe, it } from "vitest";
import { testPipeline } from "streamt-sdk/testing";
import hourly, { hourlyRevenue, orders } from "../hourly-revenue.js";

// The sink as the pipeline declares it: the same stream and topic name the same sink.
const revenueOut = hourlyRevenue.toKafka("orders.hourly.v1");

const order = (order_id: string, customer_id: string, amount: number, time: string, status: string | null = "paid") => ({ order_id, customer_id, amount, status, event_timestamp: `2024-01-01T${time}` });
const window10 = { window_start: "2024-01-01T10:00:00", window_end: "2024-01-01T11:00:00", window_time: "2024-01-01T10:59:59.999" };

// The first test of a run also starts the warm Flink JVM; each later one runs one bounded job.
describe("hourly-revenue", { timeout: 240_000 }, () => {
  it("sums paid orders per customer and hour; an order later than the watermark is dropped", async () => {
    await testPipeline(hourly)
      .given(orders, [order("o1", "c1", 20, "10:05"), order("o2", "c1", 10.5, "10:50"), order("o3", "c2", 7, "10:20"), order("o4", "c2", 100, "10:30", "cancelled")])
      .advanceWatermarkTo(orders, "2024-01-01T11:00")
      .given(orders, [order("o5", "c1", 1000, "10:59")])
      .expect(revenueOut, [
        { ...window10, customer_id: "c1", orders: 2, revenue: 30.5 },
        { ...window10, customer_id: "c2", orders: 1, revenue: 7 },
      ]);
  });
});
