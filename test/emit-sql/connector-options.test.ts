/**
 * Connector options (emit-sql/connector-options.ts) the whole-script tests do not pin: the registry option only
 * for a format that reads a schema registry, and formatsOf, which lists the formats a JAR must carry.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { formatsOf, sinkOptions, sourceOptions, textSourceOptions, type ConnectorOption } from "../../packages/streamt-sdk/src/emit-sql/connector-options.js";
import { dialectFor } from "../../packages/streamt-sdk/src/emit-sql/dialect.js";
import type { SourceNode } from "../../packages/streamt-sdk/src/ir/nodes/source-node.js";
import type { SinkNode } from "../../packages/streamt-sdk/src/ir/nodes/sink-node.js";
import { statementOf } from "../helpers.js";

const Customer = t.row({ customer_id: t.string(), tier: t.string() });
const REGISTRY = "http://registry:8081";

describe("the schema registry option", () => {
  // schemaRegistryUrl on a format that reads no registry is refused when the sink is declared (test/dsl/build-errors.test.ts).
  it("goes with debezium-avro-confluent as with avro-confluent, and with no format that reads no registry", () => {
    const cdc = source("customers", { topic: "customers.cdc", schema: Customer, format: "debezium-avro-confluent", schemaRegistryUrl: REGISTRY, primaryKey: ["customer_id"] });
    const tiers = cdc.select("customer_id", "tier");
    const p = pipeline("c").write(
      tiers.toUpsertKafka("tiers.v1", { key: ["customer_id"], format: "csv" }),
      tiers.toUpsertKafka("tiers.json.v1", { key: ["customer_id"], name: "tiers_json" }),
    );
    expect(statementOf(p, "customers__raw").split("\n").slice(4)).toEqual([
      ") WITH (",
      "  'connector' = 'kafka',",
      "  'topic' = 'customers.cdc',",
      "  'properties.bootstrap.servers' = '127.0.0.1:9092',",
      "  'properties.group.id' = 'c',",
      "  'scan.startup.mode' = 'group-offsets',",
      "  'properties.auto.offset.reset' = 'earliest',",
      "  'format' = 'debezium-avro-confluent',",
      "  'debezium-avro-confluent.url' = 'http://registry:8081'",
      ");",
    ]);
    expect(statementOf(p, "tiers_v1").split("\n").slice(5)).toEqual([
      "  'connector' = 'upsert-kafka',",
      "  'topic' = 'tiers.v1',",
      "  'properties.bootstrap.servers' = '127.0.0.1:9092',",
      "  'key.format' = 'csv',",
      "  'value.format' = 'csv',",
      "  'sink.delivery-guarantee' = 'at-least-once'",
      ");",
    ]);
    expect(statementOf(p, "tiers_json").split("\n").slice(5)).toEqual([
      "  'connector' = 'upsert-kafka',",
      "  'topic' = 'tiers.json.v1',",
      "  'properties.bootstrap.servers' = '127.0.0.1:9092',",
      "  'key.format' = 'json',",
      "  'key.json.timestamp-format.standard' = 'ISO-8601',",
      "  'key.json.encode.decimal-as-plain-number' = 'true',",
      "  'value.format' = 'json',",
      "  'value.json.timestamp-format.standard' = 'ISO-8601',",
      "  'value.json.encode.decimal-as-plain-number' = 'true',",
      "  'sink.delivery-guarantee' = 'at-least-once'",
      ");",
    ]);
  });
});

describe("formatsOf: the formats a job's tables use", () => {
  it("lists the format of a table and of its key and value, and no other option", () => {
    const options: ConnectorOption[] = [
      ["connector", "upsert-kafka"],
      ["format", "json"],
      ["json.timestamp-format.standard", "ISO-8601"],
      ["key.format", "csv"],
      ["value.format", "avro-confluent"],
      ["value.avro-confluent.url", REGISTRY],
      ["properties.bootstrap.servers", { bootstrapServers: true }],
      ["sink.delivery-guarantee", "at-least-once"],
    ];
    expect(formatsOf(options)).toEqual(["json", "csv", "avro-confluent"]);
  });

  it("reads them from a source's and a sink's options as synth builds them", () => {
    const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"], format: "avro-confluent", schemaRegistryUrl: REGISTRY });
    const p = pipeline("c").write(customers.toUpsertKafka("tiers.v1", { key: ["customer_id"], format: "csv" }));
    const sink = p.definition.sinks[0] as SinkNode;
    const node = sink.input as SourceNode;
    expect(formatsOf(sourceOptions(node, "c", dialectFor("2.2")))).toEqual(["avro-confluent", "avro-confluent"]);
    expect(formatsOf(sinkOptions(sink, "c"))).toEqual(["csv", "csv"]);
  });
});

describe("textSourceOptions: the second reader of a topic whose unreadable records are counted", () => {
  it("reads it as raw text in a consumer group of its own, without the JSON options or the source's idle timeout", () => {
    const Strict = t.row({ id: t.string(), n: t.int() });
    const readings = source("readings", { topic: "readings.v1", schema: Strict, json: { onParseError: "skip" } }).idleTimeout("1m");
    const p = pipeline("r").write(readings.toKafka("out.v1"));
    const node = (p.definition.sinks[0] as SinkNode).input as SourceNode;
    expect(sourceOptions(node, "r", dialectFor("2.2"))).toContainEqual(["scan.watermark.idle-timeout", "1 min"]);
    expect(textSourceOptions(node, "r", dialectFor("2.2"))).toEqual([
      ["connector", "kafka"],
      ["topic", "readings.v1"],
      ["properties.bootstrap.servers", { bootstrapServers: true }],
      ["properties.group.id", "r.readings.text"],
      ["scan.startup.mode", "group-offsets"],
      ["properties.auto.offset.reset", "earliest"],
      ["format", "raw"],
    ]);
  });
});
