/**
 * Every analysis finding asserted whole: the complete list analysePlan returns (no extra finding
 * passes), each with its code, severity, pipeline, path, site, message and hint. Where findings.test.ts
 * shows that a finding is raised and where, this file pins what the user reads, for every branch of
 * each message (which side of a join, a ttl of 0, a default timeout, a site that is unknown, ...).
 */
import { describe, expect, it } from "vitest";
import { lastValue, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { analysePlan, ANALYSIS_PASSES, unusedSources } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { compareDiagnostics, isFailing, type Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { formatDiagnostic } from "../../packages/streamt-sdk/src/analysis/format.js";
import { ms, nodesOf } from "../../packages/streamt-sdk/src/analysis/pass-support.js";
import { isValidTopic } from "../../packages/streamt-sdk/src/analysis/topic-names-pass.js";
import { resolveRules, rulesSchema } from "../../packages/streamt-sdk/src/deploy/rules-config.js";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import type { PipelineDef, Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import type { SinkNode } from "../../packages/streamt-sdk/src/ir/nodes/sink-node.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/diagnostics-exact.test.ts";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").idleTimeout("1m");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s").idleTimeout("1m");
const customerEvents = source("customer-events", { topic: "customer-events.v1", schema: Customer });
const timedEvents = customerEvents.eventTime("updated_at").watermark("1s").idleTimeout("1m");

const planOf = (...defs: PipelineDef[]): Plan => ({ version: 1, pipelines: defs });
const analyse = (...ps: (Pipeline | PipelineDef)[]): Diagnostic[] => analysePlan(planOf(...ps.map((p) => ("definition" in p ? p.definition : p))));
const nodeOf = (s: unknown): PlanNode => (s as { node: PlanNode }).node;
/** The site the DSL records for a call on `line` of this file. */
const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });

/** A pipeline whose one blackhole sink reads `input` (a node edited by hand, as other front ends could build it). */
function handPipeline(name: string, input: PlanNode, settings: Partial<PipelineDef["settings"]> = {}): PipelineDef {
  const base = pipeline(name).write(orders.toBlackhole()).definition;
  const sink: SinkNode = { ...(base.sinks[0] as SinkNode), input, path: `${input.path}/blackhole`, schema: input.schema, changelog: input.changelog, time: input.time };
  return { ...base, settings: { ...base.settings, ...settings }, sinks: [sink] };
}

/** The pipeline with its first sink replaced by `edit(sink)`. */
function withSink(p: Pipeline, edit: (s: SinkNode) => SinkNode, settings: Partial<PipelineDef["settings"]> = {}): PipelineDef {
  const def = p.definition;
  return { ...def, settings: { ...def.settings, ...settings }, sinks: [edit(def.sinks[0]!), ...def.sinks.slice(1)] };
}

// ---- unbounded state (E001..E004) ------------------------------------------------------------

describe("STREAMT-E001..E004: what is unbounded, and a ttl of 0", () => {
  const JOIN_HINT = `give the join { ttl: "1d" } (or { ttl: { left, right } }) or the pipeline a stateTtl; or use intervalJoin / temporalJoin when the match is bounded in time`;
  const ZERO = " (a ttl of 0 means never expire to Flink)";
  const joinLine = lineHere() + 1;
  const joined = orders.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: "1d", select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
  const join = nodeOf(joined);
  const E001 = (message: string) => ({ code: "STREAMT-E001", severity: "error", pipeline: "p", path: "orders/join", site: at(joinLine), message, hint: JOIN_HINT });

  it.each([
    ["no ttl anywhere", null, {}, "regular join keeps both sides in state forever"],
    ["a left ttl of 0 (the right side bounded)", { leftMs: 0, rightMs: 86_400_000 }, {}, `regular join keeps its left side in state forever${ZERO}`],
    ["a right ttl of 0 (the left side bounded)", { leftMs: 86_400_000, rightMs: 0 }, {}, `regular join keeps its right side in state forever${ZERO}`],
    ["both ttls 0, whatever the pipeline's stateTtl", { leftMs: 0, rightMs: 0 }, { stateTtlMs: 3_600_000 }, `regular join keeps both sides in state forever${ZERO}`],
  ] as const)("a regular join with %s", (_, ttl, settings, message) => {
    expect(analyse(handPipeline("p", { ...join, ttl } as PlanNode, settings))).toEqual([E001(message)]);
  });

  it("a join with positive ttls, or none under a pipeline stateTtl, is bounded", () => {
    expect(analyse(handPipeline("p", { ...join, ttl: { leftMs: 1, rightMs: 86_400_000 } } as PlanNode))).toEqual([]);
    expect(analyse(handPipeline("p", { ...join, ttl: null } as PlanNode, { stateTtlMs: 60_000 }))).toEqual([]);
  });

  const aggLine = lineHere() + 1;
  const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "1d" });
  const distinctLine = lineHere() + 1;
  const ids = orders.select("customer_id").distinct({ ttl: "1d" });
  const AGG_HINT = `give it { ttl: "7d" } or the pipeline a stateTtl; or aggregate in windows (tumble/hop/cumulate/session) so state is freed when a window closes`;

  it.each([
    ["an aggregate without ttl", totals, aggLine, "orders/aggregate", null, {}, "a non-windowed aggregate keeps a row of state per group key forever"],
    // An aggregate's own ttl is a STATE_TTL hint, which wins over the pipeline's: 0 stays unbounded.
    ["an aggregate with ttl 0 under a pipeline stateTtl", totals, aggLine, "orders/aggregate", 0, { stateTtlMs: 60_000 }, `a non-windowed aggregate keeps a row of state per group key forever${ZERO}`],
    ["distinct() without ttl", ids, distinctLine, "orders/select/distinct", null, {}, "distinct() keeps a row of state per distinct row forever"],
  ] as const)("STREAMT-E002 for %s", (_, stream, line, path, ttlMs, settings, message) => {
    expect(analyse(handPipeline("p", { ...nodeOf(stream), ttlMs } as PlanNode, settings))).toEqual([
      { code: "STREAMT-E002", severity: "error", pipeline: "p", path, site: at(line), message, hint: AGG_HINT },
    ]);
  });

  const dedupLine = lineHere() + 1;
  const firsts = orders.deduplicate({ key: ["order_id"], ttl: "1h" });
  const topLine = lineHere() + 1;
  const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl: "1h" });

  it.each([
    ["deduplicate() without ttl", firsts, null, "STREAMT-E003", dedupLine, "orders/deduplicate", "deduplicate() keeps a row of state per key forever",
      `give it { ttl: "1d" } or the pipeline a stateTtl; or deduplicate per window: stream.tumble(size).deduplicate({ key })`],
    ["deduplicate() with ttl 0", firsts, 0, "STREAMT-E003", dedupLine, "orders/deduplicate", `deduplicate() keeps a row of state per key forever${ZERO}`,
      `give it { ttl: "1d" } or the pipeline a stateTtl; or deduplicate per window: stream.tumble(size).deduplicate({ key })`],
    ["topN() without ttl", top, null, "STREAMT-E004", topLine, "orders/top-n", "topN() keeps the rows of every partition in state forever",
      `give it { ttl: "1d" } or the pipeline a stateTtl; or rank per window: stream.tumble(size).topN({ ... })`],
    ["topN() with ttl 0", top, 0, "STREAMT-E004", topLine, "orders/top-n", `topN() keeps the rows of every partition in state forever${ZERO}`,
      `give it { ttl: "1d" } or the pipeline a stateTtl; or rank per window: stream.tumble(size).topN({ ... })`],
  ] as const)("%s", (_, stream, ttlMs, code, line, path, message, hint) => {
    expect(analyse(handPipeline("p", { ...nodeOf(stream), ttlMs } as PlanNode))).toEqual([{ code, severity: "error", pipeline: "p", path, site: at(line), message, hint }]);
  });

  it("a deduplicate/Top-N ttl of 0 is bounded by the pipeline's stateTtl (theirs is job-wide, not a hint)", () => {
    expect(analyse(handPipeline("p", { ...nodeOf(firsts), ttlMs: 0 } as PlanNode, { stateTtlMs: 60_000 }))).toEqual([]);
    expect(analyse(handPipeline("p", { ...nodeOf(top), ttlMs: 0 } as PlanNode, { stateTtlMs: 60_000 }))).toEqual([]);
  });
});

