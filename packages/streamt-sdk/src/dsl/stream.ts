import type { PlanNode } from "../ir/plan-node.js";
import type { ExprNode } from "../ir/expr-node.js";
import type { WindowSpec } from "../ir/window-spec.js";
import { filterNode } from "../ir/nodes/filter-node.js";
import { projectNode, type ProjectedColumn } from "../ir/nodes/project-node.js";
import { unionNode } from "../ir/nodes/union-node.js";
import { requireWindowable, windowAggregateNode } from "../ir/nodes/window-aggregate-node.js";
import { aggregateNode } from "../ir/nodes/aggregate-node.js";
import { deduplicateNode } from "../ir/nodes/deduplicate-node.js";
import { topNNode, type OrderKey } from "../ir/nodes/top-n-node.js";
import { intervalJoinNode } from "../ir/nodes/interval-join-node.js";
import { temporalJoinNode } from "../ir/nodes/temporal-join-node.js";
import { windowJoinNode } from "../ir/nodes/window-join-node.js";
import { joinNode } from "../ir/nodes/join-node.js";
import type { JoinType, KeyPair } from "../ir/nodes/join-common.js";
import type { NodeOrigin } from "../ir/nodes/node-checks.js";
import type { Column } from "../ir/node-base.js";
import { withNullable } from "../ir/data-type.js";
import { BuildErrorCode, JS_OPERATOR_HINT, StreamtError } from "../errors.js";
import { aggregateRequests, type AggCols, type AggSpecs, type CheckAggs } from "./aggregates.js";
import { callSite } from "./call-site.js";
import { formatDuration, parseDuration, parsePositiveDuration, type Duration } from "./duration.js";
import { z } from "zod";
import { durationSchema, parseOptions } from "./options.js";

const windowOptions = z.strictObject({ allowedLateness: durationSchema.optional() });
/** hop({ size, slide }) / cumulate({ step, maxSize }): an object where a duration (a string or number) would be. */
const isOptionsObject = (v: unknown): boolean => typeof v === "object" && v !== null;

/** The durations of hop({ size, slide }) or cumulate({ step, maxSize }): both keys, and no other. */
function namedWindow<K extends string>(v: unknown, keys: readonly [K, K], what: string): Record<K, unknown> {
  const given = v as Record<string, unknown>;
  const form = `${what}({ ${keys.join(", ")} })`;
  const unknown = Object.keys(given).filter((k) => !(keys as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${what}(): unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`, hint: `${form} takes ${keys.join(" and ")}` });
  }
  const missing = keys.find((k) => given[k] === undefined);
  if (missing) throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${what}(): '${missing}' is missing`, hint: `${form} takes ${keys.join(" and ")}` });
  return given as Record<K, unknown>;
}
import { exprNode, isExpr, rowExprs, runCallback, type AnyExpr, type ExprBase, type ColOf, type Expr, type RowExprs } from "./expr.js";
import type { Col, NumericKind, Row, TimestampKind } from "./schema.js";
import type { TypeKind } from "../ir/data-type.js";
import { buildCheck, type CheckFailureRow, type CheckOptions, type CheckRules } from "./check.js";
import { lateRecordsNode } from "./late.js";
import { makeSink, type KafkaSinkOptions, type Sink, type SinkOptions, type UpsertKafkaSinkOptions } from "./sink.js";
import type { Simplify, StreamtTypeError } from "./type-error.js";

// ---- static traits ---------------------------------------------------------------------------

/** What the types know of a stream beyond its columns. */
export interface Traits {
  /** append: every row is final; updating: rows are revised (needs an upsert sink). */
  readonly changelog: "append" | "updating";
  /** unbounded: state grows with the keys unless a TTL bounds it. */
  readonly state: "bounded" | "unbounded";
}
export type Append = { readonly changelog: "append"; readonly state: "bounded" };
type Updating<S extends Traits["state"]> = { readonly changelog: "updating"; readonly state: S };
type Merge<A extends Traits, B extends Traits> = {
  readonly changelog: "updating" extends A["changelog"] | B["changelog"] ? "updating" : "append";
  readonly state: "unbounded" extends A["state"] | B["state"] ? "unbounded" : "bounded";
};
/** A join's own TTL cannot bound state an input already keeps without one. */
type JoinState<T extends Traits, T2 extends Traits, TTL> = "unbounded" extends T["state"] | T2["state"] ? "unbounded" : [TTL] extends [JoinTtl] ? "bounded" : "unbounded";
type TtlState<O> = O extends { readonly ttl: Duration | { readonly left: Duration; readonly right: Duration } } ? "bounded" : "unbounded";

export type RowtimeKey<R extends Row> = { [K in keyof R]: R[K]["__time"] extends "rowtime" ? K : never }[keyof R];
type HasRowtime<R extends Row> = [RowtimeKey<R>] extends [never] ? false : true;
type RowtimeKind<R extends Row> = R[RowtimeKey<R>]["__kind"] extends "TIMESTAMP_LTZ" ? "TIMESTAMP_LTZ" : "TIMESTAMP";
type IsAppend<T extends Traits> = T["changelog"] extends "append" ? true : false;

/** Parameter type that becomes a readable error when `Ok` is false. */
type Guard<Ok extends boolean, Message extends string, P> = Ok extends true ? P : StreamtTypeError<Message>;

type WindowOk<R extends Row, T extends Traits> = HasRowtime<R> extends true ? IsAppend<T> : false;
type WindowMessage<R extends Row, M extends string> = HasRowtime<R> extends true
  ? `${M}() needs an append-only stream; window before aggregating, joining or deduplicating`
  : `${M}() needs event time: call .eventTime(column).watermark(delay) on the source first`;

/** Time attributes become plain timestamps (after row-number steps, or on the far side of a join). */
export type PlainRow<R extends Row> = { readonly [K in keyof R]: Col<R[K]["__kind"], R[K]["__nullable"], "none"> };
/** The side an outer join may leave unmatched: plain timestamps, every column nullable. */
type NullablePlainRow<R extends Row> = { readonly [K in keyof R]: Col<R[K]["__kind"], true, "none"> };

export type WindowCols<R extends Row> = {
  readonly window_start: Col<"TIMESTAMP", false, "none">;
  readonly window_end: Col<"TIMESTAMP", false, "none">;
  readonly window_time: Col<RowtimeKind<R> & TimestampKind, false, "rowtime">;
};

type ColsOfExprs<O> = { readonly [K in keyof O]: ColOf<O[K]> };
type Keys<R extends Row> = keyof R & string;

