import { BuildErrorCode, StreamtError } from "../errors.js";
import { FUNCTION_NAME, type CallOp, type ExprNode } from "../ir/expr-node.js";
import { formatType } from "../ir/data-type.js";
import { intervalLiteral, quoteIdent, quoteString } from "./sql-text.js";
import { comparedAsPlainTime, plannerSafeCall } from "../ir/planner-safe.js";
import { instantMillis } from "../ir/time-literal.js";
import { SAMPLE_STATISTICS, type AggregateCall } from "../ir/aggregate-call.js";

/** Renders a column reference; joins qualify it with the side's alias. */
export type ColumnRenderer = (name: string, input: 0 | 1) => string;

export const unqualified: ColumnRenderer = (name) => quoteIdent(name);

type CallRenderer = (args: readonly string[], node: Extract<ExprNode, { kind: "call" }>) => string;

const infix = (op: string): CallRenderer => ([a, b]) => `(${a} ${op} ${b})`;
const fn = (name: string): CallRenderer => (args) => `${name}(${args.join(", ")})`;
const unitOf = (node: Extract<ExprNode, { kind: "call" }>): string => String((node.args[1] as Extract<ExprNode, { kind: "literal" }>).value);

/** One renderer per CallOp: a new operator without SQL is a compile error here. */
const CALLS: Record<CallOp, CallRenderer> = {
  "=": infix("="),
  "<>": infix("<>"),
  "<": infix("<"),
  "<=": infix("<="),
  ">": infix(">"),
  ">=": infix(">="),
  "+": infix("+"),
  "-": infix("-"),
  "*": infix("*"),
  "/": infix("/"),
  "%": fn("MOD"),
  AND: infix("AND"),
  OR: infix("OR"),
  NOT: ([a]) => `(NOT ${a})`,
  NEGATE: ([a]) => `(- ${a})`,
  "IS NULL": ([a]) => `(${a} IS NULL)`,
  "IS NOT NULL": ([a]) => `(${a} IS NOT NULL)`,
  IN: ([a, ...rest]) => `(${a} IN (${rest.join(", ")}))`,
  "NOT IN": ([a, ...rest]) => `(${a} NOT IN (${rest.join(", ")}))`,
  LIKE: infix("LIKE"),
  BETWEEN: ([a, lo, hi]) => `(${a} BETWEEN ${lo} AND ${hi})`,
  UPPER: fn("UPPER"),
  LOWER: fn("LOWER"),
  TRIM: fn("TRIM"),
  CHAR_LENGTH: fn("CHAR_LENGTH"),
  SUBSTRING: ([s, start, len]) => (len === undefined ? `SUBSTRING(${s} FROM ${start})` : `SUBSTRING(${s} FROM ${start} FOR ${len})`),
  CONCAT: fn("CONCAT"),
  COALESCE: fn("COALESCE"),
  ABS: fn("ABS"),
  ROUND: fn("ROUND"),
  FLOOR_TO: ([a], node) => plainTime(`FLOOR(${a} TO ${unitOf(node)})`, node),
  CEIL_TO: ([a], node) => plainTime(`CEIL(${a} TO ${unitOf(node)})`, node),
  DATE_FORMAT: fn("DATE_FORMAT"),
  EXTRACT: ([a], node) => `EXTRACT(${unitOf(node)} FROM ${a})`,
  TO_DATE: ([a]) => `CAST(${a} AS DATE)`,
  JSON_VALUE: fn("JSON_VALUE"),
  CURRENT_TIMESTAMP: () => "CURRENT_TIMESTAMP",
  MD5: fn("MD5"),
  SHA1: fn("SHA1"),
  SHA256: fn("SHA256"),
  SHA2: fn("SHA2"),
  TIMESTAMPDIFF: ([, from, to], node) => timestampDiffSql(node, from!, to!),
  TIMESTAMPADD: ([, amount, time], node) => `TIMESTAMPADD(${literalText(node.args[0])}, ${amount}, ${time})`,
  PLUS_INTERVAL: ([a], node) => plainTime(`(${a} + ${intervalLiteral(Number(literalText(node.args[1])))})`, node),
  MINUS_INTERVAL: ([a], node) => plainTime(`(${a} - ${intervalLiteral(Number(literalText(node.args[1])))})`, node),
  JSON_OBJECT: ([, ...entries], node) => jsonObjectSql(entries, node),
  JSON_STRING: fn("JSON_STRING"),
  FUNCTION: ([, ...args], node) => `${functionName(literalText(node.args[0]))}(${args.join(", ")})`,
};

/**
 * `TIMESTAMPDIFF`: whole units from `from` to `to`. Flink counts months (and years, from months) one too
 * many backwards: TIMESTAMPDIFF(MONTH, 12:30, 12:00 the same day) is -1 (2.2 and 1.20), while days and
 * smaller units count the whole units towards zero. A backward month span is counted forwards and negated.
 */
function timestampDiffSql(node: Extract<ExprNode, { kind: "call" }>, from: string, to: string): string {
  const unit = literalText(node.args[0]);
  const diff = `TIMESTAMPDIFF(${unit}, ${from}, ${to})`;
  if (unit !== "MONTH" && unit !== "YEAR") return diff;
  // A DATE is compared with a TIMESTAMP at its midnight, as TIMESTAMPDIFF reads it.
  const mixed = node.args[1]!.type.kind !== node.args[2]!.type.kind;
  const asTime = (sql: string, arg: ExprNode) => (mixed && arg.type.kind === "DATE" ? `CAST(${sql} AS TIMESTAMP(0))` : sql);
  return `CASE WHEN ${asTime(to, node.args[2]!)} >= ${asTime(from, node.args[1]!)} THEN ${diff} ELSE - TIMESTAMPDIFF(${unit}, ${to}, ${from}) END`;
}

