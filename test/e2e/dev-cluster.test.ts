import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { renderPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { devDown, devPaths, devStatus, devUp, processStartTime, readDevState, type DevStatus } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { FlinkRestClient } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";
import { runnerDir } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { createTopics, produce, watchTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { scriptStatements, SqlGatewayClient } from "../../packages/streamt-sdk/src/runtime/sql-gateway.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { main } from "../../packages/streamt-sdk/src/cli/main.js";

/**
 * `dev up | status | down` for real: four JVMs (broker, JobManager, TaskManager, SQL Gateway) in a fresh
 * project folder, a synthesised pipeline submitted through the gateway, exact records read back, the job
 * stopped with a savepoint through the REST API, and nothing left running afterwards.
 */
const project = mkdtempSync(path.join(tmpdir(), "streamt-dev-"));
const paths = devPaths(project);
let progress = "";
const write = (text: string) => {
  progress += text;
};
let up: DevStatus;

/** Pids of every process whose command line mentions the project's dev folder (conf dir, broker data). */
function processesOfProject(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(paths.root);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter((pid) => processStartTime(pid) !== null);
}

beforeAll(async () => {
  up = await devUp(project, { write });
}, 300_000);

afterAll(async () => {
  // Whatever failed above, stop every JVM of this project.
  await devDown(project, { write: () => {} });
  rmSync(project, { recursive: true, force: true });
}, 120_000);

describe("dev up / status / down", () => {
  it("starts the broker, JobManager, TaskManager and SQL Gateway, one progress line each", () => {
    const lines = progress.trimEnd().split("\n").filter((l) => l.startsWith("starting "));
    expect(lines.map((l) => l.replace(/\(\d+\.\d s\)$/, "(s)"))).toEqual([
      "starting Kafka broker... ok (s)",
      "starting JobManager... ok (s)",
      "starting TaskManager... ok (s)",
      "starting SQL Gateway... ok (s)",
    ]);
    const state = readDevState(project)!;
    expect(up.parts.map((p) => [p.part, p.state, p.pid])).toEqual([
      ["kafka", "up", state.processes.kafka!.pid],
      ["jobmanager", "up", state.processes.jobmanager!.pid],
      ["taskmanager", "up", state.processes.taskmanager!.pid],
      ["gateway", "up", state.processes.gateway!.pid],
    ]);
    expect(up.restUrl).toBe(`http://127.0.0.1:${state.ports.rest}`);
    expect(up.gatewayUrl).toBe(`http://127.0.0.1:${state.ports.gateway}`);
    expect(up.bootstrap).toBe(`127.0.0.1:${state.ports.kafka}`);
    expect(readFileSync(path.join(paths.conf, "config.yaml"), "utf8")).toContain(`execution.checkpointing.savepoint-dir: "file://${paths.savepoints}"`);
    // Flink's JVMs map the cluster target's class archive (the broker's target has none).
    const archives = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a.startsWith("-XX:SharedArchiveFile="));
    const archive = `-XX:SharedArchiveFile=${path.join(runnerDir(), "target-cluster", "classes.jsa")}`;
    expect(up.parts.map((p) => [p.part, archives(p.pid!)])).toEqual([["kafka", []], ["jobmanager", [archive]], ["taskmanager", [archive]], ["gateway", [archive]]]);
  });

  it("serves the web UI and reports one TaskManager on the REST API", async () => {
    const html = await (await fetch(`${up.restUrl}/`)).text();
    expect(html).toContain("<title>Apache Flink Web Dashboard</title>");
    const overview = (await (await fetch(`${up.restUrl}/overview`)).json()) as { taskmanagers: number; "slots-total": number; "flink-version": string };
    expect([overview.taskmanagers, overview["slots-total"], overview["flink-version"]]).toEqual([1, 4, "2.2.0"]);
  });

  it("a second up starts nothing; after a crash it restarts only the dead part", async () => {
    const before = readDevState(project)!.processes;
    // Two at once: the second waits for the first (the project's lock), then finds everything running.
    const outputs = ["", ""];
    await Promise.all([0, 1].map((i) => devUp(project, { write: (t) => (outputs[i] += t) })));
    const running = `Kafka broker is running (pid ${before.kafka!.pid})\nJobManager is running (pid ${before.jobmanager!.pid})\nTaskManager is running (pid ${before.taskmanager!.pid})\nSQL Gateway is running (pid ${before.gateway!.pid})\n`;
    expect(outputs.sort()).toEqual([running, `waiting for another streamt-sdk dev command in this project (pid ${process.pid})...\n${running}`]);
    expect(readDevState(project)!.processes).toEqual(before);

    const taskManagerIds = async () => ((await (await fetch(`${up.restUrl}/taskmanagers`)).json()) as { taskmanagers: { id: string }[] }).taskmanagers.map((t) => t.id);
    const idsBefore = await taskManagerIds();
    process.kill(before.taskmanager!.pid, "SIGKILL");
    while (processStartTime(before.taskmanager!.pid) !== null) await new Promise((r) => setTimeout(r, 50));
    expect((await devStatus(project)).parts.map((p) => p.state)).toEqual(["up", "up", "down", "up"]);
    let restart = "";
    await devUp(project, { write: (t) => (restart += t) });
    expect(restart.replace(/\(\d+\.\d s\)/, "(s)")).toBe(
      `Kafka broker is running (pid ${before.kafka!.pid})\nJobManager is running (pid ${before.jobmanager!.pid})\nstarting TaskManager... ok (s)\nSQL Gateway is running (pid ${before.gateway!.pid})\n`,
    );
    const after = readDevState(project)!.processes;
    expect(after.taskmanager!.pid).not.toBe(before.taskmanager!.pid);
    expect([after.kafka!.pid, after.jobmanager!.pid, after.gateway!.pid]).toEqual([before.kafka!.pid, before.jobmanager!.pid, before.gateway!.pid]);
    // up waited for the new TaskManager itself to register (the dead one's registration lingers until its heartbeat times out).
    expect((await taskManagerIds()).filter((id) => !idsBefore.includes(id))).toEqual([expect.stringMatching(/^streamt-dev-taskmanager-\d+$/)]);
  }, 180_000);

  it("runs a synthesised pipeline submitted through the SQL Gateway, shows it in status --env dev, and stops it with a savepoint", async () => {
    const orders = source("orders", { topic: "dev.orders", schema: t.row({ id: t.int().notNull(), qty: t.int().notNull() }) });
    const p = pipeline("dev-doubles", { checkpointInterval: "1s" }).write(
      orders
        .filter((o) => o.qty.gt(1))
        .withColumns((o) => ({ twice: o.qty.mul(2) }))
        .toKafka("dev.doubles"),
    );
    await createTopics(up.bootstrap!, [{ name: "dev.orders" }, { name: "dev.doubles" }]);
    const { script, statements } = renderPipelineSql(lowerPipeline(p.definition, { flinkVersion: "2.2" }), { bootstrapServers: up.bootstrap! });

    const gateway = new SqlGatewayClient(up.gatewayUrl!);
    const session = await gateway.openSession("dev-doubles");
    const results = [];
    for (const statement of scriptStatements(script, statements)) results.push(await gateway.execute(session, statement));
    // A statement Flink refuses: the error says why (the root cause of the gateway's stack trace).
    await expect(gateway.execute(session, "SELECT * FROM no_such_table")).rejects.toThrow(/HTTP 500: .*Object 'no_such_table' not found/);
    await gateway.closeSession(session);
    const jobId = results.at(-1)!.jobId!;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(results.slice(0, -1).every((r) => r.jobId === null)).toBe(true);

    const rest = new FlinkRestClient(up.restUrl!);
    const watcher = await watchTopics(up.bootstrap!, ["dev.doubles"]);
    try {
      await produce(up.bootstrap!, "dev.orders", [{ value: { id: 1, qty: 1 } }, { value: { id: 2, qty: 3 } }, { value: { id: 3, qty: 5 } }]);
      await watcher.until((r) => r.length >= 2, 90_000);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(watcher.records.map((r) => r.value)).toEqual([
        { id: 2, qty: 3, twice: 6 },
        { id: 3, qty: 5, twice: 10 },
      ]);
    } finally {
      await watcher.stop();
    }
    const jobs = await rest.jobs();
    expect(jobs.filter((j) => j.id === jobId).map((j) => [j.name, j.state])).toEqual([["dev-doubles", "RUNNING"]]);

    const status = async () => {
      let out = "";
      expect(await main(["status", "--env", "dev", "--json"], { out: (t) => (out += t), err: (t) => void process.stderr.write(t), cwd: project })).toBe(0);
      return JSON.parse(out) as { environment: string; pipelines: Record<string, unknown>[] };
    };
    // status --env dev once the job has completed a checkpoint (every second): the pipeline's job by its name.
    let running = await status();
    for (let i = 0; i < 60 && running.pipelines[0]?.lastCheckpoint === null; i++) {
      await new Promise((r) => setTimeout(r, 500));
      running = await status();
    }
    expect(running).toEqual({
      environment: "dev",
      restUrl: up.restUrl,
      pipelines: [
        {
          pipeline: "dev-doubles",
          jobId,
          state: "RUNNING",
          startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          restarts: 0,
          lastCheckpoint: { id: expect.any(Number), completedAt: expect.stringMatching(/Z$/), path: expect.stringMatching(new RegExp(`^file:${paths.checkpoints}/${jobId}/chk-\\d+$`)) },
          lastSavepoint: null,
          earlierJobs: 0,
        },
      ],
    });

    const location = await rest.stopWithSavepoint(jobId, `file://${paths.savepoints}`);
    const dir = location.replace(/^file:/, "");
    expect(path.dirname(dir)).toBe(paths.savepoints);
    expect(existsSync(path.join(dir, "_metadata"))).toBe(true);
    const ended = (await rest.jobs()).find((j) => j.id === jobId)!;
    expect(ended.state).toBe("FINISHED");
    // status --env dev: the pipeline's job by its name, ended, with the savepoint it was stopped with.
    // (The JobManager caches checkpoint statistics for a few seconds: the savepoint shows once the cache expires.)
    let after = (await status()).pipelines[0]!;
    for (let i = 0; i < 40 && after.lastSavepoint === null; i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = (await status()).pipelines[0]!;
    }
    expect([after.state, (after.lastSavepoint as { path: string } | null)?.path]).toEqual(["FINISHED", location]);
  }, 240_000);

  it("refuses to start on a remembered port another program holds (STREAMT-R014), before starting anything", async () => {
    const state = readDevState(project)!;
    const gatewayPid = state.processes.gateway!.pid;
    process.kill(gatewayPid, "SIGKILL");
    // Another program takes the gateway's port as soon as the killed JVM has released it.
    const squatter: Server = createServer();
    for (;;) {
      const error = await new Promise<Error | null>((resolve) => {
        squatter.once("error", resolve);
        squatter.listen(state.ports.gateway, "127.0.0.1", () => resolve(null));
      });
      if (error === null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      const error = await devUp(project, { write: () => {} }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isStreamtError(error) && [error.code, error.message]).toEqual([
        "STREAMT-R014",
        `the SQL Gateway port of the dev cluster, 127.0.0.1:${state.ports.gateway} (remembered in ${paths.state}), is taken by another program`,
      ]);
      expect(readDevState(project)!.processes.gateway).toEqual(state.processes.gateway);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("down stops every process it started, keeps the savepoints, and leaves nothing running", async () => {
    const state = readDevState(project)!;
    let out = "";
    const { stopped } = await devDown(project, { write: (t) => (out += t) });
    // The gateway was killed by the test above: down stops the other three, last started first.
    expect(stopped.map((s) => [s.part, s.pid, s.how])).toEqual([
      ["taskmanager", state.processes.taskmanager!.pid, "stopped"],
      ["jobmanager", state.processes.jobmanager!.pid, "stopped"],
      ["kafka", state.processes.kafka!.pid, "stopped"],
    ]);
    expect(out).toBe(
      `stopping TaskManager (pid ${state.processes.taskmanager!.pid})... ok\nstopping JobManager (pid ${state.processes.jobmanager!.pid})... ok\nstopping Kafka broker (pid ${state.processes.kafka!.pid})... ok\n`,
    );
    expect(processesOfProject()).toEqual([]);
    expect((await devStatus(project)).parts.map((p) => [p.state, p.pid])).toEqual([
      ["down", null],
      ["down", null],
      ["down", null],
      ["down", null],
    ]);
    expect(readDevState(project)!.ports).toEqual(state.ports);
    expect(readdirSync(paths.savepoints).filter((d) => d.startsWith("savepoint-"))).toHaveLength(1);
    expect((await devDown(project)).stopped).toEqual([]);
  }, 120_000);

  it("a part whose JVM cannot start is STREAMT-R015 with its log's path and lines; nothing is left running", async () => {
    // An initial heap above the broker JVM's -Xmx512m: it exits at once, as a broken Java install would.
    const saved = process.env.JAVA_TOOL_OPTIONS;
    process.env.JAVA_TOOL_OPTIONS = "-Xms2g";
    let out = "";
    try {
      const error = await devUp(project, { write: (t) => (out += t) }).then(
        () => null,
        (e: unknown) => e,
      );
      const log = path.join(paths.logs, "kafka.log");
      expect(isStreamtError(error) && error.code).toBe("STREAMT-R015");
      const message = (error as Error).message;
      expect(message.startsWith(`the Kafka broker of the dev cluster did not become ready: `)).toBe(true);
      expect(message).toContain(`; its full log: ${log}\n`);
      expect(message).toContain("Initial heap size set to a larger value than the maximum heap size");
    } finally {
      if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = saved;
    }
    expect(out).toBe("starting Kafka broker... failed\n");
    expect(readDevState(project)!.processes).toEqual({});
    expect(processesOfProject()).toEqual([]);
  });
});
