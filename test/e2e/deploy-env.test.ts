/**
 * An environment of streamt.config.ts (pointing at the dev cluster of `dev up`) whose kafka.properties
 * reach the jobs' Kafka connectors: a wrong security.protocol fails the job (STREAMT-R019 with Kafka's
 * reason), a client.id.prefix shows in the consumer's configuration, and a secret (sasl.jaas.config, as
 * env("NAME")) is in no output, no file of the project and nothing the REST API shows. A savepoint folder
 * that cannot be written makes stop-with-savepoint fail: STREAMT-R020, the job keeps running.
 * The CLI runs in processes of its own (each imports the config once).
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devDown, devUp, type DevStatus } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { FlinkRestClient, flinkRestCall } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";
import { produce, watchTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { runCli } from "../cli/support.js";
import { filesUnder } from "./deploy-support.js";

// Inside the repository, so the pipeline module's `import ... from "streamt-sdk"` resolves.
const scratch = path.resolve(import.meta.dirname, "../../.tmp");
mkdirSync(scratch, { recursive: true });
const project = mkdtempSync(path.join(scratch, "deploy-env-e2e-"));

let entry = "";
let version = 0;
let up: DevStatus;
let rest: FlinkRestClient;

beforeAll(async () => {
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "deploy-env-e2e", type: "module" }));
  up = await devUp(project, { write: () => {} });
  rest = new FlinkRestClient(up.restUrl!);
}, 300_000);

afterAll(async () => {
  await devDown(project, { write: () => {} });
  if (process.env.KEEP_DEPLOY_LOGS) cpSync(path.join(project, ".streamt/dev/logs"), process.env.KEEP_DEPLOY_LOGS, { recursive: true });
  rmSync(project, { recursive: true, force: true });
}, 120_000);

const running = async () => (await rest.jobs()).filter((j) => j.state === "RUNNING").map((j) => j.id);


/** A file's bytes; none for one the broker removed since it was listed (a log segment rolled or cleaned). */
function contents(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return Buffer.alloc(0);
    throw e;
  }
}

/** The dev cluster's logs (JobManager, TaskManager, SQL Gateway), all together. */
const logs = () => filesUnder(path.join(project, ".streamt/dev/logs")).map((f) => readFileSync(f, "utf8")).join("\n");

