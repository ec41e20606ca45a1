import type { ExprNode } from "../ir/expr-node.js";
import type { PlanNode } from "../ir/plan-node.js";
import { filterNode, type FilterNode } from "../ir/nodes/filter-node.js";
import type { NodeOrigin } from "../ir/nodes/node-checks.js";
import { BuildErrorCode, StreamtError } from "../errors.js";

/**
 * The rows of `input` that are behind the watermark when read: `ts <= CURRENT_WATERMARK(ts)`, as
 * Flink's documentation writes the on-time filter's negation. CURRENT_WATERMARK is NULL before the
 * first watermark, so nothing is late then. The watermark is the one the source's subtask has emitted
 * (per subtask, at most every pipeline.auto-watermark-interval), so this only means something next to
 * the source: `input` must be the source, or filters and selects right after it.
 */
export function lateRecordsNode(origin: NodeOrigin, input: PlanNode): FilterNode {
  const refuse = (message: string, hint: string): never => {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `lateRecords(): ${message}`, hint, path: origin.path, site: origin.site });
  };
  let upstream = input;
  while (upstream.kind === "filter" || upstream.kind === "project") upstream = upstream.input;
  if (upstream.kind !== "source") {
    refuse(`${input.path} comes from ${upstream.kind} step ${upstream.path}; lateness is read against the source's watermark, which means something only next to the source`,
      "call lateRecords() on the source stream (or after filters and selects only), before windows, joins, unions and aggregates");
  }
  const rowtime = input.time.rowtime;
  const column = input.schema.find((c) => c.name === rowtime);
  if (!rowtime || !column || input.time.watermark === null) {
    refuse(`${input.path} has no event time with a watermark, so no record is ever late`, "declare .eventTime(column).watermark(delay) on the source first");
  }
  const ts: ExprNode = { kind: "column", name: column!.name, input: 0, type: column!.type, time: "rowtime" };
  return filterNode(origin, input, behindWatermark(ts));
}

/** `CURRENT_WATERMARK(ts)`: the watermark of the operator evaluating it, NULL before the first one. */
export function currentWatermark(ts: ExprNode): ExprNode {
  return {
    kind: "call",
    op: "FUNCTION",
    args: [{ kind: "literal", value: "CURRENT_WATERMARK", type: { kind: "STRING", nullable: false } }, ts],
    type: { ...ts.type, nullable: true },
  };
}

/** `ts <= CURRENT_WATERMARK(ts)`: NULL (not true) before the first watermark. */
export function behindWatermark(ts: ExprNode): ExprNode {
  return { kind: "call", op: "<=", args: [ts, currentWatermark(ts)], type: { kind: "BOOLEAN", nullable: true } };
}
