/**
 * Issue 15, wrong result #3: a filter on an updating result written to an upsert topic must delete a
 * key's row when the row stops matching (a low-stock alert must clear when the stock is refilled).
 *
 * One job (one JVM) for the file, each scenario on its own topics. Every scenario asserts the complete
 * output in order: a last sentinel key (Z) shows that everything sent before it was processed, and a
 * short wait after it that nothing more arrives.
 *
 * The first scenario is the shape STREAMT-E016 refuses, run anyway (startServedPipeline emits without
 * analysing) to keep the evidence: Flink 2.2 loses the delete there (FLINK-38579). If it starts passing
 * the other way, Flink fixed it and the refusal can be narrowed. The others are what the refusal's hint
 * suggests instead, and the neighbouring shapes that stay allowed; each must be exactly right.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastValue, pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { latestByKey, type ConsumedRecord, type TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { events, runId, send, startServedPipeline, type ServedPipeline, watch } from "./support.js";

const topic = (name: string) => `e2e.upsert-filter.${name}.${runId}`;

const Stock = t.row({ sku: t.string(), qty: t.int() });
const Product = t.row({ sku: t.string(), name: t.string(), min_qty: t.int() });

/** Stock per sku (updating, keyed by sku), from its own topic. */
const stockOf = (name: string) => source(name, { topic: topic(name), schema: Stock }).groupBy("sku").aggregate({ qty: lastValue("qty") }, { ttl: "1d" });
/** Products as a changelog table keyed by sku: joined with stockOf(), the result is unique on sku. */
const productTable = (name: string) => source(name, { topic: topic(name), schema: Product, primaryKey: ["sku"] });
const withProduct = (stock: ReturnType<typeof stockOf>, products: ReturnType<typeof productTable>) =>
  stock.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, name: p.name, qty: s.qty, min_qty: p.min_qty }) });

// Refused (STREAMT-E016): the condition compares the two sides of the join.
const refused = withProduct(stockOf("x_stock"), productTable("x_products")).filter((r) => r.qty.lt(r.min_qty));

// The hint's first way: keep the comparison as a column, no filter.
const flagged = stockOf("f_stock")
  .join(productTable("f_products"), { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, low: s.qty.lt(p.min_qty) }) });

// The hint's second way: aggregate by the key after the filter (Flink then keeps the retractions).
const regrouped = withProduct(stockOf("g_stock"), productTable("g_products"))
  .filter((r) => r.qty.lt(r.min_qty))
  .groupBy("sku")
  .aggregate({ name: lastValue("name"), qty: lastValue("qty"), min_qty: lastValue("min_qty") }, { ttl: "1d" });

// Allowed: a condition on one side's columns (Flink evaluates it on that side, with full changes).
const oneSide = withProduct(stockOf("o_stock"), productTable("o_products")).filter((r) => r.qty.lt(10));

// Allowed: the other side is an append-only stream, so the result has no unique key (W007) and Flink
// materialises the sink's key.
const appendSide = stockOf("a_stock")
  .join(source("a_products", { topic: topic("a_products"), schema: Product }), { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, name: p.name, qty: s.qty, min_qty: p.min_qty }) })
  .filter((r) => r.qty.lt(r.min_qty));

// Allowed: the filter right after the aggregate, and on a keyed source.
const afterAggregate = stockOf("s_stock").filter((r) => r.qty.lt(10));
const keyedSource = productTable("k_products").filter((p) => p.min_qty.lt(10));

const sinks = {
  refused: refused.toUpsertKafka(topic("x_out"), { key: ["sku"] }),
  flagged: flagged.toUpsertKafka(topic("f_out"), { key: ["sku"] }),
  regrouped: regrouped.toUpsertKafka(topic("g_out"), { key: ["sku"] }),
  oneSide: oneSide.toUpsertKafka(topic("o_out"), { key: ["sku"] }),
  appendSide: appendSide.toUpsertKafka(topic("a_out"), { key: ["sku"] }),
  afterAggregate: afterAggregate.toUpsertKafka(topic("s_out"), { key: ["sku"] }),
  keyedSource: keyedSource.toUpsertKafka(topic("k_out"), { key: ["sku"] }),
};
const job = pipeline(`e2e-upsert-filter-${runId}`, { parallelism: 1 }).write(...Object.values(sinks));

let running: ServedPipeline;
const output = (name: string) => watch(topic(name));

