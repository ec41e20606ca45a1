import { describe, expect, it } from "vitest";
import { scriptHash } from "../../packages/streamt-sdk/src/deploy/deploy.js";

describe("scriptHash: what apply compares with the running job's record", () => {
  const script = (site: string, topic: string) => `-- pipeline: p (${site}); Flink 2.2\nSET 'pipeline.name' = 'p';\n  -- source ev (${site})\nCREATE TEMPORARY TABLE \`ev\` (k STRING) WITH ('topic' = '${topic}');\n`;

  it("ignores comment lines (they hold the file:line of each step), not statements", () => {
    expect(scriptHash(script("src/a.ts:3", "in"))).toBe(scriptHash(script("src/b.ts:9", "in")));
    expect(scriptHash(script("src/a.ts:3", "in"))).not.toBe(scriptHash(script("src/a.ts:3", "in.v2")));
    expect(scriptHash("SET 'a' = '1';")).toMatch(/^[0-9a-f]{64}$/);
  });
});