// ---- exactly-once (E009, E015, W001) ---------------------------------------------------------

describe("STREAMT-E009 / E015 / W001 exactly-once sinks", () => {
  const sinkLine = lineHere() + 1;
  const copy = () => orders.toKafka("copy.v1", { delivery: "exactly-once" });
  const upsertLine = lineHere() + 1;
  const upsert = () => orders.toUpsertKafka("copy.v1", { key: ["order_id"], delivery: "exactly-once" });
  const E009 = (name: string, line = sinkLine) => ({
    code: "STREAMT-E009", severity: "error", pipeline: name, path: "orders/copy.v1", site: at(line),
    message: `exactly-once delivery commits its Kafka transactions on checkpoints, and pipeline '${name}' has no checkpointInterval: readers would never see a row`,
    hint: `give the pipeline { checkpointInterval: "1m" }, or use delivery: "at-least-once"`,
  });
  const E015 = (timeout: string, interval: string) => ({
    code: "STREAMT-E015", severity: "error", pipeline: "p", path: "orders/copy.v1", site: at(sinkLine),
    message: `exactly-once transaction timeout ${timeout} is not longer than pipeline 'p''s checkpoint interval of ${interval}: the broker aborts each transaction before the checkpoint that would commit it, and the job fails at every commit`,
    hint: `set transactionTimeout well above the checkpoint interval plus the time a restart takes (e.g. "15m" with checkpointInterval "1m"), or checkpoint more often`,
  });
  const W001 = (timeout: string, limit: string, line = sinkLine) => ({
    code: "STREAMT-W001", severity: "warning", pipeline: "p", path: "orders/copy.v1", site: at(line),
    message: `exactly-once transaction timeout ${timeout} is longer than the broker's transaction.max.timeout.ms of ${limit}: the broker refuses the producer when the job starts`,
    hint: `set transactionTimeout: "${limit}" (or less, but well above the checkpoint interval), or raise the broker's transaction.max.timeout.ms`,
  });

  it("an upsert-kafka sink needs checkpoints too", () => {
    expect(analyse(pipeline("p").write(upsert()))).toEqual([E009("p", upsertLine)]);
  });

  it.each([
    ["a blank interval in config", "  ", [E009("p")]],
    ["an interval of 0 in config", "0", [E009("p")]],
    // A value this reader cannot parse is Flink's to read: taken as on, not reported.
    ["an interval this reader cannot parse", "every minute", []],
    ["a readable interval", "1 min", []],
  ] as const)("checkpointing from config: %s", (_, interval, expected) => {
    expect(analyse(pipeline("p", { config: { "execution.checkpointing.interval": interval } }).write(copy()))).toEqual(expected);
  });

  // Plans from other front ends may leave transactionTimeoutMs unset: the Flink sink then reads the
  // producer property, or uses its own default of 1 hour.
  const noTimeout = (properties: Record<string, string>) => (s: SinkNode): SinkNode =>
    ({ ...s, connector: { ...(s.connector as Extract<SinkNode["connector"], { kind: "kafka" }>), transactionTimeoutMs: null, properties } });

  it.each([
    ["no property: the Flink sink's default of 1h", {}, [{ ...W001("1h (the Flink sink's default)", "15m") }]],
    ["a property of 0 is not a timeout: the default", { "transaction.timeout.ms": "0" }, [{ ...W001("1h (the Flink sink's default)", "15m") }]],
    ["a property that is not a number: the default", { "transaction.timeout.ms": "soon" }, [{ ...W001("1h (the Flink sink's default)", "15m") }]],
    ["a property of 1m, not longer than the 1m interval", { "transaction.timeout.ms": "60000" }, [E015("1m", "1m")]],
    ["a property of 20m, over the broker's limit", { "transaction.timeout.ms": "1200000" }, [W001("20m (the Flink sink's default)", "15m")]],
    ["a property of 10m", { "transaction.timeout.ms": "600000" }, []],
  ] as const)("transaction timeout from the sink's properties: %s", (_, properties, expected) => {
    expect(analyse(withSink(pipeline("p", { checkpointInterval: "1m" }).write(copy()), noTimeout(properties)))).toEqual(expected);
  });

  it("the broker limit: a positive number, else Kafka's default of 15m", () => {
    const line = lineHere() + 1;
    const p = pipeline("p", { checkpointInterval: "1m" }).write(orders.toKafka("copy.v1", { delivery: "exactly-once", transactionTimeout: "20m" }));
    expect(analysePlan(planOf(p.definition))).toEqual([W001("20m", "15m", line)]);
    expect(analysePlan(planOf(p.definition), { brokerTransactionMaxTimeoutMs: 0 })).toEqual([W001("20m", "15m", line)]);
    expect(analysePlan(planOf(p.definition), { brokerTransactionMaxTimeoutMs: "60000" as never })).toEqual([W001("20m", "15m", line)]);
    expect(analysePlan(planOf(p.definition), { brokerTransactionMaxTimeoutMs: 600_000 })).toEqual([W001("20m", "10m", line)]);
    expect(analysePlan(planOf(p.definition), { brokerTransactionMaxTimeoutMs: 1_200_000 })).toEqual([]);
  });
});

