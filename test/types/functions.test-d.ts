/**
 * Issue 15's functions at the type level: each result's kind and nullability, and wrong arguments as
 * type errors (the same calls are refused at run time for plain JavaScript: test/emit-sql/functions.test.ts).
 */
import { describe, expectTypeOf, it } from "vitest";
import { arrayAgg, count, fn, jsonObject, jsonString, listagg, max, source, stddevPop, stddevSamp, sum, t, timestampDiff, varSamp, type Col } from "streamt-sdk";

const Row = t.row({
  id: t.string(),
  note: t.string().nullable(),
  n: t.int(),
  maybe: t.int().nullable(),
  price: t.decimal(10, 2),
  ratio: t.double(),
  attrs: t.map(t.string(), t.string()),
  day: t.date(),
  at: t.timestamp(3),
  ltz: t.timestampLtz(3),
  ts: t.timestamp(3),
});
const rows = source("rows", { topic: "rows", schema: Row }).eventTime("ts").watermark("1s");

describe("scalar functions", () => {
  it("type hashes, time arithmetic and JSON like Flink", () => {
    const s = rows.select((o) => ({
      md5: o.id.md5(),
      sha: o.note.sha2(256),
      minutes: timestampDiff("MINUTE", o.at, o.ts),
      maybe_days: timestampDiff("DAY", o.day, o.at),
      later: o.ts.plus("1h"),
      months: o.at.plus(o.maybe, "MONTH"),
      tomorrow: o.day.plus("1d"),
      json: jsonObject(o as never as { id: typeof o.id; n: typeof o.n }),
      row: jsonObject({ id: o.id, note: o.note, reason: "bad", n: 1, nested: jsonObject({ at: o.at }) }),
      note_json: jsonString(o.note),
    }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly md5: Col<"STRING", false, "none">;
      readonly sha: Col<"STRING", true, "none">;
      readonly minutes: Col<"INT", false, "none">;
      readonly maybe_days: Col<"INT", false, "none">;
      readonly later: Col<"TIMESTAMP", false, "none">;
      readonly months: Col<"TIMESTAMP", true, "none">;
      readonly tomorrow: Col<"DATE", false, "none">;
      readonly json: Col<"STRING", false, "none">;
      readonly row: Col<"STRING", false, "none">;
      readonly note_json: Col<"STRING", true, "none">;
    }>();
  });

  it("refuses wrong arguments", () => {
    rows.select((o) => ({
      // @ts-expect-error hashes are string methods
      a: o.n.md5(),
      // @ts-expect-error SHA-2 has 224, 256, 384 or 512 bits
      b: o.id.sha2(128),
      // @ts-expect-error timestampDiff takes times
      c: timestampDiff("DAY", o.n, o.at),
      // @ts-expect-error an unknown unit
      d: timestampDiff("FORTNIGHT", o.at, o.at),
      // @ts-expect-error a duration is a number with a unit
      e: o.at.plus("1 hour"),
      // @ts-expect-error an amount of units is an integer
      f: o.at.plus(o.ratio, "DAY"),
      // @ts-expect-error strings have no plus
      g: o.id.plus("1d"),
      // @ts-expect-error a MAP is no JSON value
      h: jsonObject({ attrs: o.attrs }),
      // @ts-expect-error jsonString takes an expression
      i: jsonString("x"),
    }));
  });

  it("declared functions check their arguments and type their result", () => {
    const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });
    const power = fn("POWER", { args: [t.double(), t.double()], returns: t.double() });
    const s = rows.select((o) => ({ code: regexpExtract(o.id, "a(.*)", 1), sq: power(o.ratio, 2), sq_maybe: power(o.maybe, o.n) }));
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly code: Col<"STRING", true, "none">;
      readonly sq: Col<"DOUBLE", false, "none">;
      readonly sq_maybe: Col<"DOUBLE", true, "none">;
    }>();
    rows.select((o) => ({
      // @ts-expect-error a number where a string is declared
      a: regexpExtract(o.n, "a(.*)", 1),
      // @ts-expect-error a string where an INT is declared
      b: regexpExtract(o.id, "a(.*)", "1"),
      // @ts-expect-error too few arguments
      c: regexpExtract(o.id, "a(.*)"),
    }));
  });
});

describe("aggregates", () => {
  it("aggregate((o) => ...) types expressions' aggregates like Flink", () => {
    const w = rows
      .tumble("1m")
      .groupBy("id")
      .aggregate((o) => ({
        revenue: sum(o.price.mul(o.n)),
        n: count(),
        sd: stddevSamp(o.ratio),
        sd_pop: stddevPop("n"),
        v: varSamp("price"),
        names: listagg(o.note.upper(), "; "),
        ids: arrayAgg("id"),
        longest: max(o.id.length()),
      }));
    expectTypeOf(w.__row!).toEqualTypeOf<{
      readonly window_start: Col<"TIMESTAMP", false, "none">;
      readonly window_end: Col<"TIMESTAMP", false, "none">;
      readonly window_time: Col<"TIMESTAMP", false, "rowtime">;
      readonly id: Col<"STRING", false, "none">;
      readonly revenue: Col<"DECIMAL", false, "none">;
      readonly n: Col<"BIGINT", false, "none">;
      readonly sd: Col<"DOUBLE", true, "none">;
      readonly sd_pop: Col<"INT", false, "none">;
      readonly v: Col<"DECIMAL", true, "none">;
      readonly names: Col<"STRING", true, "none">;
      readonly ids: Col<"ARRAY", false, "none">;
      readonly longest: Col<"INT", false, "none">;
    }>();
  });

  it("refuses a non-numeric value to the numeric aggregates and a non-string to listagg", () => {
    // @ts-expect-error sum of a string expression
    rows.tumble("1m").aggregate((o) => ({ x: sum(o.id.upper()) }));
    // @ts-expect-error stddev of a string column
    rows.tumble("1m").aggregate({ x: stddevPop("id") });
    // @ts-expect-error listagg of a number column
    rows.groupBy("id").aggregate({ x: listagg("n") }, { ttl: "1d" });
    // @ts-expect-error listagg of a number expression
    rows.groupBy("id").aggregate((o) => ({ x: listagg(o.n.add(1)) }), { ttl: "1d" });
    // @ts-expect-error an unknown column in the callback form
    rows.tumble("1m").aggregate(() => ({ x: varSamp("nope") }));
  });
});
