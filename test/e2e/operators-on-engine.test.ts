/**
 * Every operator family run on the real engine against the shared broker: one small pipeline per
 * family (several operators as the columns of one select), a handful of input records, and the exact,
 * complete output expected. A JVM costs most of a job's ~20 s, so the families share jobs (a job is a
 * statement set of their pipelines, each on its own topics): the stateless families and the stateful
 * ones on Flink 2.2, then all of them on Flink 1.20. Each family is still its own test.
 *
 * Complete means read to the end: the input is produced first, and the test makes each source read
 * up to the offsets it finds at start (`'scan.bounded.mode' = 'latest-offset'`, added to the emitted
 * script, the one change made to it). The job then FINISHES by itself: the watermark goes to +inf,
 * so every window fires and every interval join emits its unmatched rows, and the sinks flush. Only
 * then are the output topics read, up to their end offsets: no record can come later, so an extra
 * record fails the test as surely as a missing one.
 *
 * Appending outputs are compared record by record, in order where one partition and parallelism 1
 * fix it. Updating outputs (outer joins, written with upsert-kafka) are compared as the table they
 * make (the latest value per key), and every record must carry one of the expected keys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import {
  avg,
  coalesce,
  concat,
  count,
  countDistinct,
  firstValue,
  lastValue,
  max,
  min,
  pipeline,
  source,
  sum,
  t,
  when,
  type Sink,
  type Traits,
} from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { startLocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { consumeUntil, createTopics, latestByKey, produce, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, kafkaBootstrap, runId } from "./support.js";

type Target = "2.2" | "1.20";

/** What a sink topic must hold once the job has finished. */
type Expected =
  | { readonly kind: "append"; readonly ordered: boolean; readonly values: readonly Record<string, unknown>[] }
  | { readonly kind: "upsert"; readonly latest: Readonly<Record<string, Record<string, unknown>>> };

interface Family {
  readonly sinks: readonly Sink<Traits>[];
  /** Input topic -> record values, produced in this order to partition 0. */
  readonly inputs: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly outputs: Readonly<Record<string, Expected>>;
}

const topicOf = (family: string, name: string) => `e2e.ops.${family}.${name}.${runId}`;
const ordered = (...values: Record<string, unknown>[]): Expected => ({ kind: "append", ordered: true, values });
const unordered = (...values: Record<string, unknown>[]): Expected => ({ kind: "append", ordered: false, values });

// ---- the families ------------------------------------------------------------------------------

/** Comparisons and boolean logic; 100 is on both sides of every amount comparison. */
function comparisons(tag: string): Family {
  const f = `cmp${tag}`;
  const Row = t.row({ id: t.string(), amount: t.decimal(10, 2), n: t.int(), status: t.string().nullable(), flag: t.boolean(), ts: t.timestamp(3) });
  const rows = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" });
  const out = rows
    .filter((o) => o.id.ne("skip"))
    .select((o) => ({
      id: o.id,
      gt: o.amount.gt(100),
      ge: o.amount.ge(100),
      lt: o.amount.lt(100),
      le: o.amount.le(100),
      eq: o.amount.eq(100),
      ne: o.amount.ne(100),
      in_list: o.n.in(1, 3),
      not_in_list: o.n.notIn(1, 3),
      between: o.n.between(2, 4),
      is_null: o.status.isNull(),
      is_not_null: o.status.isNotNull(),
      status_in: o.status.in("paid", "shipped"),
      status_not_in: o.status.notIn("paid"),
      like: o.id.like("a%"),
      and: o.flag.and(o.n.gt(2)),
      or: o.flag.or(o.n.gt(2)),
      not: o.flag.not(),
      ts_ge: o.ts.ge(new Date(Date.UTC(2024, 0, 1, 10, 0, 0))),
    }));
  const B = (id: string, bits: string, status: [boolean | null, boolean | null]) => {
    expect(bits).toHaveLength(16);
    const [gt, ge, lt, le, eq, ne, inList, notInList, between, isNull, isNotNull, like, and, or, not, tsGe] = [...bits].map((c) => c === "1");
    return { id, gt, ge, lt, le, eq, ne, in_list: inList, not_in_list: notInList, between, is_null: isNull, is_not_null: isNotNull, status_in: status[0], status_not_in: status[1], like, and, or, not, ts_ge: tsGe };
  };
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "a1", amount: 99.99, n: 1, status: "paid", flag: true, ts: at("09:59:59.999") },
        { id: "a2", amount: 100, n: 2, status: null, flag: false, ts: at("10:00") },
        { id: "skip", amount: 100, n: 3, status: "paid", flag: true, ts: at("10:00") },
        { id: "b3", amount: 100.01, n: 3, status: "open", flag: false, ts: at("10:00:00.001") },
        { id: "b4", amount: -5.5, n: 4, status: "shipped", flag: true, ts: at("11:00") },
      ],
    },
    outputs: {
      // bits: gt ge lt le eq ne, in_list not_in_list between, is_null is_not_null, like and or not ts_ge
      [topicOf(f, "out")]: ordered(
        B("a1", "0011011000110100", [true, false]),
        B("a2", "0101100111010011", [null, null]),
        B("b3", "1100011010100111", [false, true]),
        B("b4", "0011010110101101", [true, true]),
      ),
    },
  };
}

