import { timeFromSchema, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import type { ProjectedColumn } from "./project-node.js";
import { checkKeys, checkOutputNames, combinedChangelog, joinColumns, type JoinType, type KeyPair } from "./join-common.js";
import { requireOwnColumns, type NodeOrigin } from "./node-checks.js";

/**
 * A regular join: every row of both sides is kept in state forever unless a TTL expires it, so it is
 * only safe with a TTL (per side here, or the pipeline's). Time attributes do not survive it.
 */
export interface JoinNode extends NodeBase {
  readonly kind: "join";
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly on: readonly KeyPair[];
  readonly joinType: JoinType;
  readonly columns: readonly ProjectedColumn[];
  /** Per-side state TTL (Flink's STATE_TTL hint); null: the pipeline's TTL applies. */
  readonly ttl: { readonly leftMs: number; readonly rightMs: number } | null;
}

export function joinNode(
  origin: NodeOrigin,
  left: PlanNode,
  right: PlanNode,
  init: { on: readonly KeyPair[]; joinType: JoinType; columns: readonly ProjectedColumn[]; ttl: JoinNode["ttl"] },
): JoinNode {
  checkKeys(origin, left, right, init.on);
  checkOutputNames(origin, init.columns);
  requireOwnColumns(origin, init.columns.map((c) => c.expr), [left, right]);
  const { columns, schema } = joinColumns(init.columns, null, init.joinType);
  return {
    kind: "join",
    path: origin.path,
    site: origin.site,
    left,
    right,
    on: init.on,
    joinType: init.joinType,
    columns,
    ttl: init.ttl,
    schema,
    changelog: combinedChangelog(left, right, init.joinType, init.on, columns),
    time: timeFromSchema(schema, null),
    state: init.ttl ? { kind: "ttl", ms: Math.max(init.ttl.leftMs, init.ttl.rightMs) } : { kind: "unbounded" },
  };
}
