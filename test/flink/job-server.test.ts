import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";
import { connectJobServer, startJobServer, type JobService } from "../../packages/streamt-sdk/src/runtime/job-server.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { JOB_SERVER_ENV } from "../../packages/streamt-sdk/src/testing/engine.js";

// The job server globalSetup shares (one warm `serve` JVM), reached as streamt-sdk/testing reaches it.
const address = process.env[JOB_SERVER_ENV]!;
const services: JobService[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
async function connect(): Promise<JobService> {
  const s = await connectJobServer(address);
  services.push(s);
  return s;
}

const sink = "CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');";
const bounded = [`CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');`, sink, "INSERT INTO nowhere SELECT n FROM numbers;"].join("\n");
const unbounded = [`CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');`, sink, "INSERT INTO nowhere SELECT n FROM numbers;"].join("\n");

describe("the shared job server, through connectJobServer", () => {
  it("a bounded job runs to its end", async () => {
    const jobs = await connect();
    expect(await jobs.run(bounded, { timeoutMs: 120_000 })).toEqual({ state: "finished", ms: expect.any(Number) });
  });

  it("a script that fails names its statement and line", async () => {
    const jobs = await connect();
    const end = await jobs.run([sink, "INSERT INTO nowhere SELECT n FROM missing_table;"].join("\n"), { timeoutMs: 120_000 });
    expect(end).toEqual({ state: "failed", error: expect.stringContaining("missing_table"), statementIndex: 2, statement: "INSERT INTO nowhere SELECT n FROM missing_table", line: 2 });
  });

  it("a job that has not ended in time is cancelled: a timeout", async () => {
    const jobs = await connect();
    expect(await jobs.run(unbounded, { timeoutMs: 3_000 })).toEqual({ state: "timeout" });
  });

  it("a started job says when it runs (Flink's job id), and cancel() ends it: cancelled, not a timeout", async () => {
    const jobs = await connect();
    const job = jobs.start(unbounded, { timeoutMs: 120_000 });
    expect(await job.submitted).toMatch(/^[0-9a-f]{32}$/);
    expect(await job.cancel()).toEqual({ state: "cancelled" });
    expect(await job.ended).toEqual({ state: "cancelled" });
  });

  it("a job that fails before it runs: submitted rejects with Flink's error, and ended is the failure", async () => {
    const jobs = await connect();
    const job = jobs.start([sink, "INSERT INTO nowhere SELECT n FROM missing_table;"].join("\n"), { timeoutMs: 120_000 });
    let error: unknown = null;
    await job.submitted.catch((e: unknown) => (error = e));
    expect(isStreamtError(error) ? [error.code, error.message] : error).toEqual(["STREAMT-R005", expect.stringMatching(/^the job ended before it ran: .*missing_table/s)]);
    expect(await job.ended).toMatchObject({ state: "failed", statementIndex: 2 });
  });

  // Sent with the start, the stop reaches a job still being planned, then one whose tasks still deploy
  // (Flink refuses a savepoint until they run): the server waits for both, so this is no race.
  it("a job stopped with a savepoint as soon as it is started ends stopped, with the savepoint in the folder asked for", async () => {
    const jobs = await connect();
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-job-server-test-"));
    dirs.push(dir);
    const job = jobs.start(unbounded, { timeoutMs: 120_000, checkpointMs: 500 });
    job.stop(dir, { drain: false });
    const end = await job.ended;
    expect(end).toEqual({ state: "stopped", savepoint: expect.stringContaining(dir) });
  });

  it("when the connection closes, a job still waiting fails saying so, and nothing more starts", async () => {
    const jobs = await connect();
    const waiting = jobs.run(unbounded, { timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await jobs.close();
    const why = `the connection to the shared Flink job server at ${address} closed`;
    expect(await waiting).toEqual({ state: "failed", error: why });
    let error: unknown = null;
    await jobs.run(bounded, { timeoutMs: 1_000 }).catch((e: unknown) => (error = e));
    expect(isStreamtError(error) ? { code: error.code, message: error.message } : error).toEqual({ code: "STREAMT-R005", message: `the Flink job server is gone: ${why}` });
  });

  it("no server at the address: STREAMT-R005 saying so", async () => {
    const port = await freePort();
    let error: unknown = null;
    await connectJobServer(`127.0.0.1:${port}`).catch((e: unknown) => (error = e));
    expect(isStreamtError(error) ? { code: error.code, message: error.message } : error).toEqual({
      code: "STREAMT-R005",
      message: `cannot reach the shared Flink job server at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });
}, 180_000);

describe("a job server of its own", () => {
  it("runs with a 2 GB heap; whose JVM dies: a job waiting on it fails saying the server exited, with the signal", async () => {
    const before = new Set(liveChildren());
    const server = await startJobServer("2", { progress: () => {} });
    services.push(server);
    const jvm = liveChildren().find((c) => !before.has(c))!;
    // Its heap is bounded: every test file's jobs share it.
    expect(jvm.spawnargs.filter((a) => a.startsWith("-Xmx"))).toEqual(["-Xmx2g"]);
    const waiting = server.run(unbounded, { timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    jvm.kill("SIGKILL");
    const end = await waiting;
    expect(end.state === "failed" ? [end.state, end.error.split("\n")[0]] : end).toEqual(["failed", "the Flink job server exited (SIGKILL): "]);
  }, 180_000);

  it("whose MiniCluster cannot start: STREAMT-R005 saying the server exited, and why its MiniCluster did not start", async () => {
    // A JVM whose temporary folder is a file: the MiniCluster cannot make its working directory there.
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-job-server-test-"));
    dirs.push(dir);
    const notAFolder = path.join(dir, "not-a-folder");
    writeFileSync(notAFolder, "");
    const before = process.env.JAVA_TOOL_OPTIONS;
    process.env.JAVA_TOOL_OPTIONS = `-Djava.io.tmpdir=${notAFolder}`;
    try {
      const e = await startJobServer("2", { progress: () => {} }).then((s) => (services.push(s), null), (err: unknown) => err);
      if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
      // The first line: the JVM's stderr (whatever of it was read) follows.
      expect([e.code, e.message.split("\n")[0]!.replace(/minicluster_\w+/, "minicluster_<id>")]).toEqual([
        "STREAMT-R005",
        `the Flink job server exited (code 1): the MiniCluster did not start: Could not create the working directory ${notAFolder}/minicluster_<id>.`,
      ]);
    } finally {
      if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = before;
    }
  }, 180_000);
});

describe("the job server's protocol, spoken raw: requests it cannot act on get a failed event that says why", () => {
  /** Sends each request as one JSON line and collects the events for `id` until `until` says enough. */
  async function exchange(requests: readonly object[], until: (events: Record<string, unknown>[]) => boolean): Promise<Record<string, unknown>[]> {
    const { createConnection } = await import("node:net");
    const { createInterface } = await import("node:readline");
    const [host, port] = address.split(":");
    const socket = createConnection({ host: host!, port: Number(port) });
    const events: Record<string, unknown>[] = [];
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(events)}`)), 120_000);
        socket.on("error", reject);
        let pending = [...requests];
        createInterface({ input: socket }).on("line", (line) => {
          events.push(JSON.parse(line) as Record<string, unknown>);
          if (until(events)) {
            clearTimeout(timer);
            resolve(events);
          } else if (events.at(-1)!.event === "finished" && pending.length > 0) {
            // the next request goes once the job it is about has ended
            socket.write(`${JSON.stringify(pending.shift())}\n`);
          }
        });
        socket.once("connect", () => socket.write(`${JSON.stringify(pending.shift())}\n`));
      });
    } finally {
      socket.destroy();
    }
  }

  it("a stop for an id no job was started under: 'no job of that id was started'", async () => {
    const id = `raw-unknown-${process.pid}`;
    expect(await exchange([{ id, stop: { dir: tmpdir(), drain: false } }], (e) => e.length === 1)).toEqual([
      { id, event: "failed", error: `no running job ${id} to stop (no job of that id was started)` },
    ]);
  });

  it("a stop for a job that has finished: 'it has ended'", async () => {
    const id = `raw-ended-${process.pid}`;
    const events = await exchange([{ id, script: bounded }, { id, stop: { dir: tmpdir(), drain: false } }], (e) => e.at(-1)?.event === "failed");
    expect(events.map((e) => e.event)).toEqual(["submitted", "finished", "failed"]);
    expect(events.at(-1)).toEqual({ id, event: "failed", error: `no running job ${id} to stop (it has ended)` });
  });

  it("a request with an id but neither script, cancel nor stop: a bad request naming the three", async () => {
    const id = `raw-empty-${process.pid}`;
    expect(await exchange([{ id }], (e) => e.length === 1)).toEqual([{ id, event: "failed", error: 'bad request: needs "script", "cancel" or "stop"' }]);
  });
});
