import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFolder, reuseTypecheck } from "../../packages/streamt-sdk/src/synth/cache.js";
import { typecheckEntries, type TypecheckResult } from "../../packages/streamt-sdk/src/synth/typecheck.js";
import { SDK_VERSION } from "../../packages/streamt-sdk/src/version.js";
import { runCli, type Run } from "../cli/support.js";
import { fileEditor, newProject, scratchFolder, TSCONFIG } from "./fixture.js";

const SCRATCH = scratchFolder("typecheck-cache");
const moduleCode = (name: string, filter: string, extra = ""): string => `import { pipeline, source } from "streamt-sdk";
import { Order } from "./schemas.js";
const orders = source("orders", { topic: "orders", schema: Order });
export default pipeline("${name}").write(orders.filter((o) => ${filter}).toKafka("${name}.out"));
${extra}`;

let dir: string;
const { write, edit } = fileEditor(() => dir);
const ENTRIES = ["a.ts", "b.ts"];
/** A result without what the check read (the record of the last synth's input, test/synth/last-run.test.ts): its findings and what it checked. */
type Checked = Omit<TypecheckResult, "read">;
const withoutRead = ({ read: _read, ...result }: TypecheckResult): Checked => result;
const cached = (): Checked => withoutRead(typecheckEntries(ENTRIES, dir, { cacheDir: cacheFolder(dir) }));
/** The reference: a cold check with no cache at all. */
const cold = (): Checked => typecheckEntries(ENTRIES, dir);
/** What synth does: the last result if nothing changed, else the incremental check. */
const synthCheck = (): Checked => reused() ?? cached();
const reused = (): Checked | null => {
  const { result } = reuseTypecheck(ENTRIES, dir, cacheFolder(dir));
  return result && withoutRead(result);
};
/** The incremental builder's cache file. */
const cacheFile = (): string => {
  const files = readdirSync(cacheFolder(dir)).filter((f) => f.startsWith("typecheck-"));
  expect(files).toHaveLength(1);
  return path.join(cacheFolder(dir), files[0]!);
};