// ---- idle sources (W003) ---------------------------------------------------------------------

describe("STREAMT-W003 and the idle timeout in config", () => {
  const busyLine = lineHere() + 1;
  const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("5s");
  const W003 = {
    code: "STREAMT-W003", severity: "warning", pipeline: "p", path: "busy", site: at(busyLine),
    message: "source busy has no idle timeout, and the tumble window at busy/tumble waits on its watermark: an idle Kafka partition stalls the watermark, so results stop until that partition receives data",
    hint: `call .idleTimeout("1m") on the source, or give the pipeline a sourceIdleTimeout`,
  };

  // Flink reads 0 (in any unit) as "no idle timeout".
  it.each([
    ["0", [W003]], ["00 ms", [W003]], ["0ms", [W003]], ["0 ms", [W003]], [" 0 s ", [W003]],
    ["0500 ms", []], ["30 s", []], ["1min", []],
  ] as const)("table.exec.source.idle-timeout = %j", (value, expected) => {
    expect(analyse(pipeline("p", { config: { "table.exec.source.idle-timeout": value } }).write(busy.tumble("1h").count().toBlackhole()))).toEqual(expected);
  });
});

// ---- time operators (W002, E005, E010, E014) -------------------------------------------------

describe("messages that name the time operator", () => {
  const late = source("late", { topic: "late.v1", schema: Order }).eventTime("ts").watermark("1h").idleTimeout("1m");
  const lateToo = source("late-too", { topic: "late-too.v1", schema: Order }).eventTime("ts").watermark("2h").idleTimeout("1m");
  const W002 = (path: string, line: number, op: string, delay: string, sources: string, size: string) => ({
    code: "STREAMT-W002", severity: "warning", pipeline: "p", path, site: at(line),
    message: `watermark delay ${delay} (source ${sources}) is longer than ${op} of ${size}: each result is emitted more than a window after the window ends`,
    hint: `shorten the source's watermark delay to at most ${size}, or use a larger window; acknowledge STREAMT-W002 if such late results are intended`,
  });

  it("STREAMT-W002 names a window deduplication, a window Top-N and a window join (each side)", () => {
    const dedupLine = lineHere() + 1;
    const dedup = late.tumble("30m").deduplicate({ key: ["order_id"] });
    const topLine = lineHere() + 1;
    const top = late.hop({ size: "30m", slide: "10m" }).topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 1 });
    const joinLine = lineHere() + 1;
    const joined = late.tumble("30m").join(lateToo.tumble("30m"), { on: { order_id: "order_id" }, select: (a, b) => ({ order_id: a.order_id, other: b.amount }) });
    expect(analyse(pipeline("p").write(dedup.toKafka("a.v1"), top.toKafka("b.v1"), joined.toKafka("c.v1")))).toEqual([
      W002("late/hop-top-n", topLine, "the hop window Top-N", "1h", "late", "30m"),
      W002("late/tumble-deduplicate", dedupLine, "the tumble window deduplication", "1h", "late", "30m"),
      W002("late/tumble-join", joinLine, "the tumble window join", "1h", "late", "30m"),
      W002("late/tumble-join", joinLine, "the tumble window join", "2h", "late-too", "30m"),
    ]);
  });

  it("STREAMT-W002 names every source behind a union's watermark; a delay equal to the window passes", () => {
    const line = lineHere() + 1;
    const both = late.union(lateToo).tumble("1h").count();
    expect(analyse(pipeline("p").write(both.toKafka("a.v1")))).toEqual([W002("late/union/tumble", line, "the tumble window", "2h", "late, late-too", "1h")]);
    expect(analyse(pipeline("p").write(late.tumble("1h").count().toKafka("a.v1")))).toEqual([]);
  });

  it("STREAMT-E010 names the interval join's bound and the session gap", () => {
    const joinLine = lineHere() + 1;
    const paid = orders.intervalJoin(timedEvents, { on: { customer_id: "customer_id" }, between: ["-10m", "20m"], select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    const sessionLine = lineHere() + 1;
    const sessions = orders.session("2h").groupBy("customer_id").count();
    expect(analyse(pipeline("p", { stateTtl: "20m" }).write(paid.toKafka("a.v1"), sessions.toKafka("b.v1")))).toEqual([
      {
        code: "STREAMT-E010", severity: "error", pipeline: "p", path: "orders/interval-join", site: at(joinLine),
        message: "state TTL 20m (the pipeline's stateTtl) is shorter than the interval join's bound of 30m: rows would expire while still needed",
        hint: "make the TTL at least 30m, or shorten the interval join's bound",
      },
      {
        code: "STREAMT-E010", severity: "error", pipeline: "p", path: "orders/session", site: at(sessionLine),
        message: "state TTL 20m (the pipeline's stateTtl) is shorter than the session gap of 2h: rows would expire while still needed",
        hint: "make the TTL at least 2h, or shorten the session gap",
      },
    ]);
  });

  it("STREAMT-E010 for a session window's deduplication and Top-N too", () => {
    // The types offer no deduplicate/topN on a session window; plain JavaScript reaches analysis with them.
    const dedupLine = lineHere() + 2;
    // @ts-expect-error not offered on a session window
    const firsts = orders.session("2h").deduplicate({ key: ["order_id"] });
    const topLine = lineHere() + 2;
    // @ts-expect-error not offered on a session window
    const top = orders.session("2h").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 1 });
    const E010 = (path: string, line: number) => ({
      code: "STREAMT-E010", severity: "error", pipeline: "p", path, site: at(line),
      message: "state TTL 1h (the pipeline's stateTtl) is shorter than the session gap of 2h: rows would expire while still needed",
      hint: "make the TTL at least 2h, or shorten the session gap",
    });
    expect(analyse(pipeline("p", { stateTtl: "1h" }).write(firsts.toBlackhole({ name: "a" }), top.toBlackhole({ name: "b" })))).toEqual([
      E010("orders/session-deduplicate", dedupLine),
      E010("orders/session-top-n", topLine),
    ]);
  });

  it("STREAMT-E014 names a window join's side windows", () => {
    const line = lineHere() + 1;
    const joined = orders.tumble("1h", { allowedLateness: "5m" }).join(timedEvents.tumble("1h", { allowedLateness: "5m" }), { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    expect(analyse(pipeline("p").write(joined.toBlackhole())).filter((d) => d.code === "STREAMT-E014")).toEqual([
      {
        code: "STREAMT-E014", severity: "error", pipeline: "p", path: "orders/tumble-join", site: at(line),
        message: "the tumble window join asks for allowed lateness of 5m, which Flink SQL cannot honour on window table-valued functions: rows behind the watermark are dropped",
        hint: "what Flink can do: raise the source's watermark delay by 5m (results come that much later, none dropped), or keep a non-windowed aggregate keyed by a time bucket with a state TTL (an updating result); then remove allowedLateness",
      },
    ]);
  });

  it("STREAMT-E005 says when the window's column is not the input's event time", () => {
    const windowed = nodeOf(orders.tumble("1h").count());
    if (windowed.kind !== "windowAggregate") throw new Error("expected a window aggregate");
    const edited = { ...windowed, window: { ...windowed.window, timeColumn: "paid_at" } } as PlanNode;
    expect(analyse(handPipeline("p", edited))).toEqual([
      {
        code: "STREAMT-E005", severity: "error", pipeline: "p", path: "orders/tumble", site: windowed.site,
        message: "the tumble window needs event time, and its input orders has event time on 'ts', not on the window's column 'paid_at'",
        hint: "declare .eventTime(column).watermark(delay) on the source, and keep that column (unchanged) in every select() on the way",
      },
    ]);
  });

  it("STREAMT-E005 checks only the left side of a temporal join (the versioned side is E006's)", () => {
    const temporal = nodeOf(orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) }));
    if (temporal.kind !== "temporalJoin") throw new Error("expected a temporal join");
    const right = { ...temporal.right, time: { ...temporal.right.time, watermark: null } } as PlanNode;
    expect(analyse(handPipeline("p", { ...temporal, right } as PlanNode)).map((d) => [d.code, d.message])).toEqual([
      ["STREAMT-E006", "the versioned side of the temporal join, customers, has no event time (no watermark for 'updated_at')"],
    ]);
  });
});