/** Equi-join keys, left column -> right column; each right key must have the left key's type. */
export type JoinOn<L extends Row, R extends Row> = {
  readonly [K in keyof L]?: [KeysOfKind<R, L[K]["__kind"]>] extends [never]
    ? StreamtTypeError<`join key '${K & string}' is ${L[K]["__kind"]} and no column of the other stream has that type`>
    : KeysOfKind<R, L[K]["__kind"]>;
};
type KeysOfKind<R extends Row, Kind> = { [K in keyof R]: R[K]["__kind"] extends Kind ? (Kind extends R[K]["__kind"] ? K : never) : never }[keyof R] & string;

type Projection = Record<string, ExprBase<any>>;

// ---- public builder interfaces ---------------------------------------------------------------

const STREAM = Symbol.for("streamt-sdk.stream");

/**
 * Another stream as a join or union takes it: only its row and traits. Inferring `R2`/`T2` from this
 * narrow type reads two properties; from the whole `Stream` interface (a source's `SourceStream` is a
 * different interface) the checker walked every method's signature, most of a join's type-check cost.
 */
export interface StreamOf<R extends Row, T extends Traits> {
  readonly [STREAM]: true;
  readonly __row?: R;
  readonly __traits?: T;
}

/**
 * A typed stream of rows `R`. Every method returns a new stream over a new plan node; a stream can
 * feed any number of later steps and sinks.
 */
export interface Stream<R extends Row, T extends Traits = Append> {
  readonly [STREAM]: true;
  /** The stable path of this step, e.g. `orders/filter`. */
  readonly path: string;
  /** Phantom: the static row and traits. */
  readonly __row?: R;
  readonly __traits?: T;

  /**
   * Names this step (its path's last segment and its SQL view name). Names keep paths stable when code
   * moves, and tell two similar steps apart.
   */
  as(name: string): Stream<R, T>;

  /**
   * Keeps rows matching the condition.
   * @example orders.filter((o) => o.status.eq("paid"))  // WHERE `status` = 'paid'
   */
  filter(predicate: (row: RowExprs<R>) => Expr<Col<"BOOLEAN", boolean, any>>): Stream<R, T>;

  /**
   * New columns from expressions (a bare column keeps its event-time attribute), or a subset by name.
   * @example orders.select((o) => ({ id: o.order_id, cents: o.amount.mul(100) }))
   */
  select<O extends Projection>(fn: (row: RowExprs<R>) => O): Stream<Simplify<ColsOfExprs<O>>, T>;
  select<K extends Keys<R>>(...columns: K[]): Stream<Simplify<Pick<R, K>>, T>;

  /** Adds (or replaces) computed columns, keeping the others. */
  withColumns<O extends Projection>(fn: (row: RowExprs<R>) => O): Stream<Simplify<Omit<R, keyof O> & ColsOfExprs<O>>, T>;

  /**
   * `UNION ALL` with streams of the same columns (same names, order and types). As in Flink, a column
   * may be nullable on some inputs and NOT NULL on others (nullable in the result), and numeric columns
   * may differ in kind (widened to their common type, e.g. INT and DECIMAL(10, 2) to DECIMAL(12, 2)).
   */
  union<const S extends readonly StreamOf<Row, Traits>[]>(...others: { readonly [I in keyof S]: S[I] & UnionCheck<R, S[I]> }): Stream<UnionRow<R, S[number]>, Merge<T, TraitsOf<S[number]>>>;

  /** Tumbling event-time windows: `TUMBLE(TABLE t, DESCRIPTOR(ts), size)`. */
  tumble(size: Guard<WindowOk<R, T>, WindowMessage<R, "tumble">, Duration>, options?: WindowOptions): WindowedStream<R>;
  /**
   * Sliding windows of `size`, a new one every `slide`: `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`.
   * The size comes first here, the slide first in Flink's SQL; a slide longer than the size is refused
   * as swapped. `hop({ size, slide })` names them.
   * @example orders.hop("1h", "5m")  // 1 h windows, a new one every 5 min: HOP(..., INTERVAL '5' MINUTE, INTERVAL '1' HOUR)
   */
  hop(size: Guard<WindowOk<R, T>, WindowMessage<R, "hop">, Duration>, slide: Duration, options?: WindowOptions): WindowedStream<R>;
  hop(window: Guard<WindowOk<R, T>, WindowMessage<R, "hop">, HopWindow>, options?: WindowOptions): WindowedStream<R>;
  /**
   * Windows growing by `step` up to `maxSize`: `CUMULATE(TABLE t, DESCRIPTOR(ts), step, maxSize)`. A step
   * longer than the max size is refused as swapped. `cumulate({ step, maxSize })` names them.
   * @example orders.cumulate("1h", "1d")  // each day's running totals, updated hourly
   */
  cumulate(step: Guard<WindowOk<R, T>, WindowMessage<R, "cumulate">, Duration>, maxSize: Duration, options?: WindowOptions): WindowedStream<R>;
  cumulate(window: Guard<WindowOk<R, T>, WindowMessage<R, "cumulate">, CumulateWindow>, options?: WindowOptions): WindowedStream<R>;
  /** Session windows closed after `gap` of inactivity per key: `SESSION(TABLE t PARTITION BY keys, ...)`. */
  session(gap: Guard<WindowOk<R, T>, WindowMessage<R, "session">, Duration>, options?: WindowOptions): SessionWindowedStream<R>;

  /** A non-windowed GROUP BY: an updating result keyed by the group keys, whose state needs a TTL. */
  groupBy<K extends Keys<R>>(...keys: K[]): GroupedStream<R, K>;

  /** `SELECT DISTINCT *`: updating, state per distinct row (needs a TTL). */
  distinct<O extends StateOptions = {}>(options?: O): Stream<PlainRow<R>, Updating<TtlState<O>>>;

  /**
   * Keeps the first (or last) row per key by time. Keep-first on a processing-time attribute is
   * append-only; the other forms update. State per key needs a TTL.
   */
  deduplicate<K extends Keys<R>, O extends DedupOptions<K>>(
    options: O,
  ): Stream<PlainRow<R>, DedupTraits<R, T, O>>;

  /** The `n` first rows per partition by an order: an updating result keyed by partition + rank. */
  topN<K extends Keys<R>, O extends TopNOptions<R, K>>(options: O): Stream<Simplify<PlainRow<R> & RankCol<O>>, Updating<TtlState<O>>>;

