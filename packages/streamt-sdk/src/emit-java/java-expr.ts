import { withNullable, type DataType } from "../ir/data-type.js";
import type { CallOp, ExprNode } from "../ir/expr-node.js";
import { exprSql } from "../emit-sql/expr-sql.js";
import { instantMillis } from "../ir/time-literal.js";
import { quoteIdent } from "../emit-sql/sql-text.js";
import { comparedAsPlainTime, plannerSafeCall } from "../ir/planner-safe.js";
import { dataTypeJava } from "./java-types.js";
import { javaString } from "./java-text.js";

/** The name a column reference has in the Table it reads: its own, or for a join's right side the name it has after the join. */
export type JavaColumnNames = (name: string, input: 0 | 1) => string;

export const sameNames: JavaColumnNames = (name) => name;

/** A column reference, `$("name")`. */
export const plainColumn = (name: string, _input: 0 | 1 = 0): string => `$(${javaString(name)})`;

type Call = Extract<ExprNode, { kind: "call" }>;
type JavaCall = (args: readonly string[], node: Call) => string;

const method = (name: string): JavaCall => ([a, ...rest]) => `${a}.${name}(${rest.join(", ")})`;
const fn = (name: string): JavaCall => (args) => `${name}(${args.join(", ")})`;
const unit = (node: Call): string => {
  const u = String((node.args[1] as Extract<ExprNode, { kind: "literal" }>).value);
  if (!/^[A-Z]+$/.test(u)) throw new Error(`internal: time unit ${u}`);
  return `TimeIntervalUnit.${u}`;
};
const literalValue = (node: Call, i: number): string => String((node.args[i] as Extract<ExprNode, { kind: "literal" }>).value);
const literalText = (node: Call, i: number): string => javaString(literalValue(node, i));

/**
 * One Table API rendering per operator the plan has (`Expressions` and the methods of `ApiExpression`), but
 * those written as SQL (SQL_CALLS): a new operator without one is a compile error here.
 */
const CALLS: Record<Exclude<CallOp, SqlCallOp>, JavaCall> = {
  "=": method("isEqual"),
  "<>": method("isNotEqual"),
  "<": method("isLess"),
  "<=": method("isLessOrEqual"),
  ">": method("isGreater"),
  ">=": method("isGreaterOrEqual"),
  "+": method("plus"),
  "-": method("minus"),
  "*": method("times"),
  "/": method("dividedBy"),
  "%": method("mod"),
  AND: fn("and"),
  OR: fn("or"),
  NOT: fn("not"),
  NEGATE: fn("negative"),
  "IS NULL": method("isNull"),
  "IS NOT NULL": method("isNotNull"),
  IN: method("in"),
  "NOT IN": (args) => `not(${method("in")(args, undefined as never)})`,
  LIKE: method("like"),
  BETWEEN: method("between"),
  UPPER: method("upperCase"),
  LOWER: method("lowerCase"),
  TRIM: method("trim"),
  CHAR_LENGTH: method("charLength"),
  SUBSTRING: method("substring"),
  CONCAT: fn("concat"),
  COALESCE: fn("coalesce"),
  ABS: method("abs"),
  ROUND: method("round"),
  FLOOR_TO: ([a], node) => plainTime(`${a}.floor(${unit(node)})`, node),
  CEIL_TO: ([a], node) => plainTime(`${a}.ceil(${unit(node)})`, node),
  DATE_FORMAT: fn("dateFormat"),
  EXTRACT: ([a], node) => `${a}.extract(${unit(node)})`,
  TO_DATE: ([a]) => `${a}.cast(DataTypes.DATE())`,
  JSON_VALUE: ([a], node) => `${a}.jsonValue(${literalText(node, 1)})`,
  CURRENT_TIMESTAMP: () => "currentTimestamp()",
  MD5: method("md5"),
  SHA1: method("sha1"),
  SHA256: method("sha256"),
  SHA2: method("sha2"),
  PLUS_INTERVAL: ([a], node) => plainTime(`${a}.plus(${intervalJava(Number(literalValue(node, 1)))})`, node),
  MINUS_INTERVAL: ([a], node) => plainTime(`${a}.minus(${intervalJava(Number(literalValue(node, 1)))})`, node),
  JSON_OBJECT: ([, ...entries], node) => {
    // Keys as plain Java strings (Expressions.jsonObject takes them as literals), each followed by its value.
    const pairs = entries.map((e, i) => (i % 2 === 0 ? literalText(node, i + 1) : e));
    return `jsonObject(JsonOnNull.${literalValue(node, 0) === "ABSENT" ? "ABSENT" : "NULL"}, ${pairs.join(", ")})`;
  },
  JSON_STRING: fn("jsonString"),
};

/**
 * Calls written as that call's Flink SQL (`callSql`: the text the SQL output writes, parsed and resolved by
 * the same planner), where the Table API has no builder or its builder plans differently:
 * - TIMESTAMPADD: `Expressions` has no timestampAdd;
 * - TIMESTAMPDIFF: `Expressions.timestampDiff` plans as Flink's own TIMESTAMPDIFF function, computed at run
 *   time, where SQL's is reduced to interval arithmetic; the SDK corrects the latter's backward months
 *   (emit-sql/expr-sql.ts), so the JAR runs that same arithmetic (its plan then equals the SQL script's);
 * - a declared built-in (`fn()`): `call("NAME", ...)` finds only the functions of Flink's BuiltInFunctionDefinitions,
 *   while SQL also finds those only its SQL operator table has; `callSql` finds exactly what the SQL output does.
 */