/** Arithmetic: integer, decimal and double; negative operands; null propagation. */
function arithmetic(tag: string): Family {
  const f = `arith${tag}`;
  const Row = t.row({ id: t.string(), n: t.int(), m: t.int(), amount: t.decimal(10, 2), ratio: t.double(), qty: t.int().nullable() });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    add: o.n.add(o.m),
    sub: o.n.sub(o.m),
    mul: o.n.mul(o.m),
    div: o.n.div(o.m),
    mod: o.n.mod(o.m),
    neg: o.n.neg(),
    neg_amount: o.amount.neg(),
    abs: o.amount.abs(),
    round1: o.amount.round(1),
    round0: o.amount.round(),
    cents: o.amount.mul(100).cast(t.bigint()),
    minus_literal: o.n.sub(-5),
    twice: o.ratio.mul(2),
    qty_plus: o.qty.add(1),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "r1", n: 7, m: 3, amount: -12.35, ratio: 1.25, qty: 4 },
        { id: "r2", n: -7, m: 3, amount: 2.5, ratio: -0.5, qty: null },
        { id: "r3", n: 10, m: -4, amount: 0.05, ratio: 0, qty: 0 },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        { id: "r1", add: 10, sub: 4, mul: 21, div: 2, mod: 1, neg: -7, neg_amount: 12.35, abs: 12.35, round1: -12.4, round0: -12, cents: -1235, minus_literal: 12, twice: 2.5, qty_plus: 5 },
        { id: "r2", add: -4, sub: -10, mul: -21, div: -2, mod: -1, neg: 7, neg_amount: -2.5, abs: 2.5, round1: 2.5, round0: 3, cents: 250, minus_literal: -2, twice: -1, qty_plus: null },
        { id: "r3", add: 6, sub: 14, mul: -40, div: -2, mod: 2, neg: -10, neg_amount: -0.05, abs: 0.05, round1: 0.1, round0: 0, cents: 5, minus_literal: 15, twice: 0, qty_plus: 1 },
      ),
    },
  };
}

/** String functions, LIKE and JSON_VALUE, with spaces, a null, an empty string and non-ASCII text. */
function strings(tag: string): Family {
  const f = `str${tag}`;
  const Row = t.row({ id: t.string(), name: t.string(), note: t.string().nullable(), payload: t.string() });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    lower: o.name.lower(),
    upper: o.name.upper(),
    sub_2_3: o.name.substring(2, 3),
    sub_3: o.name.substring(3),
    trimmed: o.name.trim(),
    len: o.name.length(),
    trimmed_len: o.name.trim().length(),
    joined: o.name.concat("-", o.id),
    joined_note: concat(o.id, ":", o.note),
    like: o.name.like("%li_e%"),
    json: o.payload.jsonValue("$.a.b"),
    json_missing: o.payload.jsonValue("$.x"),
    note: o.note.orElse("none"),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "s1", name: "  Alice  ", note: "vip", payload: '{"a":{"b":"x1"}}' },
        { id: "s2", name: "bob", note: null, payload: '{"a":{"b":42}}' },
        { id: "s3", name: "Émile", note: "", payload: "not json" },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        { id: "s1", lower: "  alice  ", upper: "  ALICE  ", sub_2_3: " Al", sub_3: "Alice  ", trimmed: "Alice", len: 9, trimmed_len: 5, joined: "  Alice  -s1", joined_note: "s1:vip", like: true, json: "x1", json_missing: null, note: "vip" },
        { id: "s2", lower: "bob", upper: "BOB", sub_2_3: "ob", sub_3: "b", trimmed: "bob", len: 3, trimmed_len: 3, joined: "bob-s2", joined_note: null, like: false, json: "42", json_missing: null, note: "none" },
        { id: "s3", lower: "émile", upper: "ÉMILE", sub_2_3: "mil", sub_3: "ile", trimmed: "Émile", len: 5, trimmed_len: 5, joined: "Émile-s3", joined_note: "s3:", like: false, json: null, json_missing: null, note: "" },
      ),
    },
  };
}

