import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceSite } from "../ir/node-base.js";
import { topicUse } from "../ir/topic-use.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, type PassContext } from "./pass-support.js";

const at = (site: SourceSite | null): string => (site ? ` (${site.file}:${site.line})` : "");
const LOOP_HINT = "write to another topic; if the loop is intended (a retry topic that converges), acknowledge STREAMT-W010 with the reason";

/**
 * Topic feedback loops (STREAMT-W010): a pipeline that reads the topic it writes, and pipelines whose
 * topics form a cycle. Each output row is read back as input, so the loop runs as long as rows keep
 * coming out of it, and one bad row can circle forever.
 */
export const topicLoopPass = (plan: Plan, _ctx: PassContext): Diagnostic[] => {
  const found: Diagnostic[] = [];
  // Edges between pipelines: p -> q when p writes a topic q reads.
  const readers = new Map<string, PipelineDef[]>();
  for (const p of plan.pipelines) for (const r of topicUse(p).reads) readers.set(r.topic, [...(readers.get(r.topic) ?? []), p]);
  // What a pipeline writes: its sinks' topics and its sources' dead-letter topics.
  const written = (p: PipelineDef) => [...topicUse(p).writes, ...topicUse(p).deadLetters];
  const next = (p: PipelineDef): { topic: string; to: PipelineDef }[] =>
    written(p).flatMap((w) => (readers.get(w.topic) ?? []).filter((q) => q !== p).map((q) => ({ topic: w.topic, to: q })));

  for (const p of plan.pipelines) {
    const use = topicUse(p);
    for (const w of written(p)) {
      const read = use.reads.find((r) => r.topic === w.topic);
      if (read) {
        found.push(finding(DiagnosticCode.topicFeedbackLoop, p, w.node,
          `pipeline '${p.name}' writes topic '${w.topic}', which it also reads (source ${read.node.path}${at(read.node.site)}): every row it writes comes back as input`,
          LOOP_HINT));
        continue;
      }
      const cycle = cycleBack(p, w.topic, readers, next);
      if (cycle !== null) {
        found.push(finding(DiagnosticCode.topicFeedbackLoop, p, w.node,
          `topics form a loop across pipelines: ${p.name} -> ${cycle}: every row this sink writes can come back to it`,
          LOOP_HINT));
      }
    }
  }
  return found;
};

/** The shortest path from topic back to pipeline `start` (breadth first), written "topic -> p -> topic -> start", or null. */
function cycleBack(
  start: PipelineDef,
  topic: string,
  readers: ReadonlyMap<string, PipelineDef[]>,
  next: (p: PipelineDef) => { topic: string; to: PipelineDef }[],
): string | null {
  const queue: { at: PipelineDef; path: string }[] = (readers.get(topic) ?? []).filter((q) => q !== start).map((q) => ({ at: q, path: `${topic} -> ${q.name}` }));
  const seen = new Set(queue.map((e) => e.at));
  while (queue.length > 0) {
    const { at: p, path } = queue.shift()!;
    for (const e of next(p)) {
      if (e.to === start) return `${path} -> ${e.topic} -> ${start.name}`;
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push({ at: e.to, path: `${path} -> ${e.topic} -> ${e.to.name}` });
      }
    }
  }
  return null;
}
