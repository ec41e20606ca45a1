import { INTEGER_KINDS, isNumeric, isTimestamp, type DataType } from "../ir/data-type.js";
import type { ExprNode } from "../ir/expr-node.js";
import type { Column } from "../ir/node-base.js";
import type { PlanNode } from "../ir/plan-node.js";
import type { CheckMark } from "../ir/check-mark.js";
import { filterNode, type FilterNode } from "../ir/nodes/filter-node.js";
import { projectNode, type ProjectNode } from "../ir/nodes/project-node.js";
import { overAggregateNode, type OverAggregateNode } from "../ir/nodes/over-aggregate-node.js";
import { unionNode } from "../ir/nodes/union-node.js";
import { requireOwnColumns, type NodeOrigin } from "../ir/nodes/node-checks.js";
import { BuildErrorCode, JS_OPERATOR_HINT, StreamtError } from "../errors.js";
import { currentTimestamp, exprNode, isExpr, jsonObject, literalNode, rowExprs, runCallback, type AnyExpr, type Expr, type RowExprs } from "./expr.js";
import { formatDuration, parsePositiveDuration, type Duration } from "./duration.js";
import { currentWatermark } from "./late.js";
import type { Col, NumericKind, Row, TemporalKind } from "./schema.js";

// ---- static shape ------------------------------------------------------------------------------

type KeysWhere<R extends Row, P> = { [K in keyof R]: R[K] extends P ? K : never }[keyof R] & string;
/** What an accepted value of a column is in JavaScript. */
type PlainOf<C extends Col> = C["__kind"] extends NumericKind ? number : C["__kind"] extends "STRING" ? string : C["__kind"] extends "BOOLEAN" ? boolean : C["__kind"] extends TemporalKind ? Date : never;

/** A range's bounds, inclusive; either may be left out. */
export interface Bounds<V> {
  readonly min?: V;
  readonly max?: V;
}

/**
 * The rules of a check. Column names and values are checked by TypeScript where the row type is known,
 * and again when the pipeline is built (STREAMT-B001 / B002 at the call).
 */
export interface CheckRules<R extends Row> {
  /** Columns that must have a value (only nullable columns: a NOT NULL column cannot fail it). */
  readonly notNull?: readonly KeysWhere<R, Col<any, true, any>>[];
  /** Per column, the values it may hold (`IN (...)`); a NULL value passes (notNull catches it). */
  readonly accepted?: { readonly [K in keyof R]?: readonly PlainOf<R[K]>[] };
  /** Per numeric or time column, inclusive bounds; a NULL value passes. */
  readonly range?: { readonly [K in KeysWhere<R, Col<NumericKind | TemporalKind, boolean, any>>]?: Bounds<PlainOf<R[K]>> };
  /** Per string column, a SQL LIKE pattern (`%` any text, `_` one character); a NULL value passes. */
  readonly like?: { readonly [K in KeysWhere<R, Col<"STRING", boolean, any>>]?: string };
  /** Named conditions over the row; a row passes only where the condition is TRUE (NULL fails). */
  readonly expr?: { readonly [name: string]: (row: RowExprs<R>) => Expr<Col<"BOOLEAN", boolean, any>> };
  /**
   * A row fails when an earlier row (by event time; rows of the same time in the order they arrive) has
   * the same values in every one of `columns` and a time at most `within` before its own; a NULL in any
   * of them passes. Needs event time with a watermark; rows behind the watermark cannot be decided and
   * become `late` failures (docs/data-quality.md).
   */
  readonly unique?: { readonly columns: readonly (keyof R & string)[]; readonly within: Duration };
}

export interface CheckOptions {
  /**
   * route (default): failing rows leave the stream as failure records (`.failures`), which the pipeline
   * must write (STREAMT-E018 otherwise); drop: failing rows leave the stream and nothing records them.
   */
  readonly onFail?: "route" | "drop";
}

/** A failure record: streamt's continuous-test shape. */
export type CheckFailureRow = {
  readonly test_name: Col<"STRING", false, "none">;
  readonly violation_type: Col<"STRING", false, "none">;
  readonly violation_details: Col<"STRING", false, "none">;
  readonly record: Col<"STRING", false, "none">;
  readonly detected_at: Col<"TIMESTAMP_LTZ", false, "none">;
};

// ---- building ----------------------------------------------------------------------------------

