import type { ExprNode } from "../expr-node.js";
import { NO_STATE, timeFromSchema, type Changelog, type Column, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { invalid, requireOwnColumns, requireUniqueNames, type NodeOrigin } from "./node-checks.js";

export interface ProjectedColumn {
  readonly name: string;
  readonly expr: ExprNode;
}

/**
 * `SELECT expr AS name, ...`. A bare reference to a time attribute stays a time attribute (Flink keeps
 * rowtime through projections); any computation on it makes a plain timestamp.
 */
export interface ProjectNode extends NodeBase {
  readonly kind: "project";
  readonly input: PlanNode;
  readonly columns: readonly ProjectedColumn[];
}

export function projectedSchema(columns: readonly ProjectedColumn[]): Column[] {
  return columns.map(({ name, expr }) =>
    expr.kind === "column" && expr.time ? { name, type: expr.type, time: expr.time } : { name, type: expr.type },
  );
}

/** A unique key survives a projection only if every key column is passed through (possibly renamed). */
export function projectChangelog(input: Changelog, columns: readonly ProjectedColumn[]): Changelog {
  if (input.mode === "append" || input.key === null) return input;
  const renamed = input.key.map(
    (k) => columns.find((c) => c.expr.kind === "column" && c.expr.input === 0 && c.expr.name === k)?.name,
  );
  return { mode: "updating", key: renamed.every((n) => n !== undefined) ? (renamed as string[]) : null };
}

export function projectNode(origin: NodeOrigin, input: PlanNode, columns: readonly ProjectedColumn[]): ProjectNode {
  // Flink has no empty row: `SELECT FROM t` does not parse.
  if (columns.length === 0) invalid(origin, "a select with no columns", "keep at least one column, e.g. select('order_id') or select((o) => ({ id: o.order_id }))");
  requireUniqueNames(columns.map((c) => c.name), origin, "column");
  requireOwnColumns(origin, columns.map((c) => c.expr), [input]);
  const schema = projectedSchema(columns);
  return {
    kind: "project",
    path: origin.path,
    site: origin.site,
    input,
    columns,
    schema,
    changelog: projectChangelog(input.changelog, columns),
    time: timeFromSchema(schema, input.time.watermark),
    state: NO_STATE,
  };
}
