/**
 * Event-time windows end to end on the real broker and MiniCluster: one job (one JVM) carries every
 * scenario of this file, each on its own topics. Windows fire when a far-future event moves the
 * watermark past them, never after a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { at, events, runId, send, sorted, startServedPipeline, type ServedPipeline, valuesAfter, watch } from "./support.js";

const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });
const topic = (name: string) => `e2e.win.${name}.${runId}`;
const src = (name: string, partitions = 1) => source(name, { topic: topic(name), schema: Ev, partitions }).eventTime("ts").watermark("5s");

const tumbling = src("tumble_in").tumble("1m").groupBy("k").aggregate({ n: count(), total: sum("v") });
const hopping = src("hop_in").hop("10m", "5m").groupBy("k").count();
const sessions = src("session_in").session("5m").groupBy("k").count();
const cumulating = src("cumulate_in").cumulate("1m", "3m").groupBy("k").count();
const perMinute = src("chain_in")
  .tumble("1m")
  .groupBy("k")
  .count()
  .select((w) => ({ k: w.k, n: w.count, minute_time: w.window_time }));
const chained = perMinute.tumble("5m").groupBy("k").aggregate({ n: sum("n") });
const idle = source("idle_in", { topic: topic("idle_in"), schema: Ev, partitions: 2 }).eventTime("ts").watermark("5s").idleTimeout("1s").tumble("1m").groupBy("k").count();

const windows = pipeline(`e2e-windows-${runId}`, { parallelism: 1 }).write(
  tumbling.toKafka(topic("tumble_out")),
  hopping.toKafka(topic("hop_out")),
  sessions.toKafka(topic("session_out")),
  cumulating.toKafka(topic("cumulate_out")),
  chained.toKafka(topic("chain_out")),
  idle.toKafka(topic("idle_out")),
);

/** A window row as Flink writes it: ISO-8601 times, window_time = window_end - 1 ms. */
function row(start: string, end: string, cols: Record<string, unknown>): Record<string, unknown> {
  const endMs = Date.parse(`${at(end)}Z`) - 1;
  const windowTime = new Date(endMs).toISOString().replace("Z", "");
  return { window_start: at(start), window_end: at(end), ...cols, window_time: windowTime };
}

/** An event at 12:00 on every partition: the watermark passes every window of the 10:xx scenarios. */
const flush = (partitions = 1) => Array.from({ length: partitions }, (_, p) => ({ value: { k: "zz", v: 0, ts: at("12:00") }, partition: p }));

let job: ServedPipeline;
const output = (name: string) => watch(topic(name));

beforeAll(async () => {
  const names = ["tumble", "hop", "session", "cumulate", "chain"];
  job = await startServedPipeline(windows, [
    ...names.flatMap((n) => [{ name: topic(`${n}_in`) }, { name: topic(`${n}_out`) }]),
    { name: topic("idle_in"), partitions: 2 },
    { name: topic("idle_out") },
  ]);
}, 180_000);

afterAll(async () => {
  await job?.stop();
});