// ---- temporal join (E006) --------------------------------------------------------------------

describe("STREAMT-E006 the versioned side, whole", () => {
  const line = lineHere() + 1;
  const temporal = nodeOf(orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) }));
  if (temporal.kind !== "temporalJoin") throw new Error("expected a temporal join");
  const E006 = (message: string, hint: string) => ({ code: "STREAMT-E006", severity: "error", pipeline: "p", path: "orders/temporal-join", site: at(line), message, hint });
  const KEY_HINT = "declare primaryKey: [...] on the versioned source (it is then read with upsert-kafka), and join on that key";
  const TIME_HINT = "declare .eventTime(column).watermark(delay) on the versioned source";

  it.each([
    ["an empty key", { changelog: { mode: "updating", key: [] } }, [E006("the versioned side of the temporal join, customers, has no primary key", KEY_HINT)]],
    ["no event time and no key", { changelog: { mode: "append", key: null }, time: { rowtime: null, watermark: null } }, [
      E006("the versioned side of the temporal join, customers, has no event time", TIME_HINT),
      E006("the versioned side of the temporal join, customers, has no primary key", KEY_HINT),
    ]],
    ["event time without a watermark", { time: { ...temporal.right.time, watermark: null } }, [
      E006("the versioned side of the temporal join, customers, has no event time (no watermark for 'updated_at')", TIME_HINT),
    ]],
  ] as const)("%s", (_, edit, expected) => {
    expect(analyse(handPipeline("p", { ...temporal, right: { ...temporal.right, ...edit } } as PlanNode))).toEqual(expected);
  });
});

// ---- sinks (E007, E008, W007) ----------------------------------------------------------------

describe("STREAMT-E007 / E008 / W007 sink keys, whole", () => {
  it("STREAMT-E007 with a known key of several columns, and with an empty key", () => {
    const line = lineHere() + 1;
    const counts = orders.groupBy("customer_id", "order_id").count({ ttl: "1d" });
    const sink = counts.toKafka("counts.v1" as never);
    const E007 = (hint: string) => ({
      code: "STREAMT-E007", severity: "error", pipeline: "p", path: "orders/aggregate/counts.v1", site: at(line + 1),
      message: "toKafka() writes an append-only topic, and orders/aggregate is updating (its rows are revised)", hint,
    });
    expect(analyse(pipeline("p").write(sink))).toEqual([E007(`use toUpsertKafka("counts.v1", { key: ["customer_id", "order_id"] }) (the result's unique key)`)]);
    const keyless = withSink(pipeline("p").write(sink), (s) => ({ ...s, input: { ...s.input, changelog: { mode: "updating", key: [] } } as PlanNode }));
    expect(analyse(keyless)).toEqual([E007(`use toUpsertKafka("counts.v1", { key: [...] }) with a unique key of the result`)]);
  });

  it("STREAMT-E008 compares keys as sets: a subset, a superset and a repeated column are each wrong", () => {
    const counts = orders.groupBy("customer_id", "order_id").count({ ttl: "1d" });
    const line = lineHere() + 1;
    const write = (key: string[]) => pipeline("p").write(counts.toUpsertKafka("counts.v1", { key: key as ["customer_id"] }));
    const E008 = (shown: string) => ({
      code: "STREAMT-E008", severity: "error", pipeline: "p", path: "orders/aggregate/counts.v1", site: at(line),
      message: `upsert key ${shown} is not the unique key of orders/aggregate, which is ["customer_id", "order_id"]`,
      hint: `use key: ["customer_id", "order_id"]`,
    });
    expect(analyse(write(["customer_id"]))).toEqual([E008(`["customer_id"]`)]);
    expect(analyse(write(["customer_id", "order_id", "count"]))).toEqual([E008(`["customer_id", "order_id", "count"]`)]);
    expect(analyse(write(["order_id", "order_id"]))).toEqual([E008(`["order_id", "order_id"]`)]);
    expect(analyse(write(["order_id", "customer_id"]))).toEqual([]);
  });

  it("STREAMT-W007 for an updating result whose key is empty", () => {
    const counts = orders.groupBy("customer_id").count({ ttl: "1d" });
    const line = lineHere() + 1;
    const p = pipeline("p").write(counts.toUpsertKafka("counts.v1", { key: ["customer_id"] }));
    const keyless = withSink(p, (s) => ({ ...s, input: { ...s.input, changelog: { mode: "updating", key: [] } } as PlanNode }));
    expect(analyse(keyless)).toEqual([
      {
        code: "STREAMT-W007", severity: "warning", pipeline: "p", path: "orders/aggregate/counts.v1", site: at(line),
        message: `upsert key ["customer_id"] cannot be verified: no unique key is known for the updating result orders/aggregate`,
        hint: `if ["customer_id"] is unique in the data, acknowledge STREAMT-W007 with the reason; otherwise keep a unique key in select() (an aggregate's group keys, a dedup key, a Top-N partition and rank) and use it as the key`,
      },
    ]);
  });
});

