import { isNumeric } from "../ir/data-type.js";
import type { ExprNode } from "../ir/expr-node.js";
import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/** The values a condition can take, as a set: SQL's three-valued logic (a row passes a filter only on TRUE). */
const TRUE = 1;
const FALSE = 2;
const UNKNOWN = 4;
type Truths = number;

interface ConstantTest {
  /** The test as the DSL writes it, e.g. `customer_id.isNotNull()`. */
  readonly text: string;
  readonly why: string;
  readonly nullCompare: boolean;
}

/**
 * Finds filter conditions that do not depend on the row (STREAMT-W011): `isNull()` / `isNotNull()` of a
 * NOT NULL value (a source enforces its NOT NULL columns, so these are constant, and Flink drops them),
 * and comparisons with a null literal (`eq(null)` is never true: SQL compares with null as unknown).
 * Reported at the filter with each constant test and, when the whole condition is constant, whether the
 * filter keeps every row or none.
 */
export const constantFilterPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "filter") return [];
    const tests: ConstantTest[] = [];
    const truths = possible(node.predicate, tests);
    const effect = truths === TRUE ? "so the filter keeps every row" : (truths & TRUE) === 0 ? "so the filter drops every row" : null;
    if (tests.length === 0 && effect === null) return [];
    const what = tests.length > 0 ? tests.map((t) => `${t.text} ${t.why}`).join("; ") : `the condition is always ${truths === TRUE ? "true" : "false or unknown"}`;
    const hints: string[] = [];
    if (tests.some((t) => !t.nullCompare)) hints.push("remove the null test; if the field can really be missing or null, declare it .nullable() in the schema (otherwise the source drops such records before any step)");
    if (tests.some((t) => t.nullCompare)) hints.push("test for null with isNull() / isNotNull(): a comparison with null is never true");
    if (hints.length === 0) hints.push("write a condition that depends on the row, or remove the filter");
    return [finding(DiagnosticCode.constantFilter, pipeline, node, `filter condition: ${what}${effect ? `, ${effect}` : ""}`, hints.join("; "))];
  });

const byType = (e: ExprNode): Truths => (e.type.nullable ? TRUE | FALSE | UNKNOWN : TRUE | FALSE);
const isNullLiteral = (e: ExprNode | undefined): boolean => e?.kind === "literal" && e.value === null;

function each(a: Truths, b: Truths, op: (x: number, y: number) => number): Truths {
  let out = 0;
  for (const x of [TRUE, FALSE, UNKNOWN]) for (const y of [TRUE, FALSE, UNKNOWN]) if (a & x && b & y) out |= op(x, y);
  return out;
}
const and3 = (x: number, y: number): number => (x === FALSE || y === FALSE ? FALSE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : TRUE);
const or3 = (x: number, y: number): number => (x === TRUE || y === TRUE ? TRUE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : FALSE);
const not3 = (t: Truths): Truths => (t & TRUE ? FALSE : 0) | (t & FALSE ? TRUE : 0) | (t & UNKNOWN);

/** The values a boolean expression can take over all rows, collecting the tests that are constant. */
function possible(e: ExprNode, tests: ConstantTest[]): Truths {
  if (e.kind === "literal") return e.value === true ? TRUE : e.value === false ? FALSE : e.value === null ? UNKNOWN : byType(e);
  if (e.kind !== "call") return byType(e);
  const [a, ...rest] = e.args;
  switch (e.op) {
    case "AND":
      return e.args.map((x) => possible(x, tests)).reduce((x, y) => each(x, y, and3));
    case "OR":
      return e.args.map((x) => possible(x, tests)).reduce((x, y) => each(x, y, or3));
    case "NOT":
      return not3(possible(a!, tests));
    case "IS NULL":
    case "IS NOT NULL": {
      if (!a || a.type.nullable) return TRUE | FALSE;
      const never = e.op === "IS NULL";
      tests.push({ text: `${operand(a)}.${never ? "isNull" : "isNotNull"}()`, why: `is always ${never ? "false" : "true"} (${operand(a)} is NOT NULL here)`, nullCompare: false });
      return never ? FALSE : TRUE;
    }
    case "=":
    case "<>":
    case "<":
    case "<=":
    case ">":
    case ">=":
    case "BETWEEN":
    case "NOT IN":
      if (!e.args.some(isNullLiteral)) return byType(e);
      tests.push({ text: `${operand(a!)}.${METHOD[e.op]}(${rest.map(operand).join(", ")})`, why: "is never true (a comparison with null is unknown)", nullCompare: true });
      return e.op === "BETWEEN" || e.op === "NOT IN" ? FALSE | UNKNOWN : UNKNOWN;
    case "IN":
      if (!rest.every(isNullLiteral)) return byType(e);
      tests.push({ text: `${operand(a!)}.in(${rest.map(operand).join(", ")})`, why: "is never true (a comparison with null is unknown)", nullCompare: true });
      return UNKNOWN;
    default:
      return byType(e);
  }
}

const METHOD: Record<string, string> = { "=": "eq", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge", BETWEEN: "between", "NOT IN": "notIn" };

/** A value as the message names it: a column by its name, anything else by what it is. */
function operand(e: ExprNode): string {
  if (e.kind === "column") return e.name;
  // Numbers are kept as their text in the plan: shown as the user wrote them, not quoted.
  if (e.kind === "literal") return typeof e.value === "string" && !isNumeric(e.type) ? JSON.stringify(e.value) : String(e.value);
  return `(${e.kind === "call" ? e.op.toLowerCase() : e.kind} expression)`;
}
