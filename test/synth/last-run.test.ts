/**
 * The record of the last synth (synth/last-run.ts), through the real CLI: an unchanged synth replays the
 * last run's output and exit code and leaves the output folder as it is; any change to what synth reads,
 * or to the output folder, runs a real synth, whose output equals a cold synth's byte for byte.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFolder, sha256 } from "../../packages/streamt-sdk/src/synth/cache.js";
import { ROOT, runCli, type Run } from "../cli/support.js";
import { fileEditor, newProject, scratchFolder, TSCONFIG } from "./fixture.js";

const SCRATCH = scratchFolder("last-run");
const moduleCode = (name: string, filter: string): string => `import { pipeline, source } from "streamt-sdk";
import { Order } from "./schemas.js";
const orders = source("orders", { topic: "orders", schema: Order });
export default pipeline("${name}").write(orders.filter((o) => ${filter}).toKafka("${name}.out"));
`;

let dir: string;
const { write, edit } = fileEditor(() => dir);
const SYNTH = ["synth", "a.ts", "b.ts", "--out", "out"];
const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> => runCli(args, { cwd: dir, env });

function folder(out: string): Record<string, string> {
  return Object.fromEntries(readdirSync(path.join(dir, out)).sort().map((f) => [f, readFileSync(path.join(dir, out, f), "utf8")]));
}

/** Each record of a last run, by file, with its inode and modification time: a real synth rewrites its record. */
function records(): Record<string, string> {
  const names = readdirSync(cacheFolder(dir)).filter((f) => f.startsWith("last-run-"));
  return Object.fromEntries(names.map((f) => [f, `${statSync(path.join(cacheFolder(dir), f)).ino} ${statSync(path.join(cacheFolder(dir), f)).mtimeMs}`]));
}

/** A synth of SYNTH's command line that must be replayed: the same result as `last`, no record written, the output folder not replaced. */
async function expectReplay(last: Run, env: Record<string, string> = {}): Promise<void> {
  const before = { records: records(), out: statSync(path.join(dir, "out")).ino };
  expect(await cli(SYNTH, env)).toEqual(last);
  expect({ records: records(), out: statSync(path.join(dir, "out")).ino }).toEqual(before);
}

/** A synth that must run for real (its record rewritten), its output equal to a synth without any cache, and its findings too. */
async function expectRealSynth(env: Record<string, string> = {}): Promise<Run> {
  const before = records();
  const real = await cli(SYNTH, env);
  expect(records()).not.toEqual(before);
  const cold = await cli([...SYNTH.slice(0, -1), "cold", "--no-cache"], env);
  expect({ code: real.code, stderr: real.stderr }).toEqual({ code: cold.code, stderr: cold.stderr });
  if (real.code === 0) {
    expect(real.stdout).toBe("synthesised 2 pipelines (a, b) into out\n");
    expect(folder("out")).toEqual(folder("cold"));
  }
  rmSync(path.join(dir, "cold"), { recursive: true, force: true });
  return real;
}

