/**
 * The JAR deploy mode (`deploy: "jar"` in streamt.config.ts) for real, on the dev cluster of `dev up`,
 * through the CLI: a windowed count's Table API JAR built, its plan compiled with stable operator ids,
 * uploaded and run through the REST API (the upload deleted after), events produced and the exactly-once
 * output read back with a read_committed reader; a compatible change (a filter after the aggregate)
 * applied from a savepoint with the window open across the upgrade counted from both sides; a second
 * apply that does nothing; a new JAR that fails to start rolled back to the previous one from the
 * savepoint; destroy leaving no job running.
 */
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devDown, devUp, type DevStatus } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { FlinkRestClient, flinkRestCall } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";
import { jarBuildLog } from "../../packages/streamt-sdk/src/runtime/jar-build.js";
import { produce, watchTopics, type TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { deployCli, ev, filesUnder, window, windows, writeCountsPipeline } from "./deploy-support.js";

// Inside the repository, so the pipeline module's `import ... from "streamt-sdk"` resolves.
const scratch = path.resolve(import.meta.dirname, "../../.tmp");
mkdirSync(scratch, { recursive: true });
const project = mkdtempSync(path.join(scratch, "deploy-jar-e2e-"));
const IN = "jardeploy.events";
const OUT = "jardeploy.counts";
const PIPELINE = "jar-counts";

let entry = "";
let version = 0;

/** A new version of the pipeline: the windowed count, with `after` appended to the aggregate. */
function writePipeline(after: string, transactionTimeout = "5m"): void {
  entry = `counts-${++version}.ts`;
  writeCountsPipeline(project, entry, { name: PIPELINE, input: IN, output: OUT, after, transactionTimeout });
}

const cli = (...argv: string[]) => deployCli(project, entry, argv);

/** The progress a JAR build and plan compilation print on stderr, one line per step (times, sizes and downloads vary). */
function expectBuildProgress(err: string): void {
  const steps = err
    .split("\n")
    .filter((l) => /^(building|  building|built|compiling) /.test(l))
    .map((l) => l.replace(/ in \d+ s: /, " in N s: ").replace(/ \(\d+\.\d MB\)$/, " (N MB)").replace(/; \d+ artifacts downloaded so far$/, ""));
  expect(steps).toEqual([
    `building 1 JAR with Maven (log: ${jarBuildLog("deploy")})...`,
    `  building ${PIPELINE}.jar (1/1)`,
    `built 1 JAR in N s: ${PIPELINE}/target/${PIPELINE}.jar (N MB)`,
    `compiling the plan of pipeline '${PIPELINE}' from its JAR...`,
  ]);
}

let up: DevStatus;
let rest: FlinkRestClient;
let output: TopicWatcher;

/** The secret of the "secured" environment: the JobManager gets it from its environment (dev up inherits this process's). */
const secret = `pw-${randomUUID()}`;
const SECRET_ENV = "JAR_E2E_JAAS";

beforeAll(async () => {
  process.env[SECRET_ENV] = `org.apache.kafka.common.security.plain.PlainLoginModule required username="e2e" password="${secret}";`;
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "deploy-jar-e2e", type: "module" }));
  up = await devUp(project, { write: () => {} });
  rest = new FlinkRestClient(up.restUrl!);
  // "secured": the dev cluster without its SQL Gateway (a JAR needs none), with Kafka properties and a secret.
  writeFileSync(
    path.join(project, "streamt.config.ts"),
    `import { defineConfig, env } from "streamt-sdk";
export default defineConfig({
  environments: {
    secured: {
      kafka: { bootstrapServers: "${up.bootstrap}", properties: { "client.id.prefix": "jar-e2e-client", "sasl.jaas.config": env("${SECRET_ENV}") } },
      flink: { restUrl: "${up.restUrl}", savepointDir: "file://${project}/.streamt/dev/savepoints", planDir: "${project}/.streamt/dev/plans" },
    },
  },
  pipelines: { "${PIPELINE}": { deploy: "jar" }, "jar-secured": { deploy: "jar" } },
});
`,
  );
}, 300_000);

afterAll(async () => {
  await output?.stop();
  // Whatever failed above, stop every JVM of this project.
  await devDown(project, { write: () => {} });
  delete process.env[SECRET_ENV];
  // KEEP_DEPLOY_LOGS=<dir> keeps the cluster's logs (the project folder is removed) to look into a failure.
  if (process.env.KEEP_DEPLOY_LOGS) cpSync(path.join(project, ".streamt/dev/logs"), process.env.KEEP_DEPLOY_LOGS, { recursive: true });
  rmSync(project, { recursive: true, force: true });
}, 120_000);

/** The dev cluster's logs (JobManager, TaskManager, SQL Gateway), all together. */
const logs = () => filesUnder(path.join(project, ".streamt/dev/logs")).map((f) => readFileSync(f, "utf8")).join("\n");

const running = async () => (await rest.jobs()).filter((j) => j.state === "RUNNING").map((j) => j.id);
/** The JARs uploaded to the cluster (apply deletes each once its job is submitted). */
const uploaded = async () => ((await flinkRestCall(up.restUrl!, "GET", "/jars")).files as unknown[]).length;

