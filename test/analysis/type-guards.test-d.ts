/**
 * The type-level layer of the safety analysis: misuse the types can see is a tsc error whose message
 * says what to do (a StreamtTypeError), checked here with `// @ts-expect-error` and expectTypeOf.
 * Each case mirrors a synth-time finding (STREAMT-E001..E007) that catches the same misuse in plain JS.
 */
import { describe, expectTypeOf, it } from "vitest";
import { count, pipeline, source, sum, t, type StreamtTypeError } from "streamt-sdk";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const untimed = source("untimed", { topic: "untimed.v1", schema: Order });
const noWatermark = source("no-watermark", { topic: "nw.v1", schema: Order }).eventTime("ts");
const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");
const customerEvents = source("customer-events", { topic: "ce.v1", schema: Customer });

describe("windows need event time (STREAMT-E005)", () => {
  it("refuses tumble/hop/session/cumulate on a stream without event time, with a message", () => {
    // @ts-expect-error tumble() needs event time
    untimed.tumble("1h");
    // @ts-expect-error hop() needs event time
    untimed.hop("1h", "5m");
    // @ts-expect-error session() needs event time
    untimed.session("30m");
    // @ts-expect-error cumulate() needs event time
    untimed.cumulate("1m", "1h");
    // @ts-expect-error eventTime() without watermark() is not a time attribute
    noWatermark.tumble("1h");
    expectTypeOf<Parameters<typeof untimed.tumble>[0]>().toEqualTypeOf<
      StreamtTypeError<"tumble() needs event time: call .eventTime(column).watermark(delay) on the source first">
    >();
  });

  it("accepts windows on a stream with event time and a watermark", () => {
    orders.tumble("1h").count();
    orders.select("order_id", "ts").hop("1h", "5m").groupBy("order_id").count();
    expectTypeOf(orders.tumble).parameter(0).toEqualTypeOf<import("streamt-sdk").Duration>();
  });

  it("refuses a window join when either side has no event time", () => {
    // @ts-expect-error the left side has no event time
    untimed.tumble("5m").join(payments.tumble("5m"), { on: { order_id: "order_id" }, select: (o, p) => ({ id: o.order_id, paid: p.paid }) });
    // @ts-expect-error the right side has no event time
    orders.tumble("5m").join(untimed.tumble("5m"), { on: { order_id: "order_id" }, select: (o, p) => ({ id: o.order_id, paid: p.amount }) });
  });
});

