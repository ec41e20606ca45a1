/**
 * Building the Flink runner on first use: one progress line per step, Maven's own output in a log file,
 * and a failure that names the log and shows Maven's errors. A real Maven run against Maven Central,
 * on a copy of the runner whose Flink version does not exist.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { buildRunner } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";

const root = path.resolve(import.meta.dirname, "../..");
const copy = mkdtempSync(path.join(tmpdir(), "streamt-runner-copy-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("a failing runner build", () => {
  it("shows one line per step, and on failure the log's path and Maven's error", async () => {
    for (const f of ["build.sh", "pom.xml", "src", "jvm-options.txt", "jvm-options-validate.txt"]) cpSync(path.join(root, "packages/flink-runner", f), path.join(copy, f), { recursive: true });
    const pom = path.join(copy, "pom.xml");
    writeFileSync(pom, readFileSync(pom, "utf8").replaceAll("<flink.version>2.2.0</flink.version>", "<flink.version>2.2.0-no-such-version</flink.version>"));
    process.env.STREAMT_RUNNER_DIR = copy;
    const progress: string[] = [];
    let message = "";
    let hint: string | null | undefined;
    try {
      // Nothing else in this file builds a runner: the per-process build cache is empty.
      await buildRunner("2", (l: string) => progress.push(l));
    } catch (e) {
      expect(isStreamtError(e) && e.code).toBe("STREAMT-R004");
      message = (e as Error).message;
      hint = isStreamtError(e) ? e.hint : undefined;
    } finally {
      delete process.env.STREAMT_RUNNER_DIR;
    }
    expect(progress).toEqual(["downloading Flink 2.2.0 dependencies via Maven (first use only)..."]);
    const log = path.join(copy, "target-2", "build.log");
    const lines = message.split("\n");
    expect(lines[0]).toBe(`building the Flink runner (target 2) failed with exit code 1; Maven's full log: ${log}`);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^\[ERROR\] Failed to execute goal on project flink-runner: Could not resolve dependencies .*org\.apache\.flink:flink-table-api-java:jar:2\.2\.0-no-such-version/);
    expect(hint).toBe("check that Maven Central is reachable (a proxy goes in ~/.m2/settings.xml), then run again");
    expect(existsSync(log)).toBe(true);
    const logged = readFileSync(log, "utf8");
    expect(logged).toContain("downloading Flink 2.2.0 dependencies via Maven (first use only)...");
    expect(logged).toContain("[ERROR] Failed to execute goal on project flink-runner");
  }, 120_000);
});

describe("script folders of killed runs", () => {
  it("are removed; those of running processes and other files stay", async () => {
    const { removeLeftoverScriptDirs } = await import("../../packages/streamt-sdk/src/runtime/local-job.js");
    const { mkdirSync, readdirSync } = await import("node:fs");
    const { spawnSync } = await import("node:child_process");
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-leftovers-"));
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    for (const name of [`streamt-job-${dead}-abc`, `streamt-job-${process.ppid}-def`, `streamt-job-${process.pid}-ghi`, "streamt-job-old", "other"]) mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, `streamt-job-${dead}-abc`, "p.sql"), "SELECT 1;\n");
    removeLeftoverScriptDirs(dir);
    expect(readdirSync(dir).sort()).toEqual(["other", `streamt-job-${process.pid}-ghi`, `streamt-job-${process.ppid}-def`, "streamt-job-old"].sort());
    rmSync(dir, { recursive: true, force: true });
  });
});
