import { describe, expect, it } from "vitest";
import { arrayAgg, avg, count, countDistinct, firstValue, lastValue, listagg, max, min, pipeline, source, stddevPop, stddevSamp, sum, t, varPop, varSamp, type Pipeline } from "streamt-sdk";
import { lineageOf, type ColumnTrace, type SinkLineage } from "../../packages/streamt-sdk/src/lineage/column-lineage.js";
import { lineageSchema, lineageText } from "../../packages/streamt-sdk/src/lineage/render.js";
import { lineHere } from "../helpers.js";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), ts: t.timestamp(3) });
const Payment = t.row({ order_id: t.string(), paid: t.decimal(10, 2), pts: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string().nullable(), updated_at: t.timestamp(3) });

const orders = () => source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const payments = () => source("payments", { topic: "payments.v1", schema: Payment }).eventTime("pts").watermark("5s");

const planOf = (...ps: Pipeline[]): Plan => ({ version: PLAN_VERSION, pipelines: ps.map((p) => p.definition) });

/** A trace as one line: how[detail] pipeline:step.column <- its inputs (several in parentheses). */
function show(tr: ColumnTrace): string {
  const head = `${tr.how}${tr.detail ? `[${tr.detail}]` : ""} ${tr.pipeline}:${tr.step}.${tr.column}`;
  if (tr.inputs.length === 0) return head;
  if (tr.inputs.length === 1) return `${head} <- ${show(tr.inputs[0]!)}`;
  return `${head} <- (${tr.inputs.map(show).join(" | ")})`;
}

function sinkOf(...ps: Pipeline[]): SinkLineage {
  const lineage = lineageOf(planOf(...ps));
  expect(lineageSchema.parse(lineage)).toEqual(lineage);
  return lineage.sinks[0]!;
}

const traces = (s: SinkLineage): Record<string, string> => Object.fromEntries(s.columns.map((c) => [c.name, show(c.trace)]));
const origins = (s: SinkLineage, column: string): string[] => s.columns.find((c) => c.name === column)!.origins.map((o) => `${o.pipeline}:${o.source}.${o.column} (${o.topic})`);

