/**
 * Column lineage of the shapes test/lineage/column-lineage.test.ts leaves out, each trace exact: a join
 * on keys with different names, Top-N (a copied column and the rank; the window's time deciding rows), a
 * window join's own window bounds (their types over TIMESTAMP_LTZ too), a session without keys, a check's
 * unique rule (its OVER aggregate), a print sink, the topic list's order, a source column the upstream
 * pipeline's sink does not write; the terminal tree of a column made of two and of a join's columns; and
 * the SQL scripts found through a synth run's manifest.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { lineageOf, type ColumnTrace, type SinkLineage } from "../../packages/streamt-sdk/src/lineage/column-lineage.js";
import { lineageJson, lineageSchema, lineageText } from "../../packages/streamt-sdk/src/lineage/render.js";
import { sqlByPipeline } from "../../packages/streamt-sdk/src/lineage/sql-scripts.js";
import { PLAN_VERSION } from "../../packages/streamt-sdk/src/ir/plan.js";
import { MANIFEST_VERSION, type Manifest } from "../../packages/streamt-sdk/src/synth/manifest.js";

/** A trace as one line: how[detail] pipeline:step.column <- its inputs (several in parentheses). */
function show(tr: ColumnTrace): string {
  const head = `${tr.how}${tr.detail ? `[${tr.detail}]` : ""} ${tr.pipeline}:${tr.step}.${tr.column}`;
  if (tr.inputs.length === 0) return head;
  if (tr.inputs.length === 1) return `${head} <- ${show(tr.inputs[0]!)}`;
  return `${head} <- (${tr.inputs.map(show).join(" | ")})`;
}

function lineage(...ps: Pipeline[]) {
  const l = lineageOf({ version: PLAN_VERSION, pipelines: ps.map((p) => p.definition) });
  expect(lineageSchema.parse(l)).toEqual(l);
  return l;
}