beforeEach(() => {
  dir = newProject(SCRATCH, moduleCode);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the incremental type-check cache", () => {
  it("checks every file once, then only what changed; results equal a cold check's", { timeout: 180_000 }, () => {
    const first = cached();
    expect(first).toEqual({ diagnostics: [], notes: [], checked: ["a.ts", "b.ts", "schemas.ts"] });
    expect(cached()).toEqual({ diagnostics: [], notes: [], checked: [] });

    // A JavaScript && on a streamt expression (B009, found by the SDK's own walk) and a type error, in one module.
    edit("a.ts", "o.amount.gt(100)", `o.amount.gt(100) && o.status.eq("paid")`);
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    const edited = cached();
    expect(edited.checked).toEqual(["a.ts", "b.ts"]);
    expect(edited.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual([
      "STREAMT-B009 a.ts:4:57",
      "TS2769 b.ts:4:69",
    ]);
    expect(edited.diagnostics[0]!.message).toBe("`o.amount.gt(100)` is a streamt expression, always truthy in JavaScript: && returns its right operand and drops this one");
    expect(edited.diagnostics).toEqual(cold().diagnostics);
    // Unchanged: nothing checked, the same findings (B009 from the cache, TS2769 from TypeScript's build info).
    expect(cached()).toEqual({ diagnostics: edited.diagnostics, notes: [], checked: [] });

    // Fixing b.ts re-checks b.ts alone; a.ts's finding stays.
    write("b.ts", moduleCode("b", `o.status.eq("paid")`));
    const fixed = cached();
    expect(fixed.checked).toEqual(["b.ts"]);
    expect(fixed.diagnostics.map((d) => d.code)).toEqual(["STREAMT-B009"]);
    expect(fixed.diagnostics).toEqual(cold().diagnostics);
  });

  it("with outFile (the builder checks the whole program as one): an edited module's B009 is found again, not taken from the cache", { timeout: 180_000 }, () => {
    const { customConditions: _conditions, ...options } = TSCONFIG.compilerOptions;
    const sdk = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.ts");
    write("tsconfig.json", JSON.stringify({ compilerOptions: { ...options, module: "amd", moduleResolution: "node10", outFile: "out.js", ignoreDeprecations: "6.0", paths: { "streamt-sdk": [sdk] } } }));
    expect(cached()).toEqual({ diagnostics: [], notes: [], checked: ["a.ts", "b.ts", "schemas.ts"] });
    edit("a.ts", "o.amount.gt(100)", `o.amount.gt(100) && o.status.eq("paid")`);
    const edited = cached();
    expect(edited.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual(["STREAMT-B009 a.ts:4:57"]);
    expect(edited).toEqual({ diagnostics: cold().diagnostics, notes: [], checked: ["a.ts", "b.ts", "schemas.ts"] });
  });

  it("a change to an imported module re-checks its importers: an error in an unchanged file is still reported", { timeout: 180_000 }, () => {
    expect(cached().diagnostics).toEqual([]);
    edit("schemas.ts", "amount: t.decimal(10, 2)", "total: t.decimal(10, 2)");
    const after = cached();
    expect(after.checked).toEqual(["a.ts", "b.ts", "schemas.ts"]);
    expect(after.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual(["TS2339 a.ts:4:59"]);
    expect(after.diagnostics[0]!.message).toMatch(/^Property 'amount' does not exist on type /);
    expect(after.diagnostics).toEqual(cold().diagnostics);
    expect(cached()).toEqual({ diagnostics: after.diagnostics, notes: [], checked: [] });
  });

  it("an edited tsconfig.json is a new check with the new options", { timeout: 180_000 }, () => {
    write("a.ts", moduleCode("a", "o.amount.gt(100)", "const first = [1][0];\nexport const n: number = first;\n"));
    expect(cached().diagnostics).toEqual([]);
    write("tsconfig.json", JSON.stringify({ compilerOptions: { ...TSCONFIG.compilerOptions, noUncheckedIndexedAccess: true } }, null, 2));
    const after = cached();
    expect(after.checked).toEqual(["a.ts", "b.ts", "schemas.ts"]);
    expect(after.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual(["TS2322 a.ts:6:14"]);
    expect(after.diagnostics).toEqual(cold().diagnostics);
  });

  it("a cache written by another SDK version, or corrupt, is ignored with a note and rewritten", { timeout: 180_000 }, () => {
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    const reference = cached().diagnostics;
    expect(reference.map((d) => d.code)).toEqual(["TS2769"]);
    const file = cacheFile();
    const name = path.basename(file);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { key: { sdkVersion: string } };

    // Another version's state may claim b.ts is clean: it must not be believed.
    writeFileSync(file, JSON.stringify({ ...entry, key: { ...entry.key, sdkVersion: "0.0.1" } }));
    const typescript = (entry.key as unknown as { typescript: string }).typescript;
    expect(cached()).toEqual({
      diagnostics: reference,
      notes: [`cache file ${name} was written by streamt-sdk 0.0.1 with TypeScript ${typescript}, not streamt-sdk ${SDK_VERSION} with TypeScript ${typescript}: ignored, rebuilt`],
      checked: ["a.ts", "b.ts", "schemas.ts"],
    });
    expect(cached()).toEqual({ diagnostics: reference, notes: [], checked: [] });

    writeFileSync(file, readFileSync(file, "utf8").slice(0, 100));
    expect(cached()).toEqual({ diagnostics: reference, notes: [`cache file ${name} is corrupt (not JSON): ignored, rebuilt from scratch`], checked: ["a.ts", "b.ts", "schemas.ts"] });

    // Valid JSON whose data was altered (the checksum no longer matches): b.ts's error removed from the state.
    const intact = JSON.parse(readFileSync(file, "utf8")) as { data: string };
    writeFileSync(file, JSON.stringify({ ...intact, data: intact.data.replace(/2769/g, "0") }));
    expect(cached()).toEqual({ diagnostics: reference, notes: [`cache file ${name} is corrupt (checksum mismatch): ignored, rebuilt from scratch`], checked: ["a.ts", "b.ts", "schemas.ts"] });
    expect(cached()).toEqual({ diagnostics: reference, notes: [], checked: [] });
  });

  it("a check kept in memory (synth --watch's type-check thread) does not read its cache file again: one corrupted since is no note, and its state is the memory's", { timeout: 180_000 }, () => {
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    const inMemory = (): Checked => withoutRead(typecheckEntries(ENTRIES, dir, { cacheDir: cacheFolder(dir), keepInMemory: true }));
    const first = inMemory();
    expect(first.checked).toEqual(["a.ts", "b.ts", "schemas.ts"]);
    expect(first.diagnostics.map((d) => d.code)).toEqual(["TS2769"]);
    writeFileSync(cacheFile(), "{ not json");
    expect(inMemory()).toEqual({ diagnostics: first.diagnostics, notes: [], checked: [] });
  });

  it("a check without a cache folder (--no-cache) reads no build info: a tsconfig.tsbuildinfo beside tsconfig.json (where an incremental tsc leaves its own) is not taken, every file is checked", { timeout: 180_000 }, () => {
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    // Build info of these very files, made by this check with its cache folder in the project folder: its
    // paths are relative to that folder, as those of a tsconfig.tsbuildinfo there would be.
    const here = withoutRead(typecheckEntries(ENTRIES, dir, { cacheDir: dir }));
    expect(here.checked).toEqual(["a.ts", "b.ts", "schemas.ts"]);
    const [file] = readdirSync(dir).filter((f) => /^typecheck-.*\.json$/.test(f));
    const { buildInfo } = JSON.parse((JSON.parse(readFileSync(path.join(dir, file!), "utf8")) as { data: string }).data) as { buildInfo: string };
    writeFileSync(path.join(dir, "tsconfig.tsbuildinfo"), buildInfo);
    expect(cold()).toEqual({ diagnostics: here.diagnostics, notes: [], checked: ["a.ts", "b.ts", "schemas.ts"] });
  });
});

describe("reusing the last type-check while nothing it read changed", () => {
  it("returns its findings without the compiler, and never once a file, a folder or the configuration changed", { timeout: 180_000 }, () => {
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    expect(reused()).toBeNull();
    const first = synthCheck();
    expect(first.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual(["TS2769 b.ts:4:69"]);
    expect(reused()).toEqual({ diagnostics: first.diagnostics, notes: [], checked: [] });

    // An edited module, and an edited tsconfig.json: not reused.
    write("b.ts", moduleCode("b", `o.status.eq("paid")`));
    expect(reused()).toBeNull();
    expect(synthCheck().diagnostics).toEqual([]);
    expect(reused()).toEqual({ diagnostics: [], notes: [], checked: [] });
    write("tsconfig.json", JSON.stringify({ compilerOptions: { ...TSCONFIG.compilerOptions, noUnusedLocals: true } }, null, 2));
    expect(reused()).toBeNull();
    expect(synthCheck().diagnostics).toEqual([]);

    // An import that did not resolve resolves once the file exists, though no file of the program changed.
    write("a.ts", moduleCode("a", "o.amount.gt(100)", `import { x } from "./extra.js";\nexport const y = x;\n`));
    const missing = synthCheck();
    expect(missing.diagnostics.map((d) => `${d.code} ${d.site?.file}:${d.site?.line}:${d.site?.column}`)).toEqual(["TS2307 a.ts:5:19"]);
    expect(reused()).toEqual({ diagnostics: missing.diagnostics, notes: [], checked: [] });
    write("extra.ts", "export const x = 1;\n");
    expect(reused()).toBeNull();
    expect(synthCheck()).toEqual({ diagnostics: [], notes: [], checked: ["a.ts", "extra.ts"] });
    expect(cold().diagnostics).toEqual([]);
  });
});

const cli = (cwd: string, ...args: string[]): Promise<Run> => runCli(args, { cwd });

function folder(out: string): Record<string, string> {
  return Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f), "utf8")]));
}

