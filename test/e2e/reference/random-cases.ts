/**
 * Random pipelines and random input for the differential test: each case is a recipe (plain data,
 * printed when the case fails), the sink the DSL builds from it, and the records to send to its
 * source topics. Generated from fast-check's `fc.gen()`, so a seed replays the same cases.
 *
 * Shapes: one source, or two sources (each with its own filters and computed columns) merged by
 * union() or joined: an interval join (inner, left; bounds around 0, or wholly before), a window join
 * (tumble / hop / cumulate; inner, left, right, full), an inner regular join, a regular join
 * (inner, left, right, full; TTL a day) of the two sources each grouped by the join key, whose output
 * is a table keyed by that key, or a temporal join (inner, left) against the second source read as a
 * versioned table (primary key k); then filters, computed columns (withColumns) and selects (subsets,
 * renames); then either an append sink, a window aggregate (tumble, hop, cumulate, session;
 * FIRST_VALUE / LAST_VALUE only in a tumble, as the DSL allows), a GROUP BY read from an upsert topic,
 * the joined table into an upsert topic keyed by its key, or (one source) a deduplication (keep first
 * or last; by event time or processing time into an upsert topic keyed by the dedup key, or per window)
 * or a Top-N (1-3 rows per partition, ordered by 1-2 columns with ties and NULLs, into an upsert topic
 * keyed by partition and rank; of a GROUP BY's updating result; or per window), each followed by
 * filters / computed columns over the result. Expressions are random trees over every operator the reference interpreter
 * models, with literals drawn from the same pools as the data (so comparisons hit equality and window
 * boundaries), NULLs in nullable columns, records that break the NOT NULL contract, duplicate keys,
 * and event times out of order within the watermark delay.
 *
 * Left out on purpose: records that would be late for a window (whether Flink drops one depends on
 * when its periodic watermark was emitted, which the test does not control: LateRule; for a session
 * window or an interval join every record at or behind the eager watermark, since a session it would
 * extend may have fired, or a join partner left state); a window after a join (an interval join holds
 * its output watermark back, so whether its late outer rows reach a window is again timing; the other
 * joins have no event time); outer regular joins of append streams (they update with no unique key: no
 * sink holds their result exactly); window joins of session windows (the DSL refuses them: Flink has
 * none); CURRENT_TIMESTAMP; SUM/AVG over computed DOUBLE columns (Flink sums partial aggregates in an
 * order the test does not control, and double addition is not associative: only the source's DOUBLE,
 * whose values are exact quarters, is summed); CAST of a DOUBLE to DECIMAL (it goes through Java's
 * Double.toString, whose digits JDK 17 does not always make shortest); MOD of doubles; FIRST_VALUE /
 * LAST_VALUE, deduplication and Top-N after a union or a join (the arrival order of two topics is not
 * defined, and it orders their ties); two versions of a key at one time in a temporal join's versioned
 * table, or a record in it that breaks the NOT NULL contract; ties in a Top-N of an
 * updating input (Flink ranks them by the order of their updates; the order is made total); a window
 * after a temporal join (its rows are written as the watermark passes them); division by anything but
 * a non-zero literal. The shapes of the test's findings (differential.test.ts) are generated: the SDK
 * writes each in a form Flink gets right, and a case synth refuses is left out by the test, not here.
 */
import fc from "fast-check";
import { avg, coalesce, count, countDistinct, firstValue, lastValue, lit, max, min, source, sum, t, when, type Sink } from "streamt-sdk";
import { exprNode, rowExprs } from "../../../packages/streamt-sdk/src/dsl/expr.js";
import type { DataType } from "../../../packages/streamt-sdk/src/ir/data-type.js";
import type { Column } from "../../../packages/streamt-sdk/src/ir/node-base.js";
import { formatTimestamp, interpretNode, type TopicInput } from "./interpret.js";

export const Ev = t.row({
  k: t.string(),
  s: t.string().nullable(),
  n: t.int(),
  m: t.int().nullable(),
  d: t.decimal(10, 2),
  e: t.decimal(10, 2).nullable(),
  x: t.double().nullable(),
  b: t.boolean().nullable(),
  ts: t.timestamp(3),
});

const DAY = 86_400_000;
/** Event times start here (the 15th, so CEIL to MONTH/YEAR of a time is never the day itself). */
export const BASE_MS = Date.UTC(2024, 2, 15, 10, 0, 0);
/** The far-future event sent last to every source: the watermark then passes every window of the data. */
export const FLUSH_MS = BASE_MS + 2 * DAY;
const SPAN_MS = 150_000;

// ---- expressions as data --------------------------------------------------------------------

/** A plain JS value handed to the DSL ({ date } becomes a Date). */
export type Plain = number | string | boolean | { readonly date: string };
export type Ast =
  | { readonly col: string }
  | { readonly lit: number | string | boolean }
  | { readonly call: string; readonly on: Ast; readonly args?: readonly Arg[] }
  | { readonly cast: Ast; readonly to: CastTo }
  | { readonly when: readonly (readonly [Ast, Arg])[]; readonly otherwise: Arg | "end" }
  | { readonly coalesce: readonly Arg[] };
export type Arg = Ast | { readonly v: Plain };
export type CastTo = "int" | "bigint" | "double" | "string" | readonly [number, number];

/* eslint-disable @typescript-eslint/no-explicit-any -- a random pipeline is plain JavaScript to the DSL */
const plain = (p: Plain): unknown => (typeof p === "object" ? new Date(`${p.date}Z`) : p);
const castType = (to: CastTo): any =>
  to === "int" ? t.int() : to === "bigint" ? t.bigint() : to === "double" ? t.double() : to === "string" ? t.string() : t.decimal(to[0], to[1]);

export function buildExpr(a: Ast, o: any): any {
  const arg = (x: Arg): any => ("v" in x ? plain(x.v) : buildExpr(x, o));
  if ("col" in a) return o[a.col];
  if ("lit" in a) return lit(a.lit);
  if ("cast" in a) return buildExpr(a.cast, o).cast(castType(a.to));
  if ("call" in a) return buildExpr(a.on, o)[a.call](...(a.args ?? []).map(arg));
  if ("coalesce" in a) return (coalesce as any)(...a.coalesce.map(arg));
  let c: any = when(buildExpr(a.when[0]![0], o), arg(a.when[0]![1]));
  for (const [cond, then] of a.when.slice(1)) c = c.when(buildExpr(cond, o), arg(then));
  return a.otherwise === "end" ? c.end() : c.otherwise(arg(a.otherwise));
}

/** The expression as the DSL code that builds it, e.g. `o.n.add(1).gt(5)`. */
export function renderExpr(a: Ast): string {
  const arg = (x: Arg): string => ("v" in x ? (typeof x.v === "object" ? `new Date("${x.v.date}Z")` : JSON.stringify(x.v)) : renderExpr(x));
  if ("col" in a) return `o.${a.col}`;
  if ("lit" in a) return `lit(${JSON.stringify(a.lit)})`;
  if ("cast" in a) return `${renderExpr(a.cast)}.cast(t.${typeof a.to === "string" ? `${a.to}()` : `decimal(${a.to[0]}, ${a.to[1]})`})`;
  if ("call" in a) return `${renderExpr(a.on)}.${a.call}(${(a.args ?? []).map(arg).join(", ")})`;
  if ("coalesce" in a) return `coalesce(${a.coalesce.map(arg).join(", ")})`;
  const branches = a.when.map(([c, v], i) => `${i === 0 ? "when" : ".when"}(${renderExpr(c)}, ${arg(v)})`).join("");
  return `${branches}${a.otherwise === "end" ? ".end()" : `.otherwise(${arg(a.otherwise)})`}`;
}

