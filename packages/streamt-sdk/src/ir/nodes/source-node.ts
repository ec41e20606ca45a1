import type { PropertyValue } from "../secret.js";
import type { Column, NodeBase, SourceSite, StateBound } from "../node-base.js";
import { APPEND, NO_STATE, timeFromSchema } from "../node-base.js";
import { formatType, isTimestamp, nullableInside, withNullable, type DataType } from "../data-type.js";
import { BuildErrorCode } from "../../errors.js";
import { invalid, requireColumn, type NodeOrigin } from "./node-checks.js";

export type SourceFormat = "json" | "csv" | "avro-confluent" | "raw" | "debezium-json" | "debezium-avro-confluent";

/** Formats whose records are change events (insert, update, delete) rather than appended rows. */
export type ChangelogFormat = Extract<SourceFormat, "debezium-json" | "debezium-avro-confluent">;

/**
 * A CDC format makes the source a changelog whatever its key: Flink reads it as an updating table
 * (an append-only sink then refuses it), keyed by the primary key when the source declares one.
 */
export function isChangelogFormat(format: SourceFormat): format is ChangelogFormat {
  return format === "debezium-json" || format === "debezium-avro-confluent";
}

/** Formats whose records are written against a schema registry (the url option is required). */
export function usesSchemaRegistry(format: SourceFormat): format is "avro-confluent" | "debezium-avro-confluent" {
  return format === "avro-confluent" || format === "debezium-avro-confluent";
}

export type StartFrom =
  | { readonly kind: "group-offsets" }
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  | { readonly kind: "timestamp"; readonly millis: number };

export type WatermarkSpec =
  | { readonly kind: "bounded"; readonly delayMs: number }
  | { readonly kind: "monotonous" };

/**
 * What happens to a record that breaks the schema's NOT NULL contract (a NOT NULL field missing or null):
 * it never reaches the pipeline's steps, and is either counted (`drop`: a blackhole sink receives it, so
 * Flink's numRecordsIn of that sink is the count) or written to a dead-letter topic with the reason.
 */
export type ContractViolation = { readonly kind: "drop" } | { readonly kind: "dead-letter"; readonly topic: string };

/**
 * How Flink's JSON format writes and reads TIMESTAMP and TIMESTAMP_LTZ values ('json.timestamp-format.standard'):
 * `ISO-8601` is `2024-01-01T10:00:00.5` (`...Z` for TIMESTAMP_LTZ), `SQL` is `2024-01-01 10:00:00.5` (`...Z`).
 */
export type JsonTimestampFormat = "ISO-8601" | "SQL";

/** The JSON format's options of a source (null for the other formats). */
export interface JsonReadOptions {
  readonly timestampFormat: JsonTimestampFormat;
  /**
   * 'json.ignore-parse-errors': a value Flink cannot read as its column's type reads as null (the source
   * contract then catches it in a NOT NULL column), and a record that is not a JSON object is skipped (the
   * job reads the topic again as text to route those to the violations sink: countsUnreadable in ir/job-plan.ts).
   */
  readonly ignoreParseErrors: boolean;
}

/** The JSON options a format takes: JSON and CDC JSON, not csv, raw or avro. */
export function isJsonFormat(format: SourceFormat): format is "json" | "debezium-json" {
  return format === "json" || format === "debezium-json";
}

export interface KafkaSourceConfig {
  readonly topic: string;
  readonly format: SourceFormat;
  /** Extra Kafka client properties, emitted as 'properties.<key>'. */
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly startFrom: StartFrom;
  /**
   * A primary key makes the source a changelog keyed by it (upsert-kafka, or the kafka connector with
   * `PRIMARY KEY ... NOT ENFORCED` for a CDC format): needed for a versioned table.
   */
  readonly primaryKey: readonly string[] | null;
  readonly schemaRegistryUrl: string | null;
  readonly partitions: number | null;
  readonly onContractViolation: ContractViolation;
  /** Set exactly when the format is JSON (json, debezium-json). */
  readonly json: JsonReadOptions | null;
}

/**
 * The sink whose topic a source reads when it was made from that sink's handle (`source(name, { from })`):
 * its schema, format and key are the sink's, and the manifest records the writer as an upstream.
 */
export interface UpstreamSink {
  /** The sink's path (`<step path>/<sink name>`). */
  readonly sink: string;
  /** The pipeline that writes the sink, when it was declared before the source (null otherwise). */
  readonly pipeline: string | null;
  readonly site: SourceSite | null;
}

/** A Kafka topic read as a table; event time and watermark are declared here, in the DDL. */
export interface SourceNode extends NodeBase {
  readonly kind: "source";
  readonly name: string;
  readonly kafka: KafkaSourceConfig;
  /**
   * The physical columns (time attributes are marked on `schema`). Types inside ARRAY, MAP and ROW are
   * nullable whatever the schema says (a topic cannot be trusted to keep them, and a check would cost a
   * scan of every value); a NOT NULL column is enforced at the source (enforcedColumns).
   */
  readonly physical: readonly Column[];
  readonly eventTime: { readonly column: string; readonly watermark: WatermarkSpec | null } | null;
  readonly processingTime: string | null;
  readonly idleTimeoutMs: number | null;
  /** Set when the source reads another pipeline's sink through its handle. */
  readonly upstream?: UpstreamSink;
}

