import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import "@acme/streams-catalog";
import { count, pipeline, source, sum, avg, lit, t, when, type Col, type Infer, type Stream } from "streamt-sdk";

const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  status: t.string().nullable(),
  ts: t.timestamp(3),
});
const Payment = t.row({ order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const IntKeyed = t.row({ order_id: t.int(), at: t.timestamp(3) });

const raw = source("orders", { topic: "orders", schema: Order });
const orders = raw.eventTime("ts").watermark("5s");
const payments = source("payments", { topic: "payments", schema: Payment }).eventTime("paid_at").watermark("5s");

describe("schemas", () => {
  it("infers the row's value type", () => {
    expectTypeOf<Infer<typeof Order>>().toEqualTypeOf<{ order_id: string; customer_id: string; amount: number; status: string | null; ts: string }>();
  });

  it("maps zod objects to Flink column types", () => {
    const s = source("z", { topic: "z", schema: z.object({ id: z.string(), n: z.int(), x: z.number(), at: z.iso.datetime(), note: z.string().optional() }) });
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly id: Col<"STRING", false, "none">;
      readonly n: Col<"BIGINT", false, "none">;
      readonly x: Col<"DOUBLE", false, "none">;
      readonly at: Col<"TIMESTAMP", false, "none">;
      readonly note: Col<"STRING", true, "none">;
    }>();
    s.eventTime("at");
  });
});

describe("event time", () => {
  it("eventTime() takes only timestamp columns", () => {
    raw.eventTime("ts");
    // @ts-expect-error amount is DECIMAL, not a timestamp
    raw.eventTime("amount");
    // @ts-expect-error no such column
    raw.eventTime("nope");
  });

  it("watermark() needs eventTime() first", () => {
    // @ts-expect-error watermark before eventTime
    raw.watermark("5s");
  });

  it("marks the event-time column as the rowtime", () => {
    expectTypeOf(orders.__row!.ts).toEqualTypeOf<Col<"TIMESTAMP", false, "rowtime">>();
  });

  it("windows need event time", () => {
    orders.tumble("1h");
    // @ts-expect-error no event time on the raw source
    raw.tumble("1h");
    // @ts-expect-error no event time
    raw.hop("1h", "1m");
    // @ts-expect-error no event time
    raw.session("10m");
    // @ts-expect-error dropping the time column drops event time
    orders.select("order_id", "amount").tumble("1h");
    orders.select("order_id", "ts").tumble("1h");
  });

  it("hop and cumulate take their durations by position or by name", () => {
    expectTypeOf(orders.hop({ size: "1h", slide: "5m" })).toEqualTypeOf(orders.hop("1h", "5m"));
    orders.hop({ size: "1h", slide: "5m" }, { allowedLateness: "1m" });
    expectTypeOf(orders.cumulate({ step: "1h", maxSize: "1d" })).toEqualTypeOf(orders.cumulate("1h", "1d"));
    // @ts-expect-error no event time on the raw source
    raw.hop({ size: "1h", slide: "5m" });
    // @ts-expect-error no event time
    raw.cumulate({ step: "1h", maxSize: "1d" });
    // @ts-expect-error the slide is missing
    orders.hop({ size: "1h" });
    // @ts-expect-error the slide is missing
    orders.hop("1h");
    // @ts-expect-error 'slid' is no option
    orders.hop({ size: "1h", slid: "5m" });
    // @ts-expect-error "1 hour" is not a duration
    orders.hop({ size: "1 hour", slide: "5m" });
    // @ts-expect-error cumulate names step and maxSize
    orders.cumulate({ size: "1d", step: "1h" });
    // @ts-expect-error the object form takes its window options second
    orders.hop({ size: "1h", slide: "5m" }, "1m");
  });

  it("durations are checked", () => {
    orders.tumble("90s");
    orders.tumble(60_000);
    // @ts-expect-error "1 hour" is not a duration
    orders.tumble("1 hour");
  });
});

describe("columns and expressions", () => {
  it("unknown column names are rejected", () => {
    // @ts-expect-error no column 'stauts'
    orders.filter((o) => o.stauts.eq("paid"));
    // @ts-expect-error no column 'nope'
    orders.select("order_id", "nope");
    // @ts-expect-error no column 'nope'
    orders.groupBy("nope");
  });

  it("operations follow the column type", () => {
    orders.filter((o) => o.amount.gt(10).and(o.status.like("p%")));
    // @ts-expect-error strings have no arithmetic
    orders.select((o) => ({ x: o.status.add(1) }));
    // @ts-expect-error a number is not a string operand
    orders.filter((o) => o.status.eq(5));
    // @ts-expect-error filter needs a boolean
    orders.filter((o) => o.amount);
  });

  it("select builds the output row from the expressions", () => {
    const s = orders.select((o) => ({ id: o.order_id, doubled: o.amount.mul(2), at: o.ts }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly id: Col<"STRING", false, "none">;
      readonly doubled: Col<"DECIMAL", false, "none">;
      readonly at: Col<"TIMESTAMP", false, "rowtime">;
    }>();
  });
});

describe("expression types", () => {
  const Priced = t.row({ id: t.string(), amount: t.decimal(10, 2), discount: t.decimal(10, 2).nullable(), rate: t.double(), note: t.string().nullable() });
  const priced = source("priced", { topic: "priced", schema: Priced });

  it("comparisons are nullable exactly when a side is", () => {
    const s = priced.select((p) => ({
      plain: p.amount.gt(10),
      withNullable: p.amount.gt(p.discount),
      withNotNull: p.amount.le(p.amount),
      nullableVsPlain: p.note.eq("x"),
    }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly plain: Col<"BOOLEAN", false, "none">;
      readonly withNullable: Col<"BOOLEAN", true, "none">;
      readonly withNotNull: Col<"BOOLEAN", false, "none">;
      readonly nullableVsPlain: Col<"BOOLEAN", true, "none">;
    }>();
  });

  it("arithmetic widens the kind and the nullability like Flink", () => {
    const s = priced.select((p) => ({ byNumber: p.amount.mul(2), byDecimal: p.amount.sub(p.discount), byDouble: p.amount.add(p.rate) }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly byNumber: Col<"DECIMAL", false, "none">;
      readonly byDecimal: Col<"DECIMAL", true, "none">;
      readonly byDouble: Col<"DOUBLE", false, "none">;
    }>();
    // @ts-expect-error a string is no operand of a DECIMAL
    priced.select((p) => ({ x: p.amount.gt("10") }));
  });
});

describe("CASE", () => {
  const Priced = t.row({ id: t.string(), amount: t.decimal(10, 2), discount: t.decimal(10, 2).nullable(), qty: t.int(), big: t.bigint(), rate: t.double(), note: t.string().nullable(), paid: t.boolean() });
  const priced = source("priced", { topic: "priced", schema: Priced });

  it("takes a plain value of the first branch's kind after a column, nullable only when a branch is", () => {
    const s = priced.select((p) => ({
      amountOrZero: when(p.paid, p.amount).otherwise(0),
      tiered: when(p.qty.gt(10), p.amount).when(p.qty.gt(5), 1.5).otherwise(lit(0)),
      discountOrZero: when(p.paid, p.discount).otherwise(0),
      amountOrDiscount: when(p.paid, p.amount).otherwise(p.discount),
      noteOrDash: when(p.paid, p.note).otherwise("-"),
      idOrDash: when(p.paid, p.id).otherwise("-"),
      flag: when(p.qty.gt(0), p.paid).otherwise(false),
      noElse: when(p.paid, p.amount).end(),
      plain: when(p.paid, 1).otherwise(0),
      labels: when(p.qty.gt(10), "large").when(p.qty.gt(5), "medium").otherwise("small"),
    }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly amountOrZero: Col<"DECIMAL", false, "none">;
      readonly tiered: Col<"DECIMAL", false, "none">;
      readonly discountOrZero: Col<"DECIMAL", true, "none">;
      readonly amountOrDiscount: Col<"DECIMAL", true, "none">;
      readonly noteOrDash: Col<"STRING", true, "none">;
      readonly idOrDash: Col<"STRING", false, "none">;
      readonly flag: Col<"BOOLEAN", false, "none">;
      readonly noElse: Col<"DECIMAL", true, "none">;
      readonly plain: Col<"TINYINT" | "SMALLINT" | "INT" | "BIGINT" | "FLOAT" | "DECIMAL" | "DOUBLE", false, "none">;
      readonly labels: Col<"STRING", false, "none">;
    }>();
  });

  it("widens numeric branches like Flink's common type", () => {
    const s = priced.select((p) => ({ intBig: when(p.paid, p.qty).otherwise(p.big), decDouble: when(p.paid, p.amount).otherwise(p.rate), plainThenCol: when(p.paid, 0).otherwise(p.amount) }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly intBig: Col<"BIGINT", false, "none">;
      readonly decDouble: Col<"DOUBLE", false, "none">;
      readonly plainThenCol: Col<"DECIMAL", false, "none">;
    }>();
  });

  it("refuses a plain value of another kind", () => {
    // @ts-expect-error a string after a numeric branch
    priced.select((p) => ({ x: when(p.paid, p.amount).otherwise("none") }));
    // @ts-expect-error a number after a string branch
    priced.select((p) => ({ x: when(p.paid, p.id).when(p.qty.gt(1), 5).end() }));
    // @ts-expect-error a string after a boolean branch
    priced.select((p) => ({ x: when(p.qty.gt(1), p.paid).otherwise("yes") }));
    // @ts-expect-error a string column after a numeric branch
    priced.select((p) => ({ x: when(p.paid, 1).otherwise(p.id) }));
  });
});

describe("aggregates", () => {
  it("numeric aggregates take numeric columns only", () => {
    orders.tumble("1h").groupBy("customer_id").aggregate({ total: sum("amount"), mean: avg("amount"), n: count() });
    // @ts-expect-error sum of a string column
    orders.tumble("1h").aggregate({ total: sum("status") });
    // @ts-expect-error avg of a string column
    orders.groupBy("customer_id").aggregate({ mean: avg("customer_id") }, { ttl: "1d" });
    // @ts-expect-error unknown column
    orders.tumble("1h").aggregate({ total: sum("nope") });
  });

  it("window aggregates carry window columns, keys and aggregate types", () => {
    const w = orders.tumble("1h").groupBy("customer_id").aggregate({ n: count(), total: sum("amount") });
    expectTypeOf(w.__row!).toEqualTypeOf<{
      readonly window_start: Col<"TIMESTAMP", false, "none">;
      readonly window_end: Col<"TIMESTAMP", false, "none">;
      readonly window_time: Col<"TIMESTAMP", false, "rowtime">;
      readonly customer_id: Col<"STRING", false, "none">;
      readonly n: Col<"BIGINT", false, "none">;
      readonly total: Col<"DECIMAL", false, "none">;
    }>();
  });
});

describe("joins", () => {
  it("join keys must have the same type", () => {
    orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ id: o.order_id, paid: p.paid }) });
    const ints = source("ints", { topic: "ints", schema: IntKeyed }).eventTime("at").watermark("1s");
    // @ts-expect-error STRING key joined to an INT key
    orders.intervalJoin(ints, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o) => ({ id: o.order_id }) });
    // @ts-expect-error amount (DECIMAL) matched with a STRING column
    orders.intervalJoin(payments, { on: { amount: "order_id" }, between: ["0s", "1h"], select: (o) => ({ id: o.order_id }) });
  });

  it("the other side is a stream, with its own row types on the right", () => {
    const j = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ id: o.order_id, paid: p.paid, at: p.paid_at }) });
    expectTypeOf(j.__row!).toEqualTypeOf<{
      readonly id: Col<"STRING", false, "none">;
      readonly paid: Col<"DECIMAL", false, "none">;
      readonly at: Col<"TIMESTAMP", false, "none">;
    }>();
    // @ts-expect-error a row schema is not a stream
    orders.intervalJoin(Payment, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o) => ({ id: o.order_id }) });
    // @ts-expect-error union needs the same columns
    orders.union(payments);
  });

  it("a LEFT interval, temporal or window join types the right side nullable in its select", () => {
    const interval = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], type: "left", select: (o, p) => ({ at: o.ts, paid: p.paid, cents: p.paid.mul(100) }) });
    expectTypeOf(interval.__row!).toEqualTypeOf<{
      readonly at: Col<"TIMESTAMP", false, "rowtime">;
      readonly paid: Col<"DECIMAL", true, "none">;
      readonly cents: Col<"DECIMAL", true, "none">;
    }>();
    const customers = source("customers", { topic: "customers", schema: t.row({ customer_id: t.string(), name: t.string(), at: t.timestamp(3) }), primaryKey: ["customer_id"] }).eventTime("at").watermark("1s");
    const temporal = orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, type: "left", select: (o, c) => ({ id: o.order_id, name: c.name }) });
    expectTypeOf(temporal.__row!).toEqualTypeOf<{ readonly id: Col<"STRING", false, "none">; readonly name: Col<"STRING", true, "none"> }>();
    const temporalInner = orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, select: (o, c) => ({ id: o.order_id, name: c.name }) });
    expectTypeOf(temporalInner.__row!).toEqualTypeOf<{ readonly id: Col<"STRING", false, "none">; readonly name: Col<"STRING", false, "none"> }>();
    const windowed = orders.tumble("5m").join(payments.tumble("5m"), { on: { order_id: "order_id" }, type: "right", select: (o, p) => ({ id: o.order_id, start: p.window_start, paid: p.paid }) });
    expectTypeOf(windowed.__row!).toEqualTypeOf<{
      readonly id: Col<"STRING", true, "none">;
      readonly start: Col<"TIMESTAMP", false, "none">;
      readonly paid: Col<"DECIMAL", false, "none">;
    }>();
  });

  it("interval joins need event time on both sides", () => {
    const noTime = source("p2", { topic: "p2", schema: Payment });
    // @ts-expect-error right side has no event time
    orders.intervalJoin(noTime, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o) => ({ id: o.order_id }) });
  });
});

