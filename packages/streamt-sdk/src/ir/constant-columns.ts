import type { ExprNode } from "./expr-node.js";
import type { PlanNode } from "./plan-node.js";

/**
 * The columns of a node that hold one constant value on every row: set to a literal by a projection, or
 * pinned by a filter (`col = literal` or `col IN (literal)` in its top-level AND). Conservative: any other
 * node kind pins nothing. Flink's planner folds such columns into constants, and a ROW_NUMBER ordered only
 * by constants then fails to plan ("Error while applying rule FlinkLogicalOverAggregateConverter").
 */
export function constantColumns(node: PlanNode): Set<string> {
  switch (node.kind) {
    case "filter": {
      const pinned = constantColumns(node.input);
      for (const c of conjuncts(node.predicate)) {
        const col = pinnedBy(c);
        if (col !== null) pinned.add(col);
      }
      return pinned;
    }
    case "project": {
      const upstream = constantColumns(node.input);
      const pinned = new Set<string>();
      for (const c of node.columns) {
        if (c.expr.kind === "literal" || (c.expr.kind === "column" && c.expr.input === 0 && upstream.has(c.expr.name))) pinned.add(c.name);
      }
      return pinned;
    }
    default:
      return new Set();
  }
}

function conjuncts(e: ExprNode): ExprNode[] {
  return e.kind === "call" && e.op === "AND" ? e.args.flatMap(conjuncts) : [e];
}

function pinnedBy(e: ExprNode): string | null {
  if (e.kind !== "call") return null;
  const [a, b] = e.args;
  if (e.op === "=" && a && b) {
    if (a.kind === "column" && b.kind === "literal" && b.value !== null) return a.name;
    if (b.kind === "column" && a.kind === "literal" && a.value !== null) return b.name;
  }
  if (e.op === "IN" && e.args.length === 2 && a?.kind === "column" && b?.kind === "literal" && b.value !== null) return a.name;
  return null;
}