describe("column lineage: select, withColumns, filter", () => {
  it("copied, renamed and computed columns; filter columns decide rows and flow into nothing", () => {
    const s = orders()
      .filter((o) => o.status.eq("paid"))
      .select((o) => ({ id: o.order_id, amount: o.amount, doubled: o.amount.mul(2), ts: o.ts }))
      .withColumns((o) => ({ label: o.id.upper() }))
      .toKafka("out.v1");
    const l = sinkOf(pipeline("p").write(s));
    expect(traces(l)).toEqual({
      id: "written p:orders/filter/select/with-columns/out.v1.id <- copied p:orders/filter/select/with-columns.id <- renamed p:orders/filter/select.id <- copied p:orders/filter.order_id <- read[orders.v1] p:orders.order_id",
      amount: "written p:orders/filter/select/with-columns/out.v1.amount <- copied p:orders/filter/select/with-columns.amount <- copied p:orders/filter/select.amount <- copied p:orders/filter.amount <- read[orders.v1] p:orders.amount",
      doubled: "written p:orders/filter/select/with-columns/out.v1.doubled <- copied p:orders/filter/select/with-columns.doubled <- computed[(amount * 2)] p:orders/filter/select.doubled <- copied p:orders/filter.amount <- read[orders.v1] p:orders.amount",
      ts: "written p:orders/filter/select/with-columns/out.v1.ts <- copied p:orders/filter/select/with-columns.ts <- copied p:orders/filter/select.ts <- copied p:orders/filter.ts <- read[orders.v1] p:orders.ts",
      label: "written p:orders/filter/select/with-columns/out.v1.label <- computed[UPPER(id)] p:orders/filter/select/with-columns.label <- renamed p:orders/filter/select.id <- copied p:orders/filter.order_id <- read[orders.v1] p:orders.order_id",
    });
    expect(origins(l, "doubled")).toEqual(["p:orders.amount (orders.v1)"]);
    // status flows into no column: it only decides which rows pass.
    expect(l.columns.flatMap((c) => c.origins.map((o) => o.column))).not.toContain("status");
    expect(l.rowInfluences.map((r) => `${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual([
      // The source contract: a record with a null in a NOT NULL column never reaches the steps.
      "source contract orders: order_id,customer_id,amount,ts",
      "filter orders/filter: status",
    ]);
    expect(l.rowInfluences[1]!.columns[0]!.origins).toEqual([{ pipeline: "p", source: "orders", topic: "orders.v1", column: "status" }]);
  });
});

describe("column lineage: aggregates", () => {
  it("every aggregate kind, count(*) with no input column, group keys", () => {
    const s = orders()
      .groupBy("customer_id")
      .aggregate((o) => ({
        n: count(), n_status: count("status"), n_distinct: countDistinct("order_id"), total: sum("amount"), mean: avg("amount"), low: min("amount"), high: max("amount"),
        first: firstValue("order_id"), last: lastValue("order_id"), sd: stddevPop("amount"), sds: stddevSamp("amount"), vp: varPop("amount"), vs: varSamp("amount"),
        ids: listagg("order_id", ";"), all: arrayAgg("amount"), weighted: sum(o.amount.mul(2)),
      }), { ttl: "1d" })
      .toUpsertKafka("totals.v1", { key: ["customer_id"] });
    const l = sinkOf(pipeline("agg").write(s));
    const agg = (c: string) => show(l.columns.find((x) => x.name === c)!.trace.inputs[0]!);
    expect(agg("customer_id")).toBe("group key agg:orders/aggregate.customer_id <- read[orders.v1] agg:orders.customer_id");
    expect(agg("n")).toBe("aggregated[COUNT(*)] agg:orders/aggregate.n");
    expect(origins(l, "n")).toEqual([]);
    expect(agg("n_status")).toBe("aggregated[COUNT(status)] agg:orders/aggregate.n_status <- read[orders.v1] agg:orders.status");
    expect(agg("n_distinct")).toBe("aggregated[COUNT(DISTINCT order_id)] agg:orders/aggregate.n_distinct <- read[orders.v1] agg:orders.order_id");
    const fns = ["total SUM", "mean AVG", "low MIN", "high MAX", "sd STDDEV_POP", "sds STDDEV_SAMP", "vp VAR_POP", "vs VAR_SAMP", "all ARRAY_AGG"];
    for (const pair of fns) {
      const [c, fn] = pair.split(" ");
      expect(agg(c!)).toBe(`aggregated[${fn}(amount)] agg:orders/aggregate.${c} <- read[orders.v1] agg:orders.amount`);
    }
    expect(agg("first")).toBe("aggregated[FIRST_VALUE(order_id)] agg:orders/aggregate.first <- read[orders.v1] agg:orders.order_id");
    expect(agg("last")).toBe("aggregated[LAST_VALUE(order_id)] agg:orders/aggregate.last <- read[orders.v1] agg:orders.order_id");
    expect(agg("ids")).toBe("aggregated[LISTAGG(order_id, ';')] agg:orders/aggregate.ids <- read[orders.v1] agg:orders.order_id");
    expect(agg("weighted")).toBe("aggregated[SUM((amount * 2))] agg:orders/aggregate.weighted <- read[orders.v1] agg:orders.amount");
    expect(l.rowInfluences.map((r) => `${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual([
      "source contract orders: order_id,customer_id,amount,ts",
      "group by orders/aggregate: customer_id",
    ]);
  });

  it("window start, end and time come from the window's time column", () => {
    const s = orders().hop("1h", "15m").groupBy("customer_id").aggregate({ total: sum("amount") }).toKafka("hourly.v1");
    const l = sinkOf(pipeline("w").write(s));
    expect(traces(l)).toEqual({
      window_start: "written w:orders/hop/hourly.v1.window_start <- window bound[HOP(ts, slide 15m, size 1h)] w:orders/hop.window_start <- read[orders.v1] w:orders.ts",
      window_end: "written w:orders/hop/hourly.v1.window_end <- window bound[HOP(ts, slide 15m, size 1h)] w:orders/hop.window_end <- read[orders.v1] w:orders.ts",
      customer_id: "written w:orders/hop/hourly.v1.customer_id <- group key w:orders/hop.customer_id <- read[orders.v1] w:orders.customer_id",
      window_time: "written w:orders/hop/hourly.v1.window_time <- window bound[HOP(ts, slide 15m, size 1h)] w:orders/hop.window_time <- read[orders.v1] w:orders.ts",
      total: "written w:orders/hop/hourly.v1.total <- aggregated[SUM(amount)] w:orders/hop.total <- read[orders.v1] w:orders.amount",
    });
    expect(l.rowInfluences.slice(1).map((r) => `${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual([
      "window time orders/hop: ts",
      "group by orders/hop: customer_id",
    ]);
  });
});

describe("column lineage: joins", () => {
  const influences = (l: SinkLineage) => l.rowInfluences.filter((r) => r.role !== "source contract").map((r) => `${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`);

  it("interval join: the key from the side the select names, both sides' keys and times decide rows", () => {
    const s = orders().intervalJoin(payments(), {
      on: { order_id: "order_id" },
      between: ["0s", "1h"],
      select: (o, p) => ({ order_id: o.order_id, paid_id: p.order_id, gap: p.paid.sub(o.amount), ts: o.ts, pts: p.pts }),
    }).toKafka("paid.v1");
    const l = sinkOf(pipeline("ij").write(s));
    const step = (c: string) => show(l.columns.find((x) => x.name === c)!.trace.inputs[0]!);
    expect(step("order_id")).toBe("join key[left.order_id = right.order_id] ij:orders/interval-join.order_id <- read[orders.v1] ij:orders.order_id");
    expect(step("paid_id")).toBe("join key[right.order_id = left.order_id] ij:orders/interval-join.paid_id <- read[payments.v1] ij:payments.order_id");
    expect(step("gap")).toBe("computed[(right.paid - left.amount)] ij:orders/interval-join.gap <- (read[payments.v1] ij:payments.paid | read[orders.v1] ij:orders.amount)");
    expect(step("ts")).toBe("copied[from the left side] ij:orders/interval-join.ts <- read[orders.v1] ij:orders.ts");
    // The right side's time attribute is materialised (a CAST to its own type): still a copy.
    expect(step("pts")).toBe("copied[from the right side] ij:orders/interval-join.pts <- read[payments.v1] ij:payments.pts");
    expect(influences(l)).toEqual(["join key orders/interval-join: order_id,order_id", "time bound orders/interval-join: ts,pts"]);
    expect(l.rowInfluences.find((r) => r.role === "join key")!.columns.map((c) => c.origins)).toEqual([
      [{ pipeline: "ij", source: "orders", topic: "orders.v1", column: "order_id" }],
      [{ pipeline: "ij", source: "payments", topic: "payments.v1", column: "order_id" }],
    ]);
  });

  it("regular join and temporal join", () => {
    const customers = () => source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("5s");
    const regular = orders().join(customers(), { on: { customer_id: "customer_id" }, type: "left", ttl: "1h", select: (o, c) => ({ order_id: o.order_id, cid: c.customer_id, name: c.name }) });
    const r = sinkOf(pipeline("rj").write(regular.toUpsertKafka("rj.v1", { key: ["order_id"] })));
    expect(traces(r).cid).toBe("written rj:orders/join/rj.v1.cid <- join key[right.customer_id = left.customer_id] rj:orders/join.cid <- read[customers.v1] rj:customers.customer_id");
    expect(traces(r).name).toBe("written rj:orders/join/rj.v1.name <- copied[from the right side] rj:orders/join.name <- read[customers.v1] rj:customers.name");
    expect(influences(r)).toEqual(["join key orders/join: customer_id,customer_id"]);

    const temporal = orders().temporalJoin(customers(), { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name.orElse("?"), ts: o.ts }) });
    const tj = sinkOf(pipeline("tj").write(temporal.toKafka("tj.v1")));
    expect(traces(tj).name).toBe("written tj:orders/temporal-join/tj.v1.name <- computed[COALESCE(right.name, '?')] tj:orders/temporal-join.name <- read[customers.v1] tj:customers.name");
    expect(influences(tj)).toEqual(["join key orders/temporal-join: customer_id,customer_id", "version time orders/temporal-join: ts,updated_at"]);
  });

  it("window join: window bounds from both sides' selects, window times decide rows", () => {
    const s = orders().tumble("1h").join(payments().tumble("1h"), {
      on: { order_id: "order_id" },
      select: (o, p) => ({ order_id: o.order_id, window_start: o.window_start, paid: p.paid }),
    }).toKafka("wj.v1");
    const l = sinkOf(pipeline("wj").write(s));
    expect(traces(l).window_start).toBe("written wj:orders/tumble-join/wj.v1.window_start <- copied[from the left side] wj:orders/tumble-join.window_start <- window bound[TUMBLE(ts, 1h) of the left side] wj:orders/tumble-join.window_start <- read[orders.v1] wj:orders.ts");
    expect(traces(l).paid).toBe("written wj:orders/tumble-join/wj.v1.paid <- copied[from the right side] wj:orders/tumble-join.paid <- read[payments.v1] wj:payments.paid");
    expect(influences(l)).toEqual(["join key orders/tumble-join: order_id,order_id", "window time orders/tumble-join: ts,pts"]);
  });
});

describe("column lineage: union, dedup, Top-N", () => {
  it("a union column merges one input per union input", () => {
    const web = source("web", { topic: "web.v1", schema: Order });
    const shop = source("shop", { topic: "shop.v1", schema: Order }).select((o) => ({ order_id: o.order_id, customer_id: o.customer_id, amount: o.amount.mul(100), status: o.status, ts: o.ts }));
    const l = sinkOf(pipeline("u").write(web.union(shop).toKafka("all.v1")));
    expect(traces(l).amount).toBe("written u:web/union/all.v1.amount <- merged u:web/union.amount <- (read[web.v1] u:web.amount | computed[(amount * 100)] u:shop/select.amount <- read[shop.v1] u:shop.amount)");
    expect(origins(l, "amount")).toEqual(["u:shop.amount (shop.v1)", "u:web.amount (web.v1)"]);
  });

  it("dedup copies columns; keys and order decide rows. Top-N's rank comes from its order columns", () => {
    const firsts = orders().deduplicate({ key: ["order_id"], keep: "last", ttl: "1h" });
    const d = sinkOf(pipeline("d").write(firsts.toUpsertKafka("d.v1", { key: ["order_id"] })));
    expect(traces(d).amount).toBe("written d:orders/deduplicate/d.v1.amount <- copied d:orders/deduplicate.amount <- read[orders.v1] d:orders.amount");
    expect(d.rowInfluences.slice(1).map((r) => `${r.role}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual(["dedup key: order_id", "dedup order: ts"]);

    const top = orders().topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, rankColumn: "rank", ttl: "1h" });
    const tn = sinkOf(pipeline("tn").write(top.toUpsertKafka("tn.v1", { key: ["customer_id", "rank"] })));
    expect(traces(tn).rank).toBe("written tn:orders/top-n/tn.v1.rank <- rank[ROW_NUMBER() over (partition by customer_id order by amount desc) <= 3] tn:orders/top-n.rank <- read[orders.v1] tn:orders.amount");
    expect(tn.rowInfluences.slice(1).map((r) => `${r.role}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual(["partition: customer_id", "order: amount"]);

    const windowed = orders().tumble("10m").topN({ partitionBy: [], orderBy: [{ column: "amount", direction: "asc" }], n: 1 });
    const wt = sinkOf(pipeline("wt").write(windowed.toKafka("wt.v1")));
    expect(traces(wt).window_end).toBe("written wt:orders/tumble-top-n/wt.v1.window_end <- window bound[TUMBLE(ts, 10m)] wt:orders/tumble-top-n.window_end <- read[orders.v1] wt:orders.ts");
  });
});

describe("column lineage: the source contract and topics between pipelines", () => {
  it("a processing-time column has no origin; only NOT NULL columns but the primary key are enforced", () => {
    const src = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).processingTime("pt");
    const l = sinkOf(pipeline("c").write(src.select((c) => ({ id: c.customer_id, pt: c.pt })).toUpsertKafka("c.v1", { key: ["id"] })));
    expect(traces(l).pt).toBe("written c:customers/select/c.v1.pt <- copied c:customers/select.pt <- processing time c:customers.pt");
    expect(origins(l, "pt")).toEqual([]);
    expect(l.rowInfluences.map((r) => `${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual(["source contract customers: updated_at"]);
  });

  it("follows a topic from its writer pipeline into the reader's columns and row influences", () => {
    const upstream = orders().filter((o) => o.status.eq("paid")).select((o) => ({ order_id: o.order_id, cents: o.amount.mul(100), ts: o.ts })).toKafka("paid.v1");
    const downstream = source("paid", { from: upstream }).select((p) => ({ id: p.order_id, cents: p.cents })).toKafka("paid-ids.v1");
    const lineage = lineageOf(planOf(pipeline("reader").write(downstream), pipeline("writer").write(upstream)));
    const reader = lineage.sinks.find((s) => s.pipeline === "reader")!;
    expect(traces(reader).cents).toBe(
      "written reader:paid/select/paid-ids.v1.cents <- copied reader:paid/select.cents <- read[paid.v1] reader:paid.cents <- written writer:orders/filter/select/paid.v1.cents <- computed[(amount * 100)] writer:orders/filter/select.cents <- copied writer:orders/filter.amount <- read[orders.v1] writer:orders.amount",
    );
    expect(origins(reader, "cents")).toEqual(["writer:orders.amount (orders.v1)"]);
    expect(reader.rowInfluences.map((r) => `${r.pipeline} ${r.role} ${r.step}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual([
      "reader source contract paid: order_id,cents,ts",
      "writer source contract orders: order_id,customer_id,amount,ts",
      "writer filter orders/filter: status",
    ]);
    expect(lineage.topics.find((x) => x.topic === "paid.v1")).toEqual({ topic: "paid.v1", writers: [{ pipeline: "writer", sink: "orders/filter/select/paid.v1" }], readers: [{ pipeline: "reader", source: "paid" }] });
    // Without the writer among the entries, the reader's source column is the origin.
    const alone = sinkOf(pipeline("reader").write(downstream));
    expect(origins(alone, "cents")).toEqual(["reader:paid.cents (paid.v1)"]);
  });

  it("a topic loop is cut where it would enter a sink it is already inside", () => {
    const Row = t.row({ id: t.string(), n: t.int() });
    const loop = source("retry", { topic: "retry.v1", schema: Row }).select((r) => ({ id: r.id, n: r.n.add(1) })).toKafka("retry.v1");
    const l = sinkOf(pipeline("loop", { acknowledge: { "STREAMT-W010": "a retry topic" } }).write(loop));
    expect(traces(l).n).toBe("written loop:retry/select/retry.v1.n <- computed[(n + 1)] loop:retry/select.n <- read[retry.v1] loop:retry.n");
    expect(origins(l, "n")).toEqual(["loop:retry.n (retry.v1)"]);
  });
});

describe("lineage text", () => {
  it("the graph, the topics between pipelines, and a tree per sink column", () => {
    const upstream = orders().tumble("1h").aggregate({ total: sum("amount") }).toKafka("hourly.v1");
    const downstream = source("hourly", { from: upstream }).filter((h) => h.total.gt(10)).select((h) => ({ total: h.total })).toPrint();
    const writerLine = lineHere() + 1;
    const writer = pipeline("writer").write(upstream);
    const readerLine = lineHere() + 1;
    const reader = pipeline("reader").write(downstream);
    const text = lineageText(lineageOf(planOf(writer, reader)));
    expect(text).toBe(`pipeline reader (test/lineage/column-lineage.test.ts:${readerLine})
  source hourly <- topic hourly.v1
  filter hourly/filter <- hourly
  project hourly/filter/select <- hourly/filter
  sink hourly/filter/select/print <- hourly/filter/select
pipeline writer (test/lineage/column-lineage.test.ts:${writerLine})
  source orders <- topic orders.v1
  windowAggregate orders/tumble <- orders
  sink orders/tumble/hourly.v1 <- orders/tumble -> topic hourly.v1

topics between pipelines
  hourly.v1: written by writer: orders/tumble/hourly.v1; read by reader: hourly

sink reader: hourly/filter/select/print
  total DECIMAL(38, 2) NOT NULL
    └─ total copied at hourly/filter/select
       └─ total copied at hourly/filter
          └─ total read by hourly from topic hourly.v1
             └─ total written by writer: orders/tumble/hourly.v1
                └─ total aggregated as SUM(amount) at writer: orders/tumble
                   └─ amount read by writer: orders from topic orders.v1
  rows decided by
    source contract at hourly: window_start, window_end, window_time, total
    source contract at writer: orders: order_id, customer_id, amount, ts
    window time at writer: orders/tumble: ts
    filter at hourly/filter: total

sink writer: orders/tumble/hourly.v1 -> topic hourly.v1
  window_start TIMESTAMP(3) NOT NULL
    └─ window_start window bound of TUMBLE(ts, 1h) at orders/tumble
       └─ ts read by orders from topic orders.v1
  window_end TIMESTAMP(3) NOT NULL
    └─ window_end window bound of TUMBLE(ts, 1h) at orders/tumble
       └─ ts read by orders from topic orders.v1
  window_time TIMESTAMP(3) NOT NULL
    └─ window_time window bound of TUMBLE(ts, 1h) at orders/tumble
       └─ ts read by orders from topic orders.v1
  total DECIMAL(38, 2) NOT NULL
    └─ total aggregated as SUM(amount) at orders/tumble
       └─ amount read by orders from topic orders.v1
  rows decided by
    source contract at orders: order_id, customer_id, amount, ts
    window time at orders/tumble: ts
`);
  });
});

describe("column lineage: checks, window dedup, sessions", () => {
  it("a check's rules decide rows; its failure records are computed from every column they show", () => {
    const checked = orders().check("quality", { accepted: { status: ["paid"] } });
    const lineage = lineageOf(planOf(pipeline("q").write(checked.toKafka("clean.v1"), checked.failures.toKafka("failures.v1"))));
    const clean = lineage.sinks[0]!;
    expect(clean.rowInfluences.map((r) => `${r.role}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual([
      "source contract: order_id,customer_id,amount,ts",
      "check: status",
    ]);
    const failures = lineage.sinks[1]!;
    expect(failures.columns.map((c) => `${c.name}: ${c.origins.map((o) => o.column).join(",")}`)).toEqual([
      "test_name: ", // a literal: the check's name
      "violation_type: status",
      "violation_details: status",
      "record: amount,customer_id,order_id,status,ts",
      "detected_at: ", // CURRENT_TIMESTAMP
    ]);
  });

  it("a window dedup's bounds come from its time column; a session's partition decides rows", () => {
    const firsts = orders().tumble("1m").deduplicate({ key: ["order_id"] });
    const d = sinkOf(pipeline("wd").write(firsts.toKafka("wd.v1")));
    expect(traces(d).window_start).toBe("written wd:orders/tumble-deduplicate/wd.v1.window_start <- window bound[TUMBLE(ts, 1m)] wd:orders/tumble-deduplicate.window_start <- read[orders.v1] wd:orders.ts");
    expect(d.rowInfluences.slice(1).map((r) => `${r.role}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual(["window time: ts", "dedup key: order_id", "dedup order: ts"]);

    const sessions = orders().session("30m").groupBy("customer_id").aggregate({ n: count() });
    const s = sinkOf(pipeline("s").write(sessions.toKafka("s.v1")));
    expect(s.rowInfluences.slice(1).map((r) => `${r.role}: ${r.columns.map((c) => c.column).join(",")}`)).toEqual(["window time: ts", "session partition: customer_id", "group by: customer_id"]);
  });
});
