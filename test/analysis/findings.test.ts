/**
 * Every analysis finding: a pipeline written with the real DSL that triggers it (code, severity,
 * pipeline, path and the file:line of the offending call), and the corrected pipeline that passes.
 * Findings the DSL refuses while building are shown on plan nodes edited by hand.
 */
import { describe, expect, it } from "vitest";
import { count, lastValue, lit, pipeline, source, sum, t, type Pipeline, type PipelineOptions, type Sink } from "streamt-sdk";
import { analysePlan, unusedSources } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { flinkDurationMs } from "../../packages/streamt-sdk/src/analysis/exactly-once-pass.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import type { PipelineDef, Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import type { SinkNode } from "../../packages/streamt-sdk/src/ir/nodes/sink-node.js";
import { lineHere, scriptOf, statementOf } from "../helpers.js";

const FILE = "test/analysis/findings.test.ts";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").idleTimeout("1m");
const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s").idleTimeout("1m");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] })
  .eventTime("updated_at")
  .watermark("1s")
  .idleTimeout("1m");
/** Customers as a plain append-only stream (no key, no event time): a regular join's other side. */
const customerEvents = source("customer-events", { topic: "customer-events.v1", schema: Customer });

// ---- helpers ---------------------------------------------------------------------------------

const planOf = (...defs: PipelineDef[]): Plan => ({ version: 1, pipelines: defs });
const analyse = (...ps: Pipeline[]): Diagnostic[] => analysePlan(planOf(...ps.map((p) => p.definition)));
const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code);

/** pipeline(...).write(...) without the type-level guard, to show what synth-time analysis catches. */
function unchecked(name: string, options: PipelineOptions, ...sinks: Sink<any>[]): Pipeline {
  return (pipeline(name, options) as unknown as { write(...s: unknown[]): Pipeline }).write(...sinks);
}

/** The plan node behind a stream (the DSL keeps it on its implementation object). */
const nodeOf = (s: unknown): PlanNode => (s as { node: PlanNode }).node;

/** The one finding with `code`, checked against where it must point. */
function expectOne(ds: readonly Diagnostic[], code: string, at: { pipeline: string | null; path: string; line: number | null }): Diagnostic {
  const found = ds.filter((d) => d.code === code);
  expect(found, `findings: ${JSON.stringify(ds, null, 2)}`).toHaveLength(1);
  const d = found[0]!;
  expect(d).toMatchObject({
    code,
    severity: code.startsWith("STREAMT-E") ? "error" : "warning",
    pipeline: at.pipeline,
    path: at.path,
  });
  if (at.line === null) expect(d.site).toBeNull();
  else expect(d.site).toEqual({ file: FILE, line: at.line, column: expect.any(Number) });
  expect(d.message.length).toBeGreaterThan(0);
  expect(d.hint.length).toBeGreaterThan(0);
  return d;
}

/** A hand-edited sink over `input` for pipeline `name` (for plans the DSL would refuse to build). */
function handPipeline(name: string, input: PlanNode, settings: Partial<PipelineDef["settings"]> = {}): PipelineDef {
  const base = pipeline(name).write(orders.toBlackhole()).definition;
  const sink: SinkNode = { ...(base.sinks[0] as SinkNode), input, path: `${input.path}/blackhole`, schema: input.schema, changelog: input.changelog, time: input.time };
  return { ...base, settings: { ...base.settings, ...settings }, sinks: [sink] };
}

// ---- unbounded state -------------------------------------------------------------------------

describe("STREAMT-E001 regular join without TTL", () => {
  it("is an error at the join", () => {
    const line = lineHere() + 1;
    const joined = orders.join(customerEvents, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    const d = expectOne(analyse(unchecked("enrich", {}, joined.toBlackhole())), "STREAMT-E001", { pipeline: "enrich", path: "orders/join", line });
    expect(d.message).toBe("regular join keeps both sides in state forever");
  });

  it("refuses a ttl of 0 when the join is built (Flink reads 0 as never expire)", () => {
    expect(() => orders.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: { left: 0, right: "1d" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) })).toThrow(
      "join ttl.left must be longer than 0",
    );
  });

  it("passes with a ttl on the join, or a pipeline stateTtl, or both", () => {
    const withTtl = orders.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: "1d", select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    const without = orders.join(customerEvents, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    expect(analyse(pipeline("a").write(withTtl.toBlackhole()))).toEqual([]);
    expect(analyse(pipeline("b", { stateTtl: "1d" }).write(without.toBlackhole()))).toEqual([]);
    expect(analyse(pipeline("c", { stateTtl: "7d" }).write(withTtl.toBlackhole()))).toEqual([]);
  });
});

describe("STREAMT-E002 non-windowed aggregate or distinct without TTL", () => {
  it("is an error at the aggregate", () => {
    const line = lineHere() + 1;
    const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") });
    const p = unchecked("totals", {}, totals.toUpsertKafka("totals.v1", { key: ["customer_id"] }));
    expectOne(analyse(p), "STREAMT-E002", { pipeline: "totals", path: "orders/aggregate", line });
  });

  it("is an error at distinct()", () => {
    const line = lineHere() + 1;
    const ids = orders.select("customer_id").distinct();
    const d = expectOne(analyse(unchecked("ids", {}, ids.toBlackhole())), "STREAMT-E002", { pipeline: "ids", path: "orders/select/distinct", line });
    expect(d.message).toContain("distinct()");
  });

  it("is caught behind a regular join with a ttl (also a type error)", () => {
    const line = lineHere() + 1;
    const counts = orders.groupBy("customer_id").count();
    const named = counts.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: "1d", select: (a, c) => ({ customer_id: a.customer_id, n: a.count, name: c.name }) });
    // The types refuse it too (the join's ttl cannot bound the aggregate before it); plain JS reaches analysis.
    // @ts-expect-error unbounded state behind the join
    const p = pipeline("named").write(named.toUpsertKafka("named.v1", { key: ["customer_id"] }));
    expect(codes(analyse(p))).toContain("STREAMT-E002");
    expectOne(analyse(p), "STREAMT-E002", { pipeline: "named", path: "orders/aggregate", line });
  });

  it("passes with a ttl or a pipeline stateTtl", () => {
    const withTtl = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "30d" });
    const without = orders.groupBy("customer_id").aggregate({ total: sum("amount") });
    expect(analyse(pipeline("a").write(withTtl.toUpsertKafka("a.v1", { key: ["customer_id"] })))).toEqual([]);
    expect(analyse(pipeline("b", { stateTtl: "30d" }).write(without.toUpsertKafka("b.v1", { key: ["customer_id"] })))).toEqual([]);
    expect(analyse(pipeline("c").write(orders.select("customer_id").distinct({ ttl: "1d" }).toBlackhole()))).toEqual([]);
  });
});

describe("STREAMT-E003 deduplicate without TTL", () => {
  it("is an error at deduplicate()", () => {
    const line = lineHere() + 1;
    const firsts = orders.deduplicate({ key: ["order_id"] });
    expectOne(analyse(unchecked("dedup", {}, firsts.toBlackhole())), "STREAMT-E003", { pipeline: "dedup", path: "orders/deduplicate", line });
  });

  it("passes with a ttl, a pipeline stateTtl, or per window", () => {
    expect(analyse(pipeline("a").write(orders.deduplicate({ key: ["order_id"], ttl: "1h" }).toBlackhole()))).toEqual([]);
    expect(analyse(unchecked("b", { stateTtl: "1h" }, orders.deduplicate({ key: ["order_id"] }).toBlackhole()))).toEqual([]);
    expect(analyse(pipeline("c").write(orders.tumble("1h").deduplicate({ key: ["order_id"] }).toKafka("c.v1")))).toEqual([]);
  });
});

