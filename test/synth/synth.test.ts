/**
 * synth() in this process, on a small module: what a target writes, and what the manifest records of a
 * pipeline's sinks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubernetesSettings } from "../../packages/streamt-sdk/src/deploy/k8s-settings.js";
import type { KubernetesTarget } from "../../packages/streamt-sdk/src/synth/k8s-resources.js";
import { synth, type SynthTarget } from "../../packages/streamt-sdk/src/synth/synth.js";
import { scratchFolder } from "./fixture.js";

const SCRATCH = scratchFolder("synth");
mkdirSync(SCRATCH, { recursive: true });
const dir = mkdtempSync(path.join(SCRATCH, "p-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = path.join(dir, "copy.ts");
writeFileSync(
  entry,
  `import { pipeline, source, t } from "streamt-sdk";\n` +
    `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string() }) });\n` +
    `export default pipeline("orders-copy").write(orders.toKafka("orders.copy"), orders.toUpsertKafka("orders.latest", { key: ["id"] }), orders.toPrint());\n`,
);
const options = { root: dir, typecheck: false, flinkVersion: "2.2", bootstrapServers: "b:9092", strict: true };
const prod: KubernetesTarget = {
  environment: "prod",
  settings: kubernetesSettings({ image: "img:1", checkpointDir: "s3://b/cp", sqlRunner: { jarURI: "local:///opt/runner.jar", entryClass: "org.example.SqlRunner" } }),
  savepointDir: "s3://b/sp",
  bootstrapServers: "k:9092",
  deployMode: () => "sql",
  configSite: () => null,
};
const synthOf = (target: SynthTarget) => synth({ ...options, entries: [entry], target, ...(target === "k8s" ? { kubernetes: prod, flinkVersion: "1.20" } : {}) });

describe("synth", () => {
  it("--target sql writes the SQL script, plan.json, topics.json and manifest.json, and no Java project", async () => {
    const result = await synthOf("sql");
    expect(result.diagnostics).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(["orders-copy.sql", "plan.json", "topics.json", "manifest.json"]);
    expect(JSON.parse(result.files.at(-1)!.content).artifacts.map((a: { id: string }) => a.id)).toEqual(["plan", "sql:orders-copy", "topics"]);
  });

  it("--target k8s writes the SQL script and its Kubernetes resources, and no Java project", async () => {
    const result = await synthOf("k8s");
    expect(result.diagnostics).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(["orders-copy.sql", "k8s/orders-copy.yaml", "plan.json", "topics.json", "manifest.json"]);
    expect(JSON.parse(result.files.at(-1)!.content).artifacts.map((a: { id: string }) => a.id)).toEqual(["k8s:orders-copy", "plan", "sql:orders-copy", "topics"]);
  });

  it("--target k8s without the environment's Kubernetes settings: refused, naming what is missing (the CLI always passes them: --env is required)", async () => {
    await expect(synth({ ...options, entries: [entry], target: "k8s", flinkVersion: "1.20" })).rejects.toThrow(new Error("internal: synth --target k8s without an environment"));
  });

  it("the manifest's artifacts say what each depends on: the Kubernetes resources of a SQL pipeline on its script, nothing else on anything", async () => {
    const artifacts = JSON.parse((await synthOf("k8s")).files.at(-1)!.content).artifacts as { id: string; dependsOn: string[] }[];
    expect(artifacts.map((a) => [a.id, a.dependsOn])).toEqual([["k8s:orders-copy", ["sql:orders-copy"]], ["plan", []], ["sql:orders-copy", []], ["topics", []]]);
  });

  it("the manifest's pipeline entry lists each Kafka sink by its topic and any other sink by its kind and name, sorted", async () => {
    const manifest = JSON.parse((await synthOf("sql")).files.find((f) => f.path === "manifest.json")!.content);
    expect(manifest.pipelines.map((p: { name: string; sources: string[]; sinks: string[] }) => ({ name: p.name, sources: p.sources, sinks: p.sinks }))).toEqual([
      { name: "orders-copy", sources: ["orders.v1"], sinks: ["orders.copy", "orders.latest", "print:print"] },
    ]);
  });

  it("the manifest's pipeline entry names the artifacts written for it: its SQL script, and its Kubernetes resources under --target k8s", async () => {
    const artifactsOf = async (target: SynthTarget) => JSON.parse((await synthOf(target)).files.find((f) => f.path === "manifest.json")!.content).pipelines.map((p: { artifacts: string[] }) => p.artifacts);
    expect([await artifactsOf("sql"), await artifactsOf("k8s")]).toEqual([[["sql:orders-copy"]], [["k8s:orders-copy", "sql:orders-copy"]]]);
  });
});
