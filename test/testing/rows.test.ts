/**
 * The testing API's reading of timestamp text, without the engine: one spelling per instant, and text that
 * names no real instant refused where it is given, not rolled into another day.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { testPipeline } from "streamt-sdk/testing";
import { canonicalTimestamp } from "../../packages/streamt-sdk/src/testing/rows.js";

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
