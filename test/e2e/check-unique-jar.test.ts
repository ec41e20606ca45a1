/**
 * check()'s unique rule in the Java output, on the engine: the pipeline of fixtures/check-unique.ts is
 * synthesised to a SQL script and a JAR (the Table API's Over window), both run on the local MiniCluster
 * against the shared broker, one after the other, and each writes exactly the expected valid rows and
 * failure records.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synth, type JarBuild } from "../../packages/streamt-sdk/src/synth/synth.js";
import { buildJars } from "../../packages/streamt-sdk/src/runtime/jar-build.js";
import { startJarJob } from "../../packages/streamt-sdk/src/runtime/jar-run.js";
import { startLocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { createTopics, produce, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, complete, kafkaBootstrap, sorted, watch } from "./support.js";

const root = path.resolve(import.meta.dirname, "../..");
const INPUT = "e2e.unique-jar.orders";
const VALID = "e2e.unique-jar.valid";
const FAILURES = "e2e.unique-jar.failures";

let dir: string;
let script: string;
let jar: JarBuild;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "streamt-unique-jar-"));
  const r = await synth({ entries: ["test/e2e/fixtures/check-unique.ts"], root, typecheck: false, flinkVersion: "2.2", bootstrapServers: await kafkaBootstrap(), strict: false, target: "all", parallelismOverride: 1 });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  for (const f of r.files) {
    if (f.path === "unique-orders.sql") script = f.content;
    if (!f.path.includes("/")) continue;
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  expect(r.jars.map((j) => j.pipeline)).toEqual(["unique-orders"]);
  jar = r.jars[0]!;
  await buildJars(dir, r.jars, { logFile: path.join(dir, "maven.log"), progress: () => {} });
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (order_id: string | null, time: string, amount: number) => ({ order_id, amount, at: at(time) });
const json = (r: ReturnType<typeof row>) => JSON.stringify({ amount: r.amount, at: r.at, order_id: r.order_id });
const failure = (r: ReturnType<typeof row>, violation_type: string, violation_details: string) => ({ test_name: "unique_orders", violation_type, violation_details, record: json(r) });

// Read at once: every row is within the 5m watermark delay of the largest time before it, so none is late.
const INPUT_ROWS = [
  row("a", "10:00:30", 2),
  row("a", "10:00:00", 1),
  row("b", "10:00:10", -5),
  row("b", "10:00:20", -1),
  row(null, "10:00:05", 10),
  row(null, "10:00:06", 11),
  row("c", "10:00:40", 7),
  row("c", "10:00:40", 8),
  row("a", "10:01:31", 3),
  row("a", "10:02:31", 4),
  row("z", "10:20:00", 0),
  row("z", "10:30:00", 0), // moves the watermark to 10:25:00: every row above is decided, this one waits
];
const EXPECTED_VALID = sorted([row("a", "10:00:00", 1), row(null, "10:00:05", 10), row(null, "10:00:06", 11), row("c", "10:00:40", 7), row("a", "10:01:31", 3), row("z", "10:20:00", 0)]);
const EXPECTED_FAILURES = sorted([
  failure(row("a", "10:00:30", 2), "unique", "order_id repeats within 1m"),
  failure(row("b", "10:00:10", -5), "range", "amount is below 0"),
  failure(row("b", "10:00:20", -1), "range,unique", "amount is below 0; order_id repeats within 1m"),
  failure(row("c", "10:00:40", 8), "unique", "order_id repeats within 1m"),
  failure(row("a", "10:02:31", 4), "unique", "order_id repeats within 1m"),
]);

describe("unique in the Java output", () => {
  it("the SQL script and the JAR each write exactly the expected valid rows and failure records", async () => {
    const bootstrap = await kafkaBootstrap();
    await createTopics(bootstrap, [INPUT, VALID, FAILURES].map((name) => ({ name })));
    await produce(bootstrap, INPUT, INPUT_ROWS.map((value) => ({ value })));
    const w = await watch(VALID, FAILURES);
    const of = (rs: readonly ConsumedRecord[], topic: string, skip: number) => rs.filter((r) => r.topic === topic).slice(skip).map((r) => r.value as Record<string, unknown>);
    const view = (rs: readonly ConsumedRecord[], skip: { valid: number; failures: number }) => ({
      valid: sorted(of(rs, VALID, skip.valid)),
      failures: sorted(of(rs, FAILURES, skip.failures).map(({ detected_at: _, ...rest }) => rest)),
    });
    const reached = (skip: { valid: number; failures: number }) => (rs: readonly ConsumedRecord[]) =>
      of(rs, VALID, skip.valid).length >= EXPECTED_VALID.length && of(rs, FAILURES, skip.failures).length >= EXPECTED_FAILURES.length;
    try {
      const sqlJob = await startLocalJob({ name: "unique-orders", script });
      await sqlJob.submitted;
      const fromSql = await complete(w, reached({ valid: 0, failures: 0 }), 120_000);
      await sqlJob.stop();
      expect(view(fromSql, { valid: 0, failures: 0 })).toEqual({ valid: EXPECTED_VALID, failures: EXPECTED_FAILURES });

      const skip = { valid: of(fromSql, VALID, 0).length, failures: of(fromSql, FAILURES, 0).length };
      const jarJob = await startJarJob({
        name: "unique-orders",
        jar: path.join(dir, jar.jar),
        mainClass: jar.mainClass,
        target: "2",
        args: ["--bootstrap-servers", bootstrap, "--kafka-property", "group.id=unique-orders-jar"],
      });
      await jarJob.submitted;
      const all = await complete(w, reached(skip), 120_000);
      await jarJob.stop();
      expect(view(all, skip)).toEqual({ valid: EXPECTED_VALID, failures: EXPECTED_FAILURES });
    } finally {
      await w.stop();
    }
  }, 400_000);
});
