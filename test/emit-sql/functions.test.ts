/**
 * Issue 15's functions: hashes, time arithmetic, JSON construction, declared built-ins (fn), the
 * statistics aggregates and aggregates over expressions. Exact SQL for both Flink targets, the plan's
 * result types (the planner test test/flink/functions.test.ts checks them against Flink's), and the
 * refusals, each with its code and what to write instead.
 */
import { describe, expect, it } from "vitest";
import { arrayAgg, count, fn, jsonObject, jsonString, listagg, lit, max, pipeline, source, stddevSamp, sum, t, timestampDiff, varPop, when } from "streamt-sdk";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import { formatType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { refusal, scriptOf } from "../helpers.js";

const TARGETS = ["2.2", "1.20"] as const;

const Row = t.row({
  id: t.string(),
  note: t.string().nullable(),
  n: t.int(),
  maybe: t.int().nullable(),
  price: t.decimal(10, 2),
  ratio: t.double(),
  tags: t.array(t.string()),
  attrs: t.map(t.string(), t.string()),
  day: t.date(),
  at: t.timestamp(3),
  ltz: t.timestampLtz(3),
  ts: t.timestamp(3),
});
const rows = source("rows", { topic: "rows", schema: Row }).eventTime("ts").watermark("1s");

const nodeOf = (s: unknown): PlanNode => (s as { node: PlanNode }).node;
const schemaOf = (s: unknown): string[] => nodeOf(s).schema.map((c) => `${c.name} ${formatType(c.type)}`);

/** The statement that creates `name`, for a Flink target. */
function statement(s: { toPrint(): never } | any, name: string, target: string): string {
  const script = scriptOf(pipeline("p").write(s.toPrint()), target);
  const start = script.indexOf(`CREATE TEMPORARY VIEW \`${name}\` AS`);
  if (start < 0) throw new Error(`no view ${name} in:\n${script}`);
  return script.slice(start, script.indexOf(";\n", start) + 1);
}

describe.each(TARGETS)("scalar functions, Flink %s", (target) => {
  it("hashes a string, keeping its nullability", () => {
    const s = rows.select((o) => ({ a: o.id.md5(), b: o.note.sha1(), c: o.id.sha256(), d: o.id.sha2(224), e: o.note.sha2(512) }));
    expect(statement(s, "rows__select", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__select` AS\nSELECT MD5(`id`) AS `a`, SHA1(`note`) AS `b`, SHA256(`id`) AS `c`, SHA2(`id`, 224) AS `d`, SHA2(`note`, 512) AS `e`\nFROM `rows`;",
    );
    expect(schemaOf(s)).toEqual(["a STRING NOT NULL", "b STRING", "c STRING NOT NULL", "d STRING NOT NULL", "e STRING"]);
  });

  it("counts whole units between times; backward months and years counted forwards and negated", () => {
    const s = rows.select((o) => ({
      minutes: timestampDiff("MINUTE", o.at, o.ts),
      days: timestampDiff("DAY", o.day, o.at),
      months: timestampDiff("MONTH", o.at, o.ts),
      years: timestampDiff("YEAR", o.ltz, o.ltz),
      date_years: timestampDiff("YEAR", o.day, o.at),
    }));
    expect(statement(s, "rows__select", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__select` AS\nSELECT TIMESTAMPDIFF(MINUTE, `at`, `ts`) AS `minutes`, TIMESTAMPDIFF(DAY, `day`, `at`) AS `days`, " +
        "CASE WHEN `ts` >= `at` THEN TIMESTAMPDIFF(MONTH, `at`, `ts`) ELSE - TIMESTAMPDIFF(MONTH, `ts`, `at`) END AS `months`, " +
        "CASE WHEN `ltz` >= `ltz` THEN TIMESTAMPDIFF(YEAR, `ltz`, `ltz`) ELSE - TIMESTAMPDIFF(YEAR, `ltz`, `ltz`) END AS `years`, " +
        "CASE WHEN `at` >= CAST(`day` AS TIMESTAMP(0)) THEN TIMESTAMPDIFF(YEAR, `day`, `at`) ELSE - TIMESTAMPDIFF(YEAR, `at`, `day`) END AS `date_years`\nFROM `rows`;",
    );
    expect(schemaOf(s)).toEqual(["minutes INT NOT NULL", "days INT NOT NULL", "months INT NOT NULL", "years INT NOT NULL", "date_years INT NOT NULL"]);
  });

  it("moves times by durations and by calendar units; the rowtime's copy is a plain timestamp", () => {
    const s = rows.select((o) => ({
      later: o.ts.plus("90m"),
      earlier: o.at.minus("0.5s"),
      ltz: o.ltz.plus("1d"),
      tomorrow: o.day.plus("1d"),
      months: o.at.plus(3, "MONTH"),
      back: o.at.minus(7, "DAY"),
      by_col: o.day.minus(o.maybe, "WEEK"),
      years: o.ltz.plus(o.n, "YEAR"),
    }));
    expect(statement(s, "rows__select", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__select` AS\nSELECT CAST((`ts` + INTERVAL '90' MINUTE) AS TIMESTAMP(3)) AS `later`, (`at` - INTERVAL '0.5' SECOND) AS `earlier`, " +
        "(`ltz` + INTERVAL '1' DAY) AS `ltz`, (`day` + INTERVAL '1' DAY) AS `tomorrow`, TIMESTAMPADD(MONTH, 3, `at`) AS `months`, TIMESTAMPADD(DAY, -7, `at`) AS `back`, " +
        "TIMESTAMPADD(WEEK, (- `maybe`), `day`) AS `by_col`, TIMESTAMPADD(YEAR, `n`, `ltz`) AS `years`\nFROM `rows`;",
    );
    expect(schemaOf(s)).toEqual([
      "later TIMESTAMP(3) NOT NULL",
      "earlier TIMESTAMP(3) NOT NULL",
      "ltz TIMESTAMP_LTZ(3) NOT NULL",
      "tomorrow DATE NOT NULL",
      "months TIMESTAMP(3) NOT NULL",
      "back TIMESTAMP(3) NOT NULL",
      "by_col DATE",
      "years TIMESTAMP_LTZ(3) NOT NULL",
    ]);
    expect(nodeOf(s).schema.find((c) => c.name === "later")?.time).toBeUndefined();
  });

  it("builds JSON objects: a whole row (a DATE as its text), nested, NULLs left out, keys quoted", () => {
    const s = rows.select(({ attrs, tags, ...o }) => ({
      row: jsonObject(o),
      error: jsonObject({ "it's": o.id, reason: "bad", n: 1, ok: true, none: null, inner: jsonObject({ tags }) }, { onNull: "absent" }),
      note: jsonString(o.note),
      day: jsonString(o.day),
    }));
    expect(statement(s, "rows__select", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__select` AS\nSELECT JSON_OBJECT(KEY 'id' VALUE `id`, KEY 'note' VALUE `note`, KEY 'n' VALUE `n`, KEY 'maybe' VALUE `maybe`, KEY 'price' VALUE `price`, " +
        "KEY 'ratio' VALUE `ratio`, KEY 'day' VALUE CAST(`day` AS STRING), KEY 'at' VALUE `at`, KEY 'ltz' VALUE `ltz`, KEY 'ts' VALUE `ts`) AS `row`, " +
        "JSON_OBJECT(KEY 'it''s' VALUE `id`, KEY 'reason' VALUE 'bad', KEY 'n' VALUE 1, KEY 'ok' VALUE TRUE, KEY 'none' VALUE CAST(NULL AS STRING), " +
        "KEY 'inner' VALUE JSON_OBJECT(KEY 'tags' VALUE `tags`) ABSENT ON NULL) AS `error`, JSON_STRING(`note`) AS `note`, JSON_STRING(CAST(`day` AS STRING)) AS `day`\nFROM `rows`;",
    );
    expect(schemaOf(s)).toEqual(["row STRING NOT NULL", "error STRING NOT NULL", "note STRING", "day STRING NOT NULL"]);
  });

  it("calls a declared built-in by its name, nullable when declared so or fed a nullable argument", () => {
    const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });
    const power = fn("POWER", { args: [t.double(), t.double()], returns: t.double() });
    const now = fn("NOW", { args: [], returns: t.timestampLtz(3) });
    const s = rows.select((o) => ({ code: regexpExtract(o.id, "^([a-z]+)-", 1), sq: power(o.ratio, 2), sq_maybe: power(o.maybe, o.n), at: now() }));
    expect(statement(s, "rows__select", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__select` AS\nSELECT REGEXP_EXTRACT(`id`, '^([a-z]+)-', 1) AS `code`, POWER(`ratio`, CAST(2 AS DOUBLE)) AS `sq`, POWER(`maybe`, `n`) AS `sq_maybe`, NOW() AS `at`\nFROM `rows`;",
    );
    expect(schemaOf(s)).toEqual(["code STRING", "sq DOUBLE NOT NULL", "sq_maybe DOUBLE", "at TIMESTAMP_LTZ(3) NOT NULL"]);
  });
});

describe.each(TARGETS)("aggregates over expressions and the statistics, Flink %s", (target) => {
  it("aggregate((o) => ...) aggregates expressions of the row, typed as Flink types them", () => {
    const s = rows
      .tumble("1m")
      .groupBy("id")
      .aggregate((o) => ({
        revenue: sum(o.price.mul(o.n)),
        n: count(),
        notes: count(o.note.upper()),
        longest: max(o.note.length()),
        sd: stddevSamp(o.ratio.mul(2)),
        v: varPop("price"),
        names: listagg(o.note.lower(), "; "),
        days: arrayAgg(o.day),
        paid: sum(when(o.n.gt(0), o.price).otherwise(0)),
      }));
    expect(statement(s, "rows__tumble", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__tumble` AS\nSELECT `window_start`, `window_end`, `id`, `window_time`, SUM((`price` * `n`)) AS `revenue`, COUNT(*) AS `n`, COUNT(UPPER(`note`)) AS `notes`, " +
        "MAX(CHAR_LENGTH(`note`)) AS `longest`, CASE WHEN COUNT((`ratio` * CAST(2 AS DOUBLE))) > 1 THEN STDDEV_SAMP((`ratio` * CAST(2 AS DOUBLE))) END AS `sd`, VAR_POP(`price`) AS `v`, " +
        "LISTAGG(LOWER(`note`), '; ') AS `names`, ARRAY_AGG(`day`) AS `days`, SUM(CASE WHEN (`n` > 0) THEN `price` ELSE 0 END) AS `paid`\n" +
        "FROM TABLE(TUMBLE(TABLE `rows`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\nGROUP BY `window_start`, `window_end`, `window_time`, `id`;",
    );
    expect(schemaOf(s).slice(4)).toEqual([
      "revenue DECIMAL(38, 2) NOT NULL",
      "n BIGINT NOT NULL",
      "notes BIGINT NOT NULL",
      "longest INT",
      "sd DOUBLE",
      "v DECIMAL(38, 6) NOT NULL",
      "names STRING",
      "days ARRAY<DATE NOT NULL> NOT NULL",
      "paid DECIMAL(38, 2) NOT NULL",
    ]);
  });

  it("a non-windowed group by takes the callback too, with its STATE_TTL hint", () => {
    const s = rows.groupBy("id").aggregate((o) => ({ total: sum(o.price.mul(o.n)) }), { ttl: "1d" });
    expect(statement(s, "rows__aggregate", target)).toBe(
      "CREATE TEMPORARY VIEW `rows__aggregate` AS\nSELECT /*+ STATE_TTL('rows' = '1 d') */ `id`, SUM((`price` * `n`)) AS `total`\nFROM `rows`\nGROUP BY `id`;",
    );
  });
});

describe("refusals", () => {
  it("a DATE moves by whole days, and by days, weeks, months or years", () => {
    const half = refusal(() => rows.select((o) => ({ x: o.day.plus("12h") })));
    expect(half.code).toBe("STREAMT-B002");
    expect(half.message).toBe("plus(\"12h\") of 'day' (DATE NOT NULL): a DATE has no time of day, so only whole days move it");
    expect(half.hint).toBe('write whole days, e.g. plus("1d"), or move a timestamp: .cast(t.timestamp(3)).plus("12h")');
    const hours = refusal(() => rows.select((o) => ({ x: o.day.minus(3, "HOUR") })));
    expect([hours.code, hours.message]).toEqual(["STREAMT-B002", "minus(_, \"HOUR\") of 'day' (DATE NOT NULL): a DATE moves by DAY, WEEK, MONTH, YEAR"]);
  });

  it("calendar units need a whole number, and a known unit", () => {
    expect(refusal(() => rows.select((o) => ({ x: o.at.plus(1.5, "DAY") }))).message).toBe('plus(amount, "DAY") needs a whole number of units, got DECIMAL(2, 1) NOT NULL');
    expect(refusal(() => rows.select((o) => ({ x: o.at.plus(o.ratio as never, "DAY") }))).message).toBe("plus(amount, \"DAY\") needs a whole number of units, got 'ratio' (DOUBLE NOT NULL)");
    expect(refusal(() => rows.select((o) => ({ x: o.at.plus(1, "FORTNIGHT" as never) }))).message).toBe("unknown time unit 'FORTNIGHT'");
  });

  it("timestampDiff() refuses an instant against a wall-clock time (the session's time zone would decide)", () => {
    const r = refusal(() => rows.select((o) => ({ x: timestampDiff("HOUR", o.ltz, o.at) })));
    expect(r.code).toBe("STREAMT-B002");
    expect(r.message).toBe("timestampDiff() of 'ltz' (TIMESTAMP_LTZ(3) NOT NULL) and 'at' (TIMESTAMP(3) NOT NULL): a TIMESTAMP_LTZ (an instant) and a wall-clock time differ by the session's time zone");
    expect(refusal(() => rows.select((o) => ({ x: timestampDiff("HOUR", o.n as never, o.at) }))).message).toBe("timestampDiff() takes TIMESTAMP, TIMESTAMP_LTZ or DATE values, got 'n' (INT NOT NULL)");
  });

  it("JSON values: a MAP is refused, SHA-2 has four sizes", () => {
    const r = refusal(() => rows.select((o) => ({ x: jsonObject({ attrs: o.attrs as never }) })));
    expect([r.code, r.message, r.hint]).toEqual(["STREAMT-B002", "jsonObject() key 'attrs': 'attrs' (MAP<STRING, STRING> NOT NULL) cannot be written as a JSON value", "cast it to a STRING first, e.g. .cast(t.string()), or pick its fields"]);
    expect(refusal(() => rows.select((o) => ({ x: jsonObject({}) }))).message).toBe("jsonObject() needs at least one key");
    expect(refusal(() => rows.select((o) => ({ x: o.id.sha2(128 as never) }))).message).toBe("sha2(128): SHA-2 hashes have 224, 256, 384 or 512 bits");
  });

  it("fn() takes an identifier for a name, so the name cannot change the script", () => {
    for (const name of ["REGEXP_EXTRACT(x), DROP", "a b", "`x`", "", "1X", "X--"]) {
      const r = refusal(() => fn(name, { args: [], returns: t.string() }));
      expect([r.code, r.message]).toEqual(["STREAMT-B004", `fn(${JSON.stringify(name)}): a function name has letters, digits and '_' only, starting with a letter`]);
    }
  });

  it("a declared function checks its arguments against the declaration", () => {
    const left = fn("LEFT", { args: [t.string(), t.int()], returns: t.string() });
    expect(refusal(() => rows.select((o) => ({ x: (left as any)(o.id) }))).message).toBe("LEFT() is declared with 2 argument(s), called with 1");
    expect(refusal(() => rows.select((o) => ({ x: (left as any)(o.n, 1) }))).message).toBe("LEFT() argument 1 is declared STRING, got 'n' (INT NOT NULL)");
  });

  it("aggregates: a condition dropped in the callback, a string summed, a number listagg'ed", () => {
    // What a plain-JavaScript user can write (TypeScript refuses it): the && keeps only o.price.
    const windowed: any = rows.tumble("1m");
    const dropped = refusal(() => windowed.aggregate((o: any) => ({ x: sum(o.n.gt(1) && o.price) })));
    expect([dropped.code, dropped.message]).toEqual([
      "STREAMT-B009",
      "aggregate() builds a condition it does not return, so the condition would be silently dropped: JavaScript's &&, ||, ! and ?: do not combine expressions",
    ]);
    const grouped: any = rows.groupBy("id");
    const summed = refusal(() => grouped.aggregate((o: any) => ({ x: sum(o.note) }), { ttl: "1d" }));
    expect([summed.code, summed.message]).toEqual(["STREAMT-B006", "sum(the expression) needs a numeric value, but the expression is STRING"]);
    expect(refusal(() => grouped.aggregate({ x: listagg("n") }, { ttl: "1d" })).message).toBe("listagg('n') needs a STRING value, but 'n' is INT NOT NULL");
    expect(refusal(() => grouped.aggregate(() => 5, { ttl: "1d" })).message).toBe("aggregate() takes an object of aggregates, e.g. { n: count() }");
  });

  it("plain values the DSL turns into literals still work in expressions here", () => {
    const s = rows.select((o) => ({ x: jsonObject({ v: lit(0) }) }));
    expect(schemaOf(s)).toEqual(["x STRING NOT NULL"]);
  });
});