// ---- names and topics (E011, E012, E013, W010) -----------------------------------------------

describe("STREAMT-E011 names every other pipeline of the name", () => {
  const HINT = "pipeline names are Flink job names and consumer groups: give each pipeline its own name";
  it("with their file:line, or none when the site is unknown", () => {
    const l1 = lineHere() + 1;
    const a = pipeline("jobs").write(orders.toKafka("a.v1"));
    const l2 = lineHere() + 1;
    const b = pipeline("jobs").write(orders.toKafka("b.v1"));
    const c: PipelineDef = { ...pipeline("jobs").write(orders.toKafka("c.v1")).definition, site: null };
    const unique = pipeline("other").write(orders.toKafka("d.v1"));
    const E011 = (site: unknown, others: string) => ({ code: "STREAMT-E011", severity: "error", pipeline: "jobs", path: "jobs", site, message: `3 pipelines are named 'jobs' (${others})`, hint: HINT });
    const ds = analyse(a, unique, b, c);
    expect(ds.filter((d) => d.code === "STREAMT-E011")).toEqual([
      E011(null, `the other (${FILE}:${l1}), the other (${FILE}:${l2})`),
      E011(at(l2), `the other (${FILE}:${l1}), the other`),
      E011(at(l1), `the other (${FILE}:${l2}), the other`),
    ]);
  });
});

describe("STREAMT-E011 names that differ only in case", () => {
  it("is an error at each, naming the others with their file:line; the same name in another case is not needed for it", () => {
    const l1 = lineHere() + 1;
    const a = pipeline("Hourly").write(orders.toKafka("a.v1"));
    const l2 = lineHere() + 1;
    const b = pipeline("hourly").write(orders.toKafka("b.v1"));
    const unique = pipeline("hourly-2").write(orders.toKafka("c.v1"));
    const HINT = "give each pipeline a name that differs in more than case";
    expect(analyse(a, unique, b).filter((d) => d.code === "STREAMT-E011")).toEqual([
      { code: "STREAMT-E011", severity: "error", pipeline: "hourly", path: "hourly", site: at(l2), message: `pipeline 'hourly' differs from 'Hourly' (${FILE}:${l1}) only in case: their output files (hourly.sql, Hourly.sql) are one file where file names ignore case (macOS, Windows)`, hint: HINT },
      { code: "STREAMT-E011", severity: "error", pipeline: "Hourly", path: "Hourly", site: at(l1), message: `pipeline 'Hourly' differs from 'hourly' (${FILE}:${l2}) only in case: their output files (Hourly.sql, hourly.sql) are one file where file names ignore case (macOS, Windows)`, hint: HINT },
    ]);
  });
});

describe("STREAMT-E012 / E013 / W010 topics, whole", () => {
  it("STREAMT-E012 names the other writer; a dead-letter writer without a site", () => {
    const l1 = lineHere() + 1;
    const a = pipeline("a").write(orders.toKafka("out.v1"));
    const l2 = lineHere() + 1;
    const b = pipeline("b").write(customerEvents.toKafka("out.v1"));
    const HINT = "give each sink its own topic, or union() the streams and write them with one sink";
    expect(analyse(a, b)).toEqual([
      { code: "STREAMT-E012", severity: "error", pipeline: "a", path: "orders/out.v1", site: at(l1), message: `topic 'out.v1' is also written by customer-events/out.v1 in pipeline 'b' (${FILE}:${l2})`, hint: HINT },
      { code: "STREAMT-E012", severity: "error", pipeline: "b", path: "customer-events/out.v1", site: at(l2), message: `topic 'out.v1' is also written by orders/out.v1 in pipeline 'a' (${FILE}:${l1})`, hint: HINT },
    ]);
    const Strict = t.row({ id: t.string(), n: t.int() });
    const strict = source("strict-in", { topic: "strict.v1", schema: Strict, onContractViolation: { deadLetter: "out.v1" } });
    const src = nodeOf(strict);
    const def = pipeline("c").write(strict.toKafka("other.v1")).definition;
    const unsited = { ...def, sinks: [{ ...def.sinks[0]!, input: { ...src, site: null } as PlanNode }] };
    expect(analyse(unsited, a).map((d) => d.message)).toEqual([
      `topic 'out.v1' is also written by the dead-letter records of source strict-in in pipeline 'c'`,
      `topic 'out.v1' is also written by orders/out.v1 in pipeline 'a' (${FILE}:${l1})`,
    ]);
  });

  it("STREAMT-E012 names each other writer, separated by semicolons", () => {
    const l1 = lineHere() + 1;
    const a = pipeline("a").write(orders.toKafka("out.v1"));
    const l2 = lineHere() + 1;
    const b = pipeline("b").write(customerEvents.toKafka("out.v1"));
    const l3 = lineHere() + 1;
    const c = pipeline("c").write(orders.filter((o) => o.amount.gt(0)).toKafka("out.v1"));
    expect(analyse(a, b, c).map((d) => [d.pipeline, d.message])).toEqual([
      ["a", `topic 'out.v1' is also written by customer-events/out.v1 in pipeline 'b' (${FILE}:${l2}); orders/filter/out.v1 in pipeline 'c' (${FILE}:${l3})`],
      ["b", `topic 'out.v1' is also written by orders/out.v1 in pipeline 'a' (${FILE}:${l1}); orders/filter/out.v1 in pipeline 'c' (${FILE}:${l3})`],
      ["c", `topic 'out.v1' is also written by orders/out.v1 in pipeline 'a' (${FILE}:${l1}); customer-events/out.v1 in pipeline 'b' (${FILE}:${l2})`],
    ]);
  });

  it("STREAMT-E013 at an upsert-kafka sink, and Kafka's rule for names", () => {
    const line = lineHere() + 1;
    const p = pipeline("p").write(orders.toUpsertKafka("good.v1", { key: ["order_id"] }));
    const bad = withSink(p, (s) => ({ ...s, connector: { ...(s.connector as Extract<SinkNode["connector"], { kind: "upsert-kafka" }>), topic: "bad topic" } }));
    expect(analyse(bad)).toEqual([
      {
        code: "STREAMT-E013", severity: "error", pipeline: "p", path: "orders/good.v1", site: at(line),
        message: `invalid Kafka topic name "bad topic" on sink orders/good.v1`,
        hint: "Kafka topic names use letters, digits, '.', '_' and '-' (1 to 249 characters, not '.' or '..')",
      },
    ]);
    expect(["a", "A-z_0.9", "x".repeat(249), ".a", "..."].map(isValidTopic)).toEqual([true, true, true, true, true]);
    expect(["", ".", "..", "x".repeat(250), "bad topic", "x!y", "ok!", "!ok", 42].map(isValidTopic)).toEqual([false, false, false, false, false, false, false, false, false]);
  });

  it("STREAMT-W010 names a source without a site, and does not loop over a cycle it is not part of", () => {
    const echo = pipeline("echo").write(orders.toKafka("orders.v1"));
    const src = nodeOf(orders);
    const unsited = { ...echo.definition, sinks: [{ ...echo.definition.sinks[0]!, input: { ...src, site: null } as PlanNode }] };
    expect(analyse(unsited).map((d) => d.message)).toEqual([
      "pipeline 'echo' writes topic 'orders.v1', which it also reads (source orders): every row it writes comes back as input",
    ]);
    // p1 feeds a loop between p2 and p3, which never leads back to p1.
    const from = (topic: string) => source(`in-${topic}`, { topic, schema: Order });
    const ds = analyse(
      pipeline("p1").write(from("start.v1").toKafka("a.v1")),
      pipeline("p2").write(from("a.v1").union(from("c.v1")).toKafka("b.v1")),
      pipeline("p3").write(from("b.v1").toKafka("c.v1")),
    );
    expect(ds.map((d) => [d.pipeline, d.message])).toEqual([
      ["p2", "topics form a loop across pipelines: p2 -> b.v1 -> p3 -> c.v1 -> p2: every row this sink writes can come back to it"],
      ["p3", "topics form a loop across pipelines: p3 -> c.v1 -> p2 -> b.v1 -> p3: every row this sink writes can come back to it"],
    ]);
  });
});

