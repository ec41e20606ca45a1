/**
 * Random pipelines built through the DSL, as a plain-JavaScript user could write them: a recipe (plain
 * data, printed when a case fails) and the builder that turns it into a pipeline. Used to check that every
 * script synth accepts, Flink's planner accepts too.
 */
import fc from "fast-check";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { buildPlan } from "../../packages/streamt-sdk/src/synth/build-plan.js";
import { avg, coalesce, count, countDistinct, currentTimestamp, firstValue, lastValue, lit, max, min, pipeline, source, sum, t, when, type Pipeline } from "streamt-sdk";

const Order = t.row({
  id: t.string(),
  k: t.string(),
  n: t.int(),
  amount: t.decimal(10, 2),
  price: t.double(),
  flag: t.boolean(),
  note: t.string().nullable(),
  ts: t.timestamp(3),
});
const Payment = t.row({ order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });

type Leaf =
  | { cmp: "gt" | "ge" | "lt" | "le" | "eq" | "ne"; col: "n" | "amount" | "price"; value: number }
  | { between: "n" | "amount" | "price"; lo: number; hi: number }
  | { inList: "n"; values: number[]; negate: boolean }
  | { inStrings: "k"; values: string[]; negate: boolean }
  | { str: "eq" | "like" | "upperEq" | "lengthGt" | "substringEq"; value: string }
  | { nullCheck: "isNull" | "isNotNull" }
  | { flag: boolean }
  | { hourBefore: number };
type Pred = { leaf: Leaf } | { and: [Pred, Pred] } | { or: [Pred, Pred] } | { not: Pred };

const COMPUTED = [
  "n+1", "amount*2", "price/3", "n%7", "abs(amount)", "round(price)", "-n", "cast(amount,double)", "upper(k)", "k||-||id",
  "trim(k)", "note?:none", "coalesce(note,k)", "case n>5", "floor(ts,hour)", "format(ts)", "date(ts)", "json(k)", "lit(1)", "now()",
  "lower(k)", "length(k)", "extract(ts,day)", "ceil(ts,day)", "substring(k)", "ts",
] as const;
type Computed = (typeof COMPUTED)[number];

type Pre = { filter: Pred } | { withColumn: Computed } | { selectKeep: boolean };
type Agg = "count" | "countK" | "distinctK" | "sumAmount" | "avgPrice" | "minN" | "maxAmount" | "firstK" | "lastK";
type Shape =
  | { append: "kafka" | "print" | "blackhole" }
  | { window: "tumble" | "hop" | "cumulate" | "session"; keyed: boolean; aggs: Agg[] }
  | { windowDedup: "first" | "last" }
  | { windowTopN: number }
  | { groupAgg: Agg[]; ttl: "1h" | "1d" }
  | { dedup: "first" | "last"; ttl: "1h" }
  | { topN: number; ttl: "1d" }
  | { distinct: true }
  | { intervalJoin: "inner" | "left"; lo: "0s" | "-5m"; hi: "1h" | "0s" }
  | { join: "inner" | "left" | "right" | "full" };

export interface Recipe {
  readonly flink: string;
  readonly watermark: "0s" | "500ms" | "5s" | "monotonous";
  readonly idle: boolean;
  readonly pre: readonly Pre[];
  readonly shape: Shape;
}

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({ cmp: fc.constantFrom("gt", "ge", "lt", "le", "eq", "ne"), col: fc.constantFrom("n", "amount", "price"), value: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constant(12.5)) }),
  fc.record({ between: fc.constantFrom("n", "amount", "price"), lo: fc.integer({ min: 0, max: 10 }), hi: fc.integer({ min: 10, max: 500 }) }),
  fc.record({ inList: fc.constant("n"), values: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }), negate: fc.boolean() }),
  fc.record({ inStrings: fc.constant("k"), values: fc.array(fc.constantFrom("a", "b'c", "it''s", "-- x", "é"), { minLength: 1, maxLength: 3 }), negate: fc.boolean() }),
  fc.record({ str: fc.constantFrom("eq", "like", "upperEq", "lengthGt", "substringEq"), value: fc.constantFrom("a", "a%", "x'y", "\\n", "`") }),
  fc.record({ nullCheck: fc.constantFrom("isNull", "isNotNull") }),
  fc.record({ flag: fc.boolean() }),
  fc.record({ hourBefore: fc.integer({ min: 0, max: 23 }) }),
);
const pred: fc.Arbitrary<Pred> = fc.letrec<{ pred: Pred }>((tie) => ({
  pred: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ leaf }),
    fc.record({ and: fc.tuple(tie("pred"), tie("pred")) }),
    fc.record({ or: fc.tuple(tie("pred"), tie("pred")) }),
    fc.record({ not: tie("pred") }),
  ),
})).pred;