describe("STREAMT-E004 Top-N without TTL", () => {
  it("is an error at topN()", () => {
    const line = lineHere() + 1;
    const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3 });
    expectOne(analyse(unchecked("top", {}, top.toBlackhole())), "STREAMT-E004", { pipeline: "top", path: "orders/top-n", line });
  });

  it("passes with a ttl, a pipeline stateTtl, or per window", () => {
    const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl: "1d" });
    expect(analyse(pipeline("a").write(top.toUpsertKafka("a.v1", { key: ["customer_id", "row_num"] })))).toEqual([]);
    const windowed = orders.tumble("1h").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 3 });
    expect(analyse(pipeline("b").write(windowed.toKafka("b.v1")))).toEqual([]);
  });
});

describe("STREAMT-W008 a deduplicate / Top-N ttl the job-wide TTL overrides", () => {
  const WHY = "Flink SQL applies one job-wide state TTL to deduplication and Top-N";
  const stateTtlSet = (p: Pipeline): string[] => scriptOf(p).split("\n").filter((l) => l.startsWith("SET 'table.exec.state.ttl'"));

  it("warns at the step when the pipeline's stateTtl replaces its ttl (1h becomes 30d)", () => {
    const line = lineHere() + 1;
    const firsts = orders.deduplicate({ key: ["order_id"], ttl: "1h" });
    const p = pipeline("firsts", { stateTtl: "30d" }).write(firsts.toUpsertKafka("firsts.v1", { key: ["order_id"] }));
    const ds = analyse(p);
    expect(codes(ds)).toEqual(["STREAMT-W008"]);
    const d = expectOne(ds, "STREAMT-W008", { pipeline: "firsts", path: "orders/deduplicate", line });
    expect(d.message).toBe(`deduplicate() asks for ttl 1h but gets 30d, the pipeline's stateTtl: ${WHY}`);
    expect(d.hint).toBe(`give it the pipeline's stateTtl (ttl: "30d") or no ttl, or move it into a pipeline of its own with stateTtl: "1h"`);
    // The SQL says the same: one job-wide value.
    expect(stateTtlSet(p)).toEqual(["SET 'table.exec.state.ttl' = '30 d';"]);
  });

  it("warns at each shorter step when two steps disagree (1h and 7d both get 7d)", () => {
    const line = lineHere() + 1;
    const firsts = orders.deduplicate({ key: ["order_id"], ttl: "1h" });
    const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl: "7d" });
    const p = pipeline("both").write(firsts.toUpsertKafka("firsts.v1", { key: ["order_id"] }), top.toUpsertKafka("top.v1", { key: ["customer_id", "row_num"] }));
    const ds = analyse(p);
    expect(codes(ds)).toEqual(["STREAMT-W008"]);
    const d = expectOne(ds, "STREAMT-W008", { pipeline: "both", path: "orders/deduplicate", line });
    expect(d.message).toBe(`deduplicate() asks for ttl 1h but gets 7d, the ttl of orders/top-n (applied job-wide): ${WHY}`);
    expect(d.hint).toBe(`give the deduplicate/Top-N steps of this pipeline the same ttl (all get "7d" now), or move this step into a pipeline of its own`);
    expect(stateTtlSet(p)).toEqual(["SET 'table.exec.state.ttl' = '7 d';"]);
  });

  it("warns at every step the pipeline's stateTtl overrides, Top-N included, and can be acknowledged", () => {
    const firsts = orders.deduplicate({ key: ["order_id"], ttl: "1h" });
    const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl: "7d" });
    const sinks = [firsts.toUpsertKafka("firsts.v1", { key: ["order_id"] }), top.toUpsertKafka("top.v1", { key: ["customer_id", "row_num"] })] as const;
    const ds = analyse(pipeline("both", { stateTtl: "1d" }).write(...sinks));
    expect(ds.map((d) => [d.path, d.message])).toEqual([
      ["orders/deduplicate", `deduplicate() asks for ttl 1h but gets 1d, the pipeline's stateTtl: ${WHY}`],
      ["orders/top-n", `topN() asks for ttl 7d but gets 1d, the pipeline's stateTtl: ${WHY}`],
    ]);
    const acked = analyse(pipeline("both", { stateTtl: "1d", acknowledge: { "STREAMT-W008": "a day is enough for both" } }).write(...sinks));
    expect(acked).toMatchObject([
      { code: "STREAMT-W008", acknowledged: { reason: "a day is enough for both" } },
      { code: "STREAMT-W008", acknowledged: { reason: "a day is enough for both" } },
    ]);
  });

  it("passes when the TTLs agree, or the steps have none of their own", () => {
    const firsts = (ttl: "1h" | "7d") => orders.deduplicate({ key: ["order_id"], ttl }).toUpsertKafka("firsts.v1", { key: ["order_id"] });
    const top = (ttl: "7d") => orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl }).toUpsertKafka("top.v1", { key: ["customer_id", "row_num"] });
    expect(analyse(pipeline("a", { stateTtl: "1h" }).write(firsts("1h")))).toEqual([]);
    expect(analyse(pipeline("b").write(firsts("7d"), top("7d")))).toEqual([]);
    expect(analyse(pipeline("c").write(firsts("1h")))).toEqual([]);
    expect(analyse(unchecked("d", { stateTtl: "30d" }, orders.deduplicate({ key: ["order_id"] }).toUpsertKafka("d.v1", { key: ["order_id"] })))).toEqual([]);
    // A window deduplication frees its state when the window closes: no TTL involved.
    expect(analyse(pipeline("e", { stateTtl: "30d" }).write(orders.tumble("1h").deduplicate({ key: ["order_id"] }).toKafka("e.v1")))).toEqual([]);
    expect(stateTtlSet(pipeline("b").write(firsts("7d"), top("7d")))).toEqual(["SET 'table.exec.state.ttl' = '7 d';"]);
  });
});

describe("STREAMT-E010 TTL shorter than an interval join's bound or a session gap", () => {
  it("is an error at the interval join when the pipeline's stateTtl is shorter than the bound", () => {
    const line = lineHere() + 1;
    const paid = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    const d = expectOne(analyse(pipeline("paid", { stateTtl: "10m" }).write(paid.toKafka("paid.v1"))), "STREAMT-E010", { pipeline: "paid", path: "orders/interval-join", line });
    expect(d.message).toContain("1h");
  });

  it("counts a deduplicate ttl, which Flink applies job-wide", () => {
    const line = lineHere() + 1;
    const paid = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["-30m", "30m"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid, ts: o.ts }) });
    const firsts = orders.deduplicate({ key: ["order_id"], ttl: "5m" });
    const ds = analyse(pipeline("mixed").write(paid.toKafka("paid.v1"), firsts.toBlackhole()));
    expect(expectOne(ds, "STREAMT-E010", { pipeline: "mixed", path: "orders/interval-join", line }).message).toContain("orders/deduplicate");
  });

  it("is an error at a session window whose gap outlives the TTL", () => {
    const line = lineHere() + 1;
    const sessions = orders.session("30m").groupBy("customer_id").count();
    expectOne(analyse(pipeline("sessions", { stateTtl: "10m" }).write(sessions.toKafka("sessions.v1"))), "STREAMT-E010", { pipeline: "sessions", path: "orders/session", line });
  });

  it("passes with a TTL at least as long", () => {
    const paid = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    const sessions = orders.session("30m").groupBy("customer_id").count();
    expect(analyse(pipeline("paid", { stateTtl: "1h" }).write(paid.toKafka("paid.v1")))).toEqual([]);
    expect(analyse(pipeline("sessions", { stateTtl: "1d" }).write(sessions.toKafka("sessions.v1")))).toEqual([]);
    expect(analyse(pipeline("no-ttl").write(paid.toKafka("paid.v1")))).toEqual([]);
  });
});