/** FLOOR/CEIL (on the rowtime and a plain timestamp, on and off unit boundaries), EXTRACT, DATE_FORMAT, toDate. */
function time(tag: string): Family {
  const f = `time${tag}`;
  const Row = t.row({ id: t.string(), ts: t.timestamp(3), at: t.timestamp(3) });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" })
    .eventTime("ts")
    .watermark("1s")
    .select((o) => ({
      id: o.id,
      floor_hour: o.ts.floorTo("HOUR"),
      ceil_hour: o.ts.ceilTo("HOUR"),
      at_ceil_hour: o.at.ceilTo("HOUR"),
      at_floor_day: o.at.floorTo("DAY"),
      at_floor_month: o.at.floorTo("MONTH"),
      at_ceil_year: o.at.ceilTo("YEAR"),
      year: o.at.extract("YEAR"),
      month: o.at.extract("MONTH"),
      day: o.at.extract("DAY"),
      hour: o.at.extract("HOUR"),
      minute: o.at.extract("MINUTE"),
      second: o.at.extract("SECOND"),
      formatted: o.at.format("yyyy-MM-dd HH:mm"),
      date: o.at.toDate(),
    }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "t1", ts: at("10:00"), at: "2024-02-29T23:59:59.999" },
        { id: "t2", ts: at("10:30:00.001"), at: "2024-12-31T00:00:00" },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        {
          id: "t1", floor_hour: at("10:00"), ceil_hour: at("10:00"), at_ceil_hour: "2024-03-01T00:00:00", at_floor_day: "2024-02-29T00:00:00",
          at_floor_month: "2024-02-01T00:00:00", at_ceil_year: "2025-01-01T00:00:00", year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59,
          formatted: "2024-02-29 23:59", date: "2024-02-29",
        },
        {
          id: "t2", floor_hour: at("10:00"), ceil_hour: at("11:00"), at_ceil_hour: "2024-12-31T00:00:00", at_floor_day: "2024-12-31T00:00:00",
          at_floor_month: "2024-12-01T00:00:00", at_ceil_year: "2025-01-01T00:00:00", year: 2024, month: 12, day: 31, hour: 0, minute: 0, second: 0,
          formatted: "2024-12-31 00:00", date: "2024-12-31",
        },
      ),
    },
  };
}

/** COALESCE (function and orElse), CASE with and without ELSE (a NULL condition falls through), CAST. */
function conditionals(tag: string): Family {
  const f = `cond${tag}`;
  const Row = t.row({ id: t.string(), a: t.string().nullable(), b: t.string().nullable(), n: t.int().nullable() });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    first: coalesce(o.a, o.b, "none"),
    a_or_dash: o.a.orElse("-"),
    n_or_zero: o.n.orElse(0),
    band: when(o.n.gt(10), "big").when(o.n.gt(0), "small").otherwise("other"),
    one: when(o.n.eq(1), "one").end(),
    sign: when(o.n.lt(0), -1).when(o.n.gt(0), 1).otherwise(0),
    n_text: o.n.cast(t.string()),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "k1", a: "x", b: "y", n: 11 },
        { id: "k2", a: null, b: "y", n: 1 },
        { id: "k3", a: null, b: null, n: null },
        { id: "k4", a: "", b: null, n: -3 },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        { id: "k1", first: "x", a_or_dash: "x", n_or_zero: 11, band: "big", one: null, sign: 1, n_text: "11" },
        { id: "k2", first: "y", a_or_dash: "-", n_or_zero: 1, band: "small", one: "one", sign: 1, n_text: "1" },
        { id: "k3", first: "none", a_or_dash: "-", n_or_zero: 0, band: "other", one: null, sign: 0, n_text: null },
        { id: "k4", first: "", a_or_dash: "", n_or_zero: -3, band: "other", one: null, sign: -1, n_text: "-3" },
      ),
    },
  };
}

