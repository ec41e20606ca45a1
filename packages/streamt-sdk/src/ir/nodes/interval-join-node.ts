import { mergeWatermarks, timeFromSchema, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import type { ProjectedColumn } from "./project-node.js";
import { checkKeys, checkOutputNames, joinColumns, requireAppend, type JoinType, type KeyPair } from "./join-common.js";
import { invalid, requireOwnColumns, type NodeOrigin } from "./node-checks.js";

/**
 * Time-bounded join: `right.rowtime BETWEEN left.rowtime + lower AND left.rowtime + upper`. State is
 * kept only for the span of the bound, then freed by the watermark. Append-only for inner joins.
 */
export interface IntervalJoinNode extends NodeBase {
  readonly kind: "intervalJoin";
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly on: readonly KeyPair[];
  readonly lowerMs: number;
  readonly upperMs: number;
  readonly joinType: Extract<JoinType, "inner" | "left">;
  readonly columns: readonly ProjectedColumn[];
}

export function intervalJoinNode(
  origin: NodeOrigin,
  left: PlanNode,
  right: PlanNode,
  init: { on: readonly KeyPair[]; lowerMs: number; upperMs: number; joinType: "inner" | "left"; columns: readonly ProjectedColumn[] },
): IntervalJoinNode {
  for (const [side, input] of [["left", left], ["right", right]] as const) {
    if (!input.time.rowtime) {
      invalid(origin, `an interval join needs event time on both sides; the ${side} input ${input.path} has none`,
        "declare .eventTime(column).watermark(delay) on its source and keep that column in every select()");
    }
    requireAppend(origin, input, "an interval join");
  }
  if (init.lowerMs > init.upperMs) {
    invalid(origin, `interval join bounds are reversed: from ${init.lowerMs} ms is after to ${init.upperMs} ms`, "give between: [earlier, later], e.g. ['0s', '1h']");
  }
  checkKeys(origin, left, right, init.on);
  checkOutputNames(origin, init.columns);
  requireOwnColumns(origin, init.columns.map((c) => c.expr), [left, right]);
  const { columns, schema } = joinColumns(init.columns, 0, init.joinType);
  return {
    kind: "intervalJoin",
    path: origin.path,
    site: origin.site,
    left,
    right,
    on: init.on,
    lowerMs: init.lowerMs,
    upperMs: init.upperMs,
    joinType: init.joinType,
    columns,
    schema,
    changelog: { mode: "append" },
    time: timeFromSchema(schema, mergeWatermarks(left.time.watermark, right.time.watermark)),
    state: { kind: "interval", ms: init.upperMs - init.lowerMs },
  };
}