// ---- event time ------------------------------------------------------------------------------

describe("STREAMT-E005 time operator on an input without event time (plans built by other means)", () => {
  const noWatermark = source("raw-orders", { topic: "raw-orders.v1", schema: Order }).eventTime("ts");

  it("is an error at a window whose input has no event time", () => {
    const windowed = nodeOf(orders.tumble("1h").count());
    if (windowed.kind !== "windowAggregate") throw new Error("expected a window aggregate");
    const line = lineHere();
    const edited: PlanNode = { ...windowed, input: nodeOf(noWatermark), site: { file: FILE, line, column: 1 } };
    const d = expectOne(analysePlan(planOf(handPipeline("w", edited))), "STREAMT-E005", { pipeline: "w", path: "orders/tumble", line });
    expect(d.message).toBe("the tumble window needs event time, and its input raw-orders has no event-time attribute");
  });

  it("is an error when the rowtime has no watermark", () => {
    const windowed = nodeOf(orders.tumble("1h").count());
    if (windowed.kind !== "windowAggregate") throw new Error("expected a window aggregate");
    const input = { ...windowed.input, time: { ...windowed.input.time, watermark: null } } as PlanNode;
    const d = expectOne(analysePlan(planOf(handPipeline("w", { ...windowed, input }))), "STREAMT-E005", { pipeline: "w", path: "orders/tumble", line: windowed.site!.line });
    expect(d.message).toContain("has no watermark for 'ts'");
  });

  it("is an error at an interval join, a window join, a window Top-N and a temporal join's left side", () => {
    const interval = nodeOf(orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) }));
    const windowJoin = nodeOf(orders.tumble("5m").join(payments.tumble("5m"), { on: { order_id: "order_id" }, select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) }));
    const top = nodeOf(orders.tumble("1h").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 1 }));
    const temporal = nodeOf(orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) }));
    const bare = nodeOf(noWatermark);
    const cases: [PlanNode, string, string][] = [
      [{ ...interval, right: bare } as PlanNode, "orders/interval-join", "the interval join needs event time, and its right input raw-orders has no event-time attribute"],
      [{ ...windowJoin, left: bare } as PlanNode, "orders/tumble-join", "the tumble window join needs event time, and its left input raw-orders has no event-time attribute"],
      [{ ...top, input: bare } as PlanNode, "orders/tumble-top-n", "the tumble window Top-N needs event time, and its input raw-orders has no event-time attribute"],
      [{ ...temporal, left: bare } as PlanNode, "orders/temporal-join", "the temporal join needs event time, and its left input raw-orders has no event-time attribute"],
    ];
    for (const [node, path, message] of cases) {
      const d = expectOne(analysePlan(planOf(handPipeline("p", node))), "STREAMT-E005", { pipeline: "p", path, line: node.site!.line });
      expect(d.message).toBe(message);
    }
  });

  it("passes for the same operators built by the DSL", () => {
    const interval = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    const windowJoin = orders.tumble("5m").join(payments.tumble("5m"), { on: { order_id: "order_id" }, select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    const ds = analyse(pipeline("ok").write(interval.toBlackhole({ name: "a" }), windowJoin.toBlackhole({ name: "b" }), orders.tumble("1h").count().toBlackhole({ name: "c" })));
    expect(ds).toEqual([]);
  });
});

describe("STREAMT-E006 temporal join against a side that is not versioned (plans built by other means)", () => {
  const temporal = nodeOf(orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) }));

  it("is an error when the versioned side has no primary key", () => {
    const d = expectOne(analysePlan(planOf(handPipeline("p", { ...temporal, right: nodeOf(payments) } as PlanNode))), "STREAMT-E006",
      { pipeline: "p", path: "orders/temporal-join", line: temporal.site!.line });
    expect(d.message).toBe("the versioned side of the temporal join, payments, has no primary key");
  });

  it("is an error when the versioned side has no event time", () => {
    const keyedNoTime = source("customers-raw", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] });
    const d = expectOne(analysePlan(planOf(handPipeline("p", { ...temporal, right: nodeOf(keyedNoTime) } as PlanNode))), "STREAMT-E006",
      { pipeline: "p", path: "orders/temporal-join", line: temporal.site!.line });
    expect(d.message).toContain("has no event time");
  });

  it("passes against a versioned table (primary key and event time)", () => {
    const line = lineHere() + 1;
    const enriched = orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    expect(nodeOf(enriched).site?.line).toBe(line);
    expect(analyse(pipeline("p").write(enriched.toKafka("enriched.v1")))).toEqual([]);
  });
});

describe("STREAMT-W002 watermark delay longer than the window", () => {
  it("is a warning at the window", () => {
    const late = source("late-orders", { topic: "late.v1", schema: Order }).eventTime("ts").watermark("2h").idleTimeout("1m");
    const line = lineHere() + 1;
    const hourly = late.tumble("1h").count();
    const d = expectOne(analyse(pipeline("hourly").write(hourly.toKafka("hourly.v1"))), "STREAMT-W002", { pipeline: "hourly", path: "late-orders/tumble", line });
    expect(d.message).toContain("2h");
  });

  it("passes with a delay within the window", () => {
    expect(analyse(pipeline("hourly").write(orders.tumble("1h").count().toKafka("hourly.v1")))).toEqual([]);
  });
});

describe("STREAMT-W003 source without idle timeout feeding a window or join", () => {
  it("is a warning at the source, naming the operator", () => {
    const line = lineHere() + 1;
    const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("5s");
    const ds = analyse(pipeline("busy-hourly").write(busy.tumble("1h").count().toKafka("hourly.v1")));
    const d = expectOne(ds, "STREAMT-W003", { pipeline: "busy-hourly", path: "busy", line });
    expect(d.message).toContain("busy/tumble");
  });

  it("is reported once per source, for joins too", () => {
    const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("5s");
    const a = busy.tumble("1h").count();
    const b = busy.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    expect(codes(analyse(pipeline("busy").write(a.toBlackhole({ name: "a" }), b.toBlackhole({ name: "b" }))))).toEqual(["STREAMT-W003"]);
  });

  it("passes with idleTimeout on the source or a pipeline sourceIdleTimeout", () => {
    const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("5s");
    expect(analyse(pipeline("a").write(busy.idleTimeout("30s").tumble("1h").count().toKafka("a.v1")))).toEqual([]);
    expect(analyse(pipeline("b", { sourceIdleTimeout: "30s" }).write(busy.tumble("1h").count().toKafka("b.v1")))).toEqual([]);
    expect(analyse(pipeline("c", { config: { "table.exec.source.idle-timeout": "30 s" } }).write(busy.tumble("1h").count().toKafka("c.v1")))).toEqual([]);
    // A regular join does not wait on watermarks.
    expect(analyse(pipeline("d").write(busy.filter((o) => o.amount.gt(0)).toKafka("d.v1")))).toEqual([]);
  });
});

