import { avgResultType, formatType, isNumeric, sumResultType, withNullable, type DataType } from "./data-type.js";
import type { Column } from "./node-base.js";
import { invalid, requireColumn, type NodeOrigin } from "./nodes/node-checks.js";

export type AggregateFn = "COUNT" | "COUNT_DISTINCT" | "SUM" | "AVG" | "MIN" | "MAX" | "FIRST_VALUE" | "LAST_VALUE";

/** One aggregate of a GROUP BY: `fn(column) AS name`, with Flink's result type. */
export interface AggregateCall {
  readonly name: string;
  readonly fn: AggregateFn;
  /** null only for COUNT(*). */
  readonly column: string | null;
  readonly type: DataType;
}

export interface AggregateRequest {
  readonly name: string;
  readonly fn: AggregateFn;
  readonly column: string | null;
}

const NUMERIC_ONLY: ReadonlySet<AggregateFn> = new Set(["SUM", "AVG"]);

/** Resolves an aggregate against its input schema, computing the type Flink gives the result. */
export function resolveAggregate(req: AggregateRequest, input: readonly Column[], origin: NodeOrigin): AggregateCall {
  if (req.column === null) {
    if (req.fn !== "COUNT") invalid(origin, `${req.fn} needs a column`, `write e.g. ${req.fn.toLowerCase()}("amount")`);
    return { ...req, type: { kind: "BIGINT", nullable: false } };
  }
  const arg = requireColumn(input, req.column, origin, `column of ${req.fn.toLowerCase()}()`).type;
  if (NUMERIC_ONLY.has(req.fn) && !isNumeric(arg)) {
    invalid(origin, `${req.fn.toLowerCase()}('${req.column}') needs a numeric column, but '${req.column}' is ${formatType(arg)}`,
      "aggregate a numeric column, or cast it first with a computed column");
  }
  switch (req.fn) {
    case "COUNT":
    case "COUNT_DISTINCT":
      return { ...req, type: { kind: "BIGINT", nullable: false } };
    case "SUM":
      return { ...req, type: sumResultType(arg) };
    case "AVG":
      return { ...req, type: avgResultType(arg) };
    case "MIN":
    case "MAX":
      return { ...req, type: arg };
    case "FIRST_VALUE":
    case "LAST_VALUE":
      return { ...req, type: withNullable(arg, true) };
  }
}
