import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scriptHash } from "../../packages/streamt-sdk/src/deploy/deploy.js";
import { projectRules, readProjectRules } from "../../packages/streamt-sdk/src/deploy/load-rules.js";

const SDK = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(config: string | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-load-rules-"));
  dirs.push(dir);
  if (config !== null) writeFileSync(path.join(dir, "streamt.config.ts"), `import { defineConfig } from ${JSON.stringify(SDK)};\n${config}`);
  return dir;
}

describe("readProjectRules and projectRules", () => {
  it("no streamt.config.ts: no rules and no error", async () => {
    const data = await readProjectRules(project(null));
    expect(data).toEqual({ section: null, error: null });
    expect(await projectRules(data, "/nowhere")).toEqual({ rules: null, error: null });
  });

  it("a config that does not fit its schema is its STREAMT-L004 as a finding at the config file's line, and no rules", async () => {
    const dir = project(["export default defineConfig({", "  environments: {},", "  rules: { topics: 3 },", "} as never);", ""].join("\n"));
    const data = await readProjectRules(dir);
    expect(data.section).toBeNull();
    const shown = path.relative(process.cwd(), path.join(dir, "streamt.config.ts"));
    expect(data.error).toEqual({
      code: "STREAMT-L004",
      severity: "error",
      pipeline: null,
      path: "streamt.config.ts",
      site: { file: "streamt.config.ts", line: 4, column: 1 },
      message: `${shown}:4: rules.topics: Invalid input: expected object, received number`,
      hint: "see docs/project-rules.md: rules take topics { pattern, minPartitions, minReplication }, pipelines { pattern, requireDescription, requireOwner, maxStateTtl }, sinks { requireDescription, requireOwner } and forbiddenFormats",
    });
    expect(await projectRules(data, dir)).toEqual({ rules: null, error: data.error });
  });
});

const WHERE = "streamt.config.ts:4";
describe("projectRules of a config with rules", () => {
  it("gives the rules the analysis checks, and no error", async () => {
    const dir = project(["export default defineConfig({", "  environments: {},", '  rules: { pipelines: { requireOwner: true }, forbiddenFormats: ["csv"] },', "});", ""].join("\n"));
    const data = await readProjectRules(dir);
    expect(data).toEqual({ section: { pipelines: { requireOwner: true }, forbiddenFormats: ["csv"] }, error: null });
    const { rules, error } = await projectRules(data, dir);
    expect(error).toBeNull();
    expect(rules).toEqual({
      topicPattern: null, minPartitions: null, minReplication: null, pipelinePattern: null, maxStateTtlMs: null,
      pipelines: { requireDescription: false, requireOwner: true }, sinks: { requireDescription: false, requireOwner: false }, forbiddenFormats: ["csv"],
      where: expect.any(Function),
    });
    // Where a rule is written: its line of the config, for the findings' hints.
    expect(rules!.where("forbiddenFormats")).toBe(WHERE);
  });
});

describe("scriptHash", () => {
  it("ignores comment lines (they name file:line), and nothing else", () => {
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    expect(scriptHash("-- from a.ts:3\nINSERT INTO o SELECT 1;")).toBe(sha("INSERT INTO o SELECT 1;"));
    expect(scriptHash("  -- moved to b.ts:9\nINSERT INTO o SELECT 1;")).toBe(sha("INSERT INTO o SELECT 1;"));
    expect(scriptHash("INSERT INTO o SELECT 2;")).toBe(sha("INSERT INTO o SELECT 2;"));
  });
});
