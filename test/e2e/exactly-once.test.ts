/**
 * Exactly-once: a windowed job with a transactional Kafka sink is killed with SIGKILL mid-stream (no
 * cancel, no final commit, like a crashed machine) and restarted from its last retained checkpoint. A
 * read_committed reader must see every window result exactly once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import type { LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { createTopics, watchTopics, type TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, events, kafkaBootstrap, runId, send, startPipeline, watch } from "./support.js";

const topic = (name: string) => `e2e.eos.${name}.${runId}`;
const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });

const perMinute = source("eos_in", { topic: topic("in"), schema: Ev })
  .eventTime("ts")
  .watermark("1s")
  .tumble("1m")
  .groupBy("k")
  .aggregate({ n: count(), total: sum("v") });

const eos = pipeline(`e2e-eos-${runId}`, { parallelism: 1, checkpointInterval: "1s" }).write(
  perMinute.toKafka(topic("out"), { delivery: "exactly-once", transactionTimeout: "5m" }),
);

/** Minute m (10:mm): a:1 at :10, b:2 at :20, a:3 at :40 -> per window a = (2, 4), b = (1, 2). */
const hm = (m: number) => `${10 + Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
const minute = (m: number) => {
  const mm = hm(m);
  return [
    { k: "a", v: 1, ts: at(`${mm}:10`) },
    { k: "b", v: 2, ts: at(`${mm}:20`) },
    { k: "a", v: 3, ts: at(`${mm}:40`) },
  ];
};
const minutes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => minute(from + i)).flat();

const jobs: LocalJob[] = [];
const watchers: TopicWatcher[] = [];
const checkpoints = mkdtempSync(path.join(tmpdir(), "streamt-e2e-cp-"));
afterAll(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await Promise.all(jobs.map((j) => j.stop()));
  rmSync(checkpoints, { recursive: true, force: true });
});

it("a job killed with SIGKILL and restored from its last checkpoint writes every result exactly once", async () => {
  const topics = [{ name: topic("in") }, { name: topic("out") }];
  await createTopics(await kafkaBootstrap(), topics);
  const committed = await watch(topic("out"));
  const uncommitted = await watchTopics(await kafkaBootstrap(), [topic("out")], () => {}, { readUncommitted: true });
  watchers.push(committed, uncommitted);
  const first = await startPipeline(eos, topics, { checkpointDir: checkpoints });
  jobs.push(first);

  // Minutes 0-4, and minute 5's events move the watermark past 10:05: five windows per key are out
  // once a checkpoint has committed their transaction.
  await send(topic("in"), events(minutes(0, 5)));
  await committed.until((r) => r.length >= 10);
  const cp = await first.nextCheckpoint();

  // Mid-stream: more windows computed and written into an open transaction, then the crash.
  await send(topic("in"), events(minutes(6, 8)));
  await uncommitted.until((r) => r.length > committed.records.length);
  const end = await first.kill();
  expect(end.state).toBe("killed");
  const restoreFrom = first.lastCheckpoint() ?? cp;

  const second = await startPipeline(eos, topics, { checkpointDir: checkpoints, restoreFrom: restoreFrom.path });
  jobs.push(second);
  // The rest, and an event at 12:00 that closes every window up to 10:11.
  await send(topic("in"), events([...minutes(9, 11), { k: "zz", v: 0, ts: at("12:00") }]));

  const rows = await committed.until((r) => r.length >= 24, 120_000);
  // A later checkpoint would commit any duplicate still pending: wait for one, then count again.
  await second.nextCheckpoint();
  await second.nextCheckpoint();
  const all = committed.records.map((r) => r.value as { window_start: string; k: string; n: number; total: number });
  expect(rows.length).toBeGreaterThanOrEqual(24);
  expect(all).toHaveLength(24);
  const expected = Array.from({ length: 12 }, (_, m) => [
    { window_start: at(hm(m)), k: "a", n: 2, total: 4 },
    { window_start: at(hm(m)), k: "b", n: 1, total: 2 },
  ]).flat();
  // The kill happened inside an open transaction: rows were written that no reader_committed consumer
  // ever saw (the aborted transaction's), and the restored job wrote them again. Without that, this test
  // would not exercise recovery at all.
  const keyOf = (r: { window_start: string; k: string }) => `${r.window_start} ${r.k}`;
  const seenUncommitted = uncommitted.records.map((r) => keyOf(r.value as { window_start: string; k: string }));
  expect(uncommitted.records.length).toBeGreaterThan(all.length);
  expect(seenUncommitted.filter((k, i) => seenUncommitted.indexOf(k) !== i).length).toBeGreaterThan(0);
  const got = all.map(({ window_start, k, n, total }) => ({ window_start, k, n, total }));
  const key = (r: { window_start: string; k: string }) => `${r.window_start} ${r.k}`;
  expect([...got].sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual([...expected].sort((a, b) => (key(a) < key(b) ? -1 : 1)));
}, 300_000);