beforeAll(async () => {
  const append = ["x_stock", "f_stock", "g_stock", "o_stock", "a_stock", "a_products", "s_stock"];
  const compacted = ["x_products", "f_products", "g_products", "o_products", "k_products", "x_out", "f_out", "g_out", "o_out", "a_out", "s_out", "k_out"];
  running = await startServedPipeline(job, [
    ...append.map((name) => ({ name: topic(name) })),
    ...compacted.map((name) => ({ name: topic(name), cleanupPolicy: "compact" as const })),
  ]);
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

const key = (sku: string) => JSON.stringify({ sku });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every record of `out` up to the sentinel key Z, and after a settle time: (key, value or null for a tombstone). */
async function untilSentinel(out: TopicWatcher): Promise<[string | null, unknown][]> {
  await out.until((rs) => rs.some((r) => r.key === key("Z")));
  await pause(1_500);
  return out.records.map((r: ConsumedRecord) => [r.key, r.value]);
}

/** Products A and Z with a reorder level of 10, on a keyed topic (or an append-only one). */
async function products(name: string, keyed = true): Promise<void> {
  const rows = ["A", "Z"].map((sku) => ({ sku, name: `p-${sku}`, min_qty: 10 }));
  await send(topic(name), keyed ? rows.map((value) => ({ key: key(value.sku), value })) : events(rows));
  await pause(1_500);
}

/**
 * Stock A 5 (low), A 3 (still low), A 50 (refilled: no longer low), then the sentinel Z 1. Each update is
 * through the job before the next is sent: after each, `out` holds `seen[i]` records (a fixed pause is not
 * enough on a busy machine: two updates read together give other changes). The first wait also proves the
 * product row reached the join. A step that writes nothing can only be waited for; a count that never
 * comes falls through to the test's assertion, which shows the records.
 */
async function lowThenRefilled(stockTopic: string, out: TopicWatcher, seen: readonly [number, number, number]): Promise<void> {
  for (const [i, qty] of [5, 3, 50].entries()) {
    await send(topic(stockTopic), events([{ sku: "A", qty }]));
    const expected = seen[i]!;
    if (i > 0 && expected === seen[i - 1]) await pause(1_000);
    else await out.until((rs) => rs.length >= expected, 30_000).catch(() => undefined);
  }
  await send(topic(stockTopic), events([{ sku: "Z", qty: 1 }]));
}

const alert = (sku: string, qty: number) => ({ sku, name: `p-${sku}`, qty, min_qty: 10 });

describe("a filter on an updating result into an upsert topic", () => {
  it("refused shape (STREAMT-E016): Flink 2.2 sends no delete when the joined row stops matching (FLINK-38579)", async () => {
    expect(analysePlan({ version: 1, pipelines: [pipeline("x").write(sinks.refused).definition] }).map((d) => d.code)).toEqual(["STREAMT-E016"]);
    const out = await output("x_out");
    await products("x_products");
    await lowThenRefilled("x_stock", out, [1, 2, 2]);
    // What Flink writes: the stale alert for A is never deleted (the right output is the oneSide one).
    expect(await untilSentinel(out)).toEqual([
      [key("A"), alert("A", 5)],
      [key("A"), alert("A", 3)],
      [key("Z"), alert("Z", 1)],
    ]);
  }, 120_000);

  it("the comparison kept as a column: every change of A is an upsert, A ends not low", async () => {
    const out = await output("f_out");
    await products("f_products");
    await lowThenRefilled("f_stock", out, [1, 2, 3]);
    const rows = await untilSentinel(out);
    expect(rows).toEqual([
      [key("A"), { sku: "A", qty: 5, low: true }],
      [key("A"), { sku: "A", qty: 3, low: true }],
      [key("A"), { sku: "A", qty: 50, low: false }],
      [key("Z"), { sku: "Z", qty: 1, low: true }],
    ]);
  }, 120_000);

  it("aggregated by the key after the filter: the alert of a refilled sku is deleted", async () => {
    const out = await output("g_out");
    await products("g_products");
    await lowThenRefilled("g_stock", out, [1, 3, 4]);
    const rows = await untilSentinel(out);
    expect(rows).toEqual([
      [key("A"), alert("A", 5)],
      [key("A"), null],
      [key("A"), alert("A", 3)],
      [key("A"), null],
      [key("Z"), alert("Z", 1)],
    ]);
    expect([...latestByKey(out.records).keys()]).toEqual([key("Z")]);
  }, 120_000);

  it("a condition on one side of the join: the alert of a refilled sku is deleted", async () => {
    const out = await output("o_out");
    await products("o_products");
    await lowThenRefilled("o_stock", out, [1, 3, 4]);
    expect(await untilSentinel(out)).toEqual([
      [key("A"), alert("A", 5)],
      [key("A"), null],
      [key("A"), alert("A", 3)],
      [key("A"), null],
      [key("Z"), alert("Z", 1)],
    ]);
  }, 120_000);

  it("a join with an append-only stream, then the comparison: the alert of a refilled sku is deleted", async () => {
    const out = await output("a_out");
    await products("a_products", false);
    await lowThenRefilled("a_stock", out, [1, 3, 4]);
    expect(await untilSentinel(out)).toEqual([
      [key("A"), alert("A", 5)],
      [key("A"), null],
      [key("A"), alert("A", 3)],
      [key("A"), null],
      [key("Z"), alert("Z", 1)],
    ]);
  }, 120_000);

  it("the filter right after the aggregate: the alert of a refilled sku is deleted", async () => {
    const out = await output("s_out");
    await lowThenRefilled("s_stock", out, [1, 3, 4]);
    expect(await untilSentinel(out)).toEqual([
      [key("A"), { sku: "A", qty: 5 }],
      [key("A"), null],
      [key("A"), { sku: "A", qty: 3 }],
      [key("A"), null],
      [key("Z"), { sku: "Z", qty: 1 }],
    ]);
  }, 120_000);

  it("a filter on a keyed source: a product that stops matching is deleted", async () => {
    const out = await output("k_out");
    for (const [i, min_qty] of [5, 3, 50].entries()) {
      await send(topic("k_products"), [{ key: key("P"), value: { sku: "P", name: "p-P", min_qty } }]);
      await out.until((rs) => rs.length > i, 30_000).catch(() => undefined); // each change through before the next
    }
    await send(topic("k_products"), [{ key: key("Z"), value: { sku: "Z", name: "p-Z", min_qty: 1 } }]);
    expect(await untilSentinel(out)).toEqual([
      [key("P"), { sku: "P", name: "p-P", min_qty: 5 }],
      [key("P"), { sku: "P", name: "p-P", min_qty: 3 }],
      [key("P"), null],
      [key("Z"), { sku: "Z", name: "p-Z", min_qty: 1 }],
    ]);
  }, 120_000);
});
