import { formatType, sameTypeIgnoringNull, withNullable } from "../data-type.js";
import type { ExprNode } from "../expr-node.js";
import type { Changelog, Column } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { projectedSchema, type ProjectedColumn } from "./project-node.js";
import { invalid, requireColumn, requireUniqueNames, BuildErrorCodeTypeMismatch, type NodeOrigin } from "./node-checks.js";

export interface KeyPair {
  readonly left: string;
  readonly right: string;
}

export type JoinType = "inner" | "left" | "right" | "full";

/** Equi-join keys must exist on their side and have the same Flink type (nullability aside). */
export function checkKeys(origin: NodeOrigin, left: PlanNode, right: PlanNode, on: readonly KeyPair[]): void {
  if (on.length === 0) invalid(origin, "a join needs at least one key pair in `on`", "e.g. on: { order_id: 'order_id' }");
  for (const { left: l, right: r } of on) {
    const lt = requireColumn(left.schema, l, origin, "left join key").type;
    const rt = requireColumn(right.schema, r, origin, "right join key").type;
    if (!sameTypeIgnoringNull(lt, rt)) {
      invalid(origin, `join keys have different types: left '${l}' is ${formatType(lt)}, right '${r}' is ${formatType(rt)}`,
        "cast one side with a computed column so both keys have the same type", BuildErrorCodeTypeMismatch);
    }
  }
}

/**
 * The output columns of a join. Flink allows one rowtime attribute per row written to a sink, so only
 * the side named by `keepTimeOf` keeps its time attribute; other time columns become plain timestamps
 * (an explicit CAST, which is how Flink materialises them). Outer joins make the other side nullable.
 */
export function joinColumns(
  columns: readonly ProjectedColumn[],
  keepTimeOf: 0 | 1 | null,
  joinType: JoinType,
): { columns: ProjectedColumn[]; schema: Column[] } {
  const nullableSide = (input: 0 | 1): boolean =>
    joinType === "full" || (joinType === "left" && input === 1) || (joinType === "right" && input === 0);
  const adjusted = columns.map(({ name, expr }) => ({ name, expr: adjustRefs(expr, keepTimeOf, nullableSide) }));
  return { columns: adjusted, schema: projectedSchema(adjusted) };
}

function adjustRefs(expr: ExprNode, keepTimeOf: 0 | 1 | null, nullableSide: (i: 0 | 1) => boolean): ExprNode {
  if (expr.kind !== "column") return expr;
  const type = nullableSide(expr.input) ? withNullable(expr.type, true) : expr.type;
  if (expr.time && expr.input !== keepTimeOf) {
    const { time: _dropped, ...plain } = expr;
    return { kind: "cast", expr: plain, type: expr.type.kind === "TIMESTAMP_LTZ" ? { kind: "TIMESTAMP_LTZ", precision: 3, nullable: type.nullable } : { kind: "TIMESTAMP", precision: 3, nullable: type.nullable } };
  }
  return { ...expr, type };
}

export function checkOutputNames(origin: NodeOrigin, columns: readonly ProjectedColumn[]): void {
  if (columns.length === 0) invalid(origin, "a join's select() returned no columns", "return an object of columns, e.g. (o, p) => ({ order_id: o.order_id })");
  requireUniqueNames(columns.map((c) => c.name), origin, "column");
}

export function requireAppend(origin: NodeOrigin, input: PlanNode, what: string): void {
  if (input.changelog.mode !== "append") {
    invalid(origin, `${what} needs append-only inputs, but ${input.path} is updating`, "join before the step that makes the stream updating");
  }
}

export function combinedChangelog(left: PlanNode, right: PlanNode, joinType: JoinType, on: readonly KeyPair[], columns: readonly ProjectedColumn[]): Changelog {
  const appendInputs = left.changelog.mode === "append" && right.changelog.mode === "append";
  if (appendInputs && joinType === "inner") return { mode: "append" };
  return { mode: "updating", key: joinUniqueKey(left, right, on, columns, joinType) };
}

/**
 * When one side is unique on its join keys, each row of the other side meets at most one row, so the
 * other side's unique key (if it has one, and the select keeps it) is a unique key of the result.
 */
function joinUniqueKey(left: PlanNode, right: PlanNode, on: readonly KeyPair[], columns: readonly ProjectedColumn[], joinType: JoinType): string[] | null {
  const uniqueOnJoinKeys = (side: PlanNode, keys: readonly string[]): boolean =>
    side.changelog.mode === "updating" && side.changelog.key !== null && side.changelog.key.every((k) => keys.includes(k));
  const keyThrough = (side: PlanNode, input: 0 | 1): string[] | null => {
    if (side.changelog.mode !== "updating" || side.changelog.key === null) return null;
    const names = side.changelog.key.map((k) => columns.find((c) => c.expr.kind === "column" && c.expr.input === input && c.expr.name === k)?.name);
    return names.every((n) => n !== undefined) ? (names as string[]) : null;
  };
  if ((joinType === "inner" || joinType === "left") && uniqueOnJoinKeys(right, on.map((p) => p.right))) return keyThrough(left, 0);
  if ((joinType === "inner" || joinType === "right") && uniqueOnJoinKeys(left, on.map((p) => p.left))) return keyThrough(right, 1);
  return null;
}
