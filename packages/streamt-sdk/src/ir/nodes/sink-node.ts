import type { PropertyValue } from "../secret.js";
import { NO_STATE, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import type { ChangelogFormat, JsonTimestampFormat, SourceFormat } from "./source-node.js";
import { requireColumn, type NodeOrigin } from "./node-checks.js";

export type DeliveryGuarantee = "none" | "at-least-once" | "exactly-once";

/** The JSON format's options of a sink (null for the other formats): how it writes timestamps. */
export interface JsonWriteOptions {
  readonly timestampFormat: JsonTimestampFormat;
}

export type SinkConnector =
  | {
      readonly kind: "kafka";
      readonly topic: string;
      readonly format: Exclude<SourceFormat, ChangelogFormat>;
      readonly delivery: DeliveryGuarantee;
      /** Kafka producer transaction timeout for exactly-once, in ms. */
      readonly transactionTimeoutMs: number | null;
      readonly properties: Readonly<Record<string, PropertyValue>>;
      readonly partitions: number | null;
      /** Replication factor to create the topic with; null: the cluster's default. */
      readonly replicationFactor: number | null;
      readonly schemaRegistryUrl: string | null;
      /** Set exactly when the format is json. */
      readonly json: JsonWriteOptions | null;
    }
  | {
      readonly kind: "upsert-kafka";
      readonly topic: string;
      readonly format: "json" | "csv" | "avro-confluent";
      readonly key: readonly string[];
      readonly delivery: DeliveryGuarantee;
      readonly transactionTimeoutMs: number | null;
      readonly properties: Readonly<Record<string, PropertyValue>>;
      readonly partitions: number | null;
      /** Replication factor to create the topic with; null: the cluster's default. */
      readonly replicationFactor: number | null;
      readonly schemaRegistryUrl: string | null;
      /** Set exactly when the format is json. */
      readonly json: JsonWriteOptions | null;
    }
  | { readonly kind: "print" }
  | { readonly kind: "blackhole" };

/** Where a pipeline writes: a table the script creates and an INSERT INTO it. */
export interface SinkNode extends NodeBase {
  readonly kind: "sink";
  readonly name: string;
  readonly input: PlanNode;
  readonly connector: SinkConnector;
  /** What the sink's data is (its description option); absent when not given. */
  readonly description?: string;
  /** Who answers for the data (its owner option); absent when not given. */
  readonly owner?: string;
}

export function sinkNode(origin: NodeOrigin, input: PlanNode, name: string, connector: SinkConnector, about: { readonly description?: string; readonly owner?: string } = {}): SinkNode {
  if (connector.kind === "upsert-kafka") {
    for (const k of connector.key) requireColumn(input.schema, k, origin, "upsert key column");
  }
  return {
    kind: "sink",
    path: origin.path,
    site: origin.site,
    name,
    input,
    connector,
    schema: input.schema,
    changelog: input.changelog,
    time: input.time,
    state: NO_STATE,
    ...about,
  };
}
