/**
 * The text pieces every statement is made of, exactly: interval literals in each unit and as exact
 * fractional seconds, comment lines that user text cannot break, the dialect per Flink version, and
 * instants written for TIMESTAMP_LTZ comparisons.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { literalNode } from "../../packages/streamt-sdk/src/dsl/expr.js";
import type { DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { DEFAULT_FLINK_VERSION, dialectFor } from "../../packages/streamt-sdk/src/emit-sql/dialect.js";
import { exprSql } from "../../packages/streamt-sdk/src/emit-sql/expr-sql.js";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { comment, intervalLiteral } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { inTimeZone, refusal } from "../helpers.js";

describe("intervalLiteral", () => {
  it.each([
    [0, "INTERVAL '0' SECOND"],
    [1000, "INTERVAL '1' SECOND"],
    [-1000, "INTERVAL '-1' SECOND"],
    [60_000, "INTERVAL '1' MINUTE"],
    [-60_000, "INTERVAL '-1' MINUTE"],
    [90_000, "INTERVAL '90' SECOND"],
    [3_600_000, "INTERVAL '1' HOUR"],
    [86_400_000, "INTERVAL '1' DAY"],
    [99 * 86_400_000, "INTERVAL '99' DAY"],
    [100 * 86_400_000, "INTERVAL '100' DAY(3)"],
    [150 * 60_000, "INTERVAL '150' MINUTE(3)"],
    // Sub-second parts stay exact, as fractional seconds; more than two whole digits get a precision.
    [500, "INTERVAL '0.5' SECOND"],
    [1, "INTERVAL '0.001' SECOND"],
    [-1500, "INTERVAL '-1.5' SECOND"],
    [12_500, "INTERVAL '12.5' SECOND"],
    [99_999, "INTERVAL '99.999' SECOND"],
    [123_450, "INTERVAL '123.45' SECOND(3, 3)"],
    [-123_450, "INTERVAL '-123.45' SECOND(3, 3)"],
  ])("%i ms is %s", (ms, sql) => {
    expect(intervalLiteral(ms)).toBe(sql);
  });
});

describe("comment", () => {
  it.each([
    ["plain text", "orders/filter", "-- orders/filter"],
    ["a line break", "a\nb", "-- a b"],
    ["a run of line breaks and tabs, as one space", "a\r\n\t\nb", "-- a b"],
    ["Unicode line and paragraph separators and NEL", "a\u2028b\u2029c\u0085d", "-- a b c d"],
    ["DEL and NUL", "a\u007f\u0000b", "-- a b"],
  ])("%s", (_, text, sql) => {
    expect(comment(text)).toBe(sql);
  });
});

describe("dialectFor", () => {
  it("knows 2.2 (the default) and 1.20, and refuses another version", () => {
    expect(DEFAULT_FLINK_VERSION).toBe("2.2");
    expect(dialectFor(undefined)).toEqual({ version: "2.2", stateTtlHint: true, perSourceIdleTimeout: true });
    expect(dialectFor(null)).toEqual({ version: "2.2", stateTtlHint: true, perSourceIdleTimeout: true });
    expect(dialectFor("1.20")).toEqual({ version: "1.20", stateTtlHint: true, perSourceIdleTimeout: true });
    expect(() => dialectFor("1.19")).toThrow(new Error("unknown Flink version 1.19"));
  });

  it("a script emitted without a version is for Flink 2.2", () => {
    const src = source("s", { topic: "s.v1", schema: t.row({ id: t.string() }) });
    const script = emitPipelineSql(pipeline("p").write(src.toBlackhole()).definition, { bootstrapServers: "b:9092" });
    expect(script.split("\n")[1]).toMatch(/; Flink 2\.2$/);
  });
});

describe("literals written for the column they are compared with: instants for a TIMESTAMP_LTZ, a FLOAT", () => {
  const LTZ: DataType = { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false };
  // Text without an offset is UTC whatever zone synth runs in: run these where local time is not UTC.
  inTimeZone("Asia/Tokyo");
  it.each([
    ["UTC text with a space", "2024-01-01 10:00:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["UTC text with a T", "2024-01-01T10:00:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["an explicit Z", "2024-01-01T10:00:00Z", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["an offset with a colon", "2024-01-01T12:00:00+02:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["an offset without a colon", "2024-01-01T12:00:00+0200", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["a negative offset", "2024-01-01 05:00:00-05:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["an expanded year", "+002024-01-01T10:00:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["a day alone (its midnight, UTC)", "2024-01-01", "TO_TIMESTAMP_LTZ(1704067200000, 3)"],
    ["a time without seconds", "2024-01-01 10:00", "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["a fraction of a second", "2024-01-01 10:00:00.25", "TO_TIMESTAMP_LTZ(1704103200250, 3)"],
    ["a fraction and an offset", "2024-01-01T11:00:00.5+01:00", "TO_TIMESTAMP_LTZ(1704103200500, 3)"],
    ["29 February of a leap year", "2024-02-29 00:00:00", "TO_TIMESTAMP_LTZ(1709164800000, 3)"],
    ["the last day of a 31-day month", "2024-01-31T23:59:59Z", "TO_TIMESTAMP_LTZ(1706745599000, 3)"],
  ])("%s", (_, text, sql) => {
    expect(exprSql(literalNode(text, LTZ))).toBe(sql);
  });

  it("a number against a FLOAT column is a FLOAT literal", () => {
    expect(exprSql(literalNode(2.5, { kind: "FLOAT", nullable: false }))).toBe("CAST(2.5 AS FLOAT)");
  });

  it("refuses text that is not an instant", () => {
    expect(refusal(() => exprSql(literalNode("next tuesday", LTZ)))).toEqual({
      code: "STREAMT-B002",
      message: "'next tuesday' is not an instant",
      hint: "write 'yyyy-MM-dd HH:mm:ss' (UTC) or ISO-8601 with an offset, or pass a Date",
      site: null,
    });
  });

  // Date.parse reads some of these its own way: 30 February as 1 March, the first one as 10:00 UTC (its offset ignored).
  it.each([
    "2024-01-01 10:00:00 +0100 (CET)",
    "Jan 1 2024 10:00",
    "2024-02-30 10:00:00",
    "2023-02-29",
    "2024-04-31T00:00:00Z",
    "2024-13-01 10:00:00",
    "2024-01-01 25:00:00",
    "2024-01-01 24:00:00",
    "2024-01-01 10:00:00 ",
    " 2024-01-01 10:00:00",
    "2024-01-01 10:00:00+01",
    "2024-01-01+01:00",
    "2024-01-01T10",
    "2024-1-01 10:00:00",
  ])("refuses %j (a shape it does not take, or a day its month does not have)", (text) => {
    expect(refusal(() => exprSql(literalNode(text, LTZ)))).toMatchObject({ code: "STREAMT-B002", message: `'${text}' is not an instant` });
  });
});

describe("TIMESTAMP literals (a wall-clock time, no zone)", () => {
  const TS: DataType = { kind: "TIMESTAMP", precision: 3, nullable: false };
  const LTZ: DataType = { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false };

  it.each([
    ["2024-01-01 10:00:00", "TIMESTAMP '2024-01-01 10:00:00'"],
    ["2024-02-29 23:59:59.999", "TIMESTAMP '2024-02-29 23:59:59.999'"],
    ["2024-01-01 10:00:00.123456789", "TIMESTAMP '2024-01-01 10:00:00.123456789'"],
    // The ISO form's T is written as the space Flink's TIMESTAMP literal reads.
    ["2024-01-01T10:00:00.5", "TIMESTAMP '2024-01-01 10:00:00.5'"],
  ])("%j is %s", (text, sql) => {
    expect(exprSql(literalNode(text, TS))).toBe(sql);
  });

  // Each of these reached the script before (Flink refused TIMESTAMP 'tomorrow' only when planning the job, and
  // the Java output's LocalDateTime.parse only when the job started); a bound by 30 February also became 1 March.
  it.each([
    "tomorrow",
    "2024-02-30 10:00:00",
    "2023-02-29 00:00:00",
    "2024-04-31T00:00:00",
    "2024-13-01 10:00:00",
    "2024-01-01 24:00:00",
    "2024-01-01 10:60:00",
    "2024-01-01",
    "2024-01-01 10:00",
    "2024-01-01 10:00:00Z",
    "2024-01-01 10:00:00+01:00",
    "2024-01-01 10:00:00.1234567890",
    " 2024-01-01 10:00:00",
    "2024-1-01 10:00:00",
  ])("refuses %j", (text) => {
    expect(refusal(() => literalNode(text, TS))).toEqual({
      code: "STREAMT-B002",
      message: `'${text}' is not a TIMESTAMP value`,
      hint: "write 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-dd HH:mm:ss.SSS' (no zone: compare a TIMESTAMP_LTZ column for an instant), or pass a Date",
      site: null,
    });
  });

  it("an instant is refused when the literal is made, not later when it is emitted", () => {
    expect(refusal(() => literalNode("2024-02-30 10:00:00", LTZ))).toMatchObject({ code: "STREAMT-B002", message: "'2024-02-30 10:00:00' is not an instant" });
  });
});