describe("regular joins", () => {
  const Stock = t.row({ sku: t.string(), qty: t.int(), at: t.timestamp(3) });
  const Product = t.row({ sku: t.string(), name: t.string(), min_qty: t.int() });
  const stock = source("stock", { topic: "stock", schema: Stock }).eventTime("at").watermark("1s");
  const products = source("products", { topic: "products", schema: Product });
  type Joined<Q extends boolean, N extends boolean> = {
    readonly sku: Col<"STRING", Q, "none">;
    readonly qty: Col<"INT", Q, "none">;
    readonly at: Col<"TIMESTAMP", Q, "none">;
    readonly name: Col<"STRING", N, "none">;
    readonly min_qty: Col<"INT", N, "none">;
  };
  const select = <L extends { sku: unknown; qty: unknown; at: unknown }, R extends { name: unknown; min_qty: unknown }>(s: L, p: R) =>
    ({ sku: s.sku, qty: s.qty, at: s.at, name: p.name, min_qty: p.min_qty }) as { sku: L["sku"]; qty: L["qty"]; at: L["at"]; name: R["name"]; min_qty: R["min_qty"] };

  it("an inner join's row is its select's, NOT NULL on both sides, append-only on append-only inputs", () => {
    const inner = stock.join(products, { on: { sku: "sku" }, ttl: "1d", select });
    expectTypeOf(inner).toEqualTypeOf<Stream<Joined<false, false>, { changelog: "append"; state: "bounded" }>>();
    expectTypeOf(stock.join(products, { on: { sku: "sku" }, type: "inner", select }).__traits!).toEqualTypeOf<{ changelog: "append"; state: "unbounded" }>();
  });

  it("a LEFT join makes the right side nullable, RIGHT the left, FULL both; outer joins update", () => {
    const left = stock.join(products, { on: { sku: "sku" }, type: "left", ttl: "1d", select });
    const right = stock.join(products, { on: { sku: "sku" }, type: "right", ttl: { left: "1d", right: "2d" }, select });
    const full = stock.join(products, { on: { sku: "sku" }, type: "full", select });
    expectTypeOf(left).toEqualTypeOf<Stream<Joined<false, true>, { readonly changelog: "updating"; readonly state: "bounded" }>>();
    expectTypeOf(right).toEqualTypeOf<Stream<Joined<true, false>, { readonly changelog: "updating"; readonly state: "bounded" }>>();
    expectTypeOf(full).toEqualTypeOf<Stream<Joined<true, true>, { readonly changelog: "updating"; readonly state: "unbounded" }>>();
  });

  it("expressions over the outer side are nullable too, as Flink types them", () => {
    const j = stock.join(products, { on: { sku: "sku" }, type: "left", ttl: "1d", select: (s, p) => ({ sku: s.sku, twice: p.min_qty.mul(2), low: s.qty.lt(p.min_qty), missing: p.name.isNull() }) });
    expectTypeOf(j.__row!).toEqualTypeOf<{
      readonly sku: Col<"STRING", false, "none">;
      readonly twice: Col<"INT", true, "none">;
      readonly low: Col<"BOOLEAN", true, "none">;
      readonly missing: Col<"BOOLEAN", false, "none">;
    }>();
  });

  it("later steps see the joined columns", () => {
    const joined = stock.join(products, { on: { sku: "sku" }, type: "left", ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, min_qty: p.min_qty }) });
    const low = joined.filter((r) => r.qty.lt(10));
    expectTypeOf(low.__row!).toEqualTypeOf<{ readonly sku: Col<"STRING", false, "none">; readonly qty: Col<"INT", false, "none">; readonly min_qty: Col<"INT", true, "none"> }>();
    joined.filter((r) => r.qty.lt(r.min_qty.orElse(0)));
    // @ts-expect-error no column 'name' after the join's select
    joined.filter((r) => r.name.isNull());
    // @ts-expect-error qty is INT: no string operand
    joined.filter((r) => r.qty.eq("10"));
    joined.groupBy("sku").aggregate({ total: sum("qty") }, { ttl: "1d" });
    // @ts-expect-error sum of a string column
    joined.groupBy("sku").aggregate({ total: sum("sku") }, { ttl: "1d" });
    joined.select("sku", "qty");
    // @ts-expect-error no column 'name'
    joined.select("sku", "name");
    joined.toUpsertKafka("low-stock", { key: ["sku"] });
    // @ts-expect-error the key must be a column of the joined row
    joined.toUpsertKafka("low-stock", { key: ["name"] });
    // @ts-expect-error an outer join updates: not an append-only topic
    joined.toKafka("low-stock");
  });

  it("a join type known only as a union is typed as the outer joins it may be", () => {
    const type = Math.random() > 0.5 ? ("inner" as const) : ("left" as const);
    const j = stock.join(products, { on: { sku: "sku" }, type, ttl: "1d", select });
    expectTypeOf(j).toEqualTypeOf<Stream<Joined<false, true>, { readonly changelog: "updating"; readonly state: "bounded" }>>();
  });

  it("checks keys and the select's columns", () => {
    // @ts-expect-error qty (INT) matched with a STRING column
    stock.join(products, { on: { qty: "sku" }, select });
    // @ts-expect-error no column 'nope' on the right
    stock.join(products, { on: { sku: "sku" }, select: (s, p) => ({ sku: s.sku, x: p.nope }) });
  });
});