  /**
   * Joins rows whose event times are within a bound:
   * `right.time BETWEEN left.time + between[0] AND left.time + between[1]`. State lasts only the bound.
   */
  intervalJoin<R2 extends Row, T2 extends Traits, O extends Projection, JT extends "inner" | "left" = "inner">(
    other: StreamOf<R2, T2>,
    options: {
      readonly on: JoinOn<R, R2>;
      readonly between: readonly [Guard<HasRowtime<R> extends true ? HasRowtime<R2> : false, "intervalJoin() needs event time on both streams: declare .eventTime(column).watermark(delay) on their sources", Duration>, Duration];
      readonly type?: JT;
      /** A LEFT join's right side is nullable here. */
      readonly select: (left: RowExprs<R>, right: RowExprs<OuterSide<R2, JT, "left">>) => O;
    },
  ): Stream<Simplify<ColsOfExprs<O>>, Append>;

  /**
   * Enriches each row with the version of a versioned table valid at the row's event time:
   * `JOIN v FOR SYSTEM_TIME AS OF left.time`. The versioned side needs a primary key and event time.
   */
  temporalJoin<R2 extends Row, T2 extends Traits, O extends Projection, JT extends "inner" | "left" = "inner">(
    versioned: StreamOf<R2, T2> & VersionedCheck<R2, T2>,
    options: {
      readonly on: Guard<HasRowtime<R>, "temporalJoin() needs event time on this stream: declare .eventTime(column).watermark(delay) on its source", JoinOn<R, R2>>;
      readonly type?: JT;
      /** A LEFT join's right side is nullable here. */
      readonly select: (left: RowExprs<R>, right: RowExprs<OuterSide<R2, JT, "left">>) => O;
    },
  ): Stream<Simplify<ColsOfExprs<O>>, Append>;

  /**
   * A regular join. Every row of both sides stays in state, so give it a `ttl` (or a pipeline stateTtl).
   * Inner joins of append-only streams are append-only; outer joins update.
   */
  join<R2 extends Row, T2 extends Traits, O extends Projection, JT extends JoinType = "inner", TTL extends JoinTtl | undefined = undefined>(
    other: StreamOf<R2, T2>,
    options: RegularJoinOptions<R, R2, O, JT, TTL>,
  ): Stream<Simplify<ColsOfExprs<O>>, RegularJoinTraits<T, T2, JT, TTL>>;

  /**
   * Data-quality checks in the job (docs/data-quality.md). The stream returned keeps the rows for which
   * every rule is TRUE; each other row becomes one record of `.failures` (test_name, violation_type,
   * violation_details, record as JSON, detected_at), to be written to a topic. A rule on a column passes
   * a NULL value (only notNull fails it); an expr rule fails on NULL.
   * @example
   * const checked = orders.check("orders_quality", { notNull: ["customer"], accepted: { status: ["NEW", "PAID"] }, range: { amount: { min: 0 } } });
   * pipeline("p").write(checked.toKafka("orders.valid"), checked.failures.toKafka("orders.quality-failures"));
   */
  check<const O extends CheckOptions = {}>(
    name: Guard<IsAppend<T>, "check() needs an append-only stream: check before aggregating or joining", string>,
    rules: CheckRules<R>,
    options?: O,
  ): CheckedStream<R, T, O>;

  /**
   * The records that are behind the source's watermark when read (`ts <= CURRENT_WATERMARK(ts)`), the
   * ones a window or interval join after the source may drop unseen: write them to a late topic.
   * On a source with event time, or right after its filters and selects (docs/data-quality.md).
   */
  lateRecords(...needsEventTime: HasRowtime<R> extends true ? [] : [StreamtTypeError<"lateRecords() needs event time: declare .eventTime(column).watermark(delay) on the source">]): Stream<R, Append>;

  /** Writes to an append-only Kafka topic (`connector = kafka`). */
  toKafka(
    topic: Guard<IsAppend<T>, "toKafka() writes append-only topics, and this stream is updating: use toUpsertKafka(topic, { key: [...] })", string>,
    options?: KafkaSinkOptions,
  ): Sink<T, R, never>;
  /** Writes an updating (or append) stream to a compacted topic keyed by `key` (`connector = upsert-kafka`). */
  toUpsertKafka<K extends Keys<R>>(topic: string, options: UpsertKafkaSinkOptions<K>): Sink<T, R, K>;
  /** Prints rows to the task manager's stdout (development). */
  toPrint(options?: SinkOptions): Sink<T, never, never>;
  /** Discards rows (benchmarks, development). */
  toBlackhole(options?: SinkOptions): Sink<T, never, never>;
}

/** A checked stream: the rows that pass, and (unless onFail is "drop") the failure records. */
export type CheckedStream<R extends Row, T extends Traits, O> = Stream<R, T> & {
  readonly failures: O extends { readonly onFail: "drop" } ? StreamtTypeError<'onFail "drop" discards failing rows: there are no failure records'> : Stream<CheckFailureRow, Append>;
};

type RowOf<S> = S extends StreamOf<infer R, any> ? R : never;
type TraitsOf<S> = S extends StreamOf<any, infer T> ? T : never;
/** Union columns must have the same kind, or both be numeric (Flink widens them), and the same time attribute. */
type SameKind<A extends Col, B extends Col> = [A["__time"], B["__time"]] extends [B["__time"], A["__time"]]
  ? [A["__kind"], B["__kind"]] extends [B["__kind"], A["__kind"]]
    ? true
    : [A["__kind"] | B["__kind"]] extends [NumericKind]
      ? true
      : false
  : false;
/** The common type of numeric union columns, as Flink's planner derives it (DECIMAL beside an integer is DECIMAL, FLOAT beside a DECIMAL DOUBLE, ...). */
type UnionKind<K> = [K] extends [NumericKind]
  ? "DOUBLE" extends K
    ? "DOUBLE"
    : "FLOAT" extends K
      ? ("DECIMAL" extends K ? "DOUBLE" : "FLOAT")
      : "DECIMAL" extends K
        ? "DECIMAL"
        : "BIGINT" extends K
          ? "BIGINT"
          : "INT" extends K
            ? "INT"
            : "SMALLINT" extends K
              ? "SMALLINT"
              : K
  : K;
