/**
 * `synth --openlineage <file>` run in-process through main(): once the output folder is written, one
 * OpenLineage JobEvent per pipeline describing what synth wrote; none when synth fails. (The events
 * against the spec's schemas, and delivery over HTTP: test/lineage/openlineage.test.ts.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mainIn } from "./in-process.js";
import { SDK_VERSION } from "../../packages/streamt-sdk/src/version.js";
import { CONFIG, PIPELINES, project } from "../k8s/project.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-synth-openlineage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...argv: string[]) => mainIn(root, argv);

describe("synth --openlineage <file>", () => {
  it("writes a JobEvent per pipeline into the file: the job in its namespace, the topics it reads and writes, the SQL synth wrote", async () => {
    const out = path.join(tmp, "out");
    const file = path.join(tmp, "events.jsonl");
    const r = await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck", "--openlineage", file, "--openlineage-namespace", "shop");
    expect(r).toEqual({ code: 0, out: `synthesised 1 pipeline (customer-totals) into ${out}\n`, err: "" });
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.length).toBe(2);
    expect(lines[1]).toBe("");
    const event = JSON.parse(lines[0]!) as {
      producer: string;
      schemaURL: string;
      job: { namespace: string; name: string; facets: { sql: { query: string } } };
      inputs: { namespace: string; name: string }[];
      outputs: { namespace: string; name: string }[];
    };
    expect([event.producer, event.schemaURL, event.job.namespace, event.job.name]).toEqual([
      `urn:streamt-sdk:${SDK_VERSION}`,
      "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
      "shop",
      "customer-totals",
    ]);
    expect(event.inputs.map((d) => `${d.namespace}/${d.name}`)).toEqual(["kafka://localhost:9092/orders.raw.v1"]);
    expect(event.outputs.map((d) => `${d.namespace}/${d.name}`)).toEqual(["kafka://localhost:9092/customers.totals.v1"]);
    expect(event.job.facets.sql.query).toBe(readFileSync(path.join(out, "customer-totals.sql"), "utf8"));
  }, 60_000);

  it("writes no events when synth fails", async () => {
    const file = path.join(tmp, "refused.jsonl");
    const r = await cli("synth", "test/fixtures/cli/bad-unbounded-join.ts", "--out", path.join(tmp, "refused"), "--no-typecheck", "--openlineage", file);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it("with --target k8s --env: the datasets are named by the environment's Kafka, which the jobs read and write; a relative file is the project's, as --out is", async () => {
    const dir = project("synth-openlineage", { "streamt.config.ts": CONFIG, "pipelines.ts": PIPELINES });
    try {
      const file = path.join(dir, "k8s-events.jsonl");
      expect(await mainIn(dir, ["synth", "pipelines.ts", "--target", "k8s", "--env", "prod", "--flink", "1.20", "--out", "out", "--no-typecheck", "--openlineage", "k8s-events.jsonl"])).toEqual({ code: 0, out: "synthesised 2 pipelines (clicks-per-user, clicks-routed) into out\n", err: "" });
      const events = readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { job: { name: string }; inputs: { namespace: string; name: string }[]; outputs: { namespace: string; name: string }[] });
      expect(events.map((e) => [e.job.name, ...[...e.inputs, ...e.outputs].map((d) => `${d.namespace}/${d.name}`)])).toEqual([
        ["clicks-per-user", "kafka://kafka-1.prod:9092/clicks.v1", "kafka://kafka-1.prod:9092/clicks.per-user.v1"],
        ["clicks-routed", "kafka://kafka-1.prod:9092/clicks.v1", "kafka://kafka-1.prod:9092/clicks.checkout.v1"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
