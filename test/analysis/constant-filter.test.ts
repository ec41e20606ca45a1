/**
 * STREAMT-W011 over SQL's three-valued logic, condition by condition: which tests are constant, what
 * the whole condition can be (a row passes only on TRUE), and the exact finding. NOT turns FALSE into
 * TRUE but keeps UNKNOWN, so each case under NOT also pins whether a part is FALSE or UNKNOWN.
 */
import { describe, expect, it } from "vitest";
import { lit, pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import type { ExprNode } from "../../packages/streamt-sdk/src/ir/expr-node.js";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/constant-filter.test.ts";
const Shipment = t.row({ shipment_id: t.string(), carrier: t.string().nullable(), weight: t.int().nullable() });
const shipments = source("shipments", { topic: "shipments.v1", schema: Shipment });

// Conditions are built untyped: comparisons with null are refused by the types, and reach analysis from plain JavaScript.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = { shipment_id: any; carrier: any; weight: any };

const REMOVE = "remove the null test; if the field can really be missing or null, declare it .nullable() in the schema (otherwise the source drops such records before any step)";
const IS_NULL = "test for null with isNull() / isNotNull(): a comparison with null is never true";
const DEPENDS = "write a condition that depends on the row, or remove the filter";
const KEEPS = ", so the filter keeps every row";
const DROPS = ", so the filter drops every row";
const NEVER = "is never true (a comparison with null is unknown)";
const ID_TRUE = "shipment_id.isNotNull() is always true (shipment_id is NOT NULL here)";
const ID_FALSE = "shipment_id.isNull() is always false (shipment_id is NOT NULL here)";

const filterLine = lineHere() + 3;
/** The findings of a pipeline that filters shipments by `condition`. */
function findings(condition: (r: Row) => unknown): Diagnostic[] {
  const kept = shipments.filter(condition as never);
  return analysePlan({ version: 1, pipelines: [pipeline("p").write(kept.toBlackhole()).definition] });
}
const W011 = (what: string, hint: string) => [
  { code: "STREAMT-W011", severity: "warning", pipeline: "p", path: "shipments/filter", site: { file: FILE, line: filterLine, column: expect.any(Number) }, message: `filter condition: ${what}`, hint },
];

describe("STREAMT-W011 constant conditions", () => {
  it.each<[string, (r: Row) => unknown, ReturnType<typeof W011> | []]>([
    ["a condition on the row", (r) => r.weight.gt(10), []],
    ["a literal true", () => lit(true), W011(`the condition is always true${KEEPS}`, DEPENDS)],
    ["a literal false", () => lit(false), W011(`the condition is always false or unknown${DROPS}`, DEPENDS)],
    ["true AND a condition on the row", (r) => lit(true).and(r.weight.gt(1)), []],
    ["a condition on the row OR true", (r) => r.weight.gt(1).or(lit(true)), W011(`the condition is always true${KEEPS}`, DEPENDS)],
    ["a condition on the row AND false", (r) => r.weight.gt(1).and(lit(false)), W011(`the condition is always false or unknown${DROPS}`, DEPENDS)],
    ["NOT of a literal false", () => lit(false).not(), W011(`the condition is always true${KEEPS}`, DEPENDS)],

    ["isNotNull() of a NOT NULL column", (r) => r.shipment_id.isNotNull(), W011(`${ID_TRUE}${KEEPS}`, REMOVE)],
    ["isNull() of a NOT NULL column", (r) => r.shipment_id.isNull(), W011(`${ID_FALSE}${DROPS}`, REMOVE)],
    ["isNull() of a nullable column", (r) => r.carrier.isNull(), []],
    ["NOT isNull() of a NOT NULL column", (r) => r.shipment_id.isNull().not(), W011(`${ID_FALSE}${KEEPS}`, REMOVE)],
    ["a constant test OR a condition on the row", (r) => r.shipment_id.isNull().or(r.weight.gt(1)), W011(ID_FALSE, REMOVE)],

    // UNKNOWN with TRUE and FALSE, on each side of AND / OR.
    ["eq(null) AND TRUE", (r) => r.carrier.eq(null).and(r.shipment_id.isNotNull()), W011(`carrier.eq(null) ${NEVER}; ${ID_TRUE}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["TRUE AND eq(null)", (r) => r.shipment_id.isNotNull().and(r.carrier.eq(null)), W011(`${ID_TRUE}; carrier.eq(null) ${NEVER}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (eq(null) AND TRUE): still unknown", (r) => r.carrier.eq(null).and(r.shipment_id.isNotNull()).not(), W011(`carrier.eq(null) ${NEVER}; ${ID_TRUE}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (TRUE AND eq(null)): still unknown", (r) => r.shipment_id.isNotNull().and(r.carrier.eq(null)).not(), W011(`${ID_TRUE}; carrier.eq(null) ${NEVER}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (eq(null) AND FALSE): true", (r) => r.carrier.eq(null).and(r.shipment_id.isNull()).not(), W011(`carrier.eq(null) ${NEVER}; ${ID_FALSE}${KEEPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["eq(null) OR TRUE", (r) => r.carrier.eq(null).or(r.shipment_id.isNotNull()), W011(`carrier.eq(null) ${NEVER}; ${ID_TRUE}${KEEPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["TRUE OR eq(null)", (r) => r.shipment_id.isNotNull().or(r.carrier.eq(null)), W011(`${ID_TRUE}; carrier.eq(null) ${NEVER}${KEEPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (eq(null) OR FALSE): still unknown", (r) => r.carrier.eq(null).or(r.shipment_id.isNull()).not(), W011(`carrier.eq(null) ${NEVER}; ${ID_FALSE}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (FALSE OR eq(null)): still unknown", (r) => r.shipment_id.isNull().or(r.carrier.eq(null)).not(), W011(`${ID_FALSE}; carrier.eq(null) ${NEVER}${DROPS}`, `${REMOVE}; ${IS_NULL}`)],
    ["NOT (FALSE OR FALSE): true", (r) => r.shipment_id.isNull().or(lit(false)).not(), W011(`${ID_FALSE}${KEEPS}`, REMOVE)],
    ["eq(null) OR a condition on the row", (r) => r.carrier.eq(null).or(r.weight.gt(1)), W011(`carrier.eq(null) ${NEVER}`, IS_NULL)],

    // Comparisons with null: each operator by its DSL method, never true.
    ["NOT eq(null)", (r) => r.carrier.eq(null).not(), W011(`carrier.eq(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["ne(null)", (r) => r.carrier.ne(null), W011(`carrier.ne(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["lt(null)", (r) => r.weight.lt(null), W011(`weight.lt(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["le(null)", (r) => r.weight.le(null), W011(`weight.le(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["gt(null)", (r) => r.weight.gt(null), W011(`weight.gt(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["ge(null)", (r) => r.weight.ge(null), W011(`weight.ge(null) ${NEVER}${DROPS}`, IS_NULL)],
    // BETWEEN and NOT IN with a null are FALSE for some rows, UNKNOWN for others: under NOT, TRUE for some.
    ["between(null, 10)", (r) => r.weight.between(null, 10), W011(`weight.between(null, 10) ${NEVER}${DROPS}`, IS_NULL)],
    ["NOT between(null, 10)", (r) => r.weight.between(null, 10).not(), W011(`weight.between(null, 10) ${NEVER}`, IS_NULL)],
    ["notIn(\"dhl\", null)", (r) => r.carrier.notIn("dhl", null), W011(`carrier.notIn("dhl", null) ${NEVER}${DROPS}`, IS_NULL)],
    ["NOT notIn(\"dhl\", null)", (r) => r.carrier.notIn("dhl", null).not(), W011(`carrier.notIn("dhl", null) ${NEVER}`, IS_NULL)],
    ["in(null, null)", (r) => r.carrier.in(null, null), W011(`carrier.in(null, null) ${NEVER}${DROPS}`, IS_NULL)],
    ["NOT in(null)", (r) => r.carrier.in(null).not(), W011(`carrier.in(null) ${NEVER}${DROPS}`, IS_NULL)],
    // IN is true for a row that equals another value of the list.
    ["in(\"dhl\", null)", (r) => r.carrier.in("dhl", null), []],
    ["in(null, \"dhl\")", (r) => r.carrier.in(null, "dhl"), []],

    // Operands that are not columns are named by what they are.
    ["a function's result compared with null", (r) => r.carrier.upper().eq(null), W011(`(upper expression).eq(null) ${NEVER}${DROPS}`, IS_NULL)],
    ["a cast compared with null", (r) => r.weight.cast(t.bigint()).eq(null), W011(`(cast expression).eq(null) ${NEVER}${DROPS}`, IS_NULL)],
  ])("%s", (_, condition, expected) => {
    expect(findings(condition)).toEqual(expected);
  });

  // Conditions other front ends can write: a bare literal as the whole condition.
  it.each<[string, unknown, string | null]>([
    ["a null literal", null, `the condition is always false or unknown${DROPS}`],
    ["a literal that is not a boolean", "yes", null],
  ])("%s as the condition", (_, value, message) => {
    const def = pipeline("p").write(shipments.filter((r) => r.weight.gt(1)).toBlackhole()).definition;
    const filter = def.sinks[0]!.input as Extract<PlanNode, { kind: "filter" }>;
    const predicate = { kind: "literal", value, type: { kind: "BOOLEAN", nullable: true } } as ExprNode;
    const edited: PipelineDef = { ...def, sinks: [{ ...def.sinks[0]!, input: { ...filter, predicate } }] };
    expect(analysePlan({ version: 1, pipelines: [edited] }).map((d) => [d.code, d.message, d.hint])).toEqual(message === null ? [] : [["STREAMT-W011", `filter condition: ${message}`, DEPENDS]]);
  });
});
