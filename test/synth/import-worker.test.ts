/**
 * The import thread of synth --watch (synth/import-worker.ts), started as watch.ts starts it (tsx
 * registered first): it answers a request with the entry modules' pipelines as plan data, and each run
 * imports the project's files as they are on disk now, not as an earlier run loaded them.
 */
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import type { ImportReply } from "../../packages/streamt-sdk/src/synth/import-worker.js";
import { decodePipelines } from "../../packages/streamt-sdk/src/synth/module-cache.js";
import { fileEditor, moduleCode, newProject, scratchFolder } from "./fixture.js";

const WORKER = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/synth/import-worker.ts");
const SCRATCH = scratchFolder("import-worker");

const workers: Worker[] = [];
const projects: string[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.terminate();
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = newProject(SCRATCH, moduleCode);
  projects.push(dir);
  return dir;
}

/** An import thread for the project in `root`; its stderr (where the modules' console output goes) is kept out of the test's. */
function startThread(root: string): Worker {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(pathToFileURL(WORKER).href)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { root }, stderr: true });
  workers.push(worker);
  return worker;
}

function importEntries(worker: Worker, root: string, entries: string[], run: number): Promise<ImportReply> {
  return new Promise((resolve, reject) => {
    worker.once("message", resolve).once("error", reject);
    worker.postMessage({ kind: "entries", entries, root, run });
  });
}

/** Each module's pipelines, read back from plan data: export name, pipeline name, its filter, and the fields of the source it reads. */
function summary(reply: ImportReply): unknown {
  return reply.plans.map(([file, plan]) => [
    file,
    plan === null
      ? null
      : decodePipelines(plan, file).map(({ exportName, pipeline }) => {
          const filter = (pipeline.definition.sinks[0] as unknown as { input: { predicate: { op: string; args: { value?: string }[] }; input: { schema: { name: string }[] } } }).input;
          return { exportName, name: pipeline.definition.name, filter: `${filter.predicate.op} ${filter.predicate.args[1]!.value}`, fields: filter.input.schema.map((f) => f.name) };
        }),
  ]);
}

describe("the import thread", () => {
  it("answers with each entry module's pipelines as plan data, the sources each module exports, and no diagnostics", async () => {
    const dir = project();
    fileEditor(() => dir).edit("b.ts", "const orders = source", "export const orders = source");
    const reply = await importEntries(startThread(dir), dir, ["a.ts", "b.ts"], 1);
    expect({ ...reply, plans: summary(reply) }).toEqual({
      plans: [
        ["a.ts", [{ exportName: "default", name: "a", filter: "> 100", fields: ["order_id", "amount", "status"] }]],
        ["b.ts", [{ exportName: "default", name: "b", filter: "= paid", fields: ["order_id", "amount", "status"] }]],
      ],
      exportedSourcesOf: [["a.ts", []], ["b.ts", ["orders"]]],
      exportedSources: ["orders"],
      diagnostics: [],
    });
  });

  it("a later run of the same thread sees the entry module and the project module it imports as edited since the earlier run", async () => {
    const dir = project();
    const { edit } = fileEditor(() => dir);
    const thread = startThread(dir);
    expect(summary(await importEntries(thread, dir, ["a.ts"], 1))).toEqual([["a.ts", [{ exportName: "default", name: "a", filter: "> 100", fields: ["order_id", "amount", "status"] }]]]);
    edit("a.ts", "o.amount.gt(100)", "o.amount.gt(999)");
    edit("schemas.ts", "status: t.string() ", "status: t.string(), region: t.string() ");
    expect(summary(await importEntries(thread, dir, ["a.ts"], 2))).toEqual([["a.ts", [{ exportName: "default", name: "a", filter: "> 999", fields: ["order_id", "amount", "status", "region"] }]]]);
  });
});
