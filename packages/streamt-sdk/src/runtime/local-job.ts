import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StreamtError } from "../errors.js";
import { buildRunner, onJsonLines, spawnRunner, stderrTail, type ProgressSink } from "./flink-runner.js";
import { onExitSync, onShutdown, stopChild } from "./process-registry.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** What the runner reports about a job, in order: submitted, checkpoint*, then one end event. */
export type JobEvent =
  | { readonly event: "submitted"; readonly jobId: string }
  | { readonly event: "checkpoint"; readonly id: number; readonly path: string }
  | { readonly event: "finished"; readonly jobId: string }
  | JobFailedEvent
  | JobRestartingEvent
  | { readonly event: "cancelled"; readonly lastCheckpoint?: string };

/**
 * The job ended FAILED (or its script failed before it ran: then with the statement). `task` is the
 * Flink task that failed last, e.g. "Source: orders[1] -> Calc[2] -> orders_out[3]: Writer (1/1)".
 */
export interface JobFailedEvent {
  readonly event: "failed";
  readonly error: string;
  readonly task?: string;
  readonly statementIndex?: number;
  readonly statement?: string;
  readonly line?: number;
}

/**
 * A task failed and Flink restarts the job (its restart strategy: with checkpointing on, by default
 * for ever): the record that failed it is read again after the restart. `restarts` counts from 1.
 */
export interface JobRestartingEvent {
  readonly event: "restarting";
  readonly jobId: string;
  readonly restarts: number;
  readonly error: string;
  readonly task?: string;
}

/** How a job's JVM ended. `killed` is a SIGKILL (no cancel, no final event): a crash. */
export type JobEnd =
  | { readonly state: "finished" }
  | { readonly state: "failed"; readonly error: string; readonly task: string | null }
  | { readonly state: "cancelled"; readonly lastCheckpoint: string | null }
  | { readonly state: "killed"; readonly lastCheckpoint: string | null }
  | { readonly state: "exited"; readonly code: number | null; readonly signal: string | null };

export interface LocalJobOptions {
  /** A name for messages and the temp script file. */
  readonly name: string;
  /** The whole Flink SQL script (as emitted for one pipeline). */
  readonly script: string;
  /** Runner target: "2" (Flink 2.2, default) or "1.20". */
  readonly target?: "2" | "1.20";
  /** Keep completed checkpoints here (retained on cancel and crash), reported as `checkpoint` events. */
  readonly checkpointDir?: string;
  /** Start from this checkpoint (a chk-N directory) or savepoint. */
  readonly restoreFrom?: string;
  readonly progress?: ProgressSink;
  /** Forward the JVM's stderr (Flink logs, print sinks) line by line. */
  readonly onStderr?: (line: string) => void;
  readonly jvmArgs?: readonly string[];
}

/**
 * A Flink SQL script running as one job on an in-JVM MiniCluster (`run --watch-stdin`).
 *
 * @example
 * const job = await startLocalJob({ name: "hourly-revenue", script, checkpointDir: "/tmp/cp" });
 * await job.submitted;
 * const cp = await job.nextCheckpoint();
 * await job.kill();                          // crash
 * const again = await startLocalJob({ name: "hourly-revenue", script, restoreFrom: cp.path });
 */
export interface LocalJob {
  readonly name: string;
  /** Every event so far. */
  readonly events: readonly JobEvent[];
  /** The job id once submitted; rejects if the script fails before that. */
  readonly submitted: Promise<string>;
  /** Resolves when the JVM has exited, with how the job ended. */
  readonly ended: Promise<JobEnd>;
  /** The newest completed checkpoint seen, if any. */
  lastCheckpoint(): { id: number; path: string } | null;
  /** Waits for a checkpoint with an id above `afterId` (default: any newer than now). */
  nextCheckpoint(options?: { afterId?: number; timeoutMs?: number }): Promise<{ id: number; path: string }>;
  /** Listens to events as they arrive. */
  onEvent(listener: (e: JobEvent) => void): void;
  /** Cancels the job (SIGTERM: the runner cancels it, retaining checkpoints) and waits for the exit. */
  stop(): Promise<JobEnd>;
  /** SIGKILL: the JVM dies at once, like a crashed machine; checkpoints on disk stay. */
  kill(): Promise<JobEnd>;
}

const SCRIPT_DIR_PREFIX = "streamt-job-";

/**
 * Removes the script folders of runs that were killed (a process removes its own on exit, but not
 * after SIGKILL): each is named after its process, and those of a process no longer running go.
 */
