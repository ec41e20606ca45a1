import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, jobStateTtl, ms, type PassContext } from "./pass-support.js";

/**
 * Warns about a deduplicate/Top-N step whose own ttl the script cannot honour (STREAMT-W008): Flink SQL
 * gives ROW_NUMBER() operators only the job-wide `table.exec.state.ttl` (the STATE_TTL hint does not
 * apply to them), and that is the pipeline's stateTtl, or else the longest such ttl of the pipeline
 * (ir/job-state-ttl.ts, the rule the SQL emitter writes). One finding per step, at the step.
 */
export const rowNumberTtlPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => {
    const ttl = jobStateTtl(pipeline);
    if (ttl === null) return [];
    return ttl.overridden.map(({ node, askedMs }) => {
      const step = node.kind === "deduplicate" ? "deduplicate()" : "topN()";
      const fix = ttl.setBy.kind === "pipeline"
        ? `give it the pipeline's stateTtl (ttl: "${ms(ttl.ms)}") or no ttl, or move it into a pipeline of its own with stateTtl: "${ms(askedMs)}"`
        : `give the deduplicate/Top-N steps of this pipeline the same ttl (all get "${ms(ttl.ms)}" now), or move this step into a pipeline of its own`;
      return finding(DiagnosticCode.rowNumberTtlOverridden, pipeline, node,
        `${step} asks for ttl ${ms(askedMs)} but gets ${ms(ttl.ms)}, ${ttl.from}: Flink SQL applies one job-wide state TTL to deduplication and Top-N`,
        fix);
    });
  });
