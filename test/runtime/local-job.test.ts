import { mkdirSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jobFailureError, removeLeftoverScriptDirs } from "../../packages/streamt-sdk/src/runtime/local-job.js";

describe("jobFailureError: a failed or restarted job as a coded error", () => {
  it("a restart (STREAMT-R011): the restart count, the task and what it reads, Flink's cause chain indented line by line", () => {
    const e = jobFailureError(
      "cast-qty",
      { event: "restarting", jobId: "j1", restarts: 2, error: "java.lang.NumberFormatException: For input string: 'x'\nCaused by: bad record", task: "Source: lines[1] -> Calc[2] (1/1)" },
      (task) => (task.startsWith("Source: lines") ? " reading topic lines.v1 (source lines)" : ""),
    );
    expect({ code: e.code, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-R011",
      message:
        'job cast-qty failed and Flink restarted it (restart 2), in task "Source: lines[1] -> Calc[2] (1/1)" reading topic lines.v1 (source lines):\n' +
        "  java.lang.NumberFormatException: For input string: 'x'\n  Caused by: bad record",
      hint: "Flink reads the record that failed the job again after each restart, so the job would fail for ever: correct that record (or skip it), or the step that fails on it",
    });
  });

  it("a job that ended FAILED (STREAMT-R007), without a task: the cause alone", () => {
    const e = jobFailureError("orders", { event: "failed", error: "first line\nsecond line" });
    expect({ code: e.code, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-R007",
      message: "job orders failed:\n  first line\n  second line",
      hint: "correct the record Flink names (or skip it), or the step that fails on it",
    });
  });

  it("a failure in a task, without a note about what it reads", () => {
    expect(jobFailureError("orders", { event: "failed", error: "boom", task: "Sink: out (1/1)" }).message).toBe('job orders failed, in task "Sink: out (1/1)":\n  boom');
  });
});

describe("removeLeftoverScriptDirs: script folders of runs that were killed", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("removes those of processes no longer running; keeps this process's, a running one's and other folders", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-leftover-test-"));
    dirs.push(dir);
    const gone = 2 ** 30; // above any pid_max: no such process
    const names = [`streamt-job-${gone}-abc`, `streamt-job-${process.pid}-abc`, `streamt-job-1-abc`, `streamt-job-x-abc`, `streamt-job-${gone}`, "other"];
    for (const n of names) mkdirSync(path.join(dir, n));
    removeLeftoverScriptDirs(dir);
    expect(names.filter((n) => existsSync(path.join(dir, n)))).toEqual(names.slice(1));
  });

  it("a folder that cannot be read is left alone", () => {
    expect(() => removeLeftoverScriptDirs(path.join(tmpdir(), "streamt-no-such-folder-here"))).not.toThrow();
  });
});

