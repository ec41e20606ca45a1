/**
 * STREAMT-E017: a source that reads a topic another sink of the synth writes, declared by hand with
 * another format, key, column set or column type, is refused at the reader's source() call, one finding
 * per mismatch, naming the column and what to declare. A source made from the sink's handle matches.
 */
import { describe, expect, it } from "vitest";
import { count, lastValue, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { builder } from "../../packages/streamt-sdk/src/analysis/topic-schema-pass.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/topic-schema.test.ts";
const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").idleTimeout("1m");

const hourlyLine = lineHere() + 1;
const hourlyOut = orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") }).toKafka("orders.hourly.v1");
const totalsLine = lineHere() + 1;
const totalsOut = orders.groupBy("customer_id").aggregate({ total: sum("amount"), status: lastValue("status") }, { ttl: "1d" }).toUpsertKafka("customers.totals.v1", { key: ["customer_id"] });
const writer = pipeline("writer").write(hourlyOut, totalsOut);

const HOURLY = `source 'hourly' reads topic 'orders.hourly.v1', written by sink orders/tumble/orders.hourly.v1 in pipeline 'writer' (${FILE}:${hourlyLine})`;
const TOTALS = `source 'totals' reads topic 'customers.totals.v1', written by sink orders/aggregate/customers.totals.v1 in pipeline 'writer' (${FILE}:${totalsLine})`;
const orFrom = (name: string) => `; or read the topic through the writer's sink, which carries its schema: source('${name}', { from: <that sink> })`;

/** The findings of the writer's and a reader's pipelines, but the writer's own (an idle-source warning, none). */
function findings(reader: Pipeline): Diagnostic[] {
  return analysePlan({ version: 1, pipelines: [writer.definition, reader.definition] }).filter((d) => d.code === "STREAMT-E017");
}

const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });

