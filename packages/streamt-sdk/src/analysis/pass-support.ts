import type { PlanNode } from "../ir/plan-node.js";
import { topologicalOrder } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceSite } from "../ir/node-base.js";
import { jobStateTtl as jobStateTtlRule, type JobStateTtl } from "../ir/job-state-ttl.js";
import { severityOf } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import type { ProjectRules } from "./project-rules-pass.js";

/** What every pass may read besides the plan. */
export interface PassContext {
  /** The broker's `transaction.max.timeout.ms` the exactly-once check compares against. */
  readonly brokerTransactionMaxTimeoutMs: number;
  /** The project's rules from streamt.config.ts; null when it has none. */
  readonly rules: ProjectRules | null;
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

export { positiveOrNull } from "../ir/job-state-ttl.js";

/**
 * The state TTL Flink applies job-wide (the rule the SQL emitter writes, see ir/job-state-ttl.ts), over
 * the pipeline's cached nodes, with `from` saying where it comes from.
 */
export function jobStateTtl(pipeline: PipelineDef): (JobStateTtl & { readonly from: string }) | null {
  const ttl = jobStateTtlRule(pipeline, nodesOf(pipeline));
  if (ttl === null) return null;
  return { ...ttl, from: ttl.setBy.kind === "pipeline" ? `the pipeline's stateTtl` : `the ttl of ${ttl.setBy.node.path} (applied job-wide)` };
}

/** Milliseconds in the largest exact unit, as the DSL accepts them: 3600000 -> "1h". */
export function ms(value: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (value >= size && value % size === 0) return `${value / size}${unit}`;
  }
  return `${value}ms`;
}
