import { describe, expectTypeOf, it } from "vitest";
import { pipeline, source, t, type Append, type CheckFailureRow, type Stream } from "streamt-sdk";

const Order = t.row({ order_id: t.string(), customer: t.string().nullable(), status: t.string().nullable(), amount: t.int(), at: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("at").watermark("5s");
const plain = source("plain", { topic: "plain", schema: Order });

describe("check()", () => {
  it("keeps the row type; the failures are streamt's continuous-test records", () => {
    const checked = orders.check("q", { notNull: ["customer"], accepted: { status: ["NEW"] }, range: { amount: { min: 0 }, at: { max: new Date() } }, like: { status: "N%" }, expr: { positive: (o) => o.amount.gt(0) } });
    expectTypeOf(checked.filter((o) => o.amount.gt(1))).toEqualTypeOf<Stream<typeof orders extends Stream<infer R, Append> ? R : never, Append>>();
    expectTypeOf(checked.failures).toEqualTypeOf<Stream<CheckFailureRow, Append>>();
    pipeline("p").write(checked.toKafka("valid"), checked.failures.toKafka("failures"));
  });

  it("refuses columns and values the row type rules out", () => {
    // @ts-expect-error -- no such column
    orders.check("q", { notNull: ["nope"] });
    // @ts-expect-error -- amount is NOT NULL: notNull could never fail
    orders.check("q", { notNull: ["amount"] });
    // @ts-expect-error -- amount holds numbers
    orders.check("q", { accepted: { amount: ["10"] } });
    // @ts-expect-error -- LIKE matches strings
    orders.check("q", { like: { amount: "1%" } });
    // @ts-expect-error -- a range applies to numbers and times
    orders.check("q", { range: { status: { min: "A" } } });
    // @ts-expect-error -- a time's bound is a Date
    orders.check("q", { range: { at: { min: 5 } } });
    // @ts-expect-error -- an expression rule returns a condition
    orders.check("q", { expr: { n: (o) => o.amount.add(1) } });
  });

  it("unique: columns of the row and a duration", () => {
    const checked = orders.check("q", { unique: { columns: ["order_id", "customer"], within: "1h" }, range: { amount: { min: 0 } } });
    expectTypeOf(checked.failures).toEqualTypeOf<Stream<CheckFailureRow, Append>>();
    // @ts-expect-error -- no such column
    orders.check("q", { unique: { columns: ["nope"], within: "1h" } });
    // @ts-expect-error -- within is a duration such as "1h"
    orders.check("q", { unique: { columns: ["order_id"], within: "an hour" } });
    // @ts-expect-error -- within is required
    orders.check("q", { unique: { columns: ["order_id"] } });
  });

  it("needs an append-only stream; onFail 'drop' has no failures", () => {
    // @ts-expect-error -- an updating stream
    orders.groupBy("customer").count({ ttl: "1d" }).check("q", { notNull: ["customer"] });
    const dropped = orders.check("q", { notNull: ["customer"] }, { onFail: "drop" });
    // @ts-expect-error -- no failure records to write
    dropped.failures.toKafka("failures");
  });
});

describe("lateRecords()", () => {
  it("is the row type, append-only; needs event time", () => {
    expectTypeOf(orders.lateRecords()).toEqualTypeOf<Stream<typeof orders extends Stream<infer R, Append> ? R : never, Append>>();
    // @ts-expect-error -- no event time
    plain.lateRecords();
  });
});