export function sourceNode(
  origin: NodeOrigin,
  init: {
    name: string;
    kafka: KafkaSourceConfig;
    physical: readonly Column[];
    eventTime: SourceNode["eventTime"];
    processingTime: string | null;
    idleTimeoutMs: number | null;
    upstream?: UpstreamSink;
  },
): SourceNode {
  const { eventTime, processingTime } = init;
  const hasWatermark = eventTime?.watermark != null;
  // A record without an event time cannot be placed in time, and Flink fails the whole job on one
  // ("RowTime field should not be null"): the rowtime column is NOT NULL whatever the schema says, so
  // the source contract (enforcedColumns) drops or dead-letters such a record instead.
  const physical = init.physical.map((c) => ({
    ...c,
    type: hasWatermark && c.name === eventTime?.column ? withNullable(nullableInside(c.type), false) : nullableInside(c.type),
  }));
  if (eventTime) {
    const col = requireColumn(physical, eventTime.column, origin, "event-time column");
    if (!isTimestamp(col.type)) {
      invalid(origin, `eventTime('${eventTime.column}') needs a TIMESTAMP(p) or TIMESTAMP_LTZ(p) column, but it is ${col.type.kind}`,
        "declare the column with t.timestamp(3) / t.timestampLtz(3), or derive one with a computed column");
    }
  }
  if (processingTime && physical.some((c) => c.name === processingTime)) {
    invalid(origin, `processingTime('${processingTime}') names an existing column`, "choose a new column name for the processing-time attribute");
  }
  for (const key of init.kafka.primaryKey ?? []) requireColumn(physical, key, origin, "primary-key column");
  if (init.kafka.json?.ignoreParseErrors) refuseUnseenParseErrors(origin, init.kafka, physical);
  const schema: Column[] = physical.map((c) =>
    hasWatermark && c.name === eventTime?.column ? { ...c, time: "rowtime" as const } : c,
  );
  if (processingTime) schema.push({ name: processingTime, type: { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false }, time: "proctime" });
  const watermark = hasWatermark && eventTime?.watermark
    ? { sources: [origin.path], maxDelayMs: eventTime.watermark.kind === "bounded" ? eventTime.watermark.delayMs : 0 }
    : null;
  const state: StateBound = NO_STATE;
  const pk = init.kafka.primaryKey;
  return {
    kind: "source",
    path: origin.path,
    site: origin.site,
    schema,
    changelog: pk || isChangelogFormat(init.kafka.format) ? { mode: "updating", key: pk } : APPEND,
    time: timeFromSchema(schema, watermark),
    state,
    ...init,
    physical,
  };
}

/**
 * With 'json.ignore-parse-errors', Flink reads a value it cannot convert to its column's type as null. That
 * null must be seen: only the source contract sees it, in a NOT NULL column, and routes the record (dropped
 * and counted, or dead-lettered). A nullable column (but STRING, which reads any JSON value as its text), a
 * value inside ARRAY/MAP/ROW (read nullable) or a changelog (an update lost without a trace) would pass it
 * on as if the producer had written null: STREAMT-B013.
 */
function refuseUnseenParseErrors(origin: NodeOrigin, kafka: KafkaSourceConfig, physical: readonly Column[]): void {
  const skip = `source('${origin.path}'): json: { onParseError: "skip" }`;
  if (kafka.primaryKey !== null || isChangelogFormat(kafka.format)) {
    invalid(origin, `${skip} needs an append-only source; this one is a changelog (${kafka.primaryKey !== null ? "primaryKey" : kafka.format}), where a skipped change would be lost without a trace`,
      `leave onParseError at "fail" (the default): the job then stops at the record it cannot read`, BuildErrorCode.unseenParseError);
  }
  const unseen = physical.filter((c) => readsUnseenNull(c.type, true));
  if (unseen.length === 0) return;
  const list = unseen.map((c) => `'${c.name}' (${formatType(c.type)})`).join(", ");
  invalid(origin, `${skip}: a value Flink cannot read as its column's type reads as null, and in ${list} that null would pass on as if the producer wrote it`,
    `declare ${unseen.length > 1 ? "them" : "it"} NOT NULL (the source contract then drops and counts, or dead-letters, such a record), or t.string() to parse in the pipeline; or leave onParseError at "fail"`,
    BuildErrorCode.unseenParseError);
}

/** Whether a value that fails to parse can become an unnoticed null in a column of this type (STRING never fails). */
function readsUnseenNull(type: DataType, topLevel: boolean): boolean {
  switch (type.kind) {
    case "STRING":
      return false;
    case "ARRAY":
      return (topLevel && type.nullable) || readsUnseenNull(type.element, false);
    case "MAP":
      return (topLevel && type.nullable) || readsUnseenNull(type.key, false) || readsUnseenNull(type.value, false);
    case "ROW":
      return (topLevel && type.nullable) || type.fields.some((f) => readsUnseenNull(f.type, false));
    default:
      return !topLevel || type.nullable;
  }
}

/**
 * The columns whose NOT NULL a source enforces: every NOT NULL physical column (the rowtime column is one,
 * whatever the schema declares: see sourceNode) but the primary key's
 * (Flink makes a PRIMARY KEY column NOT NULL whatever the DDL says, so no view can see a null there).
 * A topic holds whatever producers wrote, so the source table declares these nullable and a view over it
 * drops the records with a null in one of them (ContractViolation says what becomes of those): only then
 * is the NOT NULL that later steps, Flink's planner and the types rely on true.
 */
export function enforcedColumns(n: SourceNode): readonly Column[] {
  const key = new Set(n.kafka.primaryKey ?? []);
  return n.physical.filter((c) => !c.type.nullable && !key.has(c.name));
}
