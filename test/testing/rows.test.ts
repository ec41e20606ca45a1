/**
 * The testing API's reading of timestamp text, without the engine: one spelling per instant, and text that
 * names no real instant refused where it is given, not rolled into another day.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { testPipeline } from "streamt-sdk/testing";
import { canonicalRow, canonicalTimestamp, diffRows, diffText, isEmptyDiff, rowText } from "../../packages/streamt-sdk/src/testing/rows.js";
import type { Column } from "../../packages/streamt-sdk/src/ir/node-base.js";

describe("canonicalTimestamp", () => {
  it.each([
    ["2024-01-01 10:00", "2024-01-01T10:00:00"],
    ["2024-01-01T10:00:00.000", "2024-01-01T10:00:00"],
    ["2024-01-01T10:00:00.250", "2024-01-01T10:00:00.25"],
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"],
  ])("%j is %j", (text, canonical) => {
    expect(canonicalTimestamp(text)).toBe(canonical);
  });

  // Date.parse reads each of these as a real instant of another day (1 March, 2 January).
  it.each(["2024-02-30T10:00", "2023-02-29T00:00:00", "2024-04-31T10:00:00Z", "2024-01-01T24:00", "2024-13-01T10:00", "tomorrow"])("%j is none", (text) => {
    expect(canonicalTimestamp(text)).toBeNull();
  });
});

describe("canonicalRow", () => {
  const column = (name: string, kind: string): Column => ({ name, type: { kind, nullable: true } }) as unknown as Column;
  const columns = [column("n", "BIGINT"), column("amount", "DECIMAL"), column("ts", "TIMESTAMP"), column("label", "STRING")];

  it("numbers written as text are numbers, timestamps take one spelling, other text stays as it is, absent is null", () => {
    expect(canonicalRow(columns, { n: "10", amount: "10.50", ts: "2024-01-01 10:00", label: "10" })).toEqual({ n: 10, amount: 10.5, ts: "2024-01-01T10:00:00", label: "10" });
    expect(canonicalRow(columns, { n: 7, amount: 1.25, extra: 1 })).toEqual({ n: 7, amount: 1.25, ts: null, label: null });
  });

  it("text that is no number stays text, so it cannot equal a number by accident", () => {
    expect(canonicalRow(columns, { n: "ten", amount: " ", ts: "yesterday", label: null })).toEqual({ n: "ten", amount: " ", ts: "yesterday", label: null });
    expect(canonicalRow(columns, { n: "", amount: "" })).toEqual({ n: "", amount: "", ts: null, label: null });
  });
});

describe("advanceWatermarkTo", () => {
  it("refuses a day its month does not have (STREAMT-T004), rather than moving the watermark to 1 March", () => {
    const Order = t.row({ order_id: t.string(), ts: t.timestamp(3) });
    const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
    const copy = pipeline("copy").write(orders.toKafka("out.v1"));
    expect(() => testPipeline(copy).advanceWatermarkTo(orders, "2024-02-30T11:00")).toThrow(
      expect.objectContaining({ code: "STREAMT-T004", message: `advanceWatermarkTo(orders, "2024-02-30T11:00"): not a timestamp` }),
    );
  });
});

describe("diffRows and diffText", () => {
  const expected = [{ id: "a", n: 1, s: "x" }, { id: "b", n: 2, s: "y" }, { id: "c", n: 3, s: "z" }];
  const actual = [{ id: "a", n: 1, s: "x" }, { id: "b", n: 5, s: "y" }, { id: "d", n: 4, s: "w" }, { id: "c", n: 6, s: "v" }];

  it("with a key, a missing and an unexpected row of the same key are one changed row, naming the columns that differ", () => {
    const diff = diffRows(expected, actual, ["id"]);
    expect(diff).toEqual({
      missing: [],
      unexpected: [{ id: "d", n: 4, s: "w" }],
      changed: [
        { expected: { id: "b", n: 2, s: "y" }, actual: { id: "b", n: 5, s: "y" }, columns: ["n"] },
        { expected: { id: "c", n: 3, s: "z" }, actual: { id: "c", n: 6, s: "v" }, columns: ["n", "s"] },
      ],
    });
    expect(diffText(diff).split("\n")).toEqual([
      "  changed (2):",
      `    expected ${rowText({ id: "b", n: 2, s: "y" })}`,
      `    got      ${rowText({ id: "b", n: 5, s: "y" })}`,
      "      (n differs)",
      `    expected ${rowText({ id: "c", n: 3, s: "z" })}`,
      `    got      ${rowText({ id: "c", n: 6, s: "v" })}`,
      "      (n, s differ)",
      "  unexpected (1):",
      `    ${rowText({ id: "d", n: 4, s: "w" })}`,
    ]);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("without a key, rows are only missing or unexpected; equal multisets give an empty diff", () => {
    expect(diffRows(expected, actual, null)).toEqual({
      missing: [{ id: "b", n: 2, s: "y" }, { id: "c", n: 3, s: "z" }],
      unexpected: [{ id: "b", n: 5, s: "y" }, { id: "d", n: 4, s: "w" }, { id: "c", n: 6, s: "v" }],
      changed: [],
    });
    const same = diffRows([{ id: "a" }, { id: "a" }], [{ id: "a" }, { id: "a" }], ["id"]);
    expect(same).toEqual({ missing: [], unexpected: [], changed: [] });
    expect(isEmptyDiff(same)).toBe(true);
    expect(diffText(same)).toBe("");
  });

  it("a diff is empty only with no row missing, none unexpected and none changed: one extra row, or one missing, is a difference", () => {
    expect([diffRows([{ id: "a" }], [{ id: "a" }, { id: "b" }], null), diffRows([{ id: "a" }, { id: "b" }], [{ id: "a" }], null)].map(isEmptyDiff)).toEqual([false, false]);
    expect(isEmptyDiff(diffRows([{ id: "a", n: 1 }], [{ id: "a", n: 2 }], ["id"]))).toBe(false);
  });
});
