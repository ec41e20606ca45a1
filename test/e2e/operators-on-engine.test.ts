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
  arrayAgg,
  avg,
  coalesce,
  concat,
  count,
  countDistinct,
  firstValue,
  fn,
  jsonObject,
  jsonString,
  lastValue,
  listagg,
  max,
  min,
  pipeline,
  source,
  stddevPop,
  stddevSamp,
  sum,
  t,
  timestampDiff,
  varPop,
  varSamp,
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

/** MD5, SHA1, SHA256 and SHA2 of 224 to 512 bits: the standard test vector "abc", an empty string, non-ASCII text, a NULL. */
function hashing(tag: string): Family {
  const f = `hash${tag}`;
  const Row = t.row({ id: t.string(), s: t.string(), note: t.string().nullable() });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    md5: o.s.md5(),
    sha1: o.s.sha1(),
    sha256: o.s.sha256(),
    sha224: o.s.sha2(224),
    sha384: o.s.sha2(384),
    sha512: o.s.sha2(512),
    note_md5: o.note.md5(),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "h1", s: "abc", note: "" },
        { id: "h2", s: "", note: null },
        { id: "h3", s: "Émile", note: "abc" },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        {
          id: "h1", md5: "900150983cd24fb0d6963f7d28e17f72", sha1: "a9993e364706816aba3e25717850c26c9cd0d89d",
          sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha224: "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
          sha384: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
          sha512: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
          note_md5: "d41d8cd98f00b204e9800998ecf8427e",
        },
        {
          id: "h2", md5: "d41d8cd98f00b204e9800998ecf8427e", sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
          sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", sha224: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
          sha384: "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
          sha512: "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
          note_md5: null,
        },
        {
          // UTF-8 bytes of the text
          id: "h3", md5: "9a86dba177b44cb492d5dce53821da5e", sha1: "e2ac637eac74a7955ecbabca1ed8517928fa37f6",
          sha256: "afb4b674db82eb614f344e86306dbb80fb08d5fa1df423da1bac63ed42200bb6", sha224: "9eb346ebf0c75db20934ac2dec61489d0db54c7dd58e228e76ce1107",
          sha384: "64f0ad477c2949b5d2516ed7c698fd99b25ed237a1fd9d6c2269abeea8f3be8a7c99f56c76eb969e0ddc0d36771caee8",
          sha512: "7363cd0f9350c40abaa9ee1f56eae35570ccb6186202f0c9fdeb17d2da0f630cd71da0e33b14eecf2dfb8129a0f5f282a2abc230d8dd96dcd9175526aa1ba679",
          note_md5: "900150983cd24fb0d6963f7d28e17f72",
        },
      ),
    },
  };
}

