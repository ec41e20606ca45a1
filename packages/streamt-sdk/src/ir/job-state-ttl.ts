import type { DeduplicateNode } from "./nodes/deduplicate-node.js";
import type { TopNNode } from "./nodes/top-n-node.js";
import { topologicalOrder, type PlanNode } from "./plan-node.js";
import type { PipelineDef } from "./plan.js";

/**
 * A TTL of 0 means "never expire" to Flink (`table.exec.state.ttl` = 0 disables TTL), so only a
 * positive value bounds state.
 */
export function positiveOrNull(ms: number | null | undefined): number | null {
  return typeof ms === "number" && ms > 0 ? ms : null;
}

/** A non-windowed deduplicate or Top-N step: a ROW_NUMBER() operator whose state only a TTL bounds. */
export type RowNumberStep = (DeduplicateNode | TopNNode) & { readonly window: null };

/** The ttl a dedup/Top-N step was given. */
export interface StepTtl {
  readonly node: RowNumberStep;
  /** The step's own ttl, in ms. */
  readonly askedMs: number;
}

/** The job-wide state TTL (`SET 'table.exec.state.ttl'`) of one pipeline, and who chose it. */
export interface JobStateTtl {
  readonly ms: number;
  /** The pipeline's stateTtl, or else the dedup/Top-N step whose ttl (the longest) became job-wide. */
  readonly setBy: { readonly kind: "pipeline" } | { readonly kind: "step"; readonly node: RowNumberStep };
  /** Steps whose own ttl differs from `ms`: Flink SQL applies `ms` to them regardless. */
  readonly overridden: readonly StepTtl[];
}

/**
 * The one rule for a pipeline's job-wide state TTL, which the SQL emitter writes and the analysis
 * passes check: the pipeline's stateTtl; or else the longest ttl of a deduplicate/Top-N step (the first
 * such step on a tie). Flink SQL has no per-operator TTL for ROW_NUMBER() operators (its STATE_TTL hint
 * covers regular joins and group aggregates only), so every dedup/Top-N step of the job gets this one
 * value, and a step whose own ttl differs is listed in `overridden`. Window dedup/Top-N steps free
 * their state when the window closes and take no part.
 *
 * @example
 * // pipeline("p", { stateTtl: "30d" }) with orders.deduplicate({ key: ["id"], ttl: "1h" })
 * jobStateTtl(p.definition) // { ms: 2592000000, setBy: { kind: "pipeline" }, overridden: [{ node: <dedup>, askedMs: 3600000 }] }
 * // SET 'table.exec.state.ttl' = '30 d';
 */
export function jobStateTtl(pipeline: PipelineDef, nodes: readonly PlanNode[] = topologicalOrder(pipeline.sinks)): JobStateTtl | null {
  const steps = nodes.flatMap((n) => {
    if ((n.kind !== "deduplicate" && n.kind !== "topN") || n.window !== null) return [];
    const asked = positiveOrNull(n.ttlMs);
    return asked === null ? [] : [{ node: n as RowNumberStep, askedMs: asked } satisfies StepTtl];
  });
  const own = positiveOrNull(pipeline.settings.stateTtlMs);
  const longest = steps.reduce<StepTtl | null>((best, s) => (best === null || s.askedMs > best.askedMs ? s : best), null);
  const chosen: Pick<JobStateTtl, "ms" | "setBy"> | null =
    own !== null ? { ms: own, setBy: { kind: "pipeline" } }
    : longest !== null ? { ms: longest.askedMs, setBy: { kind: "step", node: longest.node } }
    : null;
  if (chosen === null) return null;
  return { ...chosen, overridden: steps.filter((s) => s.askedMs !== chosen.ms) };
}