describe("interval and temporal joins need event time (STREAMT-E005, E006)", () => {
  it("refuses an interval join when either side has no event time", () => {
    // @ts-expect-error the left side has no event time
    untimed.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ id: o.order_id, paid: p.paid }) });
    // @ts-expect-error the right side has no event time
    orders.intervalJoin(untimed, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ id: o.order_id, paid: p.amount }) });
    orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ id: o.order_id, paid: p.paid }) });
  });

  it("refuses a temporal join without event time on the left, or against a side that is not versioned", () => {
    // @ts-expect-error the left side has no event time
    untimed.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
    // @ts-expect-error the versioned side has no primary key
    orders.temporalJoin(payments, { on: { order_id: "order_id" }, select: (o, p) => ({ id: o.order_id, paid: p.paid }) });
    // @ts-expect-error the versioned side has no event time
    orders.temporalJoin(customerEvents, { on: { customer_id: "customer_id" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
    orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
  });
});

describe("unbounded state needs a TTL before it reaches a sink (STREAMT-E001..E004)", () => {
  const join = orders.join(customerEvents, { on: { customer_id: "customer_id" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
  const joinTtl = orders.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: "1d", select: (o, c) => ({ id: o.order_id, name: c.name }) });
  const joinSides = orders.join(customerEvents, { on: { customer_id: "customer_id" }, ttl: { left: "1d", right: "7d" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
  const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") });
  const totalsTtl = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "30d" });

  it("refuses a regular join with no TTL anywhere", () => {
    // @ts-expect-error regular join without ttl
    pipeline("p").write(join.toBlackhole());
    expectTypeOf(join.__traits).toEqualTypeOf<{ changelog: "append"; state: "unbounded" } | undefined>();
  });

  it("accepts it with { ttl } on the join or a pipeline stateTtl", () => {
    pipeline("p").write(joinTtl.toBlackhole());
    pipeline("p").write(joinSides.toBlackhole());
    pipeline("p", { stateTtl: "1d" }).write(join.toBlackhole());
  });

  it("refuses a non-windowed aggregate, count, distinct, dedup or Top-N with no TTL anywhere", () => {
    // @ts-expect-error aggregate without ttl
    pipeline("p").write(totals.toUpsertKafka("t.v1", { key: ["customer_id"] }));
    // @ts-expect-error count without ttl
    pipeline("p").write(orders.groupBy("customer_id").count().toUpsertKafka("t.v1", { key: ["customer_id"] }));
    // @ts-expect-error distinct without ttl
    pipeline("p").write(orders.select("customer_id").distinct().toBlackhole());
    // @ts-expect-error deduplicate without ttl
    pipeline("p").write(orders.deduplicate({ key: ["order_id"] }).toBlackhole());
    // @ts-expect-error topN without ttl
    pipeline("p").write(orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 3 }).toBlackhole());
    // @ts-expect-error one unbounded sink among bounded ones is enough
    pipeline("p").write(orders.toBlackhole(), totals.toUpsertKafka("t.v1", { key: ["customer_id"] }));
  });

  it("accepts them with { ttl } or a pipeline stateTtl, and windows need none", () => {
    pipeline("p").write(totalsTtl.toUpsertKafka("t.v1", { key: ["customer_id"] }));
    pipeline("p").write(orders.groupBy("customer_id").count({ ttl: "1d" }).toUpsertKafka("t.v1", { key: ["customer_id"] }));
    pipeline("p").write(orders.select("customer_id").distinct({ ttl: "1d" }).toBlackhole());
    pipeline("p").write(orders.deduplicate({ key: ["order_id"], ttl: "1h" }).toBlackhole());
    pipeline("p").write(orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount" }], n: 3, ttl: "1d" }).toBlackhole());
    pipeline("p", { stateTtl: "1d" }).write(totals.toUpsertKafka("t.v1", { key: ["customer_id"] }));
    pipeline("p").write(orders.tumble("1h").groupBy("customer_id").aggregate({ n: count() }).toKafka("t.v1"));
  });
});

describe("updating streams cannot go to an append-only topic (STREAMT-E007)", () => {
  const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "30d" });

  it("refuses toKafka() on an updating stream, with the upsert hint", () => {
    // @ts-expect-error updating stream into toKafka
    totals.toKafka("totals.v1");
    // @ts-expect-error an outer join updates
    orders.join(customerEvents, { on: { customer_id: "customer_id" }, type: "left", ttl: "1d", select: (o, c) => ({ id: o.order_id, name: c.name }) }).toKafka("j.v1");
    // @ts-expect-error a keyed (upsert) source is updating
    customers.toKafka("copy.v1");
    // @ts-expect-error a CDC (debezium-json) source is updating, with or without a primary key
    source("cdc", { topic: "c.cdc", schema: Customer, format: "debezium-json" }).toKafka("copy.v1");
    // @ts-expect-error a keyed CDC source too
    source("cdc", { topic: "c.cdc", schema: Customer, format: "debezium-json", primaryKey: ["customer_id"] }).toKafka("copy.v1");
    expectTypeOf<Parameters<typeof totals.toKafka>[0]>().toEqualTypeOf<
      StreamtTypeError<"toKafka() writes append-only topics, and this stream is updating: use toUpsertKafka(topic, { key: [...] })">
    >();
  });

  it("accepts toUpsertKafka() for updating streams and toKafka() for append-only ones", () => {
    pipeline("p").write(totals.toUpsertKafka("totals.v1", { key: ["customer_id"] }));
    pipeline("p").write(orders.filter((o) => o.amount.gt(10)).toKafka("big.v1"));
    pipeline("p").write(orders.tumble("1h").count().toKafka("hourly.v1"));
    pipeline("p").write(source("cdc", { topic: "c.cdc", schema: Customer, format: "debezium-json", primaryKey: ["customer_id"] }).toUpsertKafka("c.v1", { key: ["customer_id"] }));
    pipeline("p").write(source("plain", { topic: "c.json", schema: Customer, format: "json" }).toKafka("c.v1"));
  });
});
