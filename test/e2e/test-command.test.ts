/**
 * `npx streamt-sdk test` as a user without a vitest config of their own runs it: a project holding the
 * customer-totals example and its test (examples/tests), run through the real bin, with the SDK's test
 * configuration (its own broker and warm Flink JVM). The happy path exits 0; a failing expectation exits
 * 1 and prints the diff. The project lives under the repository's .tmp/ so that it resolves streamt-sdk
 * and vitest from the workspace's node_modules, as an installed project resolves its own (the tests
 * import the compiled dist/, which `npm test` builds first).
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "packages/streamt-sdk/bin/streamt-sdk.js");
mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
const project = mkdtempSync(path.join(ROOT, ".tmp", "test-command-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

mkdirSync(path.join(project, "shared"));
mkdirSync(path.join(project, "tests"));
writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "shop", private: true, type: "module" }));
copyFileSync(path.join(ROOT, "examples/customer-totals.ts"), path.join(project, "customer-totals.ts"));
copyFileSync(path.join(ROOT, "examples/shared/schemas.ts"), path.join(project, "shared/schemas.ts"));
copyFileSync(path.join(ROOT, "examples/tests/customer-totals.test.ts"), path.join(project, "tests/customer-totals.test.ts"));
// The example's test with one expected total wrong: c1's paid orders sum to 12.25.
writeFileSync(
  path.join(project, "tests/wrong-total.test.ts"),
  `import { it } from "vitest";
import { testPipeline } from "streamt-sdk/testing";
import customerTotals, { orders, totals } from "../customer-totals.js";

it("a wrong total", async () => {
  await testPipeline(customerTotals)
    .given(orders, [
      { order_id: "o1", customer_id: "c1", amount: 10, status: "paid", event_timestamp: "2024-01-01T10:00:00" },
      { order_id: "o2", customer_id: "c1", amount: 2.25, status: "paid", event_timestamp: "2024-01-01T10:00:01" },
    ])
    .expect(totals.toUpsertKafka("customers.totals.v1", { key: ["customer_id"] }), [{ customer_id: "c1", orders: 2, total: 12 }]);
}, 240_000);
`,
);

/** Runs the CLI in the project; vitest's output without colours. */
function streamtTest(...filters: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, "test", ...filters], { cwd: project, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "1" } });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, out })));
}

describe("npx streamt-sdk test", { timeout: 600_000 }, () => {
  it("runs the example's test on the engine and exits 0", async () => {
    const { code, out } = await streamtTest("customer-totals");
    expect(out).toMatch(/✓ tests\/customer-totals\.test\.ts \(1 test\)/);
    expect(out).toMatch(/Tests\s+1 passed \(1\)/);
    expect(code).toBe(0);
  });

  it("a failing expectation: exit 1, the test named, and the diff of the sink's records", async () => {
    const { code, out } = await streamtTest("wrong-total");
    expect(out).toMatch(/× a wrong total/);
    expect(out).toContain(
      [
        "sink customers.totals.v1 of pipeline customer-totals (orders/filter/aggregate/customers.totals.v1) received other final table (latest row per key customer_id) than expected (1 expected, 1 received):",
        "  changed (1):",
        '    expected {"customer_id":"c1","orders":2,"total":12}',
        '    got      {"customer_id":"c1","orders":2,"total":12.25}',
        "      (total differs)",
      ].join("\n"),
    );
    expect(out).toMatch(/Tests\s+1 failed \(1\)/);
    expect(code).toBe(1);
  });
});