describe("windows on event time", () => {
  it("tumbling count/sum: out-of-order events within the watermark delay count, a late event is dropped", async () => {
    const out = await output("tumble_out");
    await send(topic("tumble_in"), events([
      { k: "a", v: 1, ts: at("10:00:10") },
      { k: "a", v: 2, ts: at("10:00:50") },
      { k: "b", v: 5, ts: at("10:00:30") },
      { k: "a", v: 3, ts: at("10:01:02") },
      // 4 s behind the newest event: inside the 5 s watermark delay, so still counted in [10:00, 10:01).
      { k: "a", v: 4, ts: at("10:00:58") },
      // Watermark 10:01:25: [10:00, 10:01) fires.
      { k: "a", v: 10, ts: at("10:01:30") },
    ]));
    const first = await valuesAfter(out, 2);
    expect(sorted(first)).toEqual([row("10:00", "10:01", { k: "a", n: 3, total: 7 }), row("10:00", "10:01", { k: "b", n: 1, total: 5 })]);

    // The window has fired, so the watermark is past 10:01: this event is late and dropped.
    await send(topic("tumble_in"), events([{ k: "a", v: 100, ts: at("10:00:59") }, { k: "b", v: 7, ts: at("10:01:40") }]));
    await send(topic("tumble_in"), flush());
    const all = await valuesAfter(out, 4);
    expect(sorted(all.slice(2))).toEqual([row("10:01", "10:02", { k: "a", n: 2, total: 13 }), row("10:01", "10:02", { k: "b", n: 1, total: 7 })]);
    expect(all).toHaveLength(4);
  }, 120_000);

  it("hopping windows: each event counts in every window that covers it", async () => {
    const out = await output("hop_out");
    await send(topic("hop_in"), events([
      { k: "a", v: 1, ts: at("10:02") },
      { k: "a", v: 1, ts: at("10:07") },
      { k: "a", v: 1, ts: at("10:12") },
    ]));
    await send(topic("hop_in"), flush());
    const rows = await valuesAfter(out, 4);
    expect(sorted(rows)).toEqual(sorted([
      row("09:55", "10:05", { k: "a", count: 1 }),
      row("10:00", "10:10", { k: "a", count: 2 }),
      row("10:05", "10:15", { k: "a", count: 2 }),
      row("10:10", "10:20", { k: "a", count: 1 }),
    ]));
  }, 120_000);

  it("session windows per key close after the gap", async () => {
    const out = await output("session_out");
    await send(topic("session_in"), events([
      { k: "a", v: 1, ts: at("10:00") },
      { k: "b", v: 1, ts: at("10:01") },
      { k: "a", v: 1, ts: at("10:03") },
      { k: "a", v: 1, ts: at("10:07") },
      { k: "a", v: 1, ts: at("10:20") },
    ]));
    await send(topic("session_in"), flush());
    const rows = await valuesAfter(out, 3);
    expect(sorted(rows)).toEqual(sorted([
      row("10:00", "10:12", { k: "a", count: 3 }),
      row("10:01", "10:06", { k: "b", count: 1 }),
      row("10:20", "10:25", { k: "a", count: 1 }),
    ]));
  }, 120_000);

  it("cumulating windows grow by a step up to the maximum size", async () => {
    const out = await output("cumulate_out");
    await send(topic("cumulate_in"), events([
      { k: "a", v: 1, ts: at("10:00:30") },
      { k: "a", v: 1, ts: at("10:01:30") },
      { k: "a", v: 1, ts: at("10:02:30") },
    ]));
    await send(topic("cumulate_in"), flush());
    const rows = await valuesAfter(out, 3);
    expect(sorted(rows)).toEqual(sorted([
      row("10:00", "10:01", { k: "a", count: 1 }),
      row("10:00", "10:02", { k: "a", count: 2 }),
      row("10:00", "10:03", { k: "a", count: 3 }),
    ]));
  }, 120_000);

  it("a second window over the first one's window_time: event time survives the chain", async () => {
    const out = await output("chain_out");
    await send(topic("chain_in"), events([
      { k: "a", v: 1, ts: at("10:00:10") },
      { k: "a", v: 1, ts: at("10:00:20") },
      { k: "a", v: 1, ts: at("10:01:10") },
      { k: "a", v: 1, ts: at("10:04:59") },
      { k: "a", v: 1, ts: at("10:05:01") },
    ]));
    await send(topic("chain_in"), flush());
    // Per minute: 10:00 -> 2, 10:01 -> 1, 10:04 -> 1, 10:05 -> 1; per five minutes: 4, then 1.
    const rows = await valuesAfter(out, 2);
    expect(sorted(rows)).toEqual(sorted([row("10:00", "10:05", { k: "a", n: 4 }), row("10:05", "10:10", { k: "a", n: 1 })]));
  }, 120_000);

  it("an idle partition stops holding the watermark back after the idle timeout", async () => {
    const out = await output("idle_out");
    // Partition 1 never gets an event: without the idle timeout its watermark would stall the job.
    await send(topic("idle_in"), events([
      { k: "a", v: 1, ts: at("10:00:10") },
      { k: "a", v: 1, ts: at("10:00:20") },
      { k: "a", v: 1, ts: at("10:02") },
    ], 0));
    const rows = await valuesAfter(out, 1);
    expect(rows).toEqual([row("10:00", "10:01", { k: "a", count: 2 })]);
  }, 120_000);
});
