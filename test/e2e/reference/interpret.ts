/**
 * A reference interpreter of the plan IR, for the differential test: given a sink's node tree and the
 * records sent to each source topic (JSON text, in send order), it computes what the sink must hold once
 * every record is processed and the watermark has passed every closed window.
 *
 * It models Flink SQL's semantics for a deterministic subset, and throws `Unsupported` for the rest:
 * - sources (JSON, one partition; a keyed source only as a temporal join's versioned side): a record with null in a NOT NULL column (not a primary key) never
 *   reaches a step (the source contract); the watermark is max(event time) - delay over every record
 *   with an event time, including the records the contract drops (the WATERMARK is on the Kafka table);
 * - filter (WHERE keeps TRUE only), project, union (values converted to the union's column types);
 * - the scalar expressions (not CURRENT_TIMESTAMP, nor those named below), with SQL's three-valued logic, exact DECIMAL
 *   arithmetic with Flink's rounding (HALF_UP to the result scale, NULL on precision overflow; division
 *   to 38 significant digits first), Java integer overflow and division, IEEE doubles;
 * - window aggregates over tumbling, hopping, cumulating and session windows (a window fires when the
 *   watermark reaches window_end - 1; late rows are not modelled: the generator sends none; a session
 *   takes in a row that starts exactly where it ends) and non-windowed GROUP BY read as the final row
 *   per key, followed by stateless steps;
 * - interval joins (inner, left: an unmatched left row is written once the watermark passes its time +
 *   the upper bound), window joins (per window the watermark closed; outer rows padded per window) and
 *   regular joins (the join of either side's final table; a TTL under a day is Unsupported); a NULL key
 *   matches nothing;
 * - deduplication (DeduplicateFunctionHelper.isDuplicate: keep first replaces the kept row only by an
 *   earlier time, keep last by a time not earlier, so equal times keep the first or the last to arrive;
 *   by processing time the first or last to arrive; a keep-first row by event time only once the
 *   watermark passes it), per window too; Top-N per partition (ORDER BY
 *   with NULL the least value, ties in arrival order: TopNBuffer appends to a sort key's rows), per
 *   window too, the final table of an updating input; late rows are not modelled (none are sent);
 * - event-time temporal joins against a keyed (upsert) source: a left row is joined once the watermark
 *   of both sides reaches it, with its key's latest version at or before its time (two versions of a
 *   key at one time are Unsupported: the generator sends none);
 * - aggregates COUNT, COUNT DISTINCT, SUM, AVG (Flink's result types and rounding), MIN, MAX,
 *   FIRST_VALUE / LAST_VALUE (in arrival order, nulls skipped), LISTAGG, of a column or an expression;
 *   STDDEV/VAR and ARRAY_AGG are Unsupported, as are TIMESTAMPDIFF/TIMESTAMPADD, JSON and declared functions.
 * Values: integers are bigint, DOUBLE a number, DECIMAL a Dec, TIMESTAMP epoch ms (UTC wall clock),
 * DATE days since the epoch; which is which follows the IR's type of each expression.
 */
import type { DataType } from "../../../packages/streamt-sdk/src/ir/data-type.js";
import type { CallOp, ExprNode } from "../../../packages/streamt-sdk/src/ir/expr-node.js";
import type { AggregateCall } from "../../../packages/streamt-sdk/src/ir/aggregate-call.js";
import type { PlanNode } from "../../../packages/streamt-sdk/src/ir/plan-node.js";
import type { SinkNode } from "../../../packages/streamt-sdk/src/ir/nodes/sink-node.js";
import type { SourceNode } from "../../../packages/streamt-sdk/src/ir/nodes/source-node.js";
import type { WindowSpec } from "../../../packages/streamt-sdk/src/ir/window-spec.js";
import type { JoinType, KeyPair } from "../../../packages/streamt-sdk/src/ir/nodes/join-common.js";
import type { ProjectedColumn } from "../../../packages/streamt-sdk/src/ir/nodes/project-node.js";
import { createHash } from "node:crypto";
import * as D from "./decimal.js";
import { isNum, parseJsonText, type JsonValue } from "./json-text.js";

export type Value = null | bigint | number | string | boolean | D.Dec;
export type Row = Readonly<Record<string, Value>>;

/** A shape or function the reference does not model: the case is left out, not failed. */
export class Unsupported extends Error {}

const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

/** What a sink holds: every row of an append stream, or the final row per key of an upsert topic. */
export type SinkContents =
  | { readonly kind: "append"; readonly rows: readonly Row[] }
  | { readonly kind: "upsert"; readonly key: readonly string[]; readonly rows: readonly Row[] };

/** Records sent to each topic, as JSON text, in send order (one partition). */
export type TopicInput = ReadonlyMap<string, readonly string[]>;

type Stream = { readonly mode: "append" | "table"; readonly rows: readonly Row[] };

export function interpretSink(sink: SinkNode, input: TopicInput): SinkContents {
  const out = new Interpreter(input).node(sink.input);
  if (out.rows.some((r) => Object.values(r).includes(PROCTIME))) unsupported("processing time in a sink");
  if (sink.connector.kind === "upsert-kafka") {
    const key = sink.connector.key;
    const byKey = new Map<string, Row>();
    for (const r of out.rows) byKey.set(rowKey(key.map((k) => [r[k]!, columnType(sink.input, k)])), r);
    return { kind: "upsert", key, rows: [...byKey.values()] };
  }
  if (out.mode !== "append") unsupported("an updating stream into an append sink");
  return { kind: "append", rows: out.rows };
}

/** The rows a node produces (an append stream's rows, or an updating stream's final rows). */
export function interpretNode(n: PlanNode, input: TopicInput): { readonly mode: "append" | "table"; readonly rows: readonly Row[] } {
  return new Interpreter(input).node(n);
}

function columnType(n: PlanNode, name: string): DataType {
  const c = n.schema.find((col) => col.name === name);
  if (!c) throw new Error(`no column ${name} in ${n.path}`);
  return c.type;
}

class Interpreter {
  private readonly memo = new Map<PlanNode, Stream>();
  constructor(private readonly input: TopicInput) {}

  node(n: PlanNode): Stream {
    let s = this.memo.get(n);
    if (!s) {
      s = this.compute(n);
      this.memo.set(n, s);
    }
    return s;
  }

