import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updateOutput, writeOutput, type OutputFile } from "../../packages/streamt-sdk/src/synth/output-folder.js";
import { BIN, runCli, type Run } from "../cli/support.js";
import { fileEditor, moduleCode, newProject, scratchFolder, THREE_PIPELINES } from "./fixture.js";

const SCRATCH = scratchFolder("watch");

let dir: string;
const { write, edit } = fileEditor(() => dir);
const ENTRIES = ["a.ts", "b.ts"];

const cli = (...args: string[]): Promise<Run> => runCli(args, { cwd: dir });

/** Every file under `out` (relative paths, sorted) with its text. */
function folder(out: string): Record<string, string> {
  const root = path.resolve(dir, out);
  const files: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(root, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else files[rel] = readFileSync(path.join(root, rel), "utf8");
    }
  };
  walk("");
  return files;
}

/**
 * The output folder equals, byte for byte, what a synth without any cache writes from the files on disk
 * now (into a folder beside the project: one inside it would be a change the watch sees).
 */
async function expectEqualToColdSynth(): Promise<void> {
  const cold = `${dir}-cold`;
  const run = await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache", "--out", cold);
  expect(run.code, run.stderr).toBe(0);
  expect(folder("streamt.out")).toEqual(folder(cold));
  rmSync(cold, { recursive: true });
}

/** What a process left beside the output folder: only the folder itself, no `streamt.out.tmp-*` or `.old-*`. */
const outputNames = (): string[] => readdirSync(dir).filter((f) => f.startsWith("streamt.out")).sort();

/** A `synth --watch` process in the project (`nodeArgs`: Node's own options): its run lines, its stderr, a wait for a condition (2 minutes at most, and never past the process's end), and its exit code. */
function startWatch(args: readonly string[], nodeArgs: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, "synth", ...ENTRIES, ...args, "--watch"], { cwd: dir, env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let ended: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve((ended = code))));
  const runs = (): string[] => stdout.split("\n").filter((l) => l !== "");
  const until = async (what: string, done: () => boolean): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (!done()) {
      // A watch that has ended (crashed) never gets there: said at once, not after the deadline.
      if (ended !== undefined) throw new Error(`the watch exited (code ${ended}) while waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, runs, until, stderr: () => stderr };
}

const SYNTHESISED = /^\[\d\d:\d\d:\d\d\] synthesised 2 pipelines into streamt\.out in \d+ ms; watching for changes \(Ctrl-C stops\)$/;

beforeEach(() => {
  dir = newProject(SCRATCH, moduleCode);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-cold`, { recursive: true, force: true });
});

