/**
 * `plan`, `apply` and `destroy` for real, on the dev cluster of `dev up` (JobManager, TaskManager, SQL
 * Gateway and broker as JVMs), through the CLI: a windowed count deployed from a project folder, events
 * produced and the exactly-once output read back with a read_committed reader; a compatible change (a
 * filter after the aggregate) applied from a savepoint with the window that was open across the upgrade
 * counted from both sides; an incompatible change (another group key) named in plan and refused by apply
 * unless --allow-state-loss; a second apply that does nothing; destroy leaving no job running.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devDown, devUp, type DevStatus } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { FlinkRestClient, flinkRestCall } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";
import { produce, watchTopics, type TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { readSavepoint } from "../../packages/streamt-sdk/src/deploy/savepoint-state.js";
import { runCli } from "../cli/support.js";
import { deployCli, ev, window, windows, writeCountsPipeline } from "./deploy-support.js";

// Inside the repository, so the pipeline module's `import ... from "streamt-sdk"` resolves.
const scratch = path.resolve(import.meta.dirname, "../../.tmp");
mkdirSync(scratch, { recursive: true });
const project = mkdtempSync(path.join(scratch, "deploy-e2e-"));
const IN = "deploy.events";
const OUT = "deploy.counts";

let entry = "";
let version = 0;

/** A new version of the pipeline (deploy-support.ts): the windowed count grouped by `groupKey`, with `after` appended to the aggregate. */
function writePipeline(groupKey: "k" | "v", after: string, transactionTimeout = "5m", partitions = ""): void {
  entry = `counts-${++version}.ts`;
  writeCountsPipeline(project, entry, { name: "deploy-counts", input: IN, output: OUT, groupKey, after, transactionTimeout, sinkOptions: partitions });
}

const cli = (...argv: string[]) => deployCli(project, entry, argv);

let up: DevStatus;
let rest: FlinkRestClient;
let output: TopicWatcher;

beforeAll(async () => {
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "deploy-e2e", type: "module" }));
  up = await devUp(project, { write: () => {} });
  rest = new FlinkRestClient(up.restUrl!);
}, 300_000);

afterAll(async () => {
  await output?.stop();
  // Whatever failed above, stop every JVM of this project.
  await devDown(project, { write: () => {} });
  // KEEP_DEPLOY_LOGS=<dir> keeps the cluster's logs (the project folder is removed) to look into a failure.
  if (process.env.KEEP_DEPLOY_LOGS) cpSync(path.join(project, ".streamt/dev/logs"), process.env.KEEP_DEPLOY_LOGS, { recursive: true });
  rmSync(project, { recursive: true, force: true });
}, 120_000);

/** Triggers a savepoint of a running job that keeps it running (POST /jobs/:id/savepoints); its location. */
async function triggerSavepoint(jobId: string): Promise<string> {
  const { "request-id": request } = (await flinkRestCall(up.restUrl!, "POST", `/jobs/${jobId}/savepoints`, { "target-directory": `file://${project}/.streamt/dev/savepoints/manual`, "cancel-job": false })) as { "request-id": string };
  for (let i = 0; i < 240; i++) {
    const s = (await flinkRestCall(up.restUrl!, "GET", `/jobs/${jobId}/savepoints/${request}`)) as { status: { id: string }; operation?: { location?: string; "failure-cause"?: unknown } };
    if (s.status.id === "COMPLETED") return s.operation?.location ?? `no location: ${JSON.stringify(s.operation)}`;
    await new Promise((r) => setTimeout(r, 250));
  }
  return "savepoint not completed within 60 s";
}

/** The stateful operators of the windowed count as its savepoint holds them: fate, step, Flink's node, state names. */
const SAVEPOINT_OPERATORS = [
  "kept - GlobalWindowAggregate: _timer_state/event_window-timers, _timer_state/processing_window-timers, watermark, window-aggs",
  "kept events Sink: no state",
  "kept events TableSourceScan: (coordinator), SourceReaderState",
  "kept events/tumble/filter/deploy.counts Sink: streaming_committer_raw_states, writer_raw_states",
];
/** Their uids (node ids left out) and whether Flink's OperatorID is the uid's hash. */
const SAVEPOINT_UIDS = ["<node>_global-window-aggregate true", "<node>_sink true", "<node>_source true", "Sink Committer: <node>_sink true"];