  private compute(n: PlanNode): Stream {
    switch (n.kind) {
      case "source":
        return { mode: "append", rows: sourceRows(n, this.records(n)) };
      case "filter": {
        const inp = this.node(n.input);
        return { mode: inp.mode, rows: inp.rows.filter((r) => evalExpr(n.predicate, r) === true) };
      }
      case "project": {
        const inp = this.node(n.input);
        return { mode: inp.mode, rows: inp.rows.map((r) => Object.fromEntries(n.columns.map((c) => [c.name, evalExpr(c.expr, r)]))) };
      }
      case "union": {
        const rows: Row[] = [];
        for (const i of n.inputs) {
          const s = this.node(i);
          if (s.mode !== "append") unsupported("a union of updating streams");
          for (const r of s.rows) rows.push(Object.fromEntries(n.schema.map((c, idx) => [c.name, convert(r[c.name]!, i.schema[idx]!.type, c.type)])));
        }
        return { mode: "append", rows };
      }
      case "windowAggregate": {
        const w = n.window;
        const inp = this.node(n.input);
        if (inp.mode !== "append") unsupported("a window over an updating stream");
        const wm = this.watermark(n.time.watermark?.sources ?? []);
        const keyTypes = n.groupBy.map((k) => columnType(n.input, k));
        const rows: Row[] = [];
        for (const g of windowGroups(w, inp.rows, n.groupBy, keyTypes)) {
          if (g.end - 1 > wm) continue; // not fired: the watermark did not reach it
          const row: Record<string, Value> = { window_start: g.start, window_end: g.end };
          n.groupBy.forEach((k, i) => (row[k] = g.keys[i]!));
          row.window_time = g.end - 1;
          for (const a of n.aggregates) row[a.name] = aggregate(a, g.rows);
          rows.push(row);
        }
        return { mode: "append", rows };
      }
      case "aggregate": {
        if (n.distinct) unsupported("distinct()");
        const inp = this.node(n.input);
        if (inp.mode !== "append") unsupported("an aggregate over an updating stream");
        const groups = new Map<string, { keys: Value[]; rows: Row[] }>();
        for (const r of inp.rows) {
          const keys = n.groupBy.map((k) => r[k]!);
          const id = rowKey(n.groupBy.map((k, i) => [keys[i]!, columnType(n.input, k)]));
          let g = groups.get(id);
          if (!g) groups.set(id, (g = { keys, rows: [] }));
          g.rows.push(r);
        }
        const rows = [...groups.values()].map((g) => {
          const row: Record<string, Value> = {};
          n.groupBy.forEach((k, i) => (row[k] = g.keys[i]!));
          for (const a of n.aggregates) row[a.name] = aggregate(a, g.rows);
          return row;
        });
        return { mode: "table", rows };
      }
      case "intervalJoin": {
        const [left, right] = [this.node(n.left), this.node(n.right)];
        const lt = n.left.time.rowtime!;
        const rt = n.right.time.rowtime!;
        // An unmatched left row is written when the watermark passes its time + upper bound: the flush
        // event never is.
        const wm = this.watermark([...(n.left.time.watermark?.sources ?? []), ...(n.right.time.watermark?.sources ?? [])]);
        const rows = joinRows(n, left.rows, right.rows, (l, r) => {
          const t = (r[rt] as number) - (l[lt] as number);
          return t >= n.lowerMs && t <= n.upperMs;
        }, (l) => (l[lt] as number) + n.upperMs < wm);
        return { mode: "append", rows };
      }
      case "windowJoin": {
        const [left, right] = [this.node(n.left), this.node(n.right)];
        if (left.mode !== "append" || right.mode !== "append") unsupported("a window join of updating streams");
        const wm = this.watermark([...(n.left.time.watermark?.sources ?? []), ...(n.right.time.watermark?.sources ?? [])]);
        // Each side's rows per window, with the window's columns; only windows the watermark closed.
        const byWindow = (rows: readonly Row[], w: WindowSpec) => {
          const m = new Map<string, Row[]>();
          for (const g of windowGroups(w, rows, [], [])) {
            if (g.end - 1 > wm) continue;
            m.set(`${g.start}|${g.end}`, g.rows.map((r) => ({ ...r, window_start: g.start, window_end: g.end, window_time: g.end - 1 })));
          }
          return m;
        };
        const [lw, rw] = [byWindow(left.rows, n.leftWindow), byWindow(right.rows, n.rightWindow)];
        const rows: Row[] = [];
        for (const id of new Set([...lw.keys(), ...rw.keys()])) rows.push(...joinRows(n, lw.get(id) ?? [], rw.get(id) ?? [], () => true, () => true));
        return { mode: "append", rows };
      }
      case "deduplicate": {
        const inp = this.node(n.input);
        if (inp.mode !== "append") unsupported("a deduplication of an updating stream");
        const keyTypes = n.key.map((k) => columnType(n.input, k));
        if (n.window) {
          const rows: Row[] = [];
          for (const w of this.firedWindows(n.window, inp.rows, n.input)) {
            for (const part of partitions(w.rows, n.key, keyTypes)) rows.push(keptRow(part, n.orderBy, n.keep));
          }
          return { mode: "append", rows };
        }
        if (n.orderBy === n.input.time.proctime) {
          // Processing time orders rows as they arrive (one partition): the first or the last per key.
          const rows = partitions(inp.rows, n.key, keyTypes).map((part) => (n.keep === "first" ? part[0]! : part[part.length - 1]!));
          return { mode: n.keep === "first" ? "append" : "table", rows };
        }
        const kept = partitions(inp.rows, n.key, keyTypes).map((part) => keptRow(part, n.orderBy, n.keep));
        // Flink (2.2 and 1.20) writes the first row per key by event time once the watermark passes it
        // (the flush event never is: finding D13); the last row per key on arrival.
        if (n.keep === "first") {
          const wm = this.watermark(n.input.time.watermark?.sources ?? []);
          return { mode: "table", rows: kept.filter((r) => (r[n.orderBy] as number) <= wm) };
        }
        return { mode: "table", rows: kept };
      }
      case "topN": {
        const inp = this.node(n.input);
        const order = n.orderBy.map((o) => ({ ...o, type: columnType(n.input, o.column) }));
        const keyTypes = n.partitionBy.map((k) => columnType(n.input, k));
        const top = (rows: readonly Row[], extra: Row): Row[] =>
          stableSort(rows, order)
            .slice(0, n.n)
            .map((r, i) => ({ ...r, ...extra, [n.rankColumn]: BigInt(i + 1) }));
        if (n.window) {
          if (inp.mode !== "append") unsupported("a window Top-N of an updating stream");
          const rows: Row[] = [];
          for (const w of this.firedWindows(n.window, inp.rows, n.input)) {
            for (const part of partitions(w.rows, n.partitionBy, keyTypes)) rows.push(...top(part, {}));
          }
          return { mode: "append", rows };
        }
        // The final table: the first n rows per partition of the input's final rows. Among rows that tie
        // on the order, the one that arrived first ranks first (Flink's TopNBuffer appends a row to the
        // rows of its sort key) for an append input; an updating input ranks ties by the order of their
        // last update, which the final table does not tell: the generator orders those totally.
        return { mode: "table", rows: partitions(inp.rows, n.partitionBy, keyTypes).flatMap((part) => top(part, {})) };
      }
      case "temporalJoin": {
        const left = this.node(n.left);
        if (left.mode !== "append") unsupported("a temporal join of an updating stream");
        if (n.right.kind !== "source") return unsupported("a temporal join against a versioned table other than a keyed source");
        const versioned = n.right;
        const versions = sourceRows(versioned, this.records(versioned, true));
        const lt = n.left.time.rowtime!;
        const rt = versioned.time.rowtime!;
        // A left row is joined when the watermark of both sides reaches its time: the flush event never is.
        const wm = Math.min(this.watermark(n.left.time.watermark?.sources ?? []), sourceWatermark(versioned, this.records(versioned, true)));
        const emitted = left.rows.filter((l) => (l[lt] as number) <= wm);
        const rows = joinRows(n, emitted, versions, (l, r) => {
          // The version valid at the left row's time: the latest at or before it (of its key, which joinRows matched).
          const at = l[lt] as number;
          const t = r[rt] as number;
          if (t > at) return false;
          const same = versions.filter((v) => n.on.every((p) => valueKey(v[p.right]!, columnType(versioned, p.right)) === valueKey(r[p.right]!, columnType(versioned, p.right))));
          const later = same.filter((v) => (v[rt] as number) <= at && (v[rt] as number) >= t && v !== r);
          if (later.some((v) => v[rt] === t)) unsupported("two versions of a key with the same time (the generator sends none)");
          return later.length === 0;
        }, () => true);
        return { mode: "append", rows };
      }
      case "join": {
        if (n.ttl && Math.min(n.ttl.leftMs, n.ttl.rightMs) < DAY) unsupported("a join TTL shorter than a day (rows could expire during the test)");
        // Either side read as its final table (an append stream is one): the join of the final tables
        // is the join's final table.
        const [left, right] = [this.node(n.left), this.node(n.right)];
        const append = left.mode === "append" && right.mode === "append" && n.joinType === "inner";
        return { mode: append ? "append" : "table", rows: joinRows(n, left.rows, right.rows, () => true, () => true) };
      }
      default:
        return unsupported(`${n.kind} steps`);
    }
  }

