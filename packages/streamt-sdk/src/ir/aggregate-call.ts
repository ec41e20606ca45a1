import { avgResultType, formatType, isNumeric, sumResultType, withNullable, type DataType } from "./data-type.js";
import type { ExprNode } from "./expr-node.js";
import type { Column } from "./node-base.js";
import { invalid, requireColumn, type NodeOrigin } from "./nodes/node-checks.js";

export type AggregateFn =
  | "COUNT"
  | "COUNT_DISTINCT"
  | "SUM"
  | "AVG"
  | "MIN"
  | "MAX"
  | "FIRST_VALUE"
  | "LAST_VALUE"
  | "STDDEV_POP"
  | "STDDEV_SAMP"
  | "VAR_POP"
  | "VAR_SAMP"
  | "LISTAGG"
  | "ARRAY_AGG";

/**
 * One aggregate of a GROUP BY: `fn(args) AS name`, with Flink's result type. `args` is empty for
 * COUNT(*), the value (a column or an expression over the input row) otherwise, and LISTAGG's
 * separator literal second.
 */
export interface AggregateCall {
  readonly name: string;
  readonly fn: AggregateFn;
  readonly args: readonly ExprNode[];
  readonly type: DataType;
}

export interface AggregateRequest {
  readonly name: string;
  readonly fn: AggregateFn;
  /** A column of the input by name, an expression over the input row, or null for COUNT(*). */
  readonly arg: string | ExprNode | null;
  /** LISTAGG's separator (Flink's default is ','). */
  readonly separator?: string;
}

const NUMERIC_ONLY: ReadonlySet<AggregateFn> = new Set(["SUM", "AVG", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP"]);

/**
 * Whether an aggregate's value depends on more than one row of the group: Flink computes the sample
 * deviation and variance of a single NOT NULL value as -1, not NULL (seen on 2.2 and 1.20), so the
 * emitter guards them with the group's count and the plan types them nullable.
 */
export const SAMPLE_STATISTICS: ReadonlySet<AggregateFn> = new Set(["STDDEV_SAMP", "VAR_SAMP"]);

/** Resolves an aggregate against its input schema, computing the type Flink gives the result. */
export function resolveAggregate(req: AggregateRequest, input: readonly Column[], origin: NodeOrigin): AggregateCall {
  const call = (args: readonly ExprNode[], type: DataType): AggregateCall => ({ name: req.name, fn: req.fn, args, type });
  if (req.arg === null) {
    if (req.fn !== "COUNT") invalid(origin, `${req.fn} needs a column`, `write e.g. ${req.fn.toLowerCase()}("amount")`);
    return call([], { kind: "BIGINT", nullable: false });
  }
  const value = typeof req.arg === "string" ? columnRef(requireColumn(input, req.arg, origin, `column of ${req.fn.toLowerCase()}()`)) : req.arg;
  const arg = value.type;
  const shown = typeof req.arg === "string" ? `'${req.arg}'` : "the expression";
  if (NUMERIC_ONLY.has(req.fn) && !isNumeric(arg)) {
    invalid(origin, `${req.fn.toLowerCase()}(${shown}) needs a numeric ${typeof req.arg === "string" ? "column" : "value"}, but ${shown} is ${formatType(arg)}`,
      "aggregate a numeric column, or cast it first, e.g. aggregate((o) => ({ x: sum(o.n.cast(t.int())) }))");
  }
  switch (req.fn) {
    case "COUNT":
    case "COUNT_DISTINCT":
      return call([value], { kind: "BIGINT", nullable: false });
    case "SUM":
      return call([value], sumResultType(arg));
    case "AVG":
    case "STDDEV_POP":
    case "VAR_POP":
      // Flink types the deviation and variance like AVG: an INT's is an INT (truncated), a DECIMAL's DECIMAL(38, max(6, s)).
      return call([value], avgResultType(arg));
    case "STDDEV_SAMP":
    case "VAR_SAMP":
      return call([value], withNullable(avgResultType(arg), true));
    case "MIN":
    case "MAX":
      return call([value], arg);
    case "FIRST_VALUE":
    case "LAST_VALUE":
      return call([value], withNullable(arg, true));
    case "LISTAGG": {
      if (arg.kind !== "STRING") invalid(origin, `listagg(${shown}) needs a STRING value, but ${shown} is ${formatType(arg)}`, "cast it first, e.g. listagg(o.n.cast(t.string()))");
      const separator: ExprNode = { kind: "literal", value: req.separator ?? ",", type: { kind: "STRING", nullable: false } };
      return call([value, separator], { kind: "STRING", nullable: arg.nullable });
    }
    case "ARRAY_AGG":
      // Flink keeps NULL values in the array (RESPECT NULLS); the array is NULL only when every value is.
      return call([value], { kind: "ARRAY", element: arg, nullable: arg.nullable });
  }
}

function columnRef(c: Column): ExprNode {
  return c.time ? { kind: "column", name: c.name, input: 0, type: c.type, time: c.time } : { kind: "column", name: c.name, input: 0, type: c.type };
}
