import { conjuncts, mapColumns, walkExpr, type ColumnRef, type ExprNode } from "../ir/expr-node.js";
import type { PlanNode } from "../ir/plan-node.js";
import type { Plan } from "../ir/plan.js";
import type { FilterNode } from "../ir/nodes/filter-node.js";
import type { JoinNode } from "../ir/nodes/join-node.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, type PassContext } from "./pass-support.js";

/**
 * Refuses a filter that compares the two sides of a regular join whose result is written as upserts
 * (STREAMT-E016): Flink would leave a stale row in the topic.
 *
 * Why (Flink 2.2 and 1.20, FLINK-38579, checked with EXPLAIN CHANGELOG_MODE and on the engine):
 * an upsert-kafka sink whose key is the result's unique key asks only for upserts (no UPDATE_BEFORE).
 * A regular join passes that request on to its inputs when each updating input is unique on its join
 * keys, and Flink moves a WHERE condition that reads both sides into the join's own condition
 * (`Join(where=[AND(=(sku, sku0), <(qty, min_qty))], changelogMode=[I,UA,D])`). When an update makes a
 * joined row stop matching, the join sees only the new row, finds no match and emits nothing: the row
 * it wrote before is never deleted. A condition on one side's columns is moved to that side instead,
 * where a filter makes Flink keep UPDATE_BEFORE, and the result is right.
 *
 * Refused rather than rewritten: every form that makes Flink keep UPDATE_BEFORE here either depends on
 * a blind spot of its optimizer (an expression that hides the key from it), or adds a stateful operator
 * the user did not write (an aggregate by the key), whose state a later fix would drop, breaking the
 * job's restore from a savepoint. The hint names both ways the user can write it.
 */
export const upsertJoinFilterPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((pipeline) => {
    const found = new Map<string, Diagnostic>();
    for (const sink of pipeline.sinks) {
      if (!upsertsOnly(sink)) continue;
      const hits: Hit[] = [];
      crossSideConditions(sink.input, [], hits);
      for (const { filter, join, left, right } of hits) {
        const id = `${filter.path}\n${join.path}`;
        if (found.has(id)) continue;
        found.set(id, finding(DiagnosticCode.joinFilterLosesDelete, pipeline, filter,
          `the condition of ${filter.path} compares the two sides of the regular join ${join.path} (${columnsOf(left)} of ${join.left.path} with ${columnsOf(right)} of ${join.right.path}), and ${sink.path} writes the result as upserts keyed by ${keyText(sink)}: Flink checks the condition inside the join, which sends no delete when an update makes a row stop matching (FLINK-38579), so the old row stays in the topic`,
          hintFor(sink)));
      }
    }
    return [...found.values()];
  });

interface Pending {
  /** One AND term of a filter's condition, over the columns of the node it has reached. */
  readonly expr: ExprNode;
  readonly filter: FilterNode;
}

interface Hit {
  readonly filter: FilterNode;
  readonly join: JoinNode;
  readonly left: readonly string[];
  readonly right: readonly string[];
}

/**
 * An upsert-kafka sink keyed by its input's unique key: Flink then asks the input for upserts only
 * (with another key, or none known, it asks for UPDATE_BEFORE too and materialises the key itself).
 */
function upsertsOnly(sink: SinkNode): boolean {
  if (sink.connector.kind !== "upsert-kafka") return false;
  const changelog = sink.input.changelog;
  if (changelog.mode !== "updating" || changelog.key === null || changelog.key.length === 0) return false;
  const key = sink.connector.key;
  return new Set(key).size === new Set(changelog.key).size && changelog.key.every((k) => key.includes(k));
}

/**
 * Follows the request for upserts down from a sink through the steps that pass it on (filters,
 * selects, unions and regular joins on upserts), carrying each filter condition's AND terms down the
 * way Flink's optimizer moves them, and records the terms that reach a join reading both its sides.
 * Every other step asks its input for full changes (aggregates, Top-N, deduplication) or is
 * append-only, so nothing below it is at risk.
 */
