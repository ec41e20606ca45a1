import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import type { Pipeline } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { startLocalKafka, type LocalKafka } from "../../packages/streamt-sdk/src/runtime/local-kafka.js";
import { startLocalJob, type LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { connectJobServer, type JobService } from "../../packages/streamt-sdk/src/runtime/job-server.js";
import { JOB_SERVER_ENV } from "../../packages/streamt-sdk/src/testing/engine.js";
import { createTopics, produce, watchTopics, type ConsumedRecord, type ProduceRecord, type TopicSpec, type TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";

let own: Promise<LocalKafka> | null = null;
let jobServer: Promise<JobService> | null = null;
const openWatchers: TopicWatcher[] = [];
// Registered at load time (hooks cannot be added from inside another hook). Vitest runs after-hooks in
// reverse order, so this one runs after the test file's own (which stop its jobs).
afterAll(async () => {
  await Promise.all(openWatchers.map((w) => w.stop()));
  if (jobServer) await (await jobServer).close();
  if (own) await (await own).stop();
});

/**
 * The shared broker of test/e2e/global-setup.ts; when that setup is not registered (a single file run
 * on its own), this file's worker starts one and stops it after its tests.
 */
export async function kafkaBootstrap(): Promise<string> {
  const provided = inject("kafkaBootstrap");
  if (provided) return provided;
  own ??= startLocalKafka();
  return (await own).bootstrap;
}

/** A suffix that makes topic and pipeline names unique per test run. */
export const runId = randomBytes(3).toString("hex");

/** `2024-01-01T<hh:mm[:ss[.SSS]]>`: the event times the tests write, as JSON's ISO-8601 timestamps. */
export function at(time: string): string {
  const [hm, frac] = time.split(".");
  const full = hm!.length === 5 ? `${hm}:00` : hm!;
  return `2024-01-01T${full}${frac ? `.${frac}` : ""}`;
}

/** What Flink writes for a TIMESTAMP(3) in ISO-8601 JSON: seconds always, milliseconds when non-zero. */
export function ts(time: string): string {
  return at(time);
}

/** Starts a pipeline as one MiniCluster job against the test broker, after creating its topics. */
export async function startPipeline(p: Pipeline, topics: readonly TopicSpec[], options: { checkpointDir?: string; restoreFrom?: string; flinkVersion?: string } = {}): Promise<LocalJob> {
  const bootstrap = await kafkaBootstrap();
  await createTopics(bootstrap, topics);
  const script = emitPipelineSql(p.definition, { bootstrapServers: bootstrap, flinkVersion: options.flinkVersion ?? "2.2" });
  const job = await startLocalJob({
    name: p.definition.name,
    script,
    ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
    ...(options.restoreFrom ? { restoreFrom: options.restoreFrom } : {}),
    ...(process.env.STREAMT_E2E_VERBOSE ? { onStderr: (l: string) => void process.stderr.write(`[${p.definition.name}] ${l}\n`) } : {}),
  });
  await job.submitted;
  return job;
}

/** A pipeline's job on the run's warm job server; stop() cancels it and resolves once it has ended. */
export interface ServedPipeline {
  stop(): Promise<void>;
}

/**
 * Starts a pipeline as a job of the run's warm job server (global-setup.ts shares one `serve`
 * JVM, whose MiniCluster runs each job with its own configuration), after creating its topics; resolves
 * once the job runs. A job start there costs its planning, not a JVM's and a cluster's start (~5 s of CPU
 * each): for tests that only start a job and stop it. Those that need checkpoints, a restore, a crash or
 * the job's events use startPipeline. A job that fails later says so on stderr.
 */
export async function startServedPipeline(p: Pipeline, topics: readonly TopicSpec[], options: { flinkVersion?: string } = {}): Promise<ServedPipeline> {
  const bootstrap = await kafkaBootstrap();
  await createTopics(bootstrap, topics);
  // The script as synth writes it for that Flink version (by default 2.2's); it runs on the server's Flink 2.2, as startPipeline's does.
  const script = emitPipelineSql(p.definition, { bootstrapServers: bootstrap, flinkVersion: options.flinkVersion ?? "2.2" });
  return startServedScript(p.definition.name, script);
}

/** startServedPipeline for a script already written (synth's own output): starts it, resolves once the job runs. */
export async function startServedScript(name: string, script: string): Promise<ServedPipeline> {
  const address = process.env[JOB_SERVER_ENV];
  if (!address) throw new Error(`${JOB_SERVER_ENV} is not set: the flink project's global setup (test/e2e/global-setup.ts) shares the job server`);
  // A test's job runs until the test stops it: the server cancels it after this long only if none does.
  const job = (await (jobServer ??= connectJobServer(address))).start(script, { timeoutMs: 30 * 60_000 });
  void job.ended.then((end) => {
    if (end.state === "failed") process.stderr.write(`[${name}] the job failed: ${end.error}\n`);
  });
  await job.submitted;
  return {
    async stop() {
      await job.cancel();
    },
  };
}

export async function send(topic: string, records: readonly ProduceRecord[]): Promise<void> {
  await produce(await kafkaBootstrap(), topic, records);
}

/** Values of JSON events, each on partition 0 unless given. */
export function events(values: readonly Record<string, unknown>[], partition = 0): ProduceRecord[] {
  return values.map((value) => ({ value, partition }));
}

/** Reads the topics from their start; the consumer is stopped after the file's tests (stopping it earlier is fine). */
export async function watch(...topics: string[]): Promise<TopicWatcher> {
  const w = await watchTopics(await kafkaBootstrap(), topics);
  openWatchers.push(w);
  return w;
}

/**
 * How long a topic must stay quiet after the expected output arrived before a test takes it as complete:
 * a row arriving later (a duplicate, a late firing, a retraction) then fails the exact comparison.
 */
export const SETTLE_MS = 2_000;

/** Waits until `predicate` holds, then SETTLE_MS of quiet, and returns every record that arrived. */
export async function complete(w: TopicWatcher, predicate: (records: readonly ConsumedRecord[]) => boolean, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  await w.until(predicate, timeoutMs);
  let seen = -1;
  while (seen !== w.records.length) {
    seen = w.records.length;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
  return [...w.records];
}

/**
 * complete() for many watchers of one job at once: waits until each one's predicate holds, then SETTLE_MS
 * of quiet on all of them together (one settle for the job, not one per watcher). Each watcher's records,
 * or the error its wait failed with (what did arrive), so each test reports its own topic.
 */
export async function completeAll<K>(waits: ReadonlyMap<K, { readonly watcher: TopicWatcher; readonly predicate: (records: readonly ConsumedRecord[]) => boolean }>, timeoutMs = 60_000): Promise<Map<K, ConsumedRecord[] | Error>> {
  const reached = await Promise.allSettled([...waits.values()].map(({ watcher, predicate }) => watcher.until(predicate, timeoutMs)));
  const arrived = () => [...waits.values()].reduce((n, { watcher }) => n + watcher.records.length, 0);
  let seen = -1;
  while (seen !== arrived()) {
    seen = arrived();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
  return new Map([...waits.entries()].map(([key, { watcher }], i) => {
    const r = reached[i]!;
    return [key, r.status === "fulfilled" ? [...watcher.records] : r.reason instanceof Error ? r.reason : new Error(String(r.reason))];
  }));
}

/** Waits until `n` records arrived (or fails with what arrived) and the topic settled; returns the values of ALL that arrived. */
export async function valuesAfter(w: TopicWatcher, n: number, timeoutMs = 60_000): Promise<unknown[]> {
  const rs = await complete(w, (r) => r.length >= n, timeoutMs);
  return rs.map((r: ConsumedRecord) => r.value);
}

/** Sorts rows by their JSON text, for comparing outputs whose order across keys is not defined. */
export function sorted<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
