/**
 * STREAMT-E019 (finding D11 of the differential test): a filter reading a Top-N's rank other than
 * against a number, which Flink cannot plan as a Top-N; asserted whole, with the forms that stay allowed.
 */
import { describe, expect, it } from "vitest";
import { count, lit, pipeline, source, sum, t, when } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/rank-filter.test.ts";
const Sale = t.row({ k: t.string(), n: t.int(), m: t.int().nullable(), ts: t.timestamp(3) });
const sales = source("sales", { topic: "sales.v1", schema: Sale }).eventTime("ts").watermark("1s").idleTimeout("1m");
const analyse = (sink: unknown): Diagnostic[] => analysePlan({ version: 1, pipelines: [pipeline("p", { parallelism: 1 }).write(sink as never).definition] });

const MESSAGE = (filter: string, topN: string) =>
  `the condition of ${filter} reads the rank column 'row_num' of ${topN} other than by comparing it with a number: Flink merges the filter into the Top-N and then plans the ranking as an OVER aggregate, not a Top-N (Flink 1.20 refuses it, Flink 2.2 refuses it over an updating input or an order of several columns, and after a window Top-N it updates, which an append sink refuses)`;
const HINT = "compare the rank only with numbers, e.g. .filter((o) => o.row_num.le(2)) (or a smaller n); to test it against other columns, keep the test as a column (withColumns((o) => ({ ok: ... }))) and filter when reading the topic";

describe("STREAMT-E019: a filter reading a Top-N's rank other than against a number", () => {
  const totals = sales.groupBy("k").aggregate({ total: sum("n"), c: count() }, { ttl: "1d" });
  const top = totals.topN({ partitionBy: [], orderBy: [{ column: "total", direction: "asc" }, { column: "k", direction: "asc" }], n: 3, ttl: "1d" });

  it("the shape of seed 7's case c8: the rank in arithmetic, through a select; one finding at the filter's call", () => {
    const line = lineHere() + 1;
    const filtered = top.select("total", "row_num").filter((o) => o.total.sub(o.row_num).lt(o.row_num.cast(t.decimal(18, 4))));
    expect(analyse(filtered.toUpsertKafka("out", { key: ["row_num"] }))).toEqual([
      {
        code: "STREAMT-E019", severity: "error", pipeline: "p", path: "sales/aggregate/top-n/select/filter", site: { file: FILE, line, column: expect.any(Number) },
        message: MESSAGE("sales/aggregate/top-n/select/filter", "sales/aggregate/top-n"), hint: HINT,
      },
    ]);
  });

  it("compared with a column, through a computed copy of the rank, or after a window Top-N", () => {
    const codes = (s: unknown) => analyse(s).map((d) => `${d.code} ${d.path}`);
    expect(codes(top.filter((o) => o.row_num.lt(o.c)).toUpsertKafka("out", { key: ["row_num"] }))).toEqual(["STREAMT-E019 sales/aggregate/top-n/filter"]);
    expect(codes(top.withColumns((o) => ({ r: o.row_num.add(1) })).filter((o) => o.r.gt(2)).toUpsertKafka("out", { key: ["row_num"] }))).toEqual(["STREAMT-E019 sales/aggregate/top-n/with-columns/filter"]);
    const perWindow = sales.tumble("10s").topN({ partitionBy: ["k"], orderBy: [{ column: "n", direction: "asc" }], n: 3 });
    expect(codes(perWindow.filter((o) => o.n.gt(o.row_num).or(o.row_num.eq(1))).toKafka("out"))).toEqual(["STREAMT-E019 sales/tumble-top-n/filter"]);
  });

  it("the rank renamed by a select and read inside a CASE, in a branch's condition or its value", () => {
    const codes = (s: unknown) => analyse(s).map((d) => `${d.code} ${d.path}`);
    const renamed = top.select((o) => ({ k: o.k, c: o.c, r: o.row_num }));
    const inValue = renamed.filter((o) => when(o.k.eq("a"), o.r).otherwise(o.c).gt(1));
    expect(codes(inValue.toUpsertKafka("out", { key: ["r"] }))).toEqual(["STREAMT-E019 sales/aggregate/top-n/select/filter"]);
    const inCondition = renamed.filter((o) => when(o.r.gt(o.c), true).otherwise(false));
    expect(codes(inCondition.toUpsertKafka("out", { key: ["r"] }))).toEqual(["STREAMT-E019 sales/aggregate/top-n/select/filter"]);
    // A CASE that reads only other columns leaves the Top-N alone.
    expect(codes(renamed.filter((o) => when(o.k.eq("a"), o.c).otherwise(0).gt(1)).toUpsertKafka("out", { key: ["r"] }))).toEqual([]);
  });

  it("the rank compared with numbers, another column filtered, or the comparison kept as a column pass", () => {
    expect(analyse(top.filter((o) => o.row_num.le(2).and(o.total.gt(1))).filter((o) => o.row_num.between(1, 2)).toUpsertKafka("out", { key: ["row_num"] }))).toEqual([]);
    expect(analyse(top.filter((o) => o.row_num.eq(2)).withColumns((o) => ({ low: o.c.lt(o.row_num) })).toUpsertKafka("out", { key: ["row_num"] }))).toEqual([]);
  });
});

describe("STREAMT-E019: which readings of the rank are a range of ranks", () => {
  const totals = sales.groupBy("k").aggregate({ total: sum("n"), c: count() }, { ttl: "1d" });
  const top = totals.topN({ partitionBy: [], orderBy: [{ column: "total", direction: "asc" }, { column: "k", direction: "asc" }], n: 3, ttl: "1d" });
  // E019 only: rank = NULL also gets the constant-filter warning (W011).
  const codes = (filter: (o: any) => any) => analyse(top.filter(filter).toUpsertKafka("out", { key: ["row_num"] })).filter((d) => d.code === "STREAMT-E019").map((d) => `${d.code} ${d.path}`);
  const FOUND = ["STREAMT-E019 sales/aggregate/top-n/filter"];

  it("the rank compared with a number by each comparison, on either side, or between two numbers: no finding", () => {
    for (const ok of [(o: any) => o.row_num.lt(3), (o: any) => o.row_num.gt(0), (o: any) => o.row_num.ge(1), (o: any) => lit(2).ge(o.row_num), (o: any) => o.row_num.between(1, 2)]) expect(codes(ok)).toEqual([]);
  });

  it("one AND term reading it otherwise is enough; <>, NULL, a column (on either side) or a column bound are not ranges", () => {
    expect(codes((o) => o.row_num.le(2).and(o.row_num.lt(o.c)))).toEqual(FOUND);
    expect(codes((o) => o.row_num.ne(2))).toEqual(FOUND);
    expect(codes((o) => o.row_num.eq(null))).toEqual(FOUND);
    expect(codes((o) => o.c.gt(o.row_num))).toEqual(FOUND);
    expect(codes((o) => o.row_num.between(1, o.c))).toEqual(FOUND);
    expect(codes((o) => o.row_num.cast(t.boolean()))).toEqual(FOUND);
  });
});
