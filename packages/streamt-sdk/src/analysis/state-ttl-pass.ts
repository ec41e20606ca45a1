import type { PlanNode } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, jobStateTtl, ms, perNode, positiveOrNull, type PassContext } from "./pass-support.js";

const ZERO_TTL = " (a ttl of 0 means never expire to Flink)";

/**
 * Refuses operators whose state grows with their keys forever: a regular join, a non-windowed
 * aggregate or distinct, deduplication or Top-N, each without a TTL of its own and in a pipeline
 * without a stateTtl (STREAMT-E001..E004); a check's unique rule without a job-wide TTL (STREAMT-E021).
 */
export const unboundedStatePass = (plan: Plan, _ctx: PassContext): Diagnostic[] => perNode(plan, unboundedState);

function unboundedState(node: PlanNode, pipeline: PipelineDef): Diagnostic[] {
  const pipelineTtl = positiveOrNull(pipeline.settings.stateTtlMs);
  switch (node.kind) {
    case "join": {
      // The STATE_TTL hint overrides the job-wide TTL per side, so a side given 0 stays unbounded.
      const sides = node.ttl ? [node.ttl.leftMs, node.ttl.rightMs] : [null, null];
      const unbounded = sides.map((own) => (own !== null ? positiveOrNull(own) : pipelineTtl) === null);
      if (!unbounded.some(Boolean)) return [];
      const which = unbounded.every(Boolean) ? "both sides" : unbounded[0] ? "its left side" : "its right side";
      const zero = node.ttl && (node.ttl.leftMs <= 0 || node.ttl.rightMs <= 0) ? ZERO_TTL : "";
      return [finding(DiagnosticCode.regularJoinWithoutTtl, pipeline, node,
        `regular join keeps ${which} in state forever${zero}`,
        `give the join { ttl: "1d" } (or { ttl: { left, right } }) or the pipeline a stateTtl; or use intervalJoin / temporalJoin when the match is bounded in time`)];
    }
    case "aggregate": {
      if (bounded(node.ttlMs, pipelineTtl, true)) return [];
      const what = node.distinct ? "distinct()" : "a non-windowed aggregate";
      return [finding(DiagnosticCode.aggregateWithoutTtl, pipeline, node,
        `${what} keeps a row of state per ${node.distinct ? "distinct row" : "group key"} forever${zeroNote(node.ttlMs)}`,
        `give it { ttl: "7d" } or the pipeline a stateTtl; or aggregate in windows (tumble/hop/cumulate/session) so state is freed when a window closes`)];
    }
    case "deduplicate": {
      if (node.window !== null || bounded(node.ttlMs, pipelineTtl, false)) return [];
      return [finding(DiagnosticCode.deduplicateWithoutTtl, pipeline, node,
        `deduplicate() keeps a row of state per key forever${zeroNote(node.ttlMs)}`,
        `give it { ttl: "1d" } or the pipeline a stateTtl; or deduplicate per window: stream.tumble(size).deduplicate({ key })`)];
    }
    case "topN": {
      if (node.window !== null || bounded(node.ttlMs, pipelineTtl, false)) return [];
      return [finding(DiagnosticCode.topNWithoutTtl, pipeline, node,
        `topN() keeps the rows of every partition in state forever${zeroNote(node.ttlMs)}`,
        `give it { ttl: "1d" } or the pipeline a stateTtl; or rank per window: stream.tumble(size).topN({ ... })`)];
    }
    case "overAggregate": {
      // Flink frees an OVER aggregate's rows only by idle-state retention: the job-wide TTL, whoever set it.
      if (jobStateTtl(pipeline) !== null) return [];
      const what = node.unique ? `check '${node.unique.check}' keeps the last row of every ${columnsText(node.unique.columns)} for its unique rule` : "an OVER aggregate keeps the last rows of every partition";
      return [finding(DiagnosticCode.uniqueWithoutTtl, pipeline, node,
        `${what} in state forever`,
        `give the pipeline a stateTtl${node.unique ? ` of at least the rule's within (stateTtl: "${ms(node.unique.withinMs)}" or more)` : ""}: Flink frees this state only by the job-wide TTL`)];
    }
    default:
      return [];
  }
}

const columnsText = (columns: readonly string[]): string => (columns.length === 1 ? columns[0]! : `(${columns.join(", ")})`);

/**
 * Whether an operator's state is bounded by a TTL. With a hint (`overrides`: joins and aggregates take
 * the STATE_TTL hint) the operator's own value wins even when it is 0; a deduplicate/Top-N ttl is
 * emitted job-wide only when the pipeline has none, so the pipeline's TTL still bounds it.
 */
function bounded(own: number | null, pipelineTtl: number | null, overrides: boolean): boolean {
  if (overrides) return (own !== null ? positiveOrNull(own) : pipelineTtl) !== null;
  return positiveOrNull(own) !== null || pipelineTtl !== null;
}

function zeroNote(own: number | null): string {
  return own !== null && own <= 0 ? ZERO_TTL : "";
}
