import { describe, expect, it } from "vitest";
import { arithmeticResultType, avgResultType, numericLiteralType, sumResultType, type DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { formatDuration, parseDuration } from "../../packages/streamt-sdk/src/dsl/duration.js";
import { configDuration, intervalLiteral, quoteIdent, quoteString } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";

const dec = (precision: number, scale: number): DataType => ({ kind: "DECIMAL", precision, scale, nullable: false });
const int: DataType = { kind: "INT", nullable: false };

describe("Flink result types", () => {
  it("decimal arithmetic follows LogicalTypeMerging", () => {
    expect(arithmeticResultType("+", dec(10, 2), dec(5, 4))).toEqual(dec(13, 4));
    expect(arithmeticResultType("*", dec(10, 2), dec(5, 4))).toEqual(dec(16, 6));
    expect(arithmeticResultType("/", dec(10, 2), int)).toEqual(dec(21, 13));
    expect(arithmeticResultType("%", dec(10, 2), dec(5, 4))).toEqual(dec(5, 4));
    // Over 38 digits: the integer part is kept and the scale trimmed (not below 6).
    expect(arithmeticResultType("*", dec(38, 10), dec(38, 10))).toEqual(dec(38, 6));
    expect(arithmeticResultType("+", int, { kind: "BIGINT", nullable: true })).toEqual({ kind: "BIGINT", nullable: true });
    expect(arithmeticResultType("*", dec(10, 2), { kind: "DOUBLE", nullable: false })).toEqual({ kind: "DOUBLE", nullable: false });
  });

  it("SUM and AVG widen decimals as Flink does", () => {
    expect(sumResultType(dec(10, 2))).toEqual(dec(38, 2));
    expect(avgResultType(dec(10, 2))).toEqual(dec(38, 6));
    expect(avgResultType(dec(20, 8))).toEqual(dec(38, 8));
    expect(avgResultType(int)).toEqual(int);
  });

  it("numeric literals", () => {
    expect(numericLiteralType("7")).toEqual(int);
    expect(numericLiteralType("3000000000")).toEqual({ kind: "BIGINT", nullable: false });
    expect(numericLiteralType("1.50")).toEqual(dec(3, 2));
    expect(numericLiteralType("0.05")).toEqual(dec(2, 2));
  });
});

describe("durations and SQL text", () => {
  it("parses durations exactly", () => {
    expect(parseDuration("500ms", "x")).toBe(500);
    expect(parseDuration("1.5s", "x")).toBe(1500);
    expect(parseDuration("10m", "x")).toBe(600_000);
    expect(parseDuration("10min", "x")).toBe(600_000);
    expect(parseDuration("2h", "x")).toBe(7_200_000);
    expect(parseDuration("7d", "x")).toBe(604_800_000);
    expect(parseDuration(250, "x")).toBe(250);
    expect(() => parseDuration("5", "x")).toThrow('invalid duration "5" for x: it is not a duration');
    expect(() => parseDuration(-1, "x")).toThrow("invalid duration -1 for x");
    expect(formatDuration(5_400_000)).toBe("90m");
  });

  it("interval literals never round milliseconds away", () => {
    expect(intervalLiteral(5000)).toBe("INTERVAL '5' SECOND");
    expect(intervalLiteral(1)).toBe("INTERVAL '0.001' SECOND");
    expect(intervalLiteral(100_000)).toBe("INTERVAL '100' SECOND(3)");
    expect(intervalLiteral(123_456)).toBe("INTERVAL '123.456' SECOND(3, 3)");
    expect(intervalLiteral(-300_000)).toBe("INTERVAL '-5' MINUTE");
    expect(intervalLiteral(86_400_000 * 120)).toBe("INTERVAL '120' DAY(3)");
    expect(configDuration(90_000)).toBe("90 s");
    expect(configDuration(3_600_000)).toBe("1 h");
    expect(configDuration(1500)).toBe("1500 ms");
  });

  it("quotes identifiers and strings", () => {
    expect(quoteIdent("a`b")).toBe("`a``b`");
    expect(quoteString("it's")).toBe("'it''s'");
    expect(() => quoteIdent("")).toThrow('"" cannot be a Flink identifier');
  });
});
