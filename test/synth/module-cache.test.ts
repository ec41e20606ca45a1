import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFolder } from "../../packages/streamt-sdk/src/synth/cache.js";
import { BIN, runCli, type Run } from "../cli/support.js";
import { fileEditor, newProject, scratchFolder, TSCONFIG } from "./fixture.js";

const SCRATCH = scratchFolder("module-cache");
/** A module that says on stderr when it is imported (synth prints a module's console output there). */
const moduleCode = (name: string, filter: string): string => `import { pipeline, source } from "streamt-sdk";
import { Order } from "./schemas.js";
console.log("imported ${name}");
const orders = source("orders", { topic: "orders", schema: Order });
export default pipeline("${name}").write(orders.filter((o) => ${filter}).toKafka("${name}.out"));
`;

let dir: string;
const { write, edit } = fileEditor(() => dir);
const ENTRIES = ["a.ts", "b.ts"];

const cli = (...args: string[]): Promise<Run> => runCli(args, { cwd: dir });

function folder(out: string): Record<string, string> {
  return Object.fromEntries(readdirSync(path.join(dir, out)).sort().map((f) => [f, readFileSync(path.join(dir, out, f), "utf8")]));
}

/**
 * A synth with the cache (--no-typecheck: the type-check's own cache is typecheck-cache.test.ts's) into
 * `out`, then a cold one without any cache into `<out>-cold`: both folders must be equal byte for byte.
 * Returns the modules the cached synth imported, and its notes.
 */
async function synthAndCompare(out: string): Promise<{ imported: string[]; notes: string[]; files: Record<string, string> }> {
  const warm = await cli("synth", ...ENTRIES, "--no-typecheck", "--out", out);
  expect(warm.code, warm.stderr).toBe(0);
  expect(warm.stdout).toBe(`synthesised 2 pipelines (a, b) into ${out}\n`);
  const cold = await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache", "--out", `${out}-cold`);
  expect(cold.code, cold.stderr).toBe(0);
  const files = folder(out);
  expect(Object.keys(files)).toEqual(["a.sql", "b.sql", "manifest.json", "plan.json", "topics.json"]);
  expect(files).toEqual(folder(`${out}-cold`));
  const lines = warm.stderr.split("\n").filter((l) => l !== "");
  return {
    imported: lines.filter((l) => l.startsWith("imported ")).map((l) => l.slice("imported ".length)).sort(),
    notes: lines.filter((l) => !l.startsWith("imported ")),
    files,
  };
}

const moduleFiles = (): string[] => readdirSync(cacheFolder(dir)).filter((f) => f.startsWith("module-")).sort();

