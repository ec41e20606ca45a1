import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, ms, perNode, type PassContext } from "./pass-support.js";
import { operatorName, timedInputs } from "./time-operators.js";

/**
 * Refuses allowed lateness on windows (STREAMT-E014). Flink SQL's window table-valued functions drop
 * rows behind the watermark and have no syntax to keep a window open longer; the experimental
 * `table.exec.emit.allow-lateness` applies only to the deprecated GROUP BY TUMBLE(...) windows and turns
 * the result into an updating stream. Pretending would silently lose the late rows.
 */
export const allowedLatenessPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    // One finding per operator: a window join's two sides have the same window, lateness included.
    const lateness = timedInputs(node).find((t) => t.window?.allowedLatenessMs !== undefined)?.window?.allowedLatenessMs;
    if (lateness === undefined) return [];
    return [
      finding(
        DiagnosticCode.allowedLatenessUnsupported,
        pipeline,
        node,
        `${operatorName(node)} asks for allowed lateness of ${ms(lateness)}, which Flink SQL cannot honour on window table-valued functions: rows behind the watermark are dropped`,
        `what Flink can do: raise the source's watermark delay by ${ms(lateness)} (results come that much later, none dropped), or keep a non-windowed aggregate keyed by a time bucket with a state TTL (an updating result); then remove allowedLateness`,
      ),
    ];
  });
