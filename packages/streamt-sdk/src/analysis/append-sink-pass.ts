import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Refuses an updating result written to the append-only `kafka` connector (STREAMT-E007): Flink
 * rejects it, because an append-only topic cannot retract a row it already wrote.
 */
export const appendSinkPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "sink" || node.connector.kind !== "kafka" || node.input.changelog.mode !== "updating") return [];
    const key = node.input.changelog.key;
    const keyText = key && key.length > 0 ? `[${key.map((k) => JSON.stringify(k)).join(", ")}]` : "[...]";
    return [finding(DiagnosticCode.updatingIntoAppendSink, pipeline, node,
      `toKafka() writes an append-only topic, and ${node.input.path} is updating (its rows are revised)`,
      `use toUpsertKafka(${JSON.stringify(node.connector.topic)}, { key: ${keyText} })${key && key.length > 0 ? " (the result's unique key)" : " with a unique key of the result"}`)];
  });