type SqlCallOp = "TIMESTAMPADD" | "TIMESTAMPDIFF" | "FUNCTION";
const SQL_CALLS: ReadonlySet<CallOp> = new Set<SqlCallOp>(["TIMESTAMPADD", "TIMESTAMPDIFF", "FUNCTION"]);
const isSqlCall = (op: CallOp): op is SqlCallOp => SQL_CALLS.has(op);

const UNITS = [
  ["days", 86_400_000],
  ["hours", 3_600_000],
  ["minutes", 60_000],
  ["seconds", 1000],
] as const;

/** An interval in the largest exact unit: `lit(5).seconds()`, `lit(500).millis()`. */
export function intervalJava(ms: number): string {
  for (const [unit, size] of UNITS) if (ms !== 0 && ms % size === 0) return `lit(${ms / size}).${unit}()`;
  return `lit(${ms}).millis()`;
}

/** As the SQL output does: FLOOR/CEIL of a rowtime column is cast, so Flink makes it a plain timestamp as the plan says. */
function plainTime(java: string, node: Call): string {
  const arg = node.args[0];
  return arg?.kind === "column" && arg.time ? `${java}.cast(${dataTypeJava(withNullable(node.type, true))})` : java;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function numberText(value: string, type: DataType): string {
  // Literal text goes into Java source as it is: only a number may.
  if (!NUMBER.test(value)) throw new Error(`internal: ${JSON.stringify(value)} is not a ${type.kind} literal`);
  return value;
}

/** Fractional digits of 'yyyy-MM-dd HH:mm:ss[.SSS]': the precision Flink gives the SQL literal. */
function fractionDigits(text: string): number {
  const m = /\.(\d+)$/.exec(text);
  return m ? m[1]!.length : 0;
}

/** A typed NULL: `nullOf(DataTypes.DOUBLE())`. */
export function nullOfJava(type: DataType): string {
  return `nullOf(${dataTypeJava(withNullable(type, true))})`;
}

function literalJava(node: Extract<ExprNode, { kind: "literal" }>): string {
  if (node.value === null) return nullOfJava(node.type);
  if (typeof node.value === "boolean") return `lit(${node.value})`;
  const v = node.value;
  switch (node.type.kind) {
    case "STRING":
      return `lit(${javaString(v)})`;
    case "TIMESTAMP": {
      const iso = v.includes("T") ? v : v.replace(" ", "T");
      return `lit(LocalDateTime.parse(${javaString(iso)}), DataTypes.TIMESTAMP(${fractionDigits(v)}).notNull())`;
    }
    case "TIMESTAMP_LTZ":
      // An instant, as epoch milliseconds (as the SQL output writes it): the session time zone cannot move it.
      return `toTimestampLtz(lit(${instantMillis(v)}L), lit(3))`;
    case "DATE":
      return `lit(LocalDate.parse(${javaString(v)}))`;
    case "DOUBLE":
      return `lit(${numberText(v, node.type)}d)`;
    case "FLOAT":
      return `lit(${numberText(v, node.type)}f)`;
    case "BIGINT":
      return `lit(${numberText(v, node.type)}L)`;
    case "TINYINT":
      return `lit((byte) ${numberText(v, node.type)})`;
    case "SMALLINT":
      return `lit((short) ${numberText(v, node.type)})`;
    case "DECIMAL":
      return `lit(new BigDecimal(${javaString(numberText(v, node.type))}))`;
    case "INT":
      return `lit(${numberText(v, node.type)})`;
    default:
      throw new Error(`internal: a ${node.type.kind} literal`);
  }
}

/** Renders an expression as Table API code (`$("amount").isGreater(lit(100))`). */
export function exprJava(node: ExprNode, column: JavaColumnNames = sameNames): string {
  switch (node.kind) {
    case "column":
      return plainColumn(column(node.name, node.input));
    case "literal":
      return literalJava(node);
    case "call": {
      // A shape Flink's planner gets wrong is written in a form it gets right (ir/planner-safe.ts): the
      // Table API reaches the same planner as the SQL script.
      const safe = plannerSafeCall(node);
      if (safe) return exprJava(safe, column);
      if (isSqlCall(node.op)) return `callSql(${javaString(exprSql(node, (name, input) => quoteIdent(column(name, input))))})`;
      // FLOOR_TO, CEIL_TO, EXTRACT, JSON_VALUE, the intervals and JSON_OBJECT carry literal
      // arguments (units, keys) their own renderer writes.
      const args = node.args.map((a) => exprJava(comparedAsPlainTime(node, a), column));
      return CALLS[node.op](args, node);
    }
    case "case": {
      const otherwise = node.otherwise ? exprJava(node.otherwise, column) : nullOfJava(node.type);
      return node.branches.reduceRight((rest, b) => `ifThenElse(${exprJava(b.when, column)}, ${exprJava(b.then, column)}, ${rest})`, otherwise);
    }
    case "cast":
      return `${exprJava(node.expr, column)}.cast(${dataTypeJava(withNullable(node.type, true))})`;
  }
}
