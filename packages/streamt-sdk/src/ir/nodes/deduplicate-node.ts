import { APPEND, timeFromSchema, type Column, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import type { WindowSpec } from "../window-spec.js";
import { windowExtentMs } from "../window-spec.js";
import { invalid, requireColumn, type NodeOrigin } from "./node-checks.js";
import { requireWindowable, windowColumns } from "./window-aggregate-node.js";

/**
 * Keeps the first (or last) row per key, ordered by a time attribute: Flink's
 * `ROW_NUMBER() OVER (PARTITION BY key ORDER BY time) = 1` pattern. Only keep-first on processing time
 * is append-only; the other forms revise earlier results. With `window`, it is a window deduplication
 * (one row per key per window, append-only, state freed when the window closes).
 */
export interface DeduplicateNode extends NodeBase {
  readonly kind: "deduplicate";
  readonly input: PlanNode;
  readonly key: readonly string[];
  readonly orderBy: string;
  readonly keep: "first" | "last";
  readonly window: WindowSpec | null;
  readonly ttlMs: number | null;
}

/** Time attributes become plain timestamps after a row-number step (Flink materialises them). */
export function plainColumns(schema: readonly Column[]): Column[] {
  return schema.map((c) => ({ name: c.name, type: c.type }));
}

export function deduplicateNode(
  origin: NodeOrigin,
  input: PlanNode,
  init: { key: readonly string[]; keep: "first" | "last"; window: WindowSpec | null; ttlMs: number | null },
): DeduplicateNode {
  for (const k of init.key) requireColumn(input.schema, k, origin, "deduplication key");
  const orderBy = init.window ? init.window.timeColumn : (input.time.rowtime ?? input.time.proctime);
  if (!orderBy) {
    invalid(origin, `deduplicate() orders rows by a time attribute, and ${input.path} has none`,
      "declare .eventTime(column).watermark(delay) or .processingTime(name) on the source");
  }
  if (init.window) {
    requireWindowable(origin, input, init.window);
    const schema = [...plainColumns(input.schema), ...windowColumns(input, init.window)];
    return {
      kind: "deduplicate", path: origin.path, site: origin.site, input, orderBy, ...init,
      schema, changelog: APPEND, time: timeFromSchema(schema, input.time.watermark),
      state: { kind: "window", ms: windowExtentMs(init.window) },
    };
  }
  const onProctime = orderBy === input.time.proctime && orderBy !== input.time.rowtime;
  const appendOnly = init.keep === "first" && onProctime;
  const schema = plainColumns(input.schema);
  return {
    kind: "deduplicate", path: origin.path, site: origin.site, input, orderBy, ...init,
    schema,
    changelog: appendOnly ? APPEND : { mode: "updating", key: init.key },
    time: timeFromSchema(schema, null),
    state: init.ttlMs !== null ? { kind: "ttl", ms: init.ttlMs } : { kind: "unbounded" },
  };
}