/** Columns of a union input that are missing, extra, or of another type than this stream's (nullability aside). */
type UnionMismatch<R extends Row, R2 extends Row> = {
  [K in keyof R | keyof R2]: K extends keyof R ? (K extends keyof R2 ? (SameKind<R[K], R2[K]> extends true ? never : K) : K) : K;
}[keyof R | keyof R2] & string;
type UnionCheck<R extends Row, S> = [UnionMismatch<R, RowOf<S>>] extends [never]
  ? unknown
  : StreamtTypeError<`union() needs the same columns and types on every input (nullability and numeric kinds may differ): check '${UnionMismatch<R, RowOf<S>>}'`>;
/** A union's columns: numeric kinds widened, nullable when nullable on any input. */
type UnionRow<R extends Row, S> = {
  readonly [K in keyof R]: Col<
    UnionKind<R[K]["__kind"] | RowOf<S>[K & keyof RowOf<S>]["__kind"]> & TypeKind,
    true extends R[K]["__nullable"] | RowOf<S>[K & keyof RowOf<S>]["__nullable"] ? true : false,
    R[K]["__time"]
  >;
};

type VersionedCheck<R2 extends Row, T2 extends Traits> = HasRowtime<R2> extends true
  ? T2["changelog"] extends "updating"
    ? unknown
    : StreamtTypeError<"temporalJoin() needs a versioned table: declare primaryKey on its source">
  : StreamtTypeError<"temporalJoin() needs a versioned table with event time: declare .eventTime(column).watermark(delay) on its source">;

type HasProctime<R extends Row> = [{ [K in keyof R]: R[K]["__time"] extends "proctime" ? K : never }[keyof R]] extends [never] ? false : true;
/** Keep-first on processing time (no event time to order by) is the one append-only deduplication. */
type DedupTraits<R extends Row, T extends Traits, O> = O extends { readonly keep: "last" }
  ? Updating<TtlState<O>>
  : HasRowtime<R> extends true
    ? Updating<TtlState<O>>
    : HasProctime<R> extends true
      ? IsAppend<T> extends true
        ? { readonly changelog: "append"; readonly state: TtlState<O> }
        : Updating<TtlState<O>>
      : Updating<TtlState<O>>;

export interface WindowOptions {
  /**
   * Accept rows this late after the watermark. Flink SQL cannot do this on window TVFs, so synth
   * refuses it (STREAMT-E014) and says what Flink can do; it is here so the intent is explicit.
   */
  readonly allowedLateness?: Duration;
}

/** A hop window by name: `size` long, a new one every `slide`. */
export interface HopWindow {
  readonly size: Duration;
  readonly slide: Duration;
}

/** A cumulate window by name: growing by `step` up to `maxSize`. */
export interface CumulateWindow {
  readonly step: Duration;
  readonly maxSize: Duration;
}

export interface StateOptions {
  /** Per-operator state TTL (Flink's STATE_TTL hint), e.g. "1d". */
  readonly ttl?: Duration;
}

export interface DedupOptions<K extends string> extends StateOptions {
  readonly key: readonly K[];
  /** first (default): the earliest row per key wins; last: the latest replaces it. */
  readonly keep?: "first" | "last";
}

export interface TopNOptions<R extends Row, K extends string> extends StateOptions {
  readonly partitionBy: readonly K[];
  readonly orderBy: readonly { readonly column: Keys<R>; readonly direction?: "asc" | "desc" }[];
  readonly n: number;
  /** Name of the rank column (default `row_num`). */
  readonly rankColumn?: string;
}
type RankCol<O> = { readonly [K in O extends { readonly rankColumn: infer N extends string } ? N : "row_num"]: Col<"BIGINT", false, "none"> };

/**
 * A regular join's options. `type` and `ttl` are their own type parameters, inferred before `select`
 * is typed: the join type decides which side's columns the callback sees as nullable, and `O`, the
 * callback's result, is the output row.
 */
export interface RegularJoinOptions<L extends Row, R extends Row, O extends Projection, JT extends JoinType = JoinType, TTL extends JoinTtl | undefined = JoinTtl | undefined> {
  readonly on: JoinOn<L, R>;
  readonly type?: JT;
  /** State TTL of both sides, or each side's. */
  readonly ttl?: TTL;
  /** The output columns. An outer join's other side is nullable here (LEFT: the right's, RIGHT: the left's, FULL: both). */
  readonly select: (left: RowExprs<OuterSide<L, JT, "right" | "full">>, right: RowExprs<OuterSide<R, JT, "left" | "full">>) => O;
}
export type JoinTtl = Duration | { readonly left: Duration; readonly right: Duration };
/** A side's columns in a join: plain timestamps, and nullable when the join type may leave the side unmatched. */
type OuterSide<R extends Row, JT extends JoinType, NullingTypes extends JoinType> = [Extract<JT, NullingTypes>] extends [never] ? PlainRow<R> : NullablePlainRow<R>;
/** Inner joins of append-only inputs append; outer joins update. State is bounded by a TTL on the join or none needed upstream. */
type RegularJoinTraits<T extends Traits, T2 extends Traits, JT extends JoinType, TTL> = [JT] extends ["inner"]
  ? { changelog: Merge<T, T2>["changelog"]; state: JoinState<T, T2, TTL> }
  : Updating<JoinState<T, T2, TTL>>;

