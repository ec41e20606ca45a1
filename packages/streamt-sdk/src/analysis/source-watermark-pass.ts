import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Warns about a source that declares eventTime(column) but no watermark (STREAMT-W004): without a
 * WATERMARK clause Flink does not treat the column as a time attribute, so it is a plain timestamp
 * and no window or time-bounded join can use it.
 */
export const sourceWatermarkPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "source" || !node.eventTime || node.eventTime.watermark) return [];
    const col = node.eventTime.column;
    return [finding(DiagnosticCode.eventTimeWithoutWatermark, pipeline, node,
      `source ${node.name} declares eventTime('${col}') but no watermark, so '${col}' is not a time attribute`,
      `add .watermark("5s") (or "monotonous") after .eventTime("${col}"), or drop eventTime() if the column is only data`)];
  });