// ---- recipes ---------------------------------------------------------------------------------

export type Step =
  | { readonly filter: Ast }
  | { readonly withColumns: Readonly<Record<string, Ast>> }
  /** [new name, old name] pairs, in order. */
  | { readonly select: readonly (readonly [string, string])[] };
export interface Agg {
  readonly name: string;
  readonly fn: "count" | "countDistinct" | "sum" | "avg" | "min" | "max" | "firstValue" | "lastValue";
  readonly col: string | null;
}
export type Shape =
  | { readonly kind: "append" }
  | { readonly kind: "window"; readonly win: Win; readonly keys: readonly string[]; readonly aggs: readonly Agg[] }
  | { readonly kind: "group"; readonly keys: readonly string[]; readonly aggs: readonly Agg[] }
  /** The stream is already a table unique on `keys` (a join of tables keyed by the join key): an upsert sink. */
  | { readonly kind: "table"; readonly keys: readonly string[] }
  /**
   * deduplicate(); with `win`, a window deduplication (append); else by event time, or by processing
   * time when the recipe's source declares it (`proctime`), into an upsert sink keyed by `keys`
   * (keep first on processing time appends).
   */
  | { readonly kind: "dedup"; readonly keys: readonly string[]; readonly keep: "first" | "last"; readonly win: Win | null }
  /**
   * topN(); with `win`, a window Top-N (append), else an upsert sink keyed by the partition and the rank.
   * `grouped`: the Top-N reads a GROUP BY (an updating input: Flink's retracting Top-N).
   */
  | {
      readonly kind: "topN";
      readonly partitionBy: readonly string[];
      readonly orderBy: readonly (readonly [string, "asc" | "desc"])[];
      readonly n: number;
      readonly win: Win | null;
      readonly grouped: { readonly keys: readonly string[]; readonly aggs: readonly Agg[] } | null;
    };
export type Watermark = "monotonous" | "1s" | "5s";
type Size = "5s" | "10s" | "20s" | "30s" | "1m";
/** A window: tumble(size), hop(size, slide), cumulate(step, maxSize) or session(gap). */
export type Win =
  | { readonly tumble: Size }
  | { readonly hop: readonly [Size, Size] }
  | { readonly cumulate: readonly [Size, Size] }
  | { readonly session: Size };

/** A join's output column: [name, side (0 left, 1 right, 2 COALESCE(left, right)), column]. */
export type Pick = readonly [string, 0 | 1 | 2, string];
export type JoinKind = "inner" | "left" | "right" | "full";
/** How two sources are combined when not by union(). */
export type JoinRecipe = {
  readonly on: readonly (readonly [string, string])[];
  readonly select: readonly Pick[];
} & (
  | { readonly kind: "interval"; readonly type: "inner" | "left"; readonly between: readonly [string, string] }
  | { readonly kind: "window"; readonly win: Win; readonly type: JoinKind }
  /** A regular join (TTL a day: nothing expires); `grouped`: each side first aggregated by its join keys. */
  | { readonly kind: "regular"; readonly type: JoinKind; readonly grouped: readonly [readonly Agg[], readonly Agg[]] | null }
  /** A temporal join against the second source read as a versioned table (primary key k). */
  | { readonly kind: "temporal"; readonly type: "inner" | "left" }
);

export interface Recipe {
  readonly id: string;
  readonly watermarks: readonly Watermark[];
  /** The (one) source declares processing time `pt` instead of event time: a deduplication by arrival. */
  readonly proctime?: boolean;
  /** Per source, before the union or join (two sources only). */
  readonly branches: readonly (readonly Step[])[];
  /** Two sources are joined so, not unioned. */
  readonly join?: JoinRecipe;
  readonly pre: readonly Step[];
  readonly shape: Shape;
  readonly post: readonly Step[];
}

export interface Case {
  readonly recipe: Recipe;
  readonly sink: Sink;
  readonly sourceTopics: readonly string[];
  readonly sinkTopic: string;
  /** JSON text of every record per source topic, in send order, the flush event last. */
  readonly input: ReadonlyMap<string, readonly string[]>;
}

function applyStep(s: any, step: Step): any {
  if ("filter" in step) return s.filter((o: any) => buildExpr(step.filter, o));
  if ("withColumns" in step) return s.withColumns((o: any) => Object.fromEntries(Object.entries(step.withColumns).map(([k, a]) => [k, buildExpr(a, o)])));
  return s.select((o: any) => Object.fromEntries(step.select.map(([to, from]) => [to, o[from]])));
}

const AGG_FNS = { count, countDistinct, sum, avg, min, max, firstValue, lastValue } as const;
const aggSpecs = (aggs: readonly Agg[]): Record<string, unknown> =>
  Object.fromEntries(aggs.map((a) => [a.name, a.col === null ? count() : (AGG_FNS[a.fn] as (c: string) => unknown)(a.col)]));

const WATERMARK_MS: Record<Watermark, number> = { monotonous: 0, "1s": 1000, "5s": 5000 };
const SIZE_MS: Record<Size, number> = { "5s": 5_000, "10s": 10_000, "20s": 20_000, "30s": 30_000, "1m": 60_000 };

function windowed(s: any, win: Win): any {
  if ("tumble" in win) return s.tumble(win.tumble);
  if ("hop" in win) return s.hop(...win.hop);
  if ("cumulate" in win) return s.cumulate(...win.cumulate);
  return s.session(win.session);
}

const renderWin = (win: Win): string =>
  "tumble" in win ? `tumble("${win.tumble}")` : "hop" in win ? `hop("${win.hop[0]}", "${win.hop[1]}")` : "cumulate" in win ? `cumulate("${win.cumulate[0]}", "${win.cumulate[1]}")` : `session("${win.session}")`;

/**
 * Which records the input leaves out as possibly late. `slice`: a record whose slice (the tumble, the
 * hop's slide, the cumulate's step) may have fired already, i.e. ends at or before the eager watermark
 * max(event time) - delay; Flink drops it, or (hop, cumulate) adds it to the windows not yet fired,
 * depending on when its periodic watermark was emitted. `behind`: a record at or behind the eager
 * watermark at all (a session it would extend may have fired; a join partner may have left state).
 */
export type LateRule = { readonly slice: number } | "behind" | null;

function lateRuleOf(win: Win): LateRule {
  if ("tumble" in win) return { slice: SIZE_MS[win.tumble] };
  if ("hop" in win) return { slice: SIZE_MS[win.hop[1]] };
  if ("cumulate" in win) return { slice: SIZE_MS[win.cumulate[0]] };
  return "behind";
}

export const topicsOf = (runId: string, id: string) => ({
  sources: [`e2e.diff.${runId}.${id}.a`, `e2e.diff.${runId}.${id}.b`],
  sink: `e2e.diff.${runId}.${id}.out`,
});

