/** The customer-totals example: an updating aggregate, tested by its final table and by its changes. */
import { describe, it } from "vitest";
import { testPipeline } from "streamt-sdk/testing";
import customerTotals, { orders, totals } from "../customer-totals.js";

const totalsOut = totals.toUpsertKafka("customers.totals.v1", { key: ["customer_id"] });

const order = (order_id: string, customer_id: string, amount: number, status: string | null = "paid") => ({ order_id, customer_id, amount, status, event_timestamp: "2024-01-01T10:00:00" });

// The first test of a run also starts the warm Flink JVM; each later one runs one bounded job.
describe("customer-totals", { timeout: 240_000 }, () => {
  it("keeps one row per customer with the lifetime count and total of paid orders", async () => {
    const test = testPipeline(customerTotals).given(orders, [order("o1", "c1", 10), order("o2", "c2", 3), order("o3", "c1", 2.25), order("o4", "c1", 99, null)]);
    await test.expect(totalsOut, [
      { customer_id: "c1", orders: 2, total: 12.25 },
      { customer_id: "c2", orders: 1, total: 3 },
    ]);
    await test.expect(
      totalsOut,
      [
        { op: "+I", row: { customer_id: "c1", orders: 1, total: 10 } },
        { op: "+U", row: { customer_id: "c1", orders: 2, total: 12.25 } },
        { op: "+I", row: { customer_id: "c2", orders: 1, total: 3 } },
      ],
      { changelog: true },
    );
  });
});
