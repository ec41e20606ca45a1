import { describe, expect, it } from "vitest";
import { mutated, testsFor } from "../../bench/mutation-process.js";

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
  });
});