/** The kinds of rule, in the order a failure record lists them. */
export type CheckKind = "not_null" | "accepted_values" | "range" | "like" | "expression" | "unique";

/** One rule: a condition that is TRUE or FALSE for every row (never NULL), and what a failure says. */
interface Rule {
  readonly kind: CheckKind;
  readonly passes: ExprNode;
  readonly details: string;
}

const BOOL: DataType = { kind: "BOOLEAN", nullable: false };
const STRING: DataType = { kind: "STRING", nullable: false };
const text = (value: string): ExprNode => ({ kind: "literal", value, type: STRING });
const not = (e: ExprNode): ExprNode => ({ kind: "call", op: "NOT", args: [e], type: BOOL });
const or = (a: ExprNode, b: ExprNode): ExprNode => ({ kind: "call", op: "OR", args: [a, b], type: BOOL });
const and = (terms: readonly ExprNode[]): ExprNode => terms.reduce((a, b) => ({ kind: "call", op: "AND", args: [a, b], type: BOOL }));
const node = (e: unknown): ExprNode => exprNode(e as AnyExpr);

/** Methods of a column expression the rules use (run time: every column expression has them, or refuses). */
interface ColumnOps {
  isNull(): AnyExpr;
  isNotNull(): AnyExpr;
  in(...values: unknown[]): AnyExpr;
  like(pattern: string): AnyExpr;
  ge(v: unknown): AnyExpr;
  le(v: unknown): AnyExpr;
  eq(v: unknown): AnyExpr;
  minus(ms: number): AnyExpr;
}

/** The two steps and the failure records a check makes. */
export interface BuiltCheck {
  /** The passed filter, or with unique the passed rows without the OVER aggregate's helper columns. */
  readonly passed: FilterNode | ProjectNode;
  /** null with onFail "drop". */
  readonly failures: PlanNode | null;
}

/**
 * A check on `input`: `passed` keeps the rows for which every rule is TRUE; the others go, as one
 * failure record each, to `failures`. Each rule is written to be TRUE or FALSE, never NULL: a rule on a
 * column passes a NULL value (only notNull fails it, as dbt's tests do), an expression's NULL fails.
 */