describe("STREAMT-W004 eventTime without watermark", () => {
  it("is a warning at the source", () => {
    const line = lineHere() + 1;
    const raw = source("raw", { topic: "raw.v1", schema: Order }).eventTime("ts");
    const d = expectOne(analyse(pipeline("raw").write(raw.toKafka("copy.v1"))), "STREAMT-W004", { pipeline: "raw", path: "raw", line });
    expect(d.message).toBe("source raw declares eventTime('ts') but no watermark, so 'ts' is not a time attribute");
  });

  it("passes with a watermark", () => {
    const raw = source("raw", { topic: "raw.v1", schema: Order }).eventTime("ts").watermark("monotonous");
    expect(analyse(pipeline("raw").write(raw.toKafka("copy.v1")))).toEqual([]);
  });
});

// ---- sinks -----------------------------------------------------------------------------------

describe("STREAMT-E007 updating result into an append-only Kafka sink", () => {
  const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "30d" });

  it("is an error at the sink, with the upsert fix and the key", () => {
    const line = lineHere() + 1;
    const sink = totals.toKafka("totals.v1" as never);
    const d = expectOne(analyse(pipeline("totals").write(sink)), "STREAMT-E007", { pipeline: "totals", path: "orders/aggregate/totals.v1", line });
    expect(d.hint).toBe('use toUpsertKafka("totals.v1", { key: ["customer_id"] }) (the result\'s unique key)');
  });

  it("passes with toUpsertKafka", () => {
    expect(analyse(pipeline("totals").write(totals.toUpsertKafka("totals.v1", { key: ["customer_id"] })))).toEqual([]);
  });

  // A CDC topic is a changelog: Flink's planner refuses it into the append-only kafka connector.
  const cdc = source("customers-cdc", { topic: "customers.cdc", schema: Customer, format: "debezium-json", primaryKey: ["customer_id"] });
  const cdcNoKey = source("customers-cdc-nokey", { topic: "customers.cdc", schema: Customer, format: "debezium-json" });

  it("is an error for a debezium-json source, keyed by its primary key", () => {
    const line = lineHere() + 1;
    const sink = cdc.toKafka("customers.v2" as never);
    const d = expectOne(analyse(pipeline("mirror").write(sink)), "STREAMT-E007", { pipeline: "mirror", path: "customers-cdc/customers.v2", line });
    expect(d.message).toBe("toKafka() writes an append-only topic, and customers-cdc is updating (its rows are revised)");
    expect(d.hint).toBe('use toUpsertKafka("customers.v2", { key: ["customer_id"] }) (the result\'s unique key)');
  });

  it("is an error for a debezium-json source without a primary key (updating, no known key)", () => {
    const line = lineHere() + 1;
    const sink = cdcNoKey.toKafka("customers.v2" as never);
    const d = expectOne(analyse(pipeline("mirror").write(sink)), "STREAMT-E007", { pipeline: "mirror", path: "customers-cdc-nokey/customers.v2", line });
    expect(d.message).toBe("toKafka() writes an append-only topic, and customers-cdc-nokey is updating (its rows are revised)");
    expect(d.hint).toBe('use toUpsertKafka("customers.v2", { key: [...] }) with a unique key of the result');
  });

  it("passes a debezium-json source into toUpsertKafka with its key; without a primary key the key is unverified (W007)", () => {
    expect(analyse(pipeline("mirror").write(cdc.toUpsertKafka("customers.v2", { key: ["customer_id"] })))).toEqual([]);
    const line = lineHere() + 1;
    const sink = cdcNoKey.toUpsertKafka("customers.v2", { key: ["customer_id"] });
    const d = expectOne(analyse(pipeline("mirror").write(sink)), "STREAMT-W007", { pipeline: "mirror", path: "customers-cdc-nokey/customers.v2", line });
    expect(d.message).toBe('upsert key ["customer_id"] cannot be verified: no unique key is known for the updating result customers-cdc-nokey');
  });
});

