import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SourceSite } from "../ir/node-base.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, type PassContext } from "./pass-support.js";

const at = (site: SourceSite | null): string => (site ? ` (${site.file}:${site.line})` : "");

/**
 * Refuses two pipelines with the same name (STREAMT-E011): the name is the Flink job name, the Kafka
 * consumer group and the output file name, so the second would overwrite or share the first's. Names
 * that differ only in case are refused too: their output files (Hourly.sql, hourly.sql) are one file
 * where file names ignore case (macOS and Windows by default), so one pipeline's script would replace
 * the other's. One finding per pipeline, each naming the others.
 */
export const pipelineNamesPass = (plan: Plan, _ctx: PassContext): Diagnostic[] => {
  const byName = new Map<string, PipelineDef[]>();
  const byFolded = new Map<string, PipelineDef[]>();
  for (const p of plan.pipelines) {
    byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
    byFolded.set(p.name.toLowerCase(), [...(byFolded.get(p.name.toLowerCase()) ?? []), p]);
  }
  return plan.pipelines.flatMap((p) => {
    const same = byName.get(p.name) ?? [];
    if (same.length >= 2) {
      const others = same.filter((o) => o !== p).map((o) => `the other${at(o.site)}`).join(", ");
      return [finding(DiagnosticCode.duplicatePipelineName, p, { path: p.name, site: p.site },
        `${same.length} pipelines are named '${p.name}' (${others})`,
        "pipeline names are Flink job names and consumer groups: give each pipeline its own name")];
    }
    const alike = (byFolded.get(p.name.toLowerCase()) ?? []).filter((o) => o.name !== p.name);
    if (alike.length === 0) return [];
    const others = alike.map((o) => `'${o.name}'${at(o.site)}`).join(", ");
    return [finding(DiagnosticCode.duplicatePipelineName, p, { path: p.name, site: p.site },
      `pipeline '${p.name}' differs from ${others} only in case: their output files (${p.name}.sql, ${alike[0]!.name}.sql) are one file where file names ignore case (macOS, Windows)`,
      "give each pipeline a name that differs in more than case")];
  });
};