describe("synth --watch", () => {
  it("writes each save's edit, of a module or of a module it imports, equal to a cold synth; findings appear and go as they change; SIGTERM exits 0", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(SYNTHESISED);
      await expectEqualToColdSynth();

      edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
      await until("the run after the save", () => runs().length >= 2 && folder("streamt.out")["a.sql"]!.includes("`amount` > 250"));
      expect(runs().at(-1)).toMatch(SYNTHESISED);
      await expectEqualToColdSynth();

      // The schema module both entries import: its edit reaches both, through the warm import thread.
      edit("schemas.ts", "status: t.string() }", "status: t.string(), channel: t.string() }");
      await until("the run after the schema's edit", () => folder("streamt.out")["b.sql"]!.includes("`channel` STRING"));
      expect(folder("streamt.out")["a.sql"]).toContain("`channel` STRING");
      await expectEqualToColdSynth();

      // A finding appears when the module gains one, printed once, and "no findings" when it goes.
      write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}export const spare = source("spare", { topic: "spare", schema: Order });\n`);
      await until("the run with a finding", () => stderr().includes("source 'spare' is declared but no pipeline reads it"));
      write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}// no spare source\n`);
      await until("the run without it", () => stderr().includes("no findings\n"));
      expect(stderr().split("source 'spare' is declared but no pipeline reads it")).toHaveLength(2);
      expect(stderr().split("no findings\n")).toHaveLength(2);
      await expectEqualToColdSynth();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(outputNames()).toEqual(["streamt.out"]);
  });

  it("a module of several pipelines sharing a source: an edit of one, a line inserted above another, the edit undone; each save equal to a cold synth", { timeout: 300_000 }, async () => {
    write("b.ts", THREE_PIPELINES);
    const { child, exited, runs, until } = startWatch(["--no-typecheck"]);
    const saved = async (what: string, done: (files: Record<string, string>) => boolean): Promise<void> => {
      const before = runs().length;
      await until(what, () => runs().length > before && done(folder("streamt.out")));
      expect(runs().at(-1)).toMatch(/ synthesised 4 pipelines into streamt\.out in \d+ ms; /);
      await expectEqualToColdSynth();
    };
    try {
      await until("the first run", () => runs().length >= 1);
      await expectEqualToColdSynth();
      edit("b.ts", "o.amount.gt(100)", "o.amount.gt(250)");
      await saved("the edit of large", (f) => f["large.sql"]!.includes("`amount` > 250"));
      edit("b.ts", "export const copy", "// copied as is\nexport const copy");
      await saved("the line above copy", (f) => f["manifest.json"]!.includes(`"line": 7`));
      edit("b.ts", "o.amount.gt(250)", "o.amount.gt(100)");
      await saved("the edit undone", (f) => f["large.sql"]!.includes("`amount` > 100"));
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  /** Moves schemas.ts to a folder beside the project (a monorepo's ../lib) and imports it from there; returns the folder. */
  const shareSchemas = (): string => {
    const lib = `${dir}-lib`;
    mkdirSync(lib);
    writeFileSync(path.join(lib, "schemas.ts"), readFileSync(path.join(dir, "schemas.ts"), "utf8"));
    rmSync(path.join(dir, "schemas.ts"));
    for (const entry of ENTRIES) edit(entry, `from "./schemas.js"`, `from "../${path.basename(lib)}/schemas.js"`);
    return lib;
  };

  /** A watch with these options sees an edit of the shared ../lib/schemas.ts: both scripts get the new column, equal to a cold synth. */
  async function sharedModuleEditIsSeen(lib: string, args: readonly string[]): Promise<void> {
    const { child, exited, runs, until } = startWatch(["--no-typecheck", ...args]);
    try {
      await until("the first run", () => runs().length >= 1);
      await expectEqualToColdSynth();
      const text = readFileSync(path.join(lib, "schemas.ts"), "utf8");
      writeFileSync(path.join(lib, "schemas.ts"), text.replace("status: t.string() }", "status: t.string(), channel: t.string() }"));
      await until("the run after the shared module's edit", () => runs().length >= 2 && folder("streamt.out")["a.sql"]!.includes("`channel` STRING"));
      expect(folder("streamt.out")["b.sql"]).toContain("`channel` STRING");
      await expectEqualToColdSynth();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }

  it("a module outside the project folder, under --no-cache (no module cache records the imports): its edit is seen and written, equal to a cold synth", { timeout: 300_000 }, async () => {
    const lib = shareSchemas();
    try {
      await sharedModuleEditIsSeen(lib, ["--no-cache"]);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });

  it("a module outside the project folder imported only by entries the module cache cannot keep (they read process.env): its edit is seen and written", { timeout: 300_000 }, async () => {
    const lib = shareSchemas();
    for (const entry of ENTRIES) write(entry, `${readFileSync(path.join(dir, entry), "utf8")}export const region = process.env.STREAMT_TEST_REGION ?? "eu";\n`);
    try {
      await sharedModuleEditIsSeen(lib, []);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });

  it("a module outside the project folder (a monorepo's shared schemas in ../lib): its edit is seen and written, equal to a cold synth, and so is what a later synth reads from the cache", { timeout: 300_000 }, async () => {
    const lib = shareSchemas();
    try {
      await sharedModuleEditIsSeen(lib, []);
      // The module cache the watch left: a synth reading it writes what a cold synth writes.
      const cached = await cli("synth", ...ENTRIES, "--no-typecheck", "--out", `${dir}-cached`);
      expect(cached.code, cached.stderr).toBe(0);
      const cold = await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache", "--out", `${dir}-cold`);
      expect(cold.code, cold.stderr).toBe(0);
      expect(folder(`${dir}-cached`)).toEqual(folder(`${dir}-cold`));
      expect(folder(`${dir}-cached`)["a.sql"]).toContain("`channel` STRING");
    } finally {
      for (const extra of [lib, `${dir}-cached`]) rmSync(extra, { recursive: true, force: true });
    }
  });

  it("a pipeline that goes leaves the folder; a file added there by hand stops the write (STREAMT-O001), and nothing it did not write is touched", { timeout: 300_000 }, async () => {
    write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}export const c = pipeline("c").write(orders.toKafka("c.out"));\n`);
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    try {
      await until("the first run", () => runs().length >= 1);
      expect(Object.keys(folder("streamt.out"))).toEqual(["a.sql", "b.sql", "c.sql", "manifest.json", "plan.json", "topics.json"]);
      write("b.ts", moduleCode("b", `o.status.eq("paid")`));
      await until("the run after c went", () => !existsSync(path.join(dir, "streamt.out", "c.sql")));
      expect(Object.keys(folder("streamt.out"))).toEqual(["a.sql", "b.sql", "manifest.json", "plan.json", "topics.json"]);
      await expectEqualToColdSynth();

      writeFileSync(path.join(dir, "streamt.out", "notes.txt"), "mine");
      edit("a.ts", "o.amount.gt(100)", "o.amount.gt(300)");
      await until("the refused run", () => stderr().includes("STREAMT-O001"));
      await until("its line", () => /not synthesised: streamt\.out is unchanged; watching/.test(runs().at(-1)!));
      expect(stderr()).toContain("error STREAMT-O001: refusing to replace streamt.out: it holds notes.txt, which its manifest does not list, so synth did not write it\n");
      expect(readFileSync(path.join(dir, "streamt.out", "notes.txt"), "utf8")).toBe("mine");
      expect(folder("streamt.out")["a.sql"]).toContain("`amount` > 100");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("with the type-check: writes the save first, then reports its type errors with what they mean for the output, and their fix", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch([]);
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(SYNTHESISED);
      // Code that runs, and so is written, but does not type-check: one save. (Under load the watch may
      // also catch the file half-written, a run that fails and is followed by the next: the last run counts.)
      write("a.ts", `${readFileSync(path.join(dir, "a.ts"), "utf8").replace("o.amount.gt(100)", "o.amount.gt(250)")}export const wrong: number = "x";\n`);
      await until("the type-check's report", () => stderr().includes("type errors:"));
      expect(runs().at(-1)).toMatch(SYNTHESISED);
      expect(folder("streamt.out")["a.sql"]).toContain("`amount` > 250");
      expect(stderr()).toContain("error TS2322 a.ts:6:14 a.ts\n  Type 'string' is not assignable to type 'number'.\n");
      expect(stderr()).toContain("type errors: streamt.out was written from code that does not type-check; fix them (synth without --watch writes nothing until they are fixed)\n");
      // The one-shot synth still refuses to write it.
      const once = await cli("synth", ...ENTRIES, "--out", "once");
      expect(once.code).toBe(1);
      expect(existsSync(path.join(dir, "once"))).toBe(false);

      write("a.ts", moduleCode("a", "o.amount.gt(250)"));
      await until("the type-check after the fix", () => stderr().includes("type-check: no errors\n"));
      expect(stderr().split("type errors:")).toHaveLength(2);
      await expectEqualToColdSynth();

      // b.ts is not edited: only its import's new signature makes it wrong (and, run, it fails: nothing is written).
      edit("schemas.ts", "status: t.string() }", "state: t.string() }");
      await until("b's type error", () => stderr().split("type errors:").length === 3);
      expect(stderr()).toMatch(/error TS2339 b\.ts:5:\d+ b\.ts\n  Property 'status' does not exist/);
      expect(stderr()).toContain("type errors: fix them\n");
      expect(runs().at(-1)).toMatch(/not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged/);
      edit("schemas.ts", "state: t.string() }", "status: t.string() }");
      await until("the type-check after the schema's fix", () => stderr().split("type-check: no errors\n").length === 3);
      await until("the run after it", () => runs().at(-1)!.includes("synthesised 2 pipelines"));
      await expectEqualToColdSynth();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("re-reads streamt.config.ts and what it imports on each save: its rules' findings follow the edit, equal to a cold synth; a config that does not load is its error, and the next good save recovers", { timeout: 300_000 }, async () => {
    const config = (pattern: string): string => `import { defineConfig } from "streamt-sdk";
import { naming } from "./naming.js";
export default defineConfig({
  environments: {},
  rules: { pipelines: { pattern: ${pattern} } },
});
`;
    write("naming.ts", `export const naming = "a";\n`);
    write("streamt.config.ts", config("naming"));
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    const breaks = (name: string, pattern: string): string => `pipeline name '${name}' does not match the project's pipeline pattern ${pattern} (rules.pipelines.pattern, streamt.config.ts:5)`;
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(SYNTHESISED);
      expect(stderr()).toContain(breaks("b", `"a"`));
      await expectEqualToColdSynth();

      // An edit of a module the config imports.
      write("naming.ts", `export const naming = "b";\n`);
      await until("the run with the new pattern", () => stderr().includes(breaks("a", `"b"`)));
      await until("its line", () => runs().length >= 2);
      expect(runs().at(-1)).toMatch(SYNTHESISED);
      await expectEqualToColdSynth();

      // An edit of the config itself.
      write("streamt.config.ts", config("/[ab]/"));
      await until("the run without findings", () => stderr().includes("no findings\n"));
      await expectEqualToColdSynth();

      // A config that no longer loads: its error, and the output stays as it was.
      const before = folder("streamt.out");
      write("streamt.config.ts", `export default 42;\n`);
      await until("the config's error", () => stderr().includes("STREAMT-L004"));
      await until("its line", () => /not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged/.test(runs().at(-1)!));
      expect(stderr()).toContain("error STREAMT-L004 <unknown location> streamt.config.ts\n  streamt.config.ts: its default export is not a config\n  fix: write `export default defineConfig({ environments: { ... } })`, with defineConfig imported from \"streamt-sdk\"\n");
      expect(folder("streamt.out")).toEqual(before);

      write("streamt.config.ts", config(`"[a-z]+x"`));
      await until("the run after the fix", () => stderr().includes(breaks("b", `"[a-z]+x"`)));
      await until("its line", () => SYNTHESISED.test(runs().at(-1)!));
      expect(stderr()).toContain(breaks("a", `"[a-z]+x"`));
      await expectEqualToColdSynth();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("a module that fails to load is reported at its own file and line; the output stays as it was", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    try {
      await until("the first run", () => runs().length >= 1);
      write("a.ts", `${moduleCode("a", "o.amount.gt(100)")}throw new Error("broken on purpose");\n`);
      const before = folder("streamt.out");
      await until("the failed run", () => stderr().includes("broken on purpose"));
      await until("its line", () => runs().length >= 2);
      expect(runs().at(-1)).toMatch(/^\[\d\d:\d\d:\d\d\] not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged; watching/);
      expect(stderr()).toContain("error STREAMT-L001 a.ts:6:7 a.ts\n  loading a.ts failed: broken on purpose\n");
      write("a.ts", `${moduleCode("a", "o.amount.gt(100)")}export const x = ;\n`);
      await until("the run with a syntax error", () => stderr().includes("Unexpected"));
      expect(stderr()).toMatch(/error STREAMT-L001 a\.ts:6:18 a\.ts\n  loading a\.ts failed: Unexpected ";"\n/);
      expect(stderr()).not.toContain("streamt-run");
      expect(folder("streamt.out")).toEqual(before);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("Ctrl-C during a run ends it without writing: the folder is the last run's, nothing is left beside it", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    await until("the first run", () => runs().length >= 1);
    const before = folder("streamt.out");
    // b takes 3 s to load: the stop comes while it loads.
    write("b.ts", `${moduleCode("b", `o.status.eq("sent")`)}await new Promise((r) => setTimeout(r, 3000));\n`);
    await until("b's import", () => stderr().split("imported b").length === 3);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(runs()).toHaveLength(1);
    expect(folder("streamt.out")).toEqual(before);
    expect(outputNames()).toEqual(["streamt.out"]);
  });

  it("Ctrl-C while the type-check of a run is still going ends the watch quietly: the check's thread is stopped, not reported as failed", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch([]);
    // The check starts after the run's line (the output is written first) and takes seconds on a cold program.
    await until("the first run", () => runs().length >= 1);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).toMatch(SYNTHESISED);
    // The fixture's modules say when they are imported; nothing else is printed.
    expect(stderr()).toBe("imported a\nimported b\n");
  });

  it("a module that throws while loading is reported at its own file and line (a run's ?streamt-run=N is not part of it), and nothing is written", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    // The modules' own "imported x" lines come from the import thread, in no fixed order with the findings.
    const findings = (): string => stderr().split("\n").filter((l) => !l.startsWith("imported ")).join("\n");
    const failure = (site: string, error: string): string =>
      `error STREAMT-L001 ${site} b.ts\n  loading b.ts failed: ${error}\n  fix: fix the error at that line; synth runs your module as ordinary TypeScript\n1 error, 0 warnings\n`;
    try {
      await until("the first run", () => runs().length >= 1);
      const before = folder("streamt.out");
      // Saved with a throw at line 3, then at line 4: each run imports b under a new URL.
      write("b.ts", `import { pipeline } from "streamt-sdk";\nconsole.log("imported b");\nthrow new Error("b is broken");\nexport default pipeline("b");\n`);
      await until("the run after the first save", () => runs().length >= 2);
      write("b.ts", `import { pipeline } from "streamt-sdk";\nconsole.log("imported b");\n\nthrow new Error("b is still broken");\nexport default pipeline("b");\n`);
      await until("the run after the second save", () => runs().length >= 3);
      expect(runs().slice(1).map((r) => r.replace(/^\[[\d:]+\] not synthesised \(\d+ ms\)/, "[time] not synthesised (ms)"))).toEqual([
        "[time] not synthesised (ms): fix the errors above; streamt.out is unchanged; watching for changes (Ctrl-C stops)",
        "[time] not synthesised (ms): fix the errors above; streamt.out is unchanged; watching for changes (Ctrl-C stops)",
      ]);
      expect(findings()).toBe(failure("b.ts:3:7", "b is broken") + failure("b.ts:4:7", "b is still broken"));
      expect(folder("streamt.out")).toEqual(before);
      // A plain JavaScript module b imports: no source map, so its frame is the run's URL (broken.js?streamt-run=N).
      write("broken.js", `console.log("imported broken");\n\n  throw new Error("broken.js is broken");\n`);
      write("b.ts", `import "./broken.js";\nimport { pipeline } from "streamt-sdk";\nexport default pipeline("b");\n`);
      await until("the run after the third save", () => runs().length >= 4);
      expect(findings()).toBe(failure("b.ts:3:7", "b is broken") + failure("b.ts:4:7", "b is still broken") + failure("broken.js:3:9", "broken.js is broken"));
      expect(folder("streamt.out")).toEqual(before);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("prints a run's findings each whole, one after another, then their count", { timeout: 300_000 }, async () => {
    write("a.ts", `${moduleCode("a", "o.amount.gt(100)")}export const spare = source("spare", { topic: "spare", schema: Order });\nexport const extra = source("extra", { topic: "extra", schema: Order });\n`);
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    const findings = (): string => stderr().split("\n").filter((l) => !l.startsWith("imported ")).join("\n");
    const unused = (name: string): string =>
      `warning STREAMT-W006 <unknown location> ${name}\n  source '${name}' is declared but no pipeline reads it\n  fix: write a pipeline that reads it, or stop exporting it (remove it if it is no longer needed)\n`;
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(SYNTHESISED);
      expect(findings()).toBe(`${unused("extra")}${unused("spare")}0 errors, 2 warnings\n`);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("a module whose plan holds a value that is not plain data (a Map hung on its definition) is STREAMT-L005 at the module, with the fix to synth without --watch; nothing is written", { timeout: 300_000 }, async () => {
    write(
      "a.ts",
      `import { pipeline, source } from "streamt-sdk";\nimport { Order } from "./schemas.js";\nconst orders = source("orders", { topic: "orders", schema: Order });\n` +
        `const p = pipeline("a").write(orders.filter((o) => o.amount.gt(100)).toKafka("a.out"));\n` +
        `(p.definition as unknown as Record<string, unknown>).labels = new Map([["team", "data"]]);\nexport default p;\n`,
    );
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    const findings = (): string => stderr().split("\n").filter((l) => !l.startsWith("imported ")).join("\n");
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(/^\[\d\d:\d\d:\d\d\] not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged; watching for changes \(Ctrl-C stops\)$/);
      expect(findings()).toBe(
        "error STREAMT-L005 a.ts:1:1 a.ts\n" +
          "  synth --watch cannot take the pipelines of a.ts from its import thread: their plan holds a value that is not plain data (a function, a class instance, NaN, Infinity or -0)\n" +
          "  fix: run streamt-sdk synth without --watch for this project\n1 error, 0 warnings\n",
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(outputNames()).toEqual([]);
  });

  it("an import thread that dies of an uncaught error (a module's timer throws while it loads) is STREAMT-L001 naming the modules and the error; the next save is imported by a new thread", { timeout: 300_000 }, async () => {
    write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}await new Promise((resolve) => setTimeout(() => { throw new Error("timer broke"); }, 0));\n`);
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    const findings = (): string => stderr().split("\n").filter((l) => !l.startsWith("imported ")).join("\n");
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(/^\[\d\d:\d\d:\d\d\] not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged; watching for changes \(Ctrl-C stops\)$/);
      expect(findings()).toBe(
        "error STREAMT-L001 <unknown location>\n  loading a.ts, b.ts failed: timer broke\n  fix: fix the module, or run synth without --watch to see the whole error\n1 error, 0 warnings\n",
      );
      write("b.ts", moduleCode("b", `o.status.eq("paid")`));
      await until("the run after the fix", () => runs().length >= 2);
      expect(runs()[1]).toMatch(SYNTHESISED);
      await expectEqualToColdSynth();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("a type-check thread that ends without an answer (out of memory) is said once, as the type-check's failure; the watch keeps running, and exits 0 on SIGTERM", { timeout: 300_000 }, async () => {
    // V8's heap limit holds for each thread: 64 MB are enough for the watch's runs (it needs ~35 MB) and its
    // import thread, not for the compiler's program of the type-check (which needs over 80 MB).
    const { child, exited, runs, until, stderr } = startWatch([], ["--max-old-space-size=64"]);
    try {
      await until("the type-check's failure", () => stderr().includes("type-check failed"));
      expect(runs()).toHaveLength(1);
      expect(runs()[0]).toMatch(SYNTHESISED);
      expect(stderr()).toBe("imported a\nimported b\ntype-check failed: the type-check thread ended: Worker terminated due to reaching memory limit: JS heap out of memory\n");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("an output folder nested in a folder of the project (--out build/out): its writes are not saves, so each save makes one run", { timeout: 300_000 }, async () => {
    // build/ exists before the watch: its creation would be a change like any other new folder's.
    mkdirSync(path.join(dir, "build"));
    const { child, exited, runs, until } = startWatch(["--no-typecheck", "--out", "build/out"]);
    const written = (): string => readFileSync(path.join(dir, "build", "out", "a.sql"), "utf8");
    try {
      await until("the first run", () => runs().length >= 1);
      expect(written()).toContain("`amount` > 100");
      edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
      await until("the run after the save", () => runs().length >= 2 && written().includes("`amount` > 250"));
      // Had the write of build/out (or of its staging folder beside it) been seen as a change, another run would
      // have started right after each write, before the save's.
      expect(runs().map((r) => r.replace(/^\[[\d:]+\] (.*) in \d+ ms;/, "$1;"))).toEqual([
        "synthesised 2 pipelines into build/out; watching for changes (Ctrl-C stops)",
        "synthesised 2 pipelines into build/out; watching for changes (Ctrl-C stops)",
      ]);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("imports each save's modules in the same warm thread, not a new one per run", { timeout: 300_000 }, async () => {
    // a.ts says which thread imports it (an import declaration is hoisted: it may come last).
    const threadOf = (filter: string): string => `${moduleCode("a", filter)}import { threadId } from "node:worker_threads";\nconsole.log(\`a in thread \${threadId}\`);\n`;
    write("a.ts", threadOf("o.amount.gt(100)"));
    const { child, exited, runs, until, stderr } = startWatch(["--no-typecheck"]);
    const threads = (): string[] => stderr().split("\n").filter((l) => l.startsWith("a in thread "));
    try {
      await until("the first run", () => runs().length >= 1);
      write("a.ts", threadOf("o.amount.gt(250)"));
      await until("the run after the save", () => runs().length >= 2 && threads().length >= 2);
      expect(threads()).toEqual([threads()[0], threads()[0]]);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("refuses what it cannot do on every save", async () => {
    for (const [args, message] of [
      [["--json"], "--watch prints a line per run and findings as they change; it has no --json form"],
      [["--target", "jar"], "--watch writes SQL scripts or Java projects (--target sql|java); building JARs on every save is not offered: run synth --target jar once"],
      [["--openlineage", "events.jsonl"], "--watch does not send OpenLineage events on every save: run synth --openlineage once"],
    ] as const) {
      const r = await cli("synth", ...ENTRIES, "--watch", ...args);
      expect(r).toEqual({ code: 2, stdout: "", stderr: `streamt-sdk: ${message}\nRun 'streamt-sdk --help' for usage.\n` });
    }
    expect(existsSync(path.join(dir, "streamt.out"))).toBe(false);
  });
});

describe("updateOutput (synth --watch's write)", () => {
  const guard = () => ({ cwd: dir, entries: [] });
  const manifest = (files: readonly string[]): OutputFile => ({
    path: "manifest.json",
    content: JSON.stringify({ version: 2, sdkVersion: "0.1.0", artifacts: files.map((f) => ({ id: f, files: [{ path: f }] })) }),
  });
  const inode = (file: string): number => statSync(path.join(dir, "out", file)).ino;

  it("rewrites only what changed, removes what went, rewrites a file edited by hand; the folder then holds exactly the files given", () => {
    const first = [{ path: "a.sql", content: "a1" }, { path: "b.sql", content: "b1" }, { path: "java/c/C.java", content: "c1" }, manifest(["a.sql", "b.sql", "java/c/C.java"])];
    const written = updateOutput("out", first, guard(), null);
    const untouched = inode("b.sql");
    writeFileSync(path.join(dir, "out", "a.sql"), "edited by hand");
    const second = [{ path: "a.sql", content: "a1" }, { path: "b.sql", content: "b1" }, { path: "d.sql", content: "d2" }, manifest(["a.sql", "b.sql", "d.sql"])];
    const again = updateOutput("out", second, guard(), written);
    expect(folder("out")).toEqual(Object.fromEntries(second.map((f) => [f.path, f.content])));
    expect(inode("b.sql")).toBe(untouched);
    expect(existsSync(path.join(dir, "out", "java"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("out"))).toEqual(["out"]);
    // Nothing changed: nothing is written.
    expect(updateOutput("out", second, guard(), again)).toBe(again);
  });

  it("a large file (held open across its replacement, freed in the background) is replaced whole, as a small one", () => {
    const large = (c: string): OutputFile => ({ path: "plan.json", content: c.repeat(1 << 20) });
    const written = updateOutput("out", [large("a"), { path: "a.sql", content: "a1" }, manifest(["plan.json", "a.sql"])], guard(), null);
    const again = [large("b"), { path: "a.sql", content: "a2" }, manifest(["plan.json", "a.sql"])];
    updateOutput("out", again, guard(), written);
    expect(folder("out")).toEqual(Object.fromEntries(again.map((f) => [f.path, f.content])));
    expect(readdirSync(dir).filter((f) => f.startsWith("out"))).toEqual(["out"]);
  });

  it("a folder another run replaced, or one holding a file it did not write, goes through writeOutput's guards", () => {
    const files = [{ path: "a.sql", content: "a1" }, manifest(["a.sql"])];
    const written = updateOutput("out", files, guard(), null);
    writeOutput("out", [{ path: "a.sql", content: "a2" }, manifest(["a.sql"])], guard());
    updateOutput("out", files, guard(), written);
    expect(folder("out")).toEqual({ "a.sql": "a1", "manifest.json": files[1]!.content });
    mkdirSync(path.join(dir, "out", "mine"));
    expect(() => updateOutput("out", [{ path: "a.sql", content: "a3" }, manifest(["a.sql"])], guard(), written)).toThrow("refusing to replace out: it holds mine, which its manifest does not list, so synth did not write it");
    expect(readFileSync(path.join(dir, "out", "a.sql"), "utf8")).toBe("a1");
  });

  it("what an update stopped half-way leaves (a script renamed in, its manifest not, the staging folder of a dead process) is replaced by the next synth", { timeout: 120_000 }, async () => {
    expect((await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache")).code).toBe(0);
    const out = path.join(dir, "streamt.out");
    writeFileSync(path.join(out, "a.sql"), readFileSync(path.join(out, "a.sql"), "utf8").replace("`amount` > 100", "`amount` > 999"));
    mkdirSync(`${out}.tmp-999999`);
    writeFileSync(`${out}.tmp-999999/b.sql`, "staged");
    const again = await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache");
    expect(again.code, again.stderr).toBe(0);
    expect(outputNames()).toEqual(["streamt.out"]);
    await expectEqualToColdSynth();
  });
});