/** The stream a recipe describes, up to its sink. */
export function buildSink(r: Recipe, runId: string): Sink {
  const topics = topicsOf(runId, r.id);
  const sources = sourcesOf(r, topics.sources);
  let s: any = sources[0];
  if (sources.length > 1) {
    const [a, b] = sources.map((src: any, i) => r.branches[i]!.reduce(applyStep, src));
    s = r.join ? joinStreams(a, b, r.join) : a.union(b);
  }
  s = r.pre.reduce(applyStep, s);
  const sh = r.shape;
  s = applyShape(s, sh);
  s = r.post.reduce(applyStep, s);
  const key = upsertKey(sh, r.proctime);
  return key ? s.toUpsertKafka(topics.sink, { key: [...key] }) : s.toKafka(topics.sink);
}

/** The key of the upsert topic a shape writes to, or null for an append topic. */
function upsertKey(sh: Shape, proctime = false): readonly string[] | null {
  if (sh.kind === "group" || sh.kind === "table") return sh.keys;
  if (sh.kind === "dedup" && sh.win === null && !(proctime && sh.keep === "first")) return sh.keys;
  if (sh.kind === "topN" && sh.win === null) return [...sh.partitionBy, "row_num"];
  return null;
}

/** Which source is a temporal join's versioned table (read keyed by k), if any. */
export const versionedSource = (r: { readonly join?: JoinRecipe }): number | null => (r.join?.kind === "temporal" ? 1 : null);

function sourcesOf(r: { readonly id: string; readonly watermarks: readonly Watermark[]; readonly join?: JoinRecipe; readonly proctime?: boolean }, topics: readonly string[]): any[] {
  return r.watermarks.map((wm, i) => {
    const src = source(`${r.id}_${"ab"[i]}`, { topic: topics[i]!, schema: Ev, ...(versionedSource(r) === i ? { primaryKey: ["k"] } : {}) });
    return r.proctime ? src.processingTime("pt") : src.eventTime("ts").watermark(wm as "5s");
  });
}

/** A processing-time deduplication's stream without its `pt` column, whose values are the clock's. */
const withoutPt = (s: any): any => (schemaOf(s).some((c) => c.name === "pt") ? s.select(...schemaOf(s).map((c) => c.name).filter((n) => n !== "pt")) : s);

/** The Kafka key of a record sent to source `i`: the primary key of a versioned source as JSON, else none. */
export function recordKey(r: Recipe, i: number, value: string): string | null {
  if (versionedSource(r) !== i) return null;
  return JSON.stringify({ k: (JSON.parse(value) as { k: string }).k });
}

const picked = (select: readonly Pick[]) => (l: any, r: any) =>
  Object.fromEntries(select.map(([name, side, col]) => [name, side === 0 ? l[col] : side === 1 ? r[col] : coalesce(l[col], r[col])]));

/** Two streams joined as the recipe says (a grouped regular join aggregates each side by its join keys first). */
function joinStreams(a: any, b: any, j: JoinRecipe): any {
  const on = Object.fromEntries(j.on);
  const select = picked(j.select);
  if (j.kind === "interval") return a.intervalJoin(b, { on, between: j.between, type: j.type, select });
  if (j.kind === "window") return windowed(a, j.win).join(windowed(b, j.win), { on, type: j.type, select });
  if (j.kind === "temporal") return a.temporalJoin(b, { on, type: j.type, select });
  const [l, r] = j.grouped
    ? [a.groupBy(...j.on.map((p) => p[0])).aggregate(aggSpecs(j.grouped[0]), { ttl: "1d" }), b.groupBy(...j.on.map((p) => p[1])).aggregate(aggSpecs(j.grouped[1]), { ttl: "1d" })]
    : [a, b];
  return l.join(r, { on, type: j.type, ttl: "1d", select });
}

function renderJoin(j: JoinRecipe, right: string): string {
  const on = `{ ${j.on.map(([l, r]) => `${l}: "${r}"`).join(", ")} }`;
  const select = `(l, r) => ({ ${j.select.map(([name, side, col]) => `${name}: ${side === 2 ? `coalesce(l.${col}, r.${col})` : `${side ? "r" : "l"}.${col}`}`).join(", ")} })`;
  if (j.kind === "interval") return `.intervalJoin(${right}, { on: ${on}, between: ${JSON.stringify(j.between)}, type: "${j.type}", select: ${select} })`;
  if (j.kind === "window") return `.${renderWin(j.win)}.join(${right}.${renderWin(j.win)}, { on: ${on}, type: "${j.type}", select: ${select} })`;
  if (j.kind === "temporal") return `.temporalJoin(${right}, { on: ${on}, type: "${j.type}", select: ${select} })`;
  const agg = (as: readonly Agg[]) => `{ ${as.map((a) => `${a.name}: ${a.fn}(${a.col === null ? "" : JSON.stringify(a.col)})`).join(", ")} }`;
  const grouped = (i: 0 | 1) => (j.grouped ? `.groupBy(${j.on.map((p) => JSON.stringify(p[i])).join(", ")}).aggregate(${agg(j.grouped[i])}, { ttl: "1d" })` : "");
  return `${grouped(0)}.join(${right}${grouped(1)}, { on: ${on}, type: "${j.type}", ttl: "1d", select: ${select} })`;
}

/** The recipe as the DSL code that builds it (sources abbreviated). */
export function renderRecipe(r: Recipe): string {
  const steps = (ss: readonly Step[]): string[] =>
    ss.map((st) =>
      "filter" in st
        ? `.filter((o) => ${renderExpr(st.filter)})`
        : "withColumns" in st
          ? `.withColumns((o) => ({ ${Object.entries(st.withColumns).map(([k, a]) => `${k}: ${renderExpr(a)}`).join(", ")} }))`
          : `.select((o) => ({ ${st.select.map(([to, from]) => `${to}: o.${from}`).join(", ")} }))`,
    );
  const time = (i: number) => (r.proctime ? `.processingTime("pt")` : `.eventTime("ts").watermark("${r.watermarks[i]}")`);
  const src = (i: number) => `source("${r.id}_${"ab"[i]}", { schema: Ev${versionedSource(r) === i ? `, primaryKey: ["k"]` : ""} })${time(i)}`;
  const right = `${src(1)}${r.watermarks.length > 1 ? steps(r.branches[1]!).join("") : ""}`;
  const lines = r.watermarks.length > 1 ? [`${src(0)}${steps(r.branches[0]!).join("")}`, r.join ? `  ${renderJoin(r.join, right)}` : `  .union(${right})`] : [src(0)];
  lines.push(...steps(r.pre).map((l) => `  ${l}`));
  const aggs = (as: readonly Agg[]) => `{ ${as.map((a) => `${a.name}: ${a.fn}(${a.col === null ? "" : JSON.stringify(a.col)})`).join(", ")} }`;
  const sh = r.shape;
  if (sh.kind === "window") lines.push(`  .${renderWin(sh.win)}${sh.keys.length ? `.groupBy(${sh.keys.map((k) => JSON.stringify(k)).join(", ")})` : ""}.aggregate(${aggs(sh.aggs)})`);
  const group = (keys: readonly string[], as: readonly Agg[]) => `  .groupBy(${keys.map((k) => JSON.stringify(k)).join(", ")}).aggregate(${aggs(as)}, { ttl: "1d" })`;
  if (sh.kind === "group") lines.push(group(sh.keys, sh.aggs));
  if (sh.kind === "dedup") lines.push(`  ${sh.win ? `.${renderWin(sh.win)}` : ""}.deduplicate({ key: ${JSON.stringify(sh.keys)}, keep: "${sh.keep}"${sh.win ? "" : `, ttl: "1d"`} })${r.proctime ? " (then select() every column but pt)" : ""}`);
  if (sh.kind === "topN") {
    if (sh.grouped) lines.push(group(sh.grouped.keys, sh.grouped.aggs));
    const orderBy = sh.orderBy.map(([column, direction]) => `{ column: "${column}", direction: "${direction}" }`).join(", ");
    lines.push(`  ${sh.win ? `.${renderWin(sh.win)}` : ""}.topN({ partitionBy: ${JSON.stringify(sh.partitionBy)}, orderBy: [${orderBy}], n: ${sh.n}${sh.win ? "" : `, ttl: "1d"`} })`);
  }
  lines.push(...steps(r.post).map((l) => `  ${l}`));
  const key = upsertKey(sh, r.proctime);
  lines.push(key ? `  .toUpsertKafka(out, { key: ${JSON.stringify(key)} })` : "  .toKafka(out)");
  return lines.join("\n");
}

