import { describe, expect, it } from "vitest";
import { longestFirst, type OrderedFile } from "./longest-first.js";

const file = (project: string, groupOrder: number, name: string): OrderedFile => ({ moduleId: `/repo/${name}`, project: { name: project, config: { sequence: { groupOrder } } } });

describe("the test files' order (test/longest-first.ts)", () => {
  it("groups and projects as vitest orders them; within one, the longest first, a file without a duration before them, ties in vitest's order", () => {
    const files = [
      file("unit", 0, "test/a.test.ts"),
      file("flink", 1, "test/e2e/slow.test.ts"),
      file("unit", 0, "test/new.test.ts"),
      file("unit", 0, "test/slow.test.ts"),
      file("unit", 0, "test/b.test.ts"),
      file("unit", 0, "test/c.test.ts"),
      file("flink", 1, "test/e2e/fast.test.ts"),
    ];
    const known = new Map([["test/a.test.ts", 1], ["test/slow.test.ts", 120], ["test/b.test.ts", 5], ["test/c.test.ts", 5], ["test/e2e/slow.test.ts", 170], ["test/e2e/fast.test.ts", 2]]);
    expect(longestFirst(files, known, "/repo").map((f) => `${f.project.name} ${f.moduleId.slice(6)}`)).toEqual([
      "unit test/new.test.ts",
      "unit test/slow.test.ts",
      "unit test/b.test.ts",
      "unit test/c.test.ts",
      "unit test/a.test.ts",
      "flink test/e2e/slow.test.ts",
      "flink test/e2e/fast.test.ts",
    ]);
  });
});