/** Every aggregate in a one-minute tumbling window per key; nulls among the counted values. */
function windowAggregates(tag: string): Family {
  const f = `agg${tag}`;
  const Row = t.row({ k: t.string(), v: t.int(), amount: t.decimal(10, 2), note: t.string().nullable(), ts: t.timestamp(3) });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" })
    .eventTime("ts")
    .watermark("1s")
    .tumble("1m")
    .groupBy("k")
    .aggregate({
      n: count(),
      notes: count("note"),
      distinct_notes: countDistinct("note"),
      total: sum("v"),
      mean: avg("v"),
      money: sum("amount"),
      lo: min("v"),
      hi: max("amount"),
      first: firstValue("note"),
      last: lastValue("note"),
    });
  const w = (start: string, end: string, endMinus1ms: string) => ({ window_start: at(start), window_end: at(end), window_time: at(endMinus1ms) });
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { k: "a", v: 1, amount: 1.5, note: "x", ts: at("10:00:05") },
        { k: "a", v: 2, amount: 2.25, note: null, ts: at("10:00:20") },
        { k: "b", v: 10, amount: 1, note: null, ts: at("10:00:30") },
        { k: "a", v: 4, amount: 0.25, note: "y", ts: at("10:00:40") },
        { k: "a", v: 6, amount: 3, note: "z", ts: at("10:00:59.999") },
        { k: "a", v: 3, amount: 0.1, note: "w", ts: at("10:01") },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: unordered(
        { ...w("10:00", "10:01", "10:00:59.999"), k: "a", n: 4, notes: 3, distinct_notes: 3, total: 13, mean: 3, money: 7, lo: 1, hi: 3, first: "x", last: "z" },
        { ...w("10:00", "10:01", "10:00:59.999"), k: "b", n: 1, notes: 0, distinct_notes: 0, total: 10, mean: 10, money: 1, lo: 10, hi: 1, first: null, last: null },
        { ...w("10:01", "10:02", "10:01:59.999"), k: "a", n: 1, notes: 1, distinct_notes: 1, total: 3, mean: 3, money: 0.1, lo: 3, hi: 0.1, first: "w", last: "w" },
      ),
    },
  };
}

/** Regular joins, inner/left/right/full, each with a state TTL: c3 has no customer, c4 no order. */
function regularJoins(tag: string): Family {
  const f = `join${tag}`;
  const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2) });
  const Customer = t.row({ customer_id: t.string(), name: t.string() });
  const orders = source(`${f}_orders`, { topic: topicOf(f, "orders"), schema: Order, startFrom: "earliest" });
  const customers = source(`${f}_customers`, { topic: topicOf(f, "customers"), schema: Customer, startFrom: "earliest" });
  const on = { customer_id: "customer_id" } as const;
  const inner = orders.join(customers, { on, ttl: "1h", select: (o, c) => ({ order_id: o.order_id, name: c.name, amount: o.amount }) }).as("inner_join");
  const left = orders.join(customers, { on, type: "left", ttl: "1h", select: (o, c) => ({ order_id: o.order_id, name: c.name }) }).as("left_join");
  const right = orders.join(customers, { on, type: "right", ttl: { left: "1h", right: "2h" }, select: (o, c) => ({ customer_id: c.customer_id, order_id: o.order_id }) }).as("right_join");
  const full = orders
    .join(customers, { on, type: "full", ttl: "1h", select: (o, c) => ({ cid: coalesce(o.customer_id, c.customer_id), order_id: o.order_id, name: c.name }) })
    .as("full_join");
  const key = (k: string, v: string) => JSON.stringify({ [k]: v });
  return {
    sinks: [
      inner.toKafka(topicOf(f, "inner")),
      left.toUpsertKafka(topicOf(f, "left"), { key: ["order_id"] }),
      right.toUpsertKafka(topicOf(f, "right"), { key: ["customer_id"] }),
      full.toUpsertKafka(topicOf(f, "full"), { key: ["cid"] }),
    ],
    inputs: {
      [topicOf(f, "orders")]: [
        { order_id: "o1", customer_id: "c1", amount: 10 },
        { order_id: "o2", customer_id: "c2", amount: 20.5 },
        { order_id: "o3", customer_id: "c3", amount: 30 },
      ],
      [topicOf(f, "customers")]: [
        { customer_id: "c1", name: "Ann" },
        { customer_id: "c2", name: "Bob" },
        { customer_id: "c4", name: "Dan" },
      ],
    },
    outputs: {
      [topicOf(f, "inner")]: unordered({ order_id: "o1", name: "Ann", amount: 10 }, { order_id: "o2", name: "Bob", amount: 20.5 }),
      [topicOf(f, "left")]: {
        kind: "upsert",
        latest: {
          [key("order_id", "o1")]: { order_id: "o1", name: "Ann" },
          [key("order_id", "o2")]: { order_id: "o2", name: "Bob" },
          [key("order_id", "o3")]: { order_id: "o3", name: null },
        },
      },
      [topicOf(f, "right")]: {
        kind: "upsert",
        latest: {
          [key("customer_id", "c1")]: { customer_id: "c1", order_id: "o1" },
          [key("customer_id", "c2")]: { customer_id: "c2", order_id: "o2" },
          [key("customer_id", "c4")]: { customer_id: "c4", order_id: null },
        },
      },
      [topicOf(f, "full")]: {
        kind: "upsert",
        latest: {
          [key("cid", "c1")]: { cid: "c1", order_id: "o1", name: "Ann" },
          [key("cid", "c2")]: { cid: "c2", order_id: "o2", name: "Bob" },
          [key("cid", "c3")]: { cid: "c3", order_id: "o3", name: null },
          [key("cid", "c4")]: { cid: "c4", order_id: null, name: "Dan" },
        },
      },
    },
  };
}

