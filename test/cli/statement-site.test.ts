/**
 * Where a statement Flink refused comes from in the user's code (validate's and run's errors): the
 * statement map synth recorded gives the statement's step, or in a statement set the INSERT at or above
 * the line the planner named.
 */
import { describe, expect, it } from "vitest";
import { siteOfStatement } from "../../packages/streamt-sdk/src/cli/runtime-commands.js";
import type { StatementEntry } from "../../packages/streamt-sdk/src/synth/manifest.js";

const at = (file: string, line: number) => ({ file, line, column: 3 });
const statements: StatementEntry[] = [
  { index: 1, line: 1, kind: "create-table", path: "orders", site: at("src/orders.ts", 4) },
  { index: 2, line: 9, kind: "create-table", path: "orders/out.v1", site: null },
  {
    index: 3,
    line: 20,
    kind: "statement-set",
    path: "p",
    site: at("src/p.ts", 30),
    parts: [
      { line: 21, path: "orders/a.v1", site: at("src/p.ts", 31) },
      { line: 25, path: "orders/b.v1", site: at("src/p.ts", 32) },
      { line: 29, path: "orders/c.v1", site: null },
    ],
  },
];

describe("siteOfStatement", () => {
  it("a statement's own step, by the statement's index; none for an index the map does not hold, or a step without a site", () => {
    expect(siteOfStatement(statements, 1, null)).toBe("src/orders.ts:4");
    expect(siteOfStatement(statements, 1, 3)).toBe("src/orders.ts:4");
    expect(siteOfStatement(statements, 2, 10)).toBeNull();
    expect(siteOfStatement(statements, 4, 1)).toBeNull();
  });

  it("in a statement set, the last INSERT starting at or above the error's line", () => {
    expect(siteOfStatement(statements, 3, 21)).toBe("src/p.ts:31");
    expect(siteOfStatement(statements, 3, 24)).toBe("src/p.ts:31");
    expect(siteOfStatement(statements, 3, 25)).toBe("src/p.ts:32");
    expect(siteOfStatement(statements, 3, 28)).toBe("src/p.ts:32");
  });

  it("in a statement set, the set's own site above its first INSERT, without an error line, or for an INSERT without a site", () => {
    expect(siteOfStatement(statements, 3, 20)).toBe("src/p.ts:30");
    expect(siteOfStatement(statements, 3, null)).toBe("src/p.ts:30");
    expect(siteOfStatement(statements, 3, 40)).toBe("src/p.ts:30");
  });
});
