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

/** Serialises with object keys sorted ("kind" and "path" first), so equal plans give equal bytes. */
function stableStringify(value: unknown, indent = 0): string {
  const pad = "  ".repeat(indent + 1);
  const end = "  ".repeat(indent);
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + stableStringify(v, indent + 1)).join(",\n")}\n${end}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => keyRank(a) - keyRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${stableStringify((value as Record<string, unknown>)[k], indent + 1)}`).join(",\n")}\n${end}}`;
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