// ---- the generator ---------------------------------------------------------------------------

type Gen = fc.GeneratorValue;
type Cat = "int" | "dec" | "dbl" | "str" | "bool" | "ts" | "date" | "other";

function catOf(t: DataType): Cat {
  switch (t.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return "int";
    case "DECIMAL":
      return "dec";
    case "DOUBLE":
    case "FLOAT":
      return "dbl";
    case "STRING":
      return "str";
    case "BOOLEAN":
      return "bool";
    case "TIMESTAMP":
      return "ts";
    case "DATE":
      return "date";
    default:
      return "other";
  }
}
const isNumCat = (c: Cat): boolean => c === "int" || c === "dec" || c === "dbl";

const pick = <T>(g: Gen, xs: readonly T[]): T => xs[g(fc.integer, { min: 0, max: xs.length - 1 })]!;
const chance = (g: Gen, percent: number): boolean => g(fc.integer, { min: 0, max: 99 }) < percent;
const between = (g: Gen, lo: number, hi: number): number => g(fc.integer, { min: lo, max: hi });

const INT_LITS = [-3, -1, 0, 1, 2, 3, 5, 7, 10, 12];
const DEC_LITS = [0.5, 1.5, 2.25, -0.75, 10.01, 3.33, 0.01, 99.99, 7];
const DIVISORS = [2, 3, 7, -4, 0.5, 1.5, 3.33];
const INT_DIVISORS = [2, 3, 7, -4];
const STR_LITS = ["a", "b", "ab", "A", " a ", "", "é", "x_y", "a%b", "abc", "zz"];
const LIKE_PATTERNS = ["a%", "%b", "_", "%", "a_", "%a%", "A%", "_b%", "x_y", "%é", "a%b", "ab", ""];
const DATE_PATTERNS = ["yyyy-MM-dd", "HH:mm:ss", "yyyy-MM-dd HH:mm", "mm:ss.SSS"];
const TIME_UNITS = ["SECOND", "MINUTE", "HOUR", "DAY", "MONTH", "YEAR"];
const CAST_NUM: readonly CastTo[] = ["int", "bigint", "double", [18, 4], [12, 1], [20, 6], [38, 10], [10, 2]];
const boundaryDate = (g: Gen): { date: string } => ({ date: formatTimestamp(BASE_MS + between(g, 0, 15) * 10_000 + pick(g, [0, 0, 1, -1])) });

/** Builds random expressions over a row schema, asking the DSL for each subexpression's type. */
class ExprGen {
  private readonly row: any;
  constructor(
    private readonly g: Gen,
    private readonly cols: readonly Column[],
    /** allowTime: a TIMESTAMP column is there to build time expressions on. */
    private readonly opts: { readonly allowTime: boolean },
  ) {
    this.row = rowExprs(cols, 0, "random case");
  }

  typeOf(a: Ast): DataType {
    return exprNode(buildExpr(a, this.row)).type;
  }

  private ok(a: Ast): boolean {
    try {
      this.typeOf(a);
      return true;
    } catch {
      return false;
    }
  }

  private colsOf(...cats: Cat[]): Ast[] {
    return this.cols.filter((c) => cats.includes(catOf(c.type))).map((c) => ({ col: c.name }));
  }

  /** Tries `make` a few times for a valid expression, else falls back. */
  private attempt(make: () => Ast, fallback: () => Ast): Ast {
    for (let i = 0; i < 4; i++) {
      try {
        const a = make();
        if (this.ok(a)) return a;
      } catch {
        // an invalid combination: try again
      }
    }
    return fallback();
  }

  numLit(): number {
    return chance(this.g, 60) ? pick(this.g, INT_LITS) : pick(this.g, DEC_LITS);
  }

  num(depth: number): Ast {
    const g = this.g;
    const leaves = this.colsOf("int", "dec", "dbl");
    const leaf = (): Ast => (leaves.length > 0 && !chance(g, 5) ? pick(g, leaves) : { lit: pick(g, INT_LITS) });
    if (depth <= 0 || chance(g, 30)) return leaf();
    const d = depth - 1;
    return this.attempt(() => {
      switch (between(g, 0, 12)) {
        case 0:
        case 1:
        case 2: {
          const other: Arg = chance(g, 50) ? this.num(d) : { v: this.numLit() };
          return { call: pick(g, ["add", "sub", "mul"]), on: this.num(d), args: [other] };
        }
        case 3:
          return { call: "div", on: this.num(d), args: [{ v: pick(g, DIVISORS) }] };
        case 4: {
          const on = this.num(d);
          return catOf(this.typeOf(on)) === "dbl" ? on : { call: "mod", on, args: [{ v: pick(g, INT_DIVISORS) }] };
        }
        case 5:
          return { call: pick(g, ["neg", "abs"]), on: this.num(d) };
        case 6:
          return { call: "round", on: this.num(d), args: [{ v: between(g, 0, 2) }] };
        case 7: {
          const on = this.num(d);
          const from = catOf(this.typeOf(on));
          const to = pick(g, CAST_NUM.filter((c) => from !== "dbl" || c === "int" || c === "bigint" || c === "double"));
          return { cast: on, to };
        }
        case 8:
          return chance(g, 50) ? { call: "length", on: this.str(d) } : this.opts.allowTime ? { call: "extract", on: this.ts(d), args: [{ v: pick(g, TIME_UNITS) }] } : leaf();
        case 9:
          return { when: [[this.bool(d), { v: this.numLit() }]], otherwise: chance(g, 20) ? "end" : { v: this.numLit() } };
        case 10: {
          const nullable = this.cols.filter((c) => c.type.nullable && isNumCat(catOf(c.type)));
          return nullable.length > 0 ? { call: "orElse", on: { col: pick(g, nullable).name }, args: [{ v: this.numLit() }] } : leaf();
        }
        case 11:
          return { coalesce: [this.num(d), chance(g, 50) ? this.num(d) : { v: this.numLit() }] };
        default:
          return leaf();
      }
    }, leaf);
  }

