/**
 * The project's rules through the CLI, as a user meets them: `synth` in a project whose streamt.config.ts
 * has a `rules` section reports each rule broken at the pipeline's or sink's file:line, naming the
 * rule's line in the config; `--strict` fails on them unless acknowledged; a rules section that does not
 * fit is STREAMT-L004 at its line; the manifest carries descriptions and owners.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../packages/streamt-sdk/src/cli/main.js";

const SDK = JSON.stringify(path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js"));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CONFIG = `import { defineConfig } from ${SDK};

export default defineConfig({
  rules: {
    topics: { pattern: /[a-z]+\\.[a-z-]+\\.v\\d+/, minPartitions: 3 },
    pipelines: { requireDescription: true, requireOwner: true },
    sinks: { requireOwner: true },
  },
});
`;

const PIPELINES = `import { pipeline, source, t } from ${SDK};

const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2) });
const orders = source("orders", { topic: "shop.orders.v1", schema: Order });

export const copy = pipeline("orders-copy", { description: "every order, for the warehouse", owner: "team-data" })
  .write(orders.toKafka("shop.orders-copy.v1", { partitions: 3, owner: "team-data", description: "orders as received" }));

export const big = pipeline("big-orders", {
  owner: "team-risk",
  acknowledge: { "STREAMT-W016": "described in the risk runbook" },
}).write(orders.filter((o) => o.amount.gt(1000)).toKafka("BigOrders", { partitions: 1 }));
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-rules-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd: dir });
  // The config loader names the file from the process's folder; here that is the repository.
  const shown = path.relative(process.cwd(), path.join(dir, "streamt.config.ts"));
  return { code, out: out.replaceAll(dir, "<project>"), err: err.replaceAll(shown, "streamt.config.ts") };
}

const FINDINGS = `warning STREAMT-W016 pipelines.ts:9:20 [big-orders] big-orders
  pipeline 'big-orders' has no description, which the project requires (rules.pipelines.requireDescription, streamt.config.ts:6)
  fix: say what the job computes and for whom: pipeline("big-orders", { description: "..." })
  acknowledged: described in the risk runbook
warning STREAMT-W012 pipelines.ts:12:50 [big-orders] orders/filter/BigOrders
  topic 'BigOrders' of sink orders/filter/BigOrders does not match the project's topic pattern /[a-z]+\\.[a-z-]+\\.v\\d+/ (rules.topics.pattern, streamt.config.ts:5)
  fix: name the topic to match /[a-z]+\\.[a-z-]+\\.v\\d+/; or, if this one is an agreed exception, acknowledge it: pipeline("big-orders", { acknowledge: { "STREAMT-W012": "the topic's consumers expect this name" } })
warning STREAMT-W014 pipelines.ts:12:50 [big-orders] orders/filter/BigOrders
  sink orders/filter/BigOrders (topic 'BigOrders') has 1 partition, fewer than the project's minimum of 3 (rules.topics.minPartitions, streamt.config.ts:5)
  fix: toKafka("BigOrders", { partitions: 3, ... }); or, if this one is an agreed exception, acknowledge it: pipeline("big-orders", { acknowledge: { "STREAMT-W014": "why fewer are enough here" } })
warning STREAMT-W017 pipelines.ts:12:50 [big-orders] orders/filter/BigOrders
  sink orders/filter/BigOrders (topic 'BigOrders') has no owner, which the project requires (rules.sinks.requireOwner, streamt.config.ts:7)
  fix: name who answers for its data: toKafka("BigOrders", { owner: "team-payments", ... })
`;

describe("project rules in synth", () => {
  it("reports each rule broken at the user's line and the rule's; --strict fails on the open ones", async () => {
    const dir = project({ "streamt.config.ts": CONFIG, "pipelines.ts": PIPELINES });
    const strict = await cli(dir, "synth", "pipelines.ts", "--no-typecheck", "--strict", "--out", "out");
    expect(strict).toEqual({ code: 1, out: "", err: `${FINDINGS}0 errors, 4 warnings (1 acknowledged)\n` });
    const plain = await cli(dir, "synth", "pipelines.ts", "--no-typecheck", "--out", "out");
    expect(plain.code).toBe(0);
    expect(plain.err).toBe(`${FINDINGS}0 errors, 4 warnings (1 acknowledged)\n`);
  });

  it("the manifest carries the pipelines' and sinks' descriptions and owners, and topics.json the replication factor", async () => {
    const dir = project({ "pipelines.ts": PIPELINES.replace('{ partitions: 3, owner', '{ partitions: 3, replicationFactor: 3, owner') });
    expect((await cli(dir, "synth", "pipelines.ts", "--no-typecheck", "--out", "out")).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, "out/manifest.json"), "utf8")) as { pipelines: Record<string, unknown>[]; diagnostics: unknown[] };
    expect(manifest.pipelines.map(({ name, description, owner, describedSinks }) => ({ name, description, owner, describedSinks }))).toEqual([
      { name: "big-orders", description: undefined, owner: "team-risk", describedSinks: undefined },
      {
        name: "orders-copy", description: "every order, for the warehouse", owner: "team-data",
        describedSinks: [{ sink: "orders/shop.orders-copy.v1", topic: "shop.orders-copy.v1", description: "orders as received", owner: "team-data" }],
      },
    ]);
    // Without a config there are no rules: the acknowledgement of W016 then silences nothing.
    expect(manifest.diagnostics).toEqual([expect.objectContaining({ code: "STREAMT-W005", pipeline: "big-orders" })]);
    const topics = JSON.parse(readFileSync(path.join(dir, "out/topics.json"), "utf8")) as { topics: { name: string; replicationFactor: number | null }[] };
    expect(topics.topics.map((t) => [t.name, t.replicationFactor])).toEqual([["BigOrders", null], ["shop.orders-copy.v1", 3], ["shop.orders.v1", null]]);
  });

  it("a rules section that does not fit is STREAMT-L004 at its line, and nothing is written", async () => {
    const config = CONFIG.replace("minPartitions: 3", 'minPartitions: 3 },\n    sinks2: { x: 1');
    const dir = project({ "streamt.config.ts": config.replace("pattern: /[a-z]+\\.[a-z-]+\\.v\\d+/", 'pattern: "shop.(orders"'), "pipelines.ts": PIPELINES });
    expect(await cli(dir, "synth", "pipelines.ts", "--no-typecheck", "--out", "out")).toEqual({
      code: 1,
      out: "",
      err: [
        "error STREAMT-L004 streamt.config.ts:5:1 streamt.config.ts",
        "  streamt.config.ts:5: rules.topics.pattern: not a regular expression: Invalid regular expression: /shop.(orders/u: Unterminated group",
        "  fix: see docs/project-rules.md: rules take topics { pattern, minPartitions, minReplication }, pipelines { pattern, requireDescription, requireOwner, maxStateTtl }, sinks { requireDescription, requireOwner } and forbiddenFormats",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    });
    const unknown = project({ "streamt.config.ts": config, "pipelines.ts": PIPELINES });
    expect((await cli(unknown, "synth", "pipelines.ts", "--no-typecheck", "--out", "out")).err.split("\n").slice(0, 2)).toEqual([
      "error STREAMT-L004 streamt.config.ts:6:1 streamt.config.ts",
      "  streamt.config.ts:6: unknown property 'sinks2' in rules",
    ]);
  });
});
