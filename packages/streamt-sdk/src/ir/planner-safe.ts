import type { DataType } from "./data-type.js";
import type { ExprNode } from "./expr-node.js";

/**
 * Flink's planner (2.2 and 1.20) simplifies or plans a few expression shapes wrongly. Each rewrite here
 * says the same thing in a form the planner gets right; the differential test found each (finding Dn in
 * test/e2e/differential.test.ts), and test/e2e/planner-findings.test.ts runs each on the engine. Both
 * outputs apply them (SQL and the Table API: the same planner reads both), so they live with the IR.
 */

type CallNode = Extract<ExprNode, { kind: "call" }>;

const COMPARISONS = new Set(["=", "<>", "<", "<=", ">", ">="]);
const BOOLEAN_NULL: ExprNode = { kind: "literal", value: null, type: { kind: "BOOLEAN", nullable: true } };
const NOT_NULL_BOOLEAN: DataType = { kind: "BOOLEAN", nullable: false };

const call = (op: CallNode["op"], args: readonly ExprNode[], type: DataType): ExprNode => ({ kind: "call", op, args, type });

/**
 * The form of a call the planner gets right, or null when the call is fine as it is. The result is
 * rendered again, so a rewrite may produce calls that are rewritten in turn.
 */
export function plannerSafeCall(node: CallNode): ExprNode | null {
  return selfComparison(node) ?? plainLike(node) ?? timeBound(node);
}

/**
 * D5. Flink's FlinkRexUtil.simplify turns `$i = $i`, `$i >= $i`, `$i <= $i` into TRUE (and `<>`, `<`,
 * `>` into FALSE) for any input reference, nullable or not, so a filter keeps the rows where the column
 * is NULL (where SQL says the comparison is NULL), and NOT (x <> x) keeps them too. Written as the
 * NULL-aware result directly: `x IS NOT NULL OR NULL` (TRUE, or NULL when x is NULL) and
 * `x IS NULL AND NULL` (FALSE, or NULL). BETWEEN and IN with the column itself among their values are
 * expanded into those comparisons. (Two columns that copy one column, `select({ u: o.m, m: o.m })`,
 * are not merged into one reference before Flink simplifies the view's filter: checked on the engine.)
 */
function selfComparison(node: CallNode): ExprNode | null {
  const [a, ...rest] = node.args;
  if (a?.kind !== "column") return null;
  const isSelf = (b: ExprNode | undefined): boolean => b?.kind === "column" && b.name === a.name && b.input === a.input;
  const bool = node.type;
  if (COMPARISONS.has(node.op) && isSelf(rest[0])) {
    const holds = node.op === "=" || node.op === "<=" || node.op === ">=";
    return holds ? call("OR", [call("IS NOT NULL", [a], NOT_NULL_BOOLEAN), BOOLEAN_NULL], bool) : call("AND", [call("IS NULL", [a], NOT_NULL_BOOLEAN), BOOLEAN_NULL], bool);
  }
  if (node.op === "BETWEEN" && rest.some(isSelf)) return call("AND", [call(">=", [a, rest[0]!], bool), call("<=", [a, rest[1]!], bool)], bool);
  if ((node.op === "IN" || node.op === "NOT IN") && rest.some(isSelf)) {
    const each = rest.map((v) => call(node.op === "IN" ? "=" : "<>", [a, v], bool));
    return each.reduce((l, r) => call(node.op === "IN" ? "OR" : "AND", [l, r], bool));
  }
  return null;
}

/**
 * D4. Flink finds every non-null string LIKE '' (2.2 and 1.20). A pattern with no wildcard (and no
 * backslash, which Flink may read as an escape) matches exactly that one string: written as `=`.
 */
function plainLike(node: CallNode): ExprNode | null {
  const pattern = node.args[1];
  if (node.op !== "LIKE" || pattern?.kind !== "literal" || typeof pattern.value !== "string" || /[%_\\]/.test(pattern.value)) return null;
  return call("=", node.args, node.type);
}