  str(depth: number): Ast {
    const g = this.g;
    const leaves = this.colsOf("str");
    const leaf = (): Ast => (leaves.length > 0 && !chance(g, 5) ? pick(g, leaves) : { lit: pick(g, STR_LITS) });
    if (depth <= 0 || chance(g, 35)) return leaf();
    const d = depth - 1;
    return this.attempt(() => {
      switch (between(g, 0, 10)) {
        case 0:
          return { call: pick(g, ["upper", "lower", "trim"]), on: this.str(d) };
        case 1: {
          const args: Arg[] = [{ v: pick(g, [1, 1, 2, 3, 0, -1]) }];
          if (chance(g, 60)) args.push({ v: pick(g, [0, 1, 2, 5]) });
          return { call: "substring", on: this.str(d), args };
        }
        case 2:
        case 3: {
          const args: Arg[] = [chance(g, 50) ? this.str(d) : { v: pick(g, STR_LITS) }];
          if (chance(g, 30)) args.push({ v: pick(g, STR_LITS) });
          return { call: "concat", on: this.str(d), args };
        }
        case 4: {
          const nullable = this.cols.filter((c) => c.type.nullable && catOf(c.type) === "str");
          return nullable.length > 0 ? { call: "orElse", on: { col: pick(g, nullable).name }, args: [{ v: pick(g, STR_LITS) }] } : leaf();
        }
        case 5:
          return { coalesce: [this.str(d), chance(g, 50) ? this.str(d) : { v: pick(g, STR_LITS) }] };
        case 6:
          return { call: "jsonValue", on: this.str(d), args: [{ v: "$.a" }] };
        case 7:
          return this.opts.allowTime ? { call: "format", on: this.ts(d), args: [{ v: pick(g, DATE_PATTERNS) }] } : leaf();
        case 8: {
          const on = this.num(d);
          return catOf(this.typeOf(on)) === "dbl" ? leaf() : { cast: on, to: "string" };
        }
        case 9:
          return { when: [[this.bool(d), { v: pick(g, STR_LITS) }]], otherwise: chance(g, 25) ? "end" : { v: pick(g, STR_LITS) } };
        default:
          return leaf();
      }
    }, leaf);
  }

  ts(depth: number): Ast {
    const g = this.g;
    const leaves = this.colsOf("ts");
    if (leaves.length === 0) throw new Error("no timestamp column");
    if (depth <= 0 || chance(g, 50)) return pick(g, leaves);
    return { call: pick(g, ["floorTo", "ceilTo"]), on: this.ts(depth - 1), args: [{ v: pick(g, TIME_UNITS) }] };
  }

  bool(depth: number): Ast {
    const g = this.g;
    const boolCols = this.colsOf("bool");
    const any = this.cols.filter((c) => catOf(c.type) !== "other");
    const leaf = (): Ast => {
      if (boolCols.length > 0 && chance(g, 25)) return chance(g, 50) ? pick(g, boolCols) : { call: "eq", on: pick(g, boolCols), args: [{ v: chance(g, 50) }] };
      if (chance(g, 15) && any.length > 0) return { call: pick(g, ["isNull", "isNotNull"]), on: { col: pick(g, any).name } };
      return this.compare(0);
    };
    if (depth <= 0 || chance(g, 25)) return leaf();
    const d = depth - 1;
    return this.attempt(() => {
      switch (between(g, 0, 9)) {
        case 0:
        case 1:
        case 2:
          return this.compare(d);
        case 3:
          return { call: pick(g, ["and", "or"]), on: this.bool(d), args: [chance(g, 90) ? this.bool(d) : { v: chance(g, 50) }] };
        case 4:
          return { call: "not", on: this.bool(d) };
        case 5: {
          const lo = this.numLit();
          const hi = chance(g, 85) ? Math.max(lo, this.numLit()) : this.numLit();
          return { call: "between", on: this.num(d), args: [{ v: lo }, { v: hi }] };
        }
        case 6: {
          const strings = chance(g, 50);
          const n = between(g, 1, 3);
          const values = Array.from({ length: n }, () => ({ v: strings ? pick(g, STR_LITS) : this.numLit() }));
          return { call: pick(g, ["in", "notIn"]), on: strings ? this.str(d) : this.num(d), args: values };
        }
        case 7:
          return { call: "like", on: this.str(d), args: [{ v: pick(g, LIKE_PATTERNS) }] };
        case 8:
          return { call: pick(g, ["isNull", "isNotNull"]), on: chance(g, 50) ? this.num(d) : this.str(d) };
        default:
          return leaf();
      }
    }, () => this.compare(0));
  }

  private compare(depth: number): Ast {
    const g = this.g;
    const op = pick(g, ["eq", "ne", "gt", "ge", "lt", "le"]);
    const kind = between(g, 0, 9);
    const other = (literal: () => Arg, expr: () => Ast, pLiteral: number): Arg => (chance(g, pLiteral) ? literal() : expr());
    if (kind < 5 || (!this.opts.allowTime && kind >= 8)) {
      const on = this.num(depth);
      return { call: op, on, args: [other(() => ({ v: this.numLit() }), () => this.num(depth), 65)] };
    }
    if (kind < 8) {
      const on = this.str(depth);
      return { call: op, on, args: [other(() => ({ v: pick(g, STR_LITS) }), () => this.str(depth), 65)] };
    }
    const on = this.ts(depth);
    return { call: op, on, args: [other(() => ({ v: boundaryDate(g) }), () => this.ts(depth), 70)] };
  }

  /** A column for withColumns: any category the sinks can write. */
  column(depth: number): Ast {
    const g = this.g;
    switch (between(g, 0, 9)) {
      case 0:
      case 1:
      case 2:
        return this.num(depth);
      case 3:
      case 4:
      case 5:
        return this.str(depth);
      case 6:
      case 7:
        return this.bool(depth);
      case 8:
        if (!this.opts.allowTime) return this.num(depth);
        return this.ts(depth);
      default:
        return this.opts.allowTime ? { call: "toDate", on: this.ts(depth) } : this.str(depth);
    }
  }
}

function schemaOf(s: any): readonly Column[] {
  return s.node.schema as Column[];
}

/** How many rows a stream has on the input, by the reference (null if it cannot tell). */
function rowCount(s: any, input: TopicInput): number | null {
  try {
    return interpretNode(s.node, input).rows.length;
  } catch {
    return null;
  }
}

/**
 * A random filter that keeps some rows of the input and drops some (a few tries): a filter that keeps
 * nothing makes the rest of the case untested, one that keeps everything tests little.
 */
function genFilter(g: Gen, s: any, eg: ExprGen, input: TopicInput): Step {
  const before = rowCount(s, input);
  let step: Step = { filter: eg.bool(between(g, 1, 3)) };
  for (let i = 0; i < 5 && before !== null && before > 0; i++) {
    try {
      const after = rowCount(applyStep(s, step), input);
      if (after === null || (after > 0 && (after < before || before === 1))) break;
    } catch {
      // refused by the DSL: try another
    }
    step = { filter: eg.bool(between(g, 1, 3)) };
  }
  return step;
}