describe("STREAMT-E008 / W007 upsert key and the result's unique key", () => {
  const totals = orders.groupBy("customer_id").aggregate({ orders: count(), total: sum("amount") }, { ttl: "30d" });

  it("is an error when the key is not the result's unique key", () => {
    const line = lineHere() + 1;
    const sink = totals.toUpsertKafka("totals.v1", { key: ["orders"] });
    const d = expectOne(analyse(pipeline("totals").write(sink)), "STREAMT-E008", { pipeline: "totals", path: "orders/aggregate/totals.v1", line });
    expect(d.message).toBe('upsert key ["orders"] is not the unique key of orders/aggregate, which is ["customer_id"]');
    expect(d.hint).toBe('use key: ["customer_id"]');
  });

  it("warns (W007) when no unique key of the updating result is known", () => {
    const joined = orders.join(customerEvents, { on: { customer_id: "customer_id" }, type: "left", ttl: "1d", select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    const line = lineHere() + 1;
    const sink = joined.toUpsertKafka("joined.v1", { key: ["order_id"] });
    expectOne(analyse(pipeline("joined").write(sink)), "STREAMT-W007", { pipeline: "joined", path: "orders/join/joined.v1", line });
    const acked = analyse(pipeline("joined", { acknowledge: { "STREAMT-W007": "order_id is unique in orders.v1" } }).write(sink));
    expect(acked).toMatchObject([{ code: "STREAMT-W007", acknowledged: { reason: "order_id is unique in orders.v1" } }]);
  });

  it("passes with the unique key (in any order), and for append-only streams with any key", () => {
    const byTwo = orders.groupBy("customer_id", "order_id").count({ ttl: "1d" });
    expect(analyse(pipeline("a").write(totals.toUpsertKafka("a.v1", { key: ["customer_id"] })))).toEqual([]);
    expect(analyse(pipeline("b").write(byTwo.toUpsertKafka("b.v1", { key: ["order_id", "customer_id"] })))).toEqual([]);
    expect(analyse(pipeline("c").write(orders.toUpsertKafka("c.v1", { key: ["customer_id"] })))).toEqual([]);
  });
});

describe("STREAMT-E016 a filter comparing the two sides of a join, written as upserts", () => {
  const Stock = t.row({ sku: t.string(), warehouse: t.string(), qty: t.int() });
  const Product = t.row({ sku: t.string(), name: t.string(), min_qty: t.int() });
  const stock = source("stock", { topic: "stock.v1", schema: Stock }).groupBy("sku").aggregate({ qty: lastValue("qty") }, { ttl: "1d" });
  const products = source("products", { topic: "products.v1", schema: Product, primaryKey: ["sku"] });
  const productEvents = source("product-events", { topic: "product-events.v1", schema: Product });
  const joined = stock.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, name: p.name, qty: s.qty, min_qty: p.min_qty }) });
  // A regular join's result rows are loosely typed today (its select's columns are not inferred), so
  // conditions on them take `r: any`.
  const write = (s: { toUpsertKafka(topic: string, o: { key: ["sku"] }): Sink<any> }) => pipeline("low-stock").write(s.toUpsertKafka("low-stock.v1", { key: ["sku"] }));

  it("is an error at the filter, naming the join, both sides' columns and the sink", () => {
    const line = lineHere() + 1;
    const low = joined.filter((r: any) => r.qty.lt(r.min_qty));
    const ds = analyse(write(low));
    expect(codes(ds)).toEqual(["STREAMT-E016"]);
    const d = expectOne(ds, "STREAMT-E016", { pipeline: "low-stock", path: "stock/aggregate/join/filter", line });
    expect(d.message).toBe(
      "the condition of stock/aggregate/join/filter compares the two sides of the regular join stock/aggregate/join (qty of stock/aggregate with min_qty of products), " +
        'and stock/aggregate/join/filter/low-stock.v1 writes the result as upserts keyed by ["sku"]: Flink checks the condition inside the join, which sends no delete ' +
        "when an update makes a row stop matching (FLINK-38579), so the old row stays in the topic");
    expect(d.hint).toBe(
      "keep the comparison as a column instead of filtering on it (e.g. select a boolean column in the join) and filter when reading the topic; " +
        'or aggregate by the key before writing: .groupBy("sku").aggregate({ name: lastValue("name"), qty: lastValue("qty"), ... }, { ttl }), which makes Flink send the deletes; ' +
        "a condition on one side's columns alone can stay a filter");
  });

  it("follows the condition through selects, OR, outer joins and a second join, as Flink's optimizer moves it", () => {
    const viaSelect = joined.select((r: any) => ({ sku: r.sku, short: r.min_qty.sub(r.qty) })).filter((r: any) => r.short.gt(0)).select("sku", "short");
    expect(codes(analyse(write(viaSelect)))).toEqual(["STREAMT-E016"]);
    expect(codes(analyse(write(joined.filter((r: any) => r.qty.lt(10).or(r.name.eq("x"))))))).toEqual(["STREAMT-E016"]);
    const left = stock.join(products, { on: { sku: "sku" }, type: "left", ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, min_qty: p.min_qty }) });
    expect(codes(analyse(write(left.filter((r: any) => r.qty.lt(r.min_qty)))))).toEqual(["STREAMT-E016"]);
    // The condition reads both sides of the first join; Flink moves it through the second one into the first.
    const warehouses = source("warehouses", { topic: "warehouses.v1", schema: t.row({ sku: t.string(), site: t.string() }), primaryKey: ["sku"] });
    const twice = joined
      .join(warehouses, { on: { sku: "sku" }, ttl: "1d", select: (j: any, w) => ({ sku: j.sku, qty: j.qty, min_qty: j.min_qty, site: w.site }) })
      .filter((r: any) => r.qty.lt(r.min_qty));
    const ds = analyse(write(twice));
    expect(ds.map((d) => [d.code, d.message.slice(0, d.message.indexOf(" ("))])).toEqual([
      ["STREAMT-E016", "the condition of stock/aggregate/join/join/filter compares the two sides of the regular join stock/aggregate/join"],
    ]);
  });

  it("passes when Flink keeps UPDATE_BEFORE or nothing is lost", () => {
    // One side's columns: Flink filters that side, with full changes (proven on the engine, test/e2e/upsert-filters.test.ts).
    expect(analyse(write(joined.filter((r: any) => r.qty.lt(10).and(r.name.eq("x")))))).toEqual([]);
    // The comparison kept as a column.
    const flagged = stock.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, low: s.qty.lt(p.min_qty) }) });
    expect(analyse(write(flagged))).toEqual([]);
    // Aggregated by the key after the filter (the aggregate asks the join for full changes).
    const regrouped = joined.filter((r: any) => r.qty.lt(r.min_qty)).groupBy("sku").aggregate({ name: lastValue("name"), qty: lastValue("qty") }, { ttl: "1d" });
    expect(analyse(write(regrouped))).toEqual([]);
    // The other side append-only: no unique key of the result (W007), Flink materialises the sink's key.
    const appendSide = stock.join(productEvents, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, min_qty: p.min_qty }) });
    expect(codes(analyse(write(appendSide.filter((r: any) => r.qty.lt(r.min_qty)))))).toEqual(["STREAMT-W007"]);
    // An updating side not unique on the join keys: Flink's join asks for full changes.
    const perWarehouse = source("stock-wh", { topic: "stock.v1", schema: Stock }).groupBy("sku", "warehouse").aggregate({ qty: lastValue("qty") }, { ttl: "1d" });
    const byWarehouse = perWarehouse.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, warehouse: s.warehouse, qty: s.qty, min_qty: p.min_qty }) });
    expect(analyse(pipeline("wh").write(byWarehouse.filter((r: any) => r.qty.lt(r.min_qty)).toUpsertKafka("wh.v1", { key: ["sku", "warehouse"] })))).toEqual([]);
    // Written with print (all changes) rather than upserts.
    expect(analyse(pipeline("p").write(joined.filter((r: any) => r.qty.lt(r.min_qty)).toPrint()))).toEqual([]);
  });

  it("the hint's aggregate is emitted after the filter, where it sees the join's retractions", () => {
    const p = write(joined.filter((r: any) => r.qty.lt(r.min_qty)).groupBy("sku").aggregate({ name: lastValue("name"), qty: lastValue("qty"), min_qty: lastValue("min_qty") }, { ttl: "1d" }));
    expect(statementOf(p, "stock__aggregate__join__filter")).toBe(
      "CREATE TEMPORARY VIEW `stock__aggregate__join__filter` AS\nSELECT * FROM `stock__aggregate__join`\nWHERE (`qty` < `min_qty`);");
    expect(statementOf(p, "stock__aggregate__join__filter__aggregate")).toBe(
      "CREATE TEMPORARY VIEW `stock__aggregate__join__filter__aggregate` AS\n" +
        "SELECT /*+ STATE_TTL('stock__aggregate__join__filter' = '1 d') */ `sku`, LAST_VALUE(`name`) AS `name`, LAST_VALUE(`qty`) AS `qty`, LAST_VALUE(`min_qty`) AS `min_qty`\n" +
        "FROM `stock__aggregate__join__filter`\nGROUP BY `sku`;");
  });
});