describe("synth with the cache", () => {
  it("writes the same folder byte for byte as --no-cache, cold, warm and after an edit; --no-cache leaves no cache", { timeout: 300_000 }, async () => {
    const noCache = await cli(dir, "synth", ...ENTRIES, "--out", "ref", "--no-cache");
    expect(noCache).toEqual({ code: 0, stdout: "synthesised 2 pipelines (a, b) into ref\n", stderr: "" });
    expect(existsSync(cacheFolder(dir))).toBe(false);
    expect(await cli(dir, "synth", ...ENTRIES, "--out", "cold")).toEqual({ code: 0, stdout: "synthesised 2 pipelines (a, b) into cold\n", stderr: "" });
    expect(existsSync(cacheFile())).toBe(true);
    // The output folder the first synth wrote beside the modules is not a change: the next synth reuses the
    // last check (its record is not written again). Seen through the CLI only: the CLI may run the compiled
    // dist/, whose build stamp differs from this process's sources.
    const lastCheck = (): string => path.join(cacheFolder(dir), readdirSync(cacheFolder(dir)).find((f) => f.startsWith("last-typecheck-"))!);
    const recorded = (): [number, string] => [statSync(lastCheck()).mtimeMs, readFileSync(lastCheck(), "utf8")];
    const afterCold = recorded();
    expect(await cli(dir, "synth", ...ENTRIES, "--out", "warm")).toEqual({ code: 0, stdout: "synthesised 2 pipelines (a, b) into warm\n", stderr: "" });
    const reference = folder(path.join(dir, "ref"));
    expect(Object.keys(reference)).toEqual(["a.sql", "b.sql", "manifest.json", "plan.json", "topics.json"]);
    expect(folder(path.join(dir, "cold"))).toEqual(reference);
    expect(folder(path.join(dir, "warm"))).toEqual(reference);

    expect(recorded()).toEqual(afterCold);
    // Any other new folder beside the modules is a change (an import of "./x" may resolve to x/index.ts).
    mkdirSync(path.join(dir, "notes"));
    expect((await cli(dir, "synth", ...ENTRIES, "--out", "warm")).code).toBe(0);
    expect(recorded()[0]).not.toBe(afterCold[0]);

    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    expect((await cli(dir, "synth", ...ENTRIES, "--out", "edited")).code).toBe(0);
    expect((await cli(dir, "synth", ...ENTRIES, "--out", "edited-ref", "--no-cache")).code).toBe(0);
    const edited = folder(path.join(dir, "edited"));
    expect(edited).toEqual(folder(path.join(dir, "edited-ref")));
    expect(edited["a.sql"]).toContain("`amount` > 250");
    expect(edited["b.sql"]).toBe(reference["b.sql"]);
  });

  it("concurrent synths share the cache without corrupting it", { timeout: 300_000 }, async () => {
    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    const runs = await Promise.all([1, 2, 3].map(() => cli(dir, "check", ...ENTRIES, "--json")));
    for (const r of runs) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(["TS2769"]);
    }
    // Whichever wrote last left a whole entry: the next run trusts it (no note) and reports the same.
    const last = readdirSync(cacheFolder(dir)).filter((f) => f.startsWith("last-typecheck-"));
    // and no temporary file of any of them (the compiler's code cache, compiler-cache.ts, beside them).
    expect(readdirSync(cacheFolder(dir)).sort()).toEqual([...last, path.basename(cacheFile()), "typescript.v8cache"]);
    const after = cached();
    expect(after.notes).toEqual([]);
    expect(after.diagnostics.map((d) => d.code)).toEqual(["TS2769"]);
  });
});