export function buildCheck(origin: NodeOrigin, input: PlanNode, name: string, rules: unknown, options: CheckOptions | undefined): BuiltCheck {
  const refuse = (code: string, message: string, hint: string): never => {
    throw new StreamtError({ code, message: `check '${name}': ${message}`, hint, path: origin.path, site: origin.site });
  };
  if (input.changelog.mode !== "append") {
    refuse(BuildErrorCode.invalidArgument, `${input.path} is updating, and a failure record of a row that is later retracted would stand`, "check the append-only stream before aggregating or joining it");
  }
  const onFail = options?.onFail ?? "route";
  if (onFail !== "route" && onFail !== "drop") refuse(BuildErrorCode.invalidArgument, `onFail is "route" or "drop", got ${JSON.stringify(onFail)}`, 'write { onFail: "drop" } to discard failing rows unrecorded');
  if (typeof rules !== "object" || rules === null) refuse(BuildErrorCode.invalidArgument, "needs an object of rules", 'e.g. { notNull: ["customer"], range: { amount: { min: 0 } } }');
  const given = rules as Record<string, unknown>;
  const known = ["notNull", "accepted", "range", "like", "expr", "unique"];
  const unknown = Object.keys(given).filter((k) => !known.includes(k));
  if (unknown.length > 0) refuse(BuildErrorCode.invalidArgument, `unknown rule kind ${unknown.map((k) => `'${k}'`).join(", ")}`, `rules are ${known.join(", ")}`);

  const row = rowExprs(input.schema, 0, `check '${name}' at ${origin.path}`);
  const columnOf = (column: string, rule: string): { c: Column; ops: ColumnOps } => {
    const c = input.schema.find((x) => x.name === column);
    if (!c) return refuse(BuildErrorCode.unknownColumn, `${rule} names column '${column}', which ${input.path} does not have`, `available columns: ${input.schema.map((x) => x.name).join(", ")}`);
    return { c, ops: (row as Record<string, unknown>)[column] as ColumnOps };
  };
  /** A rule on a column's value: a NULL value passes it. */
  const orNull = (c: Column, ops: ColumnOps, passes: ExprNode): ExprNode => (c.type.nullable ? or(node(ops.isNull()), passes) : passes);
  const entries = (kind: string): [string, unknown][] => {
    const v = given[kind];
    if (v === undefined) return [];
    if (kind === "notNull" ? !Array.isArray(v) : typeof v !== "object" || v === null || Array.isArray(v)) {
      refuse(BuildErrorCode.invalidArgument, `${kind} must be ${kind === "notNull" ? "an array of column names" : "an object keyed by column name"}`, 'e.g. { notNull: ["customer"], accepted: { status: ["NEW", "PAID"] } }');
    }
    return kind === "notNull" ? (v as unknown[]).map((c) => [String(c), null]) : Object.entries(v as Record<string, unknown>);
  };

  const list: Rule[] = [];
  for (const [column] of entries("notNull")) {
    const { c, ops } = columnOf(column, "notNull");
    if (!c.type.nullable) refuse(BuildErrorCode.typeMismatch, `notNull names '${column}', which is NOT NULL and cannot hold a null: the rule could never fail`, `leave '${column}' out of notNull (the source contract already keeps nulls out of NOT NULL columns)`);
    list.push({ kind: "not_null", passes: node(ops.isNotNull()), details: `${column} is null` });
  }
  for (const [column, values] of entries("accepted")) {
    const { c, ops } = columnOf(column, "accepted");
    if (!Array.isArray(values) || values.length === 0) refuse(BuildErrorCode.invalidArgument, `accepted.${column} needs a non-empty array of values`, `e.g. accepted: { ${column}: [...] }`);
    for (const v of values as unknown[]) requireHoldable(c, v, `accepted.${column}`, refuse);
    list.push({ kind: "accepted_values", passes: orNull(c, ops, node(ops.in(...(values as unknown[])))), details: `${column} is not one of ${(values as unknown[]).map(show).join(", ")}` });
  }
  for (const [column, bounds] of entries("range")) {
    const { c, ops } = columnOf(column, "range");
    if (!isNumeric(c.type) && !isTimestamp(c.type) && c.type.kind !== "DATE") refuse(BuildErrorCode.typeMismatch, `range names '${column}', a ${c.type.kind}: a range applies to numbers and times`, "use accepted or like for other columns");
    const b = (typeof bounds === "object" && bounds !== null ? bounds : {}) as { min?: unknown; max?: unknown };
    const extra = Object.keys(b).filter((k) => k !== "min" && k !== "max");
    if ((b.min === undefined && b.max === undefined) || extra.length > 0) refuse(BuildErrorCode.invalidArgument, `range.${column} takes min and/or max${extra.length > 0 ? `, not ${extra.join(", ")}` : ""}`, `e.g. range: { ${column}: { min: 0, max: 100 } }`);
    for (const v of [b.min, b.max]) if (v !== undefined) requireHoldable(c, v, `range.${column}`, refuse);
    if (b.min !== undefined && b.max !== undefined && order(b.min) > order(b.max)) refuse(BuildErrorCode.invalidArgument, `range.${column} has min ${show(b.min)} above max ${show(b.max)}`, "swap them");
    const terms = [...(b.min !== undefined ? [node(ops.ge(b.min))] : []), ...(b.max !== undefined ? [node(ops.le(b.max))] : [])];
    const details = b.min === undefined ? `${column} is above ${show(b.max)}` : b.max === undefined ? `${column} is below ${show(b.min)}` : `${column} is outside [${show(b.min)}, ${show(b.max)}]`;
    list.push({ kind: "range", passes: orNull(c, ops, and(terms)), details });
  }
  for (const [column, pattern] of entries("like")) {
    const { c, ops } = columnOf(column, "like");
    if (c.type.kind !== "STRING") refuse(BuildErrorCode.typeMismatch, `like names '${column}', a ${c.type.kind}: LIKE matches strings`, "use accepted or range for other columns");
    if (typeof pattern !== "string") refuse(BuildErrorCode.invalidArgument, `like.${column} needs a pattern string`, `e.g. like: { ${column}: "%@%" }`);
    list.push({ kind: "like", passes: orNull(c, ops, node(ops.like(pattern as string))), details: `${column} does not match ${JSON.stringify(pattern)}` });
  }
  for (const [ruleName, fn] of entries("expr")) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(ruleName)) refuse(BuildErrorCode.invalidName, `expr rule name ${JSON.stringify(ruleName)} is not a name`, "use letters, digits, '_', '.', '-'");
    if (typeof fn !== "function") refuse(BuildErrorCode.invalidArgument, `expr.${ruleName} must be a function of the row`, `e.g. expr: { ${ruleName}: (o) => o.amount.gt(0) }`);
    const cond = runCallback(`check '${name}' expr.${ruleName}`, () => (fn as (r: unknown) => unknown)(row));
    if (typeof cond === "boolean") refuse(BuildErrorCode.jsOperatorOnExpr, `expr.${ruleName} returned the JavaScript value ${cond}, not a condition`, JS_OPERATOR_HINT);
    if (!isExpr(cond) || exprNode(cond).type.kind !== "BOOLEAN") refuse(BuildErrorCode.typeMismatch, `expr.${ruleName} must return a BOOLEAN condition`, "e.g. (o) => o.amount.gt(0)");
    const e = exprNode(cond as AnyExpr);
    // Refused here, at the check: with unique, the filter's message would name the helper step the check adds.
    requireOwnColumns(origin, [e], [input]);
    // NULL is not TRUE: a condition that cannot be decided fails the row.
    const passes: ExprNode = e.type.nullable ? { kind: "call", op: "COALESCE", args: [e, { kind: "literal", value: false, type: BOOL }], type: BOOL } : e;
    list.push({ kind: "expression", passes, details: `${ruleName} is not true` });
  }
  const unique = given.unique === undefined ? null : uniqueSpec(given.unique, input, columnOf, refuse);
  if (list.length === 0 && unique === null) refuse(BuildErrorCode.invalidArgument, "has no rules", 'give at least one, e.g. { notNull: ["customer"] }');

  const at = (step: string): NodeOrigin => ({ path: `${origin.path}/${step}`, site: origin.site });
  // unique reads the previous row of its key: an OVER aggregate over the rows on time, whose helper columns
  // the rules read and the outputs leave out. Without unique the rules read the input itself.
  let checked: PlanNode = input;
  let undecided: FilterNode | null = null;
  if (unique !== null) {
    const split = splitByLateness(at, input, row);
    undecided = split.undecided;
    checked = previousOfKey(at("previous"), split.onTime, { check: name, columns: unique.columns, withinMs: unique.withinMs });
    list.push(uniqueRule(checked, unique, `check '${name}' at ${origin.path}`));
  }
  const rulesPass = and(list.map((r) => r.passes));
  const mark = (part: CheckMark["part"]): CheckMark => ({ name, part, onFail });
  const passedRows: FilterNode = { ...filterNode(unique ? at("passed") : origin, checked, rulesPass), check: mark("passed") };
  const inputColumns = input.schema.map((c) => ({ name: c.name, expr: node((row as Record<string, unknown>)[c.name]) }));
  const passed = unique ? projectNode(origin, passedRows, inputColumns) : passedRows;
  if (onFail === "drop") return { passed, failures: null };

  const failed: FilterNode = { ...filterNode(at("failed"), checked, not(rulesPass)), check: mark("failed") };
  const failedRow = rowExprs(input.schema, 0, `check '${name}' at ${origin.path}`);
  let record: ExprNode;
  try {
    record = node(jsonObject(failedRow as never));
  } catch (e) {
    const why = e instanceof StreamtError ? e.message : String(e);
    return refuse(BuildErrorCode.typeMismatch, `a failure record holds the row as JSON, and ${why}`, "select() the columns to keep before check(), casting MAP, ROW and BYTES columns to STRING");
  }
  const failing = (rs: readonly Rule[], say: (r: Rule) => string): ExprNode[] => rs.map((r) => ({ kind: "case", branches: [{ when: not(r.passes), then: text(say(r)) }], otherwise: null, type: { ...STRING, nullable: true } }));
  const concatWs = (separator: string, parts: readonly ExprNode[]): ExprNode => ({ kind: "call", op: "FUNCTION", args: [text("CONCAT_WS"), text(separator), ...parts], type: STRING });
  // One record per failing row: the kinds of rule it fails (each once), and every failed rule's details.
  const kinds = [...new Set(list.map((r) => r.kind))].map((kind) => ({ kind, passes: and(list.filter((r) => r.kind === kind).map((r) => r.passes)), details: "" }));
  const failureRecords = (at: NodeOrigin, rows: PlanNode, violationType: ExprNode, details: ExprNode): ProjectNode =>
    projectNode(at, rows, [
      { name: "test_name", expr: text(name) },
      { name: "violation_type", expr: violationType },
      { name: "violation_details", expr: details },
      { name: "record", expr: record },
      { name: "detected_at", expr: node(currentTimestamp()) },
    ]);
  const ruleFailures = failureRecords(at(undecided ? "rule-failures" : "failures"), failed, concatWs(",", failing(kinds, (r) => r.kind)), concatWs("; ", failing(list, (r) => r.details)));
  if (undecided === null || unique === null) return { passed, failures: ruleFailures };
  const lateFailures = failureRecords(at("late-failures"), undecided, text("late"), undecidedDetails(unique, row));
  return { passed, failures: unionNode(at("failures"), [ruleFailures, lateFailures]) };
}

