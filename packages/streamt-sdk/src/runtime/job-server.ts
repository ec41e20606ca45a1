import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { StreamtError } from "../errors.js";
import { buildRunner, onJsonLines, spawnRunner, stderrTail, type ProgressSink } from "./flink-runner.js";
import { stopChild } from "./process-registry.js";
import { RuntimeErrorCode } from "./toolchain.js";

/**
 * How a job the server ran ended. `timeout`: it had not ended in time and was cancelled; `stopped`: it
 * was stopped with the savepoint at `savepoint` (ServedJob.stop); `cancelled`: by ServedJob.cancel.
 */
export type ServedJobEnd =
  | { readonly state: "finished"; readonly ms: number }
  | { readonly state: "stopped"; readonly savepoint: string }
  | { readonly state: "cancelled" }
  | { readonly state: "failed"; readonly error: string; readonly statementIndex?: number; readonly statement?: string; readonly line?: number }
  | { readonly state: "timeout" };

export interface JobOptions {
  readonly timeoutMs: number;
  /** A savepoint the job starts from; the job fails if any of its state has no operator to go to. */
  readonly restore?: string;
  /** Checkpoint every so many ms, so the job's Kafka sources commit what they have read. */
  readonly checkpointMs?: number;
}

/** A job the server runs: how it ends, and ways to stop it (with a savepoint first, or not). */
export interface ServedJob {
  readonly ended: Promise<ServedJobEnd>;
  /** Flink's job id once the job is submitted (it runs); rejects with how it ended if it ended first. */
  readonly submitted: Promise<string>;
  /** Stops the job with a savepoint in `dir`; `drain` moves its watermark to the end of time first (every window fires). */
  stop(dir: string, options: { readonly drain: boolean }): void;
  /** Cancels the job (no savepoint); resolves with how it ended. */
  cancel(): Promise<ServedJobEnd>;
}

/** Something that runs jobs: the runner's `serve` JVM, directly or through a relay. */
export interface JobService {
  /** Runs a bounded job to its end. */
  run(script: string, options: JobOptions): Promise<ServedJobEnd>;
  /** Starts a job that a caller may stop with a savepoint. */
  start(script: string, options: JobOptions): ServedJob;
  close(): Promise<void>;
}

type Event = Record<string, unknown>;

/** A served job whose `submitted` (and, for a gone server, `ended`) nobody awaits: its rejection is no unhandled one. */
function quiet(job: ServedJob): ServedJob {
  job.submitted.catch(() => undefined);
  job.ended.catch(() => undefined);
  return job;
}

/**
 * How a job ended, from the server's event that ends it (any but `submitted`). A job cancelled because it
 * ran out of time (`timedOut`) is a timeout whatever the server says, as is one the server cancelled.
 *
 * @example
 * servedJobEnd({ id, event: "finished", ms: 2140 }, false); // { state: "finished", ms: 2140 }
 */
export function servedJobEnd(e: Event, timedOut: boolean): ServedJobEnd {
  if (timedOut || e.event === "cancelled") return { state: "timeout" };
  if (e.event === "finished") return { state: "finished", ms: Number(e.ms ?? 0) };
  if (e.event === "stopped") return { state: "stopped", savepoint: String(e.savepoint) };
  return {
    state: "failed",
    error: String(e.error ?? "unknown error"),
    ...(typeof e.statementIndex === "number" ? { statementIndex: e.statementIndex, statement: String(e.statement ?? ""), line: Number(e.line ?? 0) } : {}),
  };
}

/**
 * The JSON-lines protocol of `Main serve` over any line transport: requests `{id, script}` and
 * `{id, cancel: true}`, events carrying the request's id (see JobServer.java).
 */
class JobChannel implements JobService {
  private readonly waiting = new Map<string, (e: Event) => void>();
  private closedBecause: string | null = null;

  constructor(
    private readonly send: (line: string) => void,
    private readonly shut: () => Promise<void>,
  ) {}