describe("STREAMT-E017 a reader whose schema does not match the topic's writer", () => {
  it("a column not written, and one of another type", () => {
    const line = lineHere() + 1;
    const hourly = source("hourly", { topic: "orders.hourly.v1", schema: t.row({ customer_id: t.string(), revenue: t.string(), region: t.string().nullable() }) });
    expect(findings(pipeline("reader").write(hourly.toKafka("out.v1")))).toEqual([
      {
        code: "STREAMT-E017", severity: "error", pipeline: "reader", path: "hourly", site: at(line),
        message: `${HOURLY}: column 'region' is not written (the sink writes window_start, window_end, customer_id, window_time, orders, revenue)`,
        hint: `remove 'region' from the source's schema, or write it in the sink's pipeline${orFrom("hourly")}`,
      },
      {
        code: "STREAMT-E017", severity: "error", pipeline: "reader", path: "hourly", site: at(line),
        message: `${HOURLY}: column 'revenue' is STRING here and DECIMAL(38, 2) in the sink`,
        hint: `declare 'revenue' as t.decimal(38, 2)${orFrom("hourly")}`,
      },
    ]);
  });

  it("a NOT NULL read of a column the writer may write null", () => {
    const line = lineHere() + 1;
    const totals = source("totals", { topic: "customers.totals.v1", primaryKey: ["customer_id"], schema: t.row({ customer_id: t.string(), total: t.decimal(38, 2), status: t.string() }) });
    expect(findings(pipeline("reader").write(totals.toUpsertKafka("out.v1", { key: ["customer_id"] })))).toEqual([{
      code: "STREAMT-E017", severity: "error", pipeline: "reader", path: "totals", site: at(line),
      message: `${TOTALS}: column 'status' is NOT NULL here, but the sink may write null there: those records would be dropped as contract violations`,
      hint: `declare 'status' as t.string().nullable()${orFrom("totals")}`,
    }]);
  });

  it("an upsert topic read without its key, or with another", () => {
    const line = lineHere() + 1;
    const appendOnly = source("totals", { topic: "customers.totals.v1", schema: t.row({ customer_id: t.string(), total: t.decimal(38, 2) }) });
    expect(findings(pipeline("reader").write(appendOnly.toKafka("out.v1"))).map((d) => [d.site, d.message, d.hint])).toEqual([[
      at(line),
      `${TOTALS}: the sink writes a changelog keyed by 'customer_id' (upsert-kafka), the source reads it as append-only: every update would be a new row and deletes would be lost`,
      `give the source primaryKey: ['customer_id']${orFrom("totals")}`,
    ]]);
    const otherKey = source("totals", { topic: "customers.totals.v1", primaryKey: ["status"], schema: t.row({ customer_id: t.string(), status: t.string().nullable() }) });
    expect(findings(pipeline("reader").write(otherKey.toUpsertKafka("out.v1", { key: ["status"] }))).map((d) => d.message)).toEqual([
      `${TOTALS}: the sink's key is 'customer_id', the source's primaryKey is 'status'`,
    ]);
  });

  it("an append-only topic read as a keyed changelog", () => {
    const hourly = source("hourly", { topic: "orders.hourly.v1", primaryKey: ["customer_id"], schema: t.row({ customer_id: t.string(), orders: t.bigint() }) });
    expect(findings(pipeline("reader").write(hourly.toUpsertKafka("out.v1", { key: ["customer_id"] }))).map((d) => [d.message, d.hint])).toEqual([[
      `${HOURLY}: the sink writes append-only records without a key, the source reads a changelog keyed by 'customer_id'`,
      `remove primaryKey from the source${orFrom("hourly")}`,
    ]]);
  });

  it("another format: one finding, the columns not compared", () => {
    const line = lineHere() + 1;
    const hourly = source("hourly", { topic: "orders.hourly.v1", format: "csv", schema: t.row({ customer_id: t.int() }) });
    expect(findings(pipeline("reader").write(hourly.toKafka("out.v1"))).map((d) => [d.site, d.message, d.hint])).toEqual([[
      at(line),
      `${HOURLY}: the source reads format 'csv', the sink writes 'json'`,
      `give the source format: 'json'${orFrom("hourly")}`,
    ]]);
  });

  it("CSV is read by position: the columns must be the writer's, in order", () => {
    const csvOut = orders.select((o) => ({ order_id: o.order_id, amount: o.amount })).toKafka("orders.csv.v1", { format: "csv" });
    const w = pipeline("csv-writer").write(csvOut);
    const swapped = source("csv", { topic: "orders.csv.v1", format: "csv", schema: t.row({ amount: t.decimal(10, 2), order_id: t.string() }) });
    const ds = analysePlan({ version: 1, pipelines: [w.definition, pipeline("reader").write(swapped.toKafka("out.v1")).definition] }).filter((d) => d.code === "STREAMT-E017");
    expect(ds.map((d) => d.message.replace(/^.*\): /, ""))).toEqual(["CSV is read by position, and the source's columns (amount, order_id) are not the sink's (order_id, amount)"]);
    expect(ds[0]!.hint).toBe(`declare the sink's columns in its order: order_id, amount${orFrom("csv")}`);
  });

  it("no finding for a matching hand-declared reader (fewer columns, a NOT NULL column read as nullable), nor for a reader made from the handle", () => {
    const byHand = source("hourly", { topic: "orders.hourly.v1", schema: t.row({ customer_id: t.string(), revenue: t.decimal(38, 2).nullable(), window_time: t.timestamp(3) }) });
    expect(findings(pipeline("reader").write(byHand.toKafka("out.v1")))).toEqual([]);
    const hourly = source("hourly", { from: hourlyOut }).watermark("5s");
    const totals = source("totals", { from: totalsOut });
    expect(findings(pipeline("reader").write(hourly.toKafka("out.v1"), totals.toUpsertKafka("out2.v1", { key: ["customer_id"] })))).toEqual([]);
  });
});

describe("the t.* type a finding tells to declare", () => {
  it("renders every kind, nested and nullable", () => {
    expect(builder({ kind: "INT", nullable: false })).toBe("t.int()");
    expect(builder({ kind: "TIMESTAMP_LTZ", precision: 3, nullable: true })).toBe("t.timestampLtz(3).nullable()");
    expect(builder({ kind: "TIMESTAMP", precision: 6, nullable: false })).toBe("t.timestamp(6)");
    expect(builder({ kind: "ARRAY", element: { kind: "STRING", nullable: true }, nullable: false })).toBe("t.array(t.string().nullable())");
    expect(builder({ kind: "MAP", key: { kind: "STRING", nullable: false }, value: { kind: "DOUBLE", nullable: true }, nullable: true })).toBe("t.map(t.string(), t.double().nullable()).nullable()");
    expect(builder({ kind: "ROW", fields: [{ name: "a", type: { kind: "BOOLEAN", nullable: false } }, { name: "b-c", type: { kind: "BYTES", nullable: true } }], nullable: false }))
      .toBe('t.row({ a: t.boolean(), "b-c": t.bytes().nullable() })');
  });
});
