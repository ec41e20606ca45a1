/**
 * The IR's own rules, with exact values: result types, the changelog and key a join's output has, union
 * and OVER aggregate outputs, the job-wide state TTL's choice, name clashes' hints, plan.json's key order,
 * and the refusals of node constructors no DSL call reaches with a bad value.
 */
import { describe, expect, it } from "vitest";
import { count, isStreamtError, pipeline, source, t } from "streamt-sdk";
import { arithmeticResultType, commonType, numericLiteralType, type DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { resolveAggregate } from "../../packages/streamt-sdk/src/ir/aggregate-call.js";
import { checkOutputNames, joinColumns } from "../../packages/streamt-sdk/src/ir/nodes/join-common.js";
import { overAggregateNode } from "../../packages/streamt-sdk/src/ir/nodes/over-aggregate-node.js";
import { windowAggregateNode } from "../../packages/streamt-sdk/src/ir/nodes/window-aggregate-node.js";
import { jobStateTtl } from "../../packages/streamt-sdk/src/ir/job-state-ttl.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { planToJson } from "../../packages/streamt-sdk/src/ir/plan-json.js";
import { buildPlan } from "../../packages/streamt-sdk/src/synth/build-plan.js";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import { lineHere } from "../helpers.js";

const FILE = "test/ir/ir-exact.test.ts";
const ty = (kind: string, nullable = false, extra: Record<string, number> = {}): DataType => ({ kind, ...extra, nullable }) as DataType;
const node = (s: unknown): PlanNode => (s as { node: PlanNode }).node;

function errorOf(build: () => unknown): { code: string; message: string; hint: string | null; path: string | null; site: unknown } {
  try {
    build();
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint, path: e.path, site: e.site };
  }
  throw new Error("expected a StreamtError");
}

describe("result types", () => {
  it("arithmetic with FLOAT stays FLOAT unless the other side is DOUBLE or DECIMAL", () => {
    expect(arithmeticResultType("+", ty("FLOAT"), ty("INT"))).toEqual(ty("FLOAT"));
    expect(arithmeticResultType("*", ty("INT"), ty("FLOAT", true))).toEqual(ty("FLOAT", true));
    expect(arithmeticResultType("-", ty("FLOAT"), ty("FLOAT"))).toEqual(ty("FLOAT"));
    expect(arithmeticResultType("+", ty("FLOAT"), ty("DOUBLE"))).toEqual(ty("DOUBLE"));
    expect(arithmeticResultType("+", ty("BIGINT"), ty("DOUBLE"))).toEqual(ty("DOUBLE"));
    expect(arithmeticResultType("/", ty("FLOAT"), ty("DECIMAL", false, { precision: 10, scale: 2 }))).toEqual(ty("DOUBLE"));
    expect(arithmeticResultType("/", ty("DECIMAL", false, { precision: 10, scale: 2 }), ty("FLOAT"))).toEqual(ty("DOUBLE"));
  });

  it("the common type of two columns (union, coalesce)", () => {
    expect(commonType(ty("DOUBLE"), ty("INT"))).toEqual(ty("DOUBLE"));
    expect(commonType(ty("INT", true), ty("DOUBLE"))).toEqual(ty("DOUBLE", true));
    expect(commonType(ty("FLOAT"), ty("BIGINT"))).toEqual(ty("DOUBLE"));
    expect(commonType(ty("DOUBLE"), ty("DECIMAL", false, { precision: 10, scale: 2 }))).toEqual(ty("DOUBLE"));
    expect(commonType(ty("DECIMAL", true, { precision: 10, scale: 2 }), ty("DOUBLE"))).toEqual(ty("DOUBLE", true));
    expect(commonType(ty("FLOAT"), ty("DECIMAL", false, { precision: 10, scale: 2 }))).toEqual(ty("DOUBLE"));
    expect(commonType(ty("INT"), ty("BIGINT"))).toEqual(ty("BIGINT"));
    expect(commonType(ty("TIMESTAMP", false, { precision: 3 }), ty("TIMESTAMP", true, { precision: 6 }))).toEqual(ty("TIMESTAMP", true, { precision: 6 }));
    expect(commonType(ty("TIMESTAMP_LTZ", false, { precision: 9 }), ty("TIMESTAMP_LTZ", false, { precision: 3 }))).toEqual(ty("TIMESTAMP_LTZ", false, { precision: 9 }));
    expect(commonType(ty("TIMESTAMP", false, { precision: 3 }), ty("TIMESTAMP_LTZ", false, { precision: 3 }))).toBeUndefined();
    expect(commonType(ty("STRING"), ty("INT"))).toBeUndefined();
  });

  it("numeric literals", () => {
    expect(numericLiteralType("-2147483648")).toEqual(ty("INT"));
    expect(numericLiteralType("2147483648")).toEqual(ty("BIGINT"));
    expect(numericLiteralType("-0.125")).toEqual(ty("DECIMAL", false, { precision: 3, scale: 3 }));
    expect(numericLiteralType("100.5")).toEqual(ty("DECIMAL", false, { precision: 4, scale: 1 }));
  });
});

