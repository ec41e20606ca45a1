import type { PropertyValue } from "../secret.js";
import type { Column, NodeBase, StateBound } from "../node-base.js";
import { APPEND, NO_STATE, timeFromSchema } from "../node-base.js";
import { isTimestamp } from "../data-type.js";
import { invalid, requireColumn, type NodeOrigin } from "./node-checks.js";

export type SourceFormat = "json" | "csv" | "avro-confluent" | "raw" | "debezium-json";

/** Formats whose records are change events (insert, update, delete) rather than appended rows. */
export type ChangelogFormat = Extract<SourceFormat, "debezium-json">;

/**
 * A CDC format makes the source a changelog whatever its key: Flink reads it as an updating table
 * (an append-only sink then refuses it), keyed by the primary key when the source declares one.
 */
export function isChangelogFormat(format: SourceFormat): format is ChangelogFormat {
  return format === "debezium-json";
}

export type StartFrom =
  | { readonly kind: "group-offsets" }
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  | { readonly kind: "timestamp"; readonly millis: number };

export type WatermarkSpec =
  | { readonly kind: "bounded"; readonly delayMs: number }
  | { readonly kind: "monotonous" };

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
}

/** A Kafka topic read as a table; event time and watermark are declared here, in the DDL. */
export interface SourceNode extends NodeBase {
  readonly kind: "source";
  readonly name: string;
  readonly kafka: KafkaSourceConfig;
  /** The physical columns (time attributes are marked on `schema`). */
  readonly physical: readonly Column[];
  readonly eventTime: { readonly column: string; readonly watermark: WatermarkSpec | null } | null;
  readonly processingTime: string | null;
  readonly idleTimeoutMs: number | null;
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
  },
): SourceNode {
  const { physical, eventTime, processingTime } = init;
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
  const hasWatermark = eventTime?.watermark != null;
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
  };
}