// ---- unique --------------------------------------------------------------------------------------

interface UniqueSpec {
  readonly columns: readonly string[];
  readonly withinMs: number;
  /** The input's rowtime column. */
  readonly rowtime: string;
}

/** The helper columns the OVER aggregate adds: 2 when the key has a previous row, and that row's time. */
const ROWS_OF_KEY = "__streamt_unique_rows";
const PREVIOUS_TIME = "__streamt_unique_previous";

function uniqueSpec(v: unknown, input: PlanNode, columnOf: (column: string, rule: string) => unknown, refuse: (code: string, message: string, hint: string) => never): UniqueSpec {
  const example = 'e.g. unique: { columns: ["order_id"], within: "1h" }';
  if (typeof v !== "object" || v === null || Array.isArray(v)) return refuse(BuildErrorCode.invalidArgument, "unique must be an object { columns, within }", example);
  const spec = v as { columns?: unknown; within?: unknown };
  const extra = Object.keys(spec).filter((k) => k !== "columns" && k !== "within");
  if (extra.length > 0) refuse(BuildErrorCode.invalidArgument, `unique takes columns and within, not ${extra.join(", ")}`, example);
  const columns = spec.columns;
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== "string")) refuse(BuildErrorCode.invalidArgument, "unique.columns needs a non-empty array of column names", example);
  const names = columns as string[];
  const twice = names.find((c, i) => names.indexOf(c) !== i);
  if (twice !== undefined) refuse(BuildErrorCode.invalidArgument, `unique.columns names '${twice}' twice`, "name each column once");
  for (const c of names) columnOf(c, "unique");
  if (spec.within === undefined) refuse(BuildErrorCode.invalidDuration, "unique needs within, how far back a repeat counts", example);
  const withinMs = parsePositiveDuration(spec.within, "unique.within");
  const rowtime = input.time.rowtime;
  if (rowtime === null || input.time.watermark === null) {
    refuse(BuildErrorCode.missingTimeAttribute, `unique orders rows by event time, and ${input.path} has no event time with a watermark`, "declare .eventTime(column).watermark(delay) on the source");
  }
  return { columns: names, withinMs, rowtime: rowtime! };
}

