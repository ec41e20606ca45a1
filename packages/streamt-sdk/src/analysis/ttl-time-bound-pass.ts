import type { PlanNode } from "../ir/plan-node.js";
import type { Plan } from "../ir/plan.js";
import type { WindowSpec } from "../ir/window-spec.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, jobStateTtl, ms, nodesOf, type PassContext } from "./pass-support.js";

/**
 * Refuses a job-wide TTL shorter than the time an interval join or session window must keep rows:
 * state would expire while a match (or the session's next event) can still arrive (STREAMT-E010).
 */
export const ttlVersusTimeBoundPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => {
    const ttl = jobStateTtl(pipeline);
    if (ttl === null) return [];
    return nodesOf(pipeline).flatMap((node) => {
      const need = timeBound(node);
      if (need === null || ttl.ms >= need.ms) return [];
      return [finding(DiagnosticCode.ttlShorterThanTimeBound, pipeline, node,
        `state TTL ${ms(ttl.ms)} (${ttl.from}) is shorter than ${need.what} of ${ms(need.ms)}: rows would expire while still needed`,
        `make the TTL at least ${ms(need.ms)}, or shorten ${need.what}`)];
    });
  });

/**
 * Refuses a job-wide TTL shorter than a unique rule's `within` (STREAMT-E022): Flink drops a key's last row
 * once the key is idle for the TTL (in processing time), and a repeat after that passes unseen.
 */
export const ttlVersusUniqueWithinPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => {
    const ttl = jobStateTtl(pipeline);
    if (ttl === null) return [];
    return nodesOf(pipeline).flatMap((node) => {
      if (node.kind !== "overAggregate" || !node.unique || ttl.ms >= node.unique.withinMs) return [];
      const u = node.unique;
      return [finding(DiagnosticCode.ttlShorterThanUniqueWithin, pipeline, node,
        `state TTL ${ms(ttl.ms)} (${ttl.from}) is shorter than check '${u.check}' unique within ${ms(u.withinMs)}: a key's last row expires after ${ms(ttl.ms)} without rows (processing time), and a repeat that comes later passes unseen`,
        `make the TTL at least ${ms(u.withinMs)}, or shorten within`)];
    });
  });

function timeBound(node: PlanNode): { ms: number; what: string } | null {
  if (node.kind === "intervalJoin") return { ms: node.upperMs - node.lowerMs, what: "the interval join's bound" };
  const window: WindowSpec | null =
    node.kind === "windowAggregate" ? node.window : node.kind === "deduplicate" || node.kind === "topN" ? node.window : null;
  if (window?.kind === "session") return { ms: window.gapMs, what: "the session gap" };
  return null;
}
