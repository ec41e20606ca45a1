import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flinkRestCall } from "../runtime/flink-rest.js";
import { buildRunner, onJsonLines, spawnRunner, stderrTail } from "../runtime/flink-runner.js";
import type { OperatorChange, PlanOperator } from "./stable-plan.js";
import { checkpointInfo, type CheckpointInfo, type CheckpointStats } from "./status.js";

/**
 * What a job's latest savepoint holds, read from the savepoint itself: its `_metadata` file, through
 * Flink's own reader (Checkpoints.loadCheckpointMetadata, in the runner: `savepoint-metadata`). Flink
 * keys an operator's state by the OperatorID it hashes from the operator's uid, and a Flink 2 savepoint
 * writes each operator's uid next to its id; a stable plan's uids are `<node id>_<transformation>`
 * (table.exec.uid.format), so each operator with state in the savepoint names the plan node it belongs
 * to. Whether the new plan has that node decides the state's fate, as Flink decides it on restore.
 */

/** One operator of a savepoint, as the runner reports it. */
export interface SavepointOperator {
  /** Flink's OperatorID, 32 hex digits. */
  readonly id: string;
  /** The uid the operator ran with (Flink 2 writes it into the savepoint), or null. */
  readonly uid: string | null;
  /** The OperatorID Flink derives from `uid` (StreamGraphHasherV2); equals `id` when the state is keyed by the uid. */
  readonly uidHash: string | null;
  readonly name: string | null;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The size of its state in the savepoint, in bytes. */
  readonly bytes: number;
  /** Whether a restore must find it a new home (state in a subtask, or a coordinator's, e.g. a source's split enumerator). */
  readonly hasState: boolean;
  /** The names of its states: operator state, keyed state (from the key-group streams' headers), "(coordinator)". */
  readonly stateNames: readonly string[];
}

export interface SavepointContents {
  readonly path: string;
  readonly checkpointId: number;
  readonly operators: readonly SavepointOperator[];
}

/** A stateful operator's fate and, when compared with a savepoint, the state it holds there. */
export interface StatefulOperatorChange extends OperatorChange {
  /** Its state in the savepoint (summed over the operator's transformations), or null: not compared with a savepoint, or none there. */
  readonly savepointState: { readonly bytes: number; readonly names: readonly string[] } | null;
}

/** A running job's latest savepoint (one it took: stop-with-savepoint ends the job, so a running job's is a triggered one), or null. */
export async function latestSavepoint(restUrl: string, jobId: string): Promise<CheckpointInfo | null> {
  const stats = (await flinkRestCall(restUrl, "GET", `/jobs/${jobId}/checkpoints`)) as CheckpointStats;
  return checkpointInfo(stats.latest?.savepoint);
}

/**
 * Reads a savepoint's metadata on this machine: a `file:` location whose folder is here (the dev
 * cluster's, or a shared mount at the same path). Anything else is the reason it cannot be read here.
 */
export async function readSavepoint(location: string): Promise<SavepointContents | { readonly unreadable: string }> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(location)?.[1]?.toLowerCase() ?? "file";
  if (scheme !== "file") return { unreadable: `is on ${scheme}: storage, which streamt-sdk does not read (it reads savepoints on a local or mounted file system)` };
  const dir = location.startsWith("file:") ? fileURLToPath(new URL(location)) : location;
  if (!existsSync(path.join(dir, "_metadata"))) return { unreadable: `is not on this machine (no ${path.join(dir, "_metadata")}: mount the cluster's savepoint folder here at the same path to compare with it)` };
  let read = null as { checkpointId?: number; operators?: SavepointOperator[]; error?: string } | null;
  let failure = "";
  try {
    // The dev cluster's build (dev up made it): Flink 2 with flink-runtime, which reads the metadata.
    const runner = await buildRunner("cluster");
    const child = spawnRunner(runner, ["savepoint-metadata", dir], { jvmArgs: ["-Xmx256m"] });
    child.stdin!.end();
    const tail = stderrTail(child);
    onJsonLines(child, (event) => (read = event));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    failure = tail().split("\n").filter((l) => l.trim() !== "").at(-1) ?? `exit code ${code}`;
  } catch (e) {
    // No Java or no runner build here: plan goes on with the job's record, and says why.
    failure = e instanceof Error ? e.message : String(e);
  }
  if (read?.operators === undefined) return { unreadable: `could not be read by Flink here: ${read?.error ?? failure}` };
  return { path: location, checkpointId: read.checkpointId ?? 0, operators: read.operators };
}

