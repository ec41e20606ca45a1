/**
 * streamt-sdk/testing on the engine: each test runs its pipeline as a bounded job on the shared broker
 * and Flink's MiniCluster, and compares what the sinks received.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { testPipeline } from "streamt-sdk/testing";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { runId } from "./support.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string(), ts: t.timestamp(3) });
const topic = (name: string) => `e2e.testing.${name}.${runId}`;

const orders = source("orders", { topic: topic("orders"), schema: Order }).eventTime("ts").watermark("5s");
const hourly = orders
  .filter((o) => o.status.eq("paid"))
  .tumble("1h")
  .groupBy("customer_id")
  .aggregate({ orders: count(), revenue: sum("amount") });
const hourlySink = hourly.toKafka(topic("hourly"));
const hourlyRevenue = pipeline("testing-hourly", { parallelism: 4, checkpointInterval: "1m" }).write(hourlySink);

const totals = orders.groupBy("customer_id").aggregate({ orders: count(), total: sum("amount") }, { ttl: "1d" });
const totalsSink = totals.toUpsertKafka(topic("totals"), { key: ["customer_id"] });
const customerTotals = pipeline("testing-totals").write(totalsSink);

const order = (order_id: string, customer_id: string, amount: number, time: string, status = "paid") => ({ order_id, customer_id, amount, status, ts: `2024-01-01T${time}` });
/** A window's columns as Flink writes them: window_time is the last millisecond of the window. */
const window = (start: string, end: string) => {
  const last = new Date(Date.parse(`2024-01-01T${end}:00Z`) - 1).toISOString().slice(0, -1);
  return { window_start: `2024-01-01T${start}`, window_end: `2024-01-01T${end}`, window_time: last };
};