beforeEach(() => {
  dir = newProject(SCRATCH, moduleCode);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the record of the last synth", () => {
  it("replays an unchanged synth: the same output and exit code, the output folder left as it was; --json with no stage timed", { timeout: 300_000 }, async () => {
    const first = await cli(SYNTH);
    expect(first).toEqual({ code: 0, stdout: "synthesised 2 pipelines (a, b) into out\n", stderr: "" });
    const written = folder("out");
    expect(Object.keys(written)).toEqual(["a.sql", "b.sql", "manifest.json", "plan.json", "topics.json"]);
    await expectReplay(first);
    expect(folder("out")).toEqual(written);

    const json = await cli([...SYNTH, "--json"]);
    expect(json.code).toBe(0);
    const again = await cli([...SYNTH, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ...JSON.parse(json.stdout), timingsMs: { load: 0, typecheck: 0, plan: 0, analyse: 0, emit: 0 } });
    // --no-cache neither reads nor writes a record.
    const before = records();
    expect(await cli([...SYNTH, "--no-cache"])).toEqual(first);
    expect(records()).toEqual(before);
  });

  it("runs a real synth on a change to a module, a module it imports, tsconfig.json, package.json, streamt.config.ts or what that imports, the environment's Kafka address, or a folder's names", { timeout: 600_000 }, async () => {
    await cli(SYNTH);
    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    expect(folder("out")["a.sql"]).not.toContain("`amount` > 250");
    await expectRealSynth();
    expect(folder("out")["a.sql"]).toContain("`amount` > 250");

    edit("schemas.ts", "status: t.string() }", "status: t.string(), channel: t.string() }");
    await expectRealSynth();
    expect(folder("out")["b.sql"]).toContain("`channel` STRING");

    write("tsconfig.json", JSON.stringify({ compilerOptions: { ...TSCONFIG.compilerOptions, noUncheckedIndexedAccess: true } }, null, 2));
    await expectRealSynth();
    write("package.json", JSON.stringify({ name: "p", private: true, type: "module" }));
    await expectRealSynth();

    // A config whose rules come from a module of its own: the findings follow an edit of that module.
    write("limits.ts", `export const owner = false;\n`);
    write("streamt.config.ts", `import { defineConfig } from "streamt-sdk";\nimport { owner } from "./limits.js";\nexport default defineConfig({ rules: { pipelines: { requireOwner: owner } } });\n`);
    expect((await expectRealSynth()).stderr).toBe("");
    write("limits.ts", `export const owner = true;\n`);
    const ruled = await expectRealSynth();
    expect(ruled.stderr).toContain("STREAMT-W");
    await expectReplay(ruled);

    const broker = await expectRealSynth({ STREAMT_KAFKA_BOOTSTRAP: "broker:9093" });
    expect(folder("out")["a.sql"]).toContain("broker:9093");
    await expectReplay(broker, { STREAMT_KAFKA_BOOTSTRAP: "broker:9093" });

    // A new folder beside the modules: an import of "./x" could now resolve to x/index.ts.
    mkdirSync(path.join(dir, "x"));
    await expectRealSynth();
  });

  it("runs a real synth that restores an output file edited or deleted, and refuses a folder with a file synth did not write", { timeout: 300_000 }, async () => {
    const first = await cli(SYNTH);
    const written = folder("out");
    write("out/a.sql", "-- edited by hand\n");
    expect(await cli(SYNTH)).toEqual(first);
    expect(folder("out")).toEqual(written);
    rmSync(path.join(dir, "out", "b.sql"));
    expect(await cli(SYNTH)).toEqual(first);
    expect(folder("out")).toEqual(written);
    await expectReplay(first);
    write("out/notes.txt", "mine\n");
    const refused = await cli(SYNTH);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("STREAMT-O001");
  });

  it("replays findings and the exit code exactly, --strict and type errors too", { timeout: 300_000 }, async () => {
    // An exported source no pipeline reads: a warning, failing under --strict.
    write("b.ts", `${moduleCode("b", `o.status.eq("paid")`)}export const unused = source("refunds", { topic: "refunds", schema: Order });\n`);
    const warned = await cli(SYNTH);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/warning STREAMT-W\d+/);
    await expectReplay(warned);
    const strict = await cli([...SYNTH, "--strict"]);
    expect(strict).toEqual({ code: 1, stdout: "", stderr: warned.stderr });
    const records0 = records();
    expect(await cli([...SYNTH, "--strict"])).toEqual(strict);
    expect(records()).toEqual(records0);
    await expectReplay(warned);

    write("b.ts", moduleCode("b", `o.status.eq(1)`));
    const typeError = await expectRealSynth();
    expect(typeError.code).toBe(1);
    expect(typeError.stderr).toContain("error TS2769 b.ts:4:");
    const records1 = records();
    expect(await cli(SYNTH)).toEqual(typeError);
    expect(records()).toEqual(records1);
  });

  it("keeps no record of a run whose module reads the environment: the next run sees the new value", { timeout: 300_000 }, async () => {
    write("b.ts", moduleCode("b", `o.status.eq(process.env.STATUS ?? "paid")`));
    expect((await cli(SYNTH, { STATUS: "paid" })).code).toBe(0);
    expect(records()).toEqual({});
    expect((await cli(SYNTH, { STATUS: "refunded" })).code).toBe(0);
    expect(folder("out")["b.sql"]).toContain("'refunded'");
  });

  it("--target java: replays while the templates are unchanged; an edited template, another templates folder or a missing template runs a real synth", { timeout: 300_000 }, async () => {
    const templates = path.join(dir, "templates");
    cpSync(path.join(ROOT, "templates"), templates, { recursive: true });
    const JAVA = [...SYNTH, "--target", "java"];
    const env = { STREAMT_TEMPLATES_DIR: templates };
    const java = (e: Record<string, string> = env): Promise<Run> => cli(JAVA, e);
    const first = await java();
    expect(first).toEqual({ code: 0, stdout: "synthesised 2 pipelines (a, b) into out\n", stderr: "" });
    const stamp = (): { records: Record<string, string>; out: number; readme: number } => ({ records: records(), out: statSync(path.join(dir, "out")).ino, readme: statSync(path.join(dir, "out", "a", "README.md")).ino });
    const before = stamp();
    expect(await java()).toEqual(first);
    expect(stamp()).toEqual(before);

    const readme = path.join(templates, "java", "README.md.hbs");
    writeFileSync(readme, `Built by the platform team.\n\n${readFileSync(readme, "utf8")}`);
    expect(await java()).toEqual(first);
    expect(records()).not.toEqual(before.records);
    expect(readFileSync(path.join(dir, "out", "a", "README.md"), "utf8")).toMatch(/^Built by the platform team\.\n/);
    const edited = stamp();
    expect(await java()).toEqual(first);
    expect(stamp()).toEqual(edited);

    // Another folder of templates (the same texts): another record, a real synth.
    const other = path.join(dir, "other-templates");
    cpSync(templates, other, { recursive: true });
    expect(await java({ STREAMT_TEMPLATES_DIR: other })).toEqual(first);
    expect(Object.keys(records())).toHaveLength(Object.keys(edited.records).length + 1);

    // A missing template fails the synth; the failure is replayed until the template is back.
    rmSync(readme);
    const failed = await java();
    expect([failed.code, failed.stderr]).toEqual([1, expect.stringContaining("STREAMT-B012")]);
    expect(await java()).toEqual(failed);
    writeFileSync(readme, "{{pipeline}}\n");
    expect(await java()).toEqual(first);
    // The pipeline's name as the template's model gives it: a Markdown code span.
    expect(readFileSync(path.join(dir, "out", "a", "README.md"), "utf8")).toBe("` a `\n");
  });

  it("--target jar: an unchanged synth builds no JAR again; the JARs are left as they were", { timeout: 600_000 }, async () => {
    const JAR = [...SYNTH, "--target", "jar"];
    const first = await cli(JAR);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^built 2 JARs in \d+ s: /m);
    const jars = (): string[] => ["a/target/a.jar", "b/target/b.jar"].map((j) => `${j} ${statSync(path.join(dir, "out", j)).ino} ${statSync(path.join(dir, "out", j)).mtimeMs}`);
    const built = jars();
    // Replayed: what it printed, not the build's progress (that build did not run again).
    expect(await cli(JAR)).toEqual({ code: 0, stdout: first.stdout, stderr: "" });
    expect(jars()).toEqual(built);
    // A changed module builds again.
    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(250)");
    const again = await cli(JAR);
    expect(again.stderr).toMatch(/^built 2 JARs in \d+ s: /m);
    expect(jars()).not.toEqual(built);
  });

  it("does not trust a record written by other SDK code, or a corrupt one", { timeout: 300_000 }, async () => {
    const first = await cli(SYNTH);
    const [name] = Object.keys(records());
    const file = path.join(cacheFolder(dir), name!);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { data: string; sha256: string };
    const record = JSON.parse(entry.data) as { packages: [string, string][] };
    const data = JSON.stringify({ ...record, packages: record.packages.map(([d]) => [d, "another build"]) });
    writeFileSync(file, JSON.stringify({ ...entry, data, sha256: sha256(data) }));
    await expectRealSynth();
    writeFileSync(file, "{ not json");
    expect(await cli(SYNTH)).toEqual(first);
    await expectReplay(first);
  });
});
