/**
 * The shapes Flink's planner gets wrong (findings D1, D4-D8 of test/e2e/differential.test.ts) and the
 * exact SQL the emitter writes for them instead; test/e2e/planner-findings.test.ts runs each on the
 * engine, test/flink/rowtime-comparisons.test.ts plans every pair of rowtime bounds.
 */
import { describe, expect, it } from "vitest";
import { count, firstValue, max, min, pipeline, source, t } from "streamt-sdk";
import { exprNode, rowExprs } from "../../packages/streamt-sdk/src/dsl/expr.js";
import { exprSql } from "../../packages/streamt-sdk/src/emit-sql/expr-sql.js";
import { inTimeZone, statementOf } from "../helpers.js";

const Ev = t.row({ k: t.string(), s: t.string().nullable(), m: t.int().nullable(), at: t.timestamp(3), ltz: t.timestampLtz(3), ts: t.timestamp(3), d: t.date(), micros: t.timestamp(6) });
const events = () => source("ev", { topic: "ev", schema: Ev }).eventTime("ts").watermark("5s");
/* eslint-disable @typescript-eslint/no-explicit-any -- expressions built over the schema's columns */
const o: any = rowExprs((events() as any).node.schema, 0, "test");
const sql = (e: unknown) => exprSql(exprNode(e as never));
const T = new Date("2024-03-15T10:00:10Z");
const U = new Date("2024-03-15T10:00:20Z");

describe("D4: LIKE with no wildcard is an equality", () => {
  it.each([
    ["the empty pattern", o.s.like(""), "(`s` = '')"],
    ["a plain word", o.s.like("ab"), "(`s` = 'ab')"],
    ["a quote", o.s.like("it's"), "(`s` = 'it''s')"],
    ["%", o.s.like("a%"), "(`s` LIKE 'a%')"],
    ["_", o.s.like("x_y"), "(`s` LIKE 'x_y')"],
    ["a backslash", o.s.like("a\\b"), "(`s` LIKE 'a\\b')"],
  ])("%s", (_what, e, expected) => expect(sql(e)).toBe(expected));
});

describe("D5: a column compared with itself is NULL where the column is", () => {
  it.each([
    ["=", o.m.eq(o.m), "((`m` IS NOT NULL) OR CAST(NULL AS BOOLEAN))"],
    [">=", o.m.ge(o.m), "((`m` IS NOT NULL) OR CAST(NULL AS BOOLEAN))"],
    ["<=", o.s.le(o.s), "((`s` IS NOT NULL) OR CAST(NULL AS BOOLEAN))"],
    ["<>", o.m.ne(o.m), "((`m` IS NULL) AND CAST(NULL AS BOOLEAN))"],
    ["<", o.m.lt(o.m), "((`m` IS NULL) AND CAST(NULL AS BOOLEAN))"],
    [">", o.k.gt(o.k), "((`k` IS NULL) AND CAST(NULL AS BOOLEAN))"],
    ["NOT <>", o.m.ne(o.m).not(), "(NOT ((`m` IS NULL) AND CAST(NULL AS BOOLEAN)))"],
    ["BETWEEN itself", o.m.between(o.m, 5), "(((`m` IS NOT NULL) OR CAST(NULL AS BOOLEAN)) AND (`m` <= 5))"],
    ["IN with itself", o.m.in(o.m, 99), "(((`m` IS NOT NULL) OR CAST(NULL AS BOOLEAN)) OR (`m` = 99))"],
    ["NOT IN with itself", o.m.notIn(1, o.m), "((`m` <> 1) AND ((`m` IS NULL) AND CAST(NULL AS BOOLEAN)))"],
    ["an expression (Flink gets it right)", o.m.add(1).eq(o.m.add(1)), "((`m` + 1) = (`m` + 1))"],
    ["another column", o.m.eq(o.k.length()), "(`m` = CHAR_LENGTH(`k`))"],
    ["arithmetic with itself is left alone", o.m.mul(o.m), "(`m` * `m`)"],
  ])("%s", (_what, e, expected) => expect(sql(e)).toBe(expected));
});

