import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { covers, mutated, readEarlierRun, runReport, testsFor, type FileCoverage } from "../../bench/mutation-process.js";

// The pure parts of bench/mutation-process.ts: how a drawn mutant is written into a source, and which
// unit tests are run against it.
describe("mutation-process", () => {
  it("replaces the mutant's range (0-based lines and columns, as the instrumenter draws) with its replacement", () => {
    const source = "const a = 1;\nif (a > 0 && b) {\n  go();\n}\n";
    const at = (line: number, column: number) => ({ line, column });
    expect(mutated(source, { file: "x.ts", mutatorName: "EqualityOperator", replacement: "a >= 0", location: { start: at(1, 4), end: at(1, 9) } })).toBe("const a = 1;\nif (a >= 0 && b) {\n  go();\n}\n");
    expect(mutated(source, { file: "x.ts", mutatorName: "BlockStatement", replacement: "{}", location: { start: at(1, 16), end: at(3, 1) } })).toBe("const a = 1;\nif (a > 0 && b) {}\n");
  });

  it("runs the tests named after the module or importing it (directly or through a test helper), and the CLI's for cli/ and synth/", () => {
    const files: Record<string, string> = {
      "test/synth/last-run.test.ts": 'import { runCli } from "../cli/support.js";',
      "test/cli/support.ts": 'import { parseCommand } from "../../packages/streamt-sdk/src/cli/args.js";',
      "test/cli/args.test.ts": 'import { usage } from "./support.js";',
      "test/deploy/config.test.ts": 'import { loadConfig } from "../../packages/streamt-sdk/src/deploy/config.js";',
      "test/deploy/other.test.ts": 'import { x } from "../../packages/streamt-sdk/src/deploy/config-extra.js";',
      "test/cli/cli.test.ts": "",
      "test/cli/output-folder.test.ts": "",
    };
    const tests = Object.keys(files).filter((f) => f.endsWith(".test.ts"));
    const text = (f: string) => files[f] ?? "";
    const src = "packages/streamt-sdk/src";
    expect(testsFor(`${src}/synth/last-run.ts`, tests, text)).toEqual(["test/cli/cli.test.ts", "test/cli/output-folder.test.ts", "test/synth/last-run.test.ts"]);
    expect(testsFor(`${src}/cli/args.ts`, tests, text)).toEqual(["test/cli/args.test.ts", "test/cli/cli.test.ts", "test/cli/output-folder.test.ts", "test/synth/last-run.test.ts"]);
    expect(testsFor(`${src}/deploy/config.ts`, tests, text)).toEqual(["test/deploy/config.test.ts"]);
    expect(testsFor(`${src}/runtime/kafka-io.ts`, tests, text)).toEqual([]);
    const withPackage = { ...files, "test/testing/rows.test.ts": 'import { expectRows } from "streamt-sdk/testing";' };
    expect(testsFor(`${src}/testing/index.ts`, Object.keys(withPackage).filter((f) => f.endsWith(".test.ts")), (f) => withPackage[f as keyof typeof withPackage] ?? "")).toEqual(["test/testing/rows.test.ts"]);
  });

  it("a module started as a thread by name (startThread(\"import-worker\")) is tested by the tests of the module beside it that starts it", () => {
    const src = "packages/streamt-sdk/src";
    const files: Record<string, string> = {
      [`${src}/synth/watch.ts`]: 'startThread("import-worker", { root }); startThread("typecheck-worker");',
      [`${src}/synth/import-worker.ts`]: 'port.on("message", answer);',
      [`${src}/deploy/other.ts`]: 'run("import-worker");',
      "test/synth/watch.test.ts": 'import { watch } from "../../packages/streamt-sdk/src/synth/watch.js";',
      "test/deploy/other.test.ts": 'import { run } from "../../packages/streamt-sdk/src/deploy/other.js";',
      "test/cli/cli.test.ts": "",
      "test/cli/output-folder.test.ts": "",
    };
    const tests = Object.keys(files).filter((f) => f.endsWith(".test.ts"));
    const sources = Object.keys(files).filter((f) => f.startsWith(src));
    const text = (f: string) => files[f] ?? "";
    // deploy/other.ts names it too, but from another folder: no thread of its own folder.
    expect(testsFor(`${src}/synth/import-worker.ts`, tests, text, sources)).toEqual(["test/cli/cli.test.ts", "test/cli/output-folder.test.ts", "test/synth/watch.test.ts"]);
    expect(testsFor(`${src}/synth/watch.ts`, tests, text, sources)).toEqual(["test/cli/cli.test.ts", "test/cli/output-folder.test.ts", "test/synth/watch.test.ts"]);
    expect(testsFor(`${src}/synth/import-worker.ts`, tests, text)).toEqual(["test/cli/cli.test.ts", "test/cli/output-folder.test.ts"]);
  });
});