/** The text of a literal argument that is part of the syntax (a unit, a name), not a value. */
function literalText(arg: ExprNode | undefined): string {
  if (arg?.kind !== "literal" || arg.value === null) throw new Error("expected a literal argument");
  return String(arg.value);
}

/**
 * A declared function's name goes into the script unquoted (built-ins are found by their plain name),
 * so it is checked again here: identifier characters only, nothing that could end the call.
 */
function functionName(name: string): string {
  if (!FUNCTION_NAME.test(name)) {
    throw new StreamtError({ code: BuildErrorCode.invalidName, message: `${JSON.stringify(name)} is not a function name`, hint: "use letters, digits and '_', starting with a letter, e.g. REGEXP_EXTRACT" });
  }
  return name;
}

/** `JSON_OBJECT(KEY 'k' VALUE v, ...)`: entries are rendered key, value, key, value; the first argument says what a NULL value does. */
function jsonObjectSql(entries: readonly string[], node: Extract<ExprNode, { kind: "call" }>): string {
  const pairs: string[] = [];
  for (let i = 0; i < entries.length; i += 2) pairs.push(`KEY ${entries[i]} VALUE ${entries[i + 1]}`);
  return `JSON_OBJECT(${pairs.join(", ")}${literalText(node.args[0]) === "ABSENT" ? " ABSENT ON NULL" : ""})`;
}

/**
 * An aggregate call. The sample deviation and variance are guarded by the group's count: Flink computes
 * them as -1 for a single NOT NULL value (2.2 and 1.20), where SQL says NULL.
 */
export function aggregateCallSql(a: AggregateCall, column: ColumnRenderer = unqualified): string {
  const args = a.args.map((e) => exprSql(e, column));
  if (a.fn === "COUNT" && args.length === 0) return "COUNT(*)";
  if (a.fn === "COUNT_DISTINCT") return `COUNT(DISTINCT ${args[0]})`;
  const call = `${a.fn}(${args.join(", ")})`;
  return SAMPLE_STATISTICS.has(a.fn) ? `CASE WHEN COUNT(${args[0]}) > 1 THEN ${call} END` : call;
}

/**
 * Flink keeps the time attribute of a rowtime column through FLOOR/CEIL, so a second rowtime column would
 * appear (which a later window or sink refuses: "more than one rowtime attribute column"). The IR makes
 * any computed time a plain timestamp; the CAST makes Flink agree.
 */
function plainTime(sql: string, node: Extract<ExprNode, { kind: "call" }>): string {
  const arg = node.args[0];
  return arg?.kind === "column" && arg.time ? `CAST(${sql} AS ${formatType({ ...node.type, nullable: true }, quoteIdent)})` : sql;
}

function literalSql(node: Extract<ExprNode, { kind: "literal" }>): string {
  if (node.value === null) return `CAST(NULL AS ${formatType({ ...node.type, nullable: true }, quoteIdent)})`;
  if (typeof node.value === "boolean") return node.value ? "TRUE" : "FALSE";
  switch (node.type.kind) {
    case "STRING":
      return quoteString(node.value);
    case "TIMESTAMP":
      return `TIMESTAMP ${quoteString(node.value)}`;
    case "TIMESTAMP_LTZ":
      // An instant, as epoch milliseconds: a TIMESTAMP literal cast to TIMESTAMP_LTZ would be read in the
      // session's time zone, so the same pipeline would filter differently on another cluster.
      return `TO_TIMESTAMP_LTZ(${instantMillis(node.value)}, 3)`;
    case "DATE":
      return `DATE ${quoteString(node.value)}`;
    case "DOUBLE":
      return /[eE]/.test(node.value) ? node.value : `CAST(${node.value} AS DOUBLE)`;
    case "FLOAT":
      return `CAST(${node.value} AS FLOAT)`;
    default:
      return node.value;
  }
}

/** Renders an expression as Flink SQL. */
export function exprSql(node: ExprNode, column: ColumnRenderer = unqualified): string {
  switch (node.kind) {
    case "column":
      return column(node.name, node.input);
    case "literal":
      return literalSql(node);
    case "call": {
      // A shape Flink's planner gets wrong is written in a form it gets right (ir/planner-safe.ts).
      const safe = plannerSafeCall(node);
      if (safe) return exprSql(safe, column);
      // FLOOR_TO / CEIL_TO / EXTRACT carry their unit as a literal argument that is not rendered.
      const args = node.args.map((a) => exprSql(comparedAsPlainTime(node, a), column));
      return CALLS[node.op](args, node);
    }
    case "case": {
      const branches = node.branches.map((b) => `WHEN ${exprSql(b.when, column)} THEN ${exprSql(b.then, column)}`).join(" ");
      const otherwise = node.otherwise ? ` ELSE ${exprSql(node.otherwise, column)}` : "";
      return `CASE ${branches}${otherwise} END`;
    }
    case "cast":
      return `CAST(${exprSql(node.expr, column)} AS ${formatType({ ...node.type, nullable: true }, quoteIdent)})`;
  }
}
