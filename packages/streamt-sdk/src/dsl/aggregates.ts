import { BuildErrorCode, StreamtError } from "../errors.js";
import type { AggregateFn, AggregateRequest } from "../ir/aggregate-call.js";
import type { Column } from "../ir/node-base.js";
import { callSite } from "./call-site.js";
import { exprNode, isExpr, rowExprs, runCallback, type AnyExpr, type ColOf, type ExprOf } from "./expr.js";
import type { Col, NumericKind, Row } from "./schema.js";
import type { StreamtTypeError } from "./type-error.js";

const AGG = Symbol.for("streamt-sdk.aggregate");

/**
 * An aggregate to compute per group: made by count(), sum("col"), sum(o.price.mul(o.qty)), ... and named
 * by its key in aggregate({...}). `C` is the column's name, null for COUNT(*), or the column picture of
 * an expression argument.
 */
export interface AggSpec<F extends AggregateFn = AggregateFn, C extends string | null | Col = string | null | Col> {
  readonly [AGG]: true;
  readonly fn: F;
  /** The column by name; null for COUNT(*) and for an expression. */
  readonly column: C extends Col ? null : C;
  /** The expression aggregated (aggregate((o) => ({ ... })) form). */
  readonly expr?: AnyExpr;
  /** LISTAGG's separator. */
  readonly separator?: string;
  /** Phantom: what is aggregated, for the result's type. */
  readonly __arg?: C;
}

export function isAggSpec(v: unknown): v is AggSpec {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[AGG] === true;
}

/** An expression of one of these kinds, as an aggregate's argument. */
type ValueOf<K extends Col["__kind"] = Col["__kind"]> = ExprOf<K>;

function spec<F extends AggregateFn, C extends string | null | Col>(fn: F, arg: unknown, separator?: string): AggSpec<F, C> {
  if (arg === null || typeof arg === "string") return { [AGG]: true, fn, column: arg as AggSpec<F, C>["column"], ...(separator === undefined ? {} : { separator }) };
  if (isExpr(arg)) return { [AGG]: true, fn, column: null as AggSpec<F, C>["column"], expr: arg, ...(separator === undefined ? {} : { separator }) };
  throw new StreamtError({
    code: BuildErrorCode.invalidArgument,
    message: `${fn.toLowerCase()}() takes a column name or an expression, got ${typeof arg}`,
    hint: `e.g. ${fn.toLowerCase()}("amount"), or aggregate((o) => ({ x: ${fn.toLowerCase()}(o.price.mul(o.qty)) }))`,
    site: callSite(),
  });
}