/** A sink's columns (trace and origins) and row influences, one line each. */
function summary(s: SinkLineage): string[] {
  return [
    `sink ${s.pipeline}:${s.sink} -> ${s.topic}`,
    ...s.columns.map((c) => `${c.name} ${c.type}: ${show(c.trace)} ORIGINS ${c.origins.map((o) => `${o.pipeline}:${o.source}.${o.column} (${o.topic})`).join(", ")}`),
    ...s.rowInfluences.map((r) => `${r.role} at ${r.pipeline}:${r.step}: ${r.columns.map((c) => c.column).join(", ")}`),
  ];
}

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Customer = t.row({ id: t.string(), name: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const customers = source("customers", { topic: "customers.v1", schema: Customer }).eventTime("ts").watermark("5s");

describe("column lineage", () => {
  it("a join on keys of different names: each selected key is a join key naming the other side's; a print sink has no topic", () => {
    const l = lineage(pipeline("j", { stateTtl: "1d" }).write(orders.join(customers, { on: { customer_id: "id" }, type: "left", select: (o, c) => ({ customer_id: o.customer_id, id: c.id, name: c.name }) }).toPrint()));
    expect(l.sinks.map(summary)).toEqual([[
      "sink j:orders/join/print -> null",
      "customer_id STRING NOT NULL: written j:orders/join/print.customer_id <- join key[left.customer_id = right.id] j:orders/join.customer_id <- read[orders.v1] j:orders.customer_id ORIGINS j:orders.customer_id (orders.v1)",
      "id STRING: written j:orders/join/print.id <- join key[right.id = left.customer_id] j:orders/join.id <- read[customers.v1] j:customers.id ORIGINS j:customers.id (customers.v1)",
      "name STRING: written j:orders/join/print.name <- copied[from the right side] j:orders/join.name <- read[customers.v1] j:customers.name ORIGINS j:customers.name (customers.v1)",
      "source contract at j:orders: order_id, customer_id, amount, ts",
      "source contract at j:customers: id, ts",
      "join key at j:orders/join: customer_id, id",
    ]]);
    expect(l.pipelines[0]!.nodes.map((n) => [n.path, n.kind, n.topic])).toEqual([
      ["orders", "source", "orders.v1"],
      ["customers", "source", "customers.v1"],
      ["orders/join", "join", null],
      ["orders/join/print", "sink", null],
    ]);
  });

  it("Top-N: the other columns are copied, the rank is computed from the order columns", () => {
    const l = lineage(pipeline("n", { stateTtl: "1d" }).write(orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 2 }).toUpsertKafka("top", { key: ["customer_id", "row_num"] })));
    expect(l.sinks.map(summary)).toEqual([[
      "sink n:orders/top-n/top -> top",
      "order_id STRING NOT NULL: written n:orders/top-n/top.order_id <- copied n:orders/top-n.order_id <- read[orders.v1] n:orders.order_id ORIGINS n:orders.order_id (orders.v1)",
      "customer_id STRING NOT NULL: written n:orders/top-n/top.customer_id <- copied n:orders/top-n.customer_id <- read[orders.v1] n:orders.customer_id ORIGINS n:orders.customer_id (orders.v1)",
      "amount DECIMAL(10, 2) NOT NULL: written n:orders/top-n/top.amount <- copied n:orders/top-n.amount <- read[orders.v1] n:orders.amount ORIGINS n:orders.amount (orders.v1)",
      "ts TIMESTAMP(3) NOT NULL: written n:orders/top-n/top.ts <- copied n:orders/top-n.ts <- read[orders.v1] n:orders.ts ORIGINS n:orders.ts (orders.v1)",
      "row_num BIGINT NOT NULL: written n:orders/top-n/top.row_num <- rank[ROW_NUMBER() over (partition by customer_id order by amount desc) <= 2] n:orders/top-n.row_num <- read[orders.v1] n:orders.amount ORIGINS n:orders.amount (orders.v1)",
      "source contract at n:orders: order_id, customer_id, amount, ts",
      "partition at n:orders/top-n: customer_id",
      "order at n:orders/top-n: amount",
    ]]);
  });

  it("window Top-N: its window bounds come from the time column, which decides the rows too", () => {
    const l = lineage(pipeline("w").write(orders.tumble("1m").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 2 }).toKafka("wtop")));
    expect(summary(l.sinks[0]!).slice(5)).toEqual([
      "window_start TIMESTAMP(3) NOT NULL: written w:orders/tumble-top-n/wtop.window_start <- window bound[TUMBLE(ts, 1m)] w:orders/tumble-top-n.window_start <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
      "window_end TIMESTAMP(3) NOT NULL: written w:orders/tumble-top-n/wtop.window_end <- window bound[TUMBLE(ts, 1m)] w:orders/tumble-top-n.window_end <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
      "window_time TIMESTAMP(3) NOT NULL: written w:orders/tumble-top-n/wtop.window_time <- window bound[TUMBLE(ts, 1m)] w:orders/tumble-top-n.window_time <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
      "row_num BIGINT NOT NULL: written w:orders/tumble-top-n/wtop.row_num <- rank[ROW_NUMBER() over (partition by customer_id order by amount desc) <= 2] w:orders/tumble-top-n.row_num <- read[orders.v1] w:orders.amount ORIGINS w:orders.amount (orders.v1)",
      "source contract at w:orders: order_id, customer_id, amount, ts",
      "window time at w:orders/tumble-top-n: ts",
      "partition at w:orders/tumble-top-n: customer_id",
      "order at w:orders/tumble-top-n: amount",
    ]);
  });

  it("a window join: window bounds selected from each side are that side's window over its own time column", () => {
    const l = lineage(pipeline("wj").write(orders.tumble("1m").join(customers.tumble("1m"), { on: { customer_id: "id" }, select: (o, c) => ({ ws: o.window_start, we: c.window_end, name: c.name }) }).toKafka("wj")));
    expect(l.sinks.map(summary)).toEqual([[
      "sink wj:orders/tumble-join/wj -> wj",
      "ws TIMESTAMP(3) NOT NULL: written wj:orders/tumble-join/wj.ws <- renamed[from the left side] wj:orders/tumble-join.ws <- window bound[TUMBLE(ts, 1m) of the left side] wj:orders/tumble-join.window_start <- read[orders.v1] wj:orders.ts ORIGINS wj:orders.ts (orders.v1)",
      "we TIMESTAMP(3) NOT NULL: written wj:orders/tumble-join/wj.we <- renamed[from the right side] wj:orders/tumble-join.we <- window bound[TUMBLE(ts, 1m) of the right side] wj:orders/tumble-join.window_end <- read[customers.v1] wj:customers.ts ORIGINS wj:customers.ts (customers.v1)",
      "name STRING: written wj:orders/tumble-join/wj.name <- copied[from the right side] wj:orders/tumble-join.name <- read[customers.v1] wj:customers.name ORIGINS wj:customers.name (customers.v1)",
      "source contract at wj:orders: order_id, customer_id, amount, ts",
      "source contract at wj:customers: id, ts",
      "join key at wj:orders/tumble-join: customer_id, id",
      "window time at wj:orders/tumble-join: ts, ts",
    ]]);
  });

  it("session windows per key and cumulating windows: their bounds' text, the session partition deciding rows", () => {
    const l = lineage(pipeline("w").write(orders.session("5m").groupBy("customer_id").aggregate({ n: count() }).toKafka("s"), orders.cumulate("1m", "1h").aggregate({ total: sum("amount") }).toKafka("cu")));
    expect(l.sinks.map(summary)).toEqual([
      [
        "sink w:orders/session/s -> s",
        "window_start TIMESTAMP(3) NOT NULL: written w:orders/session/s.window_start <- window bound[SESSION(ts, gap 5m, partition by customer_id)] w:orders/session.window_start <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "window_end TIMESTAMP(3) NOT NULL: written w:orders/session/s.window_end <- window bound[SESSION(ts, gap 5m, partition by customer_id)] w:orders/session.window_end <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "customer_id STRING NOT NULL: written w:orders/session/s.customer_id <- group key w:orders/session.customer_id <- read[orders.v1] w:orders.customer_id ORIGINS w:orders.customer_id (orders.v1)",
        "window_time TIMESTAMP(3) NOT NULL: written w:orders/session/s.window_time <- window bound[SESSION(ts, gap 5m, partition by customer_id)] w:orders/session.window_time <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "n BIGINT NOT NULL: written w:orders/session/s.n <- aggregated[COUNT(*)] w:orders/session.n ORIGINS ",
        "source contract at w:orders: order_id, customer_id, amount, ts",
        "window time at w:orders/session: ts",
        "session partition at w:orders/session: customer_id",
        "group by at w:orders/session: customer_id",
      ],
      [
        "sink w:orders/cumulate/cu -> cu",
        "window_start TIMESTAMP(3) NOT NULL: written w:orders/cumulate/cu.window_start <- window bound[CUMULATE(ts, step 1m, max 1h)] w:orders/cumulate.window_start <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "window_end TIMESTAMP(3) NOT NULL: written w:orders/cumulate/cu.window_end <- window bound[CUMULATE(ts, step 1m, max 1h)] w:orders/cumulate.window_end <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "window_time TIMESTAMP(3) NOT NULL: written w:orders/cumulate/cu.window_time <- window bound[CUMULATE(ts, step 1m, max 1h)] w:orders/cumulate.window_time <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
        "total DECIMAL(38, 2) NOT NULL: written w:orders/cumulate/cu.total <- aggregated[SUM(amount)] w:orders/cumulate.total <- read[orders.v1] w:orders.amount ORIGINS w:orders.amount (orders.v1)",
        "source contract at w:orders: order_id, customer_id, amount, ts",
        "window time at w:orders/cumulate: ts",
      ],
    ]);
  });

  it("a session window over the whole stream (no keys): its bounds' text names no partition", () => {
    const l = lineage(pipeline("w").write(orders.session("5m").aggregate({ n: count() }).toKafka("s")));
    expect(summary(l.sinks[0]!).slice(1, 2)).toEqual([
      "window_start TIMESTAMP(3) NOT NULL: written w:orders/session/s.window_start <- window bound[SESSION(ts, gap 5m)] w:orders/session.window_start <- read[orders.v1] w:orders.ts ORIGINS w:orders.ts (orders.v1)",
    ]);
    expect(l.sinks[0]!.rowInfluences.map((r) => r.role)).toEqual(["source contract", "window time"]);
  });

  it("a window join over TIMESTAMP_LTZ times: each side's window_time has that type, its window_start and window_end stay TIMESTAMP(3)", () => {
    const Click = t.row({ user: t.string(), at: t.timestampLtz(3) });
    const View = t.row({ viewer: t.string(), seen: t.timestampLtz(3) });
    const clicks = source("clicks", { topic: "clicks.v1", schema: Click }).eventTime("at").watermark("1s");
    const views = source("views", { topic: "views.v1", schema: View }).eventTime("seen").watermark("1s");
    const joined = clicks.tumble("1m").join(views.tumble("1m"), { on: { user: "viewer" }, select: (c, v) => ({ user: c.user, ct: c.window_time, vt: v.window_time, vs: v.window_start }) });
    const l = lineage(pipeline("wj").write(joined.toKafka("wj")));
    // Each column's trace, with the type at every step: the sink, the join's output, that side's window bound, the time column read.
    const typed = (tr: ColumnTrace): string => `${tr.how} ${tr.step}.${tr.column} ${tr.type}${tr.inputs.length > 0 ? ` <- ${tr.inputs.map(typed).join(" | ")}` : ""}`;
    expect(l.sinks[0]!.columns.slice(1).map((c) => typed(c.trace))).toEqual([
      "written clicks/tumble-join/wj.ct TIMESTAMP_LTZ(3) NOT NULL <- renamed clicks/tumble-join.ct TIMESTAMP_LTZ(3) NOT NULL <- window bound clicks/tumble-join.window_time TIMESTAMP_LTZ(3) NOT NULL <- read clicks.at TIMESTAMP_LTZ(3) NOT NULL",
      "written clicks/tumble-join/wj.vt TIMESTAMP_LTZ(3) NOT NULL <- renamed clicks/tumble-join.vt TIMESTAMP_LTZ(3) NOT NULL <- window bound clicks/tumble-join.window_time TIMESTAMP_LTZ(3) NOT NULL <- read views.seen TIMESTAMP_LTZ(3) NOT NULL",
      "written clicks/tumble-join/wj.vs TIMESTAMP(3) NOT NULL <- renamed clicks/tumble-join.vs TIMESTAMP(3) NOT NULL <- window bound clicks/tumble-join.window_start TIMESTAMP(3) NOT NULL <- read views.seen TIMESTAMP_LTZ(3) NOT NULL",
    ]);
  });

  it("a check's unique rule: the failure records read its OVER aggregate, partitioned by the unique columns", () => {
    const checked = orders.check("once", { unique: { columns: ["order_id", "customer_id"], within: "1h" } });
    const l = lineage(pipeline("q").write(checked.toKafka("clean.v1"), checked.failures.toKafka("failures.v1")));
    const overs: string[] = [];
    const walk = (tr: ColumnTrace) => {
      if (tr.kind === "overAggregate") overs.push(`${tr.how} ${tr.column}: ${tr.detail}`);
      tr.inputs.forEach(walk);
    };
    walk(l.sinks.find((s) => s.topic === "failures.v1")!.columns.find((c) => c.name === "violation_type")!.trace);
    expect(overs).toEqual([
      "aggregated __streamt_unique_rows: COUNT(*) over (partition by order_id, customer_id order by ts rows 1 preceding)",
      "aggregated __streamt_unique_previous: MIN(ts) over (partition by order_id, customer_id order by ts rows 1 preceding)",
      // The rule's own read of the event time, passed through the OVER aggregate.
      "copied ts: null",
    ]);
  });

  it("topics are listed by name, whatever order the pipeline writes and reads them in", () => {
    // A pipeline's written topics are met before its read ones: here b.out before a.in.
    const l = lineage(pipeline("t").write(source("a", { topic: "a.in", schema: Order }).toKafka("b.out")));
    expect(l.topics).toEqual([
      { topic: "a.in", writers: [], readers: [{ pipeline: "t", source: "a" }] },
      { topic: "b.out", writers: [{ pipeline: "t", sink: "a/b.out" }], readers: [] },
    ]);
  });

  it("one source object shared by two pipelines (as a catalog package exports it): each pipeline's trace names that pipeline", () => {
    const totals = pipeline("totals").write(orders.groupBy("customer_id").aggregate({ n: count() }, { ttl: "1d" }).toUpsertKafka("totals.v1", { key: ["customer_id"] }));
    const copy = pipeline("a-copy").write(orders.select("order_id", "customer_id").toKafka("copy.v1"));
    const l = lineage(totals, copy);
    expect(summary(l.sinks.find((s) => s.pipeline === "totals")!)).toEqual([
      "sink totals:orders/aggregate/totals.v1 -> totals.v1",
      "customer_id STRING NOT NULL: written totals:orders/aggregate/totals.v1.customer_id <- group key totals:orders/aggregate.customer_id <- read[orders.v1] totals:orders.customer_id ORIGINS totals:orders.customer_id (orders.v1)",
      "n BIGINT NOT NULL: written totals:orders/aggregate/totals.v1.n <- aggregated[COUNT(*)] totals:orders/aggregate.n ORIGINS ",
      "source contract at totals:orders: order_id, customer_id, amount, ts",
      "group by at totals:orders/aggregate: customer_id",
    ]);
    expect(summary(l.sinks.find((s) => s.pipeline === "a-copy")!)[2]).toBe(
      "customer_id STRING NOT NULL: written a-copy:orders/select/copy.v1.customer_id <- copied a-copy:orders/select.customer_id <- read[orders.v1] a-copy:orders.customer_id ORIGINS a-copy:orders.customer_id (orders.v1)",
    );
  });

  it("a source column the upstream pipeline's sink does not write starts at that source (its origin)", () => {
    const Down = t.row({ id: t.string(), amount: t.decimal(10, 2), extra: t.string().nullable() });
    const up = pipeline("up").write(source("o", { topic: "orders.v1", schema: Order }).select((o) => ({ id: o.order_id, amount: o.amount })).toKafka("mid.v1"));
    const down = pipeline("down").write(source("mid", { topic: "mid.v1", schema: Down }).toKafka("end.v1"));
    const l = lineage(up, down);
    expect(summary(l.sinks.find((s) => s.pipeline === "down")!)).toEqual([
      "sink down:mid/end.v1 -> end.v1",
      "id STRING NOT NULL: written down:mid/end.v1.id <- read[mid.v1] down:mid.id <- written up:o/select/mid.v1.id <- renamed up:o/select.id <- read[orders.v1] up:o.order_id ORIGINS up:o.order_id (orders.v1)",
      "amount DECIMAL(10, 2) NOT NULL: written down:mid/end.v1.amount <- read[mid.v1] down:mid.amount <- written up:o/select/mid.v1.amount <- copied up:o/select.amount <- read[orders.v1] up:o.amount ORIGINS up:o.amount (orders.v1)",
      "extra STRING: written down:mid/end.v1.extra <- read[mid.v1] down:mid.extra ORIGINS down:mid.extra (mid.v1)",
      "source contract at down:mid: id, amount",
      "source contract at up:o: order_id, customer_id, amount, ts",
    ]);
  });
});