/**
 * The input split where Flink's OVER aggregate would drop rows: it drops a row at or behind the last time it
 * emitted for the key, which is at most its watermark, at most the watermark here when the row passed (and 0,
 * the epoch, at first). A row after both is on time; the others cannot be decided and are `undecided`.
 */
function splitByLateness(at: (step: string) => NodeOrigin, input: PlanNode, row: unknown): { onTime: FilterNode; undecided: FilterNode } {
  const ts = node((row as Record<string, unknown>)[input.time.rowtime!]);
  const afterWatermark = or({ kind: "call", op: "IS NULL", args: [currentWatermark(ts)], type: BOOL }, { kind: "call", op: ">", args: [ts, currentWatermark(ts)], type: BOOL });
  const onTime = and([afterWatermark, afterEpoch(ts)]);
  return { onTime: filterNode(at("on-time"), input, onTime), undecided: filterNode(at("late"), input, not(onTime)) };
}

const afterEpoch = (ts: ExprNode): ExprNode => ({ kind: "call", op: ">", args: [ts, literalNode(new Date(0), ts.type)], type: BOOL });

/** Per key, ordered by event time over the row and the one before it: how many rows (1 or 2) and the earlier one's time. */
function previousOfKey(origin: NodeOrigin, input: PlanNode, unique: NonNullable<OverAggregateNode["unique"]>): OverAggregateNode {
  const rowtime = input.schema.find((c) => c.name === input.time.rowtime)!;
  const ts: ExprNode = { kind: "column", name: rowtime.name, input: 0, type: rowtime.type, time: "rowtime" };
  return overAggregateNode(origin, input, {
    partitionBy: unique.columns,
    precedingRows: 1,
    aggregates: [
      { name: ROWS_OF_KEY, fn: "COUNT", args: [], type: { kind: "BIGINT", nullable: false } },
      { name: PREVIOUS_TIME, fn: "MIN", args: [ts], type: { ...rowtime.type, nullable: true } },
    ],
    unique,
  });
}

