/**
 * The reference interpreter of the differential test (test/e2e/reference/interpret.ts) checked on
 * small cases worked out by hand: a wrong reference would hide wrong results, or invent them.
 */
import { describe, expect, it } from "vitest";
import { avg, coalesce, count, lit, max, min, pipeline, source, sum, t, when } from "streamt-sdk";
import * as D from "../e2e/reference/decimal.js";
import { interpretSink, valueKey, type Row, type SinkContents } from "../e2e/reference/interpret.js";
import { parseJsonText } from "../e2e/reference/json-text.js";

const Ev = t.row({ k: t.string(), n: t.int(), m: t.int().nullable(), d: t.decimal(10, 2), s: t.string().nullable(), ts: t.timestamp(3) });
const src = (name = "src", watermark: "5s" | "monotonous" = "5s") => source(name, { topic: `${name}.v1`, schema: Ev }).eventTime("ts").watermark(watermark);

/** Runs the reference on one sink; rows as `{col: text}` with valueKey's canonical texts, sorted. */
function run(sink: unknown, input: Record<string, readonly string[]>): { kind: SinkContents["kind"]; rows: Record<string, string>[] } {
  const p = pipeline("ref", { parallelism: 1 }).write(sink as never);
  const node = p.definition.sinks[0]!;
  const out = interpretSink(node, new Map(Object.entries(input)));
  const text = (r: Row) => Object.fromEntries(node.schema.map((c) => [c.name, valueKey(r[c.name]!, c.type)]));
  return { kind: out.kind, rows: out.rows.map(text).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
}

const rec = (fields: Record<string, unknown>) => JSON.stringify(fields);
const ev = (k: string, n: number, ts: string, more: Record<string, unknown> = {}) => rec({ k, n, d: 1.0, ts: `2024-03-15T${ts}`, ...more });

describe("decimals", () => {
  it("rounds HALF_UP away from zero, and a result too wide for its precision is NULL", () => {
    expect(D.toPlain(D.setScale(D.parseDec("2.345"), 2))).toBe("2.35");
    expect(D.toPlain(D.setScale(D.parseDec("-2.345"), 2))).toBe("-2.35");
    expect(D.toPlain(D.setScale(D.parseDec("2.344"), 2))).toBe("2.34");
    expect(D.fit(D.parseDec("123.45"), 4, 2)).toBeNull();
    expect(D.toPlain(D.fit(D.parseDec("99.994"), 4, 2)!)).toBe("99.99");
  });

  it("divides to 38 significant digits before the result scale, like MathContext(38, HALF_UP)", () => {
    expect(D.toPlain(D.fit(D.divide(D.parseDec("1"), D.parseDec("3")), 38, 6)!)).toBe("0.333333");
    expect(D.toPlain(D.fit(D.divide(D.parseDec("2"), D.parseDec("3")), 38, 6)!)).toBe("0.666667");
    expect(D.toPlain(D.fit(D.divide(D.parseDec("-5.00"), D.parseDec("8")), 38, 2)!)).toBe("-0.63");
    expect(D.precisionOf(D.divide(D.parseDec("1"), D.parseDec("7")))).toBe(38);
    expect(D.canonical(D.divide(D.parseDec("0.0001"), D.parseDec("3")))).toBe(`0.0000${"3".repeat(38)}`);
  });

  it("parses exponents and compares by value", () => {
    expect(D.canonical(D.parseDec("1.2300E+2"))).toBe("123");
    expect(D.canonical(D.parseDec("1E-7"))).toBe("0.0000001");
    expect(D.cmp(D.parseDec("1.50"), D.parseDec("1.5"))).toBe(0);
    expect(D.toPlain(D.remainder(D.parseDec("-7.5"), D.parseDec("2")))).toBe("-1.5");
  });

  it("keeps number texts when parsing JSON", () => {
    expect(parseJsonText('{"a":12.30,"b":[1,"x",null,true],"c":{}}')).toEqual({ a: { num: "12.30" }, b: [{ num: "1" }, "x", null, true], c: {} });
  });
});

describe("the reference interpreter", () => {
  it("drops records with null in a NOT NULL column before any step; a filter keeps only TRUE (NULL compares as unknown)", () => {
    const out = run(src().filter((o) => o.m.gt(1).or(o.m.isNull().and(o.n.eq(2)))).toKafka("out"), {
      "src.v1": [
        ev("a", 1, "10:00:00", { m: 5 }),
        ev("b", 1, "10:00:01", { m: null }), // m > 1 is NULL, NULL OR FALSE is NULL: dropped
        ev("c", 2, "10:00:02"), // m missing: NULL OR TRUE
        rec({ k: null, n: 2, d: 1, ts: "2024-03-15T10:00:03" }), // breaks the contract
        rec({ k: "e", d: 1, ts: "2024-03-15T10:00:04" }), // n missing: breaks it too
      ],
    });
    expect(out.rows.map((r) => r.k)).toEqual(['"a"', '"c"']);
  });

  it("NOT IN with a NULL operand is NULL; CASE takes the first TRUE branch and NULL without ELSE", () => {
    const out = run(
      src()
        .filter((o) => o.m.notIn(1, 2).not().isNull().not())
        .withColumns((o) => ({ size: when(o.m.gt(5), "big").when(o.m.gt(1), "mid").end() }))
        .select("k", "size")
        .toKafka("out"),
      { "src.v1": [ev("a", 1, "10:00:00", { m: 7 }), ev("b", 1, "10:00:01", { m: 2 }), ev("c", 1, "10:00:02", { m: 1 }), ev("d", 1, "10:00:03")] },
    );
    expect(out.rows).toEqual([{ k: '"a"', size: '"big"' }, { k: '"b"', size: '"mid"' }, { k: '"c"', size: "null" }]);
  });

  it("DECIMAL arithmetic is exact and rounded to the result type; INT arithmetic overflows like Java's", () => {
    const out = run(
      src().select((o) => ({ k: o.k, third: o.d.div(3), prod: o.d.mul(o.d), big: o.n.add(2147483647), q: o.n.div(-4), r: o.n.mod(-4) })).toKafka("out"),
      { "src.v1": [rec({ k: "a", n: 7, d: 2.5, ts: "2024-03-15T10:00:00" })] },
    );
    // DECIMAL(10, 2) / INT is DECIMAL(21, 13).
    expect(out.rows).toEqual([{ k: '"a"', third: "0.8333333333333", prod: "6.25", big: "-2147483642", q: "-1", r: "3" }]);
  });

  it("a tumbling window fires once the watermark (max event time - delay) reaches its end - 1", () => {
    const sink = src("w", "5s").tumble("10s").groupBy("k").aggregate({ c: count(), s: sum("d"), a: avg("d"), lo: min("n"), hi: max("n") }).toKafka("out");
    const out = run(sink, {
      "w.v1": [
        rec({ k: "a", n: 1, d: 1.0, ts: "2024-03-15T10:00:00" }),
        rec({ k: "a", n: 5, d: 2.0, ts: "2024-03-15T10:00:09.999" }),
        rec({ k: "a", n: 3, d: 2.0, ts: "2024-03-15T10:00:10" }),
        // Watermark 10:00:19.999 - 5 s = 10:00:14.999: [10:00:00, 10:00:10) fires, [10:00:10, 10:00:20) does not.
        rec({ k: "b", n: 0, d: 0, ts: "2024-03-15T10:00:19.999" }),
      ],
    });
    expect(out.rows).toEqual([
      { window_start: "2024-03-15T10:00:00.000", window_end: "2024-03-15T10:00:10.000", k: '"a"', window_time: "2024-03-15T10:00:09.999", c: "2", s: "3", a: "1.5", lo: "1", hi: "5" },
    ]);
  });

  it("AVG of DECIMAL rounds HALF_UP to max(6, scale); AVG of INT truncates", () => {
    const sink = src().groupBy("k").aggregate({ a: avg("d"), i: avg("n") }, { ttl: "1d" }).toUpsertKafka("out", { key: ["k"] });
    const out = run(sink, { "src.v1": [ev("a", 1, "10:00:00", { d: 1.0 }), ev("a", 2, "10:00:01", { d: 2.0 }), ev("a", -2, "10:00:02", { d: 2.0 })] });
    expect(out).toEqual({ kind: "upsert", rows: [{ k: '"a"', a: "1.666667", i: "0" }] });
  });

  it("a union converts each side to the common column type", () => {
    const a = src("ua").select((o) => ({ k: o.k, v: o.n, ts: o.ts }));
    const b = src("ub").select((o) => ({ k: o.k, v: o.d, ts: o.ts }));
    const out = run((a as any).union(b).select((o: any) => ({ k: o.k, v: o.v, half: o.v.div(lit(2)) })).toKafka("out"), {
      "ua.v1": [ev("a", 3, "10:00:00")],
      "ub.v1": [ev("b", 0, "10:00:00", { d: 1.25 })],
    });
    expect(out.rows).toEqual([{ k: '"a"', v: "3", half: "1.5" }, { k: '"b"', v: "1.25", half: "0.625" }]);
  });
});

describe("windows and joins of the reference interpreter", () => {
  const at = (time: string) => `2024-03-15T${time}.000`;
  const flush = rec({ k: "zz", n: 0, d: 0, ts: "2024-03-15T12:00:00" });

  it("hop windows hold a row in size / slide windows; cumulate windows grow by step from the max-size boundary", () => {
    const input = { "w.v1": [ev("a", 1, "10:00:05"), ev("a", 2, "10:00:12"), flush] };
    const hop = run(src("w").hop("20s", "10s").aggregate({ c: count() }).select((o) => ({ s: o.window_start, c: o.c })).toKafka("out"), input);
    // 10:00:05 is in [09:59:50, 10:00:10) and [10:00:00, 10:00:20); 10:00:12 in [10:00:00, 10:00:20) and [10:00:10, 10:00:30).
    expect(hop.rows).toEqual([{ s: "2024-03-15T09:59:50.000", c: "1" }, { s: at("10:00:00"), c: "2" }, { s: at("10:00:10"), c: "1" }]);
    const cum = run(src("w").cumulate("10s", "30s").aggregate({ c: count() }).select((o) => ({ e: o.window_end, c: o.c })).toKafka("out"), input);
    expect(cum.rows).toEqual([{ e: at("10:00:10"), c: "1" }, { e: at("10:00:20"), c: "2" }, { e: at("10:00:30"), c: "2" }]);
  });

  it("a session per key takes in a row exactly one gap after its last row", () => {
    const out = run(src("w").session("10s").groupBy("k").aggregate({ c: count() }).select((o) => ({ k: o.k, s: o.window_start, e: o.window_end, c: o.c })).toKafka("out"), {
      "w.v1": [ev("a", 1, "10:00:00"), ev("b", 1, "10:00:03"), ev("a", 1, "10:00:10"), ev("a", 1, "10:00:20.001"), flush],
    });
    expect(out.rows).toEqual([
      { k: '"a"', s: at("10:00:00"), e: at("10:00:20"), c: "2" },
      { k: '"a"', s: "2024-03-15T10:00:20.001", e: "2024-03-15T10:00:30.001", c: "1" },
      { k: '"b"', s: at("10:00:03"), e: at("10:00:13"), c: "1" },
    ]);
  });

  it("a left interval join pads a left row without a partner in its bounds, but not the flush event the watermark never passes", () => {
    const sink = src("l")
      .intervalJoin(src("r"), { on: { k: "k" }, between: ["0s", "5s"], type: "left", select: (l, r) => ({ k: l.k, ln: l.n, rn: r.n }) })
      .toKafka("out");
    const out = run(sink, { "l.v1": [ev("a", 1, "10:00:00"), ev("b", 2, "10:00:00"), flush], "r.v1": [ev("a", 10, "10:00:05"), ev("a", 11, "10:00:05.001"), ev("b", 12, "09:59:59.999"), flush] });
    expect(out.rows).toEqual([{ k: '"a"', ln: "1", rn: "10" }, { k: '"b"', ln: "2", rn: "null" }, { k: '"zz"', ln: "0", rn: "0" }]);
  });

  it("a full window join pads per closed window, NULL in the missing side's window columns too", () => {
    const sink = (src("l").tumble("10s") as any)
      .join(src("r").tumble("10s"), { on: { k: "k" }, type: "full", select: (a: any, b: any) => ({ ws: a.window_start, lk: a.k, rk: b.k, re: b.window_end }) })
      .toKafka("out");
    const out = run(sink, { "l.v1": [ev("a", 1, "10:00:01"), flush], "r.v1": [ev("b", 1, "10:00:02"), ev("a", 1, "10:00:12"), flush] });
    expect(out.rows).toEqual([
      { ws: at("10:00:00"), lk: '"a"', rk: "null", re: "null" },
      { ws: "null", lk: "null", rk: '"a"', re: at("10:00:20") },
      { ws: "null", lk: "null", rk: '"b"', re: at("10:00:10") },
    ]);
  });

  it("a full join of two grouped tables is the join of their final tables; a NULL key matches nothing", () => {
    const l = src("l").groupBy("k").aggregate({ c: count() }, { ttl: "1d" });
    const r = src("r").groupBy("k").aggregate({ m: max("m") }, { ttl: "1d" });
    const sink = (l as any).join(r, { on: { k: "k" }, type: "full", ttl: "1d", select: (a: any, b: any) => ({ key: coalesce(a.k, b.k), c: a.c, m: b.m }) }).toUpsertKafka("out", { key: ["key"] });
    const out = run(sink, { "l.v1": [ev("a", 1, "10:00:00"), ev("a", 1, "10:00:01"), ev("b", 1, "10:00:02")], "r.v1": [ev("a", 1, "10:00:00", { m: 4 }), ev("c", 1, "10:00:00")] });
    expect(out).toEqual({ kind: "upsert", rows: [{ key: '"a"', c: "2", m: "4" }, { key: '"b"', c: "1", m: "null" }, { key: '"c"', c: "null", m: "null" }] });
  });
});

describe("deduplication, Top-N and temporal joins of the reference interpreter", () => {
  const at = (time: string) => `2024-03-15T${time}.000`;
  const flush = rec({ k: "zz", n: 0, d: 0, ts: "2024-03-15T12:00:00" });

  it("keep first takes the earliest event time per key (of two at the same time, the first to arrive); keep last the latest (the last to arrive)", () => {
    const input = { "s.v1": [ev("a", 1, "10:00:05"), ev("a", 2, "10:00:01"), ev("a", 3, "10:00:01"), ev("a", 4, "10:00:09"), ev("a", 5, "10:00:09"), ev("b", 6, "10:00:03")] };
    const pick = (keep: "first" | "last") => run(src("s").deduplicate({ key: ["k"], keep, ttl: "1d" }).select("k", "n").toUpsertKafka("out", { key: ["k"] }), input);
    expect(pick("first")).toEqual({ kind: "upsert", rows: [{ k: '"a"', n: "2" }, { k: '"b"', n: "6" }] });
    expect(pick("last")).toEqual({ kind: "upsert", rows: [{ k: '"a"', n: "5" }, { k: '"b"', n: "6" }] });
  });

  it("a keep-first row by event time is written once the watermark passes it (finding D13); keep last on arrival", () => {
    const input = { "s.v1": [ev("a", 1, "10:00:05"), ev("a", 2, "10:00:01"), ev("b", 3, "10:00:09")] };
    // The watermark ends at 10:00:04 (10:00:09 - 5 s): b's row is not written yet by keep first.
    const rows = (keep: "first" | "last") => run(src("s").deduplicate({ key: ["k"], keep, ttl: "1d" }).select("k", "n").toUpsertKafka("out", { key: ["k"] }), input).rows;
    expect(rows("first")).toEqual([{ k: '"a"', n: "2" }]);
    expect(rows("last")).toEqual([{ k: '"a"', n: "1" }, { k: '"b"', n: "3" }]);
  });

  it("by processing time, keep first is the first row per key to arrive (append), keep last the last (upsert)", () => {
    const input = { "p.v1": [ev("a", 1, "10:00:05"), ev("b", 2, "10:00:01"), ev("a", 3, "10:00:01")] };
    const clicks = () => source("p", { topic: "p.v1", schema: Ev }).processingTime("pt");
    expect(run(clicks().deduplicate({ key: ["k"], keep: "first", ttl: "1d" }).select("k", "n").toKafka("out"), input)).toEqual({ kind: "append", rows: [{ k: '"a"', n: "1" }, { k: '"b"', n: "2" }] });
    expect(run(clicks().deduplicate({ key: ["k"], keep: "last", ttl: "1d" }).select("k", "n").toUpsertKafka("out", { key: ["k"] }), input)).toEqual({ kind: "upsert", rows: [{ k: '"a"', n: "3" }, { k: '"b"', n: "2" }] });
  });

  it("a window deduplication keeps one row per key in each window the watermark closed", () => {
    const input = { "s.v1": [ev("a", 1, "10:00:05"), ev("a", 2, "10:00:02"), ev("a", 3, "10:00:12"), ev("b", 4, "10:00:08"), flush] };
    const out = run(src("s").tumble("10s").deduplicate({ key: ["k"], keep: "first" }).select((o) => ({ k: o.k, n: o.n, e: o.window_end })).toKafka("out"), input);
    // The flush event's window [12:00:00, 12:00:10) is not closed: its watermark is 11:59:55.
    expect(out.rows).toEqual([{ k: '"a"', n: "2", e: at("10:00:10") }, { k: '"a"', n: "3", e: at("10:00:20") }, { k: '"b"', n: "4", e: at("10:00:10") }]);
  });

  it("Top-N ranks NULL lowest (first ascending, last descending) and ties by arrival; rows pushed out are gone", () => {
    const input = { "s.v1": [ev("a", 1, "10:00:00", { m: 5 }), ev("a", 2, "10:00:01", { m: null }), ev("a", 3, "10:00:02", { m: 5 }), ev("a", 4, "10:00:03", { m: 7 }), ev("b", 5, "10:00:04", { m: 1 })] };
    const top = (direction: "asc" | "desc") =>
      run(src("s").topN({ partitionBy: ["k"], orderBy: [{ column: "m", direction }], n: 2, ttl: "1d" }).select("k", "n", "row_num").toUpsertKafka("out", { key: ["k", "row_num"] }), input);
    expect(top("asc").rows).toEqual([{ k: '"a"', n: "1", row_num: "2" }, { k: '"a"', n: "2", row_num: "1" }, { k: '"b"', n: "5", row_num: "1" }]);
    expect(top("desc").rows).toEqual([{ k: '"a"', n: "1", row_num: "2" }, { k: '"a"', n: "4", row_num: "1" }, { k: '"b"', n: "5", row_num: "1" }]);
  });

  it("a window Top-N ranks within each closed window", () => {
    const input = { "s.v1": [ev("a", 1, "10:00:01"), ev("b", 9, "10:00:02"), ev("a", 4, "10:00:03"), ev("a", 8, "10:00:11"), flush] };
    const out = run(src("s").tumble("10s").topN({ partitionBy: [], orderBy: [{ column: "n", direction: "desc" }], n: 2 }).select((o) => ({ n: o.n, r: o.row_num, e: o.window_end })).toKafka("out"), input);
    expect(out.rows).toEqual([{ n: "4", r: "2", e: at("10:00:10") }, { n: "8", r: "1", e: at("10:00:20") }, { n: "9", r: "1", e: at("10:00:10") }]);
  });

  it("a temporal join meets the version of the key valid at the left row's time, once both watermarks pass the row", () => {
    const versions = source("v", { topic: "v.v1", schema: Ev, primaryKey: ["k"] }).eventTime("ts").watermark("monotonous");
    const sink = src("l", "monotonous")
      .temporalJoin(versions, { on: { k: "k" }, type: "left", select: (l, r) => ({ k: l.k, ln: l.n, rn: r.n }) })
      .toKafka("out");
    const out = run(sink, {
      "l.v1": [ev("a", 1, "10:00:04.999"), ev("a", 2, "10:00:05"), ev("a", 3, "10:00:20"), ev("b", 4, "10:00:06"), ev("a", 5, "10:00:31"), flush],
      // The versioned side's watermark ends at 10:00:30: the left row at 10:00:31 and the flush are not joined yet.
      "v.v1": [ev("a", 10, "10:00:05"), ev("b", 11, "10:00:07"), ev("a", 12, "10:00:10"), ev("a", 13, "10:00:30")],
    });
    expect(out.rows).toEqual([{ k: '"a"', ln: "1", rn: "null" }, { k: '"a"', ln: "2", rn: "10" }, { k: '"a"', ln: "3", rn: "12" }, { k: '"b"', ln: "4", rn: "null" }]);
  });
});

describe("findings D2 and D3 of the differential test, as the reference computes them now", () => {
  it("ROUND of a DECIMAL has the rounded scale, and a product of DECIMALs Flink's precision: the values Flink 2.2 wrote", () => {
    const out = run(
      src("dd").select((o) => ({ k: o.k, r: o.d.round(1).div(3), cube: o.d.mul(o.d).mul(o.d.div(7).cast(t.decimal(18, 4))) })).toKafka("out"),
      { "dd.v1": [rec({ k: "a", n: 1, d: 1.37, ts: "2024-03-15T10:00:00" })] },
    );
    expect(out.rows).toEqual([{ k: '"a"', r: "0.466666666667", cube: "0.367309" }]);
  });
});
