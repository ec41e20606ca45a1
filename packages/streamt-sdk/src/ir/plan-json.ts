import { topologicalOrder, type PlanNode } from "./plan-node.js";
import { PLAN_VERSION, type Plan } from "./plan.js";

function isPlanNode(v: unknown): v is PlanNode {
  return typeof v === "object" && v !== null && "kind" in v && "path" in v && "schema" in v && "changelog" in v;
}

const keyRank = (k: string): number => (k === "version" || k === "kind" ? 0 : k === "path" ? 1 : k === "name" ? 2 : 3);
const compareKeys = (a: string, b: string): number => keyRank(a) - keyRank(b) || (a < b ? -1 : a > b ? 1 : 0);

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

/** A copy with object keys in a fixed order ("kind" and "path" first, then by name) and undefined dropped. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : sortKeys(value[i]);
    return out;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Most objects are built with their keys already in order: sorting is the exception.
  if (!inOrder(keys)) keys.sort(compareKeys);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = record[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}

/** Serialises with object keys sorted, so equal values give equal bytes (the native serialiser does the rest). */
function stableStringify(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(sortKeys(value), null, 2);
}

/**
 * Canonical one-line JSON of plan values, cached by identity: sources are shared by every pipeline of a
 * module, and most steps share their input's schema array, so each is serialised once instead of once per
 * reference. Plan values are never changed once built, so the cache may outlive one plan.json.
 */
class CanonicalJson {
  private readonly cache = new WeakMap<object, string>();

  value(v: unknown): string {
    if (v === null || typeof v !== "object") return v === undefined ? "null" : JSON.stringify(v);
    let json = this.cache.get(v);
    if (json === undefined) this.cache.set(v, (json = JSON.stringify(sortKeys(v))));
    return json;
  }

  /** A node's fields, inputs replaced by their paths (the plan is a DAG; paths are its edges). */
  node(node: PlanNode): string {
    let json = this.cache.get(node);
    if (json !== undefined) return json;
    const keys = Object.keys(node).filter((k) => (node as unknown as Record<string, unknown>)[k] !== undefined);
    if (!inOrder(keys)) keys.sort(compareKeys);
    const fields = keys.map((k) => {
      const v = (node as unknown as Record<string, unknown>)[k];
      const ref = isPlanNode(v) ? { ref: v.path } : Array.isArray(v) && v.length > 0 && v.every(isPlanNode) ? v.map((n: PlanNode) => ({ ref: n.path })) : null;
      return `${JSON.stringify(k)}:${ref !== null ? JSON.stringify(ref) : this.value(v)}`;
    });
    json = `{${fields.join(",")}}`;
    this.cache.set(node, json);
    return json;
  }
}

/**
 * plan.json: every pipeline with its settings and its nodes in dependency order. Deterministic: the
 * same plan always gives the same bytes (pipelines by name, nodes in a fixed walk, keys sorted).
 * One node per line: a change to a pipeline shows as a few changed lines in a diff, and the file
 * stays a third of its fully indented size (it is the largest artifact of a big project).
 */
export function planToJson(plan: Plan): string {
  const pipelines = [...plan.pipelines].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = ["{", `  "version": ${PLAN_VERSION},`, `  "pipelines": [`];
  pipelines.forEach((p, i) => lines.push(pipelineBlock(p), `    }${i < pipelines.length - 1 ? "," : ""}`));
  lines.push("  ]", "}");
  return lines.join("\n") + "\n";
}

type PlannedPipeline = Plan["pipelines"][number];
/** Serialised values and pipelines, kept across calls: synth --watch writes plan.json on every save,
 * and the pipelines of the modules a save did not touch are the same objects as before. */
const canonical = new CanonicalJson();
const blocks = new WeakMap<PlannedPipeline, string>();

/** A pipeline's lines of plan.json, up to its closing brace. */
function pipelineBlock(p: PlannedPipeline): string {
  let block = blocks.get(p);
  if (block !== undefined) return block;
  const nodes = topologicalOrder(p.sinks);
  block = [
    "    {",
    `      "name": ${JSON.stringify(p.name)},`,
    `      "site": ${canonical.value(p.site)},`,
    ...(p.description !== undefined ? [`      "description": ${JSON.stringify(p.description)},`] : []),
    ...(p.owner !== undefined ? [`      "owner": ${JSON.stringify(p.owner)},`] : []),
    `      "settings": ${canonical.value(p.settings)},`,
    `      "sinks": ${JSON.stringify(p.sinks.map((s) => s.path))},`,
    `      "nodes": [`,
    ...nodes.map((n, j) => `        ${canonical.node(n)}${j < nodes.length - 1 ? "," : ""}`),
    "      ]",
  ].join("\n");
  blocks.set(p, block);
  return block;
}

export { stableStringify };
