import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";
import { operatorName, timedInputs, type TimedInput } from "./time-operators.js";

const HINT = "declare .eventTime(column).watermark(delay) on the source, and keep that column (unchanged) in every select() on the way";

/**
 * Refuses a window, window join, interval join or the left side of a temporal join on an input with
 * no event-time attribute or no watermark (STREAMT-E005). The DSL refuses most of these while
 * building; this pass also covers plans made by other means. The versioned side of a temporal join
 * is checked by the temporal-join pass.
 */
export const eventTimePass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) =>
    timedInputs(node)
      .filter((t) => !(node.kind === "temporalJoin" && t.side === "right"))
      .flatMap((t) => {
        const problem = missingTime(t);
        if (problem === null) return [];
        const side = t.side === "input" ? "its input" : `its ${t.side} input`;
        return [finding(DiagnosticCode.missingEventTime, pipeline, node, `${operatorName(node)} needs event time, and ${side} ${t.input.path} ${problem}`, HINT)];
      }),
  );

function missingTime(t: TimedInput): string | null {
  const { rowtime, watermark } = t.input.time;
  if (!rowtime) return "has no event-time attribute";
  if (t.window && t.window.timeColumn !== rowtime) return `has event time on '${rowtime}', not on the window's column '${t.window.timeColumn}'`;
  if (!watermark) return `has no watermark for '${rowtime}'`;
  return null;
}

