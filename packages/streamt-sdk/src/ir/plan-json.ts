import { topologicalOrder, type PlanNode } from "./plan-node.js";
import { PLAN_VERSION, type Plan } from "./plan.js";

function isPlanNode(v: unknown): v is PlanNode {
  return typeof v === "object" && v !== null && "kind" in v && "path" in v && "schema" in v && "changelog" in v;
}

/** Node fields as JSON, with inputs replaced by their paths (the plan is a DAG; paths are its edges). */
function nodeJson(node: PlanNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (isPlanNode(value)) out[key] = { ref: value.path };
    else if (Array.isArray(value) && value.length > 0 && value.every(isPlanNode)) out[key] = value.map((v) => ({ ref: (v as PlanNode).path }));
    else out[key] = value;
  }
  return out;
}

const keyRank = (k: string): number => (k === "version" || k === "kind" ? 0 : k === "path" ? 1 : k === "name" ? 2 : 3);

/** A copy with object keys in a fixed order ("kind" and "path" first, then by name) and undefined dropped. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort((a, b) => keyRank(a) - keyRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) out[k] = sortKeys(record[k]);
  return out;
}

/** Serialises with object keys sorted, so equal values give equal bytes (the native serialiser does the rest). */
function stableStringify(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(sortKeys(value), null, 2);
}

/**
 * plan.json: every pipeline with its settings and its nodes in dependency order. Deterministic: the
 * same plan always gives the same bytes (pipelines by name, nodes in a fixed walk, keys sorted).
 */
export function planToJson(plan: Plan): string {
  const pipelines = [...plan.pipelines]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => ({
      name: p.name,
      site: p.site,
      settings: p.settings,
      sinks: p.sinks.map((s) => s.path),
      nodes: topologicalOrder(p.sinks).map(nodeJson),
    }));
  return stableStringify({ version: PLAN_VERSION, pipelines }) + "\n";
}

export { stableStringify };
