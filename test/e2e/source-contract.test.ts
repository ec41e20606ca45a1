/**
 * Issue 15, wrong result #2: a JSON topic does not enforce the schema's NOT NULL, and Flink, trusting
 * the declaration, dropped `isNotNull()` and passed nulls on to sinks. Now a record with a NOT NULL
 * field missing or null never reaches a step: it is dropped (and counted), or written to the source's
 * dead-letter topic with the reason. One job (one JVM) for the file, each scenario on its own topics;
 * each asserts the complete output, in order (one partition, parallelism 1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import type { ConsumedRecord, TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, events, runId, send, startServedPipeline, type ServedPipeline, watch } from "./support.js";

const topic = (name: string) => `e2e.contract.${name}.${runId}`;

const Order = t.row({ order_id: t.string(), customer_id: t.string(), qty: t.int(), note: t.string().nullable() });
const Reading = t.row({ sensor: t.string(), value: t.int(), at: t.timestamp(3) });

// The case: isNotNull() on a NOT NULL column, which Flink drops as always true.
const known = source("orders", { topic: topic("orders"), schema: Order }).filter((o) => o.customer_id.isNotNull());

// A dead-letter topic, and an event-time column (the WATERMARK is on the table, on a computed copy).
const readings = source("readings", { topic: topic("readings"), schema: Reading, onContractViolation: { deadLetter: topic("readings.dlq") } })
  .eventTime("at")
  .watermark("5s");

// A NULLABLE event-time column under a watermark: Flink fails the whole job on a null rowtime, so the
// contract enforces it too (the schema's nullability is not the topic's promise either way).
const Sighting = t.row({ k: t.string(), seen: t.timestamp(3).nullable() });
const sightings = source("sightings", { topic: topic("sightings"), schema: Sighting }).eventTime("seen").watermark("1s");

const job = pipeline(`e2e-contract-${runId}`, { parallelism: 1 }).write(
  known.toKafka(topic("orders_out")),
  readings.select("sensor", "value", "at").toKafka(topic("readings_out")),
  sightings.tumble("1m").groupBy("k").aggregate({ n: count() }).select("k", "window_start", "n").toKafka(topic("sightings_out")),
);

let running: ServedPipeline;
const output = (name: string) => watch(topic(name));

/** Waits until `predicate` holds, then until the topic stays quiet for 2 s, and returns everything that arrived. */
async function settled(w: TopicWatcher, predicate: (records: readonly ConsumedRecord[]) => boolean): Promise<unknown[]> {
  await w.until(predicate, 60_000);
  let seen = -1;
  while (seen !== w.records.length) {
    seen = w.records.length;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return w.records.map((r) => r.value);
}

const has = (field: string, value: string) => (rs: readonly ConsumedRecord[]) => rs.some((r) => (r.value as Record<string, unknown>)[field] === value);

beforeAll(async () => {
  running = await startServedPipeline(job, ["orders", "orders_out", "readings", "readings_out", "readings.dlq", "sightings", "sightings_out"].map((name) => ({ name: topic(name) })));
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

describe("the schema's NOT NULL columns, enforced at the source", () => {
  it("a record missing a NOT NULL field, or with null there, never reaches the sink; valid records pass", async () => {
    const out = await output("orders_out");
    await send(topic("orders"), events([
      { order_id: "o1", customer_id: "c1", qty: 1, note: "first" },
      { order_id: "o2", qty: 2, note: "no customer_id" },
      { order_id: "o3", customer_id: null, qty: 3, note: "customer_id null" },
      { order_id: "o4", customer_id: "c4", qty: null },
      { order_id: "o5", customer_id: "c5", qty: 5 },
      { order_id: "o6", customer_id: "c6", qty: 6, note: null },
      { order_id: "last", customer_id: "c9", qty: 9, note: "sentinel" },
    ]));
    expect(await settled(out, has("order_id", "last"))).toEqual([
      { order_id: "o1", customer_id: "c1", qty: 1, note: "first" },
      { order_id: "o5", customer_id: "c5", qty: 5, note: null },
      { order_id: "o6", customer_id: "c6", qty: 6, note: null },
      { order_id: "last", customer_id: "c9", qty: 9, note: "sentinel" },
    ]);
  }, 120_000);

  it("with a dead-letter topic, the violating records go there with where they came from and why", async () => {
    const out = await output("readings_out");
    const dlq = await output("readings.dlq");
    await send(topic("readings"), events([
      { sensor: "s1", value: 10, at: at("10:00") },
      { sensor: "s2", at: at("10:01") },
      { sensor: null, value: null, at: at("10:02") },
      { sensor: "s4", value: 40 },
      { sensor: "s5", value: 50, at: at("10:04") },
      { sensor: "last", value: 99, at: at("10:05") },
    ]));
    expect(await settled(out, has("sensor", "last"))).toEqual([
      { sensor: "s1", value: 10, at: at("10:00") },
      { sensor: "s5", value: 50, at: at("10:04") },
      { sensor: "last", value: 99, at: at("10:05") },
    ]);
    const envelope = { pipeline: `e2e-contract-${runId}`, source: "readings", topic: topic("readings"), partition: 0 };
    expect(await settled(dlq, (rs) => rs.length >= 3)).toEqual([
      { ...envelope, offset: 1, reason: "NOT NULL column(s) missing or null: value", record: { sensor: "s2", value: null, at: at("10:01") } },
      { ...envelope, offset: 2, reason: "NOT NULL column(s) missing or null: sensor, value", record: { sensor: null, value: null, at: at("10:02") } },
      { ...envelope, offset: 3, reason: "NOT NULL column(s) missing or null: at", record: { sensor: "s4", value: 40, at: null } },
    ]);
  }, 120_000);

  it("a record with a null event time (in a column declared nullable) is dropped, not a failed job; windows close as usual", async () => {
    const out = await output("sightings_out");
    await send(topic("sightings"), events([
      { k: "a", seen: at("10:00:01") },
      { k: "a", seen: null },
      { k: "a" },
      { k: "a", seen: at("10:00:30") },
      { k: "b", seen: at("10:01:10") },
      { k: "b", seen: at("10:02:10") },
    ]));
    expect(await settled(out, (rs) => rs.length >= 2)).toEqual([
      { k: "a", window_start: at("10:00"), n: 2 },
      { k: "b", window_start: at("10:01"), n: 1 },
    ]);
  }, 120_000);
});
