import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceSite } from "../ir/node-base.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import { topicUse } from "../ir/topic-use.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, type PassContext } from "./pass-support.js";

const at = (site: SourceSite | null): string => (site ? ` (${site.file}:${site.line})` : "");

/**
 * Refuses a Kafka topic written by more than one sink, in one pipeline or across pipelines
 * (STREAMT-E012): rows of two jobs interleave, and an upsert topic's keys overwrite each other.
 * One finding per writer, each naming the others.
 */
export const topicWritersPass = (plan: Plan, _ctx: PassContext): Diagnostic[] => {
  // A source's dead-letter topic is written too (by every pipeline reading that source: meant to be
  // shared, each record names its pipeline); it must not be a sink's topic.
  const writers: { pipeline: PipelineDef; sink: SinkNode | SourceNode; topic: string; deadLetter: boolean }[] = plan.pipelines.flatMap((p) => [
    ...topicUse(p).writes.map((w) => ({ pipeline: p, sink: w.node as SinkNode | SourceNode, topic: w.topic, deadLetter: false })),
    ...topicUse(p).deadLetters.map((d) => ({ pipeline: p, sink: d.node as SinkNode | SourceNode, topic: d.topic, deadLetter: true })),
  ]);
  // Grouped by topic once: comparing every writer with every other is quadratic (~20 ms at 1,000 pipelines).
  const byTopic = new Map<string, typeof writers>();
  for (const w of writers) {
    const same = byTopic.get(w.topic);
    if (same) same.push(w);
    else byTopic.set(w.topic, [w]);
  }
  return writers.flatMap((w) => {
    const others = byTopic.get(w.topic)!.filter((o) => o !== w && !(o.deadLetter && w.deadLetter));
    if (others.length === 0) return [];
    const names = others.map((o) => `${o.deadLetter ? `the dead-letter records of source ${o.sink.path}` : o.sink.path} in pipeline '${o.pipeline.name}'${at(o.sink.site)}`).join("; ");
    return [finding(DiagnosticCode.duplicateTopicWriter, w.pipeline, w.sink,
      `topic '${w.topic}' is also written by ${names}`,
      "give each sink its own topic, or union() the streams and write them with one sink")];
  });
};
