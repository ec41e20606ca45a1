/**
 * moduleGraph: what importing an entry module reads, and why its result cannot be cached (an import that
 * cannot be followed statically), with the first such reason found.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { moduleGraph } from "../../packages/streamt-sdk/src/synth/module-graph.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), "streamt-module-graph-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe("moduleGraph: why a module cannot be cached", () => {
  it("a module reached by a static import that imports another by a computed name: uncacheable, naming that module", () => {
    const a = "import { load } from \"./b.js\";\nexport const x = load;\n";
    const b = "const name = \"./c.js\";\nexport const load = () => import(name);\n";
    const root = project({ "a.ts": a, "b.ts": b });
    const graph = moduleGraph(path.join(root, "a.ts"), undefined);
    expect({ texts: [...graph.texts], uncacheable: graph.uncacheable }).toEqual({
      texts: [[path.join(root, "a.ts"), a], [path.join(root, "b.ts"), b]],
      uncacheable: `${path.join(root, "b.ts")} imports a module by a computed name`,
    });
  });

  it("a module both importing node:fs and importing by a computed name: the first reason found (node:fs) is the one given", () => {
    const a = "import { readFileSync } from \"node:fs\";\nconst name = \"./c.js\";\nexport const load = () => [readFileSync, import(name)];\n";
    const root = project({ "a.ts": a });
    expect(moduleGraph(path.join(root, "a.ts"), undefined).uncacheable).toBe(`${path.join(root, "a.ts")} imports node:fs`);
  });

  it("a module reading process.env or process.argv with whitespace (a line break, a space) before the dot: uncacheable, its imports still followed (synth --watch watches them)", () => {
    const a = "import { y } from \"./b.js\";\nexport const port = process\n  .env.PORT ?? y;\n";
    const c = "export const first = process .argv[2];\n";
    const root = project({ "a.ts": a, "b.ts": "export const y = \"9092\";\n", "c.ts": c });
    const graph = moduleGraph(path.join(root, "a.ts"), undefined);
    expect({ texts: [...graph.texts], uncacheable: graph.uncacheable }).toEqual({
      texts: [[path.join(root, "a.ts"), a], [path.join(root, "b.ts"), "export const y = \"9092\";\n"]],
      uncacheable: `${path.join(root, "a.ts")} reads process.env or process.argv`,
    });
    expect(moduleGraph(path.join(root, "c.ts"), undefined).uncacheable).toBe(`${path.join(root, "c.ts")} reads process.env or process.argv`);
  });

  it("an import that does not resolve: uncacheable, naming it, and the module's other imports are still followed", () => {
    const a = "import { gone } from \"./missing.js\";\nimport { y } from \"./b.js\";\nexport const x = [gone, y];\n";
    const b = "export const y = 1;\n";
    const root = project({ "a.ts": a, "b.ts": b });
    const graph = moduleGraph(path.join(root, "a.ts"), undefined);
    expect({ texts: [...graph.texts], uncacheable: graph.uncacheable }).toEqual({
      texts: [[path.join(root, "a.ts"), a], [path.join(root, "b.ts"), b]],
      uncacheable: `the import "./missing.js" in ${path.join(root, "a.ts")} does not resolve`,
    });
  });

  it("a dynamic import of a string literal is followed, not a reason", () => {
    const a = "export const load = () => import(\"./b.js\");\n";
    const b = "export const y = 1;\n";
    const root = project({ "a.ts": a, "b.ts": b });
    const graph = moduleGraph(path.join(root, "a.ts"), undefined);
    expect({ texts: [...graph.texts], uncacheable: graph.uncacheable }).toEqual({ texts: [[path.join(root, "a.ts"), a], [path.join(root, "b.ts"), b]], uncacheable: null });
  });

  it("an imported package: the file the import resolves to and the package's own package.json (up from a nested folder), not its imports", () => {
    const a = "import { y } from \"pkg\";\nexport const x = y;\n";
    const manifest = JSON.stringify({ name: "pkg", version: "1.0.0", types: "./dist/index.d.ts" });
    const types = "import { z } from \"./other.js\";\nexport declare const y: typeof z;\n";
    const root = project({ "a.ts": a, "node_modules/pkg/package.json": manifest, "node_modules/pkg/dist/index.d.ts": types, "node_modules/pkg/dist/other.d.ts": "export declare const z: number;\n" });
    const graph = moduleGraph(path.join(root, "a.ts"), undefined);
    expect({ texts: [...graph.texts], uncacheable: graph.uncacheable }).toEqual({
      texts: [[path.join(root, "a.ts"), a], [path.join(root, "node_modules/pkg/dist/index.d.ts"), types], [path.join(root, "node_modules/pkg/package.json"), manifest]],
      uncacheable: null,
    });
  });
});
