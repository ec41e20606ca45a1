import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StreamtError } from "../errors.js";
import { buildRunner, onJsonLines, spawnRunner, stderrTail, type ProgressSink } from "./flink-runner.js";
import { freePort } from "./free-port.js";
import { onExitSync, onShutdown, stopChild } from "./process-registry.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** A running single-node KRaft broker on loopback. */
export interface LocalKafka {
  /** "127.0.0.1:<port>" */
  readonly bootstrap: string;
  /** The broker's data directory (removed by stop()). */
  readonly dataDir: string;
  /** SIGTERM, wait for the exit (SIGKILL after the timeout), remove the data directory. Idempotent. */
  stop(): Promise<void>;
}

export interface LocalKafkaOptions {
  /** Maven progress on first use, and the broker's stderr when `verbose`. */
  readonly progress?: ProgressSink;
  readonly verbose?: boolean;
  /** How long to wait for the broker to answer (default 90 s). */
  readonly readyTimeoutMs?: number;
  /** The client port (default: a free one), e.g. picked earlier with freePort() to synthesise SQL for it. */
  readonly port?: number;
  /** Stops a start under way (Ctrl-C while the broker comes up): its JVM is stopped and the start rejects. */
  readonly signal?: AbortSignal;
}

/**
 * Starts a throw-away Kafka broker (kafka_2.13 3.9, KRaft) on free loopback ports with a fresh data
 * directory, and resolves once an admin client got an answer from it (the runner polls; no fixed
 * sleep). Its stdin stays an open pipe: the broker stops by itself if this process dies.
 *
 * @example
 * const kafka = await startLocalKafka();
 * // ... kafka.bootstrap === "127.0.0.1:41234"
 * await kafka.stop();
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const runner = await buildRunner("kafka", options.progress);
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  let lastError: unknown;
  // A free port can be taken between picking and binding it: try a few times.
  for (let attempt = 0; attempt < (options.port !== undefined ? 1 : 3); attempt++) {
    if (options.signal?.aborted) break;
    const dataDir = mkdtempSync(path.join(tmpdir(), "streamt-kafka-"));
    const port = options.port ?? (await freePort());
    const controllerPort = await freePort();
    if (port === controllerPort) continue;
    const child = spawnRunner(runner, ["kafka", "--port", String(port), "--controller-port", String(controllerPort), "--dir", dataDir, "--ready-timeout-ms", String(readyTimeoutMs)], {
      jvmArgs: ["-Xmx512m"],
    });
    const tail = stderrTail(child, 80, options.verbose ? options.progress : undefined);
    try {
      const bootstrap = await waitReady(child, tail, readyTimeoutMs + 15_000, options.signal);
      return handle(child, bootstrap, dataDir);
    } catch (e) {
      lastError = e;
      await stopChild(child, { timeoutMs: 5_000 });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  throw options.signal?.aborted ? new StreamtError({ code: RuntimeErrorCode.brokerFailed, message: "the local Kafka broker's start was stopped" }) : lastError;
}

export { freePort };

function waitReady(child: ChildProcess, tail: () => string, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    // The broker's stderr is shown when it gives no reason of its own: a reason it gives is followed there
    // only by the stack trace it came from.
    const fail = (why: string, withStderr = true) =>
      reject(new StreamtError({ code: RuntimeErrorCode.brokerFailed, message: `the local Kafka broker did not start: ${why}\n${withStderr ? tail() : ""}` }));
    const timer = setTimeout(() => fail(`no ready event after ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      fail("its start was stopped");
    }, { once: true });
    onJsonLines(child, (e) => {
      if (e.event === "ready" && typeof e.bootstrap === "string") {
        clearTimeout(timer);
        resolve(e.bootstrap);
      } else if (e.event === "failed") {
        clearTimeout(timer);
        fail(String(e.error), false);
      }
    });
    // "close", not "exit": its "failed" event (the reason) is read first.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      fail(`the broker JVM exited (${signal ?? `code ${code}`})`);
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      fail(e.message);
    });
  });
}

function handle(child: ChildProcess, bootstrap: string, dataDir: string): LocalKafka {
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      await stopChild(child, { signal: "SIGTERM", timeoutMs: 15_000 });
      rmSync(dataDir, { recursive: true, force: true });
      unregisterExit();
    })();
    return stopping;
  };
  const unregister = onShutdown(stop);
  // If Node exits without stop() (the registry kills the JVM), still remove the data directory.
  const unregisterExit = onExitSync(() => rmSync(dataDir, { recursive: true, force: true }));
  return { bootstrap, dataDir, stop };
}
