/**
 * sdkBuildStamp: the stamp of the SDK's cache and checker code that every cache key carries, so findings
 * an older checker made are never reused by a changed one.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sdkBuildStamp } from "../../packages/streamt-sdk/src/synth/cache.js";

const SYNTH = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/synth");

describe("sdkBuildStamp", () => {
  it("is the size and modification time of cache.ts and of typecheck.ts beside it, the two kept apart by a slash", () => {
    const stamp = (file: string): string => {
      const s = statSync(path.join(SYNTH, file));
      return `${s.size}-${Math.round(s.mtimeMs)}`;
    };
    // The separator keeps the key unambiguous: joined without one, "12-1700000000001" + "5-9" and
    // "12-170000000000" + "15-9" would read the same, and a changed checker could reuse old findings.
    expect(sdkBuildStamp()).toBe(`${stamp("cache.ts")}/${stamp("typecheck.ts")}`);
  });
});
