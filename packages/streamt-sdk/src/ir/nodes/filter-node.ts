import type { ExprNode } from "../expr-node.js";
import { NO_STATE, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { invalid, requireOwnColumns, type NodeOrigin } from "./node-checks.js";
import type { CheckMark } from "../check-mark.js";

/** `WHERE predicate`: keeps schema, time attributes and changelog of its input. */
export interface FilterNode extends NodeBase {
  readonly kind: "filter";
  readonly input: PlanNode;
  readonly predicate: ExprNode;
  /** Set on the filters a data-quality check makes (dsl/check.ts). */
  readonly check?: CheckMark;
}

export function filterNode(origin: NodeOrigin, input: PlanNode, predicate: ExprNode): FilterNode {
  if (predicate.type.kind !== "BOOLEAN") {
    invalid(origin, `filter() needs a BOOLEAN condition, got ${predicate.type.kind}`, "compare values, e.g. row.status.eq('paid')");
  }
  requireOwnColumns(origin, [predicate], [input]);
  return {
    kind: "filter",
    path: origin.path,
    site: origin.site,
    input,
    predicate,
    schema: input.schema,
    changelog: input.changelog,
    time: input.time,
    state: NO_STATE,
  };
}
