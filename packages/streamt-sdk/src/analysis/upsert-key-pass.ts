import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, perNode, type PassContext } from "./pass-support.js";

/**
 * Refuses an upsert-kafka sink whose key is not the unique key of the updating result it writes
 * (STREAMT-E008): an update would then land on another key and leave the old row behind, and a delete
 * would remove the wrong row. Keys are compared as sets. When no unique key of the result is known (e.g.
 * a left join of an append-only stream), the key cannot be verified: a warning (STREAMT-W007), since
 * Flink accepts it (materialising the sink's key in state) and it is right whenever the key is unique
 * in the data; acknowledge it with the reason. An append-only stream may be written with any key: each
 * row simply replaces the previous row with that key (a "latest per key" table).
 */
export const upsertKeyPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "sink" || node.connector.kind !== "upsert-kafka") return [];
    const changelog = node.input.changelog;
    if (changelog.mode !== "updating") return [];
    const key = node.connector.key;
    const shown = (k: readonly string[]): string => `[${k.map((c) => JSON.stringify(c)).join(", ")}]`;
    if (changelog.key === null || changelog.key.length === 0) {
      return [finding(DiagnosticCode.upsertKeyUnverified, pipeline, node,
        `upsert key ${shown(key)} cannot be verified: no unique key is known for the updating result ${node.input.path}`,
        `if ${shown(key)} is unique in the data, acknowledge STREAMT-W007 with the reason; otherwise keep a unique key in select() (an aggregate's group keys, a dedup key, a Top-N partition and rank) and use it as the key`)];
    }
    const same = new Set(key).size === new Set(changelog.key).size && changelog.key.every((k) => key.includes(k));
    if (same) return [];
    return [finding(DiagnosticCode.upsertKeyNotUnique, pipeline, node,
      `upsert key ${shown(key)} is not the unique key of ${node.input.path}, which is ${shown(changelog.key)}`,
      `use key: ${shown(changelog.key)}`)];
  });