beforeEach(() => {
  dir = newProject(SCRATCH, moduleCode);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the module cache of synth", () => {
  it("imports an unchanged module no more; an edited module, or one whose import changed, again; output equals a cold synth", { timeout: 300_000 }, async () => {
    expect(await synthAndCompare("first")).toMatchObject({ imported: ["a", "b"], notes: [] });
    expect(moduleFiles()).toHaveLength(2);
    const unchanged = await synthAndCompare("unchanged");
    expect(unchanged).toMatchObject({ imported: [], notes: [] });

    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    const edited = await synthAndCompare("edited");
    expect(edited.imported).toEqual(["a"]);
    expect(edited.files["a.sql"]).toContain("`amount` > 250");
    expect(edited.files["b.sql"]).toBe(unchanged.files["b.sql"]);

    // The shared schema module both import: both are imported again, and see the new column.
    edit("schemas.ts", "status: t.string() }", "status: t.string(), channel: t.string() }");
    const schema = await synthAndCompare("schema");
    expect(schema.imported).toEqual(["a", "b"]);
    expect(schema.files["b.sql"]).toContain("`channel` STRING");
    expect((await synthAndCompare("schema-again")).imported).toEqual([]);
  });

  it("an edited tsconfig.json, or an entry list where one entry imports another, imports again", { timeout: 300_000 }, async () => {
    expect((await synthAndCompare("first")).imported).toEqual(["a", "b"]);
    write("tsconfig.json", JSON.stringify({ compilerOptions: { ...TSCONFIG.compilerOptions, noUncheckedIndexedAccess: true } }, null, 2));
    expect((await synthAndCompare("tsconfig")).imported).toEqual(["a", "b"]);
    expect((await synthAndCompare("tsconfig-again")).imported).toEqual([]);

    // b re-exports a's pipeline: one pipeline in a cold load, it would be two if a came from the cache and b
    // from its import, so every entry is imported while one entry imports another.
    write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}export { default as fromA } from "./a.js";\n`);
    expect((await synthAndCompare("reexport")).imported).toEqual(["a", "b"]);
    expect((await synthAndCompare("reexport-again")).imported).toEqual(["a", "b"]);
  });

  it("a module that reads process.env is imported every time", { timeout: 300_000 }, async () => {
    write("b.ts", moduleCode("b", `o.status.eq(process.env.STATUS ?? "paid")`));
    expect((await synthAndCompare("first")).imported).toEqual(["a", "b"]);
    expect((await synthAndCompare("again")).imported).toEqual(["b"]);
  });

  it("a cache of another SDK version, or corrupt, is ignored with a note and rewritten; the output equals a cold synth", { timeout: 300_000 }, async () => {
    expect((await synthAndCompare("first")).imported).toEqual(["a", "b"]);
    const [one, two] = moduleFiles().map((f) => path.join(cacheFolder(dir), f));
    const entry = JSON.parse(readFileSync(one!, "utf8")) as { key: { sdkVersion: string; typescript: string } };
    writeFileSync(one!, JSON.stringify({ ...entry, key: { ...entry.key, sdkVersion: "0.0.1" } }));
    writeFileSync(two!, "{ not json");
    const after = await synthAndCompare("after");
    expect(after.imported).toEqual(["a", "b"]);
    expect(after.notes.sort()).toEqual([
      `note: cache file ${path.basename(one!)} was written by streamt-sdk 0.0.1 with TypeScript -, not streamt-sdk ${entry.key.sdkVersion} with TypeScript -: ignored, rebuilt`,
      `note: cache file ${path.basename(two!)} is corrupt (not JSON): ignored, rebuilt from scratch`,
    ].sort());
    // Rewritten whole: the next synth trusts them.
    expect(await synthAndCompare("trusted")).toMatchObject({ imported: [], notes: [] });
  });
});

/** A `synth --watch` process in the project: its lines, its stderr, a wait for a condition (2 minutes at most), and its exit code. */
function startWatch(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, "synth", ...ENTRIES, ...args, "--watch"], { cwd: dir, env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const runs = (): string[] => stdout.split("\n").filter((l) => l !== "");
  const until = async (what: string, done: () => boolean): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exited, runs, until, stderr: () => stderr };
}

describe("synth --watch", () => {
  it("synthesises, re-synthesises on save with the edit in the output, and stops on SIGTERM with exit 0 and no half-written folder", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr: errors } = startWatch(["--no-typecheck"]);
    try {
      await until("the first run", () => runs().length >= 1);
      expect(runs()[0]).toMatch(/^\[\d\d:\d\d:\d\d\] synthesised 2 pipelines into streamt\.out in \d+ ms; watching for changes \(Ctrl-C stops\)$/);
      expect(folder("streamt.out")["a.sql"]).toContain("`amount` > 100");

      edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
      await until("the run after the save", () => runs().length >= 2 && folder("streamt.out")["a.sql"]!.includes("`amount` > 250"));
      expect(runs()[1]).toMatch(/^\[\d\d:\d\d:\d\d\] synthesised 2 pipelines into streamt\.out in \d+ ms; watching/);

      // A finding appears when the module gains one, and is printed when it changes only.
      write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}export const spare = source("spare", { topic: "spare", schema: Order });\n`);
      await until("the run with a finding", () => runs().length >= 3);
      expect(errors().split("source 'spare' is declared but no pipeline reads it")).toHaveLength(2);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith("streamt.out")).sort()).toEqual(["streamt.out"]);
    // Equal to a cold synth of what is on disk now.
    expect((await cli("synth", ...ENTRIES, "--no-typecheck", "--no-cache", "--out", "cold")).code).toBe(0);
    expect(folder("streamt.out")).toEqual(folder("cold"));
  });


  it("with the type-check, keeps the program between saves: an edit's type error, one in a module whose import changed, and their fixes", { timeout: 300_000 }, async () => {
    const { child, exited, runs, until, stderr } = startWatch([]);
    const typeErrors = (): number => stderr().split("error TS").length - 1;
    try {
      await until("the first run", () => runs().length >= 1);
      edit("a.ts", "o.amount.gt(100)", `o.amount.gt("x")`);
      await until("the run with a's type error", () => runs().length >= 2);
      expect(runs()[1]).toMatch(/not synthesised \(\d+ ms\): fix the errors above; streamt\.out is unchanged/);
      expect(stderr()).toMatch(/error TS\d+ a\.ts:5:/);
      edit("a.ts", `o.amount.gt("x")`, "o.amount.gt(250)");
      await until("the run after the fix", () => runs().length >= 3);
      expect(runs()[2]).toMatch(/synthesised 2 pipelines into streamt\.out/);
      expect(folder("streamt.out")["a.sql"]).toContain("`amount` > 250");
      // b.ts is not edited: only its import's new signature makes it wrong, and then right again.
      const before = typeErrors();
      edit("schemas.ts", "status: t.string() }", "state: t.string() }");
      await until("the run with b's type error", () => runs().length >= 4);
      expect(runs()[3]).toMatch(/not synthesised/);
      expect(stderr().slice(stderr().lastIndexOf("error TS"))).toMatch(/^error TS\d+ b\.ts:5:/);
      expect(typeErrors()).toBeGreaterThan(before);
      edit("schemas.ts", "state: t.string() }", "status: t.string() }");
      await until("the run after the schema's fix", () => runs().length >= 5);
      expect(runs()[4]).toMatch(/synthesised 2 pipelines into streamt\.out/);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect((await cli("synth", ...ENTRIES, "--no-cache", "--out", "cold")).code).toBe(0);
    expect(folder("streamt.out")).toEqual(folder("cold"));
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
