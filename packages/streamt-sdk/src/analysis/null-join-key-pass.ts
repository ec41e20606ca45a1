import { conjuncts } from "../ir/expr-node.js";
import type { PlanNode } from "../ir/plan-node.js";
import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Refuses a join on a key that an earlier step pins to NULL on every row (STREAMT-E020), e.g.
 * `.filter((o) => o.s.isNull()).temporalJoin(v, { on: { s: "k" }, ... })`. Finding D12 of the
 * differential test (test/e2e/differential.test.ts).
 *
 * Why (Flink 2.2 and 1.20, checked with Flink's planner for temporal, interval and regular joins):
 * such a key matches no row (NULL = x is never true), and Flink's planner fails on the script: it
 * folds the key to a NULL literal, derives that the other side's key is NULL too, and its project no
 * longer has the declared type ("Cannot add expression of different type to set"; a left temporal join:
 * "Unsupported call: __TEMPORAL_JOIN_LEFT_KEY"). Nothing there is worth emitting another way: the
 * user meant something else.
 */
export const nullJoinKeyPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "join" && node.kind !== "intervalJoin" && node.kind !== "temporalJoin" && node.kind !== "windowJoin") return [];
    const [left, right] = [nullColumns(node.left), nullColumns(node.right)];
    const keys = node.on.flatMap((p) => [...(left.has(p.left) ? [`'${p.left}' of ${node.left.path}`] : []), ...(right.has(p.right) ? [`'${p.right}' of ${node.right.path}`] : [])]);
    if (keys.length === 0) return [];
    return [finding(DiagnosticCode.nullJoinKey, pipeline, node,
      `${node.path} joins on ${keys.join(" and ")}, which an earlier filter (isNull()) makes NULL on every row: the join matches no row (NULL equals nothing), and Flink's planner fails on the script ("Cannot add expression of different type to set")`,
      "join on a column that has values: drop the isNull() filter before the join, or, to keep those rows, leave out the join (an inner join has none of them; a left join writes each with NULL for the other side)")];
  });

/** The columns of a node that are NULL on every row: tested `IS NULL` by a filter (a top-level AND term), or a copy of such a column. */
function nullColumns(node: PlanNode): Set<string> {
  switch (node.kind) {
    case "filter": {
      const cols = nullColumns(node.input);
      for (const c of conjuncts(node.predicate)) {
        const arg = c.kind === "call" && c.op === "IS NULL" ? c.args[0] : undefined;
        if (arg?.kind === "column") cols.add(arg.name);
      }
      return cols;
    }
    case "project": {
      const upstream = nullColumns(node.input);
      return new Set(node.columns.filter((c) => (c.expr.kind === "column" && c.expr.input === 0 && upstream.has(c.expr.name)) || (c.expr.kind === "literal" && c.expr.value === null)).map((c) => c.name));
    }
    default:
      return new Set();
  }
}
