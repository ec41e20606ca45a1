import type { Diagnostic } from "../analysis/diagnostic.js";
import { topologicalOrder, type PlanNode } from "../ir/plan-node.js";
import { PLAN_VERSION, type Plan, type PipelineDef } from "../ir/plan.js";
import { stableStringify } from "../ir/plan-json.js";
import { BuildErrorCode } from "../errors.js";
import type { ModulePipeline } from "./module-cache.js";

/**
 * Assembles the plan from the loaded pipelines. Two different nodes with the same path inside one
 * pipeline would make unstable names, so they are refused here with the fix (name a step with .as()).
 */
export function buildPlan(loaded: readonly ModulePipeline[]): { plan: Plan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, PipelineDef>();
  const pipelines: PipelineDef[] = [];
  for (const { pipeline } of loaded) {
    const def = pipeline.definition;
    const other = byName.get(def.name);
    if (other) {
      diagnostics.push({
        code: BuildErrorCode.duplicateName,
        severity: "error",
        pipeline: def.name,
        path: def.name,
        site: def.site,
        message: `two pipelines are named '${def.name}'${other.site ? ` (the other at ${other.site.file}:${other.site.line})` : ""}`,
        hint: "pipeline names are Flink job names and must be unique: rename one",
      });
      continue;
    }
    byName.set(def.name, def);
    pipelines.push(def);
    const seen = new Map<string, PlanNode>();
    for (const node of topologicalOrder(def.sinks)) {
      const prev = seen.get(node.path);
      if (prev && prev !== node && stableStringify(prev) !== stableStringify(node)) {
        diagnostics.push({
          code: BuildErrorCode.duplicateName,
          severity: "error",
          pipeline: def.name,
          path: node.path,
          site: node.site,
          message: `two different steps have the path ${node.path}${prev.site ? ` (the other at ${prev.site.file}:${prev.site.line})` : ""}`,
          hint: node.kind === "source" ? "two sources share a name: rename one" : node.kind === "sink" ? "give one sink a name: toKafka(topic, { name })" : "name one of them with .as('name')",
        });
      }
      seen.set(node.path, node);
    }
  }
  return { plan: { version: PLAN_VERSION, pipelines }, diagnostics };
}