/** `COUNT(*)`, or `COUNT(col)` (rows where col is not NULL). Result BIGINT NOT NULL. */
export function count(): AggSpec<"COUNT", null>;
export function count<C extends string>(column: C): AggSpec<"COUNT", C>;
export function count<E extends ValueOf>(value: E): AggSpec<"COUNT", ColOf<E>>;
export function count(arg?: unknown): AggSpec {
  return spec("COUNT", arg ?? null);
}
/** `COUNT(DISTINCT col)`. Result BIGINT NOT NULL. */
export function countDistinct<C extends string>(column: C): AggSpec<"COUNT_DISTINCT", C>;
export function countDistinct<E extends ValueOf>(value: E): AggSpec<"COUNT_DISTINCT", ColOf<E>>;
export function countDistinct(arg: unknown): AggSpec {
  return spec("COUNT_DISTINCT", arg);
}
/** `SUM(col)` of a numeric column or expression; SUM of DECIMAL(p, s) is DECIMAL(38, s) in Flink. */
export function sum<C extends string>(column: C): AggSpec<"SUM", C>;
export function sum<E extends ValueOf<NumericKind>>(value: E): AggSpec<"SUM", ColOf<E>>;
export function sum(arg: unknown): AggSpec {
  return spec("SUM", arg);
}
/** `AVG(col)` of a numeric column; AVG of INT is INT, of DECIMAL(p, s) is DECIMAL(38, max(6, s)). */
export function avg<C extends string>(column: C): AggSpec<"AVG", C>;
export function avg<E extends ValueOf<NumericKind>>(value: E): AggSpec<"AVG", ColOf<E>>;
export function avg(arg: unknown): AggSpec {
  return spec("AVG", arg);
}
/** `MIN(col)` */
export function min<C extends string>(column: C): AggSpec<"MIN", C>;
export function min<E extends ValueOf>(value: E): AggSpec<"MIN", ColOf<E>>;
export function min(arg: unknown): AggSpec {
  return spec("MIN", arg);
}
/** `MAX(col)` */
export function max<C extends string>(column: C): AggSpec<"MAX", C>;
export function max<E extends ValueOf>(value: E): AggSpec<"MAX", ColOf<E>>;
export function max(arg: unknown): AggSpec {
  return spec("MAX", arg);
}
/** `FIRST_VALUE(col)`: the first value seen in the group (nullable). */
export function firstValue<C extends string>(column: C): AggSpec<"FIRST_VALUE", C>;
export function firstValue<E extends ValueOf>(value: E): AggSpec<"FIRST_VALUE", ColOf<E>>;
export function firstValue(arg: unknown): AggSpec {
  return spec("FIRST_VALUE", arg);
}
/** `LAST_VALUE(col)`: the last value seen in the group (nullable). */
export function lastValue<C extends string>(column: C): AggSpec<"LAST_VALUE", C>;
export function lastValue<E extends ValueOf>(value: E): AggSpec<"LAST_VALUE", ColOf<E>>;
export function lastValue(arg: unknown): AggSpec {
  return spec("LAST_VALUE", arg);
}
/**
 * `STDDEV_POP(col)`: the population standard deviation. Typed as Flink types it: like the value for
 * integers and floats (an INT column's is an INT, truncated: cast to DOUBLE for the fraction), and
 * DECIMAL(38, max(6, s)) for DECIMAL(p, s).
 */
export function stddevPop<C extends string>(column: C): AggSpec<"STDDEV_POP", C>;
export function stddevPop<E extends ValueOf<NumericKind>>(value: E): AggSpec<"STDDEV_POP", ColOf<E>>;
export function stddevPop(arg: unknown): AggSpec {
  return spec("STDDEV_POP", arg);
}
/** `STDDEV_SAMP(col)`: the sample standard deviation, NULL for a group of one value; typed like stddevPop, nullable. */
export function stddevSamp<C extends string>(column: C): AggSpec<"STDDEV_SAMP", C>;
export function stddevSamp<E extends ValueOf<NumericKind>>(value: E): AggSpec<"STDDEV_SAMP", ColOf<E>>;
export function stddevSamp(arg: unknown): AggSpec {
  return spec("STDDEV_SAMP", arg);
}
/** `VAR_POP(col)`: the population variance; typed like stddevPop. */
export function varPop<C extends string>(column: C): AggSpec<"VAR_POP", C>;
export function varPop<E extends ValueOf<NumericKind>>(value: E): AggSpec<"VAR_POP", ColOf<E>>;
export function varPop(arg: unknown): AggSpec {
  return spec("VAR_POP", arg);
}
/** `VAR_SAMP(col)`: the sample variance, NULL for a group of one value; typed like stddevPop, nullable. */
export function varSamp<C extends string>(column: C): AggSpec<"VAR_SAMP", C>;
export function varSamp<E extends ValueOf<NumericKind>>(value: E): AggSpec<"VAR_SAMP", ColOf<E>>;
export function varSamp(arg: unknown): AggSpec {
  return spec("VAR_SAMP", arg);
}
/** `LISTAGG(col, separator)`: the group's non-NULL strings joined in arrival order (separator "," by default). */
export function listagg<C extends string>(column: C, separator?: string): AggSpec<"LISTAGG", C>;
export function listagg<E extends ValueOf<"STRING">>(value: E, separator?: string): AggSpec<"LISTAGG", ColOf<E>>;
export function listagg(arg: unknown, separator?: string): AggSpec {
  if (separator !== undefined && typeof separator !== "string") {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `listagg(): the separator is a string, got ${typeof separator}`, hint: 'e.g. listagg("tag", "; ")', site: callSite() });
  }
  return spec("LISTAGG", arg, separator);
}
/** `ARRAY_AGG(col)`: the group's values as an ARRAY in arrival order, NULL values kept. */
export function arrayAgg<C extends string>(column: C): AggSpec<"ARRAY_AGG", C>;
export function arrayAgg<E extends ValueOf>(value: E): AggSpec<"ARRAY_AGG", ColOf<E>>;
export function arrayAgg(arg: unknown): AggSpec {
  return spec("ARRAY_AGG", arg);
}