describe("STREAMT-E009 exactly-once without checkpointing, STREAMT-W001 transaction timeout", () => {
  it("is an error at the sink when the pipeline has no checkpointInterval", () => {
    const line = lineHere() + 1;
    const sink = orders.toKafka("copy.v1", { delivery: "exactly-once" });
    expectOne(analyse(pipeline("copy").write(sink)), "STREAMT-E009", { pipeline: "copy", path: "orders/copy.v1", line });
  });

  it("passes with a checkpointInterval (or the checkpoint config key)", () => {
    const sink = orders.toKafka("copy.v1", { delivery: "exactly-once" });
    expect(analyse(pipeline("copy", { checkpointInterval: "1m" }).write(sink))).toEqual([]);
    expect(analyse(pipeline("copy", { config: { "execution.checkpointing.interval": "30 s" } }).write(sink))).toEqual([]);
  });

  it("warns when the transaction timeout exceeds the broker's maximum", () => {
    const line = lineHere() + 1;
    const sink = orders.toKafka("copy.v1", { delivery: "exactly-once", transactionTimeout: "1h" });
    const p = pipeline("copy", { checkpointInterval: "1m" }).write(sink);
    const d = expectOne(analyse(p), "STREAMT-W001", { pipeline: "copy", path: "orders/copy.v1", line });
    expect(d.message).toContain("15m");
    expect(analysePlan(planOf(p.definition), { brokerTransactionMaxTimeoutMs: 2 * 3_600_000 })).toEqual([]);
  });

  it("is an error when the transaction timeout is not longer than the checkpoint interval (STREAMT-E015)", () => {
    const line = lineHere() + 1;
    const short = orders.toKafka("copy.v1", { delivery: "exactly-once", transactionTimeout: "1m" });
    const d = expectOne(analyse(pipeline("copy", { checkpointInterval: "1m" }).write(short)), "STREAMT-E015", { pipeline: "copy", path: "orders/copy.v1", line });
    expect(d.message).toBe(
      "exactly-once transaction timeout 1m is not longer than pipeline 'copy''s checkpoint interval of 1m: the broker aborts each transaction before the checkpoint that would commit it, and the job fails at every commit",
    );
    // The SDK's default of 15m against a longer interval.
    const byDefault = orders.toKafka("copy2.v1", { delivery: "exactly-once" });
    expect(analyse(pipeline("copy2", { checkpointInterval: "20m" }).write(byDefault)).map((f) => `${f.code} ${f.message.split(":")[0]}`)).toEqual([
      "STREAMT-E015 exactly-once transaction timeout 15m is not longer than pipeline 'copy2''s checkpoint interval of 20m",
    ]);
    // An interval given as Flink configuration counts too.
    const raw = orders.toKafka("copy4.v1", { delivery: "exactly-once" });
    expect(analyse(pipeline("copy4", { config: { "execution.checkpointing.interval": "20 min" } }).write(raw)).map((f) => f.code)).toEqual(["STREAMT-E015"]);
    expect(analyse(pipeline("copy5", { config: { "execution.checkpointing.interval": "30 s" } }).write(orders.toKafka("copy5.v1", { delivery: "exactly-once" })))).toEqual([]);
    const longer = orders.toKafka("copy3.v1", { delivery: "exactly-once", transactionTimeout: "2m" });
    expect(analyse(pipeline("copy3", { checkpointInterval: "1m" }).write(longer))).toEqual([]);
  });

  it("reads checkpoint intervals the way Flink's configuration writes them", () => {
    expect(["30 s", "1 min", "10min", "5000", "2 hours", "1D", " 3 sec ", "1 fortnight", "", "1.5 s", "-1 s"].map(flinkDurationMs)).toEqual([
      30_000, 60_000, 600_000, 5000, 7_200_000, 86_400_000, 3000, null, null, null, null,
    ]);
  });

  it("passes with the default timeout (15m) or less", () => {
    const sink = orders.toKafka("copy.v1", { delivery: "exactly-once", transactionTimeout: "10m" });
    expect(analyse(pipeline("copy", { checkpointInterval: "1m" }).write(sink, orders.toKafka("copy2.v1", { delivery: "exactly-once" })))).toEqual([]);
  });
});

// ---- names and topics ------------------------------------------------------------------------

describe("STREAMT-E011 two pipelines with one name", () => {
  it("is an error at each pipeline", () => {
    const lineA = lineHere() + 1;
    const a = pipeline("jobs").write(orders.toKafka("a.v1"));
    const lineB = lineHere() + 1;
    const b = pipeline("jobs").write(orders.toKafka("b.v1"));
    const ds = analyse(a, b).filter((d) => d.code === "STREAMT-E011");
    expect(ds.map((d) => d.site?.line).sort()).toEqual([lineA, lineB].sort());
    expect(ds[0]).toMatchObject({ severity: "error", pipeline: "jobs", path: "jobs", site: { file: FILE } });
  });

  it("passes with distinct names", () => {
    expect(analyse(pipeline("a").write(orders.toKafka("a.v1")), pipeline("b").write(orders.toKafka("b.v1")))).toEqual([]);
  });
});

describe("STREAMT-E012 one topic written twice", () => {
  it("is an error at every writer, across pipelines", () => {
    const lineA = lineHere() + 1;
    const a = pipeline("a").write(orders.toKafka("out.v1"));
    const lineB = lineHere() + 1;
    const b = pipeline("b").write(payments.toKafka("out.v1"));
    const ds = analyse(a, b);
    expect(codes(ds)).toEqual(["STREAMT-E012", "STREAMT-E012"]);
    expectOne(ds.filter((d) => d.pipeline === "a"), "STREAMT-E012", { pipeline: "a", path: "orders/out.v1", line: lineA });
    expectOne(ds.filter((d) => d.pipeline === "b"), "STREAMT-E012", { pipeline: "b", path: "payments/out.v1", line: lineB });
  });

  it("is an error within one pipeline too", () => {
    const ds = analyse(pipeline("a").write(orders.toKafka("out.v1"), orders.filter((o) => o.amount.gt(0)).toKafka("out.v1")));
    expect(codes(ds)).toEqual(["STREAMT-E012", "STREAMT-E012"]);
  });

  it("passes with one topic per sink", () => {
    expect(analyse(pipeline("a").write(orders.toKafka("a.v1")), pipeline("b").write(payments.toKafka("b.v1")))).toEqual([]);
  });
});

describe("STREAMT-W010 topic feedback loops", () => {
  it("is a warning at a sink that writes the topic its own pipeline reads", () => {
    const line = lineHere() + 1;
    const ds = analyse(pipeline("echo").write(orders.filter((o) => o.amount.gt(0)).toKafka("orders.v1")));
    expect(codes(ds)).toEqual(["STREAMT-W010"]);
    const d = expectOne(ds, "STREAMT-W010", { pipeline: "echo", path: "orders/filter/orders.v1", line });
    expect(d.message).toBe(`pipeline 'echo' writes topic 'orders.v1', which it also reads (source orders (${FILE}:${nodeOf(orders).site!.line})): every row it writes comes back as input`);
    expect(d.hint).toBe("write to another topic; if the loop is intended (a retry topic that converges), acknowledge STREAMT-W010 with the reason");
  });

  it("is a warning at every sink that writes into a cycle of pipelines, naming the loop", () => {
    const fromA = source("a-in", { topic: "a.v1", schema: Order });
    const fromB = source("b-in", { topic: "b.v1", schema: Order });
    const fromC = source("c-in", { topic: "c.v1", schema: Order });
    const ds = analyse(
      pipeline("p1").write(fromA.toKafka("b.v1")),
      pipeline("p2").write(fromB.toKafka("c.v1")),
      pipeline("p3").write(fromC.toKafka("a.v1"), fromC.toKafka("side.v1", { name: "side" })),
    );
    expect(ds.map((d) => [d.code, d.pipeline, d.path, d.message])).toEqual([
      ["STREAMT-W010", "p1", "a-in/b.v1", "topics form a loop across pipelines: p1 -> b.v1 -> p2 -> c.v1 -> p3 -> a.v1 -> p1: every row this sink writes can come back to it"],
      ["STREAMT-W010", "p2", "b-in/c.v1", "topics form a loop across pipelines: p2 -> c.v1 -> p3 -> a.v1 -> p1 -> b.v1 -> p2: every row this sink writes can come back to it"],
      ["STREAMT-W010", "p3", "c-in/a.v1", "topics form a loop across pipelines: p3 -> a.v1 -> p1 -> b.v1 -> p2 -> c.v1 -> p3: every row this sink writes can come back to it"],
    ]);
  });

  it("passes for a chain, and can be acknowledged for an intended loop", () => {
    const fromA = source("a-in", { topic: "a.v1", schema: Order });
    const fromB = source("b-in", { topic: "b.v1", schema: Order });
    expect(analyse(pipeline("p1").write(fromA.toKafka("b.v1")), pipeline("p2").write(fromB.toKafka("c.v1")))).toEqual([]);
    const ds = analyse(pipeline("retry", { acknowledge: { "STREAMT-W010": "retries stop after 3 attempts" } }).write(orders.toKafka("orders.v1")));
    expect(ds.map((d) => [d.code, d.acknowledged])).toEqual([["STREAMT-W010", { reason: "retries stop after 3 attempts" }]]);
  });
});

