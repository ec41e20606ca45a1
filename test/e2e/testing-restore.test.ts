/**
 * Restore tests (streamt-sdk/testing's testUpgrade) on the engine, as Flink's RestoreTestBase does them:
 * the first pipeline's job is stopped with a savepoint on the MiniCluster, the second starts from it, and
 * the sinks' topics hold what both jobs wrote.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { testPipeline, testUpgrade } from "streamt-sdk/testing";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { runId } from "./support.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string(), ts: t.timestamp(3) });
const topic = (name: string) => `e2e.restore.${name}.${runId}`;
const orders = source("orders", { topic: topic("orders"), schema: Order }).eventTime("ts").watermark("5s");
const order = (order_id: string, customer_id: string, amount: number, time: string, status = "paid") => ({ order_id, customer_id, amount, status, ts: `2024-01-01T${time}` });

/** Totals per customer of the orders with one of the statuses: the same steps whatever the statuses. */
const totalsOf = (...statuses: string[]) => {
  const sink = orders
    .filter((o) => o.status.in(...statuses))
    .groupBy("customer_id")
    .aggregate({ orders: count(), total: sum("amount") }, { ttl: "1d" })
    .toUpsertKafka(topic("totals"), { key: ["customer_id"] });
  return { sink, pipeline: pipeline("restore-totals").write(sink) };
};

const hourlySink = orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") }).toKafka(topic("hourly"));
const hourly = pipeline("restore-hourly").write(hourlySink);

// Each restore test runs two jobs (each on its own MiniCluster); the first test also starts the warm JVM,
// within its first job's time: on a loaded machine (load ~25) that test took 100 s, near a job's default 2 minutes.
const slow = { timeout: "4m" } as const;
describe("testUpgrade on the engine", { timeout: 600_000 }, () => {
  it("the same pipeline: a window open at the savepoint keeps its orders and fires once, in the second job", async () => {
    await testUpgrade(hourly, hourly, slow)
      .given(orders, [order("o1", "c1", 10, "10:05"), order("o2", "c2", 4, "10:06")])
      .savepoint()
      .given(orders, [order("o3", "c1", 20, "10:40")])
      .advanceWatermarkTo(orders, "2024-01-01T11:00")
      .expect(hourlySink, [
        { window_start: "2024-01-01T10:00", window_end: "2024-01-01T11:00", window_time: "2024-01-01T10:59:59.999", customer_id: "c1", orders: 2, revenue: 30 },
        { window_start: "2024-01-01T10:00", window_end: "2024-01-01T11:00", window_time: "2024-01-01T10:59:59.999", customer_id: "c2", orders: 1, revenue: 4 },
      ]);
  });

  it("a compatible change (a filter that keeps more statuses): the counts go on from the savepoint", async () => {
    const v1 = totalsOf("paid");
    const v2 = totalsOf("paid", "shipped");
    const test = testUpgrade(v1.pipeline, v2.pipeline, slow)
      // o2 is shipped: the first pipeline leaves it out.
      .given(orders, [order("o1", "c1", 10, "10:00"), order("o2", "c2", 5, "10:01", "shipped")])
      .savepoint()
      .given(orders, [order("o3", "c1", 7, "10:02", "shipped"), order("o4", "c2", 3, "10:03", "shipped")]);
    await test.expect(v2.sink, [
      { customer_id: "c1", orders: 2, total: 17 },
      { customer_id: "c2", orders: 1, total: 3 },
    ]);
    // c1's first row was written by the first job, its update by the second from the restored count.
    await test.expect(
      v2.sink,
      [
        { op: "+I", row: { customer_id: "c1", orders: 1, total: 10 } },
        { op: "+U", row: { customer_id: "c1", orders: 2, total: 17 } },
        { op: "+I", row: { customer_id: "c2", orders: 1, total: 3 } },
      ],
      { changelog: true },
    );
  });

  it("an incompatible change Flink refuses (the running totals become hourly windows): STREAMT-T009 with Flink's reason, no process left", async () => {
    const processes = liveChildren().length;
    const v1 = totalsOf("paid");
    const failure = await testUpgrade(v1.pipeline, pipeline("restore-totals").write(hourlySink), slow)
      .given(orders, [order("o1", "c1", 10, "10:00")])
      .savepoint()
      .given(orders, [order("o2", "c1", 7, "10:02")])
      .expect(hourlySink, [])
      .then(() => null, (e: unknown) => e);
    expect(failure).toMatchObject({ code: "STREAMT-T009" });
    expect((failure as Error).message).toMatch(
      /^pipeline restore-totals cannot start from the savepoint of the pipeline before the change: Could not start the JobMaster\.\nCaused by: Failed to rollback to checkpoint\/savepoint file:\/\S+\/savepoint-\S+\. Cannot map checkpoint\/savepoint state for operator [0-9a-f]{32} to the new program, because the operator is not available in the new program\./,
    );
    expect((failure as { hint: string }).hint).toContain("keep the stateful steps as they were, or deploy the change as a new job that starts without state");
    expect(liveChildren().length).toBe(processes);
  });

  it("another group key of the same type, which Flink would restore into silently: refused before any job runs", async () => {
    const v1 = totalsOf("paid");
    const byStatusSink = orders.groupBy("status").aggregate({ orders: count(), total: sum("amount") }, { ttl: "1d" }).toUpsertKafka(topic("by-status"), { key: ["status"] });
    const started = Date.now();
    const failure = await testUpgrade(v1.pipeline, pipeline("restore-totals").write(byStatusSink))
      .given(orders, [order("o1", "c1", 10, "10:00")])
      .savepoint()
      .given(orders, [order("o2", "c1", 7, "10:02")])
      .expect(byStatusSink, [{ status: "paid", orders: 2, total: 17 }])
      .then(() => null, (e: unknown) => e);
    expect(failure).toMatchObject({ code: "STREAMT-T009", path: "orders/aggregate" });
    expect((failure as Error).message).toBe(
      "pipeline restore-totals cannot start from the savepoint of the pipeline before the change: its step orders/aggregate keeps state by group (status STRING NOT NULL), " +
        "where the step in its place before (orders/filter/aggregate) kept it by group (customer_id STRING NOT NULL); Flink matches state to steps by their place in the job, so it would restore the old state into the new step under the new key",
    );
    expect((failure as { site: { file: string } | null }).site?.file).toMatch(/testing-restore\.test\.ts$/);
    // No job ran. Without the check Flink took the savepoint (checked by hand): the job wrote paid: orders 1,
    // total 7, and kept the old counts per customer as state of the new step, where a status 'c1' would read c1's.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a restore test used out of order: T006", async () => {
    const v1 = totalsOf("paid");
    const noSavepoint = testUpgrade(v1.pipeline, v1.pipeline).given(orders, [order("o1", "c1", 10, "10:00")]);
    await expect(noSavepoint.expect(v1.sink, [])).rejects.toMatchObject({
      code: "STREAMT-T006",
      message: "test of pipeline restore-totals: the restore test has no savepoint() step, so its second pipeline would never run",
    });
    expect(() => testUpgrade(v1.pipeline, v1.pipeline).savepoint().savepoint()).toThrow(
      expect.objectContaining({ code: "STREAMT-T006", message: "test of pipeline restore-totals: savepoint() twice: a restore test has one savepoint, between the two pipelines" }),
    );
    const plain = testPipeline(v1.pipeline) as unknown as { savepoint(): unknown };
    expect(() => plain.savepoint()).toThrow(expect.objectContaining({ code: "STREAMT-T006", message: "test of pipeline restore-totals: savepoint() is a step of a restore test" }));
  });
});
