import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { filesUnder } from "../helpers.js";
import { recoverInterruptedSwap, writeOutput, type OutputFile } from "../../packages/streamt-sdk/src/synth/output-folder.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OUTPUT_FOLDER = path.join(ROOT, "packages/streamt-sdk/src/synth/output-folder.ts");
const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-out-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) {
    // A test may leave a folder without write permission: give it back before removing.
    spawnSync("chmod", ["-R", "u+rwx", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A synth output of n pipelines whose every file names its generation, so a mix of two is visible. */
function output(generation: string, n = 3): OutputFile[] {
  const sql = Array.from({ length: n }, (_, i) => ({ path: `p${i}.sql`, content: `-- ${generation}\n` }));
  const manifest = { version: 1, sdkVersion: "0.1.0", generation, artifacts: sql.map((f) => ({ path: f.path })) };
  return [...sql, { path: "manifest.json", content: JSON.stringify(manifest) }];
}

function refusal(run: () => void): { code: string; message: string; hint: string | null } {
  try {
    run();
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint };
  }
  throw new Error("expected a refusal");
}

/** Every file under a folder with its content: what a refusal must leave exactly as it was. */
const snapshot = filesUnder;

describe("synth replaces only folders it wrote", () => {
  it("refuses the current directory even when it holds an unrelated manifest.json, and deletes nothing", () => {
    const project = tmp();
    writeFileSync(path.join(project, "manifest.json"), JSON.stringify({ name: "my web app", icons: [] }));
    mkdirSync(path.join(project, "src"));
    writeFileSync(path.join(project, "src", "p.ts"), "export {};\n");
    mkdirSync(path.join(project, ".git"));
    writeFileSync(path.join(project, ".git", "HEAD"), "ref: refs/heads/main\n");
    const before = snapshot(project);
    expect(refusal(() => writeOutput(".", output("a"), { cwd: project, entries: ["src/p.ts"] }))).toEqual({
      code: "STREAMT-O002",
      message: "refusing to use . as the output folder: it is the current directory, and synth replaces its output folder as a whole",
      hint: "write to a folder of its own, e.g. --out streamt.out (the default)",
    });
    expect(snapshot(project)).toEqual(before);
  });

  it("refuses a folder whose manifest.json is not a streamt-sdk manifest", () => {
    const project = tmp();
    const ext = path.join(project, "extension");
    mkdirSync(ext);
    writeFileSync(path.join(ext, "manifest.json"), JSON.stringify({ manifest_version: 3, name: "ext" }));
    writeFileSync(path.join(ext, "background.js"), "chrome.runtime;\n");
    const before = snapshot(project);
    expect(refusal(() => writeOutput("extension", output("a"), { cwd: project, entries: [] }))).toEqual({
      code: "STREAMT-O001",
      message: "refusing to replace extension: its manifest.json is not a streamt-sdk manifest, so synth did not write it",
      hint: "choose another --out folder (default streamt.out), or empty that one",
    });
    expect(snapshot(project)).toEqual(before);
  });

  it("refuses a synth output folder that also holds files its manifest does not list", () => {
    const project = tmp();
    writeOutput("out", output("a"), { cwd: project, entries: [] });
    writeFileSync(path.join(project, "out", "notes.md"), "mine\n");
    mkdirSync(path.join(project, "out", "drafts"));
    const before = snapshot(project);
    expect(refusal(() => writeOutput("out", output("b"), { cwd: project, entries: [] }))).toEqual({
      code: "STREAMT-O001",
      message: "refusing to replace out: it holds drafts, notes.md, which its manifest does not list, so synth did not write them",
      hint: "move those files out of the output folder (synth replaces it as a whole), or choose another --out folder",
    });
    expect(snapshot(project)).toEqual(before);
  });

  it.each([
    ["..", "it holds the current directory"],
    ["/", "it is the root of the file system"],
    ["src", "it holds the entry module src/pipelines/p.ts"],
    ["lib", "it is a project root (it holds package.json)"],
    ["repo", "it is a project root (it holds .git)"],
  ])("refuses --out %s: %s", (out, why) => {
    const project = tmp();
    mkdirSync(path.join(project, "src", "pipelines"), { recursive: true });
    writeFileSync(path.join(project, "src", "pipelines", "p.ts"), "export {};\n");
    mkdirSync(path.join(project, "lib"));
    writeFileSync(path.join(project, "lib", "package.json"), "{}\n");
    mkdirSync(path.join(project, "repo", ".git"), { recursive: true });
    const before = snapshot(project);
    const r = refusal(() => writeOutput(out, output("a"), { cwd: project, entries: ["src/pipelines/p.ts"] }));
    expect(r.code).toBe("STREAMT-O002");
    expect(r.message).toBe(`refusing to use ${out} as the output folder: ${why}, and synth replaces its output folder as a whole`);
    expect(snapshot(project)).toEqual(before);
  });

  it("replaces a folder it wrote, an empty folder, and a missing one (creating its parents)", () => {
    const project = tmp();
    writeOutput("out", output("a"), { cwd: project, entries: [] });
    writeOutput("out", output("b", 2), { cwd: project, entries: [] });
    expect(Object.keys(snapshot(path.join(project, "out"))).sort()).toEqual(["manifest.json", "p0.sql", "p1.sql"]);
    expect(readFileSync(path.join(project, "out", "p0.sql"), "utf8")).toBe("-- b\n");
    mkdirSync(path.join(project, "empty"));
    writeOutput("empty", output("c", 1), { cwd: project, entries: [] });
    writeOutput("deep/er/out", output("d", 1), { cwd: project, entries: [] });
    expect(readFileSync(path.join(project, "deep/er/out/p0.sql"), "utf8")).toBe("-- d\n");
    expect(readdirSync(project).sort()).toEqual(["deep", "empty", "out"]);
  });
});

describe("output folder failures are coded errors that leave nothing behind", () => {
  it("a file in the way", () => {
    const project = tmp();
    writeFileSync(path.join(project, "out"), "a file\n");
    expect(refusal(() => writeOutput("out", output("a"), { cwd: project, entries: [] }))).toEqual({
      code: "STREAMT-O003",
      message: "out is a file, not a folder",
      hint: "choose another --out folder (default streamt.out), or move that file away",
    });
    writeFileSync(path.join(project, "parent"), "a file\n");
    expect(refusal(() => writeOutput("parent/out", output("a"), { cwd: project, entries: [] })).message).toBe(
      `cannot create parent/out: ${path.join(project, "parent")} is a file, not a folder`,
    );
    expect(readdirSync(project).sort()).toEqual(["out", "parent"]);
  });

  it("a dangling symbolic link, as the folder or as a parent", () => {
    const project = tmp();
    symlinkSync(path.join(project, "gone"), path.join(project, "out"));
    expect(refusal(() => writeOutput("out", output("a"), { cwd: project, entries: [] }))).toEqual({
      code: "STREAMT-O003",
      message: `out is a symbolic link (to ${path.join(project, "gone")}, which does not exist); synth replaces its output folder as a whole and would replace the link`,
      hint: `pass the folder itself (--out ${path.join(project, "gone")}), or remove the link`,
    });
    symlinkSync(path.join(project, "nowhere"), path.join(project, "link"));
    const r = refusal(() => writeOutput("link/out", output("a"), { cwd: project, entries: [] }));
    expect(r.code).toBe("STREAMT-O003");
    expect(r.message).toBe(`cannot create link/out: ${path.join(project, "link")} is a symbolic link to ${path.join(project, "nowhere")}, which does not exist`);
    expect(readdirSync(project).sort()).toEqual(["link", "out"]);
  });

  it("pseudo file systems answer at once with a code (a recursive mkdir in /proc never returns)", () => {
    const proc = refusal(() => writeOutput("/proc/streamt-out/x", output("a"), { cwd: tmp(), entries: [] }));
    expect(proc.code).toBe("STREAMT-O004");
    expect(proc.message).toBe(
      "cannot write the output folder /proc/streamt-out/x: the parent folder does not accept new folders (a pseudo file system such as /proc?) (ENOENT at /proc/streamt-out); nothing was changed",
    );
    const sys = refusal(() => writeOutput("/sys/streamt-out", output("a"), { cwd: tmp(), entries: [] }));
    expect(sys.code).toBe("STREAMT-O004");
    expect(sys.message).toMatch(/^cannot write the output folder \/sys\/streamt-out: .* \((EPERM|EACCES|ENOENT|EROFS) at \/sys\/streamt-out[^)]*\); nothing was changed$/);
  });

  it("a folder of another user: permission denied, no stray folder", () => {
    const parent = tmp();
    chmodSync(parent, 0o755);
    // The writer, bundled into one file in a folder anyone can read: the other user may not be able to
    // enter the checkout (CI clones under /root).
    const dir = tmp();
    chmodSync(dir, 0o755);
    const script = path.join(dir, "write.mjs");
    writeFileSync(
      path.join(dir, "entry.ts"),
      `import { writeOutput } from ${JSON.stringify(OUTPUT_FOLDER)};\n` +
        `try { writeOutput(${JSON.stringify(path.join(parent, "a/out"))}, [{ path: "x.sql", content: "x" }]); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }\n`,
    );
    buildSync({ entryPoints: [path.join(dir, "entry.ts")], bundle: true, platform: "node", format: "esm", outfile: script, logLevel: "silent" });
    chmodSync(script, 0o644);
    const node = [process.execPath, script];
    // As root every folder is writable: run the writer as 'nobody' so the file system really refuses.
    const cmd = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
    if (process.getuid?.() !== 0) chmodSync(parent, 0o555);
    const out = execFileSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      code: "STREAMT-O004",
      message: `cannot write the output folder ${path.join(parent, "a/out")}: permission denied (the folder or its parent belongs to another user, or is not writable) (EACCES at ${path.join(parent, "a")}); nothing was changed`,
    });
    expect(readdirSync(parent)).toEqual([]);
  }, 30_000);
});