describe("plan / apply / destroy of a pipeline deployed as its JAR, on the dev cluster", () => {
  let firstJob = "";

  it("plans and applies it: its JAR built, uploaded, run and deleted; exact output", async () => {
    writePipeline("");
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([
      0,
      `plan for environment 'dev':
  topic ${OUT}: create (1 partition, cleanup.policy=delete)
  topic ${IN}: create (1 partition, cleanup.policy=delete)
  job ${PIPELINE}: start
`,
    ]);
    expectBuildProgress(plan.err);
    const apply = await cli("apply", "--env", "dev");
    expect(apply.code).toBe(0);
    expectBuildProgress(apply.err);
    firstJob = (await running())[0] ?? "no job running";
    expect(apply.out).toBe(`created topic ${OUT} (1 partition)\ncreated topic ${IN} (1 partition)\nstarted job ${firstJob} of pipeline '${PIPELINE}'\napplied to 'dev'\n`);
    expect((await rest.jobs()).map((j) => [j.id, j.name, j.state])).toEqual([[firstJob, PIPELINE, "RUNNING"]]);
    expect(await uploaded()).toBe(0);

    output = await watchTopics(up.bootstrap!, [OUT]);
    // Minutes 0 and 1 complete; minute 2 opened with one "a" (the watermark, 10:02:09, closes minutes 0 and 1 only).
    await produce(up.bootstrap!, IN, [ev("a", "10:00:10"), ev("b", "10:00:20"), ev("a", "10:00:40"), ev("a", "10:01:10"), ev("b", "10:01:20"), ev("a", "10:02:10")]);
    await output.until((r) => r.length >= 4, 90_000);
    expect(windows(output.records)).toEqual([window(0, "a", 2), window(0, "b", 1), window(1, "a", 1), window(1, "b", 1)]);
  }, 600_000);

  it("applies a compatible change (a filter after the aggregate) from a savepoint: the open window counts on, nothing lost or repeated", async () => {
    writePipeline(`.filter((r) => r.n.gt(1))`);
    const plan = await cli("plan", "--env", "dev", "--json");
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.out) as { jobs: { pipeline: string; action: string; jobId: string; stateLoss: string | null; state: { operators: { fate: string; step: string | null; description: string }[] } }[] };
    expect(planned.jobs.map((j) => [j.pipeline, j.action, j.jobId, j.stateLoss])).toEqual([[PIPELINE, "upgrade", firstJob, null]]);
    // The JAR's own plan (Table API group window), with the same stable ids as the running job's.
    expect(planned.jobs[0]!.state.operators.map((o) => `${o.fate} ${o.step ?? "-"} ${o.description.replace(/\(.*$/, "")}`).sort()).toEqual([
      "kept - GroupWindowAggregate",
      "kept events Sink",
      "kept events TableSourceScan",
      "kept events/tumble/filter/jardeploy.counts Sink",
    ]);

    const apply = await cli("apply", "--env", "dev");
    expect(apply.code).toBe(0);
    const [second] = await running();
    const savepoint = /with savepoint (file:\S+)\n/.exec(apply.out)?.[1] ?? "";
    expect(apply.out).toBe(`stopped job ${firstJob} of pipeline '${PIPELINE}' with savepoint ${savepoint}\nstarted job ${second} of pipeline '${PIPELINE}' from savepoint ${savepoint}\napplied to 'dev'\n`);
    expect(existsSync(path.join(savepoint.replace(/^file:/, ""), "_metadata"))).toBe(true);
    expect(second).not.toBe(firstJob);
    expect(await uploaded()).toBe(0);

    // Minute 2's second "a" and a "b" after the upgrade, and minute 3 to close minute 2.
    await produce(up.bootstrap!, IN, [ev("b", "10:02:20"), ev("a", "10:02:40"), ev("a", "10:03:10")]);
    await output.until((r) => r.length >= 5, 90_000);
    await new Promise((r) => setTimeout(r, 3_000));
    // a = 2 in minute 2: one counted before the upgrade (restored from the savepoint), one after; b = 1 is
    // filtered out by the new step; minutes 0 and 1 are not written again.
    expect(windows(output.records)).toEqual([window(0, "a", 2), window(0, "b", 1), window(1, "a", 1), window(1, "b", 1), window(2, "a", 2)]);
  }, 600_000);

  it("a second apply does nothing (no build) and plan is empty", async () => {
    const [job] = await running();
    const apply = await cli("apply", "--env", "dev");
    expect([apply.code, apply.out, apply.err]).toEqual([0, "nothing to apply on 'dev': every topic and job is as applied\n", ""]);
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out, plan.err]).toEqual([0, "plan for environment 'dev': no changes (2 topics and 1 job as applied)\n", ""]);
    expect(await running()).toEqual([job]);
  }, 120_000);

  it("an upgraded JAR whose job fails to start (STREAMT-R019) is rolled back: the previous JAR runs again from the savepoint", async () => {
    const [job] = await running();
    // A transaction timeout above the broker's transaction.max.timeout.ms (1 h on the dev broker): the new
    // sink cannot start a transaction, so its job fails while its tasks initialise. Its sink options
    // changed, so it is another sink: applying it needs --allow-state-loss.
    writePipeline(`.filter((r) => r.n.gt(1))`, "2h");
    const failed = await cli("apply", "--env", "dev", "--allow-state-loss");
    expect(failed.code).toBe(1);
    const [restarted] = await running();
    const savepoint = /with savepoint (file:\S+)\n/.exec(failed.out)?.[1] ?? "";
    expect(failed.out).toBe(
      `stopped job ${job} of pipeline '${PIPELINE}' with savepoint ${savepoint}\nrestarted the previous plan of pipeline '${PIPELINE}' as job ${restarted} from savepoint ${savepoint}\n`,
    );
    expect(failed.err).toMatch(new RegExp(`\\nerror STREAMT-R019: pipeline '${PIPELINE}': the upgraded job did not start: job [0-9a-f]{32} failed and was cancelled: .*transaction timeout`, "i"));
    expect(failed.err).toContain(`; the previous plan runs again as job ${restarted}, restored from savepoint ${savepoint}\n`);
    expect(await uploaded()).toBe(0);
    // The job that runs is the previous JAR: with the previous pipeline, nothing to apply.
    writePipeline(`.filter((r) => r.n.gt(1))`);
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([0, "plan for environment 'dev': no changes (2 topics and 1 job as applied)\n"]);
  }, 600_000);

  it("destroy stops the job with a final savepoint and leaves no job running", async () => {
    const [job] = await running();
    const destroy = await cli("destroy", "--env", "dev");
    expect(destroy.code).toBe(0);
    const savepoint = /final savepoint (file:\S+)\n/.exec(destroy.out)?.[1] ?? "";
    expect(destroy.out).toBe(`stopped job ${job} of pipeline '${PIPELINE}' with final savepoint ${savepoint}\n`);
    expect(existsSync(path.join(savepoint.replace(/^file:/, ""), "_metadata"))).toBe(true);
    expect(await running()).toEqual([]);
  }, 180_000);

  it("on an environment without a SQL Gateway: its Kafka properties reach the job's clients, its secret is filled in by the JobManager and is in no output or file", async () => {
    entry = "secured.ts";
    writeFileSync(
      path.join(project, entry),
      `import { pipeline, source, t } from "streamt-sdk";
const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });
export default pipeline("jar-secured", { parallelism: 1 }).write(source("events", { topic: "jarsecured.in", schema: Ev }).filter((e) => e.v.gt(1)).toKafka("jarsecured.out"));
`,
    );
    const seen: string[] = [];
    const apply = await cli("apply", "--env", "secured");
    seen.push(apply.out, apply.err);
    expect(apply.code).toBe(0);
    const [job] = await running();
    expect(apply.out).toBe(`created topic jarsecured.in (1 partition)\ncreated topic jarsecured.out (1 partition)\nstarted job ${job} of pipeline 'jar-secured'\napplied to 'secured'\n`);
    const out = await watchTopics(up.bootstrap!, ["jarsecured.out"]);
    try {
      await produce(up.bootstrap!, "jarsecured.in", [{ value: { k: "a", v: 1, ts: "2024-01-01T10:00:00" } }, { value: { k: "b", v: 2, ts: "2024-01-01T10:00:01" } }]);
      await out.until((r) => r.length >= 1, 60_000);
      expect(out.records.map((r) => r.value)).toEqual([{ k: "b", v: 2, ts: "2024-01-01T10:00:01" }]);
    } finally {
      await out.stop();
    }
    // The source's consumer logs its configuration when it starts: the environment's prefix, and the JAAS config hidden.
    expect(logs()).toMatch(/client\.id = jar-e2e-client-0/);
    expect(logs()).toMatch(/sasl\.jaas\.config = \[hidden\]/);
    // Apply kept the JAR and its plan for a rollback (the secret is in neither: checked with every file below).
    expect(filesUnder(path.join(project, ".streamt/dev/plans")).map((f) => path.basename(f).replace(/[0-9a-f]{16}/, "<hash>")).filter((f) => f.startsWith("jar-secured-")).sort()).toEqual(["jar-secured-<hash>.jar", "jar-secured-<hash>.plan.json"]);
    const restViews = await Promise.all([`/jobs/${job}/config`, `/jobs/${job}/plan`, `/jobs/${job}`].map((p) => flinkRestCall(up.restUrl!, "GET", p).then((r) => JSON.stringify(r))));
    const destroy = await cli("destroy", "--env", "secured", "--delete-topics");
    seen.push(destroy.out, destroy.err);
    expect([destroy.code, destroy.err]).toEqual([0, ""]);
    expect(await running()).toEqual([]);
    // The broker's files are left out: deleting the topics removes them while they are read.
    const files = filesUnder(project, [path.join(project, ".streamt/dev/kafka")]).filter((f) => readFileSync(f).includes(secret)).map((f) => path.relative(project, f));
    expect([seen.filter((t) => t.includes(secret)).length, restViews.filter((t) => t.includes(secret)).length, files]).toEqual([0, 0, []]);
  }, 600_000);
});