  /** A window step's windows that the watermark closed, each with its rows (with the window's columns) in arrival order. */
  private firedWindows(w: WindowSpec, rows: readonly Row[], input: PlanNode): { rows: Row[] }[] {
    const wm = this.watermark(input.time.watermark?.sources ?? []);
    return windowGroups(w, rows, [], [])
      .filter((g) => g.end - 1 <= wm)
      .map((g) => ({ rows: g.rows.map((r) => ({ ...r, window_start: g.start, window_end: g.end, window_time: g.end - 1 })) }));
  }

  /** A source's records; a keyed (upsert) source only as a temporal join's versioned side (`versioned`), whose records are all upserts. */
  private records(n: SourceNode, versioned = false): readonly string[] {
    if (n.kafka.format !== "json") unsupported(`${n.kafka.format} sources`);
    if (n.kafka.primaryKey && !versioned) unsupported("keyed (upsert) sources outside a temporal join");
    return this.input.get(n.kafka.topic) ?? [];
  }

  /** The watermark of the given sources at the end: the least of each one's max(event time) - delay. */
  private watermark(sourcePaths: readonly string[]): number {
    if (sourcePaths.length === 0) unsupported("a window without a watermark");
    let wm = Infinity;
    for (const path of sourcePaths) {
      const src = this.findSource(path);
      wm = Math.min(wm, sourceWatermark(src, this.records(src)));
    }
    return wm;
  }

  private findSource(path: string): SourceNode {
    for (const n of this.memoSources()) if (n.path === path) return n;
    throw new Error(`source ${path} not reached`);
  }

  private memoSources(): SourceNode[] {
    return [...this.memo.keys()].filter((n): n is SourceNode => n.kind === "source");
  }
}

// ---- joins -----------------------------------------------------------------------------------

/** Where a right-side column sits in a joined row (left-side columns keep their names). */
const RIGHT = "\u0001";

/**
 * An equi-join of two row lists with an extra condition; outer joins add each unmatched row with NULLs
 * for the other side when `padded` says it was written. A NULL key matches nothing (SQL's =).
 */
function joinRows(
  n: { readonly on: readonly KeyPair[]; readonly joinType: JoinType; readonly columns: readonly ProjectedColumn[]; readonly left: PlanNode; readonly right: PlanNode },
  left: readonly Row[],
  right: readonly Row[],
  also: (l: Row, r: Row) => boolean,
  padded: (l: Row) => boolean,
): Row[] {
  const keyOf = (r: Row, side: "left" | "right", node: PlanNode): string | null => {
    const vs = n.on.map((p) => r[p[side]]!);
    return vs.some((v) => v === null) ? null : rowKey(n.on.map((p, i) => [vs[i]!, columnType(node, p[side])]));
  };
  // A missing side: NULL in each of its columns, and in the window columns a window join's select may read.
  const nulls = (node: PlanNode): Row => Object.fromEntries([...node.schema.map((c) => c.name), "window_start", "window_end", "window_time"].map((c) => [c, null]));
  const joined = (l: Row, r: Row): Row => {
    const both: Record<string, Value> = { ...l };
    for (const [k, v] of Object.entries(r)) both[RIGHT + k] = v;
    return Object.fromEntries(n.columns.map((c) => [c.name, evalExpr(c.expr, both)]));
  };
  const rows: Row[] = [];
  const rightMatched = new Set<number>();
  const rightKeys = right.map((r) => keyOf(r, "right", n.right));
  for (const l of left) {
    const lk = keyOf(l, "left", n.left);
    let matched = false;
    right.forEach((r, i) => {
      if (lk === null || rightKeys[i] !== lk || !also(l, r)) return;
      matched = true;
      rightMatched.add(i);
      rows.push(joined(l, r));
    });
    if (!matched && (n.joinType === "left" || n.joinType === "full") && padded(l)) rows.push(joined(l, nulls(n.right)));
  }
  if (n.joinType === "right" || n.joinType === "full") right.forEach((r, i) => rightMatched.has(i) || rows.push(joined(nulls(n.left), r)));
  return rows;
}