describe("D7: a rowtime compared with a literal is compared as a plain timestamp", () => {
  it.each([
    ["<", o.ts.lt(T), "(CAST(`ts` AS TIMESTAMP(3)) < TIMESTAMP '2024-03-15 10:00:10.000')"],
    [">= (D8: > T is >= T + 1 ms)", o.ts.gt(T), "(CAST(`ts` AS TIMESTAMP(3)) >= TIMESTAMP '2024-03-15 10:00:10.001')"],
    ["a plain timestamp column", o.at.lt(T), "(`at` < TIMESTAMP '2024-03-15 10:00:10.000')"],
    ["two columns", o.ts.gt(o.at), "(`ts` > `at`)"],
  ])("%s", (_what, e, expected) => expect(sql(e)).toBe(expected));
});

describe("D8: every bound of a millisecond time by a literal is half-open, so no two bounds meet at one instant", () => {
  it.each([
    ["=", o.at.eq(T), "((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.001'))"],
    ["a rowtime", o.ts.eq(T), "((CAST(`ts` AS TIMESTAMP(3)) >= TIMESTAMP '2024-03-15 10:00:10.000') AND (CAST(`ts` AS TIMESTAMP(3)) < TIMESTAMP '2024-03-15 10:00:10.001'))"],
    ["the end of a day", o.at.eq(new Date("2024-02-29T23:59:59.999Z")), "((`at` >= TIMESTAMP '2024-02-29 23:59:59.999') AND (`at` < TIMESTAMP '2024-03-01 00:00:00.000'))"],
    ["IN with one value", o.at.in(T), "((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.001'))"],
    ["BETWEEN the same bounds", o.at.between(T, T), "((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.001'))"],
    ["an instant", o.ltz.eq(T), "((`ltz` >= TO_TIMESTAMP_LTZ(1710496810000, 3)) AND (`ltz` < TO_TIMESTAMP_LTZ(1710496810001, 3)))"],
    ["<= T is < T + 1 ms", o.at.le(T), "(`at` < TIMESTAMP '2024-03-15 10:00:10.001')"],
    ["> T is >= T + 1 ms", o.at.gt(T), "(`at` >= TIMESTAMP '2024-03-15 10:00:10.001')"],
    [">= and < stay", o.at.ge(T).and(o.at.lt(T)), "((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.000'))"],
    ["<> is outside the millisecond", o.at.ne(T), "((`at` < TIMESTAMP '2024-03-15 10:00:10.000') OR (`at` >= TIMESTAMP '2024-03-15 10:00:10.001'))"],
    [
      "IN with two values: each its millisecond",
      o.at.in(T, U),
      "(((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.001')) OR ((`at` >= TIMESTAMP '2024-03-15 10:00:20.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:20.001')))",
    ],
    [
      "NOT IN: outside each",
      o.at.notIn(T, U),
      "(((`at` < TIMESTAMP '2024-03-15 10:00:10.000') OR (`at` >= TIMESTAMP '2024-03-15 10:00:10.001')) AND ((`at` < TIMESTAMP '2024-03-15 10:00:20.000') OR (`at` >= TIMESTAMP '2024-03-15 10:00:20.001')))",
    ],
    ["BETWEEN up to a literal", o.at.between(o.ts, U), "((`at` >= `ts`) AND (`at` < TIMESTAMP '2024-03-15 10:00:20.001'))"],
    ["BETWEEN up to a column stays", o.at.between(T, o.ts), "(`at` BETWEEN TIMESTAMP '2024-03-15 10:00:10.000' AND CAST(`ts` AS TIMESTAMP(3)))"],
    ["a rowtime: compared as a plain timestamp (D7) too", o.ts.le(T), "(CAST(`ts` AS TIMESTAMP(3)) < TIMESTAMP '2024-03-15 10:00:10.001')"],
    ["a DATE stays", o.d.le(new Date("2024-03-15T00:00:00Z")), "(`d` <= DATE '2024-03-15')"],
    // Values lie between T and T + 1 ms: no half-open form says the same.
    ["a microsecond time stays", o.micros.le(T), "(`micros` <= TIMESTAMP '2024-03-15 10:00:10.000')"],
    ["text with more than milliseconds stays", o.at.le("2024-01-01 10:00:00.1234"), "(`at` <= TIMESTAMP '2024-01-01 10:00:00.1234')"],
    ["an instant with an offset", o.ltz.le("2024-01-01T11:00:00+01:00"), "(`ltz` < TO_TIMESTAMP_LTZ(1704103200001, 3))"],
    ["an instant with an offset without a colon", o.ltz.le("2024-01-01T11:00:00+0100"), "(`ltz` < TO_TIMESTAMP_LTZ(1704103200001, 3))"],
    // Only the four-digit year is read here; the bound stays as it is, which is right, only not half-open.
    ["an instant in an expanded year stays", o.ltz.le("+002024-01-01T10:00:00"), "(`ltz` <= TO_TIMESTAMP_LTZ(1704103200000, 3))"],
    ["IN with columns only stays", o.at.in(o.ts), "(`at` IN (`ts`))"],
    ["NOT IN with columns only stays", o.at.notIn(o.ts), "(`at` NOT IN (`ts`))"],
    ["IN with a literal and a column: one comparison each", o.at.in(T, o.ts), "(((`at` >= TIMESTAMP '2024-03-15 10:00:10.000') AND (`at` < TIMESTAMP '2024-03-15 10:00:10.001')) OR (`at` = `ts`))"],
  ])("%s", (_what, e, expected) => expect(sql(e)).toBe(expected));
});

