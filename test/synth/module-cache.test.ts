import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFolder } from "../../packages/streamt-sdk/src/synth/cache.js";
import { ROOT, runCli, type Run } from "../cli/support.js";
import { filesUnder } from "../helpers.js";
import { fileEditor, moduleCode, newProject, scratchFolder, THREE_PIPELINES, TSCONFIG } from "./fixture.js";

const SCRATCH = scratchFolder("module-cache");

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

  it("a module of several pipelines, one edited, then a line inserted above another: each synth equals a cold synth", { timeout: 300_000 }, async () => {
    write("a.ts", THREE_PIPELINES);
    const synthBoth = async (out: string): Promise<Record<string, string>> => {
      const warm = await cli("synth", "a.ts", "--no-typecheck", "--out", out);
      expect(warm.code, warm.stderr).toBe(0);
      const cold = await cli("synth", "a.ts", "--no-typecheck", "--no-cache", "--out", `${out}-cold`);
      expect(cold.code, cold.stderr).toBe(0);
      expect(folder(out)).toEqual(folder(`${out}-cold`));
      return folder(out);
    };
    const first = await synthBoth("first");
    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    const edited = await synthBoth("edited");
    expect(edited["large.sql"]).toContain("`amount` > 250");
    expect([edited["paid.sql"], edited["copy.sql"]]).toEqual([first["paid.sql"], first["copy.sql"]]);
    // The copy pipeline moves a line down: its site in plan.json and the manifest follows.
    edit("a.ts", "export const copy", "// copied as is\nexport const copy");
    const moved = await synthBoth("moved");
    expect(JSON.parse(moved["manifest.json"]!).pipelines.map((p: { name: string; site: { line: number } }) => [p.name, p.site.line])).toEqual([["copy", 7], ["large", 5], ["paid", 4]]);
  });

  it("pipelines named constructor, __proto__ and toString (names of Object's own members): cached, edited, each synth equals a cold synth", { timeout: 300_000 }, async () => {
    write("a.ts", THREE_PIPELINES.replace(`"paid"`, `"constructor"`).replace(`"large"`, `"__proto__"`).replace(`"copy"`, `"toString"`));
    const synthBoth = async (out: string): Promise<Record<string, string>> => {
      const warm = await cli("synth", "a.ts", "--no-typecheck", "--out", out);
      expect([warm.code, warm.stdout], warm.stderr).toEqual([0, `synthesised 3 pipelines (__proto__, constructor, toString) into ${out}\n`]);
      const cold = await cli("synth", "a.ts", "--no-typecheck", "--no-cache", "--out", `${out}-cold`);
      expect(cold.code, cold.stderr).toBe(0);
      expect(folder(out)).toEqual(folder(`${out}-cold`));
      return folder(out);
    };
    await synthBoth("first");
    expect(Object.keys(await synthBoth("again"))).toEqual(["__proto__.sql", "constructor.sql", "manifest.json", "plan.json", "toString.sql", "topics.json"]);
    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    expect((await synthBoth("edited"))["__proto__.sql"]).toContain("`amount` > 250");
  });

  it("--target java: the cached Java projects are made again when a project template changes ($STREAMT_TEMPLATES_DIR), each synth equal to a cold one", { timeout: 300_000 }, async () => {
    const templates = path.join(dir, "templates");
    cpSync(path.join(ROOT, "templates"), templates, { recursive: true });
    const env = { STREAMT_TEMPLATES_DIR: templates };
    const tree = (out: string): Record<string, string> => filesUnder(path.join(dir, out));
    const synthBoth = async (out: string): Promise<Record<string, string>> => {
      const warm = await runCli(["synth", ...ENTRIES, "--no-typecheck", "--target", "java", "--out", out], { cwd: dir, env });
      expect(warm.code, warm.stderr).toBe(0);
      const cold = await runCli(["synth", ...ENTRIES, "--no-typecheck", "--target", "java", "--no-cache", "--out", `${out}-cold`], { cwd: dir, env });
      expect(cold.code, cold.stderr).toBe(0);
      expect(tree(out)).toEqual(tree(`${out}-cold`));
      return tree(out);
    };
    const first = await synthBoth("first");
    expect(first["a/README.md"]).not.toContain("Built by the platform team");
    writeFileSync(path.join(templates, "java", "README.md.hbs"), `Built by the platform team.\n\n${readFileSync(path.join(templates, "java", "README.md.hbs"), "utf8")}`);
    const edited = await synthBoth("edited");
    expect([edited["a/README.md"]?.startsWith("Built by the platform team.\n"), edited["b/README.md"]?.startsWith("Built by the platform team.\n")]).toEqual([true, true]);
    const job = Object.keys(first).filter((f) => f.startsWith("a/") && f.endsWith("Job.java"));
    expect(job).toHaveLength(1);
    expect(edited[job[0]!]).toBe(first[job[0]!]);
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

  it("a module that fails to load is not cached: the next synth imports it again and reports it again, whatever else changed", { timeout: 300_000 }, async () => {
    write("a.ts", `import { pipeline } from "streamt-sdk";\nconsole.log("imported a");\nthrow new Error("a is broken");\nexport default pipeline("a");\n`);
    const failure = "error STREAMT-L001 a.ts:3:7 a.ts\n  loading a.ts failed: a is broken\n  fix: fix the error at that line; synth runs your module as ordinary TypeScript\n1 error, 0 warnings\n";
    const lines = (r: Run): string[] => r.stderr.split("\n").filter((l) => l.startsWith("imported "));
    for (const out of ["first", "second"]) {
      const r = await cli("synth", ...ENTRIES, "--no-typecheck", "--out", out);
      expect([out, r.code, r.stdout, r.stderr.split("\n").filter((l) => !l.startsWith("imported ")).join("\n"), lines(r).sort()]).toEqual([out, 1, "", failure, ["imported a", "imported b"]]);
    }
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