/** A stream cut into windows, waiting for what to compute per window. */
export interface WindowedStream<R extends Row> {
  /** Groups each window's rows by keys. */
  groupBy<K extends Keys<R>>(...keys: K[]): WindowGroupedStream<R, K>;
  /** Aggregates each whole window. */
  aggregate<A extends AggSpecs>(aggs: A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & AggCols<R, A>>, Append>;
  /** The same, the aggregates built from the row's expressions: `aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))`. */
  aggregate<A extends AggSpecs>(build: (row: RowExprs<R>) => A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & AggCols<R, A>>, Append>;
  /** `COUNT(*)` per window, as column `count`. */
  count(): Stream<Simplify<WindowCols<R> & { readonly count: Col<"BIGINT", false, "none"> }>, Append>;
  /** Window deduplication: one row per key per window (append-only; state freed with the window). */
  deduplicate<K extends Keys<R>>(options: { readonly key: readonly K[]; readonly keep?: "first" | "last" }): Stream<Simplify<PlainRow<R> & WindowCols<R>>, Append>;
  /** Window Top-N: the n first rows per partition per window (append-only). */
  topN<K extends Keys<R>, O extends TopNOptions<R, K>>(options: O): Stream<Simplify<PlainRow<R> & WindowCols<R> & RankCol<O>>, Append>;
  /** Window join: rows of both streams in the same window (same window on both sides). */
  join<R2 extends Row, O extends Projection, JT extends JoinType = "inner">(
    other: WindowedStream<R2>,
    options: {
      readonly on: JoinOn<R, R2>;
      readonly type?: JT;
      /** An outer join's other side is nullable here (LEFT: the right's, RIGHT: the left's, FULL: both). */
      readonly select: (left: RowExprs<OuterSide<R & WindowCols<R>, JT, "right" | "full">>, right: RowExprs<OuterSide<R2 & WindowCols<R2>, JT, "left" | "full">>) => O;
    },
  ): Stream<Simplify<ColsOfExprs<O>>, Append>;
}

export interface SessionWindowedStream<R extends Row> {
  /** Sessions per key (Flink partitions the session window by these keys). */
  groupBy<K extends Keys<R>>(...keys: K[]): WindowGroupedStream<R, K>;
  aggregate<A extends AggSpecs>(aggs: A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & AggCols<R, A>>, Append>;
  /** The same, the aggregates built from the row's expressions: `aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))`. */
  aggregate<A extends AggSpecs>(build: (row: RowExprs<R>) => A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & AggCols<R, A>>, Append>;
  count(): Stream<Simplify<WindowCols<R> & { readonly count: Col<"BIGINT", false, "none"> }>, Append>;
}

export interface WindowGroupedStream<R extends Row, K extends Keys<R>> {
  /**
   * One row per key per window, emitted when the watermark passes the window's end.
   * @example .tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") })
   */
  aggregate<A extends AggSpecs>(aggs: A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & PlainRow<Pick<R, K>> & AggCols<R, A>>, Append>;
  /** The same, the aggregates built from the row's expressions: `aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))`. */
  aggregate<A extends AggSpecs>(build: (row: RowExprs<R>) => A & CheckAggs<R, A>): Stream<Simplify<WindowCols<R> & PlainRow<Pick<R, K>> & AggCols<R, A>>, Append>;
  /** `COUNT(*)` per key per window, as column `count`. */
  count(): Stream<Simplify<WindowCols<R> & PlainRow<Pick<R, K>> & { readonly count: Col<"BIGINT", false, "none"> }>, Append>;
}

export interface GroupedStream<R extends Row, K extends Keys<R>> {
  /**
   * A running aggregate per key: updating, keyed by the group keys. Give it a `ttl` or a pipeline stateTtl.
   * @example .groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "7d" })
   */
  aggregate<A extends AggSpecs, O extends StateOptions = {}>(aggs: A & CheckAggs<R, A>, options?: O): Stream<Simplify<PlainRow<Pick<R, K>> & AggCols<R, A>>, Updating<TtlState<O>>>;
  /** The same, the aggregates built from the row's expressions: `aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))`. */
  aggregate<A extends AggSpecs, O extends StateOptions = {}>(build: (row: RowExprs<R>) => A & CheckAggs<R, A>, options?: O): Stream<Simplify<PlainRow<Pick<R, K>> & AggCols<R, A>>, Updating<TtlState<O>>>;
  count<O extends StateOptions = {}>(options?: O): Stream<Simplify<PlainRow<Pick<R, K>> & { readonly count: Col<"BIGINT", false, "none"> }>, Updating<TtlState<O>>>;
}

// ---- run time --------------------------------------------------------------------------------

export function isStream(v: unknown): v is Stream<Row, Traits> {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[STREAM] === true;
}

const STEP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `path`: the stream the name is given on, for a name checked outside a step (as(), check()). */
export function checkName(name: unknown, what: string, path: string | null = null): string {
  if (typeof name !== "string" || !STEP_NAME.test(name) || name.length > 100) {
    throw new StreamtError({
      code: BuildErrorCode.invalidName,
      message: `invalid ${what} ${JSON.stringify(name)}`,
      hint: "use letters, digits, '_', '.', '-' (at most 100 characters), starting with a letter, digit or '_'",
      path,
      site: callSite(),
    });
  }
  return name;
}

/** Runs a builder step, attaching the user's call site to any build error it raises. */
function atSite<X>(origin: NodeOrigin, build: () => X): X {
  try {
    return build();
  } catch (e) {
    if (e instanceof StreamtError && (e.site === null || e.path === null)) {
      throw new StreamtError({ code: e.code, message: e.message, hint: e.hint, path: e.path ?? origin.path, site: e.site ?? origin.site });
    }
    throw e;
  }
}

function projection(out: unknown, where: string): ProjectedColumn[] {
  if (typeof out !== "object" || out === null || Array.isArray(out)) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where} must return an object of columns`, hint: "e.g. (o) => ({ id: o.order_id })" });
  }
  return Object.entries(out).map(([name, e]) => {
    if (typeof e === "boolean") {
      throw new StreamtError({
        code: BuildErrorCode.jsOperatorOnExpr,
        message: `${where}: column '${name}' is the JavaScript value ${e}, not an expression: JavaScript's ! makes any expression false`,
        hint: JS_OPERATOR_HINT,
      });
    }
    if (!isExpr(e)) {
      throw new StreamtError({
        code: BuildErrorCode.invalidArgument,
        message: `${where}: column '${name}' is not an expression`,
        hint: "use a column (o.amount), an operation (o.amount.mul(2)) or lit(value)",
      });
    }
    return { name: checkName(name, "column name"), expr: exprNode(e) };
  });
}

function keyPairs(on: unknown): KeyPair[] {
  if (typeof on !== "object" || on === null) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "join `on` must map left keys to right keys", hint: "e.g. on: { order_id: 'order_id' }" });
  }
  return Object.entries(on as Record<string, unknown>).map(([left, right]) => {
    if (typeof right !== "string") {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `join key '${left}' must map to a right column name`, hint: "e.g. on: { order_id: 'order_id' }" });
    }
    return { left, right };
  });
}

function optionalTtl(options: { ttl?: unknown } | undefined, what: string): number | null {
  return options?.ttl === undefined ? null : parsePositiveDuration(options.ttl, `${what} ttl`);
}

export class StreamImpl {
  readonly [STREAM] = true as const;
  constructor(readonly node: PlanNode) {}

  get path(): string {
    return this.node.path;
  }

  protected origin(step: string): NodeOrigin {
    return { path: `${this.node.path}/${step}`, site: callSite() };
  }

  protected next(step: string, build: (origin: NodeOrigin) => PlanNode): StreamImpl {
    const origin = this.origin(step);
    return new StreamImpl(atSite(origin, () => build(origin)));
  }

