import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { startLocalJob, type JobEvent, type LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

// Jobs on the runner's MiniCluster (its own JVM per job), without Kafka: a generator into a black hole.
const CHECKPOINTED = [
  "SET 'execution.checkpointing.interval' = '300 ms';",
  "CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');",
  "CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');",
  "INSERT INTO nowhere SELECT n FROM numbers;",
].join("\n");

const dirs: string[] = [];
const jobs: LocalJob[] = [];
afterAll(async () => {
  await Promise.all(jobs.map((j) => j.kill()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function checkpointDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-local-job-test-"));
  dirs.push(dir);
  return dir;
}
async function start(name: string, script: string, cpDir?: string, restoreFrom?: string): Promise<LocalJob> {
  const job = await startLocalJob({ name, script, ...(cpDir ? { checkpointDir: cpDir } : {}), ...(restoreFrom ? { restoreFrom } : {}), progress: () => {} });
  jobs.push(job);
  return job;
}
async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isStreamtError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("a local job's checkpoints", () => {
  it("nextCheckpoint waits for a newer checkpoint, answers at once with one newer than afterId, times out, and fails once the job ended", async () => {
    const cpDir = checkpointDir();
    const job = await start("numbers", CHECKPOINTED, cpDir);
    expect(await job.submitted).toMatch(/^[0-9a-f]{32}$/);
    expect(job.events[0]).toEqual({ event: "submitted", jobId: await job.submitted });

    const first = await job.nextCheckpoint({ timeoutMs: 60_000 });
    expect(first.path).toBe(path.join(cpDir, await job.submitted, `chk-${first.id}`));
    const second = await job.nextCheckpoint({ timeoutMs: 60_000 });
    expect(second.id).toBeGreaterThan(first.id);

    // A checkpoint newer than afterId was seen already: it is the answer, without waiting.
    const seen = job.lastCheckpoint()!;
    expect(await job.nextCheckpoint({ afterId: first.id - 1, timeoutMs: 1 })).toEqual(seen);

    expect(await rejection(job.nextCheckpoint({ afterId: 1_000_000, timeoutMs: 200 }))).toEqual({ code: "STREAMT-R008", message: "job numbers: no checkpoint after 1000000 within 200 ms" });

    const waiting = job.nextCheckpoint({ afterId: 1_000_000, timeoutMs: 60_000 });
    const end = await job.stop();
    expect(end).toEqual({ state: "cancelled", lastCheckpoint: expect.stringMatching(new RegExp(`^${cpDir}/${await job.submitted}/chk-\\d+$`)) });
    expect(await rejection(waiting)).toEqual({ code: "STREAMT-R007", message: `job numbers ended while waiting for a checkpoint: ${JSON.stringify(end)}` });
  });

  it("kill() is a crash: the job ends killed, with the newest checkpoint on disk, which a new job starts from", async () => {
    const job = await start("numbers-killed", CHECKPOINTED, checkpointDir());
    const cp = await job.nextCheckpoint({ timeoutMs: 60_000 });
    const end = await job.kill();
    expect(end).toEqual({ state: "killed", lastCheckpoint: job.lastCheckpoint()!.path });
    expect(job.lastCheckpoint()!.id).toBeGreaterThanOrEqual(cp.id);
    // Restored, its checkpoints go on from the one it started from.
    const again = await start("numbers-restored", CHECKPOINTED, checkpointDir(), job.lastCheckpoint()!.path);
    expect((await again.nextCheckpoint({ timeoutMs: 60_000 })).id).toBeGreaterThan(job.lastCheckpoint()!.id);
    await again.kill();
  });

  it("a bounded job ends finished; its events, as listened to, are submitted then finished", async () => {
    const script = [
      "CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');",
      "CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');",
      "INSERT INTO nowhere SELECT n FROM numbers;",
    ].join("\n");
    const job = await start("three-numbers", script);
    const heard: JobEvent[] = [];
    job.onEvent((e) => heard.push(e));
    expect(await job.ended).toEqual({ state: "finished" });
    const jobId = await job.submitted;
    expect(job.events).toEqual([
      { event: "submitted", jobId },
      { event: "finished", jobId },
    ]);
    expect(heard).toEqual(job.events);
  });

  it("runs on the Flink 2.2 runner unless told otherwise, from a script file in a folder named after this process, removed when the job ends", async () => {
    const script = ["CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');", "INSERT INTO nowhere VALUES (1), (2);"].join("\n");
    const others = new Set(liveChildren());
    const flags = process.env.STREAMT_JVM_OPTIONS;
    process.env.STREAMT_JVM_OPTIONS = " -Xss2m  -XX:TieredStopAtLevel=1 ";
    const job = await start("orders copy", script).finally(() => (flags === undefined ? delete process.env.STREAMT_JVM_OPTIONS : (process.env.STREAMT_JVM_OPTIONS = flags)));
    const args = liveChildren().find((c) => !others.has(c))!.spawnargs;
    // STREAMT_JVM_OPTIONS' flags come after the runner's own (-Xmx1g), so they win.
    expect(args.slice(args.indexOf("-Xmx1g"), args.indexOf("-Xmx1g") + 3)).toEqual(["-Xmx1g", "-Xss2m", "-XX:TieredStopAtLevel=1"]);
    const scriptFile = args[args.indexOf("run") + 1]!;
    expect([path.basename(scriptFile), readFileSync(scriptFile, "utf8")]).toEqual(["orders_copy.sql", script]);
    expect(path.dirname(scriptFile)).toMatch(new RegExp(`^${tmpdir()}/streamt-job-${process.pid}-\\w+$`));
    const runnerDir = path.resolve(import.meta.dirname, "../../packages/flink-runner");
    expect(args[args.indexOf("-cp") + 1]!.split(path.delimiter)[0]).toBe(path.join(runnerDir, "target-2/streamt-runner.jar"));
    expect(args.filter((a) => a.startsWith("-XX:SharedArchiveFile="))).toEqual([`-XX:SharedArchiveFile=${path.join(runnerDir, "target-2/classes.jsa")}`]);
    // Its build (and build.log) went to a target's own folder, and made no other.
    expect(readdirSync(runnerDir).filter((f) => f.startsWith("target") && !/^target-(2|1\.20|kafka|cluster|sql-runner)$/.test(f))).toEqual([]);
    expect(await job.ended).toEqual({ state: "finished" });
    expect(existsSync(path.dirname(scriptFile))).toBe(false);
  });

  it("a JVM that dies without saying how the job ended has exited, with its signal", async () => {
    const others = new Set(liveChildren());
    const job = await start("numbers-died", CHECKPOINTED);
    await job.submitted;
    liveChildren().find((c) => !others.has(c))!.kill("SIGKILL");
    expect(await job.ended).toEqual({ state: "exited", code: null, signal: "SIGKILL" });
  });

  it("a script that fails before its job runs rejects submitted with the statement, and ends failed", async () => {
    const job = await start("broken", ["CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');", "INSERT INTO nowhere SELECT n FROM missing_table;"].join("\n"));
    const failed = await rejection(job.submitted);
    expect(failed.code).toBe("STREAMT-R007");
    expect(failed.message).toMatch(/^job broken failed in statement 2 \(line 2\): INSERT INTO nowhere SELECT n FROM missing_table: .*missing_table/);
    expect(await job.ended).toEqual({ state: "failed", error: expect.stringContaining("missing_table"), task: null });
    expect(job.lastCheckpoint()).toBeNull();
  });
}, 180_000);
