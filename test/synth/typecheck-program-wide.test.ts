import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { typecheckEntries } from "../../packages/streamt-sdk/src/synth/typecheck.js";
import { scratchFolder } from "./fixture.js";

const SCRATCH = scratchFolder("typecheck-program-wide");
const HINT = "fix the type error (your editor shows it too); synth refuses code that does not type-check";
const COMPILER_OPTIONS = { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, skipLibCheck: true, noEmit: true };

let dir: string;
/** A project of one module, a.ts, under a tsconfig.json with these compiler options. */
const project = (compilerOptions: Record<string, unknown>, code: string): void => {
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, ...compilerOptions } }, null, 2));
  writeFileSync(path.join(dir, "a.ts"), code);
};

beforeEach(() => {
  mkdirSync(SCRATCH, { recursive: true });
  dir = mkdtempSync(path.join(SCRATCH, "p-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the type-check's errors about the whole program, not one file", () => {
  it("a global error TypeScript reports without a file (noLib: no global type Array) is located at the project's tsconfig.json, line 1, column 1", { timeout: 120_000 }, () => {
    project({ noLib: true }, "export const n: number = 1;\n");
    const { diagnostics } = typecheckEntries(["a.ts"], dir);
    expect(diagnostics[0]).toEqual({
      code: "TS2318",
      severity: "error",
      pipeline: null,
      path: "tsconfig.json",
      site: { file: "tsconfig.json", line: 1, column: 1 },
      message: "Cannot find global type 'Array'.",
      hint: HINT,
    });
    expect(diagnostics.map((d) => `${d.code} ${d.path} ${d.site?.file}:${d.site?.line}:${d.site?.column} ${d.message}`)).toEqual(
      ["Array", "Boolean", "CallableFunction", "Function", "IArguments", "NewableFunction", "Number", "Object", "RegExp", "String"].map(
        (type) => `TS2318 tsconfig.json tsconfig.json:1:1 Cannot find global type '${type}'.`,
      ),
    );
  });

  it("an option's error (a deprecated option) is located at the option's line in tsconfig.json, with a hint to fix tsconfig.json", { timeout: 120_000 }, () => {
    // tsconfig.json lists the six options of every project first: baseUrl is on line 9.
    project({ baseUrl: "." }, "export const n: number = 1;\n");
    const { diagnostics } = typecheckEntries(["a.ts"], dir);
    expect(diagnostics).toEqual([
      {
        code: "TS5101",
        severity: "error",
        pipeline: null,
        path: "tsconfig.json",
        site: { file: "tsconfig.json", line: 9, column: 5 },
        message: `Option 'baseUrl' is deprecated and will stop functioning in TypeScript 7.0. Specify compilerOption '"ignoreDeprecations": "6.0"' to silence this error.\n    Visit https://aka.ms/ts6 for migration information.`,
        hint: "fix tsconfig.json there; synth type-checks with your project's settings",
      },
    ]);
  });

  it("with outFile (the builder checks the whole program at once, not file by file) a type error in a module is still reported at its line and column", { timeout: 120_000 }, () => {
    project({ outFile: "out.js", module: "amd", moduleResolution: "node10", ignoreDeprecations: "6.0" }, `export const n: number = "one";\n`);
    const { diagnostics, notes } = typecheckEntries(["a.ts"], dir);
    expect(diagnostics).toEqual([
      {
        code: "TS2322",
        severity: "error",
        pipeline: null,
        path: "a.ts",
        site: { file: "a.ts", line: 1, column: 14 },
        message: "Type 'string' is not assignable to type 'number'.",
        hint: HINT,
      },
    ]);
    expect(notes).toEqual([]);
  });
});
