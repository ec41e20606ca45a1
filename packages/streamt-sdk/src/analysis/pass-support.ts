import type { PlanNode } from "../ir/plan-node.js";
import { topologicalOrder } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceSite } from "../ir/node-base.js";
import { severityOf } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";

/** What every pass may read besides the plan. */
export interface PassContext {
  /** The broker's `transaction.max.timeout.ms` the exactly-once check compares against. */
  readonly brokerTransactionMaxTimeoutMs: number;
}

/** A read-only pass over the whole plan. It must not throw; analysePlan turns a throw into STREAMT-E000. */
export type AnalysisPass = (plan: Plan, ctx: PassContext) => Diagnostic[];

/** A finding about one node of one pipeline; severity follows from the code. */
export function finding(
  code: string,
  pipeline: PipelineDef | null,
  at: { readonly path: string; readonly site: SourceSite | null },
  message: string,
  hint: string,
): Diagnostic {
  return { code, severity: severityOf(code), pipeline: pipeline?.name ?? null, path: at.path, site: at.site, message, hint };
}

/** Every node a pipeline's sinks reach, each once, inputs first. */
const nodeOrder = new WeakMap<PipelineDef, PlanNode[]>();

/** A pipeline's nodes, inputs first; computed once per pipeline, since every pass walks them. */
export function nodesOf(pipeline: PipelineDef): PlanNode[] {
  let nodes = nodeOrder.get(pipeline);
  if (!nodes) nodeOrder.set(pipeline, (nodes = topologicalOrder(pipeline.sinks)));
  return nodes;
}

/** Runs `check` on every node of every pipeline, collecting what it returns. */
export function perNode(plan: Plan, check: (node: PlanNode, pipeline: PipelineDef) => Diagnostic[]): Diagnostic[] {
  return plan.pipelines.flatMap((p) => nodesOf(p).flatMap((n) => check(n, p)));
}

/**
 * A TTL of 0 means "never expire" to Flink (`table.exec.state.ttl` = 0 disables TTL), so only a
 * positive value bounds state.
 */
export function positiveOrNull(ms: number | null | undefined): number | null {
  return typeof ms === "number" && ms > 0 ? ms : null;
}

/**
 * The state TTL Flink applies job-wide: the pipeline's stateTtl, or else (as the SQL emitter does) the
 * longest ttl of a deduplicate/Top-N step, since Flink has no per-operator TTL for ROW_NUMBER steps.
 */
export function jobStateTtl(pipeline: PipelineDef): { ms: number; from: string } | null {
  const own = positiveOrNull(pipeline.settings.stateTtlMs);
  if (own !== null) return { ms: own, from: `the pipeline's stateTtl` };
  let best: { ms: number; from: string } | null = null;
  for (const n of nodesOf(pipeline)) {
    if ((n.kind === "deduplicate" || n.kind === "topN") && n.window === null) {
      const ttl = positiveOrNull(n.ttlMs);
      if (ttl !== null && (best === null || ttl > best.ms)) best = { ms: ttl, from: `the ttl of ${n.path} (applied job-wide)` };
    }
  }
  return best;
}

/** Milliseconds in the largest exact unit, as the DSL accepts them: 3600000 -> "1h". */
export function ms(value: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (value >= size && value % size === 0) return `${value / size}${unit}`;
  }
  return `${value}ms`;
}