/**
 * The plan node an operator's state belongs to: the `<id>` of a stable plan's uid `<id>_<transformation>`
 * (or of one Flink derives from it, e.g. a sink's committer, `Sink Committer: <id>_sink`), when Flink
 * keyed the state by that uid.
 */
function nodeOf(op: SavepointOperator): number | null {
  const id = op.uid === null || op.uidHash !== op.id ? null : /^(?:[A-Za-z ]+: )?(\d+)_[a-z][a-z0-9-]*$/.exec(op.uid)?.[1];
  return id == null ? null : Number(id);
}

/**
 * Each stateful operator's fate when a job whose savepoint is `savepoint` is restored into a plan of
 * nodes `planIds` (stateful ones: `after`): kept (its node is in the new plan: Flink restores its state
 * there), dropped (it holds state and the new plan has no node of its uid; also state under an id that
 * no stable plan's uid gives), new (a stateful operator of the new plan with nothing in the savepoint).
 * `before` (the running job's record, if any) describes the operators the new plan no longer has.
 */
export function compareWithSavepoint(savepoint: SavepointContents, before: readonly PlanOperator[], after: readonly PlanOperator[], planIds: ReadonlySet<number>): StatefulOperatorChange[] {
  const byNode = new Map<number, { bytes: number; names: Set<string>; hasState: boolean; name: string | null }>();
  const foreign: StatefulOperatorChange[] = [];
  for (const op of savepoint.operators) {
    const node = nodeOf(op);
    if (node === null) {
      if (op.hasState) foreign.push({ id: 0, type: "unknown", description: `operator ${op.id}${op.name ? ` (${op.name})` : ""}, whose uid ${op.uid ?? "(none)"} is not one of a stable plan`, step: null, fate: "dropped", savepointState: { bytes: op.bytes, names: op.stateNames } });
      continue;
    }
    const held = byNode.get(node) ?? { bytes: 0, names: new Set<string>(), hasState: false, name: op.name };
    held.bytes += op.bytes;
    op.stateNames.forEach((n) => held.names.add(n));
    held.hasState ||= op.hasState;
    byNode.set(node, held);
  }
  const stateOf = (id: number) => {
    const held = byNode.get(id);
    return held === undefined || !held.hasState ? null : { bytes: held.bytes, names: [...held.names].sort() };
  };
  const kept = after.map((o): StatefulOperatorChange => ({ ...o, fate: byNode.has(o.id) ? "kept" : "new", savepointState: stateOf(o.id) }));
  const dropped = [...byNode]
    .filter(([id, held]) => held.hasState && !planIds.has(id))
    .sort(([a], [b]) => a - b)
    .map(([id, held]): StatefulOperatorChange => {
      const known = before.find((b) => b.id === id);
      return { id, type: known?.type ?? "unknown", description: known?.description ?? held.name ?? `node ${id}`, step: known?.step ?? null, fate: "dropped", savepointState: stateOf(id) };
    });
  // A node the new plan has but does not count as stateful, holding state in the savepoint: restored, so kept.
  const keptElsewhere = [...byNode]
    .filter(([id, held]) => held.hasState && planIds.has(id) && !after.some((o) => o.id === id))
    .map(([id, held]): StatefulOperatorChange => ({ id, type: before.find((b) => b.id === id)?.type ?? "unknown", description: before.find((b) => b.id === id)?.description ?? held.name ?? `node ${id}`, step: null, fate: "kept", savepointState: stateOf(id) }));
  return [...kept, ...keptElsewhere, ...dropped, ...foreign];
}