  as(name: string): StreamImpl {
    checkName(name, "step name", this.node.path);
    if (this.node.kind === "source") {
      throw new StreamtError({
        code: BuildErrorCode.invalidArgument,
        message: `as() cannot rename source '${this.node.name}'`,
        hint: "a source is named by source(name, ...); as() names the steps after it",
        site: callSite(),
        path: this.node.path,
      });
    }
    const parent = this.node.path.slice(0, this.node.path.lastIndexOf("/"));
    return new StreamImpl({ ...this.node, path: `${parent}/${name}` } as PlanNode);
  }

  filter(predicate: (row: RowExprs<Row>) => unknown): StreamImpl {
    return this.next("filter", (o) => {
      const cond = runCallback("filter()", () => predicate(rowExprs(this.node.schema, 0, `filter() at ${o.path}`)));
      if (typeof cond === "boolean") {
        throw new StreamtError({
          code: BuildErrorCode.jsOperatorOnExpr,
          message: `filter() must return a condition expression, not the JavaScript value ${cond}: JavaScript's ! makes any expression false`,
          hint: JS_OPERATOR_HINT,
        });
      }
      if (!isExpr(cond)) {
        throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "filter() must return a condition expression", hint: "e.g. (o) => o.status.eq('paid')" });
      }
      return filterNode(o, this.node, exprNode(cond));
    });
  }

  select(...args: unknown[]): StreamImpl {
    return this.next("select", (o) => {
      if (typeof args[0] === "function") {
        const fn = args[0] as (r: RowExprs<Row>) => unknown;
        const out = runCallback("select()", () => fn(rowExprs(this.node.schema, 0, `select() at ${o.path}`)));
        return projectNode(o, this.node, projection(out, "select()"));
      }
      const row = rowExprs(this.node.schema, 0, `select() at ${o.path}`);
      const columns = args.map((name) => {
        if (typeof name !== "string") throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "select() takes column names or a function", hint: "e.g. select('a', 'b') or select((o) => ({ a: o.a }))" });
        return { name, expr: exprNode(row[name] as unknown as AnyExpr) };
      });
      return projectNode(o, this.node, columns);
    });
  }

  withColumns(fn: (row: RowExprs<Row>) => unknown): StreamImpl {
    return this.next("with-columns", (o) => {
      const row = rowExprs(this.node.schema, 0, `withColumns() at ${o.path}`);
      const added = projection(runCallback("withColumns()", () => fn(row)), "withColumns()");
      const addedNames = new Set(added.map((c) => c.name));
      const kept = this.node.schema
        .filter((c) => !addedNames.has(c.name))
        .map((c) => ({ name: c.name, expr: exprNode(row[c.name] as unknown as AnyExpr) }));
      return projectNode(o, this.node, [...kept, ...added]);
    });
  }

  union(...others: unknown[]): StreamImpl {
    return this.next("union", (o) => unionNode(o, [this.node, ...others.map((s) => streamNode(s, "union()"))]));
  }

  private window(spec: (timeColumn: string) => WindowSpec, what: string, options?: WindowOptions): WindowedStreamImpl {
    const origin = this.origin(what);
    const rowtime = this.node.time.rowtime;
    if (!rowtime) {
      throw new StreamtError({
        code: BuildErrorCode.missingTimeAttribute,
        message: `${what}() needs event time, and ${this.node.path} has none`,
        hint: "declare .eventTime(column).watermark(delay) on the source, and keep that column in every select()",
        path: origin.path,
        site: origin.site,
      });
    }
    const window = atSite(origin, () => {
      const o = parseOptions(windowOptions, options, `${what}()`, origin.path);
      const base = spec(rowtime);
      const w: WindowSpec = o.allowedLateness === undefined ? base : { ...base, allowedLatenessMs: parsePositiveDuration(o.allowedLateness, `${what} allowedLateness`) };
      requireWindowable(origin, this.node, w);
      return w;
    });
    return new WindowedStreamImpl(this.node, window, origin.site);
  }

  tumble(size: unknown, options?: WindowOptions): WindowedStreamImpl {
    return this.window((timeColumn) => ({ kind: "tumble", timeColumn, sizeMs: positive(size, "tumble size") }), "tumble", options);
  }
  hop(size: unknown, slide?: unknown, options?: WindowOptions): WindowedStreamImpl {
    const named = isOptionsObject(size);
    return this.window((timeColumn) => {
      const w = named ? namedWindow(size, ["size", "slide"], "hop") : { size, slide };
      const sizeMs = positive(w.size, "hop size");
      const slideMs = positive(w.slide, "hop slide");
      if (slideMs > sizeMs) {
        throw new StreamtError({
          code: BuildErrorCode.invalidArgument,
          message: `hop window size ${formatDuration(sizeMs)} is shorter than its slide ${formatDuration(slideMs)}: did you swap them? hop() takes the size first (Flink's HOP(..., slide, size) the other way round)`,
          hint: `for ${formatDuration(slideMs)} windows starting every ${formatDuration(sizeMs)}, write hop("${formatDuration(slideMs)}", "${formatDuration(sizeMs)}") or hop({ size: "${formatDuration(slideMs)}", slide: "${formatDuration(sizeMs)}" })`,
        });
      }
      if (sizeMs % slideMs !== 0) {
        throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `hop size (${sizeMs} ms) must be a whole multiple of the slide (${slideMs} ms)`, hint: "Flink requires it; e.g. hop('1h', '1m')" });
      }
      return { kind: "hop", timeColumn, sizeMs, slideMs };
    }, "hop", (named ? slide : options) as WindowOptions | undefined);
  }
  cumulate(step: unknown, maxSize?: unknown, options?: WindowOptions): WindowedStreamImpl {
    const named = isOptionsObject(step);
    return this.window((timeColumn) => {
      const w = named ? namedWindow(step, ["step", "maxSize"], "cumulate") : { step, maxSize };
      const stepMs = positive(w.step, "cumulate step");
      const maxSizeMs = positive(w.maxSize, "cumulate max size");
      if (stepMs > maxSizeMs) {
        throw new StreamtError({
          code: BuildErrorCode.invalidArgument,
          message: `cumulate step ${formatDuration(stepMs)} is longer than its max size ${formatDuration(maxSizeMs)}: did you swap them? cumulate() takes the step first`,
          hint: `for windows growing by ${formatDuration(maxSizeMs)} up to ${formatDuration(stepMs)}, write cumulate("${formatDuration(maxSizeMs)}", "${formatDuration(stepMs)}") or cumulate({ step: "${formatDuration(maxSizeMs)}", maxSize: "${formatDuration(stepMs)}" })`,
        });
      }
      if (maxSizeMs % stepMs !== 0) {
        throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `cumulate max size (${maxSizeMs} ms) must be a whole multiple of the step (${stepMs} ms)`, hint: "Flink requires it; e.g. cumulate('1h', '1d')" });
      }
      return { kind: "cumulate", timeColumn, stepMs, maxSizeMs };
    }, "cumulate", (named ? maxSize : options) as WindowOptions | undefined);
  }
  session(gap: unknown, options?: WindowOptions): WindowedStreamImpl {
    return this.window((timeColumn) => ({ kind: "session", timeColumn, gapMs: positive(gap, "session gap"), partitionBy: [] }), "session", options);
  }

  groupBy(...keys: string[]): GroupedStreamImpl {
    return new GroupedStreamImpl(this, keys);
  }

  distinct(options?: StateOptions): StreamImpl {
    return this.next("distinct", (o) =>
      aggregateNode(o, this.node, { groupBy: this.node.schema.map((c) => c.name), aggregates: [], distinct: true, ttlMs: optionalTtl(options, "distinct()") }),
    );
  }

  deduplicate(options: DedupOptions<string>): StreamImpl {
    return this.next("deduplicate", (o) =>
      deduplicateNode(o, this.node, { key: [...options.key], keep: options.keep ?? "first", window: null, ttlMs: optionalTtl(options, "deduplicate()") }),
    );
  }

  topN(options: TopNOptions<Row, string>): StreamImpl {
    return this.next("top-n", (o) => topNNode(o, this.node, { ...topNInit(options), window: null, ttlMs: optionalTtl(options, "topN()") }));
  }

  intervalJoin(other: unknown, options: { on: unknown; between: readonly [unknown, unknown]; type?: "inner" | "left"; select: (l: never, r: never) => unknown }): StreamImpl {
    return this.next("interval-join", (o) => {
      const right = streamNode(other, "intervalJoin()");
      const [from, to] = options.between ?? [];
      return intervalJoinNode(o, this.node, right, {
        on: keyPairs(options.on),
        lowerMs: signedDuration(from, "intervalJoin between[0]"),
        upperMs: signedDuration(to, "intervalJoin between[1]"),
        joinType: options.type ?? "inner",
        columns: joinProjection(this.node, right, options.select, o.path, options.type ?? "inner"),
      });
    });
  }

  temporalJoin(versioned: unknown, options: { on: unknown; type?: "inner" | "left"; select: (l: never, r: never) => unknown }): StreamImpl {
    return this.next("temporal-join", (o) => {
      const right = streamNode(versioned, "temporalJoin()");
      return temporalJoinNode(o, this.node, right, {
        on: keyPairs(options.on),
        joinType: options.type ?? "inner",
        columns: joinProjection(this.node, right, options.select, o.path, options.type ?? "inner"),
      });
    });
  }

  join(other: unknown, options: { on: unknown; type?: JoinType; ttl?: unknown; select: (l: never, r: never) => unknown }): StreamImpl {
    return this.next("join", (o) => {
      const right = streamNode(other, "join()");
      let ttl: { leftMs: number; rightMs: number } | null = null;
      if (options.ttl !== undefined) {
        if (typeof options.ttl === "object" && options.ttl !== null) {
          const sides = options.ttl as { left?: unknown; right?: unknown };
          ttl = { leftMs: parsePositiveDuration(sides.left, "join ttl.left"), rightMs: parsePositiveDuration(sides.right, "join ttl.right") };
        } else {
          const ms = parsePositiveDuration(options.ttl, "join ttl");
          ttl = { leftMs: ms, rightMs: ms };
        }
      }
      return joinNode(o, this.node, right, {
        on: keyPairs(options.on),
        joinType: options.type ?? "inner",
        columns: joinProjection(this.node, right, options.select, o.path, options.type ?? "inner"),
        ttl,
      });
    });
  }

  check(name: string, rules: unknown, options?: CheckOptions): CheckedStreamImpl {
    checkName(name, "check name", this.node.path);
    const origin = this.origin(`check-${name}`);
    const built = atSite(origin, () => buildCheck(origin, this.node, name, rules, options));
    return new CheckedStreamImpl(built.passed, built.failures);
  }

  lateRecords(): StreamImpl {
    return this.next("late-records", (o) => lateRecordsNode(o, this.node));
  }

  toKafka(topic: unknown, options?: KafkaSinkOptions): Sink<Traits> {
    return makeSink(this.node, { kind: "kafka", topic, options: options ?? {} });
  }
  toUpsertKafka(topic: string, options: UpsertKafkaSinkOptions<string>): Sink<Traits> {
    return makeSink(this.node, { kind: "upsert-kafka", topic, options });
  }
  toPrint(options?: SinkOptions): Sink<Traits> {
    return makeSink(this.node, { kind: "print", options: options ?? {} });
  }
  toBlackhole(options?: SinkOptions): Sink<Traits> {
    return makeSink(this.node, { kind: "blackhole", options: options ?? {} });
  }
}