// ---- deduplication and Top-N -----------------------------------------------------------------

/** Rows grouped by the values of `keys` (NULL is a value of its own, as in PARTITION BY), each group in arrival order. */
function partitions(rows: readonly Row[], keys: readonly string[], keyTypes: readonly DataType[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const id = rowKey(keys.map((k, i) => [r[k]!, keyTypes[i]!]));
    const g = groups.get(id);
    if (g) g.push(r);
    else groups.set(id, [r]);
  }
  return [...groups.values()];
}

/**
 * The row a deduplication keeps of one key's rows (in arrival order), ordered by a time: Flink's
 * DeduplicateFunctionHelper.isDuplicate replaces the kept row by a later-arriving one when its time is
 * strictly earlier (keep first) or not earlier (keep last). So with equal times, first keeps the row
 * that arrived first, last the row that arrived last.
 */
function keptRow(rows: readonly Row[], time: string, keep: "first" | "last"): Row {
  let kept = rows[0]!;
  for (const r of rows.slice(1)) {
    const [t, k] = [r[time] as number, kept[time] as number];
    if (keep === "first" ? t < k : t >= k) kept = r;
  }
  return kept;
}

/** ORDER BY with Flink's default null order (NULLS FIRST ascending, NULLS LAST descending: NULL is the least value); ties keep arrival order. */
function stableSort(rows: readonly Row[], order: readonly { column: string; direction: "asc" | "desc"; type: DataType }[]): Row[] {
  const cmp = (a: Row, b: Row): number => {
    for (const o of order) {
      const [x, y] = [a[o.column]!, b[o.column]!];
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compare(x, o.type, y, o.type);
      if (c !== 0) return o.direction === "asc" ? c : -c;
    }
    return 0;
  };
  return rows.map((r, i) => ({ r, i })).sort((a, b) => cmp(a.r, b.r) || a.i - b.i).map((x) => x.r);
}


// ---- windows ---------------------------------------------------------------------------------

interface WindowGroup {
  readonly start: number;
  readonly end: number;
  readonly keys: readonly Value[];
  /** In arrival order. */
  readonly rows: Row[];
}

/** The [start, end) windows a time falls in: tumble, hop (every slide-aligned start within size) and cumulate (from the max-size-aligned start, one per step). */
function windowsOf(w: WindowSpec, t: number): [number, number][] {
  switch (w.kind) {
    case "tumble": {
      const start = t - mod(t, w.sizeMs);
      return [[start, start + w.sizeMs]];
    }
    case "hop": {
      const out: [number, number][] = [];
      for (let start = t - mod(t, w.slideMs); start > t - w.sizeMs; start -= w.slideMs) out.push([start, start + w.sizeMs]);
      return out;
    }
    case "cumulate": {
      const start = t - mod(t, w.maxSizeMs);
      const out: [number, number][] = [];
      for (let end = start + w.stepMs; end <= start + w.maxSizeMs; end += w.stepMs) if (t < end) out.push([start, end]);
      return out;
    }
    case "session":
      return unsupported("session windows are merged, not assigned");
  }
}

/**
 * The rows of each window and key (late rows are not modelled: the generator sends none). A session
 * window per key is the union of the rows' [t, t + gap) that touch or overlap: Flink's TimeWindow
 * merges windows when `start <= other.end && end >= other.start`, so a row exactly `gap` after the
 * last one joins its session.
 */
function windowGroups(w: WindowSpec, rows: readonly Row[], keyNames: readonly string[], keyTypes: readonly DataType[]): WindowGroup[] {
  if (w.allowedLatenessMs) unsupported("allowed lateness");
  const byKey = new Map<string, { keys: Value[]; rows: Row[] }>();
  for (const r of rows) {
    const keys = keyNames.map((k) => r[k]!);
    const id = rowKey(keys.map((v, i) => [v, keyTypes[i]!]));
    let g = byKey.get(id);
    if (!g) byKey.set(id, (g = { keys, rows: [] }));
    g.rows.push(r);
  }
  const time = (r: Row) => r[w.timeColumn] as number;
  const out: WindowGroup[] = [];
  for (const { keys, rows: keyed } of byKey.values()) {
    if (w.kind === "session") {
      const sorted = keyed.map((r, i) => ({ r, i })).sort((a, b) => time(a.r) - time(b.r) || a.i - b.i);
      let cur: { start: number; end: number; members: { r: Row; i: number }[] } | null = null;
      const close = () => cur && out.push({ start: cur.start, end: cur.end, keys, rows: cur.members.sort((a, b) => a.i - b.i).map((m) => m.r) });
      for (const m of sorted) {
        const t = time(m.r);
        if (cur && t <= cur.end) {
          cur.end = Math.max(cur.end, t + w.gapMs);
          cur.members.push(m);
        } else {
          close();
          cur = { start: t, end: t + w.gapMs, members: [m] };
        }
      }
      close();
      continue;
    }
    const windows = new Map<string, WindowGroup>();
    for (const r of keyed) {
      for (const [start, end] of windowsOf(w, time(r))) {
        let g = windows.get(`${start}|${end}`);
        if (!g) windows.set(`${start}|${end}`, (g = { start, end, keys, rows: [] }));
        g.rows.push(r);
      }
    }
    out.push(...windows.values());
  }
  return out;
}

// ---- sources ---------------------------------------------------------------------------------

/** The columns whose NOT NULL the source enforces: NOT NULL physical columns outside the primary key. */
function enforced(n: SourceNode): Set<string> {
  const key = new Set(n.kafka.primaryKey ?? []);
  return new Set(n.physical.filter((c) => !c.type.nullable && !key.has(c.name)).map((c) => c.name));
}

/** The value of a processing-time attribute: the clock's, which no sink may hold for a comparison. */
const PROCTIME = "\u0000processing time";

