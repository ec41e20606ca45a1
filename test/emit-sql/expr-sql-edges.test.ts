/**
 * Edges of the expression renderer (emit-sql/expr-sql.ts) the DSL's tests do not reach: month spans between two
 * DATEs, and the checks the renderer repeats on IR it is handed (a unit that is no literal, a function name
 * that could end the call), so a plan built by other means cannot put arbitrary text into a script.
 */
import { describe, expect, it } from "vitest";
import type { CallOp, ExprNode } from "../../packages/streamt-sdk/src/ir/expr-node.js";
import type { DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { exprSql } from "../../packages/streamt-sdk/src/emit-sql/expr-sql.js";
import { refusal } from "../helpers.js";

const INT: DataType = { kind: "INT", nullable: false };
const STR: DataType = { kind: "STRING", nullable: false };
const DATE: DataType = { kind: "DATE", nullable: false };
const TS: DataType = { kind: "TIMESTAMP", precision: 3, nullable: false };
const col = (name: string, type: DataType): ExprNode => ({ kind: "column", name, input: 0, type });
const text = (value: string): ExprNode => ({ kind: "literal", value, type: STR });
const call = (op: CallOp, args: ExprNode[], type: DataType): ExprNode => ({ kind: "call", op, args, type });

describe("TIMESTAMPDIFF of months and years", () => {
  it("compares two DATEs as they are: only a DATE against a TIMESTAMP is cast to its midnight", () => {
    expect(exprSql(call("TIMESTAMPDIFF", [text("MONTH"), col("start", DATE), col("end", DATE)], INT))).toBe(
      "CASE WHEN `end` >= `start` THEN TIMESTAMPDIFF(MONTH, `start`, `end`) ELSE - TIMESTAMPDIFF(MONTH, `end`, `start`) END",
    );
    expect(exprSql(call("TIMESTAMPDIFF", [text("YEAR"), col("at", TS), col("day", DATE)], INT))).toBe(
      "CASE WHEN CAST(`day` AS TIMESTAMP(0)) >= `at` THEN TIMESTAMPDIFF(YEAR, `at`, `day`) ELSE - TIMESTAMPDIFF(YEAR, `day`, `at`) END",
    );
  });
});

describe("checks on the IR it renders", () => {
  it.each([
    ["a column", col("unit", STR)],
    ["a null literal", { kind: "literal", value: null, type: STR } as ExprNode],
  ])("refuses a unit that is %s, not a literal (it would be written into the syntax)", (_, unit) => {
    expect(() => exprSql(call("TIMESTAMPADD", [unit, col("n", INT), col("at", TS)], TS))).toThrow(new Error("expected a literal argument"));
  });

  it("refuses a function name that is not an identifier (it is written unquoted)", () => {
    expect(refusal(() => exprSql(call("FUNCTION", [text("LOWER(`x`)); DROP TABLE t; --"), col("a", STR)], STR)))).toEqual({
      code: "STREAMT-B004",
      message: '"LOWER(`x`)); DROP TABLE t; --" is not a function name',
      hint: "use letters, digits and '_', starting with a letter, e.g. REGEXP_EXTRACT",
      site: null,
    });
  });
});