/** Random stateless steps over a stream; `keep` columns survive every select. */
function genSteps(g: Gen, start: any, keep: readonly string[], prefix: string, count: number, input: TopicInput, allowSelect = true): { steps: Step[]; stream: any } {
  const steps: Step[] = [];
  let s = start;
  for (let i = 0; i < count; i++) {
    const cols = schemaOf(s);
    const eg = new ExprGen(g, cols, { allowTime: cols.some((c) => catOf(c.type) === "ts") });
    const kind = between(g, 0, 9);
    let step: Step;
    if (kind < 4) step = genFilter(g, s, eg, input);
    else if (kind < 8 || !allowSelect) {
      const n = between(g, 1, 2);
      step = { withColumns: Object.fromEntries(Array.from({ length: n }, (_, j) => [`${prefix}${i}_${j}`, eg.column(between(g, 0, 3))])) };
    } else {
      const pairs: [string, string][] = [];
      for (const c of cols) {
        if (keep.includes(c.name)) pairs.push([c.name, c.name]);
        else if (chance(g, 70)) pairs.push([chance(g, 20) ? `${c.name}_r${i}` : c.name, c.name]);
      }
      step = { select: pairs };
    }
    try {
      const next = applyStep(s, step);
      steps.push(step);
      s = next;
    } catch {
      // The DSL refused the step (e.g. a CASE whose branches have no common type): leave it out.
    }
  }
  return { steps, stream: s };
}

function genAggs(g: Gen, cols: readonly Column[], allowOrdered: boolean): Agg[] {
  const n = between(g, 1, 4);
  const aggs: Agg[] = [];
  const usable = cols.filter((c) => !["other", "date"].includes(catOf(c.type)));
  for (let i = 0; i < n; i++) {
    const name = `a${i}`;
    const fns: Agg["fn"][] = ["count", "count", "countDistinct", "sum", "sum", "avg", "avg", "min", "max", ...(allowOrdered ? (["firstValue", "lastValue"] as const) : [])];
    const fn = pick(g, fns);
    let candidates: readonly Column[];
    switch (fn) {
      case "count":
        if (chance(g, 50)) {
          aggs.push({ name, fn, col: null });
          continue;
        }
        candidates = usable;
        break;
      case "countDistinct":
        candidates = usable.filter((c) => catOf(c.type) !== "dbl");
        break;
      case "sum":
      case "avg":
        // DOUBLE only for the source's own column of exact quarters: double addition is not associative.
        candidates = usable.filter((c) => catOf(c.type) === "int" || catOf(c.type) === "dec" || (catOf(c.type) === "dbl" && c.name === "x"));
        break;
      case "min":
      case "max":
        candidates = usable.filter((c) => catOf(c.type) !== "bool");
        break;
      default:
        candidates = usable;
    }
    if (candidates.length === 0) aggs.push({ name, fn: "count", col: null });
    else aggs.push({ name, fn, col: pick(g, candidates).name });
  }
  return aggs;
}

function applyShape(s: any, sh: Shape): any {
  if (sh.kind === "window") {
    const w = windowed(s, sh.win);
    return (sh.keys.length > 0 ? w.groupBy(...sh.keys) : w).aggregate(aggSpecs(sh.aggs));
  }
  if (sh.kind === "group") return s.groupBy(...sh.keys).aggregate(aggSpecs(sh.aggs), { ttl: "1d" });
  if (sh.kind === "dedup") return sh.win ? windowed(s, sh.win).deduplicate({ key: [...sh.keys], keep: sh.keep }) : withoutPt(s.deduplicate({ key: [...sh.keys], keep: sh.keep, ttl: "1d" }));
  if (sh.kind === "topN") {
    const input = sh.grouped ? s.groupBy(...sh.grouped.keys).aggregate(aggSpecs(sh.grouped.aggs), { ttl: "1d" }) : s;
    const options = { partitionBy: [...sh.partitionBy], orderBy: sh.orderBy.map(([column, direction]) => ({ column, direction })), n: sh.n };
    return sh.win ? windowed(input, sh.win).topN(options) : input.topN({ ...options, ttl: "1d" });
  }
  return s;
}

/** Sizes around the spacing of the input's event times (many on 10 s boundaries, 150 s in all). */
function genWin(g: Gen, session: boolean): Win {
  switch (between(g, 0, session ? 3 : 2)) {
    case 0:
      return { tumble: pick(g, ["10s", "30s", "1m"] as const) };
    case 1:
      return { hop: pick(g, [["20s", "10s"], ["30s", "10s"], ["1m", "30s"], ["1m", "20s"]] as const) };
    case 2:
      return { cumulate: pick(g, [["10s", "30s"], ["10s", "1m"], ["20s", "1m"], ["30s", "1m"]] as const) };
    default:
      return { session: pick(g, ["5s", "10s", "20s"] as const) };
  }
}

const JOIN_KEYS: readonly (readonly [string, string])[] = [["k", "k"], ["k", "k"], ["n", "n"], ["n", "n"], ["s", "k"], ["k", "s"], ["m", "n"], ["n", "m"], ["d", "d"], ["b", "b"]];

/**
 * A join of two sources: one or two key pairs (same type kinds), the left key first in the output,
 * the left event time as `ts`, and a random part of the other columns of each side (the right's as
 * r_<name>). A grouped regular join aggregates each side by its keys first and its first output column
 * is then the key (COALESCE of both sides for a full join), the upsert key of its sink.
 */
function genJoin(g: Gen, kind: "interval" | "window" | "regular" | "grouped" | "temporal", win: Win, left: readonly Column[], right: readonly Column[]): JoinRecipe {
  // An outer regular join of append streams updates with no unique key: no sink can hold it exactly.
  const type = kind === "interval" || kind === "temporal" ? pick(g, ["inner", "left"] as const) : kind === "regular" ? "inner" : pick(g, ["inner", "left", "right", "full"] as const);
  if (kind === "grouped") {
    const key = pick(g, ["k", "n"] as const);
    const aggs = (cols: readonly Column[]) => genAggs(g, cols.filter((c) => c.name !== key), false);
    const [la, ra] = [aggs(left), aggs(right)];
    const keyPick: Pick = type === "full" ? ["key", 2, key] : type === "right" ? ["key", 1, key] : ["key", 0, key];
    const select: Pick[] = [keyPick, ...la.map((a): Pick => [a.name, 0, a.name]), ...ra.map((a): Pick => [`r_${a.name}`, 1, a.name])];
    return { kind: "regular", type, grouped: [la, ra], on: [[key, key]], select };
  }
  // A temporal join joins on the versioned side's primary key, k.
  const pairs = kind === "temporal" ? [pick(g, [["k", "k"], ["k", "k"], ["s", "k"]] as const)] : [pick(g, JOIN_KEYS)];
  if (kind !== "temporal" && chance(g, 25)) pairs.push(pick(g, JOIN_KEYS.filter((p) => p[0] !== pairs[0]![0])));
  const select: Pick[] = [[pairs[0]![0], 0, pairs[0]![0]], ["ts", 0, "ts"]];
  for (const c of left) if (!select.some((p) => p[0] === c.name) && chance(g, 40)) select.push([c.name, 0, c.name]);
  for (const c of right) if (chance(g, 40)) select.push([`r_${c.name}`, 1, c.name]);
  if (kind === "window" && chance(g, 60)) select.push(["window_start", 0, "window_start"], ["window_end", 1, "window_end"]);
  if (kind === "interval") return { kind, type: type as "inner" | "left", between: pick(g, [["-5s", "5s"], ["0s", "10s"], ["-10s", "0s"], ["-1s", "1s"], ["0s", "0s"], ["-20s", "-10s"]] as const), on: pairs, select };
  if (kind === "window") return { kind, win, type, on: pairs, select };
  if (kind === "temporal") return { kind, type: type as "inner" | "left", on: pairs, select };
  return { kind, type, grouped: null, on: pairs, select };
}