const aggs = fc.uniqueArray(fc.constantFrom<Agg>("count", "countK", "distinctK", "sumAmount", "avgPrice", "minN", "maxAmount", "firstK", "lastK"), { minLength: 1, maxLength: 3 });

export const recipe = (flink: string): fc.Arbitrary<Recipe> =>
  fc.record({
    flink: fc.constant(flink),
    watermark: fc.constantFrom("0s", "500ms", "5s", "monotonous"),
    idle: fc.boolean(),
    pre: fc.array(fc.oneof(fc.record({ filter: pred }), fc.record({ withColumn: fc.constantFrom(...COMPUTED) }), fc.record({ selectKeep: fc.boolean() })), { maxLength: 3 }),
    shape: fc.oneof(
      fc.record({ append: fc.constantFrom("kafka", "print", "blackhole") }),
      fc.record({ window: fc.constantFrom("tumble", "hop", "cumulate", "session"), keyed: fc.boolean(), aggs }),
      fc.record({ windowDedup: fc.constantFrom("first", "last") }),
      fc.record({ windowTopN: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ groupAgg: aggs, ttl: fc.constantFrom("1h", "1d") }),
      fc.record({ dedup: fc.constantFrom("first", "last"), ttl: fc.constant("1h") }),
      fc.record({ topN: fc.integer({ min: 1, max: 3 }), ttl: fc.constant("1d") }),
      fc.record({ distinct: fc.constant(true) }),
      fc.record({ intervalJoin: fc.constantFrom("inner", "left"), lo: fc.constantFrom("0s", "-5m"), hi: fc.constantFrom("1h", "0s") }),
      fc.record({ join: fc.constantFrom("inner", "left", "right", "full") }),
    ),
  }) as fc.Arbitrary<Recipe>;

/* eslint-disable @typescript-eslint/no-explicit-any -- a random pipeline is plain JavaScript to the DSL */
function condition(o: any, p: Pred): any {
  if ("and" in p) return condition(o, p.and[0]).and(condition(o, p.and[1]));
  if ("or" in p) return condition(o, p.or[0]).or(condition(o, p.or[1]));
  if ("not" in p) return condition(o, p.not).not();
  const l = p.leaf;
  if ("cmp" in l) return o[l.col][l.cmp](l.value);
  if ("between" in l) return o[l.between].between(l.lo, l.hi);
  if ("inList" in l) return l.negate ? o.n.notIn(...l.values) : o.n.in(...l.values);
  if ("inStrings" in l) return l.negate ? o.k.notIn(...l.values) : o.k.in(...l.values);
  if ("str" in l) {
    if (l.str === "eq") return o.k.eq(l.value);
    if (l.str === "like") return o.k.like(l.value);
    if (l.str === "upperEq") return o.k.upper().eq(l.value);
    if (l.str === "lengthGt") return o.k.length().gt(l.value.length);
    return o.k.substring(1, 2).eq(l.value);
  }
  if ("nullCheck" in l) return o.note[l.nullCheck]();
  if ("flag" in l) return o.flag.eq(l.flag);
  return o.ts.extract("HOUR").lt(l.hourBefore);
}

function computed(o: any, c: Computed): any {
  switch (c) {
    case "n+1": return o.n.add(1);
    case "amount*2": return o.amount.mul(2);
    case "price/3": return o.price.div(3);
    case "n%7": return o.n.mod(7);
    case "abs(amount)": return o.amount.abs();
    case "round(price)": return o.price.round(1);
    case "-n": return o.n.neg();
    case "cast(amount,double)": return o.amount.cast(t.double());
    case "upper(k)": return o.k.upper();
    case "lower(k)": return o.k.lower();
    case "k||-||id": return o.k.concat("-", o.id);
    case "trim(k)": return o.k.trim();
    case "note?:none": return o.note.orElse("none");
    case "coalesce(note,k)": return coalesce(o.note, o.k);
    case "case n>5": return when(o.n.gt(5), "big").otherwise("small");
    case "floor(ts,hour)": return o.ts.floorTo("HOUR");
    case "ceil(ts,day)": return o.ts.ceilTo("DAY");
    case "format(ts)": return o.ts.format("yyyy-MM-dd");
    case "date(ts)": return o.ts.toDate();
    case "extract(ts,day)": return o.ts.extract("DAY");
    case "json(k)": return o.k.jsonValue("$.a");
    case "lit(1)": return lit(1);
    case "now()": return currentTimestamp();
    case "length(k)": return o.k.length();
    case "substring(k)": return o.k.substring(2);
    case "ts": return o.ts;
  }
}

function aggSpecs(list: readonly Agg[]): Record<string, unknown> {
  const specs: Record<Agg, () => unknown> = {
    count: () => count(), countK: () => count("k"), distinctK: () => countDistinct("k"), sumAmount: () => sum("amount"),
    avgPrice: () => avg("price"), minN: () => min("n"), maxAmount: () => max("amount"), firstK: () => firstValue("k"), lastK: () => lastValue("k"),
  };
  return Object.fromEntries(list.map((a) => [`agg_${a}`, specs[a]()]));
}

