import type { AggregateNode } from "./nodes/aggregate-node.js";
import type { DeduplicateNode } from "./nodes/deduplicate-node.js";
import type { FilterNode } from "./nodes/filter-node.js";
import type { IntervalJoinNode } from "./nodes/interval-join-node.js";
import type { JoinNode } from "./nodes/join-node.js";
import type { OverAggregateNode } from "./nodes/over-aggregate-node.js";
import type { ProjectNode } from "./nodes/project-node.js";
import type { SinkNode } from "./nodes/sink-node.js";
import type { SourceNode } from "./nodes/source-node.js";
import type { TemporalJoinNode } from "./nodes/temporal-join-node.js";
import type { TopNNode } from "./nodes/top-n-node.js";
import type { UnionNode } from "./nodes/union-node.js";
import type { WindowAggregateNode } from "./nodes/window-aggregate-node.js";
import type { WindowJoinNode } from "./nodes/window-join-node.js";

/** Every node of the plan, discriminated by `kind`. */
export type PlanNode =
  | SourceNode
  | FilterNode
  | ProjectNode
  | UnionNode
  | WindowAggregateNode
  | AggregateNode
  | DeduplicateNode
  | TopNNode
  | OverAggregateNode
  | IntervalJoinNode
  | TemporalJoinNode
  | WindowJoinNode
  | JoinNode
  | SinkNode;

export type NodeKind = PlanNode["kind"];
export type NodeOfKind<K extends NodeKind> = Extract<PlanNode, { kind: K }>;

/**
 * A table of handlers, one per node kind. Because it is a full Record over `NodeKind`, adding a node
 * kind without teaching every emitter and pass about it is a compile error.
 */
export type NodeVisitor<R> = { readonly [K in NodeKind]: (node: NodeOfKind<K>) => R };

export function visit<R>(node: PlanNode, visitor: NodeVisitor<R>): R {
  return (visitor[node.kind] as (n: PlanNode) => R)(node);
}

const INPUTS: NodeVisitor<readonly PlanNode[]> = {
  source: () => [],
  filter: (n) => [n.input],
  project: (n) => [n.input],
  union: (n) => n.inputs,
  windowAggregate: (n) => [n.input],
  aggregate: (n) => [n.input],
  deduplicate: (n) => [n.input],
  topN: (n) => [n.input],
  overAggregate: (n) => [n.input],
  intervalJoin: (n) => [n.left, n.right],
  temporalJoin: (n) => [n.left, n.right],
  windowJoin: (n) => [n.left, n.right],
  join: (n) => [n.left, n.right],
  sink: (n) => [n.input],
};

/** The direct inputs of a node, left before right. */
export function inputsOf(node: PlanNode): readonly PlanNode[] {
  return visit(node, INPUTS);
}

/** All nodes reachable from `roots`, each once, inputs before the nodes that read them. */
export function topologicalOrder(roots: readonly PlanNode[]): PlanNode[] {
  const seen = new Set<PlanNode>();
  const order: PlanNode[] = [];
  const walk = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    inputsOf(n).forEach(walk);
    order.push(n);
  };
  roots.forEach(walk);
  return order;
}
