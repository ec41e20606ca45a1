/**
 * dev-cluster's processStartTime where there is no /proc (macOS): it asks `ps -o lstart=`. Here /proc is
 * hidden from the module (its existsSync says /proc/self/stat is absent), so the real ps answers.
 * (The /proc path: test/runtime/dev-cluster.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return { ...fs, existsSync: (p: Parameters<typeof fs.existsSync>[0]) => (p === "/proc/self/stat" ? false : fs.existsSync(p)) };
});

const { processStartTime } = await import("../../packages/streamt-sdk/src/runtime/dev-cluster.js");

describe("processStartTime without /proc: ps's start time", () => {
  it("a live process: the start time ps prints for it, trimmed", () => {
    const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(process.pid)], { encoding: "utf8" });
    const expected = ps.stdout.trim();
    expect(expected).toMatch(/^\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/);
    expect(processStartTime(process.pid)).toBe(expected);
  });

  it("a pid no process has (above the largest pid Linux gives, 2^22): null", () => {
    expect(processStartTime(4_194_305)).toBeNull();
  });
});
