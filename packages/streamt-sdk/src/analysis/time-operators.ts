import type { PlanNode } from "../ir/plan-node.js";
import type { WindowSpec } from "../ir/window-spec.js";

/** One input of an operator that runs on event time, with the window (if any) it applies there. */
export interface TimedInput {
  readonly side: "input" | "left" | "right";
  readonly input: PlanNode;
  readonly window: WindowSpec | null;
}

/**
 * The inputs whose event time and watermark an operator depends on: windows (aggregate, window
 * deduplication and Top-N, window join), interval joins, both sides of a temporal join (the
 * versioned side's watermark holds the output back too) and OVER aggregates (a check's unique rule). Empty for every other operator.
 */
export function timedInputs(node: PlanNode): TimedInput[] {
  switch (node.kind) {
    case "windowAggregate":
      return [{ side: "input", input: node.input, window: node.window }];
    case "deduplicate":
    case "topN":
      return node.window ? [{ side: "input", input: node.input, window: node.window }] : [];
    case "windowJoin":
      return [
        { side: "left", input: node.left, window: node.leftWindow },
        { side: "right", input: node.right, window: node.rightWindow },
      ];
    case "intervalJoin":
    case "temporalJoin":
      return [
        { side: "left", input: node.left, window: null },
        { side: "right", input: node.right, window: null },
      ];
    case "overAggregate":
      return [{ side: "input", input: node.input, window: null }];
    default:
      return [];
  }
}

/** How users name the operator in messages: "the tumble window", "the interval join". */
export function operatorName(node: PlanNode): string {
  switch (node.kind) {
    case "windowAggregate":
      return `the ${node.window.kind} window`;
    case "deduplicate":
      return node.window ? `the ${node.window.kind} window deduplication` : "deduplicate()";
    case "topN":
      return node.window ? `the ${node.window.kind} window Top-N` : "topN()";
    case "windowJoin":
      return `the ${node.leftWindow.kind} window join`;
    case "intervalJoin":
      return "the interval join";
    case "temporalJoin":
      return "the temporal join";
    case "overAggregate":
      return node.unique ? `the unique rule of check '${node.unique.check}'` : "the OVER aggregate";
    default:
      return node.kind;
  }
}
