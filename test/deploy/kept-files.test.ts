import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findKept, keptFile, pruneKept } from "../../packages/streamt-sdk/src/deploy/kept-files.js";

// What apply keeps in flink.planDir for a rollback, per environment, and what it removes (deploy/kept-files.ts).
const scratch = path.resolve(import.meta.dirname, "../../.tmp");
const SHA = (c: string): string => c.repeat(64);
let planDir: string;

beforeEach(() => {
  mkdirSync(scratch, { recursive: true });
  planDir = mkdtempSync(path.join(scratch, "kept-"));
});
afterEach(() => rmSync(planDir, { recursive: true, force: true }));

const touch = (file: string): string => (writeFileSync(file, "x"), file);
const names = (folder: string): string[] => readdirSync(folder).sort();

describe("kept files", () => {
  it("live in the environment's own folder, named by pipeline and the plan's first 16 hex digits", () => {
    expect(keptFile(planDir, "prod eu", "orders/hourly", SHA("a"), "jar")).toBe(path.join(planDir, "prod%20eu", `orders%2Fhourly-${"a".repeat(16)}.jar`));
    expect(existsSync(path.join(planDir, "prod%20eu"))).toBe(true);
  });

  it("are found in the environment's folder first, then where earlier versions kept them (the top of planDir)", () => {
    const legacy = touch(path.join(planDir, `p-${"b".repeat(16)}.plan.json`));
    expect(findKept(planDir, "dev", "p", SHA("b"), "plan.json")).toBe(legacy);
    const own = touch(keptFile(planDir, "dev", "p", SHA("b"), "plan.json"));
    expect(findKept(planDir, "dev", "p", SHA("b"), "plan.json")).toBe(own);
    expect(findKept(planDir, "dev", "p", SHA("b"), "jar")).toBe(null);
    expect(findKept(planDir, "dev", "p", SHA("c"), "plan.json")).toBe(null);
  });

  it("pruning removes the pipeline's files of other plans in this environment only, and nothing else", () => {
    for (const c of ["a", "b", "c"]) for (const kind of ["plan.json", "pipeline.json", "jar"] as const) touch(keptFile(planDir, "dev", "p", SHA(c), kind));
    // Another pipeline whose name starts like this one's, another environment, the legacy place, other files.
    touch(keptFile(planDir, "dev", "p-q", SHA("a"), "jar"));
    touch(keptFile(planDir, "prod", "p", SHA("a"), "jar"));
    touch(path.join(planDir, `p-${"a".repeat(16)}.jar`));
    touch(path.join(planDir, "dev", "notes.txt"));
    touch(path.join(planDir, "dev", `p-${"a".repeat(15)}.jar`));

    expect(pruneKept(planDir, "dev", "p", [SHA("b"), SHA("c")])).toEqual([`p-${"a".repeat(16)}.jar`, `p-${"a".repeat(16)}.pipeline.json`, `p-${"a".repeat(16)}.plan.json`]);
    expect(names(path.join(planDir, "dev"))).toEqual(
      [
        "notes.txt",
        `p-${"a".repeat(15)}.jar`,
        ...["b", "c"].flatMap((c) => [`p-${c.repeat(16)}.jar`, `p-${c.repeat(16)}.pipeline.json`, `p-${c.repeat(16)}.plan.json`]),
        `p-q-${"a".repeat(16)}.jar`,
      ].sort(),
    );
    expect(names(path.join(planDir, "prod"))).toEqual([`p-${"a".repeat(16)}.jar`]);
    expect(names(planDir)).toEqual(["dev", `p-${"a".repeat(16)}.jar`, "prod"]);
    // Keeping one plan: the other goes; an environment without a folder prunes nothing.
    expect(pruneKept(planDir, "dev", "p", [SHA("c")])).toEqual([`p-${"b".repeat(16)}.jar`, `p-${"b".repeat(16)}.pipeline.json`, `p-${"b".repeat(16)}.plan.json`]);
    expect(pruneKept(planDir, "staging", "p", [])).toEqual([]);
  });
});
