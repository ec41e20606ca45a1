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
});
