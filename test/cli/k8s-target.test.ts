import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubernetesTarget } from "../../packages/streamt-sdk/src/cli/k8s-target.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";

const SDK = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CONFIG = `import { defineConfig } from ${JSON.stringify(SDK)};

export default defineConfig({
  environments: {
    prod: {
      kafka: { bootstrapServers: "kafka.prod:9092" },
      flink: { restUrl: "https://flink.prod:8081", savepointDir: "s3://acme/savepoints" },
      kubernetes: { image: "registry.acme.io/flink:1.0", checkpointDir: "s3://acme/checkpoints" },
    },
    staging: {
      kafka: { bootstrapServers: "kafka.staging:9092" },
      flink: { restUrl: "https://flink.staging:8081", savepointDir: "s3://acme/staging-savepoints" },
    },
  },
});
`;

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-k8s-target-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "streamt.config.ts"), CONFIG);
  return dir;
}

async function refusal(name: string): Promise<unknown[]> {
  const dir = project();
  const e = await kubernetesTarget(name, dir, undefined).then(() => null, (err: unknown) => err);
  if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
  const shown = path.relative(process.cwd(), path.join(dir, "streamt.config.ts"));
  return [e.code, e.message.replace(shown, "streamt.config.ts"), e.hint, e.site && { ...e.site, file: e.site.file.replace(shown, "streamt.config.ts") }];
}

describe("kubernetesTarget: the environment synth --target k8s writes for", () => {
  it("an environment without a kubernetes section is STREAMT-L004 at its line, saying what to add", async () => {
    expect(await refusal("staging")).toEqual([
      "STREAMT-L004",
      "streamt.config.ts:10: environment 'staging' has no kubernetes section, so synth --target k8s has no image or checkpoint folder to write",
      'add kubernetes: { image: "<your Flink image>", checkpointDir: "s3://<bucket>/checkpoints", ... } to it; see docs/kubernetes.md',
      { file: "streamt.config.ts", line: 10, column: 1 },
    ]);
  });

  it("an environment with a kubernetes section: its settings with their defaults, its savepoint folder and Kafka, sites in the config", async () => {
    const dir = project();
    const { deployMode, configSite, ...target } = await kubernetesTarget("prod", dir, undefined);
    expect(target).toEqual({
      environment: "prod",
      settings: {
        namespace: null,
        image: "registry.acme.io/flink:1.0",
        imagePullPolicy: null,
        serviceAccount: "flink",
        checkpointDir: "s3://acme/checkpoints",
        jobManager: { memory: "2048m", cpu: 1 },
        taskManager: { memory: "2048m", cpu: 1, slots: 1 },
        sqlRunner: { jarURI: "local:///opt/flink/usrlib/streamt-sql-runner.jar", entryClass: "io.streamt.runner.flink.SqlScriptJob" },
        jarDir: null,
        secretName: null,
      },
      savepointDir: "s3://acme/savepoints",
      bootstrapServers: "kafka.prod:9092",
    });
    expect(deployMode("customer-totals")).toBe("sql");
    expect(configSite("image")).toEqual({ file: path.relative(process.cwd(), path.join(dir, "streamt.config.ts")), line: 8, column: 1 });
  });
});