function crossSideConditions(node: PlanNode, pending: readonly Pending[], hits: Hit[]): void {
  switch (node.kind) {
    case "filter":
      crossSideConditions(node.input, [...pending, ...conjuncts(node.predicate).map((expr) => ({ expr, filter: node }))], hits);
      return;
    case "project": {
      const byName = new Map(node.columns.map((c) => [c.name, c.expr]));
      crossSideConditions(node.input, pending.map((p) => ({ ...p, expr: mapColumns(p.expr, (r) => byName.get(r.name) ?? r) })), hits);
      return;
    }
    case "union":
      // Every input has the union's column names, in order.
      for (const input of node.inputs) crossSideConditions(input, pending, hits);
      return;
    case "join": {
      if (!joinsUpserts(node)) return;
      const byName = new Map(node.columns.map((c) => [c.name, c.expr]));
      const toSide: [Pending[], Pending[]] = [[], []];
      for (const p of pending) {
        const expr = mapColumns(p.expr, (r) => byName.get(r.name) ?? r);
        const refs = columnRefs(expr);
        const left = refs.filter((r) => r.input === 0).map((r) => r.name);
        const right = refs.filter((r) => r.input === 1).map((r) => r.name);
        if (left.length > 0 && right.length > 0) hits.push({ filter: p.filter, join: node, left, right });
        else if (left.length > 0) toSide[0].push({ ...p, expr });
        else if (right.length > 0) toSide[1].push({ ...p, expr: mapColumns(expr, (r) => ({ ...r, input: 0 })) });
      }
      crossSideConditions(node.left, toSide[0], hits);
      crossSideConditions(node.right, toSide[1], hits);
      return;
    }
    default:
      return;
  }
}

/**
 * Whether Flink runs a regular join on upserts when asked to: it has an updating input, and every
 * updating input is unique on its join keys (Flink's JoinKeyContainsUniqueKey). Otherwise the join
 * asks its inputs for UPDATE_BEFORE, and the whole plan then carries it.
 */
function joinsUpserts(join: JoinNode): boolean {
  const sides = [
    { node: join.left, keys: join.on.map((p) => p.left) },
    { node: join.right, keys: join.on.map((p) => p.right) },
  ];
  const updating = sides.filter((s) => s.node.changelog.mode === "updating");
  return updating.length > 0 && updating.every(({ node, keys }) =>
    node.changelog.mode === "updating" && node.changelog.key !== null && node.changelog.key.length > 0 && node.changelog.key.every((k) => keys.includes(k)));
}

function columnRefs(expr: ExprNode): ColumnRef[] {
  const refs: ColumnRef[] = [];
  walkExpr(expr, (n) => {
    if (n.kind === "column") refs.push(n);
  });
  return refs;
}

const columnsOf = (names: readonly string[]): string => [...new Set(names)].join(", ");

const keyText = (sink: SinkNode): string =>
  sink.connector.kind === "upsert-kafka" ? `[${sink.connector.key.map((k) => JSON.stringify(k)).join(", ")}]` : "[]";

/** What to write instead, with the sink's own key and columns. */
function hintFor(sink: SinkNode): string {
  const key = sink.connector.kind === "upsert-kafka" ? sink.connector.key : [];
  const rest = sink.input.schema.map((c) => c.name).filter((n) => !key.includes(n));
  const shown = rest.slice(0, 2).map((n) => `${n}: lastValue(${JSON.stringify(n)})`);
  const aggregates = rest.length === 0 ? "{ n: count() }" : `{ ${[...shown, ...(rest.length > 2 ? ["..."] : [])].join(", ")} }`;
  return `keep the comparison as a column instead of filtering on it (e.g. select a boolean column in the join) and filter when reading the topic; ` +
    `or aggregate by the key before writing: .groupBy(${key.map((k) => JSON.stringify(k)).join(", ")}).aggregate(${aggregates}, { ttl }), which makes Flink send the deletes; ` +
    `a condition on one side's columns alone can stay a filter`;
}