describe("dead-letter topics in the topic findings", () => {
  const Strict = t.row({ id: t.string(), n: t.int() });
  it("STREAMT-E012: a source's dead-letter topic that a sink writes too", () => {
    const src = source("strict-in", { topic: "strict.v1", schema: Strict, onContractViolation: { deadLetter: "out.v1" } });
    const ds = analyse(pipeline("p").write(src.toKafka("out.v1")));
    expect(ds.map((d) => [d.code, d.path, d.message])).toEqual([
      ["STREAMT-E012", "strict-in", `topic 'out.v1' is also written by strict-in/out.v1 in pipeline 'p' (${FILE}:${ds[0]!.message.match(/:(\d+)\)$/)![1]})`],
      ["STREAMT-E012", "strict-in/out.v1", expect.stringMatching(/^topic 'out\.v1' is also written by the dead-letter records of source strict-in in pipeline 'p' \(/)],
    ]);
  });

  it("two pipelines reading one source share its dead-letter topic without a finding", () => {
    const src = source("shared-in", { topic: "shared.v1", schema: Strict, onContractViolation: { deadLetter: "shared.dlq" } });
    expect(analyse(pipeline("p1").write(src.toKafka("a.v1")), pipeline("p2").write(src.toKafka("b.v1")))).toEqual([]);
  });

  it("STREAMT-W010: dead-letter records reprocessed back into the source's topic", () => {
    const src = source("loop-in", { topic: "loop.v1", schema: Strict, onContractViolation: { deadLetter: "loop.dlq" } });
    const dlq = source("dlq-in", { topic: "loop.dlq", schema: t.row({ record: t.string().nullable() }) });
    const ds = analyse(pipeline("main").write(src.toKafka("ok.v1")), pipeline("reprocess").write(dlq.select((r) => ({ id: r.record.orElse("?"), n: lit(0) })).toKafka("loop.v1")));
    expect(ds.map((d) => [d.code, d.pipeline, d.message])).toEqual([
      ["STREAMT-W010", "main", "topics form a loop across pipelines: main -> loop.dlq -> reprocess -> loop.v1 -> main: every row this sink writes can come back to it"],
      ["STREAMT-W010", "reprocess", "topics form a loop across pipelines: reprocess -> loop.v1 -> main -> loop.dlq -> reprocess: every row this sink writes can come back to it"],
    ]);
  });
});

describe("STREAMT-E013 invalid topic names", () => {
  it("is an error at a source whose topic Kafka would refuse (plans built by other means)", () => {
    const src = nodeOf(orders);
    if (src.kind !== "source") throw new Error("expected a source");
    const edited: PlanNode = { ...src, kafka: { ...src.kafka, topic: "orders raw!" } };
    const d = expectOne(analysePlan(planOf(handPipeline("bad", edited))), "STREAMT-E013", { pipeline: "bad", path: "orders", line: src.site!.line });
    expect(d.message).toBe('invalid Kafka topic name "orders raw!" on source orders');
  });

  it("is an error at a sink (plans built by other means)", () => {
    const def = pipeline("bad").write(orders.toKafka("good.v1")).definition;
    const sink = def.sinks[0]!;
    if (sink.connector.kind !== "kafka") throw new Error("expected a kafka sink");
    const edited: PipelineDef = { ...def, sinks: [{ ...sink, connector: { ...sink.connector, topic: ".." } }] };
    expectOne(analysePlan(planOf(edited)), "STREAMT-E013", { pipeline: "bad", path: "orders/good.v1", line: sink.site!.line });
  });

  it("passes with valid names", () => {
    const good = source("good", { topic: "orders_raw-v1.x", schema: Order });
    expect(analyse(pipeline("good").write(good.toKafka("good.v1")))).toEqual([]);
  });
});

describe("STREAMT-W006 sources never used", () => {
  it("is a warning for each declared source no pipeline reads", () => {
    const plan = planOf(pipeline("a").write(orders.toKafka("a.v1")).definition);
    const ds = unusedSources(["payments", "orders", "customers", "payments"], plan);
    expect(ds.map((d) => [d.code, d.severity, d.pipeline, d.path, d.site])).toEqual([
      ["STREAMT-W006", "warning", null, "customers", null],
      ["STREAMT-W006", "warning", null, "payments", null],
    ]);
  });

  it("passes when every declared source is read", () => {
    expect(unusedSources(["orders"], planOf(pipeline("a").write(orders.toKafka("a.v1")).definition))).toEqual([]);
  });
});

// ---- acknowledgements and robustness ---------------------------------------------------------

describe("acknowledgements", () => {
  const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("5s");
  const hourly = busy.tumble("1h").count();

  it("keep an acknowledged warning in the list, marked with the reason", () => {
    const ds = analyse(pipeline("h", { acknowledge: { "STREAMT-W003": "one partition, always busy" } }).write(hourly.toKafka("h.v1")));
    expect(ds).toMatchObject([{ code: "STREAMT-W003", acknowledged: { reason: "one partition, always busy" } }]);
  });

  it("do not apply to another pipeline's findings", () => {
    const a = pipeline("a", { acknowledge: { "STREAMT-W003": "fine" } }).write(hourly.toKafka("a.v1"));
    const b = pipeline("b").write(hourly.toKafka("b.v1"));
    const ds = analyse(a, b);
    expect(ds.map((d) => [d.pipeline, d.code, d.acknowledged !== undefined])).toEqual([
      ["a", "STREAMT-W003", true],
      ["b", "STREAMT-W003", false],
    ]);
  });

  it("raise STREAMT-W005 when nothing raises the acknowledged code", () => {
    const line = lineHere() + 1;
    const p = pipeline("quiet", { acknowledge: { "STREAMT-W002": "windows are long" } }).write(orders.toKafka("q.v1"));
    const d = expectOne(analyse(p), "STREAMT-W005", { pipeline: "quiet", path: "quiet", line });
    expect(d.message).toBe("pipeline 'quiet' acknowledges STREAMT-W002 but nothing raises it");
  });

  it("do nothing for an error code (and say so with STREAMT-W005)", () => {
    const line = lineHere() + 1;
    const p = pipeline("strict", { acknowledge: { "STREAMT-E009": "trust me" } }).write(orders.toKafka("s.v1", { delivery: "exactly-once" }));
    const ds = analyse(p);
    expect(ds.find((d) => d.code === "STREAMT-E009")?.acknowledged).toBeUndefined();
    expect(expectOne(ds, "STREAMT-W005", { pipeline: "strict", path: "strict", line }).message).toContain("errors cannot be acknowledged");
  });

  it("can acknowledge STREAMT-W005 itself", () => {
    const p = pipeline("q", { acknowledge: { "STREAMT-W002": "kept for later", "STREAMT-W005": "shared config" } }).write(orders.toKafka("q.v1"));
    expect(analyse(p)).toMatchObject([{ code: "STREAMT-W005", acknowledged: { reason: "shared config" } }]);
  });
});

describe("analysePlan", () => {
  it("turns a pass that throws into STREAMT-E000 instead of crashing", () => {
    const def = pipeline("broken").write(orders.toKafka("b.v1")).definition;
    const broken = { ...def, sinks: [{ ...def.sinks[0]!, input: { kind: "mystery", path: "x" } }] } as unknown as PipelineDef;
    const ds = analysePlan(planOf(broken));
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.code === "STREAMT-E000" && d.severity === "error")).toBe(true);
    expect(ds[0]!.message).toMatch(/^analysis pass '[a-z-]+' failed: /);
  });

  it("returns findings sorted by pipeline, path, code", () => {
    const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("2h");
    const ds = analyse(
      unchecked("z", {}, busy.tumble("1h").count().toKafka("z.v1"), orders.deduplicate({ key: ["order_id"] }).toBlackhole()),
      pipeline("a").write(orders.toKafka("q.v1", { delivery: "exactly-once" })),
    );
    expect(ds.map((d) => `${d.pipeline} ${d.path} ${d.code}`)).toEqual([
      "a orders/q.v1 STREAMT-E009",
      "z busy STREAMT-W003",
      "z busy/tumble STREAMT-W002",
      "z orders/deduplicate STREAMT-E003",
    ]);
  });
});

