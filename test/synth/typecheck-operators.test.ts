import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { typecheckEntries } from "../../packages/streamt-sdk/src/synth/typecheck.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-typecheck-operators-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the type-check's STREAMT-B009 walk on plain JavaScript operands", () => {
  it("&&, ||, ??, ! and ?: on numbers, strings, optional values and booleans are no finding (and no crash): the file has no diagnostic", () => {
    const entry = path.join(dir, "plain.ts");
    writeFileSync(
      entry,
      `import { pipeline, source, t } from "streamt-sdk";\n` +
        `const limit = Number(process.env.LIMIT ?? "0");\n` +
        `const name: string | undefined = process.env.NAME;\n` +
        `const strict = limit > 0 && name !== undefined;\n` +
        `const topic = (name || "orders") + (!strict ? ".v1" : ".v2");\n` +
        `const orders = source("orders", { topic, schema: t.row({ id: t.string(), amount: t.int() }) });\n` +
        `export default pipeline("plain").write(orders.filter((o) => o.amount.gt(limit)).toKafka("plain.out"));\n`,
    );
    expect(typecheckEntries([entry], ROOT).diagnostics).toEqual([]);
  }, 120_000);

  it("other binary operators with a streamt expression on the left (an assignment, ===) are no finding: only &&, || and ?? are", () => {
    const entry = path.join(dir, "assign.ts");
    writeFileSync(
      entry,
      `import { pipeline, source, t } from "streamt-sdk";\n` +
        `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string(), amount: t.int() }) });\n` +
        `export default pipeline("assign").write(orders.filter((o) => {\n` +
        `  let big = o.amount.gt(100);\n` +
        `  if (big === o.amount.gt(100)) big = o.amount.gt(200);\n` +
        `  return big;\n` +
        `}).toKafka("assign.out"));\n`,
    );
    expect(typecheckEntries([entry], ROOT).diagnostics).toEqual([]);
  }, 120_000);

  it("?: whose condition is a streamt expression is STREAMT-B009 at the ternary: JavaScript reads the expression object as true", () => {
    const entry = path.join(dir, "ternary.ts");
    writeFileSync(
      entry,
      `import { pipeline, source, t } from "streamt-sdk";\n` +
        `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string(), amount: t.int() }) });\n` +
        `export default pipeline("ternary").write(orders.filter((o) => (o.amount.gt(5) ? o.id.eq("a") : o.id.eq("b"))).toKafka("ternary.out"));\n`,
    );
    expect(typecheckEntries([entry], ROOT).diagnostics.map((d) => [d.code, d.message, d.site?.line, d.site?.column])).toEqual([
      ["STREAMT-B009", "`o.amount.gt(5)` is a streamt expression, always truthy in JavaScript: ?: always takes its first branch (SQL's CASE is when(...).otherwise(...))", 3, 64],
    ]);
  }, 120_000);

  it("&& whose left operand is a streamt expression intersected with a type that also declares __col is STREAMT-B009: one ExprBase declaration of __col is enough", () => {
    const entry = path.join(dir, "intersection.ts");
    writeFileSync(
      entry,
      `import { pipeline, source, t } from "streamt-sdk";\n` +
        `function labelled<E extends object>(e: E, label: string): E & { readonly label: string; readonly __col?: unknown } {\n` +
        `  return Object.assign(e, { label });\n` +
        `}\n` +
        `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string(), amount: t.int() }) });\n` +
        `export default pipeline("intersection").write(orders.filter((o) => labelled(o.amount.gt(5), "big") && o.id.eq("a")).toKafka("intersection.out"));\n`,
    );
    expect(typecheckEntries([entry], ROOT).diagnostics.map((d) => [d.code, d.message, d.site?.line, d.site?.column])).toEqual([
      ["STREAMT-B009", "`labelled(o.amount.gt(5), \"big\")` is a streamt expression, always truthy in JavaScript: && returns its right operand and drops this one", 6, 68],
    ]);
  }, 120_000);
});