class CheckedStreamImpl extends StreamImpl {
  constructor(
    node: PlanNode,
    private readonly failureRecords: PlanNode | null,
  ) {
    super(node);
  }

  /** The failure records of the check (streamt's continuous-test shape), to write to a topic. */
  get failures(): StreamImpl {
    if (this.failureRecords === null) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `check at ${this.path} has onFail "drop": it discards failing rows, so it has no failure records`, hint: 'leave onFail out (or "route") to write the failures to a topic', path: this.path, site: callSite() });
    }
    return new StreamImpl(this.failureRecords);
  }
}

function positive(d: unknown, what: string): number {
  const ms = parseDuration(d, what);
  if (ms <= 0) throw new StreamtError({ code: BuildErrorCode.invalidDuration, message: `${what} must be longer than 0`, hint: 'e.g. "1h"' });
  return ms;
}

/** Interval-join bounds may be negative ("-5m": the right row may come up to 5 minutes before). */
function signedDuration(d: unknown, what: string): number {
  if (typeof d === "string" && d.trim().startsWith("-")) return -parseDuration(d.trim().slice(1), what);
  if (typeof d === "number" && d < 0) return -parseDuration(-d, what);
  return parseDuration(d, what);
}

function topNInit(options: TopNOptions<Row, string>): { partitionBy: string[]; orderBy: OrderKey[]; n: number; rankColumn: string } {
  return {
    partitionBy: [...(options.partitionBy ?? [])],
    orderBy: (options.orderBy ?? []).map((k) => ({ column: k.column, direction: k.direction ?? "asc" })),
    n: options.n,
    rankColumn: checkName(options.rankColumn ?? "row_num", "rank column"),
  };
}

