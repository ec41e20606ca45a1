/**
 * The run of a restore test (testUpgrade): the first pipeline reads the input given before savepoint()
 * and is stopped with a savepoint, as Flink's RestoreTestBase does; the second pipeline starts from that
 * savepoint, reads the input given after, and is stopped with its watermark moved to the end of time (as
 * at the end of a bounded input: every window fires). Neither job ends by itself: each checkpoints every
 * CHECKPOINT_MS, so its Kafka sources commit the offsets they have read, and the test stops it once every
 * source has committed the end of its input (everything before is then in the job's state).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { StreamtError } from "../errors.js";
import type { JobPlan } from "../ir/job-plan.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import { dialectFor } from "../emit-sql/dialect.js";
import { sourceOptions, textSourceOptions } from "../emit-sql/connector-options.js";
import { renderPipelineSql } from "../emit-sql/sql-emitter.js";
import type { ServedJob, ServedJobEnd } from "../runtime/job-server.js";
import { jobFailureError } from "../runtime/local-job.js";
import { runnerTargetFor } from "../runtime/flink-runner.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import { produce, uncommittedRecords, type ProduceRecord } from "../runtime/kafka-io.js";
import { TestingErrorCode } from "./codes.js";
import { startTestJob } from "./engine.js";
import { stateMismatch } from "./state-shape.js";

const CHECKPOINT_MS = 100;
const POLL_MS = 100;

/** One job of a restore test: its lowered pipeline and the records it reads, per source topic. */
export interface UpgradeStage {
  readonly plan: JobPlan;
  readonly input: ReadonlyMap<string, readonly ProduceRecord[]>;
}

const RESTORE_HINT =
  "the change alters a step that keeps state (its key, its columns, or the steps before it), so Flink cannot give the new job the old state; keep the stateful steps as they were, or deploy the change as a new job that starts without state";

/** Runs both jobs of a restore test; their output stays in the sinks' topics. */
export async function runUpgrade(bootstrap: string, before: UpgradeStage, after: UpgradeStage, timeoutMs: number): Promise<void> {
  const mismatch = stateMismatch(before.plan.pipeline, after.plan.pipeline);
  if (mismatch) {
    throw new StreamtError({
      code: TestingErrorCode.restoreFailed,
      message:
        `pipeline ${after.plan.pipeline.name} cannot start from the savepoint of the pipeline before the change: its step ${mismatch.after.node.path} keeps state by ${mismatch.after.keyedBy}, ` +
        `where the step in its place before (${mismatch.before.node.path}) kept it by ${mismatch.before.keyedBy}; Flink matches state to steps by their place in the job, so it would restore the old state into the new step under the new key`,
      hint: RESTORE_HINT,
      path: mismatch.after.node.path,
      site: mismatch.after.node.site,
    });
  }
  const dir = await mkdtemp(path.join(tmpdir(), "streamt-savepoint-"));
  try {
    const savepoint = await runStage(bootstrap, before, { drain: false, dir, timeoutMs });
    await runStage(bootstrap, after, { drain: true, dir, timeoutMs, restore: savepoint });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface StageOptions {
  readonly drain: boolean;
  readonly dir: string;
  readonly timeoutMs: number;
  readonly restore?: string;
}

/** Produces the stage's input, runs its job until the input is in its state, and stops it with a savepoint (its path). */
async function runStage(bootstrap: string, stage: UpgradeStage, o: StageOptions): Promise<string> {
  for (const [topic, records] of stage.input) await produce(bootstrap, topic, records);
  const name = stage.plan.pipeline.name;
  const { script } = renderPipelineSql(stage.plan, { bootstrapServers: bootstrap });
  const job = await startTestJob(
    { name, script, target: runnerTargetFor(stage.plan.flinkVersion), timeoutMs: o.timeoutMs },
    { checkpointMs: CHECKPOINT_MS, ...(o.restore ? { restore: o.restore } : {}) },
  );
  const ended = await consumed(bootstrap, stage.plan, job);
  if (ended) throw stageFailure(name, ended, o);
  job.stop(o.dir, { drain: o.drain });
  const end = await job.ended;
  if (end.state !== "stopped") throw stageFailure(name, end, o);
  return end.savepoint;
}

/** Waits until every source of the job has committed the end of its topic; how the job ended if it ended first. */
async function consumed(bootstrap: string, plan: JobPlan, job: ServedJob): Promise<ServedJobEnd | null> {
  const readers = sourceReaders(plan);
  let end: ServedJobEnd | null = null;
  void job.ended.then((e) => (end = e));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (end !== null) return end;
    if ((await uncommittedRecords(bootstrap, readers).catch(unlessRetriable)) === 0) return null;
  }
}

/** A Kafka error worth asking again about (the group's coordinator still loading): not known yet. */
function unlessRetriable(e: unknown): null {
  if ((e as { retriable?: unknown } | null)?.retriable === true) return null;
  throw e;
}

/** The consumer group and topic of each Kafka table the job reads (a source's table, and its text table when it has one). */
export function sourceReaders(plan: JobPlan): { group: string; topic: string }[] {
  const dialect = dialectFor(plan.flinkVersion);
  return plan.objects.flatMap((o) => {
    if (o.role !== "source" && o.role !== "source-text") return [];
    const n = o.node as SourceNode;
    const options = (o.role === "source" ? sourceOptions : textSourceOptions)(n, plan.pipeline.name, dialect);
    const group = options.find(([key]) => key === "properties.group.id")?.[1];
    return typeof group === "string" ? [{ group, topic: n.kafka.topic }] : [];
  });
}

/**
 * Why a stage did not stop with a savepoint. A job started from a savepoint that fails before it reads
 * anything could not take the state: STREAMT-T009, with Flink's reason.
 */
export function stageFailure(name: string, end: ServedJobEnd, o: Pick<StageOptions, "timeoutMs" | "restore">): StreamtError {
  if (end.state === "timeout") {
    return new StreamtError({
      code: TestingErrorCode.timeout,
      message: `the restore test's job of pipeline ${name} did not read its input within ${o.timeoutMs} ms; it was cancelled`,
      hint: "a restore test's job waits for a free task slot while other tests' jobs hold them all: give testUpgrade(before, after, { timeout }) more time on a slow or busy machine, or run fewer test files at once",
    });
  }
  if (end.state === "failed" && o.restore && restoreRefused(end.error)) {
    return new StreamtError({
      code: TestingErrorCode.restoreFailed,
      message: `pipeline ${name} cannot start from the savepoint of the pipeline before the change: ${end.error}`,
      hint: RESTORE_HINT,
    });
  }
  if (end.state === "failed") return jobFailureError(name, { event: "failed", ...end });
  // No record failed: the job ran out of input (or was stopped by someone else), so there is no state to keep.
  return new StreamtError({
    code: RuntimeErrorCode.jobFailed,
    message: `the restore test's job of pipeline ${name} ended (${end.state}) before it could be stopped with a savepoint`,
    hint: "a restore test's job must run until it is stopped: its sources must be unbounded Kafka topics; if they are, report this as a bug of streamt-sdk",
  });
}

/**
 * Whether Flink's error says the savepoint's state did not fit the job (rather than a record failing a
 * task): state of an operator the new job does not have, or state whose serializer the new job's cannot read.
 */
function restoreRefused(error: string): boolean {
  return /Failed to rollback to checkpoint\/savepoint|Cannot map checkpoint\/savepoint state|StateMigrationException|serializer.{0,80}(not |in)compatible/i.test(error);
}