describe("D8: text without an offset is read as UTC, whatever the zone synth runs in", () => {
  inTimeZone("Asia/Tokyo");
  it("a TIMESTAMP bound written without a fraction", () => {
    expect(sql(o.at.le("2024-01-01 10:00:00"))).toBe("(`at` < TIMESTAMP '2024-01-01 10:00:00.001')");
    expect(sql(o.ltz.gt("2024-01-01 10:00:00"))).toBe("(`ltz` >= TO_TIMESTAMP_LTZ(1704103200001, 3))");
  });
});

describe("D7: a rowtime of more than milliseconds compared with literals in IN and NOT IN is compared as a plain timestamp", () => {
  const micro: any = rowExprs((source("ev6", { topic: "ev6", schema: Ev }).eventTime("micros").watermark("5s") as any).node.schema, 0, "test");
  it.each([
    ["IN", micro.micros.in("2024-01-01 10:00:00.123456", "2024-01-01 10:00:00.654321"), "(CAST(`micros` AS TIMESTAMP(6)) IN (TIMESTAMP '2024-01-01 10:00:00.123456', TIMESTAMP '2024-01-01 10:00:00.654321'))"],
    ["NOT IN", micro.micros.notIn("2024-01-01 10:00:00.123456", "2024-01-01 10:00:00.654321"), "(CAST(`micros` AS TIMESTAMP(6)) NOT IN (TIMESTAMP '2024-01-01 10:00:00.123456', TIMESTAMP '2024-01-01 10:00:00.654321'))"],
  ])("%s", (_what, e, expected) => expect(sql(e)).toBe(expected));
});

describe("D1, D6: a time attribute the plan made plain is cast where Flink would keep it", () => {
  it("D1: the input of a union whose copy of the rowtime is not a time attribute after the union", () => {
    const left = events().select((e) => ({ k: e.k, ts: e.ts, u0: e.ts }));
    const right = source("ev2", { topic: "ev2", schema: Ev }).eventTime("ts").watermark("5s").select((e) => ({ k: e.k, ts: e.ts, u0: e.ts.floorTo("MINUTE") }));
    const p = pipeline("p").write(left.union(right as never).toKafka("out"));
    expect(statementOf(p, "ev__select__union")).toBe(
      "CREATE TEMPORARY VIEW `ev__select__union` AS\n" +
        "SELECT `k`, `ts`, CAST(`u0` AS TIMESTAMP(3)) AS `u0` FROM `ev__select`\nUNION ALL\nSELECT `k`, `ts`, `u0` FROM `ev2__select`;",
    );
  });

  it("D6: MIN, MAX, FIRST_VALUE of the rowtime in a window, and MAX of a plain timestamp", () => {
    const p = pipeline("p").write(events().tumble("10s").aggregate({ a: min("ts"), b: max("ts"), c: firstValue("ts"), d: max("at"), n: count() }).toKafka("out"));
    expect(statementOf(p, "ev__tumble")).toBe(
      "CREATE TEMPORARY VIEW `ev__tumble` AS\n" +
        "SELECT `window_start`, `window_end`, `window_time`, CAST(MIN(`ts`) AS TIMESTAMP(3)) AS `a`, CAST(MAX(`ts`) AS TIMESTAMP(3)) AS `b`, CAST(FIRST_VALUE(`ts`) AS TIMESTAMP(3)) AS `c`, MAX(`at`) AS `d`, COUNT(*) AS `n`\n" +
        "FROM TABLE(TUMBLE(TABLE `ev`, DESCRIPTOR(`ts`), INTERVAL '10' SECOND))\nGROUP BY `window_start`, `window_end`, `window_time`;",
    );
  });
});
