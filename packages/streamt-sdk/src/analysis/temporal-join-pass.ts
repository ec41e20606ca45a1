import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Refuses a temporal join whose versioned (right) side is not a versioned table: Flink needs a primary
 * key and an event-time attribute with a watermark on it (STREAMT-E006).
 */
export const temporalJoinPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "temporalJoin") return [];
    const right = node.right;
    const out: Diagnostic[] = [];
    const key = right.changelog.mode === "updating" ? right.changelog.key : null;
    if (!key || key.length === 0) {
      out.push(finding(DiagnosticCode.temporalJoinNotVersioned, pipeline, node,
        `the versioned side of the temporal join, ${right.path}, has no primary key`,
        "declare primaryKey: [...] on the versioned source (it is then read with upsert-kafka), and join on that key"));
    }
    if (!right.time.rowtime || !right.time.watermark) {
      out.push(finding(DiagnosticCode.temporalJoinNotVersioned, pipeline, node,
        `the versioned side of the temporal join, ${right.path}, has no event time${right.time.rowtime ? ` (no watermark for '${right.time.rowtime}')` : ""}`,
        "declare .eventTime(column).watermark(delay) on the versioned source"));
    }
    return out;
  });
