import { describe, expect, it } from "vitest";
import { resolveRules, rulesSchema } from "../../packages/streamt-sdk/src/deploy/rules-config.js";

describe("resolveRules: name patterns", () => {
  it("a pattern written as a string is a Unicode pattern (\\p{...} classes work), anchored to the whole name", () => {
    const rules = resolveRules(rulesSchema.parse({ topics: { pattern: "\\p{Ll}+(-\\p{Ll}+)*" } }), "streamt.config.ts", () => null);
    expect(rules.topicPattern?.regex.source).toBe("^(?:\\p{Ll}+(-\\p{Ll}+)*)$");
    expect(rules.topicPattern?.regex.flags).toBe("u");
    expect(["orders-copy", "Orders", "orders-", "p{Ll}"].map((n) => rules.topicPattern?.regex.test(n))).toEqual([true, false, false, false]);
    expect(rules.topicPattern?.shown).toBe('"\\\\p{Ll}+(-\\\\p{Ll}+)*"');
  });
});
