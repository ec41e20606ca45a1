import { conjuncts, mapColumns, walkExpr, type ExprNode } from "../ir/expr-node.js";
import type { PlanNode } from "../ir/plan-node.js";
import type { Plan } from "../ir/plan.js";
import type { FilterNode } from "../ir/nodes/filter-node.js";
import type { TopNNode } from "../ir/nodes/top-n-node.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Refuses a filter that reads a Top-N's rank column other than by comparing it with a number
 * (STREAMT-E019), e.g. `.topN({ ..., n: 3 }).filter((o) => o.n.gt(o.row_num))`. Finding D11 of the
 * differential test (test/e2e/differential.test.ts).
 *
 * Why (Flink 2.2 and 1.20, checked with Flink's planner): Flink inlines the views, merges the filter
 * into the Top-N's `WHERE row_num <= n`, and plans a Top-N only when it can read a range of ranks out
 * of that condition (RankUtil.extractRankRange: the rank compared with a constant). Otherwise the
 * ROW_NUMBER() stays an OVER aggregate: Flink 1.20 refuses one not ordered by event time, Flink 2.2
 * one over an updating input or ordered by several columns ("The window can only be ordered by a
 * single time column"), and after a window Top-N it is updating, which an append sink refuses; where
 * Flink 2.2 runs it, it is not the Top-N the plan describes (no bound on its state, another changelog).
 * Steps between the Top-N and the filter that Flink sees through (selects, computed columns, other
 * filters) do not change that.
 */
export const rankFilterPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "filter") return [];
    const hit = rankReadIn(node, node.input, conjuncts(node.predicate));
    if (!hit) return [];
    return [finding(DiagnosticCode.rankFilterNotPlanned, pipeline, node,
      `the condition of ${node.path} reads the rank column '${hit.topN.rankColumn}' of ${hit.topN.path} other than by comparing it with a number: Flink merges the filter into the Top-N and then plans the ranking as an OVER aggregate, not a Top-N (Flink 1.20 refuses it, Flink 2.2 refuses it over an updating input or an order of several columns, and after a window Top-N it updates, which an append sink refuses)`,
      `compare the rank only with numbers, e.g. .filter((o) => o.${hit.topN.rankColumn}.le(2)) (or a smaller n); to test it against other columns, keep the test as a column (withColumns((o) => ({ ok: ... }))) and filter when reading the topic`)];
  });

/**
 * The Top-N whose rank column one of `terms` (AND terms of a condition over `node`'s columns) reads
 * other than in `rank <op> literal`, following the terms down through the steps Flink sees through.
 */
function rankReadIn(filter: FilterNode, node: PlanNode, terms: readonly ExprNode[]): { topN: TopNNode } | null {
  switch (node.kind) {
    case "filter":
      return rankReadIn(filter, node.input, terms);
    case "project": {
      const byName = new Map(node.columns.map((c) => [c.name, c.expr]));
      return rankReadIn(filter, node.input, terms.map((t) => mapColumns(t, (r) => byName.get(r.name) ?? r)));
    }
    case "topN": {
      const rank = node.rankColumn;
      return terms.some((t) => readsColumn(t, rank) && !comparesWithNumber(t, rank)) ? { topN: node } : null;
    }
    default:
      return null;
  }
}

function readsColumn(e: ExprNode, name: string): boolean {
  let found = false;
  walkExpr(e, (n) => {
    if (n.kind === "column" && n.name === name) found = true;
  });
  return found;
}

const COMPARISONS = new Set(["=", "<", "<=", ">", ">="]);

/** `rank <op> 3`, `3 <op> rank` or `rank BETWEEN 1 AND 3`: a range of ranks Flink reads out of the condition. */
function comparesWithNumber(e: ExprNode, rank: string): boolean {
  if (e.kind !== "call") return false;
  const isRank = (a: ExprNode | undefined) => a?.kind === "column" && a.name === rank;
  const isNumber = (a: ExprNode | undefined) => a?.kind === "literal" && a.value !== null;
  if (COMPARISONS.has(e.op) && e.args.length === 2) return (isRank(e.args[0]) && isNumber(e.args[1])) || (isNumber(e.args[0]) && isRank(e.args[1]));
  if (e.op === "BETWEEN") return isRank(e.args[0]) && e.args.slice(1).every(isNumber);
  return false;
}
