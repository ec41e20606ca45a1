import { describe, expect, it } from "vitest";
import { coalesce, concat, fn, lit, source, t, timestampDiff } from "streamt-sdk";
import { exprNode, rowExprs, type AnyExpr } from "../../packages/streamt-sdk/src/dsl/expr.js";
import type { DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import type { Column } from "../../packages/streamt-sdk/src/ir/node-base.js";
import { JS_OPERATOR_HINT } from "../../packages/streamt-sdk/src/errors.js";
import { lineHere, refusal } from "../helpers.js";

// The exact IR node each expression builder makes (its type is what every emitter and pass reads),
// and the exact refusal of each misuse. Casts play a plain-JavaScript user the types would stop.
const type = (kind: string, nullable: boolean, extra: Record<string, number> = {}): DataType => ({ kind, ...extra, nullable }) as DataType;
const columns: Column[] = [
  { name: "s", type: type("STRING", false) },
  { name: "n", type: type("INT", false) },
  { name: "nn", type: type("INT", true) },
  { name: "d", type: type("DECIMAL", false, { precision: 10, scale: 2 }) },
  { name: "b", type: type("BOOLEAN", false) },
  { name: "bn", type: type("BOOLEAN", true) },
  { name: "ts", type: type("TIMESTAMP", false, { precision: 3 }) },
  { name: "tsn", type: type("TIMESTAMP", true, { precision: 3 }) },
];
const o = rowExprs(columns, 0, "test") as any;
const ref = (name: string) => ({ kind: "column", name, input: 0, type: columns.find((c) => c.name === name)!.type });
const node = (e: unknown) => exprNode(e as AnyExpr);
const B002 = "STREAMT-B002";

describe("expression nodes: exact IR", () => {
  it("a boolean literal is BOOLEAN NOT NULL", () => {
    expect(node(lit(true))).toEqual({ kind: "literal", value: true, type: type("BOOLEAN", false) });
    expect(node(lit(false))).toEqual({ kind: "literal", value: false, type: type("BOOLEAN", false) });
  });

  it("and/or are nullable exactly when an operand is", () => {
    expect(node(o.b.and(o.b))).toEqual({ kind: "call", op: "AND", args: [ref("b"), ref("b")], type: type("BOOLEAN", false) });
    expect(node(o.b.or(o.bn))).toEqual({ kind: "call", op: "OR", args: [ref("b"), ref("bn")], type: type("BOOLEAN", true) });
    expect(node(o.bn.and(true))).toEqual({ kind: "call", op: "AND", args: [ref("bn"), { kind: "literal", value: true, type: type("BOOLEAN", false) }], type: type("BOOLEAN", true) });
  });

  it("round(): same type when digits reach the scale; a DECIMAL rounded to fewer digits gets that scale and room for a carry", () => {
    const two = { kind: "literal", value: "2", type: type("INT", false) };
    expect(node(o.d.round(2))).toEqual({ kind: "call", op: "ROUND", args: [ref("d"), two], type: type("DECIMAL", false, { precision: 10, scale: 2 }) });
    expect(node(o.d.round(1)).type).toEqual(type("DECIMAL", false, { precision: 10, scale: 1 }));
    expect(node(o.d.round(0)).type).toEqual(type("DECIMAL", false, { precision: 9, scale: 0 }));
    // Tens: no fraction digits, the same integer digits plus one for the carry.
    expect(node(o.d.round(-1))).toEqual({ kind: "call", op: "ROUND", args: [ref("d"), { kind: "literal", value: "-1", type: type("INT", false) }], type: type("DECIMAL", false, { precision: 9, scale: 0 }) });
    expect(node(o.n.round(-1)).type).toEqual(type("INT", false));
  });

  it("timestampDiff: the unit as a NOT NULL literal, an INT nullable exactly when a side is", () => {
    const unit = { kind: "literal", value: "MINUTE", type: type("STRING", false) };
    expect(node(timestampDiff("MINUTE", o.ts, o.ts))).toEqual({ kind: "call", op: "TIMESTAMPDIFF", args: [unit, ref("ts"), ref("ts")], type: type("INT", false) });
    expect(node(timestampDiff("MINUTE", o.ts, o.tsn)).type).toEqual(type("INT", true));
    expect(node(timestampDiff("MINUTE", o.tsn, o.ts)).type).toEqual(type("INT", true));
  });

  it("coalesce: the common type, NOT NULL when any argument is", () => {
    const zero = { kind: "literal", value: "0", type: type("INT", false) };
    expect(node(coalesce(o.nn, 0 as never))).toEqual({ kind: "call", op: "COALESCE", args: [ref("nn"), zero], type: type("INT", false) });
    expect(node(coalesce(o.nn, o.d)).type).toEqual(type("DECIMAL", false, { precision: 12, scale: 2 }));
    expect(node(coalesce(o.nn, o.nn)).type).toEqual(type("INT", true));
    expect(node(coalesce(o.nn, o.nn, 1 as never)).type).toEqual(type("INT", false));
  });
});

describe("concat(), containers and the row's columns", () => {
  const STRING = type("STRING", false);
  const NULLABLE_STRING = type("STRING", true);
  const row = rowExprs([
    { name: "s", type: STRING },
    { name: "sn", type: NULLABLE_STRING },
    { name: "tags", type: { kind: "ARRAY", element: STRING, nullable: false } as DataType },
    { name: "attrs", type: { kind: "MAP", key: STRING, value: STRING, nullable: false } as DataType },
    { name: "point", type: { kind: "ROW", fields: [{ name: "x", type: STRING }], nullable: false } as DataType },
  ], 0, "test") as any;
  const column = (name: string, t: DataType) => ({ kind: "column", name, input: 0, type: t });

  it("concat() is nullable when any part is, NOT NULL when none is", () => {
    const dash = { kind: "literal", value: "-", type: STRING };
    expect(node(concat(row.s, "-"))).toEqual({ kind: "call", op: "CONCAT", args: [column("s", STRING), dash], type: STRING });
    expect(node(concat(row.s, "-", row.sn))).toEqual({ kind: "call", op: "CONCAT", args: [column("s", STRING), dash, column("sn", NULLABLE_STRING)], type: NULLABLE_STRING });
    expect(node(concat(row.sn, row.sn)).type).toEqual(NULLABLE_STRING);
  });

  it("an ARRAY, a MAP or a ROW is not compared, even with a value of its own type", () => {
    expect(refusal(() => row.tags.eq(row.tags))).toEqual({ code: B002, message: "cannot compare 'tags' (ARRAY<STRING NOT NULL> NOT NULL) with =", hint: "compare scalar columns", site: null });
    expect(refusal(() => row.attrs.ne(row.attrs)).message).toBe("cannot compare 'attrs' (MAP<STRING NOT NULL, STRING NOT NULL> NOT NULL) with <>");
    expect(refusal(() => row.point.eq(row.point)).message).toBe("cannot compare 'point' (ROW<x STRING NOT NULL> NOT NULL) with =");
  });

  it("fn() refuses a name that is not a string, even one whose text would be a name", () => {
    const line = lineHere() + 1;
    expect(refusal(() => fn(null as any, { args: [], returns: t.string() }))).toEqual({
      code: "STREAMT-B004",
      message: "fn(null): a function name has letters, digits and '_' only, starting with a letter",
      hint: 'write the name as Flink\'s documentation spells it, e.g. fn("REGEXP_EXTRACT", ...)',
      site: { file: "test/dsl/expr-exact.test.ts", line, column: expect.any(Number) },
    });
  });

  it("`in` on the row is true for its columns only", () => {
    expect(["s" in row, "tags" in row, "nope" in row, Symbol.iterator in row]).toEqual([true, true, false, false]);
  });
});

describe("expression refusals: exact code, message and hint", () => {
  const cases: [string, () => unknown, string, string][] = [
    ["arithmetic on a string", () => o.s.add(1), "cannot apply + to 's' (STRING NOT NULL) and INT NOT NULL", "arithmetic needs numeric operands"],
    ["arithmetic with a string", () => o.n.sub("x"), "cannot apply - to 'n' (INT NOT NULL) and STRING NOT NULL", "arithmetic needs numeric operands"],
    ["neg() of a string", () => o.s.neg(), "neg() needs a numeric value, got 's' (STRING NOT NULL)", "apply it to a numeric column"],
    ["abs() of a boolean", () => o.b.abs(), "abs() needs a numeric value, got 'b' (BOOLEAN NOT NULL)", "apply it to a numeric column"],
    ["round() of a string", () => o.s.round(), "round() needs a numeric value, got 's' (STRING NOT NULL)", "apply it to a numeric column"],
    ["round() to a fraction of a digit", () => o.d.round(1.5), "round(1.5) needs a whole number of digits", "e.g. round(2), or round(-1) for tens"],
    ["timestampDiff() of text", () => timestampDiff("DAY", "2024-01-01" as any, o.ts), "timestampDiff() takes time expressions, got string", "pass columns or expressions, e.g. o.ordered_at"],
    ["timestampDiff() of an INT", () => timestampDiff("DAY", o.ts, o.n), "timestampDiff() takes TIMESTAMP, TIMESTAMP_LTZ or DATE values, got 'n' (INT NOT NULL)", "pass time columns"],
    ["a declared function of no arguments called with one", () => (fn("PI", { args: [], returns: t.double() }) as any)(1), "PI() is declared with 0 argument(s), called with 1", "pass no arguments"],
    ["a declared function called with too few", () => (fn("F", { args: [t.string(), t.int()], returns: t.int() }) as any)("a"), "F() is declared with 2 argument(s), called with 1", "pass STRING NOT NULL, INT NOT NULL"],
  ];
  it.each(cases)("%s", (_what, build, message, hint) => {
    expect(refusal(build)).toEqual({ code: B002, message, hint, site: null });
  });
});

describe("callbacks", () => {
  it("a filter callback that builds a condition and returns nothing is refused, not dropped", () => {
    const s = source("orders", { topic: "orders", schema: t.row({ amount: t.int() }) });
    const line = lineHere() + 1;
    const e = refusal(() => s.filter(((r: any) => { r.amount.gt(1); }) as any));
    expect(e).toEqual({
      code: "STREAMT-B009",
      message: "filter() builds a condition it does not return, so the condition would be silently dropped: JavaScript's &&, ||, ! and ?: do not combine expressions",
      hint: JS_OPERATOR_HINT,
      site: { file: "test/dsl/expr-exact.test.ts", line, column: expect.any(Number) },
    });
  });
});
