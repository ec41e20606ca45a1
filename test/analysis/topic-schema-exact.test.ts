/**
 * STREAMT-E017 message parts the other tests leave open: a key of several columns, CSV read by
 * position (the same order passes, a different split of the same letters does not), a writer without a
 * known call site, and field names in the `t.row` a hint declares.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t, type Pipeline } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { builder } from "../../packages/streamt-sdk/src/analysis/topic-schema-pass.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ab: t.string(), c: t.string() });
const orders = source("orders", { topic: "orders.v1", schema: Order });
const e017 = (...defs: (Pipeline | PipelineDef)[]): string[] =>
  analysePlan({ version: 1, pipelines: defs.map((d) => ("definition" in d ? d.definition : d)) }).filter((d) => d.code === "STREAMT-E017").map((d) => `${d.message} | ${d.hint}`);
const FROM = "; or read the topic through the writer's sink, which carries its schema: source('r', { from: <that sink> })";

describe("STREAMT-E017 message parts", () => {
  const counts = orders.groupBy("customer_id", "order_id").count({ ttl: "1d" });
  const keyed = pipeline("writer").write(counts.toUpsertKafka("counts.v1", { key: ["customer_id", "order_id"] }));

  it("a key of several columns, and a writer without a known call site", () => {
    const r = source("r", { topic: "counts.v1", primaryKey: ["customer_id"], schema: t.row({ customer_id: t.string(), order_id: t.string(), count: t.bigint() }) });
    const unsited: PipelineDef = { ...keyed.definition, sinks: [{ ...keyed.definition.sinks[0]!, site: null }] };
    expect(e017(unsited, pipeline("reader").write(r.toBlackhole()))).toEqual([
      "source 'r' reads topic 'counts.v1', written by sink orders/aggregate/counts.v1 in pipeline 'writer': the sink's key is 'customer_id', 'order_id', the source's primaryKey is 'customer_id'" +
        ` | give the source primaryKey: ['customer_id', 'order_id']${FROM}`,
    ]);
  });

  const csv = pipeline("writer").write(orders.select("ab", "c").toKafka("pairs.v1", { format: "csv" }));

  it("CSV in the writer's order passes; the same letters split into other columns do not", () => {
    const same = source("r", { topic: "pairs.v1", format: "csv", schema: t.row({ ab: t.string(), c: t.string() }) });
    expect(e017(csv, pipeline("reader").write(same.toBlackhole()))).toEqual([]);
    const split = source("r", { topic: "pairs.v1", format: "csv", schema: t.row({ a: t.string(), bc: t.string() }) });
    expect(e017(csv, pipeline("reader").write(split.toBlackhole())).map((m) => m.slice(m.indexOf(": ") + 2))).toEqual([
      `CSV is read by position, and the source's columns (a, bc) are not the sink's (ab, c) | declare the sink's columns in its order: ab, c${FROM}`,
    ]);
  });
});

describe("builder: the t.* type a hint declares", () => {
  it("names a row's fields as identifiers where they are, quoted where not", () => {
    const row = { kind: "ROW", nullable: false, fields: [
      { name: "city", type: { kind: "STRING", nullable: true } },
      { name: "_zip2", type: { kind: "INT", nullable: false } },
      { name: "zip code", type: { kind: "STRING", nullable: false } },
      { name: "2nd", type: { kind: "BOOLEAN", nullable: false } },
    ] } as const;
    expect(builder(row as never)).toBe('t.row({ city: t.string().nullable(), _zip2: t.int(), "zip code": t.string(), "2nd": t.boolean() })');
  });
});

describe("STREAMT-E017: JSON timestamps in one form, read in the other", () => {
  const ISO = { timestampFormat: "ISO-8601" } as const;
  const SQL = { timestampFormat: "SQL" } as const;
  it.each([
    ["a TIMESTAMP column", t.timestamp(3), SQL, ISO, true],
    ["a TIMESTAMP column read in the same form", t.timestamp(3), SQL, SQL, false],
    ["a MAP with TIMESTAMP values", t.map(t.string(), t.timestamp(3)), SQL, ISO, true],
    ["a MAP without timestamps", t.map(t.string(), t.int()), SQL, ISO, false],
    ["a ROW with a TIMESTAMP field beside another", t.row({ note: t.string(), at: t.timestamp(3) }), ISO, SQL, true],
    ["a ROW without timestamps", t.row({ note: t.string() }), ISO, SQL, false],
  ] as const)("%s", (_, type, written, read, reported) => {
    const In = t.row({ id: t.string(), v: type as never });
    const w = pipeline("writer").write(source("in", { topic: "in.v1", schema: In }).toKafka("x.v1", { json: written }));
    const declared = source("r", { topic: "x.v1", schema: t.row({ id: t.string(), v: (type as { nullable(): unknown }).nullable() as never }), json: read });
    const timestamps = e017(w, pipeline("reader").write(declared.toBlackhole())).filter((m) => m.includes("timestamps"));
    expect(timestamps).toEqual(reported
      ? [`source 'r' reads topic 'x.v1', written by sink in/x.v1 in pipeline 'writer' (${"test/analysis/topic-schema-exact.test.ts"}:${w.definition.sinks[0]!.site!.line}): the sink writes timestamps in the ${written.timestampFormat} form, the source reads them in the ${read.timestampFormat} form | give the source json: { timestampFormat: "${written.timestampFormat}" }${FROM}`]
      : []);
  });
});
