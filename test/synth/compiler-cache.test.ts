import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFolder } from "../../packages/streamt-sdk/src/synth/cache.js";
import { ROOT, runCli } from "../cli/support.js";
import { moduleCode, newProject, scratchFolder } from "./fixture.js";

// The TypeScript compiler through V8's code cache (synth/compiler-cache.ts): each case a fresh process, as
// each synth is.
const SCRATCH = scratchFolder("compiler-cache");
const PROBE = path.join(import.meta.dirname, "compiler-cache-probe.ts");
const MAGIC = "streamt-sdk v8 code cache 1\n";
let cacheDir: string;
let file: string;

interface Probe {
  origin: string;
  notes: string[];
  out: string;
}
const probe = (): Probe => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", PROBE, cacheDir], { cwd: ROOT, encoding: "utf8" })) as Probe;
/** The compiler works, whichever way it was loaded. */
const TRANSPILED = `"use strict";\nvar x = 1;\n`;

beforeEach(() => {
  mkdirSync(SCRATCH, { recursive: true });
  cacheDir = mkdtempSync(path.join(SCRATCH, "c-"));
  file = path.join(cacheDir, "typescript.v8cache");
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

describe("the compiler's code cache", () => {
  it("is made by the first process and used by the next", () => {
    expect(probe()).toEqual({ origin: "compiled", notes: [], out: TRANSPILED });
    expect(readFileSync(file).subarray(0, MAGIC.length).toString("latin1")).toBe(MAGIC);
    expect(probe()).toEqual({ origin: "code cache", notes: [], out: TRANSPILED });
  });

  it("is ignored with a note when its bytes are corrupt, and made again", () => {
    probe();
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    expect(probe()).toEqual({ origin: "compiled", notes: ["cache file typescript.v8cache is corrupt (checksum mismatch): ignored, rebuilt"], out: TRANSPILED });
    expect(probe()).toEqual({ origin: "code cache", notes: [], out: TRANSPILED });
  });

  it("is ignored with a note when the file is not one, or its header is not JSON", () => {
    writeFileSync(file, "some other tool's file\n");
    expect(probe()).toEqual({ origin: "compiled", notes: ["cache file typescript.v8cache is not a streamt-sdk code cache: ignored, rebuilt"], out: TRANSPILED });
    writeFileSync(file, `${MAGIC}{not json\nxyz`);
    expect(probe()).toEqual({ origin: "compiled", notes: ["cache file typescript.v8cache is corrupt (its header is not JSON): ignored, rebuilt"], out: TRANSPILED });
  });

  it("made from another compiler file or V8 is a plain miss, replaced", () => {
    probe();
    const bytes = readFileSync(file);
    const headerEnd = bytes.indexOf("\n", MAGIC.length);
    const header = JSON.parse(bytes.subarray(MAGIC.length, headerEnd).toString("utf8")) as { source: string; sha256: string };
    writeFileSync(file, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify({ ...header, source: `${header.source}-older` })}\n`), bytes.subarray(headerEnd + 1)]));
    expect(probe()).toEqual({ origin: "compiled", notes: [], out: TRANSPILED });
    expect(probe()).toEqual({ origin: "code cache", notes: [], out: TRANSPILED });
  });

  it("that cannot be written costs only time: the process does its work", () => {
    rmSync(cacheDir, { recursive: true });
    writeFileSync(cacheDir, "a file where the cache folder would be\n");
    expect(probe()).toEqual({ origin: "compiled", notes: [], out: TRANSPILED });
    expect(readFileSync(cacheDir, "utf8")).toBe("a file where the cache folder would be\n");
  });
});

describe("synth and the compiler's code cache", () => {
  let dir: string;
  beforeEach(() => {
    dir = newProject(SCRATCH, moduleCode);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a type-checking synth keeps it in the project's cache folder; --no-cache writes none", async () => {
    const noCache = await runCli(["synth", "a.ts", "b.ts", "--out", "out", "--no-cache"], { cwd: dir });
    expect(noCache.code).toBe(0);
    expect(existsSync(cacheFolder(dir))).toBe(false);
    const first = await runCli(["synth", "a.ts", "b.ts", "--out", "out2"], { cwd: dir });
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(cacheFolder(dir), "typescript.v8cache")).subarray(0, MAGIC.length).toString("latin1")).toBe(MAGIC);
    // A second cold run (every other cache file gone) loads the compiler from the cache: same output.
    for (const n of readdirSync(cacheFolder(dir))) if (n !== "typescript.v8cache") rmSync(path.join(cacheFolder(dir), n));
    const second = await runCli(["synth", "a.ts", "b.ts", "--out", "out3"], { cwd: dir });
    expect(second.code).toBe(0);
    for (const out of ["out2", "out3"]) expect(readdirSync(path.join(dir, out)).sort()).toEqual(readdirSync(path.join(dir, "out")).sort());
    for (const name of readdirSync(path.join(dir, "out"))) {
      expect(readFileSync(path.join(dir, "out3", name), "utf8")).toBe(readFileSync(path.join(dir, "out2", name), "utf8"));
    }
  });
});
