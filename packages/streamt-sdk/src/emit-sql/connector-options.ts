import type { EnvReference, PropertyValue } from "../ir/secret.js";
import { isChangelogFormat, type JsonTimestampFormat, type SourceNode } from "../ir/nodes/source-node.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import { configDuration } from "../ir/config-duration.js";
import type { FlinkDialect } from "./dialect.js";

/**
 * The options of a table a job creates (its `WITH (...)` in SQL, its TableDescriptor options in Java):
 * decided here once, so the two outputs of a pipeline cannot configure a connector differently. Two values
 * are not known at synth time: the Kafka bootstrap servers (SQL bakes in synth's --bootstrap-servers, a JAR
 * reads them when it starts) and a secret's environment variable (filled in when the job starts).
 */
export type OptionValue = string | { readonly bootstrapServers: true } | EnvReference;
export type ConnectorOption = readonly [key: string, value: OptionValue];

const BOOTSTRAP: OptionValue = { bootstrapServers: true };
/** The JSON options of a table that reads or writes JSON: the timestamp format, and (reading) whether to skip what it cannot parse. */
type JsonTable = { readonly timestampFormat: JsonTimestampFormat; readonly ignoreParseErrors?: boolean };

/** A CDC format carries its own changes: the kafka connector reads it (upsert-kafka takes only insert-only formats). */
export function readsWithUpsertKafka(n: SourceNode): boolean {
  return n.kafka.primaryKey !== null && !isChangelogFormat(n.kafka.format);
}

/** The options of a source's Kafka table. */
export function sourceOptions(n: SourceNode, pipeline: string, dialect: FlinkDialect): ConnectorOption[] {
  const upsert = readsWithUpsertKafka(n);
  const opts: ConnectorOption[] = [
    ["connector", upsert ? "upsert-kafka" : "kafka"],
    ["topic", n.kafka.topic],
    ["properties.bootstrap.servers", BOOTSTRAP],
    ["properties.group.id", pipeline],
  ];
  if (!upsert) {
    const start = n.kafka.startFrom;
    if (start.kind === "group-offsets") opts.push(["scan.startup.mode", "group-offsets"], ["properties.auto.offset.reset", "earliest"]);
    else if (start.kind === "timestamp") opts.push(["scan.startup.mode", "timestamp"], ["scan.startup.timestamp-millis", String(start.millis)]);
    else opts.push(["scan.startup.mode", `${start.kind}-offset`]);
  }
  opts.push(...formatOptions(n.kafka.format, upsert, n.kafka.schemaRegistryUrl, n.kafka.json));
  if (n.idleTimeoutMs !== null && dialect.perSourceIdleTimeout) opts.push(["scan.watermark.idle-timeout", configDuration(n.idleTimeoutMs)]);
  opts.push(...propertyOptions(n.kafka.properties));
  return opts;
}

/**
 * The options of a source's text table (see countsUnreadable): the source's own, but the value read with
 * format 'raw' (the JSON options dropped) and a consumer group of its own, so the two readers of the topic
 * never commit offsets over each other.
 */
export function textSourceOptions(n: SourceNode, pipeline: string, dialect: FlinkDialect): ConnectorOption[] {
  return sourceOptions(n, pipeline, dialect).flatMap(([key, value]): ConnectorOption[] => {
    if (key === "properties.group.id") return [[key, `${pipeline}.${n.name}.text`]];
    if (key === "format") return [[key, "raw"]];
    if (key.startsWith("json.") || key === "scan.watermark.idle-timeout") return [];
    return [[key, value]];
  });
}

/** Where the records that break a source's contract go: a blackhole that counts them, or the dead-letter topic. */
export function violationsOptions(n: SourceNode): ConnectorOption[] {
  const v = n.kafka.onContractViolation;
  if (v.kind === "drop") return [["connector", "blackhole"]];
  return [
    ["connector", "kafka"],
    ["topic", v.topic],
    ["properties.bootstrap.servers", BOOTSTRAP],
    // The record as it was read: timestamps in the source's format.
    ...formatOptions("json", false, null, { timestampFormat: n.kafka.json?.timestampFormat ?? "ISO-8601" }, true),
    ["sink.delivery-guarantee", "at-least-once"],
    ...propertyOptions(n.kafka.properties),
  ];
}

/** The options of a sink's table. */
export function sinkOptions(s: SinkNode, pipeline: string): ConnectorOption[] {
  const c = s.connector;
  switch (c.kind) {
    case "print":
    case "blackhole":
      return [["connector", c.kind]];
    case "kafka":
    case "upsert-kafka": {
      const opts: ConnectorOption[] = [
        ["connector", c.kind],
        ["topic", c.topic],
        ["properties.bootstrap.servers", BOOTSTRAP],
        ...formatOptions(c.format, c.kind === "upsert-kafka", c.schemaRegistryUrl, c.json, true),
        ["sink.delivery-guarantee", c.delivery],
      ];
      if (c.delivery === "exactly-once") {
        opts.push(["sink.transactional-id-prefix", `${pipeline}.${s.name}`]);
        opts.push(["properties.transaction.timeout.ms", String(c.transactionTimeoutMs)]);
      }
      opts.push(...propertyOptions(c.properties));
      return opts;
    }
  }
}

function formatOptions(format: string, keyed: boolean, registry: string | null, json: JsonTable | null, writing = false): ConnectorOption[] {
  const one = (prefix: string): ConnectorOption[] => {
    const o: ConnectorOption[] = [[prefix ? `${prefix}format` : "format", format]];
    if (json !== null) o.push([`${prefix}${format}.timestamp-format.standard`, json.timestampFormat]);
    // Only an append-only source skips parse errors (dsl/source.ts refuses it on a keyed one): no key format here.
    if (json?.ignoreParseErrors) o.push([`${prefix}${format}.ignore-parse-errors`, "true"]);
    // Flink's JSON writer would otherwise write a DECIMAL such as 30.00 as 3E+1.
    if (writing && format === "json") o.push([`${prefix}json.encode.decimal-as-plain-number`, "true"]);
    if ((format === "avro-confluent" || format === "debezium-avro-confluent") && registry) o.push([`${prefix}${format}.url`, registry]);
    return o;
  };
  return keyed ? [...one("key."), ...one("value.")] : one("");
}

/** Kafka client properties as connector options; a secret stays a reference to its environment variable. */
function propertyOptions(props: Readonly<Record<string, PropertyValue>>): ConnectorOption[] {
  return Object.entries(props)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [`properties.${k}`, v]);
}

/** The formats a job's tables use (what a JAR must carry). */
export function formatsOf(options: readonly ConnectorOption[]): string[] {
  return options.filter(([k]) => k === "format" || k.endsWith(".format")).map(([, v]) => v as string);
}