/** TIMESTAMPDIFF in every unit (a leap February, a negative span), a timestamp and a DATE moved by durations and calendar units. */
function timeArithmetic(tag: string): Family {
  const f = `tarith${tag}`;
  const Row = t.row({ id: t.string(), at: t.timestamp(3), later: t.timestamp(3), day: t.date(), n: t.int() });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    diff_second: timestampDiff("SECOND", o.at, o.later),
    diff_minute: timestampDiff("MINUTE", o.at, o.later),
    diff_hour: timestampDiff("HOUR", o.at, o.later),
    diff_day: timestampDiff("DAY", o.at, o.later),
    diff_week: timestampDiff("WEEK", o.at, o.later),
    diff_month: timestampDiff("MONTH", o.at, o.later),
    diff_year: timestampDiff("YEAR", o.day, o.later),
    plus_90m: o.at.plus("90m"),
    minus_half_second: o.at.minus("0.5s"),
    plus_month: o.at.plus(1, "MONTH"),
    minus_n_days: o.at.minus(o.n, "DAY"),
    day_plus: o.day.plus("1d"),
    day_plus_n_weeks: o.day.plus(o.n, "WEEK"),
    day_minus_year: o.day.minus(1, "YEAR"),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        // 30 days less 1 ms across February 29: 29 whole days, and a month not quite complete at 09:59:59.999 on March 1
        { id: "d1", at: "2024-01-31T10:00:00", later: "2024-03-01T09:59:59.999", day: "2023-02-28", n: 2 },
        // 30 minutes backwards: no whole unit, not even a month (Flink alone counts -1 month there)
        { id: "d2", at: "2024-03-10T12:30:00", later: "2024-03-10T12:00:00", day: "2024-12-31", n: -1 },
        // backwards across months: 1 month 29 days, 2 months less a minute
        { id: "d3", at: "2024-03-31T00:00:00", later: "2024-02-01T00:00:00", day: "2026-02-01", n: 0 },
        { id: "d4", at: "2024-03-01T00:00:00", later: "2024-01-01T00:01:00", day: "2024-01-01", n: 0 },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: ordered(
        {
          id: "d1", diff_second: 2591999, diff_minute: 43199, diff_hour: 719, diff_day: 29, diff_week: 4, diff_month: 1, diff_year: 1,
          plus_90m: "2024-01-31T11:30:00", minus_half_second: "2024-01-31T09:59:59.5", plus_month: "2024-02-29T10:00:00", minus_n_days: "2024-01-29T10:00:00",
          day_plus: "2023-03-01", day_plus_n_weeks: "2023-03-14", day_minus_year: "2022-02-28",
        },
        {
          id: "d2", diff_second: -1800, diff_minute: -30, diff_hour: 0, diff_day: 0, diff_week: 0, diff_month: 0, diff_year: 0,
          plus_90m: "2024-03-10T14:00:00", minus_half_second: "2024-03-10T12:29:59.5", plus_month: "2024-04-10T12:30:00", minus_n_days: "2024-03-11T12:30:00",
          day_plus: "2025-01-01", day_plus_n_weeks: "2024-12-24", day_minus_year: "2023-12-31",
        },
        {
          id: "d3", diff_second: -5097600, diff_minute: -84960, diff_hour: -1416, diff_day: -59, diff_week: -8, diff_month: -1, diff_year: -2,
          plus_90m: "2024-03-31T01:30:00", minus_half_second: "2024-03-30T23:59:59.5", plus_month: "2024-04-30T00:00:00", minus_n_days: "2024-03-31T00:00:00",
          day_plus: "2026-02-02", day_plus_n_weeks: "2026-02-01", day_minus_year: "2025-02-01",
        },
        {
          id: "d4", diff_second: -5183940, diff_minute: -86399, diff_hour: -1439, diff_day: -59, diff_week: -8, diff_month: -1, diff_year: 0,
          plus_90m: "2024-03-01T01:30:00", minus_half_second: "2024-02-29T23:59:59.5", plus_month: "2024-04-01T00:00:00", minus_n_days: "2024-03-01T00:00:00",
          day_plus: "2024-01-02", day_plus_n_weeks: "2024-01-01", day_minus_year: "2023-01-01",
        },
      ),
    },
  };
}

/** JSON_OBJECT of a whole row and of an error record (nested, NULL left out), JSON_STRING, and a declared built-in (REGEXP_EXTRACT). */
function json(tag: string): Family {
  const f = `json${tag}`;
  const Row = t.row({ id: t.string(), amount: t.decimal(10, 2), n: t.int(), note: t.string().nullable(), ok: t.boolean(), at: t.timestamp(3), day: t.date() });
  const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });
  const amount = tag === "v120" ? "12.5" : "12.50";
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" }).select((o) => ({
    id: o.id,
    row: jsonObject(o),
    error: jsonObject({ id: o.id, reason: "negative", detail: jsonObject({ amount: o.amount }), note: o.note }, { onNull: "absent" }),
    note_json: jsonString(o.note),
    n_json: jsonString(o.n),
    code: regexpExtract(o.id, "^([a-z]+)-", 1),
  }));
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { id: "ab-1", amount: 12.5, n: 3, note: null, ok: true, at: "2024-01-01T10:00:00", day: "2024-02-29" },
        { id: "xyz", amount: -0.05, n: -7, note: 'it\'s "q"', ok: false, at: "2024-01-01T10:00:00.123", day: "2024-01-01" },
      ],
    },
    outputs: {
      // Flink writes a JSON object's keys in alphabetical order, a TIMESTAMP as ISO-8601 text, and a DECIMAL read
      // from JSON with the column's scale on 2.2 but as it was read on 1.20 (the same number).
      [topicOf(f, "out")]: ordered(
        {
          id: "ab-1",
          row: `{"amount":${amount},"at":"2024-01-01T10:00:00","day":"2024-02-29","id":"ab-1","n":3,"note":null,"ok":true}`,
          error: `{"detail":{"amount":${amount}},"id":"ab-1","reason":"negative"}`,
          note_json: null,
          n_json: "3",
          code: "ab",
        },
        {
          id: "xyz",
          row: '{"amount":-0.05,"at":"2024-01-01T10:00:00.123","day":"2024-01-01","id":"xyz","n":-7,"note":"it\'s \\"q\\"","ok":false}',
          error: '{"detail":{"amount":-0.05},"id":"xyz","note":"it\'s \\"q\\"","reason":"negative"}',
          note_json: '"it\'s \\"q\\""',
          n_json: "-7",
          code: null,
        },
      ),
    },
  };
}