const running = async () => (await rest.jobs()).filter((j) => j.state === "RUNNING").map((j) => j.id);
/**
 * The plans apply keeps in dev's folder of the plan folder for a rollback (deploy/kept-files.ts): each
 * plan's 16 hex digits, sorted; every plan with both its files.
 */
function keptPlans(): string[] {
  const files = readdirSync(path.join(project, ".streamt/dev/plans/dev")).filter((f) => !f.startsWith("."));
  const plans = [...new Set(files.map((f) => /^deploy-counts-([0-9a-f]{16})\./.exec(f)?.[1] ?? f))].sort();
  expect(files.sort()).toEqual(plans.flatMap((h) => [`deploy-counts-${h}.pipeline.json`, `deploy-counts-${h}.plan.json`]));
  return plans;
}

describe("plan / apply / destroy on the dev cluster", () => {
  let firstJob = "";
  /** The plans kept after the first apply and after the compatible upgrade. */
  let keptFirst: string[] = [];
  let keptUpgraded: string[] = [];

  it("plans and applies a new pipeline: topics created, its job started; exact output", async () => {
    writePipeline("k", "");
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([
      0,
      `plan for environment 'dev':
  topic ${OUT}: create (1 partition, cleanup.policy=delete)
  topic ${IN}: create (1 partition, cleanup.policy=delete)
  job deploy-counts: start
`,
    ]);
    const apply = await cli("apply", "--env", "dev");
    expect([apply.code, apply.err]).toEqual([0, ""]);
    firstJob = (await running())[0] ?? "no job running";
    expect(apply.out).toBe(`created topic ${OUT} (1 partition)\ncreated topic ${IN} (1 partition)\nstarted job ${firstJob} of pipeline 'deploy-counts'\napplied to 'dev'\n`);
    expect((await rest.jobs()).map((j) => [j.id, j.name, j.state])).toEqual([[firstJob, "deploy-counts", "RUNNING"]]);
    keptFirst = keptPlans();
    expect(keptFirst.length).toBe(1);

    output = await watchTopics(up.bootstrap!, [OUT]);
    // Minutes 0 and 1 complete; minute 2 opened with one "a" (the watermark, 10:02:09, closes minutes 0 and 1 only).
    await produce(up.bootstrap!, IN, [ev("a", "10:00:10"), ev("b", "10:00:20"), ev("a", "10:00:40"), ev("a", "10:01:10"), ev("b", "10:01:20"), ev("a", "10:02:10")]);
    await output.until((r) => r.length >= 4, 90_000);
    expect(windows(output.records)).toEqual([window(0, "a", 2), window(0, "b", 1), window(1, "a", 1), window(1, "b", 1)]);
  }, 240_000);

  it("applies a compatible change (a filter after the aggregate) from a savepoint: the open window counts on, nothing lost or repeated", async () => {
    // A filter on the count: Flink cannot move it above the aggregate (a filter on the group key it would,
    // and then the aggregate's input changes: plan calls that a new aggregate).
    writePipeline("k", `.filter((r) => r.n.gt(1))`);
    // A savepoint of the running job, as operations take them: plan compares with what it holds, read
    // from its _metadata with Flink's own reader.
    const taken = await triggerSavepoint(firstJob);
    // Flink keyed each operator's state by the OperatorID it hashes from the uid apply set (<stable node id>_<transformation>).
    const contents = await readSavepoint(taken);
    const held = "unreadable" in contents ? [contents.unreadable] : contents.operators.filter((o) => o.hasState).map((o) => `${o.uid?.replace(/\d+_/, "<node>_")} ${o.uidHash === o.id}`);
    expect(held.sort()).toEqual(SAVEPOINT_UIDS);
    const plan = await cli("plan", "--env", "dev", "--json");
    expect([plan.code, plan.err]).toEqual([0, ""]);
    const planned = JSON.parse(plan.out) as { jobs: { pipeline: string; action: string; jobId: string; stateLoss: string | null; state: { comparedWith: string; savepoint: string | null; operators: { fate: string; step: string | null; description: string; savepointState: { bytes: number; names: string[] } | null }[] } }[] };
    expect(planned.jobs.map((j) => [j.pipeline, j.action, j.jobId, j.stateLoss, j.state.savepoint])).toEqual([["deploy-counts", "upgrade", firstJob, null, taken]]);
    expect(planned.jobs[0]!.state.comparedWith).toMatch(new RegExp(`^savepoint ${taken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} of running job ${firstJob}, taken \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: the operators it holds state for$`));
    const operators = planned.jobs[0]!.state.operators;
    const shown = (o: { savepointState: { names: string[] } | null }) => (o.savepointState ? o.savepointState.names.join(", ") : "no state");
    expect(operators.map((o) => `${o.fate} ${o.step ?? "-"} ${o.description.replace(/\(.*$/, "")}: ${shown(o)}`).sort()).toEqual(SAVEPOINT_OPERATORS);
    expect(operators.filter((o) => o.savepointState !== null && o.savepointState.bytes <= 0)).toEqual([]);
    // As text: where the savepoint is, and each operator's state there.
    const text = (await cli("plan", "--env", "dev")).out.split("\n");
    expect(text[2]).toBe(`    state compared with ${planned.jobs[0]!.state.comparedWith}:`);
    expect(text.slice(3, -1).map((l) => (/ \[\d+ bytes in the savepoint: (.*)\]$/.exec(l)?.[1] ?? "no state")).sort()).toEqual(SAVEPOINT_OPERATORS.map((o) => o.split(": ")[1]).sort());

    const apply = await cli("apply", "--env", "dev");
    expect([apply.code, apply.err]).toEqual([0, ""]);
    const [second] = await running();
    const savepoint = /with savepoint (file:\S+)\n/.exec(apply.out)?.[1] ?? "";
    expect(apply.out).toBe(
      `stopped job ${firstJob} of pipeline 'deploy-counts' with savepoint ${savepoint}\nstarted job ${second} of pipeline 'deploy-counts' from savepoint ${savepoint}\napplied to 'dev'\n`,
    );
    expect(existsSync(path.join(savepoint.replace(/^file:/, ""), "_metadata"))).toBe(true);
    expect(second).not.toBe(firstJob);
    // The first plan stays beside the new one: the next rollback needs it.
    keptUpgraded = keptPlans();
    expect(keptUpgraded.length).toBe(2);
    expect(keptUpgraded).toEqual(expect.arrayContaining(keptFirst));

    // Minute 2's second "a" and a "b" after the upgrade, and minute 3 to close minute 2.
    await produce(up.bootstrap!, IN, [ev("b", "10:02:20"), ev("a", "10:02:40"), ev("a", "10:03:10")]);
    await output.until((r) => r.length >= 5, 90_000);
    await new Promise((r) => setTimeout(r, 3_000));
    // a = 2 in minute 2: one counted before the upgrade (restored from the savepoint), one after; b = 1 is
    // filtered out by the new step; minutes 0 and 1 are not written again.
    expect(windows(output.records)).toEqual([window(0, "a", 2), window(0, "b", 1), window(1, "a", 1), window(1, "b", 1), window(2, "a", 2)]);
  }, 240_000);

  it("a second apply does nothing and plan is empty", async () => {
    const [job] = await running();
    const apply = await cli("apply", "--env", "dev");
    expect([apply.code, apply.out]).toEqual([0, "nothing to apply on 'dev': every topic and job is as applied\n"]);
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([0, "plan for environment 'dev': no changes (2 topics and 1 job as applied)\n"]);
    expect(await running()).toEqual([job]);
  }, 120_000);

  it("an upgrade whose job fails to start (STREAMT-R019) starts the previous plan again from the savepoint", async () => {
    const [job] = await running();
    // A transaction timeout above the broker's transaction.max.timeout.ms (1 h on the dev broker): the new
    // sink cannot start a transaction, so its job fails while its tasks initialise (synth only warns,
    // STREAMT-W001). Its sink options changed, so it is another sink: applying it needs --allow-state-loss.
    writePipeline("k", `.filter((r) => r.n.gt(1))`, "2h");
    const failed = await cli("apply", "--env", "dev", "--allow-state-loss");
    expect(failed.code).toBe(1);
    const [restarted] = await running();
    const savepoint = /with savepoint (file:\S+)\n/.exec(failed.out)?.[1] ?? "";
    expect(failed.out).toBe(
      `stopped job ${job} of pipeline 'deploy-counts' with savepoint ${savepoint}\nrestarted the previous plan of pipeline 'deploy-counts' as job ${restarted} from savepoint ${savepoint}\n`,
    );
    expect(failed.err).toMatch(/^error STREAMT-R019: pipeline 'deploy-counts': the upgraded job did not start: job [0-9a-f]{32} failed and was cancelled: .*transaction timeout/im);
    expect(failed.err).toContain(`; the previous plan runs again as job ${restarted}, restored from savepoint ${savepoint}\n`);
    // The job that runs is the previous plan: with the previous pipeline, nothing to apply.
    writePipeline("k", `.filter((r) => r.n.gt(1))`);
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([0, "plan for environment 'dev': no changes (2 topics and 1 job as applied)\n"]);
  }, 300_000);

  it("an incompatible change (another group key): plan names the dropped state, apply refuses it (STREAMT-R021) and applies it with --allow-state-loss", async () => {
    const [job] = await running();
    writePipeline("v", "");
    const plan = await cli("plan", "--env", "dev");
    expect(plan.code).toBe(0);
    const lines = plan.out.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "plan for environment 'dev':",
      `  job deploy-counts: upgrade (running job ${job})`,
      `    state compared with the stateful operators recorded on running job ${job} when it was applied: it has no savepoint yet (apply takes one before upgrading):`,
    ]);
    const fates = lines.slice(3, -2).map((l) => l.trim().replace(/\s+/, " ").replace(/\(.*$/, "")).sort();
    expect(fates).toEqual([
      "dropped GlobalWindowAggregate",
      "dropped events/tumble/filter/deploy.counts: Sink",
      "kept events: Sink",
      "kept events: TableSourceScan",
      "new GlobalWindowAggregate",
      "new events/tumble/deploy.counts: Sink",
    ]);
    expect(lines.at(-2)).toMatch(/^ {4}state loss: the state of 2 operators would be dropped: .*GlobalWindowAggregate\(groupBy=\[k\].*; apply needs --allow-state-loss$/);

    const refused = await cli("apply", "--env", "dev");
    expect(refused.code).toBe(1);
    expect(refused.out).toBe("");
    expect(refused.err).toMatch(/^error STREAMT-R021: nothing was applied: pipeline 'deploy-counts': the state of 2 operators would be dropped: /m);
    expect(await running()).toEqual([job]);
    // Kept so far: the first plan, the compatible upgrade (running again after the rollback) and the failed one.
    const keptBefore = keptPlans();
    expect(keptBefore.length).toBe(3);

    const applied = await cli("apply", "--env", "dev", "--allow-state-loss");
    expect(applied.code).toBe(0);
    const [third] = await running();
    expect(applied.out).toMatch(new RegExp(`^stopped job ${job} of pipeline 'deploy-counts' with savepoint file:\\S+\\nstarted job ${third} of pipeline 'deploy-counts' from savepoint file:\\S+ \\(state of 2 operators dropped, --allow-state-loss\\)\\napplied to 'dev'\\n$`));
    // After it: the plan now running and the one it replaced (the compatible upgrade's, which ran); the first
    // plan's files and the failed upgrade's are removed.
    const upgradedPlan = keptUpgraded.find((h) => !keptFirst.includes(h))!;
    const newPlan = keptPlans().filter((h) => !keptBefore.includes(h));
    expect(newPlan.length).toBe(1);
    expect(keptPlans()).toEqual([upgradedPlan, newPlan[0]!].sort());
  }, 240_000);

  it("destroy stops the job with a final savepoint and leaves no job running", async () => {
    const [job] = await running();
    const destroy = await cli("destroy", "--env", "dev");
    expect(destroy.code).toBe(0);
    const savepoint = /final savepoint (file:\S+)\n/.exec(destroy.out)?.[1] ?? "";
    expect(destroy.out).toBe(`stopped job ${job} of pipeline 'deploy-counts' with final savepoint ${savepoint}\n`);
    expect(existsSync(path.join(savepoint.replace(/^file:/, ""), "_metadata"))).toBe(true);
    expect(await running()).toEqual([]);
    const plan = await cli("plan", "--env", "dev");
    expect(plan.out).toBe("plan for environment 'dev':\n  job deploy-counts: start\n");
  }, 180_000);

  it("a topic declared with more partitions is altered; one declared with fewer is a conflict apply refuses (STREAMT-R022)", async () => {
    writePipeline("v", "", "5m", ", partitions: 2");
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([0, `plan for environment 'dev':\n  topic ${OUT}: alter (partitions 1 -> 2)\n  job deploy-counts: start\n`]);
    const apply = await cli("apply", "--env", "dev");
    const [job] = await running();
    expect([apply.code, apply.out]).toEqual([0, `topic ${OUT}: partitions 1 -> 2\nstarted job ${job} of pipeline 'deploy-counts'\napplied to 'dev'\n`]);

    writePipeline("v", "", "5m", ", partitions: 1");
    const reason = `it has 2 partitions and the pipelines declare 1; Kafka cannot remove partitions (declare 2, or recreate the topic yourself)`;
    const conflict = await cli("plan", "--env", "dev");
    expect([conflict.code, conflict.out]).toEqual([0, `plan for environment 'dev':\n  topic ${OUT}: conflict (${reason})\n`]);
    const refused = await cli("apply", "--env", "dev");
    expect([refused.code, refused.out]).toEqual([1, ""]);
    expect(refused.err).toContain(`error STREAMT-R022: nothing was applied: topic ${OUT}: ${reason}\n`);
    expect(await running()).toEqual([job]);
  }, 240_000);

  it("a pipeline gone from the project is stopped with a savepoint; destroy --delete-topics deletes the project's topics", async () => {
    const [counts] = await running();
    entry = `other-${++version}.ts`;
    writeFileSync(
      path.join(project, entry),
      `import { pipeline, source, t } from "streamt-sdk";
const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });
export default pipeline("deploy-other", { parallelism: 1 }).write(source("events", { topic: "${IN}", schema: Ev }).filter((e) => e.v.gt(1)).toKafka("deploy.other"));
`,
    );
    const plan = await cli("plan", "--env", "dev");
    expect([plan.code, plan.out]).toEqual([0, `plan for environment 'dev':\n  topic deploy.other: create (1 partition, cleanup.policy=delete)\n  job deploy-other: start\n  job deploy-counts: stop (running job ${counts})\n`]);
    const apply = await cli("apply", "--env", "dev");
    expect(apply.code).toBe(0);
    const [other] = await running();
    const savepoint = /with savepoint (file:\S+)\n/.exec(apply.out)?.[1] ?? "";
    expect(apply.out).toBe(`created topic deploy.other (1 partition)\nstarted job ${other} of pipeline 'deploy-other'\nstopped job ${counts} of pipeline 'deploy-counts' (no longer in the project) with savepoint ${savepoint}\napplied to 'dev'\n`);
    expect(existsSync(path.join(savepoint.replace(/^file:/, ""), "_metadata"))).toBe(true);

    const destroy = await cli("destroy", "--env", "dev", "--delete-topics");
    const final = /final savepoint (file:\S+)\n/.exec(destroy.out)?.[1] ?? "";
    expect([destroy.code, destroy.out]).toEqual([0, `stopped job ${other} of pipeline 'deploy-other' with final savepoint ${final}\ndeleted topics ${IN}, deploy.other\n`]);
    expect(await running()).toEqual([]);
    // The broker forgets a deleted topic a moment after it answered the deletion.
    const expected = `plan for environment 'dev':\n  topic ${IN}: create (1 partition, cleanup.policy=delete)\n  topic deploy.other: create (1 partition, cleanup.policy=delete)\n  job deploy-other: start\n`;
    let after = await cli("plan", "--env", "dev");
    for (let i = 0; i < 20 && after.out !== expected; i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = await cli("plan", "--env", "dev");
    }
    expect(after.out).toBe(expected);
  }, 240_000);

  it("an unreachable cluster is STREAMT-R017; a protected environment is changed only with --yes (STREAMT-R022)", async () => {
    writeFileSync(
      path.join(project, "streamt.config.ts"),
      `import { defineConfig } from "streamt-sdk";
export default defineConfig({
  environments: {
    gone: { kafka: { bootstrapServers: "${up.bootstrap}" }, flink: { restUrl: "http://127.0.0.1:9", savepointDir: "file:///tmp/sp" } },
    prod: { kafka: { bootstrapServers: "${up.bootstrap}" }, flink: { restUrl: "http://127.0.0.1:9", savepointDir: "file:///tmp/sp" }, protected: true },
  },
});
`,
    );
    const gone = await cli("plan", "--env", "gone");
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/^error STREAMT-R017: the Flink REST API of environment 'gone' \(http:\/\/127\.0\.0\.1:9\) did not answer: /m);
    const prod = await cli("apply", "--env", "prod");
    expect([prod.code, prod.err]).toEqual([1, "error STREAMT-R022: environment 'prod' is protected: apply changes it only with --yes\n  fix: run `streamt-sdk plan --env prod` first, then `streamt-sdk apply --env prod --yes`\n"]);
  }, 60_000);
});