// ---- acknowledgements, unused sources, internal errors ---------------------------------------

describe("acknowledgements, whole", () => {
  const busy = source("busy", { topic: "busy.v1", schema: Order }).eventTime("ts").watermark("2h");
  const line = lineHere() + 1;
  const twoWarnings = (acknowledge: Record<string, string>) => pipeline("p", { acknowledge }).write(busy.tumble("1h").count().toKafka("h.v1"));

  it("mark only the acknowledged code, and say when an acknowledged code is not raised", () => {
    const ds = analyse(twoWarnings({ "STREAMT-W003": "one partition", "STREAMT-W004": "mistyped" }));
    expect(ds.map((d) => [d.code, d.path, d.message, d.hint, d.acknowledged])).toEqual([
      ["STREAMT-W003", "busy", expect.stringMatching(/^source busy has no idle timeout/), expect.any(String), { reason: "one partition" }],
      ["STREAMT-W002", "busy/tumble", expect.stringMatching(/^watermark delay 2h/), expect.any(String), undefined],
      ["STREAMT-W005", "p", "pipeline 'p' acknowledges STREAMT-W004 but nothing raises it", "remove STREAMT-W004 from acknowledge (the finding it silenced is gone, or the code is mistyped)", undefined],
    ]);
    expect(ds[2]!.site).toEqual(at(line));
  });

  it("an acknowledged error is reported, and not marked", () => {
    const ds = analyse(pipeline("p", { acknowledge: { "STREAMT-E009": "trust me" } }).write(orders.toKafka("s.v1", { delivery: "exactly-once" })));
    expect(ds.map((d) => [d.code, d.message, d.hint, d.acknowledged])).toEqual([
      ["STREAMT-E009", expect.any(String), expect.any(String), undefined],
      ["STREAMT-W005", "pipeline 'p' acknowledges STREAMT-E009, an error: errors cannot be acknowledged", "fix what STREAMT-E009 reports (see docs/diagnostics.md) and remove it from acknowledge", undefined],
    ]);
  });

  it("STREAMT-W005 is acknowledged after the others, whatever the order they are written in", () => {
    const ds = analyse(pipeline("q", { acknowledge: { "STREAMT-W005": "shared config", "STREAMT-W002": "kept for later" } }).write(orders.toKafka("q.v1")));
    expect(ds.map((d) => [d.code, d.message, d.acknowledged])).toEqual([
      ["STREAMT-W005", "pipeline 'q' acknowledges STREAMT-W002 but nothing raises it", { reason: "shared config" }],
    ]);
  });

  it("a pipeline whose settings have no acknowledge list (a plan from another front end)", () => {
    const def = pipeline("p").write(orders.toKafka("q.v1")).definition;
    const { acknowledge: _, ...settings } = def.settings;
    expect(analyse({ ...def, settings: settings as PipelineDef["settings"] })).toEqual([]);
  });
});

