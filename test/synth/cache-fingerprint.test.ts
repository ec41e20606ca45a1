import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fingerprint, fingerprintHolds } from "../../packages/streamt-sdk/src/synth/cache.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// What a cached type-check or replayed run depends on beyond the files it read: the names in the folders
// module resolution looks in, so a package or a type package added anywhere up the tree is a change.
describe("fingerprint: the folders module resolution looks in", () => {
  it("a type package added under node_modules/@types, or a package under node_modules, at the project or above it, no longer holds", () => {
    dir = mkdtempSync(path.join(tmpdir(), "streamt-fingerprint-"));
    const project = path.join(dir, "project");
    mkdirSync(path.join(project, "node_modules", "@types", "node"), { recursive: true });
    const entry = path.join(project, "a.ts");
    writeFileSync(entry, "export const a = 1;\n");
    const taken = () => fingerprint(new Map([[entry, "export const a = 1;\n"]]), []);

    const watched = taken().folders.map(([folder]) => folder).filter((f) => f.startsWith(dir));
    expect(watched).toEqual([path.join(dir, "node_modules"), path.join(dir, "node_modules", "@types"), project, path.join(project, "node_modules"), path.join(project, "node_modules", "@types")]);

    for (const added of [path.join(project, "node_modules", "@types", "lodash"), path.join(dir, "node_modules", "@types", "react"), path.join(project, "node_modules", "zod")]) {
      const before = taken();
      expect(fingerprintHolds(before)).toBe(true);
      mkdirSync(added, { recursive: true });
      expect([added, fingerprintHolds(before)]).toEqual([added, false]);
    }
  });
});
