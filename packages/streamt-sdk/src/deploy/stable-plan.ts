import { createHash } from "node:crypto";

/**
 * Stable operator ids for a compiled Flink plan (`COMPILE PLAN`). Flink names each operator's state by
 * its uid, `<id>_<transformation>` (table.exec.uid.format), where `<id>` is the ExecNode's id. Those ids
 * come from a counter that lives as long as the JVM that plans (the SQL Gateway): the same script
 * compiled twice gets ids 1..9, then 10..18. So each node's id is replaced here by one derived from what
 * the node is, so the same operator gets the same uid in every deployment:
 * - a source or sink: its node and the DDL of its table (a source reading another topic is another
 *   operator: its offsets do not carry over);
 * - any other node: its own definition and the keys of its inputs, so a step whose input changed is a
 *   new operator (its state was built from other rows) while a step added downstream changes nothing
 *   upstream: a filter after an aggregate keeps the aggregate's state and the sink's.
 */

export interface PlanOperator {
  /** The stable node id (the `<id>` of its uids). */
  readonly id: number;
  /** Flink's ExecNode type, e.g. stream-exec-global-window-aggregate_1. */
  readonly type: string;
  /** Flink's description of the node, e.g. GlobalWindowAggregate(groupBy=[k], ...). */
  readonly description: string;
  /** The pipeline step a source or sink node comes from (its table's statement path), else null. */
  readonly step: string | null;
}

/** A table of the session: its DDL and the step (plan path) it comes from. */
export interface SessionTable {
  readonly ddl: string;
  readonly step: string;
}

export interface StablePlan {
  /** The compiled plan with stable node ids, as EXECUTE PLAN reads it. */
  readonly json: string;
  /** The sha256 of `json`. */
  readonly sha256: string;
  /** The nodes that keep state in checkpoints and savepoints, by id. */
  readonly stateful: readonly PlanOperator[];
}

interface PlanNode {
  id: number;
  type: string;
  description?: string;
  scanTableSource?: { table?: { identifier?: string } };
  dynamicTableSink?: { table?: { identifier?: string } };
  lookupTableSource?: { table?: { identifier?: string } };
  [key: string]: unknown;
}

interface PlanEdge {
  source: number;
  target: number;
  [key: string]: unknown;
}

/**
 * Node types without state in a checkpoint (their uid may change freely). Every other type is treated as
 * stateful, so a type this list does not know is compared, never ignored.
 */
const STATELESS = /^stream-exec-(calc|exchange|union|drop-update-before|watermark-assigner|local-window-aggregate|local-group-aggregate|mini-batch-assigner|correlate|expand|values|python-calc)_\d+$/;

/** Flink's table identifier, e.g. `default_catalog`.`default_database`.`orders`: its last part. */
function tableOf(identifier: string): string {
  const parts = [...identifier.matchAll(/`((?:[^`]|``)*)`/g)].map((m) => m[1]!.replace(/``/g, "`"));
  return parts.at(-1) ?? identifier;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Gives each node of a compiled plan a stable id (see above). `tableDdl` is the DDL of each table of the
 * session by its name (the plan names tables only; their connector options are in the DDL).
 */
export function stabilisePlan(compiled: string, tables: ReadonlyMap<string, SessionTable>): StablePlan {
  const plan = JSON.parse(compiled) as { nodes: PlanNode[]; edges: PlanEdge[]; [key: string]: unknown };
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const inputsOf = new Map<number, number[]>();
  for (const e of plan.edges) inputsOf.set(e.target, [...(inputsOf.get(e.target) ?? []), e.source]);

  const tableOfNode = (node: PlanNode): SessionTable | null => {
    const identifier = node.scanTableSource?.table?.identifier ?? node.dynamicTableSink?.table?.identifier ?? node.lookupTableSource?.table?.identifier;
    return identifier === undefined ? null : (tables.get(tableOf(identifier)) ?? null);
  };
  const keys = new Map<number, string>();
  const keyOf = (id: number): string => {
    const known = keys.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const { id: _id, ...definition } = node;
    const ddl = tableOfNode(node)?.ddl ?? "";
    const own = JSON.stringify(definition);
    const key = node.dynamicTableSink !== undefined
      ? sha256(`sink\n${own}\n${ddl}`)
      : node.scanTableSource !== undefined
        ? sha256(`source\n${own}\n${ddl}`)
        : sha256(`node\n${own}\n${ddl}\n${(inputsOf.get(id) ?? []).map(keyOf).join("\n")}`);
    keys.set(id, key);
    return key;
  };

  // Ids from the keys: the first 31 bits of each, the next free one on a collision (in key order, so the
  // same plan always resolves a collision the same way).
  const newId = new Map<number, number>();
  const taken = new Set<number>();
  for (const node of [...plan.nodes].sort((a, b) => (keyOf(a.id) < keyOf(b.id) ? -1 : 1))) {
    let id = Math.max(1, parseInt(keyOf(node.id).slice(0, 8), 16) & 0x7fffffff);
    while (taken.has(id)) id = id === 0x7fffffff ? 1 : id + 1;
    taken.add(id);
    newId.set(node.id, id);
  }
  const stable = {
    ...plan,
    nodes: plan.nodes.map((n) => ({ ...n, id: newId.get(n.id)! })),
    edges: plan.edges.map((e) => ({ ...e, source: newId.get(e.source)!, target: newId.get(e.target)! })),
  };
  const json = JSON.stringify(stable, null, 2) + "\n";
  const stateful = plan.nodes
    .filter((n) => !STATELESS.test(n.type))
    .map((n) => ({ id: newId.get(n.id)!, type: n.type, description: n.description ?? n.type, step: n.dynamicTableSink !== undefined || n.scanTableSource !== undefined ? (tableOfNode(n)?.step ?? null) : null }))
    .sort((a, b) => a.id - b.id);
  return { json, sha256: sha256(json), stateful };
}

export type OperatorFate = "kept" | "dropped" | "new";

export interface OperatorChange extends PlanOperator {
  readonly fate: OperatorFate;
}

/**
 * What becomes of each stateful operator when a job running `before` is upgraded to `after`: kept (the
 * same id and type: Flink restores its state), dropped (its state is in the savepoint and nothing takes
 * it), new (it starts empty). A changed step is never restored with the state of another: its key, so
 * its id, changed too, and it shows as dropped and new.
 */
export function compareOperators(before: readonly PlanOperator[], after: readonly PlanOperator[]): OperatorChange[] {
  const same = (a: PlanOperator, b: PlanOperator) => a.id === b.id && a.type === b.type;
  return [
    ...after.map((o) => ({ ...o, fate: before.some((b) => same(b, o)) ? ("kept" as const) : ("new" as const) })),
    ...before.filter((b) => !after.some((o) => same(b, o))).map((o) => ({ ...o, fate: "dropped" as const })),
  ];
}
