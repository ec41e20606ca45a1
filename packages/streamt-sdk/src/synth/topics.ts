import { topologicalOrder } from "../ir/plan-node.js";
import type { Plan } from "../ir/plan.js";

export interface TopicEntry {
  readonly name: string;
  readonly partitions: number | null;
  /** compact for upsert topics (one value per key), delete for append-only topics. */
  readonly cleanupPolicy: "delete" | "compact";
  readonly key: readonly string[] | null;
  readonly format: string;
  readonly readBy: readonly string[];
  readonly writtenBy: readonly string[];
}

/** topics.json: every Kafka topic the pipelines read or write, with who reads and writes it. */
export function collectTopics(plan: Plan): TopicEntry[] {
  const topics = new Map<string, { partitions: number | null; compact: boolean; key: readonly string[] | null; format: string; readBy: Set<string>; writtenBy: Set<string> }>();
  const entry = (name: string, format: string) => {
    let e = topics.get(name);
    if (!e) topics.set(name, (e = { partitions: null, compact: false, key: null, format, readBy: new Set(), writtenBy: new Set() }));
    return e;
  };
  for (const p of plan.pipelines) {
    for (const n of topologicalOrder(p.sinks)) {
      if (n.kind === "source") {
        const e = entry(n.kafka.topic, n.kafka.format);
        e.readBy.add(p.name);
        e.partitions ??= n.kafka.partitions;
        if (n.kafka.primaryKey) {
          e.compact = true;
          e.key = n.kafka.primaryKey;
        }
      } else if (n.kind === "sink" && (n.connector.kind === "kafka" || n.connector.kind === "upsert-kafka")) {
        const e = entry(n.connector.topic, n.connector.format);
        e.writtenBy.add(p.name);
        e.partitions = n.connector.partitions ?? e.partitions;
        if (n.connector.kind === "upsert-kafka") {
          e.compact = true;
          e.key = n.connector.key;
        }
      }
    }
  }
  return [...topics.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, e]) => ({
      name,
      partitions: e.partitions,
      cleanupPolicy: e.compact ? "compact" : "delete",
      key: e.key,
      format: e.format,
      readBy: [...e.readBy].sort(),
      writtenBy: [...e.writtenBy].sort(),
    }));
}
