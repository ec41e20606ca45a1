import { topologicalOrder } from "./plan-node.js";
import type { PipelineDef } from "./plan.js";
import { enforcedColumns, type SourceNode } from "./nodes/source-node.js";
import type { SinkNode } from "./nodes/sink-node.js";

/** The Kafka topics one pipeline reads and writes, each with the node that touches it. */
export interface TopicUse {
  readonly reads: readonly { readonly topic: string; readonly node: SourceNode }[];
  readonly writes: readonly { readonly topic: string; readonly node: SinkNode }[];
  /** Dead-letter topics the pipeline writes the records that break a source's NOT NULL columns to. */
  readonly deadLetters: readonly { readonly topic: string; readonly node: SourceNode }[];
}

const cache = new WeakMap<PipelineDef, TopicUse>();

/**
 * Which topics a pipeline touches: the one answer that topics.json, the manifest and the topology
 * findings all read, so they cannot disagree. Print and blackhole sinks touch no topic.
 */
export function topicUse(pipeline: PipelineDef): TopicUse {
  let use = cache.get(pipeline);
  if (use) return use;
  const reads: { topic: string; node: SourceNode }[] = [];
  for (const n of topologicalOrder(pipeline.sinks)) if (n.kind === "source") reads.push({ topic: n.kafka.topic, node: n });
  const writes = pipeline.sinks.flatMap((s) => (s.connector.kind === "kafka" || s.connector.kind === "upsert-kafka" ? [{ topic: s.connector.topic, node: s }] : []));
  const deadLetters = reads.flatMap(({ node }) => {
    const v = node.kafka.onContractViolation;
    return v.kind === "dead-letter" && enforcedColumns(node).length > 0 ? [{ topic: v.topic, node }] : [];
  });
  use = { reads, writes, deadLetters };
  cache.set(pipeline, use);
  return use;
}
