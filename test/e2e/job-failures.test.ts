/**
 * Jobs that fail on a record: without checkpointing the job ends FAILED; with it, Flink restarts the
 * job and replays the record for ever. The runner reports both as they happen (the failing task and
 * Flink's cause chain, which names the record), and `run --local` exits 1 with a coded error instead of
 * 0 at --timeout. Records are produced raw to the shared broker, bypassing the CLI's --input check.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pipeline, source, t, type Duration } from "streamt-sdk";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { createTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { jobFailureError, startLocalJob, type JobRestartingEvent } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { kafkaBootstrap, runId, send, startPipeline } from "./support.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-job-failures-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Nullable columns: the script is only source -> sink (no NOT NULL contract to enforce), as the tasks' names say.
const Line = t.row({ line_id: t.string().nullable(), qty: t.string().nullable() });

/** A one-source job reading `in` and writing `out` (both unique to this run), with parallelism 1. */
function lineJob(name: string, options: { checkpointInterval?: Duration } = {}) {
  const topics = { in: `e2e.fail.${name}.in.${runId}`, out: `e2e.fail.${name}.out.${runId}` };
  const lines = source("bad_lines", { topic: topics.in, schema: Line });
  const job = pipeline(`e2e-fail-${name}-${runId}`, { parallelism: 1, ...options }).write(lines.toKafka(topics.out));
  const sinkTable = topics.out.replace(/[^A-Za-z0-9_]/g, "_");
  return { job, topics, task: `Source: bad_lines[1] -> ${sinkTable}[2]: Writer -> ${sinkTable}[2]: Committer (1/1)` };
}

describe("a job that fails on a record", () => {
  it("ends FAILED without checkpointing, naming the record (and, when Flink still knows it, the task)", async () => {
    const { job, topics, task } = lineJob("once");
    const running = await startPipeline(job, [{ name: topics.in }, { name: topics.out }]);
    await send(topics.in, [{ value: { line_id: "l1", qty: "1" } }, { value: "[1,2]" }]);
    const end = await running.ended;
    const error = "Failed to deserialize JSON '[1,2]'.\nCaused by: Illegal JSON object data...";
    expect(end.state === "failed" && { ...end, task: null }).toEqual({ state: "failed", error, task: null });
    // Best effort: Flink shuts the MiniCluster down as the job ends, often before the runner can ask it.
    expect([null, task]).toContain(end.state === "failed" ? end.task : undefined);
    expect(running.events.some((e) => e.event === "restarting")).toBe(false);
    const e = jobFailureError(job.definition.name, { event: "failed", error, task });
    expect([e.code, e.message]).toEqual(["STREAMT-R007", `job ${job.definition.name} failed, in task "${task}":\n  Failed to deserialize JSON '[1,2]'.\n  Caused by: Illegal JSON object data...`]);
  }, 120_000);

  it("is reported as it restarts when checkpointing makes Flink restart it", async () => {
    const { job, topics, task } = lineJob("loop", { checkpointInterval: "1s" });
    const running = await startPipeline(job, [{ name: topics.in }, { name: topics.out }]);
    const restarts: JobRestartingEvent[] = [];
    const second = new Promise<void>((resolve) =>
      running.onEvent((e) => {
        if (e.event === "restarting" && restarts.push(e) === 2) resolve();
      }),
    );
    await send(topics.in, [{ value: '"text"' }]);
    await second;
    await running.stop();
    const jobId = await running.submitted;
    const error = "Failed to deserialize JSON '\"text\"'.\nCaused by: No content to map due to end-of-input\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]";
    expect(restarts).toEqual([
      { event: "restarting", jobId, restarts: 1, error, task },
      { event: "restarting", jobId, restarts: 2, error, task },
    ]);
  }, 120_000);

  it("names the record's topic, partition and offset where the Kafka connector says them (Flink 1.20)", async () => {
    const { job, topics, task } = lineJob("flink120", { checkpointInterval: "1s" });
    await createTopics(await kafkaBootstrap(), [{ name: topics.in }, { name: topics.out }]);
    const script = emitPipelineSql(job.definition, { bootstrapServers: await kafkaBootstrap(), flinkVersion: "1.20" });
    const running = await startLocalJob({ name: job.definition.name, script, target: "1.20" });
    const first = new Promise<JobRestartingEvent>((resolve) =>
      running.onEvent((e) => {
        if (e.event === "restarting") resolve(e);
      }),
    );
    await send(topics.in, [{ value: { line_id: "l1", qty: "1" } }, { value: "[1,2]" }]);
    const restart = await first;
    await running.stop();
    expect(restart).toEqual({
      event: "restarting",
      jobId: await running.submitted,
      restarts: 1,
      error: `Failed to deserialize the record at topic ${topics.in}, partition 0, offset 1\nCaused by: Failed to deserialize JSON '[1,2]'.\nCaused by: No content to map due to end-of-input\n at [Source: (byte[])"[1,2]"; line: 1, column: 1]`,
      task,
    });
  }, 120_000);
});

describe("streamt-sdk run --local with a record that fails the job", () => {
  it("exits 1 at the first restart with STREAMT-R011 naming the record, the task and its topic", async () => {
    const input = path.join(tmp, "lines.jsonl");
    writeFileSync(input, '{"line_id":"l1","qty":"3"}\n{"line_id":"l2","qty":"three"}\n');
    let out = "";
    let err = "";
    const io: Io = { out: (s) => (out += s), err: (s) => (err += s), cwd: root };
    const t0 = Date.now();
    const code = await main(["run", "test/fixtures/runtime/cast-qty.ts", "--local", "--no-typecheck", "--input", `order.lines.v1=${input}`, "--timeout", "120"], io);
    const seconds = (Date.now() - t0) / 1000;
    expect(code, err).toBe(1);
    expect(seconds).toBeLessThan(100);
    // l1 is written before l2 fails the job, unless the failure discards the sink's unflushed buffer.
    for (const line of out.split("\n").filter((l) => l !== "")) expect(line).toBe('order.lines.qty.v1 {"line_id":"l1","qty":3}');
    const reported = err.slice(err.indexOf("error "));
    expect(reported).toBe(
      [
        'error STREAMT-R011: job cast-qty failed and Flink restarted it (restart 1), in task "Source: order_lines[1] -> Calc[2] -> order_lines_qty_v1[3]: Writer -> order_lines_qty_v1[3]: Committer (1/1)" reading topic order.lines.v1 (source order_lines):',
        `  Failed to deserialize JSON '{"line_id":"l2","qty":"three"}'.`,
        "  Caused by: For input string: 'three'. Invalid character found.",
        "  fix: Flink reads the record that failed the job again after each restart, so the job would fail for ever: correct that record (or skip it), or the step that fails on it",
        "",
      ].join("\n"),
    );
    expect(err).not.toContain("--timeout");
    expect(liveChildren()).toEqual([]);
  }, 180_000);
});
