/**
 * The repository's tests and examples import "streamt-sdk" and must get the SDK's sources (the
 * "streamt-source" export condition), not a possibly stale dist/. What installed users get is tested
 * on an installed tarball in installed.test.ts.
 */
import { describe, expect, it } from "vitest";
import * as viaPackage from "streamt-sdk";
import * as viaSources from "../../packages/streamt-sdk/src/index.js";

describe("package entry points", () => {
  it("tests resolve streamt-sdk to the same module instance as the sources", () => {
    expect(viaPackage.source).toBe(viaSources.source);
    expect(viaPackage.pipeline).toBe(viaSources.pipeline);
  });
});
