/**
 * What a restore test checks before it runs anything: Flink gives a savepoint's state to the operators of
 * the new job by their place in the job (the SDK's SQL sets no operator uids, so Flink derives each from
 * the job's shape), not by what the state means. A step that keeps the same place but keys its state
 * differently (another group key of the same type, another window size) is given the old state anyway
 * and reads it under the new key: a wrong result, not a failed restore. Such a change is refused here;
 * any other change that does not fit, Flink refuses itself when the second job starts.
 */
import { formatType } from "../ir/data-type.js";
import { topologicalOrder, type PlanNode } from "../ir/plan-node.js";
import type { PipelineDef } from "../ir/plan.js";
import type { WindowSpec } from "../ir/window-spec.js";

/** A step of the pipeline changed so that Flink would restore state into it under another meaning. */
export interface StateMismatch {
  readonly before: StatefulStep;
  readonly after: StatefulStep;
}

export interface StatefulStep {
  readonly node: PlanNode;
  /** What its state is keyed by, as text: "group (customer_id STRING)". */
  readonly keyedBy: string;
}

/**
 * The first stateful step whose place is the same in both pipelines (the same kind of step, in the same
 * order) but whose state is keyed differently; null when there is none. Pipelines whose stateful steps
 * differ in number or kind are Flink's to refuse.
 */
export function stateMismatch(before: PipelineDef, after: PipelineDef): StateMismatch | null {
  const a = statefulSteps(before);
  const b = statefulSteps(after);
  if (a.length !== b.length || a.some((s, i) => s.node.kind !== b[i]!.node.kind)) return null;
  const i = a.findIndex((s, i) => s.keyedBy !== b[i]!.keyedBy);
  if (i < 0) return null;
  return { before: a[i]!, after: b[i]! };
}

function statefulSteps(def: PipelineDef): StatefulStep[] {
  return topologicalOrder(def.sinks).flatMap((node) => {
    const keyedBy = stateKey(node);
    return keyedBy === null ? [] : [{ node, keyedBy }];
  });
}

/** What a stateful step's state is keyed by, as text; null for a step without state. */
function stateKey(n: PlanNode): string | null {
  switch (n.kind) {
    case "aggregate":
      return `group ${columns(n.input, n.groupBy)}`;
    case "windowAggregate":
      return `${windowText(n.window)}, group ${columns(n.input, n.groupBy)}`;
    case "deduplicate":
      return `${n.window ? `${windowText(n.window)}, ` : ""}key ${columns(n.input, n.key)}, keep ${n.keep} by ${n.orderBy}`;
    case "topN":
      return `${n.window ? `${windowText(n.window)}, ` : ""}partition ${columns(n.input, n.partitionBy)}, top ${n.n} by ${n.orderBy.map((o) => `${o.column} ${o.direction}`).join(", ")}`;
    case "overAggregate":
      return `partition ${columns(n.input, n.partitionBy)}, last ${n.precedingRows + 1} rows by ${n.orderBy}`;
    case "join":
    case "intervalJoin":
    case "temporalJoin":
    case "windowJoin":
      return `join on ${n.on.map((p) => `${p.left} = ${p.right}`).join(" and ")}`;
    default:
      return null;
  }
}

/** Key columns with their types: "(customer_id STRING)". */
function columns(input: PlanNode, names: readonly string[]): string {
  return `(${names.map((name) => `${name} ${formatType(input.schema.find((c) => c.name === name)!.type)}`).join(", ")})`;
}

function windowText(w: WindowSpec): string {
  switch (w.kind) {
    case "tumble":
      return `tumble ${w.sizeMs} ms on ${w.timeColumn}`;
    case "hop":
      return `hop ${w.sizeMs} ms every ${w.slideMs} ms on ${w.timeColumn}`;
    case "session":
      return `session gap ${w.gapMs} ms on ${w.timeColumn}${w.partitionBy.length > 0 ? ` partition ${w.partitionBy.join(", ")}` : ""}`;
    case "cumulate":
      return `cumulate ${w.stepMs} ms up to ${w.maxSizeMs} ms on ${w.timeColumn}`;
  }
}
