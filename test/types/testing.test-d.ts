/**
 * streamt-sdk/testing's rows are typed by the source they go to: a column the source does not have, a
 * value of the wrong type or a missing NOT NULL column is a type error; nullable columns may be left out,
 * and a processing-time attribute is never given.
 */
import { describe, expectTypeOf, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { testPipeline, testUpgrade, type RowValues, type UpgradeTest } from "streamt-sdk/testing";

const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), note: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("ts").watermark("5s").processingTime("seen_at");
const p = pipeline("typed-rows").write(orders.toKafka("orders.out"));

describe("given() rows", () => {
  it("are the source's columns with their value types; nullable ones optional, no processing time", () => {
    expectTypeOf<RowValues<NonNullable<(typeof orders)["__row"]>>>().toEqualTypeOf<{ readonly order_id: string; readonly amount: number; readonly ts: string; readonly note?: string | null }>();
  });

  it("refuses an unknown column, a wrong type and a missing NOT NULL column", () => {
    const harness = testPipeline(p);
    harness.given(orders, [{ order_id: "o1", amount: 1, ts: "2024-01-01T10:00:00" }, { order_id: "o2", amount: 2, note: null, ts: "2024-01-01T10:00:01" }]);
    // @ts-expect-error amount is a number
    harness.given(orders, [{ order_id: "o1", amount: "1", ts: "2024-01-01T10:00:00" }]);
    // @ts-expect-error amonut is not a column
    harness.given(orders, [{ order_id: "o1", amonut: 1, ts: "2024-01-01T10:00:00" }]);
    // @ts-expect-error ts is NOT NULL
    harness.given(orders, [{ order_id: "o1", amount: 1 }]);
  });
});

describe("testUpgrade()", () => {
  it("chains given, advanceWatermarkTo and savepoint, with rows typed by the source", () => {
    const upgrade = testUpgrade(p, p).given(orders, [{ order_id: "o1", amount: 1, ts: "2024-01-01T10:00:00" }]).savepoint().advanceWatermarkTo(orders, "2024-01-01T11:00");
    expectTypeOf(upgrade).toEqualTypeOf<UpgradeTest>();
    // @ts-expect-error amount is a number
    upgrade.given(orders, [{ order_id: "o1", amount: "1", ts: "2024-01-01T10:00:00" }]);
    // @ts-expect-error a test of one pipeline has no savepoint step
    testPipeline(p).savepoint();
  });
});
