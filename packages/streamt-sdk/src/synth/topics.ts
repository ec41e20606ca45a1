import { topicUse } from "../ir/topic-use.js";
import type { Plan } from "../ir/plan.js";

export interface TopicEntry {
  readonly name: string;
  readonly partitions: number | null;
  /** The replication factor its writer declares; null: the cluster's default. */
  readonly replicationFactor: number | null;
  /** compact for upsert topics (one value per key), delete for append-only topics. */
  readonly cleanupPolicy: "delete" | "compact";
  readonly key: readonly string[] | null;
  readonly format: string;
  readonly readBy: readonly string[];
  readonly writtenBy: readonly string[];
}

/** topics.json: every Kafka topic the pipelines read or write, with who reads and writes it. */
export function collectTopics(plan: Plan): TopicEntry[] {
  const topics = new Map<string, { partitions: number | null; replicationFactor: number | null; compact: boolean; key: readonly string[] | null; format: string; readBy: Set<string>; writtenBy: Set<string> }>();
  const entry = (name: string, format: string) => {
    let e = topics.get(name);
    if (!e) topics.set(name, (e = { partitions: null, replicationFactor: null, compact: false, key: null, format, readBy: new Set(), writtenBy: new Set() }));
    return e;
  };
  for (const p of plan.pipelines) {
    const use = topicUse(p);
    for (const { topic, node: n } of use.reads) {
      const e = entry(topic, n.kafka.format);
      e.readBy.add(p.name);
      e.partitions ??= n.kafka.partitions;
      if (n.kafka.primaryKey) {
        e.compact = true;
        e.key = n.kafka.primaryKey;
      }
    }
    for (const { topic, node: n } of use.writes) {
      const c = n.connector;
      if (c.kind !== "kafka" && c.kind !== "upsert-kafka") continue;
      const e = entry(topic, c.format);
      e.writtenBy.add(p.name);
      e.partitions = c.partitions ?? e.partitions;
      e.replicationFactor = c.replicationFactor ?? e.replicationFactor;
      if (c.kind === "upsert-kafka") {
        e.compact = true;
        e.key = c.key;
      }
    }
    for (const { topic } of use.deadLetters) entry(topic, "json").writtenBy.add(p.name);
  }
  return [...topics.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, e]) => ({
      name,
      partitions: e.partitions,
      replicationFactor: e.replicationFactor,
      cleanupPolicy: e.compact ? "compact" : "delete",
      key: e.key,
      format: e.format,
      readBy: [...e.readBy].sort(),
      writtenBy: [...e.writtenBy].sort(),
    }));
}
