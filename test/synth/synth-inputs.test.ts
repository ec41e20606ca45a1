/**
 * synth() in this process with its caches (cache, moduleCache): what a run says it was made from (the
 * files synth --watch watches, the inputs of the record of the last synth), and the module cache's
 * records kept in memory from one run to the next, as in synth --watch's process.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../../packages/streamt-sdk/src/synth/cache.js";
import { synth, type SynthOptions } from "../../packages/streamt-sdk/src/synth/synth.js";
import { moduleCode, newProject, scratchFolder } from "./fixture.js";

const SCRATCH = scratchFolder("synth-inputs");

let dir: string;
const options = (): SynthOptions => ({
  entries: ["a.ts", "b.ts"],
  root: dir,
  typecheck: false,
  flinkVersion: "2.2",
  bootstrapServers: "b:9092",
  strict: false,
  cache: true,
  moduleCache: true,
});

beforeEach(() => {
  dir = newProject(SCRATCH, moduleCode);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("synth with the module cache", () => {
  it("names the files the entries' modules were made from (sourceFiles: what synth --watch watches outside the project), sorted", { timeout: 60_000 }, async () => {
    const result = await synth({ ...options(), deferCacheSave: true });
    expect(result.ok).toBe(true);
    // Besides these, the SDK's files and the package.json files above the project: the project's own are exact.
    const inProject = (result.sourceFiles ?? []).filter((f) => path.dirname(f) === dir).map((f) => path.basename(f));
    expect(inProject).toEqual(["a.ts", "b.ts", "package.json", "schemas.ts", "tsconfig.json"]);
  });

  it("a run in the same process takes an unchanged module's pipelines from memory: the very objects of the run that recorded them, not a new parse of its cache file", { timeout: 60_000 }, async () => {
    const first = await synth(options());
    const second = await synth(options());
    expect(first.plan!.pipelines.map((p) => p.name)).toEqual(["a", "b"]);
    expect(second.plan!.pipelines).toHaveLength(2);
    expect(second.plan!.pipelines[0]).toBe(first.plan!.pipelines[0]);
    expect(second.plan!.pipelines[1]).toBe(first.plan!.pipelines[1]);
  });

  it("with recordInputs and a streamt.config.ts that imports only statically known modules: what the run read includes the config, by its hash", { timeout: 60_000 }, async () => {
    const config = `import { defineConfig } from "streamt-sdk";\nexport default defineConfig({ environments: {} });\n`;
    writeFileSync(path.join(dir, "streamt.config.ts"), config);
    const result = await synth({ ...options(), recordInputs: true });
    expect(result.ok).toBe(true);
    const files = result.read?.inputs?.files;
    expect(files?.get(path.join(dir, "streamt.config.ts"))).toBe(sha256(readFileSync(path.join(dir, "streamt.config.ts"), "utf8")));
    expect(files?.get(path.join(dir, "a.ts"))).toBe(sha256(readFileSync(path.join(dir, "a.ts"), "utf8")));
  });

  it("with recordInputs: the SDK packages the entries import are named (the SDK folder, as \"streamt-sdk\" resolves to it), so that a change of the SDK invalidates the record", { timeout: 60_000 }, async () => {
    const result = await synth({ ...options(), recordInputs: true });
    expect(result.ok).toBe(true);
    // The fixture project imports "streamt-sdk", which resolves (through node_modules' link) to this checkout's package.
    expect(result.read?.packages).toEqual([path.resolve(import.meta.dirname, "../../packages/streamt-sdk")]);
  });
});
