/**
 * What `validate` and `run --local` refuse before they start anything, run in-process through main(). (What
 * they print on the real planner, broker and MiniCluster: test/e2e/cli-runtime.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mainIn } from "./in-process.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-runtime-commands-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...argv: string[]) => mainIn(root, argv);

describe("validate refuses a folder without what it needs, before it starts Flink's planner", () => {
  it("a folder that does not exist, or one synth did not write: run synth first (exit 2)", async () => {
    const synthFirst = (shown: string, why: string) =>
      `streamt-sdk: ${shown} has no manifest.json (${why}): run \`streamt-sdk synth\` first (it writes ${shown}), or pass the folder synth wrote\n`;
    const nowhere = path.join(tmp, "nowhere");
    expect(await cli("validate", nowhere)).toEqual({ code: 2, out: "", err: synthFirst(nowhere, "folder not found") });
    const other = mkdtempSync(path.join(tmp, "other-"));
    expect(await cli("validate", other)).toEqual({ code: 2, out: "", err: synthFirst(other, "not a synth output folder") });
  });

  it("a script the manifest lists but the folder lacks: run synth again (exit 2)", async () => {
    const out = path.join(tmp, "missing-script");
    expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    unlinkSync(path.join(out, "customer-totals.sql"));
    expect(await cli("validate", out)).toEqual({
      code: 2,
      out: "",
      err: `streamt-sdk: ${path.join(out, "customer-totals.sql")} is listed in the manifest but missing: run \`streamt-sdk synth\` again\n`,
    });
  }, 60_000);

  it("a pipeline the manifest lists without a SQL script among its artifacts is STREAMT-O005", async () => {
    const out = path.join(tmp, "no-script-artifact");
    expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const manifestFile = path.join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { artifacts: { type: string }[] };
    manifest.artifacts = manifest.artifacts.filter((a) => a.type !== "sql-script");
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    expect(await cli("validate", out)).toEqual({
      code: 1,
      out: "",
      err:
        `error STREAMT-O005: ${manifestFile}: pipeline customer-totals has no SQL script among the artifacts\n` +
        "  fix: run `streamt-sdk synth` again to rewrite the output folder\n",
    });
  }, 60_000);
});

describe("run --local refuses inputs it cannot read, before it starts anything", () => {
  it("an input file that does not exist: which, relative to where (exit 2)", async () => {
    expect(await cli("run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--input", "web.clicks.v1=missing.jsonl", "--input", "web.clicks.v1=examples/event-dedup.ts")).toEqual({
      code: 2,
      out: "",
      err: `streamt-sdk: input file not found: missing.jsonl (relative to ${root})\n`,
    });
  });
});

describe("run --local refuses an unset env() before anything starts", () => {
  // The pipeline's env() is found in its SQL script, as synth wrote it (the manifest names the script).
  it("STREAMT-R012 naming the pipeline and the variable, with the fix (exit 1)", async () => {
    expect(await cli("run", "test/fixtures/runtime/secret-client.ts", "--local", "--no-typecheck", "--timeout", "5")).toEqual({
      code: 1,
      out: "",
      err:
        "error STREAMT-R012: pipeline 'secret-client' reads a secret from the environment variable STREAMT_TEST_UNSET_CLIENT_ID, which is not set\n" +
        "  fix: set STREAMT_TEST_UNSET_CLIENT_ID=... in the environment that starts the job (never in the pipeline's code)\n",
    });
  }, 60_000);
});

describe("run --local after a synth that fails", () => {
  it("prints the findings and exits 1 without starting anything", async () => {
    const r = await cli("run", "test/fixtures/cli/bad-unbounded-join.ts", "--local", "--no-typecheck");
    expect([r.code, r.out, r.err]).toEqual([
      1,
      "",
      "error STREAMT-E001 test/fixtures/cli/bad-unbounded-join.ts:8:27 [unbounded-join] a/join\n" +
        "  regular join keeps both sides in state forever\n" +
        '  fix: give the join { ttl: "1d" } (or { ttl: { left, right } }) or the pipeline a stateTtl; or use intervalJoin / temporalJoin when the match is bounded in time\n' +
        "1 error, 0 warnings\n",
    ]);
  });
});
