import { APPEND, NO_STATE, timeFromSchema, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import type { ProjectedColumn } from "./project-node.js";
import { checkKeys, checkOutputNames, joinColumns, requireAppend, type KeyPair } from "./join-common.js";
import { invalid, requireOwnColumns, type NodeOrigin } from "./node-checks.js";

/**
 * `JOIN versioned FOR SYSTEM_TIME AS OF left.rowtime`: each left row meets the version of the right row
 * that was valid at the left row's event time. The right side is a versioned table: a primary key and
 * an event-time attribute (e.g. an upsert-kafka source). State holds the versions the watermark still needs.
 */
export interface TemporalJoinNode extends NodeBase {
  readonly kind: "temporalJoin";
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly on: readonly KeyPair[];
  readonly joinType: "inner" | "left";
  readonly columns: readonly ProjectedColumn[];
}

export function temporalJoinNode(
  origin: NodeOrigin,
  left: PlanNode,
  right: PlanNode,
  init: { on: readonly KeyPair[]; joinType: "inner" | "left"; columns: readonly ProjectedColumn[] },
): TemporalJoinNode {
  if (!left.time.rowtime) {
    invalid(origin, `a temporal join needs event time on the left input, and ${left.path} has none`,
      "declare .eventTime(column).watermark(delay) on its source");
  }
  requireAppend(origin, left, "a temporal join (left side)");
  if (!right.time.rowtime) {
    invalid(origin, `the versioned side of a temporal join needs event time, and ${right.path} has none`,
      "declare .eventTime(column).watermark(delay) on the versioned source");
  }
  const pk = right.changelog.mode === "updating" ? right.changelog.key : null;
  if (!pk || pk.length === 0) {
    invalid(origin, `the versioned side of a temporal join needs a primary key, and ${right.path} has none`,
      "declare primaryKey: [...] on the versioned source (it is then read with upsert-kafka)");
  }
  checkKeys(origin, left, right, init.on);
  const missing = pk.filter((k) => !init.on.some((p) => p.right === k));
  if (missing.length > 0) {
    invalid(origin, `a temporal join must join on the versioned side's primary key; '${missing.join("', '")}' is not in on`,
      `add the primary key column(s) ${missing.join(", ")} to on`);
  }
  checkOutputNames(origin, init.columns);
  requireOwnColumns(origin, init.columns.map((c) => c.expr), [left, right]);
  const { columns, schema } = joinColumns(init.columns, 0, init.joinType);
  return {
    kind: "temporalJoin",
    path: origin.path,
    site: origin.site,
    left,
    right,
    on: init.on,
    joinType: init.joinType,
    columns,
    schema,
    changelog: APPEND,
    time: timeFromSchema(schema, left.time.watermark),
    state: NO_STATE,
  };
}