export type AggSpecs = Record<string, AggSpec>;

type NumericFn = "SUM" | "AVG" | "STDDEV_POP" | "STDDEV_SAMP" | "VAR_POP" | "VAR_SAMP";

/** The kind check of an aggregate by column name (an expression's kind is checked by the function's signature). */
type CheckKind<F, C extends Col, Name extends string, Spec> = F extends NumericFn
  ? C["__kind"] extends NumericKind
    ? Spec
    : StreamtTypeError<`${Lowercase<F & string>}() needs a numeric column; '${Name}' is ${C["__kind"]}`>
  : F extends "LISTAGG"
    ? C["__kind"] extends "STRING"
      ? Spec
      : StreamtTypeError<`listagg() needs a STRING column; '${Name}' is ${C["__kind"]}`>
    : Spec;

/** Marks each aggregate that does not fit the row with an error the editor shows on that key. */
export type CheckAggs<R extends Row, A extends AggSpecs> = {
  [K in keyof A]: A[K] extends AggSpec<infer F, infer C>
    ? C extends string
      ? C extends keyof R
        ? CheckKind<F, R[C], C, A[K]>
        : StreamtTypeError<`unknown column '${C}' in ${Lowercase<F>}()`>
      : A[K]
    : A[K];
};

type ArgCol<R extends Row, C> = C extends Col ? C : C extends keyof R ? R[C] : never;

type ResultCol<F, X extends Col> = F extends "FIRST_VALUE" | "LAST_VALUE" | "STDDEV_SAMP" | "VAR_SAMP"
  ? Col<X["__kind"], true, "none">
  : F extends "LISTAGG"
    ? Col<"STRING", X["__nullable"], "none">
    : F extends "ARRAY_AGG"
      ? Col<"ARRAY", X["__nullable"], "none">
      : Col<X["__kind"], X["__nullable"], "none">;

/** The columns aggregate({...}) adds, with the kinds Flink gives them. */
export type AggCols<R extends Row, A extends AggSpecs> = {
  readonly [K in keyof A]: A[K] extends AggSpec<infer F, infer C>
    ? F extends "COUNT" | "COUNT_DISTINCT"
      ? Col<"BIGINT", false, "none">
      : ResultCol<F, ArgCol<R, C>>
    : never;
};

const AGGREGATE_HINT =
  'use count(), countDistinct("col"), sum("col"), avg("col"), min("col"), max("col"), firstValue("col"), lastValue("col"), stddevPop("col"), stddevSamp("col"), varPop("col"), varSamp("col"), listagg("col", sep), arrayAgg("col"), or any of them over an expression: aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))';

/**
 * The aggregate requests of aggregate(): an object of specs, or a callback that receives the input row
 * as expressions and returns one (a condition it builds but drops is refused, as in filter()).
 */
export function aggregateRequests(aggs: unknown, where: string, input: readonly Column[]): AggregateRequest[] {
  const specs = typeof aggs === "function"
    ? runCallback(where, () => (aggs as (row: unknown) => unknown)(rowExprs(input, 0, where)), specExprs)
    : aggs;
  if (typeof specs !== "object" || specs === null || isExpr(specs)) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where} takes an object of aggregates, e.g. { n: count() }`, hint: AGGREGATE_HINT });
  }
  return Object.entries(specs).map(([name, a]) => {
    if (!isAggSpec(a)) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where}: '${name}' is not an aggregate`, hint: AGGREGATE_HINT });
    }
    const arg = a.expr ? exprNode(a.expr) : a.column;
    return { name, fn: a.fn, arg, ...(a.separator === undefined ? {} : { separator: a.separator }) };
  });
}

/** The expressions a callback's aggregates aggregate: what its conditions must reach. */
function specExprs(result: unknown): AnyExpr[] {
  if (typeof result !== "object" || result === null) return [];
  return Object.values(result).flatMap((a) => (isAggSpec(a) && a.expr ? [a.expr] : []));
}
