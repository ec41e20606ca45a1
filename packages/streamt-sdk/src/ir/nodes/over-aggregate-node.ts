import type { AggregateCall } from "../aggregate-call.js";
import type { NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { invalid, requireColumn, requireOwnColumns, requireUniqueNames, type NodeOrigin } from "./node-checks.js";

/**
 * Aggregates over a frame of rows per partition, ordered by event time, added to every row:
 * `agg(...) OVER (PARTITION BY partitionBy ORDER BY orderBy ROWS BETWEEN precedingRows PRECEDING AND CURRENT ROW)`.
 * Append-only, one output row per input row; keeps the input's columns, rowtime attribute and watermark.
 * Flink emits a row when the watermark passes its time, and drops a row whose time is at or behind the last
 * time it emitted for the partition (at first 0, the epoch). Its state per partition is the last rows of the
 * frame, freed only by the job-wide state TTL (idle-state retention): `state` is unbounded here, and the
 * analysis checks the pipeline's TTL.
 */
export interface OverAggregateNode extends NodeBase {
  readonly kind: "overAggregate";
  readonly input: PlanNode;
  readonly partitionBy: readonly string[];
  /** The input's rowtime column. */
  readonly orderBy: string;
  readonly precedingRows: number;
  readonly aggregates: readonly AggregateCall[];
  /** Set when a check's unique rule made it (dsl/check.ts): the check's name, its columns and how far back a repeat counts. */
  readonly unique?: { readonly check: string; readonly columns: readonly string[]; readonly withinMs: number };
}

export function overAggregateNode(
  origin: NodeOrigin,
  input: PlanNode,
  init: { partitionBy: readonly string[]; precedingRows: number; aggregates: readonly AggregateCall[]; unique?: OverAggregateNode["unique"] },
): OverAggregateNode {
  for (const k of init.partitionBy) requireColumn(input.schema, k, origin, "partition column");
  const orderBy = input.time.rowtime;
  if (orderBy === null || input.time.watermark === null) {
    invalid(origin, `an OVER aggregate orders rows by event time, and ${input.path} has no event time with a watermark`, "declare .eventTime(column).watermark(delay) on the source");
  }
  if (input.changelog.mode !== "append") invalid(origin, `an OVER aggregate needs an append-only input, and ${input.path} is updating`, "aggregate over the append-only stream before joining or aggregating it");
  if (!Number.isInteger(init.precedingRows) || init.precedingRows < 0) invalid(origin, `precedingRows must be a whole number of rows, got ${init.precedingRows}`, "e.g. 1");
  requireOwnColumns(origin, init.aggregates.flatMap((a) => a.args), [input]);
  const added = init.aggregates.map((a) => ({ name: a.name, type: a.type }));
  const schema = [...input.schema, ...added];
  requireUniqueNames(schema.map((c) => c.name), origin, "column");
  return {
    kind: "overAggregate", path: origin.path, site: origin.site, input, orderBy, ...init,
    schema, changelog: input.changelog, time: input.time, state: { kind: "unbounded" },
  };
}