describe("mutation-process: going on from an earlier run", () => {
  it("reads back each run mutant's status and the baseline from the run file it writes; mutants not run are left to run", () => {
    const file = "packages/streamt-sdk/src/version.ts";
    const at = (line: number, column: number) => ({ line, column });
    const ran = { file, mutatorName: "StringLiteral", replacement: '""', location: { start: at(0, 5), end: at(0, 9) } };
    const notRun = { file, mutatorName: "StringLiteral", replacement: '"x"', location: { start: at(0, 5), end: at(0, 9) } };
    const sample = { seed: 1, commit: "HEAD", population: { "(top level)": 2 }, notMeasured: {}, mutants: [ran, notRun] };
    const baseline = { fileMs: { "test/cli/args.test.ts": 1234 }, leftOut: ["test/cli/needs-a-runner.test.ts"] };
    const dir = mkdtempSync(path.join(os.tmpdir(), "streamt-mutation-process-"));
    try {
      const runFile = path.join(dir, "sample-1-run.json");
      writeFileSync(runFile, JSON.stringify(runReport(sample, sample.mutants, new Map([[ran, "Killed"]]), baseline)));
      const earlier = readEarlierRun(runFile, sample)!;
      expect(earlier.baseline).toEqual(baseline);
      expect([...earlier.statuses.values()]).toEqual(["Killed"]);
      // Another draw's run file is not taken for this one.
      expect(readEarlierRun(runFile, { ...sample, mutants: [notRun] })).toBe(null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mutation-process: which tests ran a mutant's code", () => {
  // Coverage of: line 1 `export function f(a) {` (called twice), line 2 `if (a) return 1;` (ran), its `return 1`
  // (ran once), line 3 `return g(() => 2);` (ran), whose arrow `() => 2` never ran; line 5 `function h() {}` never called.
  const coverage: FileCoverage = {
    statementMap: {
      "0": { start: { line: 2, column: 2 }, end: { line: 2, column: 18 } },
      "1": { start: { line: 2, column: 9 }, end: { line: 2, column: 18 } },
      "2": { start: { line: 3, column: 2 }, end: { line: 3, column: null } },
      "3": { start: { line: 3, column: 17 }, end: { line: 3, column: 18 } },
    },
    s: { "0": 2, "1": 1, "2": 1, "3": 0 },
    fnMap: {
      "0": { loc: { start: { line: 1, column: 0 }, end: { line: 4, column: 1 } } },
      "1": { loc: { start: { line: 3, column: 11 }, end: { line: 3, column: 18 } } },
      "2": { loc: { start: { line: 5, column: 0 }, end: { line: 5, column: 15 } } },
    },
    f: { "0": 2, "1": 0, "2": 0 },
  };
  // Stryker's locations: 0-based lines, 0-based columns.
  const at = (line: number, column: number) => ({ file: "x.ts", mutatorName: "M", replacement: "r", location: { start: { line: line - 1, column }, end: { line: line - 1, column: column + 1 } } });

  it("is decided by the innermost statement or function around the mutant's start: it must have run", () => {
    expect(covers(coverage, at(2, 6))).toBe(true); // the condition `a`, inside the ran if
    expect(covers(coverage, at(2, 16))).toBe(true); // `1`, inside the ran `return 1`
    expect(covers(coverage, at(3, 9))).toBe(true); // `g(...)`, in the ran return, outside the arrow
    expect(covers(coverage, at(3, 17))).toBe(false); // `2`: the arrow's body, which never ran, though its line did
    expect(covers(coverage, at(3, 11))).toBe(false); // the arrow itself (a function never called)
    expect(covers(coverage, at(5, 14))).toBe(false); // inside h, never called
    expect(covers(coverage, at(1, 16))).toBe(true); // f's parameter list: f ran
    expect(covers(coverage, at(7, 0))).toBe(false); // outside every statement and function
  });
});