/** unique passes = a NULL in a column, or no previous row of the key at most `within` before this one. */
function uniqueRule(checked: OverAggregateNode, unique: UniqueSpec, where: string): Rule {
  const r = rowExprs(checked.schema, 0, where) as unknown as Record<string, ColumnOps>;
  const previous = node(r[PREVIOUS_TIME]!.ge(r[unique.rowtime]!.minus(unique.withinMs)));
  const repeats: ExprNode = { kind: "call", op: "COALESCE", args: [and([node(r[ROWS_OF_KEY]!.eq(2)), previous]), { kind: "literal", value: false, type: BOOL }], type: BOOL };
  const nullable = unique.columns.filter((c) => checked.schema.find((x) => x.name === c)!.type.nullable);
  const passes = [...nullable.map((c) => node(r[c]!.isNull())), not(repeats)].reduce(or);
  return { kind: "unique", passes, details: `${keyText(unique)} repeats within ${formatDuration(unique.withinMs)}` };
}

const keyText = (unique: UniqueSpec): string => (unique.columns.length === 1 ? unique.columns[0]! : `(${unique.columns.join(", ")})`);

/** Why a row the OVER aggregate could not order has no unique verdict. */
function undecidedDetails(unique: UniqueSpec, row: unknown): ExprNode {
  const ts = node((row as Record<string, unknown>)[unique.rowtime]);
  const verdict = `unique(${unique.columns.join(", ")}) cannot be decided`;
  return { kind: "case", branches: [{ when: not(afterEpoch(ts)), then: text(`event time at or before 1970-01-01 00:00:00, where Flink's OVER aggregate starts: ${verdict}`) }], otherwise: text(`arrived behind the watermark: ${verdict}`), type: STRING };
}

/** A value the column can hold: its kind, and for integers a whole number within the type's range. */
function requireHoldable(c: Column, v: unknown, where: string, refuse: (code: string, message: string, hint: string) => never): void {
  const t = c.type;
  const ok = isNumeric(t) ? typeof v === "number" && Number.isFinite(v) : t.kind === "STRING" ? typeof v === "string" : t.kind === "BOOLEAN" ? typeof v === "boolean" : isTimestamp(t) || t.kind === "DATE" ? v instanceof Date && !Number.isNaN(v.getTime()) : false;
  if (!ok) refuse(BuildErrorCode.typeMismatch, `${where}: ${show(v)} is not a value of '${c.name}' (${t.kind})`, isTimestamp(t) || t.kind === "DATE" ? "give times as Date objects" : `give ${t.kind === "STRING" ? "strings" : isNumeric(t) ? "numbers" : t.kind === "BOOLEAN" ? "booleans" : "values of the column's type"}`);
  if (INTEGER_KINDS.has(t.kind)) {
    const [lo, hi] = INTEGER_RANGE[t.kind as keyof typeof INTEGER_RANGE];
    const n = v as number;
    if (!Number.isInteger(n) || n < lo || n > hi) refuse(BuildErrorCode.typeMismatch, `${where}: ${n} cannot be held by '${c.name}' (${t.kind}: whole numbers from ${lo} to ${hi})`, "give values the column can hold, or cast the column first");
  }
}

const INTEGER_RANGE = { TINYINT: [-128, 127], SMALLINT: [-32768, 32767], INT: [-2147483648, 2147483647], BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

const order = (v: unknown): number => (v instanceof Date ? v.getTime() : (v as number));
/** A rule's value as a message shows it; values JSON cannot write (an invalid Date, Infinity, a bigint) as they are. */
const show = (v: unknown): string => {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "an invalid Date" : v.toISOString();
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
};