describe("node constructors' refusals", () => {
  const origin = { path: "orders/x", site: null };
  const Order = t.row({ id: t.string(), amount: t.int(), at: t.timestamp(3) });
  const timed = source("orders", { topic: "orders", schema: Order }).eventTime("at").watermark("5s");

  it("an aggregate other than COUNT with no column", () => {
    for (const fn of ["SUM", "MAX"] as const) {
      expect(errorOf(() => resolveAggregate({ name: "x", fn, arg: null }, node(timed).schema, origin))).toEqual({
        code: "STREAMT-B006", message: `${fn} needs a column`, hint: `write e.g. ${fn.toLowerCase()}("amount")`, path: "orders/x", site: null,
      });
    }
    expect(resolveAggregate({ name: "n", fn: "COUNT", arg: null }, node(timed).schema, origin)).toEqual({ name: "n", fn: "COUNT", args: [], type: ty("BIGINT") });
  });

  it("an OVER aggregate's preceding rows are a whole number; its state is unbounded", () => {
    for (const precedingRows of [-1, 1.5]) {
      expect(errorOf(() => overAggregateNode(origin, node(timed), { partitionBy: ["id"], precedingRows, aggregates: [] }))).toEqual({
        code: "STREAMT-B006", message: `precedingRows must be a whole number of rows, got ${precedingRows}`, hint: "e.g. 1", path: "orders/x", site: null,
      });
    }
    const over = overAggregateNode(origin, node(timed), { partitionBy: ["id"], precedingRows: 0, aggregates: [] });
    expect({ orderBy: over.orderBy, state: over.state, changelog: over.changelog }).toEqual({ orderBy: "at", state: { kind: "unbounded" }, changelog: { mode: "append" } });
  });

  it("an OVER aggregate reads its input's own columns", () => {
    const elsewhere = { kind: "column", name: "customer", input: 0, type: ty("STRING") } as const;
    expect(errorOf(() => overAggregateNode(origin, node(timed), { partitionBy: ["id"], precedingRows: 1, aggregates: [{ name: "c", fn: "MAX", args: [elsewhere], type: ty("STRING", true) }] }))).toEqual({
      code: "STREAMT-B001",
      message: "'customer' is not a column of orders: an expression reading it was built from another stream's row",
      hint: "build each expression from the row this step's callback is given",
      path: "orders/x",
      site: null,
    });
  });

  it("the versioned side of a temporal join without event time", () => {
    const rates = source("rates", { topic: "rates", schema: t.row({ id: t.string(), rate: t.int() }), primaryKey: ["id"] });
    const line = lineHere() + 1;
    expect(errorOf(() => timed.temporalJoin(rates as any, { on: { id: "id" }, select: (o: any, r: any) => ({ id: o.id, rate: r.rate }) } as any))).toEqual({
      code: "STREAMT-B006",
      message: "the versioned side of a temporal join needs event time, and rates has none",
      hint: "declare .eventTime(column).watermark(delay) on the versioned source",
      path: "orders/temporal-join",
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });

  it("a session window's partition columns are columns of its input", () => {
    // The DSL partitions a session by its group-by keys, refused first as group-by columns: this is the constructor's own guard.
    const session = { kind: "session" as const, timeColumn: "at", gapMs: 60_000, partitionBy: ["nope"] };
    expect(errorOf(() => windowAggregateNode(origin, node(timed), session, [], [{ name: "n", fn: "COUNT", arg: null }]))).toEqual({
      code: "STREAMT-B001", message: "unknown session partition column 'nope'", hint: "available columns: id, amount, at", path: "orders/x", site: null,
    });
  });

  it("interval-join bounds may be equal, not reversed", () => {
    const join = (between: [string, string]) => timed.intervalJoin(timed as any, { on: { id: "id" }, between, select: (l: any) => ({ id: l.id }) } as any);
    expect(node(join(["1m", "1m"])).kind).toBe("intervalJoin");
    expect(errorOf(() => join(["1m", "0s"])).message).toBe("interval join bounds are reversed: from 60000 ms is after to 0 ms");
  });
});

describe("a regular join's output: nullable sides and its unique key", () => {
  // Two changelog sources: each is updating with its primary key as unique key.
  const accounts = source("accounts", { topic: "accounts", schema: t.row({ account_id: t.string(), owner: t.string() }), primaryKey: ["account_id"] });
  const cards = source("cards", { topic: "cards", schema: t.row({ card_id: t.string(), account_ref: t.string(), owner_ref: t.string() }), primaryKey: ["card_id"] });
  const joinLine = lineHere() + 2;
  const join = (type: "inner" | "left" | "right" | "full", on: Record<string, string>, select: (a: any, c: any) => object) =>
    node(accounts.join(cards as any, { on, type, select } as any));
  const both = (a: any, c: any) => ({ account_id: a.account_id, card_id: c.card_id });

  it("an inner join on the accounts' key: each card meets one account, so the card's key is the result's", () => {
    expect(join("inner", { account_id: "account_ref" }, both).changelog).toEqual({ mode: "updating", key: ["card_id"] });
    // The card's key not selected: no key.
    expect(join("inner", { account_id: "account_ref" }, (a: any) => ({ account_id: a.account_id })).changelog).toEqual({ mode: "updating", key: null });
  });

  it("a right join on the accounts' key keeps the card's key; a left join does not (unmatched accounts have none)", () => {
    expect(join("right", { account_id: "account_ref" }, both).changelog).toEqual({ mode: "updating", key: ["card_id"] });
    expect(join("left", { account_id: "account_ref" }, both).changelog).toEqual({ mode: "updating", key: null });
  });

  it("a left join where neither side is unique on its join keys has no key", () => {
    expect(join("left", { owner: "owner_ref" }, both).changelog).toEqual({ mode: "updating", key: null });
    expect(join("inner", { owner: "owner_ref" }, both).changelog).toEqual({ mode: "updating", key: null });
  });

  it("the nullable sides: a full join makes both nullable, a left join the right, a right join the left", () => {
    const nullability = (type: "inner" | "left" | "right" | "full") => join(type, { account_id: "account_ref" }, both).schema.map((c) => [c.name, c.type.nullable]);
    expect(nullability("full")).toEqual([["account_id", true], ["card_id", true]]);
    expect(nullability("left")).toEqual([["account_id", false], ["card_id", true]]);
    expect(nullability("right")).toEqual([["account_id", true], ["card_id", false]]);
    expect(nullability("inner")).toEqual([["account_id", false], ["card_id", false]]);
  });

  it("joinColumns: the outer side's columns become nullable, whatever the select built", () => {
    const ref = (name: string, input: 0 | 1) => ({ kind: "column" as const, name, input, type: ty("STRING") });
    const columns = [{ name: "l", expr: ref("l", 0) }, { name: "r", expr: ref("r", 1) }];
    const nullable = (type: "inner" | "left" | "right" | "full") => joinColumns(columns, null, type).schema.map((c) => c.type.nullable);
    expect(nullable("full")).toEqual([true, true]);
    expect(nullable("left")).toEqual([false, true]);
    expect(nullable("right")).toEqual([true, false]);
    expect(nullable("inner")).toEqual([false, false]);
    expect(joinColumns(columns, null, "full").columns).toEqual([{ name: "l", expr: { ...ref("l", 0), type: ty("STRING", true) } }, { name: "r", expr: { ...ref("r", 1), type: ty("STRING", true) } }]);
  });

  it("a join's output names each column once", () => {
    const ref = (name: string, input: 0 | 1) => ({ kind: "column" as const, name, input, type: ty("STRING") });
    expect(errorOf(() => checkOutputNames({ path: "a/join", site: null }, [{ name: "id", expr: ref("id", 0) }, { name: "id", expr: ref("id", 1) }]))).toEqual({
      code: "STREAMT-B008", message: "column 'id' appears twice in the output", hint: "give each output column a distinct name", path: "a/join", site: null,
    });
  });

  it("a join's select() must return columns", () => {
    // The site is the user's join() call, inside the helper above.
    expect(errorOf(() => join("inner", { account_id: "account_ref" }, () => ({})))).toEqual({
      code: "STREAMT-B006", message: "a join's select() returned no columns", hint: "return an object of columns, e.g. (o, p) => ({ order_id: o.order_id })", path: "accounts/join", site: { file: FILE, line: joinLine, column: expect.any(Number) },
    });
  });
});

describe("union output", () => {
  it("is updating when an input is, with no key", () => {
    const Row = t.row({ id: t.string(), n: t.int() });
    const append = source("a", { topic: "a", schema: Row });
    const updating = source("u", { topic: "u", schema: Row, primaryKey: ["id"] });
    expect(node(append.union(updating as any)).changelog).toEqual({ mode: "updating", key: null });
    expect(node(updating.union(append as any)).changelog).toEqual({ mode: "updating", key: null });
    expect(node(append.union(append.filter((r) => r.n.gt(1)))).changelog).toEqual({ mode: "append" });
  });
});

describe("time attributes in the plan the DSL builds", () => {
  const Ev = t.row({ k: t.string(), ts: t.timestamp(3) });
  const Pay = t.row({ k: t.string(), paid_at: t.timestampLtz(3) });
  const events = source("l", { topic: "l", schema: Ev }).eventTime("ts").watermark("1s");
  const payments = source("r", { topic: "r", schema: Pay }).eventTime("paid_at").watermark("1s");

  it("lateRecords(): the event-time column in its condition is the rowtime attribute (plan.json records it)", () => {
    const paidAt = { kind: "column", name: "paid_at", input: 0, type: ty("TIMESTAMP_LTZ", false, { precision: 3 }), time: "rowtime" };
    const watermark = { kind: "call", op: "FUNCTION", args: [{ kind: "literal", value: "CURRENT_WATERMARK", type: ty("STRING") }, paidAt], type: ty("TIMESTAMP_LTZ", true, { precision: 3 }) };
    expect((node(payments.lateRecords()) as unknown as { predicate: unknown }).predicate).toEqual({ kind: "call", op: "<=", args: [paidAt, watermark], type: ty("BOOLEAN", true) });
  });

  it("a window join: each side's window_time has the type of that side's event time", () => {
    const joined = events.tumble("10s").join(payments.tumble("10s"), { on: { k: "k" }, select: (l, r) => ({ lwt: l.window_time, rwt: r.window_time }) });
    expect(node(joined).schema).toEqual([
      { name: "lwt", type: ty("TIMESTAMP", false, { precision: 3 }) },
      { name: "rwt", type: ty("TIMESTAMP_LTZ", false, { precision: 3 }) },
    ]);
  });
});

describe("what a keyed step keeps and emits", () => {
  const Click = t.row({ user: t.string(), page: t.string(), at: t.timestamp(3) });
  const clicks = () => source("clicks", { topic: "clicks", schema: Click });

  it("a group-by's state is unbounded without a ttl, bounded by it with one, as plan.json writes it", () => {
    const stateInPlanJson = (s: unknown) => {
      const { plan } = buildPlan([{ pipeline: pipeline("p").write((s as { toPrint(): never }).toPrint()), file: FILE, exportName: "p" }]);
      return JSON.parse(planToJson(plan)).pipelines[0].nodes.find((n: { kind: string }) => n.kind === "aggregate").state;
    };
    expect(stateInPlanJson(clicks().groupBy("user").aggregate({ n: count() }))).toEqual({ kind: "unbounded" });
    expect(stateInPlanJson(clicks().groupBy("user").aggregate({ n: count() }, { ttl: "1h" }))).toEqual({ kind: "ttl", ms: 3_600_000 });
    expect(node(clicks().distinct()).state).toEqual({ kind: "unbounded" });
  });

  it("deduplicate: keep-first on processing time is append-only; on event time, or keeping the last, it updates by its key", () => {
    const onProctime = clicks().processingTime("pt");
    const onRowtime = clicks().eventTime("at").watermark("1s");
    expect(node(onProctime.deduplicate({ key: ["user"], ttl: "1h" })).changelog).toEqual({ mode: "append" });
    expect(node(onProctime.deduplicate({ key: ["user"], keep: "last", ttl: "1h" })).changelog).toEqual({ mode: "updating", key: ["user"] });
    expect(node(onRowtime.deduplicate({ key: ["user"], ttl: "1h" })).changelog).toEqual({ mode: "updating", key: ["user"] });
    expect(node(onRowtime.processingTime("pt").deduplicate({ key: ["user", "page"], ttl: "1h" })).changelog).toEqual({ mode: "updating", key: ["user", "page"] });
  });
});

describe("job plans", () => {
  const Order = t.row({ order_id: t.string(), customer_id: t.string() });
  const orders = () => source("orders", { topic: "orders", schema: Order }).processingTime("pt");

  it("the job-wide state TTL: the longest step ttl, the first such step on a tie", () => {
    const o = orders();
    const first = o.deduplicate({ key: ["order_id"], ttl: "1h" }).as("first");
    const second = o.deduplicate({ key: ["customer_id"], ttl: "1h" }).as("second");
    const shorter = o.deduplicate({ key: ["customer_id"], ttl: "10m" }).as("shorter");
    const ttl = jobStateTtl(pipeline("p").write(first.toPrint({ name: "a" }), second.toPrint({ name: "b" }), shorter.toPrint({ name: "c" })).definition)!;
    expect({ ms: ttl.ms, setBy: ttl.setBy.kind === "step" ? ttl.setBy.node.path : "pipeline", overridden: ttl.overridden.map((s) => [s.node.path, s.askedMs]) }).toEqual({
      ms: 3_600_000, setBy: "orders/first", overridden: [["orders/shorter", 600_000]],
    });
  });

  it("two sinks with one name, two sources with one name: each clash's hint says what to rename", () => {
    const o = orders();
    const line = lineHere() + 1;
    const twoSinks = pipeline("p").write(o.toPrint({ name: "out" }), o.filter((r) => r.order_id.eq("x")).toPrint({ name: "out" }));
    expect(errorOf(() => lowerPipeline(twoSinks.definition, { flinkVersion: "2.2" }))).toEqual({
      code: "STREAMT-B008",
      message: "steps orders/out and orders/filter/out of pipeline 'p' both become the name out",
      hint: "give one sink another name: toKafka(topic, { name: '...' })",
      path: "orders/filter/out",
      site: { file: FILE, line, column: expect.any(Number) },
    });
    const other = source("orders", { topic: "orders.other", schema: Order });
    const twoSources = pipeline("q").write(o.toPrint({ name: "a" }), other.toPrint({ name: "b" }));
    expect(errorOf(() => lowerPipeline(twoSources.definition, { flinkVersion: "2.2" })).hint).toBe("two different sources share a name: rename one");
  });
});

describe("plan.json key order", () => {
  it("an object built with its keys out of order is written sorted", () => {
    const clicks = source("clicks", { topic: "clicks", schema: t.row({ user: t.string() }) });
    const { plan } = buildPlan([{ pipeline: pipeline("copy").write(clicks.toPrint()), file: FILE, exportName: "p" }]);
    const parsed = JSON.parse(planToJson(plan));
    const json = parsed.pipelines[0].nodes[0].kafka.json;
    // Built as { timestampFormat, ignoreParseErrors }.
    expect(Object.keys(json)).toEqual(["ignoreParseErrors", "timestampFormat"]);
    expect(Object.keys(parsed.pipelines[0].nodes[0].kafka)).toEqual([...Object.keys(parsed.pipelines[0].nodes[0].kafka)].sort());
  });
});
