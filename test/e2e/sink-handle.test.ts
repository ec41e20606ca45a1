/**
 * Issue 15, typed references between pipelines: pipeline A writes two topics, and pipeline B (another
 * job) reads them through A's sinks, `source(name, { from: sink })`, declaring no schema. The append
 * topic keeps its columns and event-time column (B windows it again after choosing a watermark); the
 * upsert topic reads back as a changelog keyed by A's key, so a row that stops matching B's filter is
 * deleted from B's upsert topic. Each output asserted whole, in order (one partition, parallelism 1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { topicUse } from "../../packages/streamt-sdk/src/ir/topic-use.js";
import { latestByKey, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, events, runId, send, startServedPipeline, type ServedPipeline, ts, watch } from "./support.js";

const topic = (name: string) => `e2e.handle.${name}.${runId}`;

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string(), ts: t.timestamp(3) });
const orders = source("orders", { topic: topic("orders"), schema: Order }).eventTime("ts").watermark("1s");

// Pipeline A: the paid orders (append-only, with their event time), and totals per customer (upserts).
const paidOut = orders
  .filter((o) => o.status.eq("paid"))
  .select((o) => ({ order_id: o.order_id, customer_id: o.customer_id, amount: o.amount, ts: o.ts }))
  .toKafka(topic("paid"));
const totalsOut = orders.groupBy("customer_id").aggregate({ orders: count(), total: sum("amount") }, { ttl: "1d" }).toUpsertKafka(topic("totals"), { key: ["customer_id"] });
const writer = pipeline(`e2e-handle-writer-${runId}`, { parallelism: 1 }).write(paidOut, totalsOut);

// Pipeline B: no schema, format or key written here; only the watermark on A's event-time column.
const paid = source("paid", { from: paidOut }).watermark("1s");
const totals = source("totals", { from: totalsOut });
const reader = pipeline(`e2e-handle-reader-${runId}`, { parallelism: 1 }).write(
  paid.tumble("1h").groupBy("customer_id").aggregate({ paid_orders: count(), paid: sum("amount") }).toKafka(topic("paid_hourly")),
  totals.filter((c) => c.total.lt(100)).toUpsertKafka(topic("small_customers"), { key: ["customer_id"] }),
);

let jobs: ServedPipeline[] = [];
const output = (name: string) => watch(topic(name));

beforeAll(async () => {
  jobs = [
    await startServedPipeline(writer, [{ name: topic("orders") }, { name: topic("paid") }, { name: topic("totals"), cleanupPolicy: "compact" }]),
    await startServedPipeline(reader, [{ name: topic("paid_hourly") }, { name: topic("small_customers"), cleanupPolicy: "compact" }]),
  ];
}, 240_000);

afterAll(async () => {
  await Promise.all(jobs.map((j) => j.stop()));
});

const key = (customer: string) => JSON.stringify({ customer_id: customer });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a pipeline reading another's output through its sink handle", () => {
  it("is clean for analysis, and records the writer as its upstream", () => {
    expect(analysePlan({ version: 1, pipelines: [writer.definition, reader.definition] }).filter((d) => d.severity === "error")).toEqual([]);
    expect(topicUse(reader.definition).reads.map((r) => [r.topic, r.node.upstream?.sink, r.node.upstream?.pipeline])).toEqual([
      [topic("paid"), `orders/filter/select/${topic("paid")}`, writer.definition.name],
      [topic("totals"), `orders/aggregate/${topic("totals")}`, writer.definition.name],
    ]);
  });

  it("gets A's rows with their types, event time and updates: exact records at B's sinks", async () => {
    const hourly = await output("paid_hourly");
    const small = await output("small_customers");
    const all: [string, number, string, string][] = [
      ["o1", 50, "paid", "10:05"],
      ["o2", 20, "pending", "10:20"],
      ["o3", 100, "paid", "10:40"],
      ["o4", 5, "paid", "11:30"], // c2: past the hour, so B's watermark closes 10:00-11:00
    ];
    const customer = (order: string) => (order === "o1" || order === "o3" ? "c1" : "c2");
    for (const [order_id, amount, status, time] of all) {
      await send(topic("orders"), events([{ order_id, customer_id: customer(order_id), amount, status, ts: at(time) }]));
      await pause(1_000); // each order through both jobs before the next
    }
    await hourly.until((rs) => rs.length >= 1);
    await small.until((rs) => rs.length >= 4);
    await pause(2_000);
    // Window of A's event time, read back with B's watermark: c1's two paid orders in 10:00-11:00.
    expect(hourly.records.map((r: ConsumedRecord) => r.value)).toEqual([
      { window_start: ts("10:00"), window_end: ts("11:00"), customer_id: "c1", window_time: ts("10:59:59.999"), paid_orders: 2, paid: 150 },
    ]);
    // A's totals as upserts keyed by customer: c1 goes over 100 (its row deleted), c2 stays under.
    expect(small.records.map((r: ConsumedRecord) => [r.key, r.value])).toEqual([
      [key("c1"), { customer_id: "c1", orders: 1, total: 50 }],
      [key("c2"), { customer_id: "c2", orders: 1, total: 20 }],
      [key("c1"), null],
      [key("c2"), { customer_id: "c2", orders: 2, total: 25 }],
    ]);
    expect([...latestByKey(small.records).entries()]).toEqual([[key("c2"), { customer_id: "c2", orders: 2, total: 25 }]]);
  }, 180_000);
});
