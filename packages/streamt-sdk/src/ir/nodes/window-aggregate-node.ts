import { type AggregateCall, type AggregateRequest, resolveAggregate } from "../aggregate-call.js";
import { APPEND, timeFromSchema, type Column, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { windowExtentMs, type WindowSpec } from "../window-spec.js";
import { invalid, requireColumn, requireOwnColumns, requireUniqueNames, type NodeOrigin } from "./node-checks.js";

/**
 * `SELECT keys, window_start, window_end, window_time, aggs FROM TABLE(TUMBLE(...)) GROUP BY ...`.
 * Append-only: a window's row is emitted once, when the watermark passes its end. `window_time`
 * is the rowtime of the result, so a later step can window again.
 */
export interface WindowAggregateNode extends NodeBase {
  readonly kind: "windowAggregate";
  readonly input: PlanNode;
  readonly window: WindowSpec;
  readonly groupBy: readonly string[];
  readonly aggregates: readonly AggregateCall[];
}

/** The columns a window TVF adds to its input. */
export function windowColumns(input: PlanNode, window: WindowSpec): Column[] {
  const timeType = requireColumn(input.schema, window.timeColumn, { path: input.path, site: input.site }).type;
  const ts = { kind: "TIMESTAMP", precision: 3, nullable: false } as const;
  const windowTime = timeType.kind === "TIMESTAMP_LTZ" ? { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false } as const : ts;
  return [
    { name: "window_start", type: ts },
    { name: "window_end", type: ts },
    { name: "window_time", type: windowTime, time: "rowtime" },
  ];
}

export function requireWindowable(origin: NodeOrigin, input: PlanNode, window: WindowSpec): void {
  if (input.time.rowtime !== window.timeColumn) {
    invalid(origin, `a ${window.kind} window needs an event-time attribute, and ${input.path} has none`,
      "declare .eventTime(column).watermark(delay) on the source, and keep that column in every select()");
  }
  const taken = ["window_start", "window_end", "window_time"].filter((c) => input.schema.some((col) => col.name === c));
  if (taken.length > 0) {
    invalid(origin, `a ${window.kind} window adds window_start, window_end and window_time, and ${input.path} already has ${taken.join(", ")}`,
      "rename them with select() before windowing again, e.g. select((w) => ({ ..., rowtime: w.window_time })) (a bare window_time keeps event time)");
  }
  if (input.changelog.mode !== "append") {
    invalid(origin, `a ${window.kind} window needs an append-only input, but ${input.path} is updating`,
      "window the stream before the step that makes it updating (an aggregate, regular join or dedup)");
  }
}

export function windowAggregateNode(
  origin: NodeOrigin,
  input: PlanNode,
  window: WindowSpec,
  groupBy: readonly string[],
  aggregates: readonly AggregateRequest[],
): WindowAggregateNode {
  requireWindowable(origin, input, window);
  const keys = groupBy.map((k) => requireColumn(input.schema, k, origin, "group-by column"));
  if (window.kind === "session") {
    for (const p of window.partitionBy) requireColumn(input.schema, p, origin, "session partition column");
  }
  const calls = aggregates.map((a) => resolveAggregate(a, input.schema, origin));
  // aggregate() is given the input's row, without the window's bounds.
  requireOwnColumns(origin, calls.flatMap((c) => c.args), [input]);
  // Flink computes hop and cumulate windows from shared slices and session windows by merging windows,
  // and its FIRST_VALUE / LAST_VALUE have no merge: its planner refuses them there (found by the
  // random-pipeline test against Flink's planner).
  const unmergeable = calls.find((c) => c.fn === "FIRST_VALUE" || c.fn === "LAST_VALUE");
  if (unmergeable && window.kind !== "tumble") {
    invalid(origin, `${unmergeable.fn === "FIRST_VALUE" ? "firstValue" : "lastValue"}() cannot aggregate a ${window.kind} window: Flink ${window.kind === "session" ? "merges session windows" : `computes ${window.kind} windows from slices it merges`}, and ${unmergeable.fn} cannot be merged`,
      "use it in a tumble window, or use min()/max() here");
  }
  const schema: Column[] = [
    ...windowColumns(input, window).slice(0, 2),
    ...keys.map((k) => ({ name: k.name, type: k.type })),
    windowColumns(input, window)[2]!,
    ...calls.map((c) => ({ name: c.name, type: c.type })),
  ];
  requireUniqueNames(schema.map((c) => c.name), origin, "column");
  return {
    kind: "windowAggregate",
    path: origin.path,
    site: origin.site,
    input,
    window,
    groupBy,
    aggregates: calls,
    schema,
    changelog: APPEND,
    time: timeFromSchema(schema, input.time.watermark),
    state: { kind: "window", ms: windowExtentMs(window) },
  };
}
