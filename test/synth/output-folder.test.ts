/**
 * The output folder's write when the file system refuses mid-way: a coded error (STREAMT-O004) naming what
 * failed, the previous output as it was, and nothing left beside it but what was there.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { updateOutput, writeOutput, writeOutputAfter, type OutputFile } from "../../packages/streamt-sdk/src/synth/output-folder.js";

const OUTPUT_FOLDER = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/synth/output-folder.ts");

const folders: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-out-"));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A synth output of two pipelines whose every file names its generation. */
function output(generation: string): OutputFile[] {
  const sql = ["p0.sql", "p1.sql"].map((f) => ({ path: f, content: `-- ${generation}\n` }));
  return [...sql, { path: "manifest.json", content: JSON.stringify({ version: 2, sdkVersion: "0.1.0", artifacts: sql.map((f) => ({ id: f.path, files: [{ path: f.path }] })) }) }];
}

const contents = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));

describe("writeOutput when the file system refuses", () => {
  it("a previous output that cannot be moved aside for the swap (its .old-<pid> name is taken by a folder): STREAMT-O004, the previous output kept, the new one dropped", async () => {
    const project = tmp();
    const out = path.join(project, "out");
    const aside = `${out}.old-${process.pid}`;
    writeOutput("out", output("a"), { cwd: project, entries: [] });
    let caught: unknown;
    try {
      // Made once the new files are staged: only the swap meets it.
      await writeOutputAfter("out", output("b"), { cwd: project, entries: [] }, async () => {
        mkdirSync(path.join(aside, "in-the-way"), { recursive: true });
      });
    } catch (e) {
      caught = e;
    }
    expect(isStreamtError(caught)).toBe(true);
    const e = caught as Error & { code: string; hint: string };
    expect({ code: e.code, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-O004",
      message: `cannot write the output folder out: ENOTEMPTY: directory not empty, rename '${out}' -> '${aside}' (ENOTEMPTY at ${out}); nothing was changed`,
      hint: "choose an --out folder you can write, e.g. one inside your project",
    });
    expect(contents(out)).toEqual(Object.fromEntries(output("a").map((f) => [f.path, f.content])));
    expect(readdirSync(project).sort()).toEqual(["out", `out.old-${process.pid}`]);
    expect(readdirSync(aside)).toEqual(["in-the-way"]);
  });

  it("an output folder that cannot be listed (no read permission): STREAMT-O004 with the reason, nothing written", () => {
    const parent = tmp();
    chmodSync(parent, 0o755);
    const out = path.join(parent, "out");
    mkdirSync(out);
    writeFileSync(path.join(out, "p0.sql"), "-- mine\n");
    // Search and write but no read: lstat sees a folder, readdir is refused.
    chmodSync(out, 0o311);
    // The writer, bundled into one file in a folder anyone can read, run as 'nobody' when this is root (root reads any folder).
    const dir = tmp();
    chmodSync(dir, 0o755);
    const script = path.join(dir, "write.mjs");
    writeFileSync(
      path.join(dir, "entry.ts"),
      `import { writeOutput } from ${JSON.stringify(OUTPUT_FOLDER)};\n` +
        `try { writeOutput(${JSON.stringify(out)}, [{ path: "x.sql", content: "x" }]); console.log("{}"); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }\n`,
    );
    buildSync({ entryPoints: [path.join(dir, "entry.ts")], bundle: true, platform: "node", format: "esm", outfile: script, logLevel: "silent" });
    chmodSync(script, 0o644);
    const node = [process.execPath, script];
    const cmd = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
    try {
      expect(JSON.parse(execFileSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: "utf8" }))).toEqual({
        code: "STREAMT-O004",
        message: `cannot write the output folder ${out}: permission denied (the folder or its parent belongs to another user, or is not writable) (EACCES at ${out}); nothing was changed`,
      });
    } finally {
      chmodSync(out, 0o755);
    }
    expect(contents(out)).toEqual({ "p0.sql": "-- mine\n" });
    expect(readdirSync(parent)).toEqual(["out"]);
  }, 30_000);

  it("a write whose finish step fails (a JAR build) removes what it staged and the parents it created, and nothing else, relative paths resolved against the working directory included", async () => {
    const project = tmp();
    // A folder of the working directory that the write did not create: it stays.
    mkdirSync(path.join(project, "keep-me"));
    const cwd = process.cwd();
    process.chdir(project);
    try {
      await expect(
        writeOutputAfter("deep/er/out", output("a"), { cwd: project, entries: [] }, async (staging) => {
          expect(contents(staging)).toEqual(Object.fromEntries(output("a").map((f) => [f.path, f.content])));
          throw new Error("mvn package failed");
        }),
      ).rejects.toThrow("mvn package failed");
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(project)).toEqual(["keep-me"]);
  });
});

describe("updateOutput (synth --watch's write) after the folder changed by hand", () => {
  it("a manifest.json replaced by one that is not a streamt-sdk manifest: the write goes through writeOutput's guards and is refused (STREAMT-O001), the folder left as it is", () => {
    const project = tmp();
    const guard = { cwd: project, entries: [] };
    const written = updateOutput("out", output("a"), guard, null);
    writeFileSync(path.join(project, "out", "manifest.json"), `{"mine": true}`);
    const outcome = (): unknown => {
      try {
        updateOutput("out", output("b"), guard, written);
        return "written";
      } catch (e) {
        const { code, message, hint } = e as Error & { code: string; hint: string };
        return { code, message, hint };
      }
    };
    expect(outcome()).toEqual({
      code: "STREAMT-O001",
      message: "refusing to replace out: its manifest.json is not a streamt-sdk manifest, so synth did not write it",
      hint: "choose another --out folder (default streamt.out), or empty that one",
    });
    expect(contents(path.join(project, "out"))).toEqual({ "manifest.json": `{"mine": true}`, "p0.sql": "-- a\n", "p1.sql": "-- a\n" });
  });
});
