/**
 * The SQL runner of `synth --target k8s` on the engine: the JAR of `build.sh sql-runner` started as the
 * operator's pod starts a "sql" pipeline's job (its main class given the script the ConfigMap holds, Flink's
 * own classes beside it, the secrets in the environment), here with plain `java` so the job runs on a local
 * MiniCluster against the shared test broker. One job with two sinks (an EXECUTE STATEMENT SET) and two
 * env() references in its source's Kafka properties: the runner fills them in (a security.protocol left as
 * the placeholder would fail the consumer), writes exactly the expected records, and prints no secret; a
 * variable that is not set stops it with one line naming the variable, exit 1, before any job exists.
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRunner, flinkJvmOptions, runnerDir } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { createTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { project, resourcesOf, synthK8s } from "../k8s/project.js";
import { complete, events, kafkaBootstrap, runId, send, sorted, watch } from "./support.js";

const name = `clicks-split-${runId}`;
const topics = { clicks: `sqlr-clicks-${runId}`, checkout: `sqlr-checkout-${runId}`, browse: `sqlr-browse-${runId}` };
const JAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="pw-${runId}-never-printed";`;

const PIPELINES = `import { env, pipeline, source, t } from "streamt-sdk";

const Click = t.row({ user: t.string(), page: t.string() });
const clicks = source("clicks", {
  topic: "${topics.clicks}",
  schema: Click,
  properties: { "security.protocol": env("STREAMT_E2E_PROTOCOL"), "sasl.jaas.config": env("STREAMT_E2E_JAAS") },
});

export const split = pipeline("${name}").write(
  clicks.filter((c) => c.page.eq("/checkout")).as("checkout").toKafka("${topics.checkout}"),
  clicks.filter((c) => c.page.ne("/checkout")).as("browse").toKafka("${topics.browse}"),
);
`;

const config = (bootstrap: string) => `import { defineConfig } from "streamt-sdk";

export default defineConfig({
  environments: {
    e2e: {
      kafka: { bootstrapServers: "${bootstrap}" },
      flink: { restUrl: "http://127.0.0.1:1", savepointDir: "file:///tmp/streamt-e2e-savepoints" },
      kubernetes: { image: "registry.example/flink-jobs:1", checkpointDir: "file:///tmp/streamt-e2e-checkpoints", secretName: "kafka-credentials" },
    },
  },
});
`;

/** What the pod runs: the operator's job spec (jarURI, entryClass, args) and the file its ConfigMap mounts. */
let job: { jarURI: string; entryClass: string; args: string[] };
let scriptFile = "";
/** The image: Flink 1.20's classes (its lib/), and the runner JAR in usrlib/. */
let classpath = "";

beforeAll(async () => {
  const bootstrap = await kafkaBootstrap();
  const dir = project("sql-runner", { "pipelines.ts": PIPELINES, "streamt.config.ts": config(bootstrap) });
  const synth = await synthK8s(dir, ["--env", "e2e", "--flink", "1.20", "pipelines.ts"]);
  expect(synth.stderr).toBe("");
  const [configMap, deployment] = resourcesOf(path.join(dir, "out", "k8s", `${name}.yaml`)) as [{ data: Record<string, string> }, { spec: { job: typeof job } }];
  job = deployment.spec.job;
  scriptFile = path.join(dir, `${name}.sql`);
  writeFileSync(scriptFile, configMap.data[`${name}.sql`]!);

  const built = JSON.parse(execFileSync("bash", [path.join(runnerDir(), "build.sh"), "sql-runner"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })) as { jar: string };
  // Flink's lib/ holds Flink, its json and csv formats and log4j, not the Kafka connector: the JAR brings that.
  const flinkLib = (await buildRunner("1.20")).classpath.split(":").filter((jar) => !/\/(flink-connector-base|flink-connector-kafka|kafka-clients|flink-sql-avro-confluent-registry)-[^/]*\.jar$/.test(jar));
  classpath = [...flinkLib, built.jar].join(":");
  await createTopics(bootstrap, [{ name: topics.clicks }, { name: topics.checkout }, { name: topics.browse }]);
}, 600_000);