/** Columns a key can be: strings, integers, decimals (NOT NULL where an upsert topic's key needs it). */
const keyable = (cols: readonly Column[], notNull: boolean): Column[] =>
  cols.filter((c) => ["str", "int", "dec"].includes(catOf(c.type)) && (!notNull || !c.type.nullable) && c.name !== "row_num");

/** A deduplication by event time: 1-2 keys (NOT NULL unless per window, where the sink appends), keep first or last. */
function genDedup(g: Gen, cols: readonly Column[], win: Win | null): Shape {
  const candidates = keyable(cols, win === null);
  const keys = [...new Set(Array.from({ length: between(g, 1, 2) }, () => pick(g, candidates).name))];
  return { kind: "dedup", keys, keep: pick(g, ["first", "last"] as const), win };
}

/**
 * A Top-N of 1-3 rows per partition (0-2 columns) ordered by 1-2 columns, with ties and NULLs; or, not
 * per window, a Top-N of a GROUP BY ordered by an aggregate, then by the group keys outside the
 * partition: the order is total, since among rows of an updating input that tie Flink ranks by the
 * order of their updates, which the reference (reading final tables) does not follow.
 */
function genTopN(g: Gen, cols: readonly Column[], win: Win | null): Shape {
  const n = between(g, 1, 3);
  const dir = () => pick(g, ["asc", "desc"] as const);
  if (win === null && chance(g, 35)) {
    const keys = [...new Set(Array.from({ length: between(g, 1, 2) }, () => pick(g, keyable(cols, true)).name))];
    const aggs = genAggs(g, cols.filter((c) => !keys.includes(c.name)), true);
    const partitionBy = keys.slice(0, between(g, 0, keys.length - 1));
    const orderBy: (readonly [string, "asc" | "desc"])[] = [[pick(g, aggs).name, dir()], ...keys.filter((k) => !partitionBy.includes(k)).map((k) => [k, "asc"] as const)];
    return { kind: "topN", partitionBy, orderBy, n, win, grouped: { keys, aggs } };
  }
  const partitionBy = [...new Set(Array.from({ length: between(g, 0, 2) }, () => pick(g, keyable(cols, win === null)).name))];
  const orderable = cols.filter((c) => ["str", "int", "dec", "dbl", "ts", "bool"].includes(catOf(c.type)) && !partitionBy.includes(c.name));
  const orderBy = [...new Set(Array.from({ length: between(g, 1, 2) }, () => pick(g, orderable).name))].map((c) => [c, dir()] as const);
  return { kind: "topN", partitionBy, orderBy, n, win, grouped: null };
}

/** One random case: a recipe, its sink and its input. */
export function genCase(g: Gen, id: string, runId: string): Case {
  const twoSources = chance(g, 45);
  const combine = twoSources ? pick(g, ["union", "union", "interval", "window", "regular", "grouped", "temporal"] as const) : "union";
  const joinWin = genWin(g, false);
  // After a join, no window: an interval join holds its output watermark back by its bounds (rows it
  // writes late would be late for the window), and a window join or regular join has no event time.
  // Deduplication and Top-N read one source: with two, rows that tie arrive in an order the test does not control.
  const kinds = ["append", "append", "window", "window", "window", "window", "group", "group", ...(twoSources ? [] : ["dedup", "dedup", "dedup", "topN", "topN", "topN"])];
  const shapeKind = combine === "grouped" ? "table" : pick(g, kinds.filter((k) => combine === "union" || k !== "window"));
  const win = genWin(g, true);
  /** Dedup and Top-N: per window (of `win`), or over the whole stream. */
  const perWindow = chance(g, 50);
  /** A deduplication over the whole stream by processing time (the source then has no event time). */
  const proctime = shapeKind === "dedup" && !perWindow && chance(g, 35);
  const watermarks: Watermark[] = Array.from({ length: twoSources ? 2 : 1 }, () => pick(g, ["monotonous", "1s", "5s"] as const));
  const topics = topicsOf(runId, id);
  const keepBase = ["k", "ts"];
  const inWindow = shapeKind === "window" || ((shapeKind === "dedup" || shapeKind === "topN") && perWindow);
  // A temporal join: a left row behind the watermark may have been joined already, a version behind it
  // may come after the rows it should have met.
  const late: LateRule = combine === "interval" || combine === "temporal" ? "behind" : combine === "window" ? lateRuleOf(joinWin) : inWindow ? lateRuleOf(win) : null;
  const partial = { id, watermarks, ...(proctime ? { proctime } : {}), ...(combine === "temporal" ? { join: { kind: "temporal", type: "inner", on: [], select: [] } as JoinRecipe } : {}) };
  const input = new Map<string, string[]>(watermarks.map((wm, i) => [topics.sources[i]!, genRecords(g, late, WATERMARK_MS[wm], versionedSource(partial) === i)]));

  // Build as we go: each step is generated against the schema the DSL gives the stream so far.
  const sources = sourcesOf(partial, topics.sources);
  let s: any = sources[0];
  const branches: Step[][] = [];
  let join: JoinRecipe | undefined;
  if (combine !== "union") {
    const built = sources.map((src: any, i) => {
      // The versioned side of a temporal join is the keyed source itself.
      if (versionedSource(partial) === i) return { steps: [] as Step[], stream: src };
      const eg = new ExprGen(g, schemaOf(src), { allowTime: true });
      const steps: Step[] = chance(g, 50) ? [genFilter(g, src, eg, input)] : [];
      if (chance(g, 40)) steps.push({ withColumns: { w0: eg.column(between(g, 0, 2)) } });
      return { steps, stream: steps.reduce(applyStep, src) };
    });
    join = genJoin(g, combine, joinWin, schemaOf(built[0]!.stream), schemaOf(built[1]!.stream));
    s = joinStreams(built[0]!.stream, built[1]!.stream, join);
    branches.push(built[0]!.steps, built[1]!.steps);
  } else if (twoSources) {
    // Each side: maybe a filter, then the same new column names (union() lines columns up by name and
    // position), each side with its own expression: their types may differ, and union() takes a common type.
    const names = Array.from({ length: between(g, 0, 2) }, (_, j) => `u${j}`);
    const built = sources.map((src: any) => {
      const steps: Step[] = [];
      let b: any = src;
      const eg = new ExprGen(g, schemaOf(b), { allowTime: true });
      if (chance(g, 50)) steps.push(genFilter(g, b, eg, input));
      if (names.length > 0) steps.push({ withColumns: Object.fromEntries(names.map((n) => [n, eg.column(between(g, 0, 2))])) });
      for (const st of steps) b = applyStep(b, st);
      return { steps, stream: b };
    });
    try {
      s = built[0]!.stream.union(built[1]!.stream);
      branches.push(built[0]!.steps, built[1]!.steps);
    } catch {
      // No common type for a column: union the filtered sides only.
      const filters = built.map((b) => b.steps.filter((st) => "filter" in st));
      s = filters.map((f, i) => f.reduce(applyStep, sources[i] as any)).reduce((a: any, b: any) => a.union(b));
      branches.push(filters[0]!, filters[1]!);
    }
  }
  const pre = genSteps(g, s, shapeKind === "table" ? [join!.select[0]![0]] : proctime ? [...keepBase, "pt"] : keepBase, "c", between(g, 0, shapeKind === "topN" || shapeKind === "dedup" ? 2 : 3), input);
  s = pre.stream;
  let shape: Shape = { kind: "append" };
  const cols = schemaOf(s);
  if (shapeKind === "table") shape = { kind: "table", keys: [join!.select[0]![0]] };
  else if (shapeKind === "window") {
    const keyable = cols.filter((c) => ["str", "int", "bool", "dec"].includes(catOf(c.type)));
    const keys = [...new Set(Array.from({ length: between(g, 0, 2) }, () => pick(g, keyable).name))];
    // FIRST_VALUE / LAST_VALUE only in a tumble window (the DSL refuses them elsewhere: Flink cannot merge them).
    const aggs = genAggs(g, cols.filter((c) => !keys.includes(c.name)), !twoSources && "tumble" in win);
    shape = { kind: "window", win, keys, aggs };
  } else if (shapeKind === "group" && keyable(cols, true).length > 0) {
    // An upsert key must be NOT NULL: Flink refuses a null in the sink's PRIMARY KEY at run time (with
    // no such column, e.g. after a join on a nullable column, the case appends).
    const keys = [...new Set(Array.from({ length: between(g, 1, 2) }, () => pick(g, keyable(cols, true)).name))];
    const aggs = genAggs(g, cols.filter((c) => !keys.includes(c.name)), !twoSources);
    shape = { kind: "group", keys, aggs };
  }
  else if (shapeKind === "dedup") shape = genDedup(g, cols, perWindow ? win : null);
  else if (shapeKind === "topN") shape = genTopN(g, cols, perWindow ? win : null);
  s = applyShape(s, shape);
  const windowCols = ["window_start", "window_end", "window_time"];
  const keepAfter =
    shape.kind === "append"
      ? keepBase
      : shape.kind === "window"
        ? [...windowCols, ...shape.keys]
        : shape.kind === "dedup" || shape.kind === "topN"
          ? [...(shape.win ? windowCols : []), ...(upsertKey(shape) ?? (shape.kind === "dedup" ? shape.keys : [...shape.partitionBy, "row_num"]))]
          : [...shape.keys];
  const post = shape.kind === "append" || shape.kind === "table" ? { steps: [] as Step[] } : genSteps(g, s, keepAfter, "p", between(g, 0, 2), input, shape.kind !== "group");
  const recipe: Recipe = { id, watermarks, ...(proctime ? { proctime } : {}), branches, ...(join ? { join } : {}), pre: pre.steps, shape, post: post.steps };
  return { recipe, sink: buildSink(recipe, runId), sourceTopics: topics.sources.slice(0, watermarks.length), sinkTopic: topics.sink, input };
}

