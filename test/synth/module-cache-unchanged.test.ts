/**
 * A module imported again keeps its unchanged pipelines: each pipeline whose plan data equals one of the
 * module's previous record is given as that record's object, with what it emitted, so a save that changed one
 * pipeline of a module emits that one alone (the output is a cold synth's: module-cache.test.ts and
 * watch.test.ts compare). In this process (synth --watch) the previous objects themselves; in a new
 * process, the previous record's, decoded from its file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";
import { decodePipelines, encodePipelines, type ModulePipeline, type PipelineOutput } from "../../packages/streamt-sdk/src/synth/module-cache.js";
import { moduleGraph } from "../../packages/streamt-sdk/src/synth/module-graph.js";
import { scratchFolder, TSCONFIG } from "./fixture.js";

type ModuleCacheModule = typeof import("../../packages/streamt-sdk/src/synth/module-cache.js");

const SCRATCH = scratchFolder("module-cache-unchanged");
const OPTIONS = "emit-options-hash";
let dir: string;
let cacheDir: string;

beforeEach(() => {
  mkdirSync(SCRATCH, { recursive: true });
  dir = mkdtempSync(path.join(SCRATCH, "p-"));
  cacheDir = path.join(dir, "cache");
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  writeFileSync(path.join(dir, "a.ts"), "export const version = 1;\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const Order = t.row({ order_id: t.string(), amount: t.int(), status: t.string() });

/**
 * The module's three pipelines, sharing one source as a module's do; `threshold` is the second one's filter.
 * Made here, they are given as the import of a.ts makes them: plan data (as synth --watch's import thread
 * sends it), with a.ts as the file of their sites.
 */
function modulePipelines(threshold: number): ModulePipeline[] {
  const made = madePipelines(threshold);
  const here = JSON.stringify(made[0]!.pipeline.definition.site!.file);
  return decodePipelines(encodePipelines(made)!.replaceAll(`"file":${here}`, `"file":"a.ts"`), "a.ts");
}

function madePipelines(threshold: number): ModulePipeline[] {
  const orders = source("orders", { topic: "orders", schema: Order });
  const defs: [string, PipelineDef][] = [
    ["paid", pipeline("paid").write(orders.filter((o) => o.status.eq("paid")).toKafka("paid.out")).definition],
    ["large", pipeline("large").write(orders.filter((o) => o.amount.gt(threshold)).toKafka("large.out")).definition],
    ["copy", pipeline("copy").write(orders.toKafka("copy.out")).definition],
  ];
  return defs.map(([exportName, definition]) => ({ pipeline: { definition }, file: "a.ts", exportName }));
}

/** What a pipeline emitted, as the cache keeps it (the artifacts' content is the emitter's, not this test's). */
const outputOf = (name: string, text: string): PipelineOutput => ({ artifacts: [{ id: `sql:${name}`, type: "sql-script", pipeline: name, files: [{ path: `${name}.sql`, content: text }], dependsOn: [] }] as unknown as PipelineOutput["artifacts"], jars: [] });

/** One synth's use of the cache for a.ts: open, import it if stale (record `pipelines`, store each one's output unless kept), save. */
function synthOnce(cache: ModuleCacheModule, pipelines: ModulePipeline[], text: string): { imported: boolean; pipelines: ModulePipeline[]; outputs: (PipelineOutput | undefined)[] } {
  const modules = cache.ModuleCache.open(["a.ts"], dir, cacheDir);
  const imported = modules.stale().includes("a.ts");
  if (imported) expect(modules.record("a.ts", pipelines, [], moduleGraph(path.join(dir, "a.ts"), path.join(dir, "tsconfig.json")), new Set([path.join(dir, "a.ts")]))).toBe(true);
  const kept = modules.cached("a.ts")!.pipelines;
  const outputs = kept.map((p) => modules.output("a.ts", p.pipeline.definition.name, OPTIONS));
  kept.forEach((p, i) => {
    const name = p.pipeline.definition.name;
    if (outputs[i] === undefined) modules.storeOutput("a.ts", name, OPTIONS, outputOf(name, `${name} ${text}`));
  });
  modules.save();
  return { imported, pipelines: kept, outputs };
}

describe("a module imported again keeps the pipelines its edit left unchanged", () => {
  it("in the same process: the previous objects and outputs for unchanged plans, new ones for the changed plan", async () => {
    const cache = await import("../../packages/streamt-sdk/src/synth/module-cache.js");
    const first = synthOnce(cache, modulePipelines(100), "first");
    expect([first.imported, first.outputs]).toEqual([true, [undefined, undefined, undefined]]);

    writeFileSync(path.join(dir, "a.ts"), "export const version = 2;\n");
    const fresh = modulePipelines(250);
    const second = synthOnce(cache, fresh, "second");
    expect(second.imported).toBe(true);
    // paid and copy: plan data unchanged, so the first run's objects and what they emitted; large: the new one.
    expect(second.pipelines[0]).toBe(first.pipelines[0]);
    expect(second.pipelines[1]).toBe(fresh[1]);
    expect(second.pipelines[2]).toBe(first.pipelines[2]);
    expect(second.outputs).toEqual([outputOf("paid", "paid first"), undefined, outputOf("copy", "copy first")]);

    // Unchanged since: nothing imported, and each pipeline's output is the one it has now.
    const third = synthOnce(cache, [], "third");
    expect(third.imported).toBe(false);
    expect(third.outputs).toEqual([outputOf("paid", "paid first"), outputOf("large", "large second"), outputOf("copy", "copy first")]);
  });

  it("in a new process: from the previous record's file, equal (not the same objects), with its outputs", async () => {
    const before = await import("../../packages/streamt-sdk/src/synth/module-cache.js");
    synthOnce(before, modulePipelines(100), "first");
    vi.resetModules();
    const cache = await import("../../packages/streamt-sdk/src/synth/module-cache.js");
    expect(cache).not.toBe(before);

    writeFileSync(path.join(dir, "a.ts"), "export const version = 2;\n");
    const fresh = modulePipelines(100);
    fresh[1] = modulePipelines(250)[1]!;
    const second = synthOnce(cache, fresh, "second");
    expect(second.pipelines[0]).not.toBe(fresh[0]);
    expect(second.pipelines[0]).toEqual(fresh[0]);
    expect(second.pipelines[1]).toBe(fresh[1]);
    expect(second.outputs).toEqual([outputOf("paid", "paid first"), undefined, outputOf("copy", "copy first")]);
  });

  it("a pipeline whose plan data differs in anything is not kept: its site (a line moved), or its export name", async () => {
    const cache = await import("../../packages/streamt-sdk/src/synth/module-cache.js");
    const first = synthOnce(cache, modulePipelines(100), "first");
    writeFileSync(path.join(dir, "a.ts"), "export const version = 2;\n");
    const fresh = modulePipelines(100);
    const moved = { ...fresh[0]!, pipeline: { definition: { ...fresh[0]!.pipeline.definition, site: { file: "a.ts", line: 99, column: 1 } } } };
    const renamed = { ...fresh[2]!, exportName: "copyOfOrders" };
    const second = synthOnce(cache, [moved, fresh[1]!, renamed], "second");
    expect(second.pipelines.map((p, i) => p === first.pipelines[i])).toEqual([false, true, false]);
    expect(second.outputs).toEqual([undefined, outputOf("large", "large first"), undefined]);
  });
});