interface Runner {
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}
const started: Runner[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
});

/** `java -cp <image> <entryClass> <args>` with exactly `env` (and PATH) as the pod's environment. */
function startRunner(env: Record<string, string>): Runner {
  const child = spawn("java", [...flinkJvmOptions(), "-cp", classpath, job.entryClass, scriptFile], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const runner: Runner = {
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
  started.push(runner);
  return runner;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the SQL runner (SqlScriptJob) of synth --target k8s", () => {
  it("is what the FlinkDeployment runs by default: the SDK's runner in usrlib/, given the mounted script", () => {
    expect(job).toEqual({
      jarURI: "local:///opt/flink/usrlib/streamt-sql-runner.jar",
      entryClass: "io.streamt.runner.flink.SqlScriptJob",
      args: [`/opt/streamt/sql/${name}.sql`],
      parallelism: 1,
      upgradeMode: "savepoint",
      allowNonRestoredState: false,
      state: "running",
    });
  });

  it("runs the script's statement set with its secrets filled in from the environment, printing none", async () => {
    const runner = startRunner({ STREAMT_E2E_PROTOCOL: "PLAINTEXT", STREAMT_E2E_JAAS: JAAS });
    const out = await watch(topics.checkout, topics.browse);
    await send(topics.clicks, events([
      { user: "ann", page: "/home" },
      { user: "ann", page: "/checkout" },
      { user: "bob", page: "/cart" },
      { user: "bob", page: "/checkout" },
      { user: "cy", page: "/home" },
    ]));
    const records = await complete(out, (r) => r.length >= 5, 180_000);
    expect(sorted(records.map((r) => [r.topic, r.value]))).toEqual([
      [topics.browse, { user: "ann", page: "/home" }],
      [topics.browse, { user: "bob", page: "/cart" }],
      [topics.browse, { user: "cy", page: "/home" }],
      [topics.checkout, { user: "ann", page: "/checkout" }],
      [topics.checkout, { user: "bob", page: "/checkout" }],
    ]);
    expect(runner.output()).toMatch(new RegExp(`SqlScriptJob: ${escaped(scriptFile)}: submitted job [0-9a-f]{32}\\n`));
    await runner.stop();
    expect(runner.output()).not.toContain(`pw-${runId}`);
  }, 300_000);

  it("a job that fails ends it with exit 1 and Flink's reason, the secret value in it masked", async () => {
    const runner = startRunner({ STREAMT_E2E_PROTOCOL: `PLAINTEXT-${runId}-secret`, STREAMT_E2E_JAAS: JAAS });
    expect(await runner.exited).toBe(1);
    // The runner's report is the output's last lines (Flink's own log, before it, quotes Kafka's exception as it is).
    const report = runner.output().slice(runner.output().indexOf('Exception in thread "main"'));
    expect(report).toMatch(new RegExp(`^Exception in thread "main" streamt SQL runner: ${escaped(scriptFile)}: job [0-9a-f]{32} failed: `));
    expect(report.slice(report.lastIndexOf("\nCaused by: "))).toBe("\nCaused by: Invalid value *** for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL\n");
    // sasl.jaas.config is a password to Kafka, which never prints it; the runner never does either.
    expect(runner.output()).not.toContain(`pw-${runId}`);
  }, 180_000);

  it("a variable that is not set stops it before any job exists: one line naming the variable, exit 1, no secret", async () => {
    const runner = startRunner({ STREAMT_E2E_PROTOCOL: "PLAINTEXT-secret-value" });
    expect(await runner.exited).toBe(1);
    expect(runner.output()).toBe(`Exception in thread "main" streamt SQL runner: ${scriptFile}: the script reads the environment variable STREAMT_E2E_JAAS, which is not set\n`);
  }, 120_000);
});