function sourceRows(n: SourceNode, records: readonly string[]): Row[] {
  const notNull = enforced(n);
  const rows: Row[] = [];
  for (const text of records) {
    const json = parseJsonText(text);
    if (json === null || typeof json !== "object" || Array.isArray(json) || isNum(json)) unsupported("a record that is not a JSON object");
    const obj = json as Record<string, JsonValue>;
    const row: Record<string, Value> = {};
    for (const c of n.physical) row[c.name] = fromJson(obj[c.name], c.type);
    if (n.processingTime) row[n.processingTime] = PROCTIME;
    if ([...notNull].some((c) => row[c] === null)) continue;
    rows.push(row);
  }
  return rows;
}

function sourceWatermark(n: SourceNode, records: readonly string[]): number {
  const et = n.eventTime;
  if (!et?.watermark) return unsupported("a source without a watermark");
  const delay = et.watermark.kind === "bounded" ? et.watermark.delayMs : 0;
  const type = n.physical.find((c) => c.name === et.column)!.type;
  let max = -Infinity;
  for (const text of records) {
    const obj = parseJsonText(text) as Record<string, JsonValue>;
    const t = fromJson(obj[et.column], type);
    if (t !== null) max = Math.max(max, t as number);
  }
  return max - delay;
}

/** A value of a JSON record as Flink's JSON format reads it into a column of `type`. */
export function fromJson(v: JsonValue | undefined, type: DataType): Value {
  if (v === undefined || v === null) return null;
  switch (type.kind) {
    case "STRING":
      return typeof v === "string" ? v : unsupported("a non-string JSON value in a STRING column");
    case "BOOLEAN":
      return typeof v === "boolean" ? v : unsupported("a non-boolean JSON value in a BOOLEAN column");
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return isNum(v) && /^-?\d+$/.test(v.num) ? wrap(BigInt(v.num), type.kind) : unsupported("a non-integer JSON value in an integer column");
    case "DOUBLE":
    case "FLOAT":
      return isNum(v) ? Number(v.num) : unsupported("a non-number in a DOUBLE column");
    case "DECIMAL": {
      if (!isNum(v)) return unsupported("a non-number in a DECIMAL column");
      return D.fit(D.parseDec(v.num), type.precision, type.scale);
    }
    case "TIMESTAMP":
      return typeof v === "string" ? parseTimestamp(v) : unsupported("a non-string TIMESTAMP");
    case "DATE":
      return typeof v === "string" ? Math.floor(parseTimestamp(`${v}T00:00:00`) / DAY) : unsupported("a non-string DATE");
    default:
      return unsupported(`${type.kind} columns`);
  }
}

// ---- times -----------------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2024-03-15T10:00:00.123` or `2024-03-15 10:00:00` (UTC wall clock) -> epoch ms. */
export function parseTimestamp(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const frac = (m[3] ?? "").padEnd(3, "0").slice(0, 3);
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2]!;
  return Date.parse(`${m[1]}T${time}.${frac}Z`);
}

/** epoch ms -> `2024-03-15T10:00:00.123` (always three fraction digits: one text per instant). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}

export function formatDate(days: number): string {
  return new Date(days * DAY).toISOString().slice(0, 10);
}

const mod = (a: number, b: number): number => ((a % b) + b) % b;

function floorTime(ms: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case "SECOND":
      return ms - mod(ms, SECOND);
    case "MINUTE":
      return ms - mod(ms, MINUTE);
    case "HOUR":
      return ms - mod(ms, HOUR);
    case "DAY":
      return ms - mod(ms, DAY);
    case "MONTH":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "YEAR":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    default:
      return unsupported(`FLOOR/CEIL to ${unit}`);
  }
}

function ceilTime(ms: number, unit: string): number {
  const f = floorTime(ms, unit);
  if (f === ms) return ms;
  const d = new Date(f);
  switch (unit) {
    case "MONTH":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    case "YEAR":
      return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
    default:
      return f + { SECOND, MINUTE, HOUR, DAY }[unit as "SECOND"];
  }
}

function extract(ms: number, unit: string): bigint {
  const d = new Date(ms);
  switch (unit) {
    case "SECOND":
      return BigInt(d.getUTCSeconds());
    case "MINUTE":
      return BigInt(d.getUTCMinutes());
    case "HOUR":
      return BigInt(d.getUTCHours());
    case "DAY":
      return BigInt(d.getUTCDate());
    case "MONTH":
      return BigInt(d.getUTCMonth() + 1);
    case "YEAR":
      return BigInt(d.getUTCFullYear());
    default:
      return unsupported(`EXTRACT(${unit})`);
  }
}

/** DATE_FORMAT with the Java pattern letters the generator uses (yyyy MM dd HH mm ss SSS); others are literal. */
function dateFormat(ms: number, pattern: string): string {
  const iso = formatTimestamp(ms); // 2024-03-15T10:00:00.123
  const parts: Record<string, string> = {
    yyyy: iso.slice(0, 4), MM: iso.slice(5, 7), dd: iso.slice(8, 10), HH: iso.slice(11, 13), mm: iso.slice(14, 16), ss: iso.slice(17, 19), SSS: iso.slice(20, 23),
  };
  if (/[a-zA-Z]/.test(pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, ""))) unsupported(`DATE_FORMAT pattern ${pattern}`);
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (t) => parts[t]!);
}

// ---- expressions -----------------------------------------------------------------------------

const INT_BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };
const isInt = (t: DataType): boolean => t.kind in INT_BITS;
const isFloat = (t: DataType): boolean => t.kind === "DOUBLE" || t.kind === "FLOAT";
const isNumericType = (t: DataType): boolean => isInt(t) || isFloat(t) || t.kind === "DECIMAL";

/** Java's two's-complement overflow of an integer type. */
function wrap(v: bigint, kind: string): bigint {
  return BigInt.asIntN(INT_BITS[kind]!, v);
}

function toDec(v: Value, t: DataType): D.Dec {
  if (t.kind === "DECIMAL") return v as D.Dec;
  if (isInt(t)) return D.fromBigint(v as bigint);
  return unsupported(`exact arithmetic on ${t.kind}`);
}

function toDouble(v: Value, t: DataType): number {
  if (isFloat(t)) return v as number;
  if (t.kind === "DECIMAL") return D.toDouble(v as D.Dec);
  if (isInt(t)) return Number(v as bigint);
  return unsupported(`${t.kind} as DOUBLE`);
}

