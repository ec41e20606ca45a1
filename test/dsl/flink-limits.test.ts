import { describe, expect, it } from "vitest";
import { firstValue, lastValue, lit, min, pipeline, source, t } from "streamt-sdk";
import { intervalLiteral } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { lineHere, refusal, scriptOf, statementOf } from "../helpers.js";

// What synth accepted and Flink's planner then refused: each is now written correctly or refused here.
const FILE = "test/dsl/flink-limits.test.ts";
const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order });

describe("synth accepts only what Flink accepts", () => {
  it("a zero interval is INTERVAL '0' SECOND (it was INTERVAL '0.' SECOND, which Flink cannot parse)", () => {
    expect(intervalLiteral(0)).toBe("INTERVAL '0' SECOND");
    const p = pipeline("zero-delay").write(orders.eventTime("ts").watermark("0s").toKafka("out.v1"));
    expect(statementOf(p, "orders__raw").split("\n").find((l) => l.includes("WATERMARK"))).toBe("  WATERMARK FOR `__streamt_rowtime` AS `__streamt_rowtime` - INTERVAL '0' SECOND");
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

  // Found by the random-pipeline test against Flink's planner (test/flink/validate-examples.test.ts).
  it.each([
    ["hop", "computes hop windows from slices it merges"],
    ["cumulate", "computes cumulate windows from slices it merges"],
    ["session", "merges session windows"],
  ] as const)("firstValue/lastValue in a %s window (Flink cannot merge them)", (kind, how) => {
    const timed = orders.eventTime("ts").watermark("5s");
    const windowed = (): any => (kind === "hop" ? timed.hop("1h", "10m") : kind === "cumulate" ? timed.cumulate("10m", "1h") : timed.session("30m"));
    expect(refusal(() => windowed().aggregate({ first: firstValue("order_id") }))).toMatchObject({
      code: "STREAMT-B006",
      message: `firstValue() cannot aggregate a ${kind} window: Flink ${how}, and FIRST_VALUE cannot be merged`,
      hint: "use it in a tumble window, or use min()/max() here",
    });
    expect(refusal(() => windowed().aggregate({ low: min("amount"), last: lastValue("order_id") })).message).toBe(
      `lastValue() cannot aggregate a ${kind} window: Flink ${how}, and LAST_VALUE cannot be merged`,
    );
    expect(() => timed.tumble("1h").aggregate({ first: firstValue("order_id"), last: lastValue("order_id") })).not.toThrow();
  });

  it("FLOOR/CEIL of an event-time column is a plain timestamp in the SQL too (Flink kept it a second rowtime)", () => {
    const p = pipeline("hourly").write(
      orders.eventTime("ts").watermark("5s").withColumns((o) => ({ hour: o.ts.floorTo("HOUR"), day: o.ts.ceilTo("DAY") })).tumble("1h").topN({ partitionBy: [], orderBy: [{ column: "amount" }], n: 1 }).toKafka("out.v1"),
    );
    expect(statementOf(p, "orders__with_columns")).toBe(
      "CREATE TEMPORARY VIEW `orders__with_columns` AS\n" +
        "SELECT `order_id`, `amount`, `ts`, CAST(FLOOR(`ts` TO HOUR) AS TIMESTAMP(3)) AS `hour`, CAST(CEIL(`ts` TO DAY) AS TIMESTAMP(3)) AS `day`\n" +
        "FROM `orders`;",
    );
  });

  it("a sink whose input has two rowtime columns writes the copies as plain timestamps (Flink refuses two)", () => {
    const p = pipeline("copies").write(orders.eventTime("ts").watermark("5s").select((o) => ({ a: o.ts, id: o.order_id, b: o.ts })).toKafka("out.v1"));
    expect(statementOf(p, "orders__select")).toBe("CREATE TEMPORARY VIEW `orders__select` AS\nSELECT `ts` AS `a`, `order_id` AS `id`, `ts` AS `b`\nFROM `orders`;");
    // The sink's INSERT, in the statement set beside the one that counts the source's contract violations.
    const insert = (script: string) => {
      const lines = script.split("\n");
      const at = lines.indexOf("INSERT INTO `out_v1`");
      return lines.slice(at, at + 2);
    };
    expect(insert(scriptOf(p))).toEqual(["INSERT INTO `out_v1`", "SELECT `a`, `id`, CAST(`b` AS TIMESTAMP(3)) AS `b` FROM `orders__select`;"]);
    const one = pipeline("one").write(orders.eventTime("ts").watermark("5s").toKafka("out.v1"));
    expect(insert(scriptOf(one))).toEqual(["INSERT INTO `out_v1`", "SELECT * FROM `orders`;"]);
  });

  it("a Top-N ordered only by columns earlier steps fix to a constant", () => {
    const timed = orders.eventTime("ts").watermark("5s");
    const topN = { partitionBy: [] as never[], orderBy: [{ column: "amount" as const, direction: "desc" as const }], n: 2, ttl: "1d" as const };
    const message = "topN() orders by 'amount', which earlier steps fix to one value on every row: every row ties, and Flink's planner cannot plan a Top-N ordered by constants";
    expect(refusal(() => timed.filter((o) => o.order_id.ne("x").and(o.amount.eq(916))).topN(topN))).toMatchObject({ code: "STREAMT-B006", message });
    expect(refusal(() => timed.filter((o) => o.amount.in(5)).select((o) => ({ amount: o.amount, ts: o.ts })).topN(topN)).message).toBe(message);
    expect(refusal(() => timed.withColumns(() => ({ amount: lit(1) })).topN(topN)).message).toBe(message.replace("'amount'", "'amount'"));
    // Not pinned: an OR, an IN of two values, of NULL (no row passes it) or of an expression, a range, or one of two order columns varying.
    expect(() => timed.filter((o) => o.amount.eq(1).or(o.amount.eq(2))).topN(topN)).not.toThrow();
    expect(() => timed.filter((o) => o.amount.in(5, 6)).topN(topN)).not.toThrow();
    expect(() => timed.filter((o) => o.amount.in(null as never)).topN(topN)).not.toThrow();
    expect(() => timed.filter((o) => o.amount.in(o.amount.abs())).topN(topN)).not.toThrow();
    expect(() => timed.filter((o) => o.amount.ge(916)).topN(topN)).not.toThrow();
    expect(() => timed.filter((o) => o.amount.eq(916)).topN({ ...topN, orderBy: [{ column: "amount" }, { column: "ts" }] })).not.toThrow();
  });

  it("a DATE column compares with a Date at midnight UTC, rendered as a DATE literal; any other time of day is refused", () => {
    const days = source("days", { topic: "days.v1", schema: t.row({ id: t.string(), day: t.date() }) });
    const p = pipeline("days").write(days.filter((o) => o.day.ge(new Date(Date.UTC(2024, 0, 31)))).toPrint());
    expect(statementOf(p, "days__filter")).toBe("CREATE TEMPORARY VIEW `days__filter` AS\nSELECT * FROM `days`\nWHERE (`day` >= DATE '2024-01-31');");
    const line = lineHere() + 1;
    expect(refusal(() => days.filter((o) => o.day.eq(new Date(Date.UTC(2024, 0, 31, 10)))))).toMatchObject({
      code: "STREAMT-B002",
      message: "2024-01-31T10:00:00.000Z is not a day: a DATE column compares with a Date at midnight UTC",
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });

  it("a fraction in an IN list of an integer column is refused (Flink truncates it: found by the differential test)", () => {
    const nums = source("nums", { topic: "nums.v1", schema: t.row({ id: t.string(), m: t.int() }) });
    expect(refusal(() => nums.filter((o) => o.m.notIn(1.5, 10)))).toMatchObject({
      code: "STREAMT-B002",
      message: "notIn(): 1.5 is not a whole number, but 'm' (INT NOT NULL) is an integer: Flink would compare it truncated",
      hint: "list whole numbers, or cast the column first, e.g. o.m.cast(t.decimal(12, 1)).in(1.5, 10)",
    });
    expect(() => nums.filter((o) => o.m.in(1, 10))).not.toThrow();
  });
});
