import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allCodes, CODE_GROUPS } from "../../packages/streamt-sdk/src/code-registry.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SRC = path.join(ROOT, "packages/streamt-sdk/src");
const docs = readFileSync(path.join(ROOT, "docs/diagnostics.md"), "utf8");

/** Codes in the first cell of a table row of the docs: `| STREAMT-B001 |` or `| [STREAMT-E001](#...) |`. */
const documented = [...docs.matchAll(/^\| \[?(STREAMT-[A-Z]\d{3})\]?/gm)].map((m) => m[1]!);

describe("one registry of codes, all documented", () => {
  it("no code is in two groups or defined twice", () => {
    const codes = allCodes();
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    const letter = { analysis: /^STREAMT-[EW]\d{3}$/, build: /^STREAMT-B\d{3}$/, load: /^STREAMT-L\d{3}$/, output: /^STREAMT-O\d{3}$/, runtime: /^STREAMT-R\d{3}$/, testing: /^STREAMT-T\d{3}$/ };
    for (const [group, codesOf] of Object.entries(CODE_GROUPS)) {
      for (const code of Object.values(codesOf)) expect(code, group).toMatch(letter[group as keyof typeof letter]);
    }
  });

  it("every code has a row in docs/diagnostics.md, and every row a code", () => {
    expect(allCodes().filter((c) => !documented.includes(c))).toEqual([]);
    expect([...new Set(documented)].filter((c) => !allCodes().includes(c))).toEqual([]);
  });

  it("every analysis code has its own section with an example", () => {
    for (const code of Object.values(CODE_GROUPS.analysis)) {
      const at = docs.indexOf(`\n## ${code}\n`);
      expect(at, code).toBeGreaterThan(0);
    }
  });

  it("no code is written anywhere in the sources but the registry's groups", () => {
    const groupFiles = new Set(["analysis/codes.ts", "errors.ts", "runtime/toolchain.ts", "synth/load.ts", "synth/output-folder.ts", "testing/codes.ts"]);
    const strays: string[] = [];
    for (const f of readdirSync(SRC, { recursive: true }) as string[]) {
      if (!f.endsWith(".ts") || groupFiles.has(f.split(path.sep).join("/"))) continue;
      for (const m of readFileSync(path.join(SRC, f), "utf8").matchAll(/"(STREAMT-[A-Z]\d{3})"/g)) strays.push(`${f}: ${m[1]}`);
    }
    // Examples in doc comments quote codes too; a code as a string value elsewhere is a second registry.
    expect(strays.filter((s) => !/STREAMT-W00[35]/.test(s))).toEqual([]);
  });
});