// The first test of a run also starts the warm Flink JVM; each later one runs one bounded job.
describe("testPipeline on the engine", { timeout: 240_000 }, () => {
  it("a tumbling window closed by advanceWatermarkTo; a record behind the watermark after it is dropped as late", async () => {
    await testPipeline(hourlyRevenue)
      .given(orders, [order("o1", "c1", 10, "10:05"), order("o2", "c1", 20.5, "10:40"), order("o3", "c2", 7, "10:59:59"), order("o4", "c2", 99, "10:30", "cancelled")])
      .advanceWatermarkTo(orders, "2024-01-01T11:00")
      // Behind the watermark: its window [10:00, 11:00) has fired, so Flink drops it.
      .given(orders, [order("o5", "c1", 1000, "10:59:58"), order("o6", "c1", 5, "11:20")])
      .expect(hourlySink, [
        { ...window("10:00", "11:00"), customer_id: "c1", orders: 2, revenue: 30.5 },
        { ...window("10:00", "11:00"), customer_id: "c2", orders: 1, revenue: 7 },
        // At the end of its input the job's watermark passes every window.
        { ...window("11:00", "12:00"), customer_id: "c1", orders: 1, revenue: 5 },
      ]);
  });

  it("a record out of order within the watermark delay still counts in its window", async () => {
    await testPipeline(hourlyRevenue)
      // 11:00:03 moves the watermark to 10:59:58; the window [10:00, 11:00) is still open for 10:59:59.
      .given(orders, [order("o1", "c1", 10, "10:05"), order("o2", "c1", 5, "11:00:03"), order("o3", "c1", 1000, "10:59:59")])
      .expect(hourlySink, [
        { ...window("10:00", "11:00"), customer_id: "c1", orders: 2, revenue: 1010 },
        { ...window("11:00", "12:00"), customer_id: "c1", orders: 1, revenue: 5 },
      ]);
  });

  it("a failing expectation shows the changed, missing and unexpected records with the sink's path", async () => {
    const test = testPipeline(hourlyRevenue).given(orders, [order("o1", "c1", 10, "10:05"), order("o2", "c2", 20, "10:10"), order("o3", "c3", 30, "10:20")]);
    const failure = await test
      .expect(hourlySink, [
        { ...window("10:00", "11:00"), customer_id: "c1", orders: 1, revenue: 10 },
        { ...window("10:00", "11:00"), customer_id: "c2", orders: 2, revenue: 40 },
        { ...window("10:00", "11:00"), customer_id: "c4", orders: 1, revenue: 1 },
      ])
      .then(() => null, (e: unknown) => e);
    expect(failure).toMatchObject({ code: "STREAMT-T001" });
    expect((failure as Error).message).toBe(
      [
        `sink ${topic("hourly")} of pipeline testing-hourly (orders/filter/tumble/${topic("hourly")}) received other records than expected (3 expected, 3 received):`,
        "  changed (1):",
        `    expected {"window_start":"2024-01-01T10:00:00","window_end":"2024-01-01T11:00:00","customer_id":"c2","window_time":"2024-01-01T10:59:59.999","orders":2,"revenue":40}`,
        `    got      {"window_start":"2024-01-01T10:00:00","window_end":"2024-01-01T11:00:00","customer_id":"c2","window_time":"2024-01-01T10:59:59.999","orders":1,"revenue":20}`,
        "      (orders, revenue differ)",
        "  missing (1):",
        `    {"window_start":"2024-01-01T10:00:00","window_end":"2024-01-01T11:00:00","customer_id":"c4","window_time":"2024-01-01T10:59:59.999","orders":1,"revenue":1}`,
        "  unexpected (1):",
        `    {"window_start":"2024-01-01T10:00:00","window_end":"2024-01-01T11:00:00","customer_id":"c3","window_time":"2024-01-01T10:59:59.999","orders":1,"revenue":30}`,
      ].join("\n"),
    );
    // The same run answers a second expectation: the rows it did receive.
    await test.expect(hourlySink, [
      { ...window("10:00", "11:00"), customer_id: "c1", orders: 1, revenue: 10 },
      { ...window("10:00", "11:00"), customer_id: "c2", orders: 1, revenue: 20 },
      { ...window("10:00", "11:00"), customer_id: "c3", orders: 1, revenue: 30 },
    ]);
  });

  it("an updating aggregate: its final table per key, and its changes in order per key", async () => {
    const test = testPipeline(customerTotals).given(orders, [order("o1", "c1", 10, "10:00"), order("o2", "c2", 5, "10:01"), order("o3", "c1", 2.5, "10:02")]);
    await test.expect(totalsSink, [
      { customer_id: "c1", orders: 2, total: 12.5 },
      { customer_id: "c2", orders: 1, total: 5 },
    ]);
    await test.expect(
      totalsSink,
      [
        { op: "+I", row: { customer_id: "c2", orders: 1, total: 5 } },
        { op: "+I", row: { customer_id: "c1", orders: 1, total: 10 } },
        { op: "+U", row: { customer_id: "c1", orders: 2, total: 12.5 } },
      ],
      { changelog: true },
    );
    const failure = await test.expect(totalsSink, [{ op: "+I", row: { customer_id: "c1", orders: 2, total: 12.5 } }, { op: "+I", row: { customer_id: "c2", orders: 1, total: 5 } }], { changelog: true }).then(() => null, (e: unknown) => e);
    expect((failure as Error).message).toBe(
      [
        `sink ${topic("totals")} of pipeline testing-totals (orders/aggregate/${topic("totals")}) received other changes than expected (in order per key customer_id):`,
        `  key {"customer_id":"c1"}:`,
        "    expected:",
        `      +I {"customer_id":"c1","orders":2,"total":12.5}`,
        "    got:",
        `      +I {"customer_id":"c1","orders":1,"total":10}`,
        `      +U {"customer_id":"c1","orders":2,"total":12.5}`,
      ].join("\n"),
    );
  });
});

// The refusals that need no engine are unit tests: test/testing/test-steps.test.ts.
describe("testPipeline cancels a job past its timeout", { timeout: 240_000 }, () => {
  it("a job that does not end within the timeout is cancelled: STREAMT-T005, and no process is left running", async () => {
    const before = liveChildren().length;
    await expect(testPipeline(hourlyRevenue, { timeout: "1ms" }).given(orders, [order("o1", "c1", 10, "10:05")]).run()).rejects.toMatchObject({
      code: "STREAMT-T005",
      message: "the test job of pipeline testing-hourly did not end within 1 ms; it was cancelled",
      hint: "a test job ends when its sources have read their input, and waits for a free task slot while other tests' jobs hold them all: give testPipeline(p, { timeout }) more time on a slow or busy machine, or run fewer test files at once",
    });
    expect(liveChildren().length).toBe(before);
  });
});