describe("union", () => {
  const A = t.row({ id: t.string(), n: t.int().nullable(), at: t.timestamp(3) });
  const B = t.row({ id: t.string().nullable(), n: t.int(), at: t.timestamp(3) });
  const C = t.row({ id: t.string(), n: t.int(), at: t.timestamp(3) });
  const a = source("a", { topic: "a", schema: A }).eventTime("at").watermark("1s");
  const b = source("b", { topic: "b", schema: B }).eventTime("at").watermark("1s");
  const c = source("c", { topic: "c", schema: C }).eventTime("at").watermark("1s");

  it("takes columns that differ only in nullability; a column nullable anywhere is nullable in the result", () => {
    type Both = { readonly id: Col<"STRING", true, "none">; readonly n: Col<"INT", true, "none">; readonly at: Col<"TIMESTAMP", false, "rowtime"> };
    expectTypeOf(a.union(b)).toEqualTypeOf<Stream<Both, { readonly changelog: "append"; readonly state: "bounded" }>>();
    expectTypeOf(c.union(a, b).__row!).toEqualTypeOf<Both>();
    expectTypeOf(c.union(c).__row!).toEqualTypeOf<{ readonly id: Col<"STRING", false, "none">; readonly n: Col<"INT", false, "none">; readonly at: Col<"TIMESTAMP", false, "rowtime"> }>();
    expectTypeOf(c.union(a).__row!.id).toEqualTypeOf<Col<"STRING", false, "none">>();
    a.union(b).tumble("1m").count();
  });

  it("merges the traits of every input", () => {
    const updating = source("pb", { topic: "pb", schema: B }).distinct({ ttl: "1d" });
    expectTypeOf(source("pa", { topic: "pa", schema: A }).union(updating).__traits!).toEqualTypeOf<{ readonly changelog: "updating"; readonly state: "bounded" }>();
  });

  it("widens numeric columns of different kinds to their common type, as Flink does", () => {
    const big = source("big", { topic: "big", schema: t.row({ id: t.string(), n: t.bigint(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    const dec = source("dec", { topic: "dec", schema: t.row({ id: t.string(), n: t.decimal(10, 2), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    const dbl = source("dbl", { topic: "dbl", schema: t.row({ id: t.string(), n: t.double(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    const flt = source("flt", { topic: "flt", schema: t.row({ id: t.string(), n: t.float(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    const small = source("small", { topic: "small", schema: t.row({ id: t.string(), n: t.smallint(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    const tiny = source("tiny", { topic: "tiny", schema: t.row({ id: t.string(), n: t.tinyint(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    expectTypeOf(a.union(big).__row!.n).toEqualTypeOf<Col<"BIGINT", true, "none">>();
    expectTypeOf(c.union(dec).__row!.n).toEqualTypeOf<Col<"DECIMAL", false, "none">>();
    expectTypeOf(c.union(dec, dbl).__row!.n).toEqualTypeOf<Col<"DOUBLE", false, "none">>();
    expectTypeOf(flt.union(flt).__row!.n).toEqualTypeOf<Col<"FLOAT", false, "none">>();
    expectTypeOf(flt.union(c).__row!.n).toEqualTypeOf<Col<"FLOAT", false, "none">>();
    expectTypeOf(flt.union(dec).__row!.n).toEqualTypeOf<Col<"DOUBLE", false, "none">>();
    expectTypeOf(tiny.union(small).__row!.n).toEqualTypeOf<Col<"SMALLINT", false, "none">>();
  });

  it("refuses other column types, missing or extra columns", () => {
    const text = source("text", { topic: "text", schema: t.row({ id: t.string(), n: t.string(), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    // @ts-expect-error n is STRING there, INT here
    a.union(text);
    // @ts-expect-error the second input lacks n
    a.union(b, c.select("id", "at"));
    // @ts-expect-error an extra column
    a.union(c.withColumns((r) => ({ extra: r.n.add(1) })));
    // @ts-expect-error at is a plain timestamp there, the event time here
    a.union(source("plain", { topic: "plain", schema: A }));
  });
});

describe("the typed catalog", () => {
  it("source(name) has the catalog's columns, so the design card's one-liner type-checks", () => {
    const perHour = source("orders").eventTime("event_timestamp").watermark("5s").tumble("1h").count();
    expectTypeOf(perHour).toEqualTypeOf<
      Stream<{
        readonly window_start: Col<"TIMESTAMP", false, "none">;
        readonly window_end: Col<"TIMESTAMP", false, "none">;
        readonly window_time: Col<"TIMESTAMP", false, "rowtime">;
        readonly count: Col<"BIGINT", false, "none">;
      }, { readonly changelog: "append"; readonly state: "bounded" }>
    >();
    // @ts-expect-error carrier is a STRING column of shipments, not a timestamp
    source("shipments").eventTime("carrier");
    // @ts-expect-error not in the catalog
    source("nope");
  });

  it("pipelines write sinks", () => {
    pipeline("p").write(orders.toKafka("x"), orders.toPrint());
  });
});