export function streamNode(s: unknown, where: string): PlanNode {
  if (s instanceof StreamImpl) return s.node;
  if (isStream(s) && "node" in s) return (s as unknown as { node: PlanNode }).node;
  throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where} needs a stream`, hint: "pass a stream made from source(...)" });
}

function joinProjection(left: PlanNode, right: PlanNode, select: (l: never, r: never) => unknown, path: string, joinType: JoinType): ProjectedColumn[] {
  if (typeof select !== "function") {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "a join needs select: (left, right) => ({ ...columns })", hint: "e.g. select: (o, p) => ({ order_id: o.order_id, paid_at: p.paid_at })" });
  }
  // The side an outer join may leave unmatched is nullable in the callback, so expressions over it
  // (p.paid.mul(2)) are typed nullable like Flink types them, not only the bare columns.
  const side = (node: PlanNode, nullable: boolean): readonly Column[] => (nullable ? node.schema.map((c) => ({ ...c, type: withNullable(c.type, true) })) : node.schema);
  const out = runCallback("join select()", () =>
    select(
      rowExprs(side(left, joinType === "right" || joinType === "full"), 0, `the left side of the join at ${path}`) as never,
      rowExprs(side(right, joinType === "left" || joinType === "full"), 1, `the right side of the join at ${path}`) as never,
    ),
  );
  return projection(out, "join select()");
}

class WindowedStreamImpl {
  constructor(
    readonly input: PlanNode,
    readonly spec: WindowSpec,
    private readonly site: ReturnType<typeof callSite>,
  ) {}

  private origin(suffix: string): NodeOrigin {
    return { path: `${this.input.path}/${this.spec.kind}${suffix}`, site: callSite() ?? this.site };
  }

  groupBy(...keys: string[]): WindowGroupedStreamImpl {
    return new WindowGroupedStreamImpl(this, keys);
  }
  aggregate(aggs: unknown): StreamImpl {
    return this.aggregateBy([], aggs);
  }
  count(): StreamImpl {
    return this.aggregateBy([], { count: { [Symbol.for("streamt-sdk.aggregate")]: true, fn: "COUNT", column: null } });
  }
  aggregateBy(keys: string[], aggs: unknown): StreamImpl {
    const origin = this.origin("");
    return new StreamImpl(
      atSite(origin, () => {
        const spec: WindowSpec = this.spec.kind === "session" ? { ...this.spec, partitionBy: keys } : this.spec;
        return windowAggregateNode(origin, this.input, spec, keys, aggregateRequests(aggs, "aggregate()", this.input.schema));
      }),
    );
  }
  deduplicate(options: { key: readonly string[]; keep?: "first" | "last" }): StreamImpl {
    const origin = this.origin("-deduplicate");
    return new StreamImpl(atSite(origin, () => deduplicateNode(origin, this.input, { key: [...options.key], keep: options.keep ?? "first", window: this.spec, ttlMs: null })));
  }
  topN(options: TopNOptions<Row, string>): StreamImpl {
    const origin = this.origin("-top-n");
    return new StreamImpl(atSite(origin, () => topNNode(origin, this.input, { ...topNInit(options), window: this.spec, ttlMs: null })));
  }
  join(other: unknown, options: { on: unknown; type?: JoinType; select: (l: never, r: never) => unknown }): StreamImpl {
    const origin = this.origin("-join");
    return new StreamImpl(
      atSite(origin, () => {
        if (!(other instanceof WindowedStreamImpl)) {
          throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "a window join needs a windowed stream on the right", hint: "e.g. a.tumble('5m').join(b.tumble('5m'), {...})" });
        }
        const leftView = windowedView(this.input, this.spec);
        const rightView = windowedView(other.input, other.spec);
        return windowJoinNode(origin, this.input, other.input, {
          leftWindow: this.spec,
          rightWindow: other.spec,
          on: keyPairs(options.on),
          joinType: options.type ?? "inner",
          columns: joinProjection(leftView, rightView, options.select, origin.path, options.type ?? "inner"),
        });
      }),
    );
  }
}

/** The schema a window TVF exposes (input columns, plain, plus window_start/end/time) for join selects. */
function windowedView(input: PlanNode, spec: WindowSpec): PlanNode {
  const ts = { kind: "TIMESTAMP", precision: 3, nullable: false } as const;
  const timeType = input.schema.find((c) => c.name === spec.timeColumn)?.type;
  const schema = [
    ...input.schema.map((c) => ({ name: c.name, type: c.type })),
    { name: "window_start", type: ts },
    { name: "window_end", type: ts },
    { name: "window_time", type: timeType?.kind === "TIMESTAMP_LTZ" ? { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false } as const : ts },
  ];
  return { ...input, schema } as PlanNode;
}

class WindowGroupedStreamImpl {
  constructor(
    private readonly windowed: WindowedStreamImpl,
    private readonly keys: string[],
  ) {}
  aggregate(aggs: unknown): StreamImpl {
    return this.windowed.aggregateBy(this.keys, aggs);
  }
  count(): StreamImpl {
    return this.windowed.aggregateBy(this.keys, { count: { [Symbol.for("streamt-sdk.aggregate")]: true, fn: "COUNT", column: null } });
  }
}

class GroupedStreamImpl {
  constructor(
    private readonly stream: StreamImpl,
    private readonly keys: string[],
  ) {}
  aggregate(aggs: unknown, options?: StateOptions): StreamImpl {
    const input = this.stream.node;
    const origin: NodeOrigin = { path: `${input.path}/aggregate`, site: callSite() };
    return new StreamImpl(
      atSite(origin, () =>
        aggregateNode(origin, input, { groupBy: this.keys, aggregates: aggregateRequests(aggs, "aggregate()", input.schema), distinct: false, ttlMs: optionalTtl(options, "aggregate()") }),
      ),
    );
  }
  count(options?: StateOptions): StreamImpl {
    return this.aggregate({ count: { [Symbol.for("streamt-sdk.aggregate")]: true, fn: "COUNT", column: null } }, options);
  }
}

export type { ExprNode };
