import { describe, expect, it } from "vitest";
import { isStreamtError, pipeline, source, t } from "streamt-sdk";
import { intervalLiteral } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { lineHere, statementOf } from "../helpers.js";

// What synth accepted and Flink's planner then refused: each is now written correctly or refused here.
const FILE = "test/dsl/flink-limits.test.ts";
const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order });

function refusal(build: () => unknown): { code: string; message: string; hint: string | null; site: unknown } {
  try {
    build();
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint, site: e.site };
  }
  throw new Error("expected a build error");
}

describe("synth accepts only what Flink accepts", () => {
  it("a zero interval is INTERVAL '0' SECOND (it was INTERVAL '0.' SECOND, which Flink cannot parse)", () => {
    expect(intervalLiteral(0)).toBe("INTERVAL '0' SECOND");
    const p = pipeline("zero-delay").write(orders.eventTime("ts").watermark("0s").toKafka("out.v1"));
    expect(statementOf(p, "orders").split("\n").find((l) => l.includes("WATERMARK"))).toBe("  WATERMARK FOR `ts` AS `ts` - INTERVAL '0' SECOND");
  });

  it("durations up to 999999 days (Flink's longest interval), and not one millisecond more", () => {
    const line = lineHere() + 1;
    const at = (d: unknown) => () => orders.eventTime("ts").watermark(d as "1s");
    expect(() => at("999999d")()).not.toThrow();
    expect(() => at(999_999 * 86_400_000)()).not.toThrow();
    const tooLong = refusal(at(999_999 * 86_400_000 + 1));
    expect(tooLong).toEqual({
      code: "STREAMT-B003",
      message: "invalid duration 86399913600001 for watermark of source 'orders': it is longer than 999999 days, the longest interval Flink holds",
      hint: 'write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds',
      site: { file: FILE, line, column: expect.any(Number) },
    });
    expect(refusal(at(2 ** 53)).message).toBe(
      "invalid duration 9007199254740992 for watermark of source 'orders': it is longer than 999999 days, the longest interval Flink holds",
    );
    expect(refusal(at("1000000d")).message).toBe(
      'invalid duration "1000000d" for watermark of source \'orders\': it is longer than 999999 days, the longest interval Flink holds',
    );
  });

  it("an empty select", () => {
    const line = lineHere() + 1;
    expect(refusal(() => orders.select((() => ({})) as never))).toEqual({
      code: "STREAMT-B006",
      message: "a select with no columns",
      hint: "keep at least one column, e.g. select('order_id') or select((o) => ({ id: o.order_id }))",
      site: { file: FILE, line, column: expect.any(Number) },
    });
    expect(refusal(() => (orders as any).select()).message).toBe("a select with no columns");
  });

  it("an empty schema", () => {
    const line = lineHere() + 1;
    expect(refusal(() => t.row({}))).toEqual({
      code: "STREAMT-B006",
      message: "t.row() needs at least one field",
      hint: "e.g. t.row({ id: t.string() })",
      site: { file: FILE, line, column: expect.any(Number) },
    });
    expect(refusal(() => source("empty", { topic: "e.v1", schema: { fields: [] } as never })).code).toBe("STREAMT-B006");
  });
});
