import type { PlanNode } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, nodesOf, positiveOrNull, type PassContext } from "./pass-support.js";
import { operatorName, timedInputs } from "./time-operators.js";

const IDLE_CONFIG = "table.exec.source.idle-timeout";

/**
 * Warns about a source with no idle timeout whose watermark a window or time-bounded join depends on
 * (STREAMT-W003): a Kafka partition that receives no data holds the watermark of the whole source
 * back, so windows never close and joins never free state until it receives data again.
 * One finding per source per pipeline, at the source, naming the first operator that waits on it.
 */
export const idleSourcePass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => (hasJobIdleTimeout(pipeline) ? [] : idleSources(pipeline)));

function hasJobIdleTimeout(pipeline: PipelineDef): boolean {
  if (positiveOrNull(pipeline.settings.sourceIdleTimeoutMs) !== null) return true;
  const configured = pipeline.settings.config[IDLE_CONFIG];
  return configured !== undefined && !/^\s*0+\s*[a-z]*\s*$/i.test(configured);
}

function idleSources(pipeline: PipelineDef): Diagnostic[] {
  const nodes = nodesOf(pipeline);
  const sources = new Map<string, SourceNode>();
  for (const n of nodes) if (n.kind === "source") sources.set(n.path, n);
  const firstUser = new Map<SourceNode, PlanNode>();
  for (const node of nodes) {
    for (const t of timedInputs(node)) {
      for (const path of t.input.time.watermark?.sources ?? []) {
        const s = sources.get(path);
        if (s && positiveOrNull(s.idleTimeoutMs) === null && !firstUser.has(s)) firstUser.set(s, node);
      }
    }
  }
  return [...firstUser].map(([s, user]) =>
    finding(DiagnosticCode.sourceWithoutIdleTimeout, pipeline, s,
      `source ${s.name} has no idle timeout, and ${operatorName(user)} at ${user.path} waits on its watermark: an idle Kafka partition stalls the watermark, so results stop until that partition receives data`,
      `call .idleTimeout("1m") on the source, or give the pipeline a sourceIdleTimeout`),
  );
}