  /** Feeds an event from the server to the job it belongs to. */
  event(e: Event): void {
    if (typeof e.id === "string") this.waiting.get(e.id)?.(e);
  }

  /** The transport is gone: every job still waiting fails with why. */
  lost(why: string): void {
    this.closedBecause = why;
    for (const [id, listener] of this.waiting) listener({ id, event: "failed", error: why });
  }

  run(script: string, options: JobOptions): Promise<ServedJobEnd> {
    return this.start(script, options).ended;
  }

  start(script: string, options: JobOptions): ServedJob {
    const id = randomBytes(6).toString("hex");
    if (this.closedBecause !== null) {
      const gone = Promise.reject(new StreamtError({ code: RuntimeErrorCode.runnerFailed, message: `the Flink job server is gone: ${this.closedBecause}` }));
      return quiet({ ended: gone, submitted: gone, stop: () => undefined, cancel: () => gone });
    }
    let onSubmitted: (jobId: string) => void = () => undefined;
    let notSubmitted: (e: Error) => void = () => undefined;
    const submitted = new Promise<string>((resolve, reject) => ([onSubmitted, notSubmitted] = [resolve, reject]));
    let cancelled = false;
    const ended = new Promise<ServedJobEnd>((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.send(JSON.stringify({ id, cancel: true }));
      }, options.timeoutMs);
      this.waiting.set(id, (e) => {
        if (e.event === "submitted") return onSubmitted(String(e.jobId));
        clearTimeout(timer);
        this.waiting.delete(id);
        const end: ServedJobEnd = cancelled && !timedOut && e.event === "cancelled" ? { state: "cancelled" } : servedJobEnd(e, timedOut);
        notSubmitted(new StreamtError({ code: RuntimeErrorCode.runnerFailed, message: `the job ended before it ran: ${end.state === "failed" ? end.error : end.state}` }));
        resolve(end);
      });
      this.send(JSON.stringify({ id, script, ...(options.restore ? { restore: options.restore } : {}), ...(options.checkpointMs ? { checkpointMs: options.checkpointMs } : {}) }));
    });
    return quiet({
      ended,
      submitted,
      stop: (dir, { drain }) => this.send(JSON.stringify({ id, stop: { dir, drain } })),
      cancel: () => {
        cancelled = true;
        this.send(JSON.stringify({ id, cancel: true }));
        return ended;
      },
    });
  }

  close(): Promise<void> {
    return this.shut();
  }
}

/**
 * Starts the runner's `serve` JVM: one warm JVM for a whole test run, with one MiniCluster that runs
 * every job (each with its own configuration). The JVM is tracked (it cannot outlive this process) and
 * exits when its stdin closes.
 *
 * @example
 * const server = await startJobServer("2");
 * await server.run(script, { timeoutMs: 60_000 }); // { state: "finished", ms: 2140 }
 * await server.close();
 */
export async function startJobServer(target: "2" | "1.20", options: { progress?: ProgressSink; onStderr?: (line: string) => void } = {}): Promise<JobService> {
  let channel: JobChannel | null = null;
  const child = await spawnServe(target, options, (e) => channel?.event(e), (why) => channel?.lost(why));
  channel = new JobChannel(
    (line) => child.stdin!.write(`${line}\n`),
    () => closeChild(child),
  );
  return channel;
}

/**
 * Spawns `Main serve` and resolves once it is ready; then each event goes to `onEvent`, and `onExit`
 * says why, should the JVM exit.
 */