/** Interval joins: inner within [0, 1h] (both bounds inclusive), left within [-5m, +5m]. */
function intervalJoins(tag: string): Family {
  const f = `ij${tag}`;
  const Order = t.row({ order_id: t.string(), ts: t.timestamp(3) });
  const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid_at: t.timestamp(3) });
  // Each topic is in event-time order and the delay covers the other side's lead: no row is late.
  const orders = source(`${f}_orders`, { topic: topicOf(f, "orders"), schema: Order, startFrom: "earliest" }).eventTime("ts").watermark("1m");
  const payments = source(`${f}_payments`, { topic: topicOf(f, "payments"), schema: Payment, startFrom: "earliest" }).eventTime("paid_at").watermark("1m");
  const inner = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o, p) => ({ order_id: o.order_id, payment_id: p.payment_id }) }).as("inner_ij");
  const left = orders
    .intervalJoin(payments, { on: { order_id: "order_id" }, between: ["-5m", "5m"], type: "left", select: (o, p) => ({ order_id: o.order_id, payment_id: p.payment_id, paid_at: p.paid_at }) })
    .as("left_ij");
  return {
    sinks: [inner.toKafka(topicOf(f, "inner")), left.toKafka(topicOf(f, "left"))],
    inputs: {
      [topicOf(f, "orders")]: [
        { order_id: "o1", ts: at("10:00") },
        { order_id: "o2", ts: at("10:00") },
        { order_id: "o3", ts: at("10:00") },
      ],
      [topicOf(f, "payments")]: [
        { payment_id: "p0", order_id: "o2", paid_at: at("09:59:59") }, // o2 - 1s: before inner's window, inside left's
        { payment_id: "p1", order_id: "o1", paid_at: at("10:30") }, // inside inner's window
        { payment_id: "p2", order_id: "o1", paid_at: at("11:00") }, // exactly o1 + 1h: inside (inclusive)
        { payment_id: "p3", order_id: "o2", paid_at: at("11:00:00.001") }, // 1 ms past o2 + 1h: outside
      ],
    },
    outputs: {
      [topicOf(f, "inner")]: unordered({ order_id: "o1", payment_id: "p1" }, { order_id: "o1", payment_id: "p2" }),
      [topicOf(f, "left")]: unordered(
        { order_id: "o1", payment_id: null, paid_at: null },
        { order_id: "o2", payment_id: "p0", paid_at: at("09:59:59") },
        { order_id: "o3", payment_id: null, paid_at: null },
      ),
    },
  };
}

// ---- running families as one job ---------------------------------------------------------------

/** The emitted script with every Kafka source read only up to the end offsets it finds at start. */
function boundedScript(script: string, sources: number): string {
  const startup = "  'scan.startup.mode' = 'earliest-offset',\n";
  expect(script.split(startup).length - 1, "one earliest-offset Kafka source per input topic").toBe(sources);
  return script.replaceAll(startup, `${startup}  'scan.bounded.mode' = 'latest-offset',\n`);
}

/** Every record of the topics, up to the end offsets they have now. */
async function readToEnd(bootstrap: string, topics: readonly string[]): Promise<Map<string, ConsumedRecord[]>> {
  const admin = new Kafka({ clientId: "streamt-e2e-ops", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0));
    }
  } finally {
    await admin.disconnect();
  }
  const records = await consumeUntil(bootstrap, topics, (rs) => topics.every((tp) => rs.filter((r) => r.topic === tp).length >= ends.get(tp)!), 30_000);
  return new Map(topics.map((tp) => [tp, records.filter((r) => r.topic === tp)]));
}

