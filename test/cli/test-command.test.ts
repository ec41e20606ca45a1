/**
 * `streamt-sdk test`: its arguments, and the coded error where the project has no vitest to run its
 * tests with (the run itself is what test/e2e/testing-api.test.ts and examples/tests exercise).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../../packages/streamt-sdk/src/cli/args.js";
import { main } from "../../packages/streamt-sdk/src/cli/main.js";

describe("streamt-sdk test", () => {
  it("passes its positionals to vitest as file filters and takes no options of its own", () => {
    expect(parseCommand(["test"])).toEqual({ command: "test", filters: [] });
    expect(parseCommand(["test", "examples/tests", "totals"])).toEqual({ command: "test", filters: ["examples/tests", "totals"] });
    expect(() => parseCommand(["test", "--json"])).toThrow(new UsageError("option --json does not apply to 'test'; it takes none"));
  });

  it("without vitest in the project: STREAMT-T008 with the command that installs it, exit 1", async () => {
    const project = mkdtempSync(path.join(tmpdir(), "streamt-no-vitest-"));
    try {
      writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
      let out = "";
      let err = "";
      const code = await main(["test"], { out: (t) => (out += t), err: (t) => (err += t), cwd: project });
      expect({ code, out, err }).toEqual({
        code: 1,
        out: "",
        err: `error STREAMT-T008: streamt-sdk test runs the project's tests with vitest, which is not installed in ${project}\n  fix: npm install --save-dev vitest\n`,
      });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
