import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectName } from "../../packages/streamt-sdk/src/cli/deploy-command.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder named `name` holding a package.json of `pkg` (none when undefined). */
function folder(name: string, pkg: string | undefined): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "streamt-project-name-")), name);
  dirs.push(path.dirname(dir));
  mkdirSync(dir);
  if (pkg !== undefined) writeFileSync(path.join(dir, "package.json"), pkg);
  return dir;
}

describe("projectName: the project a deployed job's record names", () => {
  it("package.json's name", () => {
    expect(projectName(folder("shop", JSON.stringify({ name: "@acme/shop-pipelines" })))).toBe("@acme/shop-pipelines");
  });

  it("the folder's name when package.json has no usable name: none, an empty one, one that is no string, or a damaged file", () => {
    expect(projectName(folder("shop", undefined))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ name: "" })))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ name: 7 })))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ version: "1.0.0" })))).toBe("shop");
    expect(projectName(folder("shop", "{ not json"))).toBe("shop");
  });
});