/** Java's Double.toString digits as a decimal (what BigDecimal.valueOf(double) reads): JS's shortest text. */
function doubleToDec(x: number): D.Dec {
  if (!Number.isFinite(x)) return unsupported("a non-finite double");
  return D.parseDec(String(x));
}

/** Implicit conversion to a wider type (union columns, CASE and COALESCE results). */
export function convert(v: Value, from: DataType, to: DataType): Value {
  if (v === null) return null;
  if (from.kind === to.kind && to.kind !== "DECIMAL") return v;
  if (to.kind === "DECIMAL") return D.fit(toDec(v, from), to.precision, to.scale);
  if (isFloat(to) && isNumericType(from)) return toDouble(v, from);
  if (isInt(to) && isInt(from)) return wrap(v as bigint, to.kind);
  if (to.kind === "STRING" && from.kind === "STRING") return v;
  if (to.kind === "TIMESTAMP" && from.kind === "TIMESTAMP") return v;
  return unsupported(`converting ${from.kind} to ${to.kind}`);
}

function cast(v: Value, from: DataType, to: DataType): Value {
  if (v === null) return null;
  if (to.kind === "STRING") {
    if (from.kind === "STRING") return v;
    if (isInt(from)) return (v as bigint).toString();
    if (from.kind === "DECIMAL") return D.toPlain(v as D.Dec);
    return unsupported(`CAST(${from.kind} AS STRING)`);
  }
  if (to.kind === "DATE") {
    if (from.kind === "TIMESTAMP") return Math.floor((v as number) / DAY);
    if (from.kind === "DATE") return v;
    return unsupported(`CAST(${from.kind} AS DATE)`);
  }
  if (isInt(to)) {
    if (isInt(from)) return wrap(v as bigint, to.kind);
    if (from.kind === "DECIMAL") return wrap(D.truncate(v as D.Dec), to.kind);
    if (isFloat(from)) {
      const x = v as number;
      if (Math.abs(x) >= 2 ** 31) unsupported("a DOUBLE too large for an integer cast");
      return BigInt(Math.trunc(x));
    }
    return unsupported(`CAST(${from.kind} AS ${to.kind})`);
  }
  if (to.kind === "DECIMAL") {
    if (isFloat(from)) return D.fit(doubleToDec(v as number), to.precision, to.scale);
    if (isInt(from) || from.kind === "DECIMAL") return D.fit(toDec(v, from), to.precision, to.scale);
    return unsupported(`CAST(${from.kind} AS DECIMAL)`);
  }
  if (isFloat(to) && isNumericType(from)) return toDouble(v, from);
  if (to.kind === from.kind) return v;
  return unsupported(`CAST(${from.kind} AS ${to.kind})`);
}