/** The pipeline a recipe describes. Columns the shape needs (id, k, n, amount, price, ts) survive `pre`. */
export function buildPipeline(r: Recipe, name: string): Pipeline {
  let orders: any = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark(r.watermark as "5s");
  if (r.idle) orders = orders.idleTimeout("1m");
  let s: any = orders;
  r.pre.forEach((step, i) => {
    if ("filter" in step) s = s.filter((o: any) => condition(o, step.filter));
    else if ("withColumn" in step) s = s.withColumns((o: any) => ({ [`c${i}`]: computed(o, step.withColumn) }));
    else s = step.selectKeep ? s.select("id", "k", "n", "amount", "price", "flag", "note", "ts") : s.select((o: any) => ({ id: o.id, k: o.k, n: o.n, amount: o.amount, price: o.price, flag: o.flag, note: o.note, ts: o.ts }));
  });
  const sh = r.shape;
  let sink: any;
  if ("append" in sh) sink = sh.append === "kafka" ? s.toKafka("out.v1") : sh.append === "print" ? s.toPrint() : s.toBlackhole();
  else if ("window" in sh) {
    const w = sh.window === "tumble" ? s.tumble("1h") : sh.window === "hop" ? s.hop("1h", "10m") : sh.window === "cumulate" ? s.cumulate("10m", "1h") : s.session("30m");
    sink = (sh.keyed ? w.groupBy("k") : w).aggregate(aggSpecs(sh.aggs)).toKafka("out.v1");
  } else if ("windowDedup" in sh) sink = s.tumble("10m").deduplicate({ key: ["id"], keep: sh.windowDedup }).toKafka("out.v1");
  else if ("windowTopN" in sh) sink = s.tumble("10m").topN({ partitionBy: ["k"], orderBy: [{ column: "amount", direction: "desc" }], n: sh.windowTopN }).toKafka("out.v1");
  else if ("groupAgg" in sh) sink = s.groupBy("k").aggregate(aggSpecs(sh.groupAgg), { ttl: sh.ttl }).toUpsertKafka("out.v1", { key: ["k"] });
  else if ("dedup" in sh) {
    const d = s.deduplicate({ key: ["id"], keep: sh.dedup, ttl: sh.ttl });
    sink = sh.dedup === "first" ? d.toKafka("out.v1") : d.toUpsertKafka("out.v1", { key: ["id"] });
  } else if ("topN" in sh) sink = s.topN({ partitionBy: ["k"], orderBy: [{ column: "amount", direction: "desc" }], n: sh.topN, ttl: sh.ttl }).toUpsertKafka("out.v1", { key: ["k", "row_num"] });
  else if ("distinct" in sh) sink = s.select("id", "k").distinct({ ttl: "1h" }).toPrint();
  else if ("intervalJoin" in sh) {
    const payments: any = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");
    sink = s
      .intervalJoin(payments, { on: { id: "order_id" }, between: [sh.lo, sh.hi], type: sh.intervalJoin, select: (l: any, p: any) => ({ id: l.id, k: l.k, amount: l.amount, paid: p.paid, ts: l.ts }) })
      .toKafka("out.v1");
  } else {
    const payments: any = source("payments", { topic: "payments.v1", schema: Payment });
    const j = s.join(payments, { on: { id: "order_id" }, type: sh.join, ttl: "1d", select: (l: any, p: any) => ({ id: l.id, k: l.k, paid: p.paid }) });
    sink = sh.join === "inner" ? j.toKafka("out.v1") : j.toPrint();
  }
  return pipeline(name, { checkpointInterval: "1m", flinkVersion: r.flink as "2.2" }).write(sink);
}

export interface Synthesised {
  readonly recipe: Recipe;
  readonly outcome: "build-error" | "finding" | "script";
  readonly script?: string;
}

/** What synth does with one recipe: refuse it while building, refuse it in analysis, or write a script. */
export function synthRecipe(r: Recipe, i: number): Synthesised {
  let p;
  try {
    p = buildPipeline(r, `random-${i}`);
  } catch (e) {
    // Refusing is fine, but only with a coded error: anything else is a crash of the SDK.
    if (!isStreamtError(e)) throw new Error(`recipe ${JSON.stringify(r)} crashed the DSL: ${(e as Error).stack}`);
    return { recipe: r, outcome: "build-error" };
  }
  const { plan, diagnostics } = buildPlan([{ pipeline: p, file: "random.ts", exportName: "default" }]);
  if ([...diagnostics, ...analysePlan(plan)].some((d) => d.severity === "error")) return { recipe: r, outcome: "finding" };
  return { recipe: r, outcome: "script", script: emitPipelineSql(p.definition, { bootstrapServers: "127.0.0.1:9092", flinkVersion: r.flink }) };
}