/**
 * D8. `window_start = T` after a window aggregate lets Calcite pull the constant out of the GROUP BY,
 * and without window_start (or window_end) among its keys Flink plans an updating GroupAggregate that
 * an append sink refuses. Calcite finds that constant wherever bounds meet at one instant: `= T`, and
 * also `>= T` with `<= T` (in one filter, or in two filter steps, which it merges), `NOT (x <> T)`, or
 * `IN (T, U)` with `> U`. So every bound of a millisecond time by a literal is written half-open, as
 * `x >= T` or `x < T`, with `T + 1 ms` where the bound includes T from above or excludes it from below
 * (the same rows: no millisecond value lies between T and T + 1 ms): `=` is [T, T + 1 ms), `<=` is
 * `< T + 1 ms`, `>` is `>= T + 1 ms`, `<>` is outside [T, T + 1 ms), BETWEEN a AND T is `>= a AND <= T`
 * in turn, IN and NOT IN one `=` or `<>` per value. Half-open bounds can never meet at one instant, and
 * the negation of one is another.
 */
function timeBound(node: CallNode): ExprNode | null {
  const bool = node.type;
  if (node.op === "BETWEEN") {
    const [x, lo, hi] = node.args as [ExprNode, ExprNode, ExprNode];
    if (!millisecondTime(x.type) || timeLiteral(hi) === null) return null;
    return call("AND", [call(">=", [x, lo], bool), call("<=", [x, hi], bool)], bool);
  }
  if (node.op === "IN" || node.op === "NOT IN") {
    const [x, ...values] = node.args as [ExprNode, ...ExprNode[]];
    if (!millisecondTime(x.type) || !values.some((v) => timeLiteral(v) !== null)) return null;
    const each = values.map((v) => call(node.op === "IN" ? "=" : "<>", [x, v], bool));
    return each.reduce((l, r) => call(node.op === "IN" ? "OR" : "AND", [l, r], bool));
  }
  if (!COMPARISONS.has(node.op)) return null;
  // The DSL writes the column (or expression) on the left, the literal on the right.
  const [x, t] = node.args as [ExprNode, ExprNode];
  const next = timeLiteral(t);
  if (next === null || !millisecondTime(x.type) || t.kind !== "literal") return null;
  const after = { ...t, value: next };
  switch (node.op) {
    case "=":
      return call("AND", [call(">=", [x, t], bool), call("<", [x, after], bool)], bool);
    case "<>":
      return call("OR", [call("<", [x, t], bool), call(">=", [x, after], bool)], bool);
    case "<=":
      return call("<", [x, after], bool);
    case ">":
      return call(">=", [x, after], bool);
    default:
      return null;
  }
}

/** The text of a millisecond time literal one millisecond later, or null when `e` is not one. */
function timeLiteral(e: ExprNode): string | null {
  if (e.kind !== "literal" || typeof e.value !== "string" || !millisecondTime(e.type)) return null;
  return nextMillisecond(e.value, e.type.kind === "TIMESTAMP_LTZ");
}

const millisecondTime = (t: DataType): boolean => (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") && t.precision <= 3;

/**
 * A time literal's text one millisecond later: 'yyyy-MM-dd HH:mm:ss.SSS' (a TIMESTAMP), or ISO-8601 in
 * UTC for an instant (whose text may carry an offset). Null for text with more than milliseconds.
 */
function nextMillisecond(text: string, instant: boolean): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m || (m[4] && !instant)) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0")}${m[4] ?? "Z"}`);
  if (Number.isNaN(ms)) return null;
  const next = new Date(ms + 1).toISOString();
  return instant ? next : next.replace("T", " ").replace("Z", "");
}

/**
 * D7. A filter with two bounds on a rowtime attribute that Calcite folds into one multi-range SEARCH
 * (`ts <> t1 AND ts > t2`, `ts = t1 OR ts = t2`) crashes Flink's planner (ClassCastException RexCall ->
 * RexLiteral in RexCall.isAlwaysTrue: the search's ranges are cast to the time indicator type). A
 * rowtime compared with a literal as a plain timestamp (CAST to its own type) plans; the column keeps
 * its attribute.
 */
export function comparedAsPlainTime(node: CallNode, arg: ExprNode): ExprNode {
  const compares = COMPARISONS.has(node.op) || node.op === "BETWEEN" || node.op === "IN" || node.op === "NOT IN";
  const withLiteral = node.args.some((a) => a.kind === "literal");
  return compares && withLiteral && arg.kind === "column" && arg.time === "rowtime" ? { kind: "cast", expr: arg, type: arg.type } : arg;
}
