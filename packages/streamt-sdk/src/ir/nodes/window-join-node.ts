import { APPEND, timeFromSchema, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { windowExtentMs, type WindowSpec } from "../window-spec.js";
import type { ProjectedColumn } from "./project-node.js";
import { checkKeys, checkOutputNames, joinColumns, type JoinType, type KeyPair } from "./join-common.js";
import { invalid, requireOwnColumns, type NodeOrigin } from "./node-checks.js";
import { requireWindowable, windowColumns } from "./window-aggregate-node.js";

/**
 * Joins rows of two streams that fall in the same window (same window_start and window_end). Both
 * sides use the same window; results are final when the window closes, and state is freed then.
 */
export interface WindowJoinNode extends NodeBase {
  readonly kind: "windowJoin";
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly leftWindow: WindowSpec;
  readonly rightWindow: WindowSpec;
  readonly on: readonly KeyPair[];
  readonly joinType: JoinType;
  readonly columns: readonly ProjectedColumn[];
}

export function windowJoinNode(
  origin: NodeOrigin,
  left: PlanNode,
  right: PlanNode,
  init: { leftWindow: WindowSpec; rightWindow: WindowSpec; on: readonly KeyPair[]; joinType: JoinType; columns: readonly ProjectedColumn[] },
): WindowJoinNode {
  requireWindowable(origin, left, init.leftWindow);
  requireWindowable(origin, right, init.rightWindow);
  const { timeColumn: _l, ...lw } = init.leftWindow;
  const { timeColumn: _r, ...rw } = init.rightWindow;
  if (JSON.stringify(lw) !== JSON.stringify(rw)) {
    invalid(origin, "a window join needs the same window on both sides", "use the same tumble/hop/cumulate sizes on both streams");
  }
  if (init.leftWindow.kind === "session") invalid(origin, "Flink does not support window joins on session windows", "use tumble, hop or cumulate");
  checkKeys(origin, left, right, init.on);
  checkOutputNames(origin, init.columns);
  // Each side's row in the select has its window's bounds too.
  requireOwnColumns(origin, init.columns.map((c) => c.expr), [
    { path: left.path, schema: [...left.schema, ...windowColumns(left, init.leftWindow)] },
    { path: right.path, schema: [...right.schema, ...windowColumns(right, init.rightWindow)] },
  ]);
  // Flink's window join keeps no time attribute from its inputs.
  const { columns, schema } = joinColumns(init.columns, null, init.joinType);
  return {
    kind: "windowJoin",
    path: origin.path,
    site: origin.site,
    left,
    right,
    on: init.on,
    leftWindow: init.leftWindow,
    rightWindow: init.rightWindow,
    joinType: init.joinType,
    columns,
    schema,
    changelog: APPEND,
    time: timeFromSchema(schema, null),
    state: { kind: "window", ms: windowExtentMs(init.leftWindow) },
  };
}
