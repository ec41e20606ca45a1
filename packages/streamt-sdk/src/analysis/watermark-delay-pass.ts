import type { Plan } from "../ir/plan.js";
import { windowExtentMs } from "../ir/window-spec.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, ms, perNode, type PassContext } from "./pass-support.js";
import { operatorName, timedInputs } from "./time-operators.js";

/**
 * Warns when a watermark delay is longer than the window it closes (STREAMT-W002): every window's
 * result then waits more than a whole window after it ends, which is rarely what was meant. The
 * window's size is its extent: tumble and hop size, cumulate max size, session gap.
 */
export const watermarkDelayPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) =>
    timedInputs(node).flatMap((t) => {
      const delay = t.input.time.watermark?.maxDelayMs;
      if (!t.window || delay === undefined) return [];
      const size = windowExtentMs(t.window);
      if (!(delay > size)) return [];
      const sources = t.input.time.watermark?.sources.join(", ") ?? "";
      return [finding(DiagnosticCode.watermarkDelayExceedsWindow, pipeline, node,
        `watermark delay ${ms(delay)} (source ${sources}) is longer than ${operatorName(node)} of ${ms(size)}: each result is emitted more than a window after the window ends`,
        `shorten the source's watermark delay to at most ${ms(size)}, or use a larger window; acknowledge STREAMT-W002 if such late results are intended`)];
    }),
  );