describe("STREAMT-W006 and STREAMT-E000, whole", () => {
  it("an unused source", () => {
    expect(unusedSources(["orders", "payments"], planOf(pipeline("a").write(orders.toKafka("a.v1")).definition))).toEqual([
      {
        code: "STREAMT-W006", severity: "warning", pipeline: null, path: "payments", site: null,
        message: "source 'payments' is declared but no pipeline reads it",
        hint: "write a pipeline that reads it, or stop exporting it (remove it if it is no longer needed)",
      },
    ]);
  });

  // A plan that cannot be read makes every pass fail: each is reported by name, none crashes.
  const unreadable = { version: 1, pipelines: new Proxy([], { get: () => { throw new Error("unreadable plan"); } }) } as unknown as Plan;
  const E000 = (pass: string) => ({
    code: "STREAMT-E000", severity: "error", pipeline: null, path: `analysis/${pass}`, site: null,
    message: `analysis pass '${pass}' failed: unreadable plan`,
    hint: "this is a bug in streamt-sdk: please report it with the pipeline that triggers it",
  });

  it("each pass that throws, and the acknowledgement step, is STREAMT-E000 naming it", () => {
    const passes = ANALYSIS_PASSES.map((p) => p.name);
    // The names users read in E000 (docs/diagnostics.md), each pass's own.
    expect(passes).toEqual(expect.arrayContaining([
      "unbounded-state", "allowed-lateness", "ttl-time-bound", "row-number-ttl", "event-time", "temporal-join", "watermark-delay", "idle-source", "source-watermark",
      "append-sink", "upsert-key", "upsert-join-filter", "exactly-once", "pipeline-names", "topic-writers", "topic-loop", "topic-names", "constant-filter",
    ]));
    expect(new Set(passes).size).toBe(passes.length);
    // With rules (none set): without any, the project-rules pass reads no plan.
    const rules = resolveRules(rulesSchema.parse({}), "streamt.config.ts", () => null);
    expect(analysePlan(unreadable, { rules })).toEqual([...passes, "acknowledge"].sort().map(E000));
    expect(unusedSources(["orders"], unreadable)).toEqual([E000("unused-sources")]);
  });
});

// ---- the pieces every message is made of -----------------------------------------------------

describe("ms(): a duration in the largest exact unit", () => {
  it.each([
    [0, "0ms"], [500, "500ms"], [1000, "1s"], [1500, "1500ms"], [90_000, "90s"], [60_000, "1m"], [5_400_000, "90m"],
    [3_600_000, "1h"], [86_400_000, "1d"], [129_600_000, "36h"], [172_800_000, "2d"],
  ])("%i ms is %s", (value, text) => {
    expect(ms(value)).toBe(text);
  });
});

describe("nodesOf", () => {
  it("lists each node once, inputs first, the same list on every call", () => {
    const def = pipeline("p").write(orders.filter((o) => o.amount.gt(0)).toKafka("a.v1"), orders.toKafka("b.v1")).definition;
    expect(nodesOf(def).map((n) => n.path)).toEqual(["orders", "orders/filter", "orders/filter/a.v1", "orders/b.v1"]);
    expect(nodesOf(def)).toBe(nodesOf(def));
  });
});

describe("isFailing and compareDiagnostics", () => {
  const d = (over: Partial<Diagnostic>): Diagnostic => ({ code: "STREAMT-W003", severity: "warning", pipeline: "p", path: "a", site: null, message: "m", hint: "h", ...over });

  it.each([
    ["an error", d({ severity: "error" }), false, true],
    ["an error, strict", d({ severity: "error" }), true, true],
    ["an acknowledged error (never: errors cannot be)", d({ severity: "error", acknowledged: { reason: "x" } }), true, true],
    ["a warning", d({}), false, false],
    ["a warning, strict", d({}), true, true],
    ["an acknowledged warning, strict", d({ acknowledged: { reason: "x" } }), true, false],
  ] as const)("%s (strict: %s) fails: %s", (_, diagnostic, strict, fails) => {
    expect(isFailing(diagnostic, strict)).toBe(fails);
  });

  it("orders by pipeline (project-wide findings first), path, code, message", () => {
    const ds = [
      d({ pipeline: "t", path: "b" }), d({ pipeline: null, path: "z" }), d({ pipeline: "t", path: "a", code: "STREAMT-W004" }),
      d({ pipeline: "t", path: "a", code: "STREAMT-W003", message: "n" }), d({ pipeline: "t", path: "a", code: "STREAMT-W003", message: "m" }), d({ pipeline: "T", path: "c" }),
    ];
    expect([...ds].sort(compareDiagnostics).map((x) => `${x.pipeline} ${x.path} ${x.code} ${x.message}`)).toEqual([
      "null z STREAMT-W003 m",
      "t a STREAMT-W003 m",
      "t a STREAMT-W003 n",
      "t a STREAMT-W004 m",
      "t b STREAMT-W003 m",
      "T c STREAMT-W003 m",
    ]);
    expect([d({ pipeline: "t" }), d({ pipeline: null })].sort(compareDiagnostics).map((x) => x.pipeline)).toEqual([null, "t"]);
  });
});

describe("formatDiagnostic without a path or a hint", () => {
  it("prints no empty path and no empty fix line", () => {
    const bare: Diagnostic = { code: "STREAMT-E000", severity: "error", pipeline: null, path: "", site: null, message: "it broke", hint: "" };
    expect(formatDiagnostic(bare)).toBe("error STREAMT-E000 <unknown location>\n  it broke");
  });
});

// ---- a filter comparing a join's sides, written as upserts (E016) ----------------------------