async function spawnServe(target: "2" | "1.20", options: { progress?: ProgressSink; onStderr?: (line: string) => void }, onEvent: (e: Event) => void, onExit: (why: string) => void): Promise<ChildProcess> {
  const runner = await buildRunner(target, options.progress);
  const child = spawnRunner(runner, ["serve"], { jvmArgs: ["-Xmx2g"] });
  const tail = stderrTail(child, 80, options.onStderr);
  let refused: string | null = null;
  await new Promise<void>((resolve, reject) => {
    onJsonLines(child, (e) => {
      if (e.event === "ready") resolve();
      // A failure without an id is the server's own (its MiniCluster did not start): said should it exit.
      else if (e.event === "failed" && e.id === undefined) refused = String(e.error);
      else onEvent(e);
    });
    // "close", not "exit": only then has all it wrote been read (its refusal above, the tail of its stderr).
    child.once("close", (code, signal) => {
      const why = `the Flink job server exited (${signal ?? `code ${code}`}): ${refused ?? ""}\n${tail()}`;
      onExit(why);
      reject(new StreamtError({ code: RuntimeErrorCode.runnerFailed, message: why }));
    });
  });
  return child;
}

async function closeChild(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin!.end();
  const timer = setTimeout(() => void stopChild(child, { timeoutMs: 5_000 }), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Shares one job server with other processes (test workers) over a loopback socket: each connection
 * speaks the same JSON lines, and its jobs are cancelled when it closes. The JVM starts with the first
 * request (a run that tests no pipeline pays nothing). Returns "127.0.0.1:<port>".
 */
export async function shareJobServer(target: "2" | "1.20", options: { progress?: ProgressSink } = {}): Promise<{ readonly address: string; close(): Promise<void> }> {
  const owners = new Map<string, Socket>();
  let jvm: Promise<ChildProcess> | null = null;
  const started = (): Promise<ChildProcess> =>
    (jvm ??= spawnServe(
      target,
      options,
      (e) => {
        const owner = typeof e.id === "string" ? owners.get(e.id) : undefined;
        if (owner && e.event !== "submitted") owners.delete(e.id as string);
        owner?.write(`${JSON.stringify(e)}\n`);
      },
      () => {
        for (const s of owners.values()) s.destroy();
      },
    ));
  const connections = new Set<Socket>();
  let closing = false;
  const server: Server = createServer((socket) => {
    connections.add(socket);
    const mine = new Set<string>();
    createInterface({ input: socket }).on("line", (line) => {
      let id: unknown;
      try {
        id = (JSON.parse(line) as Event).id;
      } catch {
        return;
      }
      if (typeof id !== "string") return;
      owners.set(id, socket);
      mine.add(id);
      started().then(
        (child) => child.stdin!.write(`${line}\n`),
        (e: Error) => socket.write(`${JSON.stringify({ id, event: "failed", error: e.message })}\n`),
      );
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      connections.delete(socket);
      // Once the server closes, its JVM is stopped with every job in it: nothing to cancel one by one.
      if (closing) return;
      for (const id of mine) if (owners.get(id) === socket) void started().then((child) => child.stdin!.write(`${JSON.stringify({ id, cancel: true })}\n`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      // server.close() waits for every connection to end: a client in this same process (a test run
      // in the process that shares the server) would keep it waiting for ever.
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections) socket.destroy();
      await closed;
      if (jvm) await closeChild(await jvm.catch(() => null));
    },
  };
}

/** Connects to a job server shared by shareJobServer. */
export async function connectJobServer(address: string): Promise<JobService> {
  const [host, port] = address.split(":");
  const socket = createConnection({ host: host!, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", (e) => reject(new StreamtError({ code: RuntimeErrorCode.runnerFailed, message: `cannot reach the shared Flink job server at ${address}: ${e.message}` })));
  });
  // The connection must not keep this process alive on its own.
  socket.unref();
  const channel = new JobChannel(
    (line) => socket.write(`${line}\n`),
    async () => {
      socket.end();
    },
  );
  createInterface({ input: socket }).on("line", (line) => {
    try {
      channel.event(JSON.parse(line) as Event);
    } catch {
      // not an event
    }
  });
  socket.on("close", () => channel.lost(`the connection to the shared Flink job server at ${address} closed`));
  return channel;
}
