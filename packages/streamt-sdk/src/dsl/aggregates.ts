import { BuildErrorCode, StreamtError } from "../errors.js";
import type { AggregateFn, AggregateRequest } from "../ir/aggregate-call.js";
import type { Col, NumericKind, Row } from "./schema.js";
import type { StreamtTypeError } from "./type-error.js";

const AGG = Symbol.for("streamt-sdk.aggregate");

/** An aggregate to compute per group: made by count(), sum("col"), ... and named by its key in aggregate({...}). */
export interface AggSpec<F extends AggregateFn = AggregateFn, C extends string | null = string | null> {
  readonly [AGG]: true;
  readonly fn: F;
  readonly column: C;
}

export function isAggSpec(v: unknown): v is AggSpec {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[AGG] === true;
}

function spec<F extends AggregateFn, C extends string | null>(fn: F, column: C): AggSpec<F, C> {
  return { [AGG]: true, fn, column };
}

/** `COUNT(*)`, or `COUNT(col)` (rows where col is not NULL). Result BIGINT NOT NULL. */
export function count(): AggSpec<"COUNT", null>;
export function count<C extends string>(column: C): AggSpec<"COUNT", C>;
export function count(column?: string): AggSpec {
  return spec("COUNT", column ?? null);
}
/** `COUNT(DISTINCT col)`. Result BIGINT NOT NULL. */
export const countDistinct = <C extends string>(column: C): AggSpec<"COUNT_DISTINCT", C> => spec("COUNT_DISTINCT", column);
/** `SUM(col)` of a numeric column; SUM of DECIMAL(p, s) is DECIMAL(38, s) in Flink. */
export const sum = <C extends string>(column: C): AggSpec<"SUM", C> => spec("SUM", column);
/** `AVG(col)` of a numeric column; AVG of INT is INT, of DECIMAL(p, s) is DECIMAL(38, max(6, s)). */
export const avg = <C extends string>(column: C): AggSpec<"AVG", C> => spec("AVG", column);
/** `MIN(col)` */
export const min = <C extends string>(column: C): AggSpec<"MIN", C> => spec("MIN", column);
/** `MAX(col)` */
export const max = <C extends string>(column: C): AggSpec<"MAX", C> => spec("MAX", column);
/** `FIRST_VALUE(col)`: the first value seen in the group (nullable). */
export const firstValue = <C extends string>(column: C): AggSpec<"FIRST_VALUE", C> => spec("FIRST_VALUE", column);
/** `LAST_VALUE(col)`: the last value seen in the group (nullable). */
export const lastValue = <C extends string>(column: C): AggSpec<"LAST_VALUE", C> => spec("LAST_VALUE", column);

export type AggSpecs = Record<string, AggSpec>;

/** Marks each aggregate that does not fit the row with an error the editor shows on that key. */
export type CheckAggs<R extends Row, A extends AggSpecs> = {
  [K in keyof A]: A[K] extends AggSpec<infer F, infer C>
    ? C extends null
      ? A[K]
      : C extends keyof R
        ? F extends "SUM" | "AVG"
          ? R[C]["__kind"] extends NumericKind
            ? A[K]
            : StreamtTypeError<`${Lowercase<F>}() needs a numeric column; '${C}' is ${R[C]["__kind"]}`>
          : A[K]
        : StreamtTypeError<`unknown column '${C & string}' in ${Lowercase<F>}()`>
    : A[K];
};

/** The columns aggregate({...}) adds, with the kinds Flink gives them. */
export type AggCols<R extends Row, A extends AggSpecs> = {
  readonly [K in keyof A]: A[K] extends AggSpec<infer F, infer C>
    ? F extends "COUNT" | "COUNT_DISTINCT"
      ? Col<"BIGINT", false, "none">
      : C extends keyof R
        ? F extends "FIRST_VALUE" | "LAST_VALUE"
          ? Col<R[C]["__kind"], true, "none">
          : Col<R[C]["__kind"], R[C]["__nullable"], "none">
        : never
    : never;
};

export function aggregateRequests(aggs: Record<string, unknown>, where: string): AggregateRequest[] {
  return Object.entries(aggs).map(([name, a]) => {
    if (!isAggSpec(a)) {
      throw new StreamtError({
        code: BuildErrorCode.invalidArgument,
        message: `${where}: '${name}' is not an aggregate`,
        hint: 'use count(), countDistinct("col"), sum("col"), avg("col"), min("col"), max("col"), firstValue("col"), lastValue("col")',
      });
    }
    return { name, fn: a.fn, column: a.column };
  });
}