describe("the terminal view", () => {
  it("a column made of two: a branch per input, the last one closing the tree", () => {
    const def = pipeline("x").write(source("o", { topic: "orders.v1", schema: Order }).select((o) => ({ label: o.order_id.concat(o.customer_id) })).toKafka("labels.v1")).definition;
    const l = lineageOf({ version: PLAN_VERSION, pipelines: [{ ...def, site: null }] });
    expect(lineageText(l)).toBe(
      [
        "pipeline x",
        "  source o <- topic orders.v1",
        "  project o/select <- o",
        "  sink o/select/labels.v1 <- o/select -> topic labels.v1",
        "",
        "sink x: o/select/labels.v1 -> topic labels.v1",
        "  label STRING NOT NULL",
        "    └─ label computed as CONCAT(order_id, customer_id) at o/select",
        "       ├─ order_id read by o from topic orders.v1",
        "       └─ customer_id read by o from topic orders.v1",
        "  rows decided by",
        "    source contract at o: order_id, customer_id, amount, ts",
        "",
      ].join("\n"),
    );
  });

  it("a join's columns: copied and renamed columns say from which side, in parentheses", () => {
    const def = pipeline("j").write(orders.intervalJoin(customers, { on: { customer_id: "id" }, between: ["0s", "1h"], select: (o, c) => ({ order: o.order_id, name: c.name }) }).toKafka("named.v1")).definition;
    const text = lineageText(lineageOf({ version: PLAN_VERSION, pipelines: [{ ...def, site: null }] }));
    expect(text.split("\n").slice(6, 12)).toEqual([
      "sink j: orders/interval-join/named.v1 -> topic named.v1",
      "  order STRING NOT NULL",
      "    └─ order renamed (from the left side) at orders/interval-join",
      "       └─ order_id read by orders from topic orders.v1",
      "  name STRING",
      "    └─ name copied (from the right side) at orders/interval-join",
    ]);
  });

  it("two pipelines through a topic: the topic between them, the upstream steps named with their pipeline, the upstream row influences too", () => {
    const up = pipeline("up").write(source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").filter((o) => o.amount.gt(0)).select((o) => ({ id: o.order_id, cents: o.amount.mul(100), ts: o.ts })).toKafka("mid.v1"));
    const Mid = t.row({ id: t.string(), cents: t.decimal(21, 2), ts: t.timestamp(3) });
    const down = pipeline("down").write(source("mid", { topic: "mid.v1", schema: Mid }).eventTime("ts").watermark("5s").tumble("1m").groupBy("id").aggregate({ total: sum("cents") }).toKafka("out.v1"));
    const l = lineageOf({ version: PLAN_VERSION, pipelines: [{ ...up.definition, site: null }, { ...down.definition, site: null }] });
    expect(lineageText(l).split("\n")).toEqual(
      [
        "pipeline down",
        "  source mid <- topic mid.v1",
        "  windowAggregate mid/tumble <- mid",
        "  sink mid/tumble/out.v1 <- mid/tumble -> topic out.v1",
        "pipeline up",
        "  source orders <- topic orders.v1",
        "  filter orders/filter <- orders",
        "  project orders/filter/select <- orders/filter",
        "  sink orders/filter/select/mid.v1 <- orders/filter/select -> topic mid.v1",
        "",
        "topics between pipelines",
        "  mid.v1: written by up: orders/filter/select/mid.v1; read by down: mid",
        "",
        "sink down: mid/tumble/out.v1 -> topic out.v1",
        "  window_start TIMESTAMP(3) NOT NULL",
        "    └─ window_start window bound of TUMBLE(ts, 1m) at mid/tumble",
        "       └─ ts read by mid from topic mid.v1",
        "          └─ ts written by up: orders/filter/select/mid.v1",
        "             └─ ts copied at up: orders/filter/select",
        "                └─ ts copied at up: orders/filter",
        "                   └─ ts read by up: orders from topic orders.v1",
        "  window_end TIMESTAMP(3) NOT NULL",
        "    └─ window_end window bound of TUMBLE(ts, 1m) at mid/tumble",
        "       └─ ts read by mid from topic mid.v1",
        "          └─ ts written by up: orders/filter/select/mid.v1",
        "             └─ ts copied at up: orders/filter/select",
        "                └─ ts copied at up: orders/filter",
        "                   └─ ts read by up: orders from topic orders.v1",
        "  id STRING NOT NULL",
        "    └─ id group key at mid/tumble",
        "       └─ id read by mid from topic mid.v1",
        "          └─ id written by up: orders/filter/select/mid.v1",
        "             └─ id renamed at up: orders/filter/select",
        "                └─ order_id copied at up: orders/filter",
        "                   └─ order_id read by up: orders from topic orders.v1",
        "  window_time TIMESTAMP(3) NOT NULL",
        "    └─ window_time window bound of TUMBLE(ts, 1m) at mid/tumble",
        "       └─ ts read by mid from topic mid.v1",
        "          └─ ts written by up: orders/filter/select/mid.v1",
        "             └─ ts copied at up: orders/filter/select",
        "                └─ ts copied at up: orders/filter",
        "                   └─ ts read by up: orders from topic orders.v1",
        "  total DECIMAL(38, 2) NOT NULL",
        "    └─ total aggregated as SUM(cents) at mid/tumble",
        "       └─ cents read by mid from topic mid.v1",
        "          └─ cents written by up: orders/filter/select/mid.v1",
        "             └─ cents computed as (amount * 100) at up: orders/filter/select",
        "                └─ amount copied at up: orders/filter",
        "                   └─ amount read by up: orders from topic orders.v1",
        "  rows decided by",
        "    source contract at mid: id, cents, ts",
        "    source contract at up: orders: order_id, customer_id, amount, ts",
        "    filter at up: orders/filter: amount",
        "    window time at mid/tumble: ts",
        "    group by at mid/tumble: id",
        "",
        "sink up: orders/filter/select/mid.v1 -> topic mid.v1",
        "  id STRING NOT NULL",
        "    └─ id renamed at orders/filter/select",
        "       └─ order_id copied at orders/filter",
        "          └─ order_id read by orders from topic orders.v1",
        "  cents DECIMAL(21, 2) NOT NULL",
        "    └─ cents computed as (amount * 100) at orders/filter/select",
        "       └─ amount copied at orders/filter",
        "          └─ amount read by orders from topic orders.v1",
        "  ts TIMESTAMP(3) NOT NULL",
        "    └─ ts copied at orders/filter/select",
        "       └─ ts copied at orders/filter",
        "          └─ ts read by orders from topic orders.v1",
        "  rows decided by",
        "    source contract at orders: order_id, customer_id, amount, ts",
        "    filter at orders/filter: amount",
        "",
      ],
    );
    // lineage --json: the same document, checked against its schema.
    expect(lineageJson(l)).toBe(JSON.stringify(l, null, 2) + "\n");
  });
});

describe("the SQL scripts of a synth run", () => {
  const sha = "0".repeat(64);
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    sdkVersion: "1.2.3",
    flinkVersion: "2.2",
    pipelines: ["a", "b"].map((name) => ({ name, flinkVersion: "2.2", site: null, artifacts: [], sources: [], sinks: [], dependsOn: [], env: [] })),
    artifacts: [
      { id: "sql:a", type: "sql-script", pipeline: "a", flinkVersion: "2.2", files: [{ path: "scripts/a-job.sql", sha256: sha }], dependsOn: [], statements: [] },
      { id: "java:b", type: "java-project", pipeline: "b", flinkVersion: "2.2", files: [{ path: "b/pom.xml", sha256: sha }], dependsOn: [], mainClass: "io.streamt.generated.BJob", sqlSteps: [] },
    ],
    diagnostics: [],
  };

  it("each pipeline's script by the manifest's artifact (not by a file name); a pipeline with none is not in the map", () => {
    const files = [
      { path: "b.sql", content: "-- not b's script: no artifact names it" },
      { path: "scripts/a-job.sql", content: "SELECT 'a';" },
      { path: "b/pom.xml", content: "<project/>" },
      { path: "manifest.json", content: JSON.stringify(manifest) },
    ];
    expect([...sqlByPipeline(files)]).toEqual([["a", "SELECT 'a';"]]);
  });

  it("a manifest that does not parse names it as synth's manifest; none at all is an internal error", () => {
    expect(() => sqlByPipeline([{ path: "a.sql", content: "" }, { path: "manifest.json", content: "{" }])).toThrow(/^synth's manifest is not JSON: /);
    expect(() => sqlByPipeline([{ path: "a.sql", content: "" }])).toThrow("internal: a synth run without its manifest.json");
  });
});
