/**
 * STREAMT-E020 (finding D12 of the differential test): a join on a key an earlier isNull() filter
 * makes NULL on every row, which matches nothing and which Flink's planner fails on; asserted whole.
 */
import { describe, expect, it } from "vitest";
import { lit, pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/null-join-key.test.ts";
const Ev = t.row({ k: t.string(), s: t.string().nullable(), n: t.int(), ts: t.timestamp(3) });
const events = source("events", { topic: "events.v1", schema: Ev }).eventTime("ts").watermark("5s").idleTimeout("1m");
const others = source("others", { topic: "others.v1", schema: Ev }).eventTime("ts").watermark("1s").idleTimeout("1m");
const versions = source("versions", { topic: "versions.v1", schema: Ev, primaryKey: ["k"] }).eventTime("ts").watermark("1s").idleTimeout("1m");
const analyse = (sink: unknown): Diagnostic[] => analysePlan({ version: 1, pipelines: [pipeline("p", { parallelism: 1 }).write(sink as never).definition] });
const codes = (sink: unknown) => analyse(sink).map((d) => `${d.code} ${d.path}`);
const select = (l: any, r: any) => ({ s: l.s, ts: l.ts, r_n: r.n });

describe("STREAMT-E020: a join on a key that is NULL on every row", () => {
  it("the shape of seed 31's case c36: a temporal join on s after isNull(s); one finding at the join's call", () => {
    const line = lineHere() + 1;
    const joined = events.filter((o) => o.s.isNull()).temporalJoin(versions, { on: { s: "k" }, select });
    expect(analyse(joined.toKafka("out"))).toEqual([
      {
        code: "STREAMT-E020", severity: "error", pipeline: "p", path: "events/filter/temporal-join", site: { file: FILE, line, column: expect.any(Number) },
        message: `events/filter/temporal-join joins on 's' of events/filter, which an earlier filter (isNull()) makes NULL on every row: the join matches no row (NULL equals nothing), and Flink's planner fails on the script ("Cannot add expression of different type to set")`,
        hint: "join on a column that has values: drop the isNull() filter before the join, or, to keep those rows, leave out the join (an inner join has none of them; a left join writes each with NULL for the other side)",
      },
    ]);
  });

  it("interval and regular joins, either side, through a select and an AND", () => {
    expect(codes(events.filter((o) => o.s.isNull().and(o.n.gt(1))).select("s", "n", "ts").intervalJoin(others, { on: { s: "k" }, between: ["0s", "5s"], select }).toKafka("out"))).toEqual(["STREAMT-E020 events/filter/select/interval-join"]);
    expect(codes(events.join(others.filter((o) => o.s.isNull()), { on: { k: "s" }, ttl: "1d", select }).toKafka("out"))).toEqual(["STREAMT-E020 events/join"]);
  });

  it("isNull() in an OR, isNotNull(), or a NULL test of another column pass", () => {
    expect(analyse(events.filter((o) => o.s.isNull().or(o.n.gt(1))).temporalJoin(versions, { on: { s: "k" }, select }).toKafka("out"))).toEqual([]);
    expect(analyse(events.filter((o) => o.s.isNotNull()).temporalJoin(versions, { on: { s: "k" }, select }).toKafka("out"))).toEqual([]);
    expect(analyse(events.filter((o) => o.s.isNull()).temporalJoin(versions, { on: { k: "k" }, select }).toKafka("out"))).toEqual([]);
  });
});

describe("STREAMT-E020: which joins, which sides, which columns", () => {
  const pair = (l: any, r: any) => ({ k: l.k, s: l.s, r_n: r.n });

  it("a window join; and with both sides' keys NULL the message names each", () => {
    expect(codes(events.filter((o) => o.s.isNull()).tumble("1m").join(others.tumble("1m"), { on: { s: "k" }, select: pair }).toKafka("out"))).toEqual(["STREAMT-E020 events/filter/tumble-join"]);
    const both = events.filter((o) => o.s.isNull()).join(others.filter((o) => o.s.isNull()), { on: { s: "s" }, ttl: "1d", select: pair });
    expect(analyse(both.toKafka("out")).map((d) => d.message.slice(0, d.message.indexOf(", which")))).toEqual(["events/filter/join joins on 's' of events/filter and 's' of others/filter"]);
    const right = events.join(others.filter((o) => o.s.isNull()), { on: { k: "s" }, ttl: "1d", select: pair });
    expect(analyse(right.toKafka("out")).map((d) => d.message.slice(0, d.message.indexOf(", which")))).toEqual(["events/join joins on 's' of others/filter"]);
  });

  it("a select passes on only the NULL columns it copies: another column, or a literal, is a key with values", () => {
    const picked = events.filter((o) => o.s.isNull()).select((o) => ({ s: o.s, k: o.k, tag: lit("x"), ts: o.ts }));
    expect(codes(picked.temporalJoin(versions, { on: { k: "k" }, select: pair }).toKafka("out"))).toEqual([]);
    expect(codes(picked.temporalJoin(versions, { on: { tag: "k" }, select: pair }).toKafka("out"))).toEqual([]);
    expect(codes(picked.temporalJoin(versions, { on: { s: "k" }, select: pair }).toKafka("out"))).toEqual(["STREAMT-E020 events/filter/select/temporal-join"]);
  });
});
