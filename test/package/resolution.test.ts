/**
 * The repository's tests and examples import "streamt-sdk" and must get the SDK's sources (the
 * "streamt-source" export condition), not a possibly stale dist/; installed users get dist/.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as viaPackage from "streamt-sdk";
import * as viaSources from "../../packages/streamt-sdk/src/index.js";

const PACKAGE = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/package.json");

describe("package entry points", () => {
  it("tests resolve streamt-sdk to the same module instance as the sources", () => {
    expect(viaPackage.source).toBe(viaSources.source);
    expect(viaPackage.pipeline).toBe(viaSources.pipeline);
  });

  it("installed users get compiled JavaScript with declarations; the sources only on request", () => {
    const pkg = JSON.parse(readFileSync(PACKAGE, "utf8"));
    expect(pkg.exports["."]).toEqual({ "streamt-source": "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(pkg.exports["./runtime"]).toEqual({ "streamt-source": "./src/runtime/index.ts", types: "./dist/runtime/index.d.ts", default: "./dist/runtime/index.js" });
    expect(pkg.files).toEqual(["bin", "dist", "src"]);
  });
});
