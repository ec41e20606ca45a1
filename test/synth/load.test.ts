/**
 * loadEntries: the pipelines an entry module exports, found by brand, and the sources it exports (for the
 * unused-source check); any other export, whatever its value, is neither.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEntries } from "../../packages/streamt-sdk/src/synth/load.js";
import { scratchFolder } from "./fixture.js";

const SCRATCH = scratchFolder("load");
mkdirSync(SCRATCH, { recursive: true });
const dir = mkdtempSync(path.join(SCRATCH, "p-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadEntries", () => {
  it("finds the exported pipelines and sources among exports of every other kind: null, undefined, a number, a string, a function, a plain object", async () => {
    writeFileSync(
      path.join(dir, "mixed.ts"),
      `import { pipeline, source, t } from "streamt-sdk";\n` +
        `const Order = t.row({ id: t.string() });\n` +
        `export const orders = source("orders", { topic: "orders.v1", schema: Order });\n` +
        `export const spare = source("spare", { topic: "spare.v1", schema: Order });\n` +
        `export const nothing = null;\n` +
        `export const missing = undefined;\n` +
        `export const answer = 42;\n` +
        `export const label = "orders";\n` +
        `export const helper = () => 1;\n` +
        `export const named = { name: "not-a-source", node: { kind: "filter" } };\n` +
        `export default pipeline("orders-copy").write(orders.toKafka("orders.copy"));\n`,
    );
    const result = await loadEntries(["mixed.ts"], dir);
    expect(result.pipelines.map((p) => [p.file, p.exportName, p.pipeline.definition.name])).toEqual([["mixed.ts", "default", "orders-copy"]]);
    expect(result.exportedSources).toEqual(["orders", "spare"]);
    expect([...result.exportedSourcesOf]).toEqual([["mixed.ts", ["orders", "spare"]]]);
    expect(result.diagnostics).toEqual([]);
  });

  it("a module failing with a stack whose frames are file:// URLs (as Node's ESM loader writes them under tsx): the site is the user's frame, its file relative to the root", async () => {
    // vitest's module runner writes plain paths in a stack; the CLI's tsx writes file:///<path>:<line>:<column>.
    const file = path.join(dir, "esm-frames.ts");
    writeFileSync(
      file,
      `const e = new Error("the topic name is empty");\n` +
        `e.stack = ${JSON.stringify(`Error: the topic name is empty\n    at orderTopic (file://${file}:4:11)\n    at file://${file}:7:3\n    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)`)};\n` +
        `throw e;\n`,
    );
    const result = await loadEntries(["esm-frames.ts"], dir);
    expect(result.diagnostics).toEqual([
      {
        code: "STREAMT-L001",
        severity: "error",
        pipeline: null,
        path: "esm-frames.ts",
        site: { file: "esm-frames.ts", line: 4, column: 11 },
        message: "loading esm-frames.ts failed: the topic name is empty",
        hint: "fix the error at that line; synth runs your module as ordinary TypeScript",
      },
    ]);
  });

  it("a module failing with esbuild's errors array, its message not giving the position (a reworded error): the site is the first error's location, its column made 1-based", async () => {
    // esbuild's own messages carry "<file>:<line>:<column>: ERROR: <text>", which is read first; the
    // array is what is left when a wrapper rewords the message.
    writeFileSync(
      path.join(dir, "reworded.ts"),
      `throw Object.assign(new Error("the generated query does not compile"), {\n` +
        `  errors: [{ text: "Unexpected \\";\\"", location: { file: "gen/query.ts", line: 3, column: 7 } }, { text: "second", location: null }],\n` +
        `});\n`,
    );
    const result = await loadEntries(["reworded.ts"], dir);
    expect(result.diagnostics).toEqual([
      {
        code: "STREAMT-L001",
        severity: "error",
        pipeline: null,
        path: "reworded.ts",
        site: { file: "gen/query.ts", line: 3, column: 8 },
        message: `loading reworded.ts failed: Unexpected ";"`,
        hint: "fix the error at that line; synth runs your module as ordinary TypeScript",
      },
    ]);
  });
});
