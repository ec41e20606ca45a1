/**
 * streamt-sdk/testing on the engine (the flink project's shared broker and warm Flink JVM): the rows
 * given() produces reach the job, and the final table of an upsert sink leaves out a key the job deleted
 * (a tombstone in the sink's topic).
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { testPipeline } from "streamt-sdk/testing";
import { runId } from "../e2e/support.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });
const orders = source("orders", { topic: `testing-final-table.orders.${runId}`, schema: Order });
// How many customers have placed n orders: when c1's second order arrives, the group n = 1 loses its
// only customer, so the second aggregate deletes it and the upsert sink writes a tombstone for key 1.
const perCount = orders
  .groupBy("customer_id")
  .aggregate({ n: count() }, { ttl: "1d" })
  .groupBy("n")
  .aggregate({ customers: count() }, { ttl: "1d" })
  .toUpsertKafka(`testing-final-table.per-count.${runId}`, { key: ["n"] });
const customersPerCount = pipeline("customers-per-count").write(perCount);

const order = (order_id: string, customer_id: string) => ({ order_id, customer_id, ts: "2024-01-01T10:00:00" });

// The first test of a run also starts the warm Flink JVM.
describe("testPipeline on the engine", { timeout: 240_000 }, () => {
  it("given() rows are what the job reads, and a key the job deleted is not in the final table", async () => {
    const test = testPipeline(customersPerCount).given(orders, [order("o1", "c1"), order("o2", "c1")]);
    await test.expect(perCount, [{ n: 2, customers: 1 }]);
    // The same run seen as changes: the tombstone is the -D of key 1.
    await test.expect(
      perCount,
      [
        { op: "+I", row: { n: 1, customers: 1 } },
        { op: "-D", row: { n: 1, customers: 1 } },
        { op: "+I", row: { n: 2, customers: 1 } },
      ],
      { changelog: true },
    );
  });

  it("a failing expectation on an upsert sink names its final table and key, and shows the row of a key the job deleted as missing", async () => {
    const test = testPipeline(customersPerCount).given(orders, [order("o1", "c1"), order("o2", "c1")]);
    const failure = await test
      .expect(perCount, [
        { n: 1, customers: 1 },
        { n: 2, customers: 2 },
      ])
      .then(() => null, (e: unknown) => e);
    expect(failure).toMatchObject({ code: "STREAMT-T001" });
    expect((failure as Error).message).toBe(
      [
        `sink testing-final-table.per-count.${runId} of pipeline customers-per-count (orders/aggregate/aggregate/testing-final-table.per-count.${runId}) received other final table (latest row per key n) than expected (2 expected, 1 received):`,
        "  changed (1):",
        '    expected {"n":2,"customers":2}',
        '    got      {"n":2,"customers":1}',
        "      (customers differs)",
        "  missing (1):",
        '    {"n":1,"customers":1}',
      ].join("\n"),
    );
  });
});
