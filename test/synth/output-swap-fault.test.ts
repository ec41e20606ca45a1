/**
 * The output folder's swap when both of its renames fail: the new output cannot take the folder's place, and
 * the previous output cannot be moved back. No real file system fails that way on demand, so the two renames
 * are made to fail here (every other file operation is the real one): the error must say where the previous
 * output is kept, the staged files must go, and the next synth must put the previous output back.
 */
import * as fs from "node:fs";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { recoverInterruptedSwap, writeOutput, type OutputFile } from "../../packages/streamt-sdk/src/synth/output-folder.js";

/** Renames whose source ends with one of these fail with the code given, once armed. */
const failing = vi.hoisted(() => new Map<string, string>());
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
    const code = [...failing].find(([suffix]) => String(from).endsWith(suffix))?.[1];
    if (code) throw Object.assign(new Error(`${code}: rename '${String(from)}' -> '${String(to)}'`), { code, path: String(from) });
    real.renameSync(from, to);
  };
  return { ...real, renameSync, default: { ...real, renameSync } };
});

const folders: string[] = [];
afterEach(() => {
  failing.clear();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function output(generation: string): OutputFile[] {
  const sql = ["p0.sql", "p1.sql"].map((f) => ({ path: f, content: `-- ${generation}\n` }));
  return [...sql, { path: "manifest.json", content: JSON.stringify({ version: 2, sdkVersion: "0.1.0", artifacts: sql.map((f) => ({ id: f.path, files: [{ path: f.path }] })) }) }];
}
const contents = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));

describe("writeOutput when the swap's renames both fail", () => {
  it("STREAMT-O004 naming where the previous output is kept and how to move it back; the staged files removed; a later run restores it", () => {
    const project = mkdtempSync(path.join(tmpdir(), "streamt-swap-"));
    folders.push(project);
    const out = path.join(project, "out");
    const aside = `${out}.old-${process.pid}`;
    writeOutput("out", output("a"), { cwd: project, entries: [] });

    failing.set(`out.tmp-${process.pid}`, "EIO").set(`out.old-${process.pid}`, "EBUSY");
    let caught: unknown;
    try {
      writeOutput("out", output("b"), { cwd: project, entries: [] });
    } catch (e) {
      caught = e;
    }
    expect(isStreamtError(caught)).toBe(true);
    const e = caught as Error & { code: string; hint: string };
    expect({ code: e.code, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-O004",
      message: `cannot write the output folder out: an input/output error of the disk (EIO at ${out}.tmp-${process.pid}); the previous output could not be moved back either (EBUSY): it is kept whole at ${aside}`,
      hint: `the next synth here puts it back, or move it back yourself: mv "${aside}" "${out}"`,
    });
    // Only the previous output, whole, under its aside name: the staged files are gone.
    expect(readdirSync(project)).toEqual([`out.old-${process.pid}`]);
    expect(contents(aside)).toEqual(Object.fromEntries(output("a").map((f) => [f.path, f.content])));

    // Once the renames work again and the process that moved it aside has ended, the next run puts it back.
    failing.clear();
    // (the aside folder renamed to the name a process that no longer runs would have given it: pids stop below 2^22)
    fs.renameSync(aside, `${out}.old-999999999`);
    recoverInterruptedSwap(out);
    expect(readdirSync(project)).toEqual(["out"]);
    expect(contents(out)).toEqual(Object.fromEntries(output("a").map((f) => [f.path, f.content])));
  });
});
