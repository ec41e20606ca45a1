import { type AggregateCall, type AggregateRequest, resolveAggregate } from "../aggregate-call.js";
import { timeFromSchema, type Column, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { requireColumn, requireOwnColumns, requireUniqueNames, type NodeOrigin } from "./node-checks.js";

/**
 * A non-windowed `GROUP BY`: the result row of a key is revised on every input row, so the output is
 * updating (keyed by the group keys) and state lives as long as the key does, unless a TTL expires it.
 * `distinct` marks `SELECT DISTINCT` (a group by every column, with no aggregate).
 */
export interface AggregateNode extends NodeBase {
  readonly kind: "aggregate";
  readonly input: PlanNode;
  readonly groupBy: readonly string[];
  readonly aggregates: readonly AggregateCall[];
  readonly distinct: boolean;
  /** Per-operator state TTL (Flink's STATE_TTL hint); null: the pipeline's TTL applies. */
  readonly ttlMs: number | null;
}

export function aggregateNode(
  origin: NodeOrigin,
  input: PlanNode,
  init: { groupBy: readonly string[]; aggregates: readonly AggregateRequest[]; distinct: boolean; ttlMs: number | null },
): AggregateNode {
  const keys = init.groupBy.map((k) => requireColumn(input.schema, k, origin, "group-by column"));
  const calls = init.aggregates.map((a) => resolveAggregate(a, input.schema, origin));
  requireOwnColumns(origin, calls.flatMap((c) => c.args), [input]);
  // Time attributes do not survive a non-windowed aggregate: its output is no longer ordered by time.
  const schema: Column[] = [...keys.map((k) => ({ name: k.name, type: k.type })), ...calls.map((c) => ({ name: c.name, type: c.type }))];
  requireUniqueNames(schema.map((c) => c.name), origin, "column");
  return {
    kind: "aggregate",
    path: origin.path,
    site: origin.site,
    input,
    groupBy: init.groupBy,
    aggregates: calls,
    distinct: init.distinct,
    ttlMs: init.ttlMs,
    schema,
    changelog: { mode: "updating", key: init.groupBy.length > 0 ? init.groupBy : null },
    time: timeFromSchema(schema, null),
    state: init.ttlMs !== null ? { kind: "ttl", ms: init.ttlMs } : { kind: "unbounded" },
  };
}
