/**
 * Joins, deduplication and an updating aggregate end to end: one job (one JVM) for the whole file,
 * each scenario on its own topics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { latestByKey } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, complete, events, runId, send, startServedPipeline, type ServedPipeline, valuesAfter, watch } from "./support.js";

const topic = (name: string) => `e2e.state.${name}.${runId}`;

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), tier: t.string(), updated_at: t.timestamp(3) });
const Click = t.row({ event_id: t.string(), user_id: t.string(), copy: t.int() });
const Sale = t.row({ k: t.string(), v: t.int() });

const ijOrders = source("ij_orders", { topic: topic("ij_orders"), schema: Order }).eventTime("ts").watermark("5s");
const ijPayments = source("ij_payments", { topic: topic("ij_payments"), schema: Payment }).eventTime("paid_at").watermark("5s");
const paid = ijOrders.intervalJoin(ijPayments, {
  on: { order_id: "order_id" },
  between: ["0s", "1h"],
  select: (o, p) => ({ order_id: o.order_id, payment_id: p.payment_id }),
});

const tjOrders = source("tj_orders", { topic: topic("tj_orders"), schema: Order }).eventTime("ts").watermark("1s");
const customers = source("tj_customers", { topic: topic("tj_customers"), schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");
const enriched = tjOrders.temporalJoin(customers, {
  on: { customer_id: "customer_id" },
  select: (o, c) => ({ order_id: o.order_id, name: c.name, tier: c.tier }),
});

const clicks = source("clicks", { topic: topic("clicks"), schema: Click }).processingTime("pt");
const unique = clicks.deduplicate({ key: ["event_id"], keep: "first" }).select("event_id", "user_id", "copy");

const totals = source("sales", { topic: topic("sales"), schema: Sale }).groupBy("k").aggregate({ n: count(), total: sum("v") });

const job = pipeline(`e2e-state-${runId}`, { parallelism: 1, stateTtl: "1d" }).write(
  paid.toKafka(topic("ij_out")),
  enriched.toKafka(topic("tj_out")),
  unique.toKafka(topic("dedup_out")),
  totals.toUpsertKafka(topic("totals_out"), { key: ["k"] }),
);

let running: ServedPipeline;
const output = (name: string) => watch(topic(name));

beforeAll(async () => {
  const names = ["ij_orders", "ij_payments", "ij_out", "tj_orders", "tj_out", "clicks", "dedup_out", "sales"];
  running = await startServedPipeline(job, [
    ...names.map((name) => ({ name: topic(name) })),
    { name: topic("tj_customers"), cleanupPolicy: "compact" as const },
    { name: topic("totals_out"), cleanupPolicy: "compact" as const },
  ]);
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

describe("joins and state", () => {
  it("interval join: payments within [order, order + 1h] match, others do not", async () => {
    const out = await output("ij_out");
    await send(topic("ij_orders"), events([
      { order_id: "o1", customer_id: "c1", ts: at("10:00") },
      { order_id: "o2", customer_id: "c1", ts: at("10:00:01") },
    ]));
    await send(topic("ij_payments"), events([
      { payment_id: "p3", order_id: "o1", paid_at: at("09:59") }, // before the order: outside
      { payment_id: "p1", order_id: "o1", paid_at: at("10:30") }, // inside
      { payment_id: "p2", order_id: "o2", paid_at: at("11:30") }, // 1h29m59s after: outside
    ]));
    // A last matching pair: when it is out, everything sent before it on both sides was joined.
    await send(topic("ij_orders"), events([{ order_id: "o9", customer_id: "c1", ts: at("11:59") }]));
    await send(topic("ij_payments"), events([{ payment_id: "p9", order_id: "o9", paid_at: at("11:59:30") }]));
    const rows = await complete(out, (r) => r.some((x) => (x.value as { order_id: string }).order_id === "o9"));
    expect(rows.map((r) => r.value)).toEqual([
      { order_id: "o1", payment_id: "p1" },
      { order_id: "o9", payment_id: "p9" },
    ]);
  }, 120_000);

  it("temporal join: each order gets the customer version valid at the order's event time", async () => {
    const out = await output("tj_out");
    const key = (id: string) => JSON.stringify({ customer_id: id });
    await send(topic("tj_customers"), [
      { key: key("c1"), value: { customer_id: "c1", name: "Ann", tier: "silver", updated_at: at("10:00") } },
      { key: key("c1"), value: { customer_id: "c1", name: "Ann", tier: "gold", updated_at: at("10:30") } },
      { key: key("c2"), value: { customer_id: "c2", name: "Bob", tier: "bronze", updated_at: at("10:05") } },
    ]);
    await send(topic("tj_orders"), events([
      { order_id: "o1", customer_id: "c1", ts: at("10:10") },
      { order_id: "o2", customer_id: "c1", ts: at("10:29:59") },
      { order_id: "o3", customer_id: "c1", ts: at("10:40") },
      { order_id: "o4", customer_id: "c2", ts: at("10:06") },
      { order_id: "o5", customer_id: "c2", ts: at("10:04") }, // before Bob existed: no match (inner join)
    ]));
    // Both sides' watermarks must pass the orders: a far-future row on each (they do not match each other).
    await send(topic("tj_customers"), [{ key: key("cz"), value: { customer_id: "cz", name: "-", tier: "-", updated_at: at("12:00") } }]);
    await send(topic("tj_orders"), events([{ order_id: "oz", customer_id: "nobody", ts: at("12:00") }]));
    const rows = await valuesAfter(out, 4);
    expect([...rows].sort((a, b) => ((a as { order_id: string }).order_id < (b as { order_id: string }).order_id ? -1 : 1))).toEqual([
      { order_id: "o1", name: "Ann", tier: "silver" },
      { order_id: "o2", name: "Ann", tier: "silver" },
      { order_id: "o3", name: "Ann", tier: "gold" },
      { order_id: "o4", name: "Bob", tier: "bronze" },
    ]);
  }, 120_000);

  it("deduplication keeps the first copy of each event", async () => {
    const out = await output("dedup_out");
    await send(topic("clicks"), events([
      { event_id: "e1", user_id: "u1", copy: 1 },
      { event_id: "e2", user_id: "u2", copy: 1 },
      { event_id: "e1", user_id: "u1", copy: 2 },
      { event_id: "e3", user_id: "u1", copy: 1 },
      { event_id: "e2", user_id: "u2", copy: 2 },
      { event_id: "last", user_id: "u0", copy: 1 },
    ]));
    const rows = await complete(out, (r) => r.some((x) => (x.value as { event_id: string }).event_id === "last"));
    expect(rows.map((r) => r.value)).toEqual([
      { event_id: "e1", user_id: "u1", copy: 1 },
      { event_id: "e2", user_id: "u2", copy: 1 },
      { event_id: "e3", user_id: "u1", copy: 1 },
      { event_id: "last", user_id: "u0", copy: 1 },
    ]);
  }, 120_000);

  it("a non-windowed aggregate written with upsert-kafka reads back as the latest value per key", async () => {
    const out = await output("totals_out");
    await send(topic("sales"), events([
      { k: "a", v: 1 },
      { k: "a", v: 2 },
      { k: "b", v: 5 },
      { k: "a", v: 4 },
    ]));
    const expected = new Map<string, unknown>([
      [JSON.stringify({ k: "a" }), { k: "a", n: 3, total: 7 }],
      [JSON.stringify({ k: "b" }), { k: "b", n: 1, total: 5 }],
    ]);
    const rows = await complete(out, (r) => JSON.stringify([...latestByKey(r)].sort()) === JSON.stringify([...expected].sort()));
    expect(latestByKey(rows)).toEqual(expected);
    // Every intermediate row is an update of one of the two keys.
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(expected.keys()));
  }, 120_000);
});
