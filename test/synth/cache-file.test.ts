/**
 * The cache's file format (synth/cache-file.ts): an entry is used only when it is whole, of this format,
 * and written by this SDK for the same inputs; anything else is a miss, with a note when the file is not
 * what a cache entry of this version should be.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCache, writeCache, type CacheKey } from "../../packages/streamt-sdk/src/synth/cache-file.js";

const KEY: CacheKey = { sdkVersion: "0.1.0", sdkBuild: "build-1", typescript: "5.9.3", inputs: "inputs-1" };
const DATA = JSON.stringify({ state: [1, 2, 3] });
const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "streamt-cache-file-"));
  file = path.join(dir, "typecheck-0123.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an entry as writeCache would, with `change` applied to it. */
const writeEntry = (change: Record<string, unknown>): void =>
  writeFileSync(file, JSON.stringify({ format: "streamt-sdk-cache/1", key: KEY, sha256: sha256(DATA), data: DATA, ...change }));

describe("readCache and writeCache", () => {
  it("an entry written is read back whole by the same key; the folder then holds only the entry", () => {
    expect(writeCache(file, KEY, DATA)).toBeNull();
    expect(readCache(file, KEY)).toEqual({ data: DATA, note: null });
    expect(readdirSync(dir)).toEqual(["typecheck-0123.json"]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ format: "streamt-sdk-cache/1", key: KEY, sha256: sha256(DATA), data: DATA });
  });

  it("a missing file, other SDK code of the same version or other inputs: a plain miss, no note", () => {
    expect(readCache(file, KEY)).toEqual({ data: null, note: null });
    writeCache(file, KEY, DATA);
    expect(readCache(file, { ...KEY, sdkBuild: "build-2" })).toEqual({ data: null, note: null });
    expect(readCache(file, { ...KEY, inputs: "inputs-2" })).toEqual({ data: null, note: null });
  });

  it("a file of another format, or whose data or key is not what an entry holds, is ignored with a note, though its checksum and key match", () => {
    const foreign = { data: null, note: "cache file typecheck-0123.json is not a streamt-sdk cache of this format: ignored, rebuilt from scratch" };
    for (const change of [{ format: "streamt-sdk-cache/0" }, { format: undefined }, { data: 42, sha256: sha256("42") }, { key: null }, { key: "0.1.0" }]) {
      writeEntry(change);
      expect(readCache(file, KEY), JSON.stringify(change)).toEqual(foreign);
    }
  });

  it("a file that is not JSON, fails its checksum, or was written by another SDK or TypeScript version is ignored with a note", () => {
    writeFileSync(file, "{ half an entry");
    expect(readCache(file, KEY)).toEqual({ data: null, note: "cache file typecheck-0123.json is corrupt (not JSON): ignored, rebuilt from scratch" });
    writeEntry({ sha256: sha256("other data") });
    expect(readCache(file, KEY)).toEqual({ data: null, note: "cache file typecheck-0123.json is corrupt (checksum mismatch): ignored, rebuilt from scratch" });
    writeEntry({ key: { ...KEY, sdkVersion: "0.0.9" } });
    expect(readCache(file, KEY)).toEqual({
      data: null,
      note: "cache file typecheck-0123.json was written by streamt-sdk 0.0.9 with TypeScript 5.9.3, not streamt-sdk 0.1.0 with TypeScript 5.9.3: ignored, rebuilt",
    });
  });
});