describe("STREAMT-E016, whole", () => {
  const Stock = t.row({ sku: t.string(), warehouse: t.string(), qty: t.int() });
  const Product = t.row({ sku: t.string(), name: t.string(), min_qty: t.int() });
  const stock = source("stock", { topic: "stock.v1", schema: Stock }).groupBy("sku").aggregate({ qty: lastValue("qty") }, { ttl: "1d" });
  const products = source("products", { topic: "products.v1", schema: Product, primaryKey: ["sku"] });
  const joined = stock.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, name: p.name, qty: s.qty, min_qty: p.min_qty }) });
  const upserts = (s: any, key: string[] = ["sku"]) => s.toUpsertKafka("low-stock.v1", { key });
  const E016 = (filter: string, join: string, columns: string, sink: string, line: number, hint: string) => ({
    code: "STREAMT-E016", severity: "error", pipeline: "p", path: filter, site: at(line),
    message: `the condition of ${filter} compares the two sides of the regular join ${join} (${columns}), and ${sink} writes the result as upserts keyed by ["sku"]: Flink checks the condition inside the join, which sends no delete when an update makes a row stop matching (FLINK-38579), so the old row stays in the topic`,
    hint,
  });
  const hint = (aggregates: string) =>
    `keep the comparison as a column instead of filtering on it (e.g. select a boolean column in the join) and filter when reading the topic; ` +
    `or aggregate by the key before writing: .groupBy("sku").aggregate(${aggregates}, { ttl }), which makes Flink send the deletes; a condition on one side's columns alone can stay a filter`;
  const JOINED = `{ name: lastValue("name"), qty: lastValue("qty"), ... }`;

  it("one finding per filter and join, naming the first term that compares the sides; each filter its own", () => {
    const line = lineHere() + 1;
    const both = joined.filter((r: any) => r.qty.lt(r.min_qty).and(r.name.ne(r.sku)));
    expect(analyse(pipeline("p").write(upserts(both)))).toEqual([
      E016("stock/aggregate/join/filter", "stock/aggregate/join", "qty of stock/aggregate with min_qty of products", "stock/aggregate/join/filter/low-stock.v1", line, hint(JOINED)),
    ]);
    const l1 = lineHere() + 1;
    const first = joined.filter((r: any) => r.qty.lt(r.min_qty));
    const l2 = lineHere() + 1;
    const second = first.filter((r: any) => r.name.ne(r.sku).and(r.qty.add(r.min_qty).gt(r.qty)));
    expect(analyse(pipeline("p").write(upserts(second)))).toEqual([
      E016("stock/aggregate/join/filter", "stock/aggregate/join", "qty of stock/aggregate with min_qty of products", "stock/aggregate/join/filter/filter/low-stock.v1", l1, hint(JOINED)),
      E016("stock/aggregate/join/filter/filter", "stock/aggregate/join", "sku of stock/aggregate with name of products", "stock/aggregate/join/filter/filter/low-stock.v1", l2, hint(JOINED)),
    ]);
  });

  it("the hint lists the columns besides the key: one, or none (two and more above)", () => {
    const withQty = stock.join(products, { on: { sku: "sku" }, ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, min_qty: p.min_qty }) });
    const lq = lineHere() + 1;
    const low = withQty.filter((r: any) => r.qty.lt(r.min_qty)).select((r: any) => ({ sku: r.sku, qty: r.qty }));
    expect(analyse(pipeline("p").write(upserts(low)))).toEqual([
      E016("stock/aggregate/join/filter", "stock/aggregate/join", "qty of stock/aggregate with min_qty of products", "stock/aggregate/join/filter/select/low-stock.v1", lq, hint(`{ qty: lastValue("qty") }`)),
    ]);
    const lb = lineHere() + 1;
    const bare = withQty.filter((r: any) => r.qty.lt(r.min_qty)).select((r: any) => ({ sku: r.sku }));
    expect(analyse(pipeline("p").write(upserts(bare)))).toEqual([
      E016("stock/aggregate/join/filter", "stock/aggregate/join", "qty of stock/aggregate with min_qty of products", "stock/aggregate/join/filter/select/low-stock.v1", lb, hint("{ n: count() }")),
    ]);
  });

  it("names every column of each side a term reads", () => {
    const line = lineHere() + 1;
    const low = joined.filter((r: any) => r.name.eq(r.sku).or(r.min_qty.gt(r.qty)));
    expect(analyse(pipeline("p").write(upserts(low)))).toEqual([
      E016("stock/aggregate/join/filter", "stock/aggregate/join", "sku, qty of stock/aggregate with name, min_qty of products", "stock/aggregate/join/filter/low-stock.v1", line, hint(JOINED)),
    ]);
  });

  it("only a sink keyed by the result's unique key (as a set) asks for upserts: another key is E008 alone", () => {
    const low = joined.filter((r: any) => r.qty.lt(r.min_qty));
    expect(analyse(pipeline("p").write(upserts(low, ["sku", "name"]))).map((d) => d.code)).toEqual(["STREAMT-E008"]);
    // A key of two columns: the same two in another order ask for upserts; one of them with another column does not.
    const Limit = t.row({ sku: t.string(), warehouse: t.string(), min_qty: t.int() });
    const limits = source("limits-wh", { topic: "limits-wh.v1", schema: Limit, primaryKey: ["sku", "warehouse"] });
    const perWarehouse = source("stock-wh", { topic: "stock.v1", schema: Stock }).groupBy("sku", "warehouse").aggregate({ qty: lastValue("qty") }, { ttl: "1d" });
    const both = perWarehouse
      .join(limits, { on: { sku: "sku", warehouse: "warehouse" }, ttl: "1d", select: (s, l) => ({ sku: s.sku, warehouse: s.warehouse, qty: s.qty, min_qty: l.min_qty }) })
      .filter((r: any) => r.qty.lt(r.min_qty));
    expect(analyse(pipeline("p").write(upserts(both, ["warehouse", "sku"]))).map((d) => [d.code, d.message.slice(d.message.indexOf("keyed by"), d.message.indexOf(": Flink")), d.hint])).toEqual([[
      "STREAMT-E016",
      'keyed by ["warehouse", "sku"]',
      "keep the comparison as a column instead of filtering on it (e.g. select a boolean column in the join) and filter when reading the topic; " +
        `or aggregate by the key before writing: .groupBy("warehouse", "sku").aggregate({ qty: lastValue("qty"), min_qty: lastValue("min_qty") }, { ttl }), which makes Flink send the deletes; ` +
        "a condition on one side's columns alone can stay a filter",
    ]]);
    expect(analyse(pipeline("p").write(upserts(both, ["sku", "qty"]))).map((d) => d.code)).toEqual(["STREAMT-E008"]);
  });

  it("a condition on one side's columns goes to that side only, and is checked again at a join there", () => {
    // The second join's right side has columns named like the first join's: the condition reads only them.
    const Limits = t.row({ sku: t.string(), qty: t.int(), min_qty: t.int() });
    const limits = source("limits", { topic: "limits.v1", schema: Limits, primaryKey: ["sku"] });
    const twice = joined.join(limits, { on: { sku: "sku" }, ttl: "1d", select: (j: any, l) => ({ sku: j.sku, qty: j.qty, lq: l.qty, lm: l.min_qty }) });
    expect(analyse(pipeline("p").write(upserts(twice.filter((r: any) => r.lq.lt(r.lm)))))).toEqual([]);
    // The first join on the right of the second: its sides compared, moved down the right.
    const right = limits.join(joined, { on: { sku: "sku" }, ttl: "1d", select: (l, j: any) => ({ sku: l.sku, qty: j.qty, min_qty: j.min_qty }) }).filter((r: any) => r.qty.lt(r.min_qty));
    expect(analyse(pipeline("p").write(upserts(right))).map((d) => [d.code, d.path, d.message.slice(0, d.message.indexOf(", and"))])).toEqual([
      ["STREAMT-E016", "limits/join/filter", "the condition of limits/join/filter compares the two sides of the regular join stock/aggregate/join (qty of stock/aggregate with min_qty of products)"],
    ]);
  });
});