describe("the swap survives kills", () => {
  it("puts back the previous output that a kill between the two renames left aside, and drops unfinished writes", () => {
    const project = tmp();
    writeOutput("out", output("a"), { cwd: project, entries: [] });
    const dead = deadPid();
    // What a kill leaves: the old output moved aside, the new one still in its temporary folder.
    execFileSync("mv", [path.join(project, "out"), path.join(project, `out.old-${dead}`)]);
    mkdirSync(path.join(project, `out.tmp-${dead}`));
    writeFileSync(path.join(project, `out.tmp-${dead}`, "p0.sql"), "-- half\n");
    recoverInterruptedSwap(path.join(project, "out"));
    expect(readdirSync(project)).toEqual(["out"]);
    expect(readFileSync(path.join(project, "out", "p0.sql"), "utf8")).toBe("-- a\n");
  });

  it("an old output half-removed by a kill (its manifest already gone) is removed, never restored", () => {
    const project = tmp();
    writeOutput("out", output("b"), { cwd: project, entries: [] });
    const dead = deadPid();
    mkdirSync(path.join(project, `out.old-${dead}`));
    writeFileSync(path.join(project, `out.old-${dead}`, "p1.sql"), "-- a\n");
    recoverInterruptedSwap(path.join(project, "out"));
    expect(readdirSync(project)).toEqual(["out"]);
    expect(readFileSync(path.join(project, "out", "p0.sql"), "utf8")).toBe("-- b\n");
  });

  it("a leftover of a process that still runs is left alone", () => {
    const project = tmp();
    mkdirSync(path.join(project, `out.tmp-${process.ppid}`));
    recoverInterruptedSwap(path.join(project, "out"));
    expect(readdirSync(project)).toEqual([`out.tmp-${process.ppid}`]);
  });

  it("random kills of a writer leave one complete generation, never a mix, never nothing", async () => {
    const project = tmp();
    writeOutput("out", output("g0", 20), { cwd: project, entries: [] });
    const script = path.join(project, "writer.ts");
    writeFileSync(
      script,
      `import { writeOutput } from ${JSON.stringify(OUTPUT_FOLDER)};\n` +
        `const files = (g: string) => { const sql = Array.from({ length: 20 }, (_, i) => ({ path: "p" + i + ".sql", content: "-- " + g + "\\n" }));\n` +
        `  return [...sql, { path: "manifest.json", content: JSON.stringify({ version: 1, sdkVersion: "0.1.0", generation: g, artifacts: sql.map((f) => ({ path: f.path })) }) }]; };\n` +
        `process.stdout.write("ready\\n");\n` +
        `for (let i = 1; ; i++) writeOutput(${JSON.stringify(path.join(project, "out"))}, files("g" + i));\n`,
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), async (delayMs) => {
        await killAfter(script, delayMs);
        recoverInterruptedSwap(path.join(project, "out"));
        expect(readdirSync(project).sort()).toEqual(["out", "writer.ts"]);
        const files = snapshot(path.join(project, "out"));
        const generation = (JSON.parse(files["manifest.json"]!) as { generation: string }).generation;
        expect(Object.keys(files).length).toBe(21);
        for (let i = 0; i < 20; i++) expect(files[`p${i}.sql`]).toBe(`-- ${generation}\n`);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  return child.pid!;
}

/** Starts the writer, lets it loop for delayMs after it is ready, then SIGKILLs it. */
function killAfter(script: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGKILL"), delayMs));
    child.on("exit", () => resolve());
    child.on("error", reject);
  });
}

describe("the CLI", () => {
  it("synth --out . from a project with an unrelated manifest.json exits 1 and keeps every file", () => {
    const project = tmp();
    writeFileSync(path.join(project, "manifest.json"), "{}\n");
    const entry = path.join(ROOT, "examples/customer-totals.ts");
    // --no-cache: the folder must hold exactly what it held; the cache folder (node_modules/.cache) would be new.
    const r = spawnSync(process.execPath, [path.join(ROOT, "packages/streamt-sdk/bin/streamt-sdk.js"), "synth", entry, "--out", ".", "--no-typecheck", "--no-cache"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "error STREAMT-O002: refusing to use . as the output folder: it is the current directory, and synth replaces its output folder as a whole\n" +
        "  fix: write to a folder of its own, e.g. --out streamt.out (the default)\n",
    );
    expect(readdirSync(project)).toEqual(["manifest.json"]);
    expect(existsSync(path.join(project, "manifest.json"))).toBe(true);
  }, 60_000);
});