const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/**
 * Runs the families as one job (one JVM) on a Flink target until it finishes, and returns every record
 * of their output topics.
 */
async function runToEnd(name: string, families: readonly Family[], target: Target): Promise<Map<string, ConsumedRecord[]>> {
  const bootstrap = await kafkaBootstrap();
  const inputs = families.flatMap((f) => Object.entries(f.inputs));
  const outputs = families.flatMap((f) => Object.keys(f.outputs));
  await createTopics(bootstrap, [...inputs.map(([topic]) => topic), ...outputs].map((topic) => ({ name: topic })));
  for (const [topic, values] of inputs) await produce(bootstrap, topic, values.map((value) => ({ value, partition: 0 })));

  const job = pipeline(name, { parallelism: 1 }).write(...families.flatMap((f) => f.sinks));
  const script = boundedScript(emitPipelineSql(job.definition, { bootstrapServers: bootstrap, flinkVersion: target }), inputs.length);
  const running = await startLocalJob({ name, script, target: target === "2.2" ? "2" : "1.20" });
  let timer: NodeJS.Timeout | undefined;
  const end = await Promise.race([running.ended, new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 120_000)))]);
  clearTimeout(timer);
  if (end === "timeout") {
    await running.stop();
    throw new Error(`job ${name} did not finish within 120 s; its events: ${JSON.stringify(running.events)}`);
  }
  expect(end, `job ${name} ended; its events: ${JSON.stringify(running.events)}`).toEqual({ state: "finished" });
  return readToEnd(bootstrap, outputs);
}

function expectOutputs(family: Family, read: ReadonlyMap<string, readonly ConsumedRecord[]>): void {
  for (const [topic, expected] of Object.entries(family.outputs)) {
    const records = read.get(topic)!;
    if (expected.kind === "append") {
      const values = records.map((r) => r.value);
      if (expected.ordered) expect(values, topic).toEqual(expected.values);
      else expect([...values].sort(byJson), topic).toEqual([...expected.values].sort(byJson));
    } else {
      expect(Object.fromEntries(latestByKey(records)), topic).toEqual(expected.latest);
      expect([...new Set(records.map((r) => r.key))].sort(), `${topic}: every record's key`).toEqual(Object.keys(expected.latest).sort());
    }
  }
}

// ---- the tests ---------------------------------------------------------------------------------

const STATELESS = [
  ["comparisons: = <> > >= < <= IN, NOT IN, BETWEEN, IS [NOT] NULL, LIKE, AND, OR, NOT, a WHERE", comparisons],
  ["arithmetic: + - * / MOD, NEGATE, ABS, ROUND, CAST", arithmetic],
  ["strings: LOWER, UPPER, SUBSTRING, TRIM, CHAR_LENGTH, CONCAT, LIKE, JSON_VALUE, COALESCE", strings],
  ["time: FLOOR, CEIL, EXTRACT, DATE_FORMAT, CAST AS DATE", time],
  ["conditionals: COALESCE, CASE with and without ELSE, CAST", conditionals],
] as const;
const STATEFUL = [
  ["aggregates in a tumbling window: COUNT(*), COUNT(col), COUNT(DISTINCT), SUM, AVG, MIN, MAX, FIRST_VALUE, LAST_VALUE", windowAggregates],
  ["regular joins: inner, left, right, full outer, with STATE_TTL hints", regularJoins],
  ["interval joins: inner and left", intervalJoins],
] as const;

/**
 * Three jobs: the stateless families and the stateful ones on Flink 2.2 (apart, so a failure in one
 * group leaves the other's results), then every family again, as one job, on Flink 1.20.
 */
const JOBS = [
  ["stateless", "2.2", "", STATELESS],
  ["stateful", "2.2", "", STATEFUL],
  ["all", "1.20", "v120", [...STATELESS, ...STATEFUL]],
] as const;

describe.each(JOBS)("%s families on Flink %s, as one job read to the end", (name, target, tag, families) => {
  const built = families.map(([label, family]) => [label, family(tag)] as const);
  let read: Map<string, ConsumedRecord[]> | undefined;
  beforeAll(async () => {
    read = await runToEnd(`e2e-ops-${name}-${target.replace(".", "")}-${runId}`, built.map(([, f]) => f), target);
  }, 240_000);

  it.each(built)("%s", (_label, family) => {
    expectOutputs(family, read!);
  });
});