describe("STREAMT-E014 allowed lateness on a window", () => {
  it("is refused with what Flink can do instead", () => {
    const line = lineHere() + 1;
    const late = orders.tumble("1h", { allowedLateness: "10m" }).aggregate({ n: count() });
    const d = expectOne(analyse(pipeline("late").write(late.toBlackhole())), "STREAMT-E014", { pipeline: "late", path: "orders/tumble", line });
    expect(d.message).toBe(
      "the tumble window asks for allowed lateness of 10m, which Flink SQL cannot honour on window table-valued functions: rows behind the watermark are dropped",
    );
    expect(d.hint).toBe(
      "what Flink can do: raise the source's watermark delay by 10m (results come that much later, none dropped), or keep a non-windowed aggregate keyed by a time bucket with a state TTL (an updating result); then remove allowedLateness",
    );
  });

  it("passes without it", () => {
    expect(codes(analyse(pipeline("on-time").write(orders.tumble("1h").aggregate({ n: count() }).toBlackhole())))).not.toContain("STREAMT-E014");
  });
});

describe("STREAMT-W011 a filter condition the declared types decide", () => {
  const Shipment = t.row({ shipment_id: t.string(), order_id: t.string(), carrier: t.string().nullable(), weight: t.int().nullable() });
  const shipments = source("shipments", { topic: "shipments.v1", schema: Shipment });

  it("is a warning at a filter testing a NOT NULL column for null: the source enforces it, so the test is constant", () => {
    const line = lineHere() + 1;
    const kept = orders.filter((o) => o.customer_id.isNotNull());
    const d = expectOne(analyse(pipeline("keep-all").write(kept.toBlackhole())), "STREAMT-W011", { pipeline: "keep-all", path: "orders/filter", line });
    expect(d.message).toBe("filter condition: customer_id.isNotNull() is always true (customer_id is NOT NULL here), so the filter keeps every row");
    expect(d.hint).toBe(
      "remove the null test; if the field can really be missing or null, declare it .nullable() in the schema (otherwise the source drops such records before any step)",
    );

    const none = orders.filter((o) => o.customer_id.isNull().and(o.amount.gt(100)));
    expect(analyse(pipeline("keep-none").write(none.toBlackhole())).map((x) => x.message)).toEqual([
      "filter condition: customer_id.isNull() is always false (customer_id is NOT NULL here), so the filter drops every row",
    ]);
  });

  it("names a constant test inside a condition that still depends on the row", () => {
    const some = orders.filter((o) => o.amount.gt(100).or(o.order_id.isNotNull().and(o.customer_id.eq("c1"))));
    expect(analyse(pipeline("some").write(some.toBlackhole())).map((x) => [x.code, x.path, x.message])).toEqual([
      ["STREAMT-W011", "orders/filter", "filter condition: order_id.isNotNull() is always true (order_id is NOT NULL here)"],
    ]);
  });

  it("is a warning at a comparison with null, which is never true", () => {
    // The types refuse eq(null) / in(null); plain JavaScript (or --no-typecheck) reaches analysis with them.
    const line = lineHere() + 1;
    const eqNull = shipments.filter((s) => s.carrier.eq(null as never));
    const d = expectOne(analyse(pipeline("eq-null").write(eqNull.toBlackhole())), "STREAMT-W011", { pipeline: "eq-null", path: "shipments/filter", line });
    expect(d.message).toBe("filter condition: carrier.eq(null) is never true (a comparison with null is unknown), so the filter drops every row");
    expect(d.hint).toBe("test for null with isNull() / isNotNull(): a comparison with null is never true");

    const notIn = shipments.filter((s) => s.carrier.notIn("dhl", null as never).or(s.weight.gt(10)));
    expect(analyse(pipeline("not-in").write(notIn.toBlackhole())).map((x) => x.message)).toEqual([
      'filter condition: carrier.notIn("dhl", null) is never true (a comparison with null is unknown)',
    ]);
    const inNull = shipments.filter((s) => s.carrier.in(null as never));
    expect(analyse(pipeline("in-null").write(inNull.toBlackhole())).map((x) => x.message)).toEqual([
      "filter condition: carrier.in(null) is never true (a comparison with null is unknown), so the filter drops every row",
    ]);
  });

  it("passes for null tests of nullable columns, including a side an outer join made nullable, and can be acknowledged", () => {
    const ok = shipments.filter((s) => s.carrier.isNotNull().and(s.weight.isNull().not()));
    expect(analyse(pipeline("nullable").write(ok.toBlackhole()))).toEqual([]);
    const joined = shipments
      .join(customerEvents, { on: { order_id: "customer_id" }, type: "left", ttl: "1d", select: (s, c) => ({ shipment_id: s.shipment_id, name: c.name }) })
      .filter((r) => r.name!.isNull());
    expect(codes(analyse(pipeline("unmatched").write(joined.toUpsertKafka("unmatched.v1", { key: ["shipment_id"] }))))).not.toContain("STREAMT-W011");
    const acked = analyse(pipeline("acked", { acknowledge: { "STREAMT-W011": "kept while producers migrate" } }).write(orders.filter((o) => o.customer_id.isNotNull()).toBlackhole()));
    expect(acked.map((x) => [x.code, x.acknowledged])).toEqual([["STREAMT-W011", { reason: "kept while producers migrate" }]]);
  });
});
