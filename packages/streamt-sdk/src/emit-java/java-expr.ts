import { BuildErrorCode, StreamtError } from "../errors.js";
import { withNullable, type DataType } from "../ir/data-type.js";
import type { CallOp, ExprNode } from "../ir/expr-node.js";
import { instantMillis } from "../emit-sql/expr-sql.js";
import { comparedAsPlainTime, plannerSafeCall } from "../ir/planner-safe.js";
import { dataTypeJava } from "./java-types.js";
import { javaString } from "./java-text.js";

/** Renders a column reference: `$("name")`, or for a join's right side the name it has after the join. */
export type JavaColumnRenderer = (name: string, input: 0 | 1) => string;

export const plainColumn: JavaColumnRenderer = (name) => `$(${javaString(name)})`;

type Call = Extract<ExprNode, { kind: "call" }>;
type JavaCall = (args: readonly string[], node: Call) => string;

const method = (name: string): JavaCall => ([a, ...rest]) => `${a}.${name}(${rest.join(", ")})`;
const fn = (name: string): JavaCall => (args) => `${name}(${args.join(", ")})`;
const unit = (node: Call): string => {
  const u = String((node.args[1] as Extract<ExprNode, { kind: "literal" }>).value);
  if (!/^[A-Z]+$/.test(u)) throw new Error(`internal: time unit ${u}`);
  return `TimeIntervalUnit.${u}`;
};
const literalText = (node: Call, i: number): string => javaString(String((node.args[i] as Extract<ExprNode, { kind: "literal" }>).value));

/**
 * One Table API rendering per operator the plan has (`Expressions` and the methods of `ApiExpression`). An
 * operator missing here is refused (BuildErrorCode.javaNotExpressible) rather than written some other way.
 */
const CALLS: Partial<Record<CallOp, JavaCall>> = {
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
};

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

function literalJava(node: Extract<ExprNode, { kind: "literal" }>): string {
  if (node.value === null) return `nullOf(${dataTypeJava(withNullable(node.type, true))})`;
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
export function exprJava(node: ExprNode, column: JavaColumnRenderer = plainColumn, where: { path: string } = { path: "" }): string {
  switch (node.kind) {
    case "column":
      return column(node.name, node.input);
    case "literal":
      return literalJava(node);
    case "call": {
      // A shape Flink's planner gets wrong is written in a form it gets right (ir/planner-safe.ts): the
      // Table API reaches the same planner as the SQL script.
      const safe = plannerSafeCall(node);
      if (safe) return exprJava(safe, column, where);
      const render = CALLS[node.op];
      if (!render) {
        throw new StreamtError({
          code: BuildErrorCode.javaNotExpressible,
          message: `the Java (Table API) output cannot write ${node.op} yet`,
          hint: "synthesise this pipeline with --target sql (the SQL output writes it)",
          path: where.path,
        });
      }
      // FLOOR_TO / CEIL_TO / EXTRACT / JSON_VALUE carry a literal argument rendered by their own renderer.
      const args = node.args.map((a) => exprJava(comparedAsPlainTime(node, a), column, where));
      return render(args, node);
    }
    case "case": {
      const otherwise = node.otherwise ? exprJava(node.otherwise, column, where) : `nullOf(${dataTypeJava(withNullable(node.type, true))})`;
      return node.branches.reduceRight((rest, b) => `ifThenElse(${exprJava(b.when, column, where)}, ${exprJava(b.then, column, where)}, ${rest})`, otherwise);
    }
    case "cast":
      return `${exprJava(node.expr, column, where)}.cast(${dataTypeJava(withNullable(node.type, true))})`;
  }
}