/**
 * STDDEV/VAR (population and sample), LISTAGG, ARRAY_AGG and aggregates over expressions in a tumbling
 * window. Group a's values make every result exact in binary floating point: x = 2, 2, 4, 6, 6 (sample
 * variance 4, deviation 2; population variance 3.2) and y = 1, 3, 4, 5, 7 (population deviation 2).
 * Group b has one row: its sample statistics are NULL (Flink alone would write -1 there).
 */
function statistics(tag: string): Family {
  const f = `stat${tag}`;
  const Row = t.row({ k: t.string(), x: t.double(), y: t.double(), n: t.int(), price: t.decimal(10, 2), s: t.string(), note: t.string().nullable(), ts: t.timestamp(3) });
  const out = source(`${f}_in`, { topic: topicOf(f, "in"), schema: Row, startFrom: "earliest" })
    .eventTime("ts")
    .watermark("1s")
    .tumble("1m")
    .groupBy("k")
    .aggregate((o) => ({
      sd_samp_x: stddevSamp("x"),
      var_samp_x: varSamp(o.x),
      var_pop_x: varPop("x"),
      sd_pop_y: stddevPop(o.y),
      sd_samp_n: stddevSamp("n"),
      var_pop_price: varPop("price"),
      revenue: sum(o.price.mul(o.n)),
      longest: max(o.s.length()),
      names: listagg("s", "; "),
      notes: listagg(o.note),
      ns: arrayAgg("n"),
      all_notes: arrayAgg("note"),
    }));
  const w = { window_start: at("10:00"), window_end: at("10:01"), window_time: at("10:00:59.999") };
  return {
    sinks: [out.toKafka(topicOf(f, "out"))],
    inputs: {
      [topicOf(f, "in")]: [
        { k: "a", x: 2, y: 1, n: 1, price: 1, s: "p", note: "u", ts: at("10:00:01") },
        { k: "a", x: 2, y: 3, n: 3, price: 3, s: "qq", note: null, ts: at("10:00:02") },
        { k: "b", x: 5, y: 5, n: 5, price: 2.5, s: "r", note: null, ts: at("10:00:03") },
        { k: "a", x: 4, y: 4, n: 4, price: 4, s: "sss", note: "v", ts: at("10:00:04") },
        { k: "a", x: 6, y: 5, n: 5, price: 5, s: "t", note: "w", ts: at("10:00:05") },
        { k: "a", x: 6, y: 7, n: 7, price: 7, s: "u", note: null, ts: at("10:00:06") },
      ],
    },
    outputs: {
      [topicOf(f, "out")]: unordered(
        {
          ...w, k: "a", sd_samp_x: 2, var_samp_x: 4, var_pop_x: 3.2, sd_pop_y: 2,
          // n = 1, 3, 4, 5, 7: sample deviation sqrt(5), typed INT by Flink as its argument is
          sd_samp_n: 2,
          var_pop_price: 4, revenue: 100, longest: 3, names: "p; qq; sss; t; u", notes: "u,v,w", ns: [1, 3, 4, 5, 7], all_notes: ["u", null, "v", "w", null],
        },
        {
          ...w, k: "b", sd_samp_x: null, var_samp_x: null, var_pop_x: 0, sd_pop_y: 0, sd_samp_n: null,
          var_pop_price: 0, revenue: 12.5, longest: 1, names: "r", notes: null, ns: [5], all_notes: [null],
        },
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
  ["hashing: MD5, SHA1, SHA256, SHA2", hashing],
  ["time arithmetic: TIMESTAMPDIFF, + / - INTERVAL, TIMESTAMPADD, on timestamps and dates", timeArithmetic],
  ["JSON: JSON_OBJECT (row, nested, ABSENT ON NULL), JSON_STRING, a declared REGEXP_EXTRACT", json],
] as const;
const STATEFUL = [
  ["aggregates in a tumbling window: COUNT(*), COUNT(col), COUNT(DISTINCT), SUM, AVG, MIN, MAX, FIRST_VALUE, LAST_VALUE", windowAggregates],
  ["statistics in a tumbling window: STDDEV_POP/SAMP, VAR_POP/SAMP, LISTAGG, ARRAY_AGG, aggregates over expressions", statistics],
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
