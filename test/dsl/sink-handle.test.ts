/**
 * A sink as a typed handle on its topic (issue 15): `source(name, { from: sink })` reads another
 * pipeline's output with the writer's columns, format and key, without re-declaring them. The SQL of the
 * reader's source, what it records of its upstream, and what it refuses.
 */
import { describe, expect, it } from "vitest";
import { count, lastValue, pipeline, source, sum, t } from "streamt-sdk";
import type { SourceNode } from "../../packages/streamt-sdk/src/ir/nodes/source-node.js";
import { lineHere, refusal, statementOf } from "../helpers.js";

/** The plan node of a source, as the pipeline that reads it sees it. */
const nodeOf = (s: { toBlackhole(): unknown }): SourceNode => (pipeline("n").write(s.toBlackhole() as never).definition.sinks[0]!.input as SourceNode);

const FILE = "test/dsl/sink-handle.test.ts";
const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").idleTimeout("1m");

const hourlyLine = lineHere() + 1;
const hourlyOut = orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") }).toKafka("orders.hourly.v1");
const totalsOut = orders
  .groupBy("customer_id")
  .aggregate({ total: sum("amount"), last_status: lastValue("status") }, { ttl: "1d" })
  .toUpsertKafka("customers.totals.v1", { key: ["customer_id"], format: "json" });
pipeline("writer").write(hourlyOut, totalsOut);

describe("source(name, { from: sink })", () => {
  it("reads an append-only topic with the writer's columns and format; watermark() uses the writer's event-time column", () => {
    const line = lineHere() + 1;
    const hourly = source("hourly", { from: hourlyOut, startFrom: "earliest" }).watermark("10s");
    const p = pipeline("reader").write(hourly.filter((r) => r.revenue.gt(100)).toKafka("orders.hourly.big.v1"));
    expect(statementOf(p, "hourly__raw")).toBe(`CREATE TEMPORARY TABLE \`hourly__raw\` (
  \`window_start\` TIMESTAMP(3),
  \`window_end\` TIMESTAMP(3),
  \`customer_id\` STRING,
  \`window_time\` TIMESTAMP(3),
  \`orders\` BIGINT,
  \`revenue\` DECIMAL(38, 2),
  \`__streamt_rowtime\` AS COALESCE(\`window_time\`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),
  WATERMARK FOR \`__streamt_rowtime\` AS \`__streamt_rowtime\` - INTERVAL '10' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'orders.hourly.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'reader',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);`);
    // Every column the writer types NOT NULL is NOT NULL here too, enforced like any source's.
    expect(statementOf(p, "hourly")).toContain("WHERE `window_start` IS NOT NULL AND `window_end` IS NOT NULL AND `customer_id` IS NOT NULL AND `window_time` IS NOT NULL AND `orders` IS NOT NULL AND `revenue` IS NOT NULL;");
    expect(nodeOf(hourly).upstream).toEqual({ sink: "orders/tumble/orders.hourly.v1", pipeline: "writer", site: { file: FILE, line: hourlyLine, column: expect.any(Number) } });
    expect(nodeOf(hourly).site).toEqual({ file: FILE, line, column: expect.any(Number) });
    expect(nodeOf(hourly).eventTime).toEqual({ column: "window_time", watermark: { kind: "bounded", delayMs: 10_000 } });
  });

  it("without watermark() it declares no event time (the reader chooses)", () => {
    const hourly = source("hourly", { from: hourlyOut });
    expect(nodeOf(hourly).eventTime).toBeNull();
    expect(nodeOf(hourly).time.rowtime).toBeNull();
    expect(nodeOf(hourly).schema.map((c) => c.time ?? "none")).toEqual(["none", "none", "none", "none", "none", "none"]);
  });

  it("reads an upsert topic as a changelog keyed by the writer's key (upsert-kafka)", () => {
    const totals = source("totals", { from: totalsOut, properties: { "client.rack": "a" } });
    expect(nodeOf(totals).changelog).toEqual({ mode: "updating", key: ["customer_id"] });
    const p = pipeline("reader").write(totals.toUpsertKafka("customers.totals.copy.v1", { key: ["customer_id"] }));
    expect(statementOf(p, "totals__raw")).toBe(`CREATE TEMPORARY TABLE \`totals__raw\` (
  \`customer_id\` STRING NOT NULL,
  \`total\` DECIMAL(38, 2),
  \`last_status\` STRING,
  PRIMARY KEY (\`customer_id\`) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'customers.totals.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'reader',
  'key.format' = 'json',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601',
  'properties.client.rack' = 'a'
);`);
  });

  it("records no pipeline when the sink's pipeline is declared after the source", () => {
    const out = orders.toKafka("orders.copy.v1");
    const copy = source("copy", { from: out });
    pipeline("later").write(out);
    expect(nodeOf(copy).upstream?.pipeline).toBeNull();
  });

  it("records the first pipeline that writes the sink, not a later one", () => {
    const out = orders.toKafka("orders.twice.v1");
    pipeline("first").write(out);
    pipeline("second").write(out);
    expect(nodeOf(source("twice", { from: out })).upstream?.pipeline).toBe("first");
  });

  it("idleTimeout: the reader's own, as milliseconds; a zero one is refused naming the source", () => {
    expect(nodeOf(source("hourly", { from: hourlyOut, idleTimeout: "30s" })).idleTimeoutMs).toBe(30_000);
    expect(nodeOf(source("hourly", { from: hourlyOut })).idleTimeoutMs).toBeNull();
    const line = lineHere() + 1;
    expect(refusal(() => source("hourly", { from: hourlyOut, idleTimeout: "0s" }))).toEqual({
      code: "STREAMT-B003",
      message: "idleTimeout of source 'hourly' must be longer than 0",
      hint: 'Flink reads 0 as "off" here; give a positive duration such as "1d", or leave the option out',
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });

  it("refuses what the sink decides, sinks without a topic, and values that are not sinks", () => {
    const line = lineHere() + 1;
    expect(refusal(() => source("hourly", { from: hourlyOut, topic: "x", format: "csv" } as never))).toEqual({
      code: "STREAMT-B006",
      message: "source('hourly'): 'topic', 'format' come from the sink given in 'from'",
      hint: "remove them: the writer's sink decides the topic, columns, format (with its JSON options) and key",
      site: { file: FILE, line, column: expect.any(Number) },
    });
    expect(refusal(() => source("p", { from: orders.toPrint() } as never))).toMatchObject({
      code: "STREAMT-B006",
      message: "source('p'): 'from' is a print sink (orders/print), which writes no topic",
      hint: "read a sink made by toKafka() or toUpsertKafka()",
    });
    expect(refusal(() => source("x", { from: "orders.hourly.v1" } as never))).toMatchObject({
      code: "STREAMT-B006",
      message: "source('x'): 'from' is not a sink",
    });
    expect(refusal(() => source("t", { from: totalsOut, onContractViolation: { deadLetter: "t.dlq" } }))).toMatchObject({
      code: "STREAMT-B006",
      message: expect.stringContaining("source('t'): a dead-letter topic needs an append-only source"),
    });
  });
});
