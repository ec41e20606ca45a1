import type { Plan } from "../ir/plan.js";
import type { FilterNode } from "../ir/nodes/filter-node.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, nodesOf, type PassContext } from "./pass-support.js";

/**
 * A check whose failing rows are routed (onFail "route", the default) leaves them only in its failure
 * records; a pipeline that writes the checked stream but not those records loses the failing rows
 * unseen (STREAMT-E018). The failure records are the `failed` filter of the same check on the same input.
 */
export const checkFailuresPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => {
    const checks = nodesOf(pipeline).filter((n): n is FilterNode => n.kind === "filter" && n.check !== undefined);
    const written = (c: FilterNode) => checks.some((f) => f.check!.part === "failed" && f.check!.name === c.check!.name && f.input === c.input);
    return checks
      .filter((c) => c.check!.part === "passed" && c.check!.onFail === "route" && !written(c))
      .map((c) =>
        finding(DiagnosticCode.checkFailuresNotWritten, pipeline, c,
          `check '${c.check!.name}' routes the rows that fail it to its failure records, and pipeline ${pipeline.name} does not write them: those rows would be lost unseen`,
          `write the failures in the same pipeline, e.g. .write(checked.toKafka(...), checked.failures.toKafka("<topic>")), or declare { onFail: "drop" } to discard them on purpose`),
      );
  });