describe("an environment's kafka.properties reach the jobs' Kafka connectors, secrets never shown or written; a failed stop-with-savepoint", () => {
  const secret = `pw-${randomUUID()}`;
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="e2e" password="${secret}";`;
  const seen: string[] = [];
  const run = async (...argv: string[]) => {
    const r = await runCli([...argv, entry, "--no-typecheck"], { cwd: project, env: { DEPLOY_E2E_JAAS: jaas } });
    seen.push(r.stdout, r.stderr);
    return r;
  };
  const environment = (name: string, properties: string, savepointDir = `file://${project}/.streamt/dev/savepoints`) =>
    `${name}: { kafka: { bootstrapServers: "${up.bootstrap}", properties: { ${properties}, "sasl.jaas.config": env("DEPLOY_E2E_JAAS") } }, flink: { restUrl: "${up.restUrl}", sqlGatewayUrl: "${up.gatewayUrl}", savepointDir: "${savepointDir}", planDir: "${project}/.streamt/dev/plans" } },`;
  const securedPipeline = (threshold: number) => {
    entry = `secured-${++version}.ts`;
    writeFileSync(
      path.join(project, entry),
      `import { pipeline, source, t } from "streamt-sdk";
const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });
export default pipeline("deploy-secured", { parallelism: 1 }).write(source("events", { topic: "secured.in", schema: Ev }).filter((e) => e.v.gt(${threshold})).toKafka("secured.out"));
`,
    );
  };
  let secured = "";

  beforeAll(() => {
    // A file where the "blocked" environment's savepoint folder would be: no savepoint can be written there.
    writeFileSync(path.join(project, "blocked"), "");
    writeFileSync(
      path.join(project, "streamt.config.ts"),
      `import { defineConfig, env } from "streamt-sdk";
export default defineConfig({
environments: {
  ${environment("shared", `"client.id.prefix": "deploy-e2e-client"`)}
  ${environment("broken", `"security.protocol": "BOGUS"`)}
  ${environment("blocked", `"client.id.prefix": "deploy-e2e-client"`, `file://${project}/blocked`)}
},
});
`,
    );
  });

  it("a wrong security.protocol reaches the job, which fails to start: STREAMT-R019 with Kafka's reason, nothing left running", async () => {
    securedPipeline(1);
    const broken = await run("apply", "--env", "broken");
    expect([broken.code, broken.stdout]).toEqual([1, "created topic secured.in (1 partition)\ncreated topic secured.out (1 partition)\n"]);
    expect(broken.stderr).toMatch(/^error STREAMT-R019: pipeline 'deploy-secured': its job did not start: job [0-9a-f]{32} (failed and was cancelled|is FAILED): .*Invalid value BOGUS for configuration security\.protocol/m);
    expect(await running()).toEqual([]);
  }, 240_000);

  it("the environment's properties configure the job's clients (client.id.prefix in the consumer's config); the job writes its output", async () => {
    const apply = await run("apply", "--env", "shared");
    secured = (await running())[0] ?? "no job running";
    expect([apply.code, apply.stdout, apply.stderr]).toEqual([0, `started job ${secured} of pipeline 'deploy-secured'\napplied to 'shared'\n`, ""]);
    const out = await watchTopics(up.bootstrap!, ["secured.out"]);
    try {
      await produce(up.bootstrap!, "secured.in", [{ value: { k: "a", v: 1, ts: "2024-01-01T10:00:00" } }, { value: { k: "b", v: 2, ts: "2024-01-01T10:00:01" } }]);
      await out.until((r) => r.length >= 1, 60_000);
      expect(out.records.map((r) => r.value)).toEqual([{ k: "b", v: 2, ts: "2024-01-01T10:00:01" }]);
    } finally {
      await out.stop();
    }
    // The source's consumer logs its configuration when it starts: its client id has the environment's prefix.
    expect(logs()).toMatch(/client\.id = deploy-e2e-client-0/);
    const plan = await run("plan", "--env", "shared");
    expect([plan.code, plan.stdout]).toEqual([0, "plan for environment 'shared': no changes (2 topics and 1 job as applied)\n"]);
  }, 240_000);

  it("stop-with-savepoint into a folder that cannot be written is STREAMT-R020: nothing changed, the job keeps running (apply and destroy)", async () => {
    securedPipeline(2);
    const apply = await run("apply", "--env", "blocked");
    expect([apply.code, apply.stdout]).toEqual([1, ""]);
    const refused = `error STREAMT-R020: pipeline 'deploy-secured': stop-with-savepoint of job ${secured} into file://${project}/blocked/deploy-secured failed: java.nio.file.FileAlreadyExistsException: ${project}/blocked; the job is RUNNING\n  fix: check that the JobManager and TaskManagers can write flink.savepointDir, and the job's checkpoints in the Flink web UI (a failing checkpoint fails the savepoint too); nothing of this pipeline was changed\n`;
    expect(apply.stderr).toBe(refused);
    expect(await running()).toEqual([secured]);
    const destroy = await run("destroy", "--env", "blocked");
    expect([destroy.code, destroy.stdout]).toEqual([1, ""]);
    expect(destroy.stderr).toBe(refused);
    expect(await running()).toEqual([secured]);
  }, 240_000);

  it("the secret is in no output, no file of the project (plans, logs, savepoints) and not in the job's configuration or plan as the REST API shows them", async () => {
    const rest = await Promise.all([`/jobs/${secured}/config`, `/jobs/${secured}/plan`, `/jobs/${secured}`, "/jobmanager/config"].map((p) => flinkRestCall(up.restUrl!, "GET", p).then((r) => JSON.stringify(r))));
    // Stopped with a final savepoint, which is searched too.
    const destroy = await run("destroy", "--env", "shared");
    expect([destroy.code, destroy.stderr]).toEqual([0, ""]);
    const files = filesUnder(project).filter((f) => contents(f).includes(secret)).map((f) => path.relative(project, f));
    expect([seen.filter((t) => t.includes(secret)).length, rest.filter((t) => t.includes(secret)).length, files]).toEqual([0, 0, []]);
    // The secret did reach the job: the client logs its JAAS config hidden.
    expect(logs()).toMatch(/sasl\.jaas\.config = \[hidden\]/);
  }, 240_000);
});
