import { describe, expect, it } from "vitest";
import { compareWithSavepoint, latestSavepoint, readSavepoint, type SavepointOperator } from "../../packages/streamt-sdk/src/deploy/savepoint-state.js";
import type { PlanOperator } from "../../packages/streamt-sdk/src/deploy/stable-plan.js";

const op = (id: string, uid: string | null, bytes: number, stateNames: string[], uidHash: string | null = id): SavepointOperator => ({ id, uid, uidHash, name: uid === null ? "Calc" : `op ${uid}`, parallelism: 1, maxParallelism: 128, bytes, hasState: bytes > 0, stateNames });
const planOp = (id: number, type: string, description: string, step: string | null = null): PlanOperator => ({ id, type, description, step });

describe("compareWithSavepoint", () => {
  const before = [planOp(7, "stream-exec-table-source-scan_1", "TableSourceScan(ev)", "ev"), planOp(9, "stream-exec-group-aggregate_1", "GroupAggregate(groupBy=[k])")];
  const savepoint = {
    path: "file:/sp/savepoint-1",
    checkpointId: 3,
    operators: [
      op("aa", "7_source", 120, ["(coordinator)", "SourceReaderState"]),
      op("bb", "9_group-aggregate", 300, ["groupAggregateState"]),
      op("cc", "9_changelog-normalize", 0, []),
      // state under an id its uid does not hash to (set with uidHash), and state without a uid
      op("dd", "11_sink", 50, ["writer"], "ee"),
      op("ff", null, 10, ["x"]),
      op("00", null, 0, []),
    ],
  };

  it("keeps what the new plan has, drops what it lacks, names state no stable uid gives, and marks new operators", () => {
    const after = [planOp(7, "stream-exec-table-source-scan_1", "TableSourceScan(ev)", "ev"), planOp(12, "stream-exec-group-aggregate_1", "GroupAggregate(groupBy=[v])")];
    expect(compareWithSavepoint(savepoint, before, after, new Set([7, 12, 13]))).toEqual([
      { ...after[0], fate: "kept", savepointState: { bytes: 120, names: ["(coordinator)", "SourceReaderState"] } },
      { ...after[1], fate: "new", savepointState: null },
      { ...before[1], fate: "dropped", savepointState: { bytes: 300, names: ["groupAggregateState"] } },
      { id: 0, type: "unknown", description: "operator dd (op 11_sink), whose uid 11_sink is not one of a stable plan", step: null, fate: "dropped", savepointState: { bytes: 50, names: ["writer"] } },
      { id: 0, type: "unknown", description: "operator ff (Calc), whose uid (none) is not one of a stable plan", step: null, fate: "dropped", savepointState: { bytes: 10, names: ["x"] } },
    ]);
  });

  it("counts state of a node the new plan keeps but does not list as stateful as kept", () => {
    const after = [planOp(7, "stream-exec-table-source-scan_1", "TableSourceScan(ev)", "ev")];
    const kept = compareWithSavepoint({ ...savepoint, operators: savepoint.operators.slice(0, 2) }, before, after, new Set([7, 9]));
    expect(kept.map((o) => [o.id, o.fate, o.description])).toEqual([
      [7, "kept", "TableSourceScan(ev)"],
      [9, "kept", "GroupAggregate(groupBy=[k])"],
    ]);
  });

  it("names state of a node neither plan knows (the savepoint of another version of the pipeline) by its operator's name", () => {
    const held = { path: "file:/sp/savepoint-3", checkpointId: 5, operators: [op("b5", "15_window-aggregate", 80, ["windowState"])] };
    expect(compareWithSavepoint(held, before, [], new Set())).toEqual([
      { id: 15, type: "unknown", description: "op 15_window-aggregate", step: null, fate: "dropped", savepointState: { bytes: 80, names: ["windowState"] } },
    ]);
  });

  it("counts a sink committer's state (its uid is Flink's, derived from the sink's) with the sink's node", () => {
    const sink = planOp(21, "stream-exec-sink_1", "Sink(table=[out])", "ev/out");
    const held = { path: "file:/sp/savepoint-2", checkpointId: 4, operators: [op("a1", "21_sink", 40, ["writer_raw_states"]), op("a2", "Sink Committer: 21_sink", 60, ["streaming_committer_raw_states"])] };
    expect(compareWithSavepoint(held, [sink], [sink], new Set([21]))).toEqual([{ ...sink, fate: "kept", savepointState: { bytes: 100, names: ["streaming_committer_raw_states", "writer_raw_states"] } }]);
    expect(compareWithSavepoint(held, [sink], [], new Set())).toEqual([{ ...sink, fate: "dropped", savepointState: { bytes: 100, names: ["streaming_committer_raw_states", "writer_raw_states"] } }]);
  });
});

describe("readSavepoint", () => {
  it("says why a savepoint on remote storage, or not on this machine, is not read", async () => {
    expect(await readSavepoint("s3://bucket/savepoints/savepoint-1")).toEqual({ unreadable: "is on s3: storage, which streamt-sdk does not read (it reads savepoints on a local or mounted file system)" });
    expect(await readSavepoint("file:/nowhere/savepoint-1")).toEqual({ unreadable: "is not on this machine (no /nowhere/savepoint-1/_metadata: mount the cluster's savepoint folder here at the same path to compare with it)" });
    // A bare path is a file system path.
    expect(await readSavepoint("/nowhere/savepoint-2")).toEqual({ unreadable: "is not on this machine (no /nowhere/savepoint-2/_metadata: mount the cluster's savepoint folder here at the same path to compare with it)" });
  });
});

describe("latestSavepoint", () => {
  it("a REST API that does not answer is an error (fetch's), not \"no savepoint\"", async () => {
    const e = await latestSavepoint("http://127.0.0.1:1", "0123abcd").then((v) => ({ resolved: v }), (err: unknown) => err);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe("fetch failed");
  });
});