/** Compares two non-null values of comparable types: numbers by value, strings by UTF-8 bytes. */
function compare(a: Value, ta: DataType, b: Value, tb: DataType): number {
  if (isNumericType(ta) && isNumericType(tb)) {
    if (isFloat(ta) || isFloat(tb)) {
      const x = toDouble(a, ta);
      const y = toDouble(b, tb);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return D.cmp(toDec(a, ta), toDec(b, tb));
  }
  if (ta.kind === "STRING" && tb.kind === "STRING") return Buffer.compare(Buffer.from(a as string, "utf8"), Buffer.from(b as string, "utf8"));
  if (ta.kind === "BOOLEAN" && tb.kind === "BOOLEAN") return Number(a) - Number(b);
  if ((ta.kind === "TIMESTAMP" && tb.kind === "TIMESTAMP") || (ta.kind === "DATE" && tb.kind === "DATE")) return (a as number) - (b as number);
  return unsupported(`comparing ${ta.kind} with ${tb.kind}`);
}

function likeRegex(pattern: string): RegExp {
  if (pattern.includes("\\")) unsupported("LIKE with a backslash");
  const body = [...pattern].map((c) => (c === "%" ? "[\\s\\S]*" : c === "_" ? "[\\s\\S]" : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "u");
}

/** Flink's SUBSTRING (BinaryStringDataUtil.substringSQL): 1-based; 0 starts at the first character, a negative start counts from the end. */
function substring(s: string, pos: number, length: number | null): string | null {
  if (length !== null && length < 0) return null;
  const chars = [...s];
  if (chars.length === 0) return "";
  let start: number;
  if (pos > 0) {
    start = pos - 1;
    if (start >= chars.length) return "";
  } else if (pos < 0) {
    start = chars.length + pos;
    if (start < 0) return "";
  } else start = 0;
  const end = length === null || chars.length - start < length ? chars.length : start + length;
  return chars.slice(start, end).join("");
}

/** JSON_VALUE(s, '$.a') in lax mode with NULL ON EMPTY / ON ERROR: a scalar's text, else NULL. */
function jsonValue(s: string, path: string): string | null {
  const m = /^\$\.([a-z]+)$/.exec(path);
  if (!m) return unsupported(`JSON path ${path}`);
  let doc: unknown;
  try {
    doc = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return null;
  const v = (doc as Record<string, unknown>)[m[1]!];
  if (v === undefined || v === null || typeof v === "object") return null;
  if (typeof v === "number" && !Number.isInteger(v)) unsupported("JSON_VALUE of a fractional number");
  return String(v);
}

function literal(e: Extract<ExprNode, { kind: "literal" }>): Value {
  const v = e.value;
  if (v === null) return null;
  if (typeof v === "boolean") return v;
  const t = e.type;
  if (isInt(t)) return BigInt(v);
  if (t.kind === "DECIMAL") return D.parseDec(v);
  if (isFloat(t)) return Number(v);
  if (t.kind === "STRING") return v;
  if (t.kind === "TIMESTAMP") return parseTimestamp(v);
  return unsupported(`${t.kind} literals`);
}

const truth = (v: Value): boolean | null => (v === null ? null : (v as boolean));

function and(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function or(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

const not = (a: boolean | null): boolean | null => (a === null ? null : !a);

function arithmetic(op: "+" | "-" | "*" | "/" | "%", a: Value, ta: DataType, b: Value, tb: DataType, t: DataType): Value {
  if (a === null || b === null) return null;
  if (isFloat(t)) {
    const x = toDouble(a, ta);
    const y = toDouble(b, tb);
    if ((op === "/" || op === "%") && y === 0) unsupported("division by zero");
    const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
    return Object.is(r, -0) ? 0 : r;
  }
  if (t.kind === "DECIMAL") {
    const x = toDec(a, ta);
    const y = toDec(b, tb);
    if ((op === "/" || op === "%") && D.isZero(y)) unsupported("division by zero");
    const r = op === "+" ? D.add(x, y) : op === "-" ? D.sub(x, y) : op === "*" ? D.mul(x, y) : op === "/" ? D.divide(x, y) : D.remainder(x, y);
    return D.fit(r, t.precision, t.scale);
  }
  if (isInt(t)) {
    if (!isInt(ta) || !isInt(tb)) unsupported(`integer ${op} of ${ta.kind} and ${tb.kind}`);
    const x = a as bigint;
    const y = b as bigint;
    if ((op === "/" || op === "%") && y === 0n) unsupported("division by zero");
    // bigint / and % truncate toward zero, as Java's do.
    const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
    return wrap(r, t.kind);
  }
  return unsupported(`arithmetic to ${t.kind}`);
}

/** ROUND(v, digits) to the plan's result type `rt` (for a DECIMAL to fewer digits: that scale, one more integer digit). */
function roundValue(v: Value, t: DataType, digits: number, rt: DataType): Value {
  if (v === null) return null;
  if (isInt(t)) return digits >= 0 ? v : unsupported("ROUND of an integer to negative digits");
  if (t.kind === "DECIMAL") {
    if (rt.kind !== "DECIMAL") return unsupported(`ROUND of a DECIMAL to ${rt.kind}`);
    const d = v as D.Dec;
    // DecimalDataUtils.sround: HALF_UP at `digits` (nothing to do when digits >= scale).
    return D.fit(digits >= d.s ? d : D.setScale(d, digits), rt.precision, rt.scale);
  }
  if (isFloat(t)) {
    // SqlFunctionUtils.sround(double): BigDecimal.valueOf(x) rounded HALF_UP, back to double.
    return D.toDouble(D.setScale(doubleToDec(v as number), digits));
  }
  return unsupported(`ROUND of ${t.kind}`);
}

export function evalExpr(e: ExprNode, row: Row): Value {
  switch (e.kind) {
    case "column": {
      const v = row[e.input === 1 && RIGHT + e.name in row ? RIGHT + e.name : e.name];
      if (v === undefined) throw new Error(`no column ${e.name} in row ${Object.keys(row).join(",")}`);
      return v;
    }
    case "literal":
      return literal(e);
    case "cast":
      return cast(evalExpr(e.expr, row), e.expr.type, e.type);
    case "case": {
      for (const b of e.branches) {
        if (evalExpr(b.when, row) === true) return convert(evalExpr(b.then, row), b.then.type, e.type);
      }
      return e.otherwise ? convert(evalExpr(e.otherwise, row), e.otherwise.type, e.type) : null;
    }
    case "call":
      return evalCall(e.op, e.args, e.type, row);
  }
}

function evalCall(op: CallOp, args: readonly ExprNode[], t: DataType, row: Row): Value {
  const arg = (i: number): Value => evalExpr(args[i]!, row);
  const type = (i: number): DataType => args[i]!.type;
  const unit = (): string => String((args[1] as Extract<ExprNode, { kind: "literal" }>).value);
  const intArg = (i: number): number => Number(evalExpr(args[i]!, row) as bigint);
  switch (op) {
    case "=":
    case "<>":
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const a = arg(0);
      const b = arg(1);
      if (a === null || b === null) return null;
      const c = compare(a, type(0), b, type(1));
      return op === "=" ? c === 0 : op === "<>" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(op, arg(0), type(0), arg(1), type(1), t);
    case "AND":
      // Both sides are evaluated: SQL has no short-circuit semantics, and evaluating cannot fail here.
      return and(truth(arg(0)), truth(arg(1)));
    case "OR":
      return or(truth(arg(0)), truth(arg(1)));
    case "NOT":
      return not(truth(arg(0)));
    case "NEGATE": {
      const a = arg(0);
      if (a === null) return null;
      if (isInt(t)) return wrap(-(a as bigint), t.kind);
      if (t.kind === "DECIMAL") return D.neg(a as D.Dec);
      if (isFloat(t)) return (a as number) === 0 ? 0 : -(a as number);
      return unsupported(`NEGATE of ${t.kind}`);
    }
    case "ABS": {
      const a = arg(0);
      if (a === null) return null;
      if (isInt(t)) return wrap((a as bigint) < 0n ? -(a as bigint) : (a as bigint), t.kind);
      if (t.kind === "DECIMAL") return (a as D.Dec).u < 0n ? D.neg(a as D.Dec) : a;
      if (isFloat(t)) return Math.abs(a as number);
      return unsupported(`ABS of ${t.kind}`);
    }
    case "ROUND":
      return roundValue(arg(0), type(0), args.length > 1 ? intArg(1) : 0, t);
    case "IS NULL":
      return arg(0) === null;
    case "IS NOT NULL":
      return arg(0) !== null;
    case "IN":
    case "NOT IN": {
      const a = arg(0);
      let result: boolean | null = false;
      if (a === null) result = null;
      else {
        for (let i = 1; i < args.length; i++) {
          const b = arg(i);
          if (b === null) result = result === true ? true : null;
          else if (compare(a, type(0), b, type(i)) === 0) result = true;
        }
      }
      return op === "IN" ? result : not(result);
    }
    case "BETWEEN": {
      const a = arg(0);
      const lo = arg(1);
      const hi = arg(2);
      const ge = a === null || lo === null ? null : compare(a, type(0), lo, type(1)) >= 0;
      const le = a === null || hi === null ? null : compare(a, type(0), hi, type(2)) <= 0;
      return and(ge, le);
    }
    case "LIKE": {
      const a = arg(0);
      const p = arg(1);
      if (a === null || p === null) return null;
      return likeRegex(p as string).test(a as string);
    }
    case "UPPER":
    case "LOWER":
    case "TRIM":
    case "CHAR_LENGTH": {
      const a = arg(0) as string | null;
      if (a === null) return null;
      if (op === "UPPER") return a.toUpperCase();
      if (op === "LOWER") return a.toLowerCase();
      if (op === "TRIM") return a.replace(/^ +| +$/g, "");
      return BigInt([...a].length);
    }
    case "SUBSTRING": {
      const s = arg(0) as string | null;
      const pos = arg(1);
      const len = args.length > 2 ? arg(2) : undefined;
      if (s === null || pos === null || len === null) return null;
      return substring(s, Number(pos as bigint), len === undefined ? null : Number(len as bigint));
    }
    case "CONCAT": {
      const parts = args.map((_, i) => arg(i));
      return parts.some((p) => p === null) ? null : parts.join("");
    }
    case "COALESCE": {
      for (let i = 0; i < args.length; i++) {
        const v = arg(i);
        if (v !== null) return convert(v, type(i), t);
      }
      return null;
    }
    case "FLOOR_TO":
    case "CEIL_TO": {
      const a = arg(0);
      if (a === null) return null;
      if (type(0).kind !== "TIMESTAMP") unsupported(`${op} of ${type(0).kind}`);
      return op === "FLOOR_TO" ? floorTime(a as number, unit()) : ceilTime(a as number, unit());
    }
    case "EXTRACT": {
      const a = arg(0);
      if (a === null) return null;
      if (type(0).kind !== "TIMESTAMP") unsupported(`EXTRACT from ${type(0).kind}`);
      return extract(a as number, unit());
    }
    case "DATE_FORMAT": {
      const a = arg(0);
      const p = arg(1);
      if (a === null || p === null) return null;
      if (type(0).kind !== "TIMESTAMP") unsupported(`DATE_FORMAT of ${type(0).kind}`);
      return dateFormat(a as number, p as string);
    }
    case "TO_DATE": {
      const a = arg(0);
      return a === null ? null : cast(a, type(0), { kind: "DATE", nullable: true });
    }
    case "JSON_VALUE": {
      const a = arg(0);
      const p = arg(1);
      if (a === null || p === null) return null;
      return jsonValue(a as string, p as string);
    }
    case "CURRENT_TIMESTAMP":
      return unsupported("CURRENT_TIMESTAMP (processing time)");
    case "MD5":
    case "SHA1":
    case "SHA256":
    case "SHA2": {
      const a = arg(0);
      if (a === null) return null;
      const algorithm = op === "SHA2" ? `sha${intArg(1)}` : op.toLowerCase();
      return createHash(algorithm).update(a as string, "utf8").digest("hex");
    }
    case "PLUS_INTERVAL":
    case "MINUS_INTERVAL": {
      const a = arg(0);
      if (a === null) return null;
      const ms = Number((args[1] as Extract<ExprNode, { kind: "literal" }>).value) * (op === "PLUS_INTERVAL" ? 1 : -1);
      if (type(0).kind === "TIMESTAMP") return (a as number) + ms;
      if (type(0).kind === "DATE") return (a as number) + ms / 86_400_000;
      return unsupported(`${op} of ${type(0).kind}`);
    }
    case "TIMESTAMPDIFF":
    case "TIMESTAMPADD":
    case "JSON_OBJECT":
    case "JSON_STRING":
    case "FUNCTION":
      return unsupported(op);
  }
}

// ---- aggregates ------------------------------------------------------------------------------

function aggregate(a: AggregateCall, rows: readonly Row[]): Value {
  const value = a.args[0];
  if (value === undefined) return BigInt(rows.length); // COUNT(*)
  const at = value.type;
  const values = rows.map((r) => evalExpr(value, r)).filter((v) => v !== null);
  switch (a.fn) {
    case "COUNT":
      return BigInt(values.length);
    case "COUNT_DISTINCT":
      return BigInt(new Set(values.map((v) => valueKey(v, at))).size);
    case "SUM": {
      if (values.length === 0) return null;
      const t = a.type;
      if (isInt(t)) return values.reduce<bigint>((s, v) => wrap(s + (v as bigint), t.kind), 0n);
      if (isFloat(t)) return values.reduce<number>((s, v) => s + (v as number), 0);
      if (t.kind === "DECIMAL") return D.fit(values.reduce<D.Dec>((s, v) => D.add(s, v as D.Dec), D.dec(0n, 0)), t.precision, t.scale);
      return unsupported(`SUM to ${t.kind}`);
    }
    case "AVG": {
      if (values.length === 0) return null;
      const t = a.type;
      const n = BigInt(values.length);
      // AvgAggFunction: CAST(sum / count AS result type), the sum kept as BIGINT / DOUBLE / DECIMAL(38, s).
      if (isInt(t)) return wrap(values.reduce<bigint>((s, v) => wrap(s + (v as bigint), "BIGINT"), 0n) / n, t.kind);
      if (isFloat(t)) return values.reduce<number>((s, v) => s + (v as number), 0) / values.length;
      if (t.kind === "DECIMAL" && at.kind === "DECIMAL") {
        const sum = D.fit(values.reduce<D.Dec>((s, v) => D.add(s, v as D.Dec), D.dec(0n, 0)), 38, at.scale);
        if (sum === null) return null;
        return D.fit(D.divide(sum, D.fromBigint(n)), t.precision, t.scale);
      }
      return unsupported(`AVG to ${t.kind}`);
    }
    case "MIN":
    case "MAX": {
      if (values.length === 0) return null;
      let best = values[0]!;
      for (const v of values.slice(1)) {
        const c = compare(v, at, best, at);
        if (a.fn === "MIN" ? c < 0 : c > 0) best = v;
      }
      return best;
    }
    case "FIRST_VALUE":
      return values.length === 0 ? null : values[0]!;
    case "LAST_VALUE":
      return values.length === 0 ? null : values[values.length - 1]!;
    case "LISTAGG":
      return values.length === 0 ? null : values.join(String(evalExpr(a.args[1]!, {})));
    case "STDDEV_POP":
    case "STDDEV_SAMP":
    case "VAR_POP":
    case "VAR_SAMP":
    case "ARRAY_AGG":
      return unsupported(a.fn);
  }
}

// ---- keys and canonical text -----------------------------------------------------------------

/** One text per value of a type (DECIMAL without trailing zeros, times as ISO text): for keys and comparisons. */
export function valueKey(v: Value, t: DataType): string {
  if (v === null) return "null";
  if (t.kind === "DECIMAL") return D.canonical(v as D.Dec);
  if (isInt(t)) return (v as bigint).toString();
  if (isFloat(t)) return String(v as number);
  if (t.kind === "TIMESTAMP") return formatTimestamp(v as number);
  if (t.kind === "DATE") return formatDate(v as number);
  if (t.kind === "STRING") return JSON.stringify(v);
  return String(v);
}

function rowKey(parts: readonly [Value, DataType][]): string {
  return parts.map(([v, t]) => valueKey(v, t)).join("\u0000");
}