export function removeLeftoverScriptDirs(dir: string = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${SCRIPT_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid || processRuns(Number(m[1]))) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function startLocalJob(options: LocalJobOptions): Promise<LocalJob> {
  const runner = await buildRunner(options.target ?? "2", options.progress);
  removeLeftoverScriptDirs();
  const scriptDir = mkdtempSync(path.join(tmpdir(), `${SCRIPT_DIR_PREFIX}${process.pid}-`));
  const scriptFile = path.join(scriptDir, `${options.name.replace(/[^A-Za-z0-9._-]/g, "_")}.sql`);
  writeFileSync(scriptFile, options.script);
  const args = ["run", scriptFile, "--watch-stdin"];
  if (options.checkpointDir) args.push("--checkpoint-dir", options.checkpointDir);
  if (options.restoreFrom) args.push("--restore", options.restoreFrom);
  const child = spawnRunner(runner, args, { jvmArgs: options.jvmArgs ?? ["-Xmx1g"] });
  const unregisterExit = onExitSync(() => rmSync(scriptDir, { recursive: true, force: true }));
  child.once("exit", () => unregisterExit());
  return new LocalJobImpl(options.name, child, stderrTail(child, 80, options.onStderr), scriptDir);
}

class LocalJobImpl implements LocalJob {
  readonly events: JobEvent[] = [];
  readonly submitted: Promise<string>;
  readonly ended: Promise<JobEnd>;
  private readonly listeners: ((e: JobEvent) => void)[] = [];
  private killedOnPurpose = false;
  private readonly unregister: () => void;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly stderr: () => string,
    scriptDir: string,
  ) {
    onJsonLines(child, (e) => {
      const ev = e as unknown as JobEvent;
      this.events.push(ev);
      for (const l of this.listeners) l(ev);
    });
    this.ended = new Promise<JobEnd>((resolve) => {
      // "close", not "exit": the job's last events (finished, failed) are read before its end is decided.
      child.once("close", (code, signal) => {
        this.unregister();
        rmSync(scriptDir, { recursive: true, force: true });
        resolve(this.endOf(code, signal));
      });
    });
    this.submitted = new Promise<string>((resolve, reject) => {
      this.onEvent((e) => {
        if (e.event === "submitted") resolve(e.jobId);
        if (e.event === "failed") reject(this.failure(e));
      });
      void this.ended.then((end) => reject(new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${name} ended before it was submitted (${JSON.stringify(end)}):\n${this.stderr()}` })));
    });
    this.submitted.catch(() => {});
    this.unregister = onShutdown(async () => {
      await this.stop();
    });
  }

  lastCheckpoint(): { id: number; path: string } | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.event === "checkpoint") return { id: e.id, path: e.path };
    }
    return null;
  }

  nextCheckpoint(options: { afterId?: number; timeoutMs?: number } = {}): Promise<{ id: number; path: string }> {
    const after = options.afterId ?? this.lastCheckpoint()?.id ?? 0;
    const seen = this.lastCheckpoint();
    if (seen && seen.id > after) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StreamtError({ code: RuntimeErrorCode.timeout, message: `job ${this.name}: no checkpoint after ${after} within ${options.timeoutMs ?? 60_000} ms` })),
        options.timeoutMs ?? 60_000,
      );
      this.onEvent((e) => {
        if (e.event === "checkpoint" && e.id > after) {
          clearTimeout(timer);
          resolve({ id: e.id, path: e.path });
        }
      });
      void this.ended.then((end) => {
        clearTimeout(timer);
        reject(new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${this.name} ended while waiting for a checkpoint: ${JSON.stringify(end)}` }));
      });
    });
  }

  onEvent(listener: (e: JobEvent) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<JobEnd> {
    await stopChild(this.child, { signal: "SIGTERM", timeoutMs: 25_000 });
    return this.ended;
  }

  async kill(): Promise<JobEnd> {
    this.killedOnPurpose = true;
    await stopChild(this.child, { signal: "SIGKILL", timeoutMs: 5_000 });
    return this.ended;
  }

  private failure(e: JobFailedEvent): StreamtError {
    const where = e.statementIndex ? ` in statement ${e.statementIndex} (line ${e.line}): ${e.statement?.split("\n")[0] ?? ""}` : "";
    return new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${this.name} failed${where}: ${e.error}` });
  }

  private endOf(code: number | null, signal: string | null): JobEnd {
    const last = [...this.events].reverse().find((e) => e.event === "finished" || e.event === "failed" || e.event === "cancelled");
    if (this.killedOnPurpose) return { state: "killed", lastCheckpoint: this.lastCheckpoint()?.path ?? null };
    if (last?.event === "finished") return { state: "finished" };
    if (last?.event === "failed") return { state: "failed", error: last.error, task: last.task ?? null };
    if (last?.event === "cancelled") return { state: "cancelled", lastCheckpoint: last.lastCheckpoint ?? this.lastCheckpoint()?.path ?? null };
    return { state: "exited", code, signal };
  }
}

/**
 * The coded error for a job that Flink restarted after a failure (STREAMT-R011) or that ended FAILED
 * (STREAMT-R007): the job, the failing task (it names the source table whose chain failed) and Flink's
 * cause chain, which names the record when the source's format says it (e.g. `Failed to deserialize
 * JSON '[1,2]'`).
 *
 * @example
 * jobFailureError("cast-qty", { event: "restarting", jobId, restarts: 1, error: "For input string: 'x'", task: "Source: lines[1] -> Calc[2] (1/1)" });
 * // STREAMT-R011: job cast-qty failed and Flink restarted it (restart 1), in task "Source: lines[1] -> Calc[2] (1/1)":
 * //   For input string: 'x'
 */
export function jobFailureError(job: string, e: JobFailedEvent | JobRestartingEvent, sourceNote: (task: string) => string = () => ""): StreamtError {
  // `sourceNote` adds what the task reads, e.g. ` reading topic orders.v1 (source orders)`.
  const task = e.task ? `, in task "${e.task}"${sourceNote(e.task)}` : "";
  const cause = e.error
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  if (e.event === "restarting") {
    return new StreamtError({
      code: RuntimeErrorCode.jobRestarted,
      message: `job ${job} failed and Flink restarted it (restart ${e.restarts})${task}:\n${cause}`,
      hint: "Flink reads the record that failed the job again after each restart, so the job would fail for ever: correct that record (or skip it), or the step that fails on it",
    });
  }
  return new StreamtError({
    code: RuntimeErrorCode.jobFailed,
    message: `job ${job} failed${task}:\n${cause}`,
    hint: "correct the record Flink names (or skip it), or the step that fails on it",
  });
}
