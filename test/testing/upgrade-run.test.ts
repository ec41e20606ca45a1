/**
 * The pure parts of a restore test's run (testing/upgrade-run.ts): which consumer groups the job before
 * the change reads with (its input counts as read once they committed it), and what a stage that did
 * not stop with a savepoint tells the user. The runs themselves are test/e2e/testing-restore.test.ts.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { sourceReaders, stageFailure } from "../../packages/streamt-sdk/src/testing/upgrade-run.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });
const Customer = t.row({ id: t.string(), name: t.string(), ts: t.timestamp(3) });

describe("sourceReaders", () => {
  it("each Kafka table the job reads, with the group it commits to: the pipeline's name; a source read again as text has a group of its own", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order, onContractViolation: { deadLetter: "orders.dlq" }, json: { onParseError: "skip" } });
    const customers = source("customers", { topic: "customers.v1", schema: Customer });
    const p = pipeline("enrich").write(orders.toKafka("orders.out"), customers.toKafka("customers.out"));
    expect(sourceReaders(lowerPipeline(p.definition, { flinkVersion: "2.2" }))).toEqual([
      { group: "enrich", topic: "orders.v1" },
      { group: "enrich.orders.text", topic: "orders.v1" },
      { group: "enrich", topic: "customers.v1" },
    ]);
  });

  it("the same on Flink 1.20, whatever the sinks write to", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    expect(sourceReaders(lowerPipeline(pipeline("copy").write(orders.toPrint()).definition, { flinkVersion: "1.20" }))).toEqual([{ group: "copy", topic: "orders.v1" }]);
  });
});

describe("stageFailure", () => {
  it("a stage past its timeout: STREAMT-T005, with the time it had and how to give more", () => {
    expect(stageFailure("totals", { state: "timeout" }, { timeoutMs: 120_000 })).toMatchObject({
      code: "STREAMT-T005",
      message: "the restore test's job of pipeline totals did not read its input within 120000 ms; it was cancelled",
      hint: "a restore test's job waits for a free task slot while other tests' jobs hold them all: give testUpgrade(before, after, { timeout }) more time on a slow or busy machine, or run fewer test files at once",
    });
  });

  it("a job started from the savepoint that Flink could not give the old state: STREAMT-T009 with Flink's reason", () => {
    const error = "java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint file:/tmp/sp-1. Cannot map checkpoint/savepoint state for operator abc";
    const e = stageFailure("totals", { state: "failed", error }, { timeoutMs: 1000, restore: "/tmp/sp-1" });
    expect([e.code, e.message]).toEqual(["STREAMT-T009", `pipeline totals cannot start from the savepoint of the pipeline before the change: ${error}`]);
    expect(e.hint).toMatch(/^the change alters a step that keeps state/);
  });

  it("the same error without a restore, another failure, or an end before the stop: the job's failure, not a refused restore", () => {
    const failed = (error: string) => ({ state: "failed" as const, error });
    const fields = (e: { code: string; message: string }) => [e.code, e.message];
    expect(fields(stageFailure("totals", failed("Cannot map checkpoint/savepoint state for operator abc"), { timeoutMs: 1000 }))).toEqual(["STREAMT-R007", "job totals failed:\n  Cannot map checkpoint/savepoint state for operator abc"]);
    expect(fields(stageFailure("totals", failed("java.lang.ArithmeticException: / by zero"), { timeoutMs: 1000, restore: "/tmp/sp-1" }))).toEqual(["STREAMT-R007", "job totals failed:\n  java.lang.ArithmeticException: / by zero"]);
    const ended = stageFailure("totals", { state: "finished", ms: 10 }, { timeoutMs: 1000 });
    expect([ended.code, ended.message, ended.hint]).toEqual([
      "STREAMT-R007",
      "the restore test's job of pipeline totals ended (finished) before it could be stopped with a savepoint",
      "a restore test's job must run until it is stopped: its sources must be unbounded Kafka topics; if they are, report this as a bug of streamt-sdk",
    ]);
  });
});