// ---- input -----------------------------------------------------------------------------------

const K_POOL = ["a", "b", "c", "A", " a ", "é", "ab"];
const S_POOL = ["a", "ab", "abc", "", " a ", "x_y", "a%b", "é", "Ab", '{"a":"x"}', '{"a":1}', '{"b":2}', '{"a":null}', '{"a":true}', '{"a":{"c":1}}', "[1]"];
const INT_POOL = [-3, -1, 0, 1, 2, 3, 5, 7, 10, 12, 2147483647];
const DEC_POOL = ["0.00", "0.50", "1.50", "2.25", "-0.75", "10.01", "3.33", "99.99", "-12.34", "7.00", "0.01", "1.00", "12345678.99"];

/** A record's fields as JSON text; `undefined` leaves the field out of the record. */
function field(g: Gen, pNull: number, value: () => string): string | undefined {
  const r = between(g, 0, 999);
  if (r < pNull * 10) return r % 3 === 0 ? undefined : "null";
  return value();
}

/**
 * Records with event times spread over 150 s from BASE_MS, often on window boundaries (±1 ms), mostly in
 * order, some behind by up to the watermark delay + 2 s. A record that could be late by the case's
 * LateRule is left out: whether Flink drops it depends on when the periodic watermark was emitted.
 */
function genRecords(g: Gen, late: LateRule, delayMs: number, versioned = false): string[] {
  const n = between(g, 12, 36);
  const offsets = Array.from({ length: n }, () => (chance(g, 40) ? between(g, 0, 15) * 10_000 + pick(g, [0, 0, -1, 1]) : between(g, 0, SPAN_MS)))
    .map((o) => Math.max(0, o))
    .sort((a, b) => a - b)
    .map((o) => (chance(g, 25) ? Math.max(0, o - between(g, 0, delayMs + 2000)) : o));
  const records: string[] = [];
  let maxTs = -Infinity;
  // A versioned table's records are all valid upserts, each key's at distinct times: of two versions
  // of a key with the same time, which one a temporal join picks depends on the order its state holds them.
  const versionTimes = new Set<string>();
  const pNull = (p: number) => (versioned ? 0 : p);
  for (const off of offsets) {
    const ts = BASE_MS + off;
    const fields: Record<string, string | undefined> = {
      k: field(g, pNull(4), () => JSON.stringify(pick(g, K_POOL))),
      s: field(g, 25, () => JSON.stringify(pick(g, S_POOL))),
      n: field(g, pNull(4), () => String(pick(g, INT_POOL.slice(0, -1)))),
      m: field(g, 25, () => String(pick(g, INT_POOL))),
      d: field(g, pNull(3), () => pick(g, DEC_POOL.slice(0, -1))),
      e: field(g, 25, () => pick(g, DEC_POOL)),
      x: field(g, 25, () => String(between(g, -20, 40) / 4)),
      b: field(g, 30, () => String(chance(g, 50))),
      ts: field(g, pNull(3), () => JSON.stringify(formatTimestamp(ts))),
    };
    if (versioned) {
      const version = `${fields.k}|${ts}`;
      if (versionTimes.has(version)) continue;
      versionTimes.add(version);
    }
    const hasTs = fields.ts !== undefined && fields.ts !== "null";
    if (late !== null && hasTs) {
      const end = late === "behind" ? ts + 1 : ts - (ts % late.slice) + late.slice;
      if (maxTs - delayMs >= end - 2) continue;
    }
    if (hasTs) maxTs = Math.max(maxTs, ts);
    records.push(`{${Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}":${v}`).join(",")}}`);
  }
  records.push(flushRecord());
  return records;
}

/** The last record of every source: valid, and far enough ahead that every window of the data fires. */
export function flushRecord(): string {
  return `{"k":"zz","n":0,"d":0.00,"ts":${JSON.stringify(formatTimestamp(FLUSH_MS))}}`;
}
