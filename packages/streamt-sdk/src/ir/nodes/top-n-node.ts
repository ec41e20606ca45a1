import { constantColumns } from "../constant-columns.js";
import { APPEND, timeFromSchema, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { windowExtentMs, type WindowSpec } from "../window-spec.js";
import { plainColumns } from "./deduplicate-node.js";
import { invalid, requireColumn, requireUniqueNames, type NodeOrigin } from "./node-checks.js";
import { requireWindowable, windowColumns } from "./window-aggregate-node.js";

export interface OrderKey {
  readonly column: string;
  readonly direction: "asc" | "desc";
}

/**
 * The N first rows per partition by an order: `ROW_NUMBER() ... <= N`. Updating (a row can be pushed
 * out of the top N), keyed by the partition columns and the rank. With `window`, a window Top-N:
 * append-only, emitted when the window closes.
 */
export interface TopNNode extends NodeBase {
  readonly kind: "topN";
  readonly input: PlanNode;
  readonly partitionBy: readonly string[];
  readonly orderBy: readonly OrderKey[];
  readonly n: number;
  readonly rankColumn: string;
  readonly window: WindowSpec | null;
  readonly ttlMs: number | null;
}

export function topNNode(
  origin: NodeOrigin,
  input: PlanNode,
  init: { partitionBy: readonly string[]; orderBy: readonly OrderKey[]; n: number; rankColumn: string; window: WindowSpec | null; ttlMs: number | null },
): TopNNode {
  if (!Number.isInteger(init.n) || init.n < 1) invalid(origin, `topN() needs n >= 1, got ${init.n}`, "pass a positive whole number");
  if (init.orderBy.length === 0) invalid(origin, "topN() needs at least one orderBy column", "e.g. orderBy: [{ column: 'amount', direction: 'desc' }]");
  for (const p of init.partitionBy) requireColumn(input.schema, p, origin, "partition column");
  for (const o of init.orderBy) requireColumn(input.schema, o.column, origin, "order column");
  const rank = { name: init.rankColumn, type: { kind: "BIGINT", nullable: false } as const };
  if (init.window) {
    requireWindowable(origin, input, init.window);
    const schema = [...plainColumns(input.schema), ...windowColumns(input, init.window), rank];
    requireUniqueNames(schema.map((c) => c.name), origin, "column");
    return {
      kind: "topN", path: origin.path, site: origin.site, input, ...init,
      schema, changelog: APPEND, time: timeFromSchema(schema, input.time.watermark),
      state: { kind: "window", ms: windowExtentMs(init.window) },
    };
  }
  const constant = constantColumns(input);
  if (init.orderBy.every((o) => constant.has(o.column))) {
    const names = init.orderBy.map((o) => `'${o.column}'`).join(", ");
    invalid(origin, `topN() orders by ${names}, which earlier steps fix to one value on every row: every row ties, and Flink's planner cannot plan a Top-N ordered by constants`,
      "order by a column that varies (e.g. the event time, or another measure), or drop the step that fixes it");
  }
  const schema = [...plainColumns(input.schema), rank];
  requireUniqueNames(schema.map((c) => c.name), origin, "column");
  return {
    kind: "topN", path: origin.path, site: origin.site, input, ...init,
    schema,
    changelog: { mode: "updating", key: [...init.partitionBy, init.rankColumn] },
    time: timeFromSchema(schema, null),
    state: init.ttlMs !== null ? { kind: "ttl", ms: init.ttlMs } : { kind: "unbounded" },
  };
}
