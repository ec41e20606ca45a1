import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asLocalJob, buildLocalJars, jvmOptions, type JarJob } from "../../packages/streamt-sdk/src/runtime/jar-run.js";

describe("jvmOptions: Flink's Java 17 flags for a JAR run, from the runner's jvm-options.txt", () => {
  const before = process.env.STREAMT_RUNNER_DIR;
  let dir = "";
  afterEach(() => {
    if (before === undefined) delete process.env.STREAMT_RUNNER_DIR;
    else process.env.STREAMT_RUNNER_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it("one flag per line, trimmed, without blank lines and comments; none without the file", () => {
    dir = mkdtempSync(path.join(tmpdir(), "streamt-jar-run-test-"));
    process.env.STREAMT_RUNNER_DIR = dir;
    expect(jvmOptions()).toEqual([]);
    writeFileSync(path.join(dir, "jvm-options.txt"), "# from Flink's distribution\n --add-opens=java.base/java.util=ALL-UNNAMED\n\n-Dfoo=1\n");
    expect(jvmOptions()).toEqual(["--add-opens=java.base/java.util=ALL-UNNAMED", "-Dfoo=1"]);
  });
});

/** A JarJob whose JVM has ended as given (asLocalJob only reads how it ended and calls stop()). */
function endedJarJob(end: { code: number | null; signal: string | null; stderr: string }): JarJob & { stops: number } {
  const job = {
    name: "orders-jar",
    submitted: Promise.resolve("0123456789abcdef0123456789abcdef"),
    ended: Promise.resolve(end),
    stops: 0,
    stop: async () => {
      job.stops++;
    },
  };
  return job;
}

describe("asLocalJob: a JAR run's end as a local job's", () => {
  it("exit 0 is finished", async () => {
    expect(await asLocalJob(endedJarJob({ code: 0, signal: null, stderr: "" })).ended).toEqual({ state: "finished" });
  });

  it("any other exit is failed, with the last 8 exception and error lines of stderr", async () => {
    const stderr = ["INFO starting", ...Array.from({ length: 10 }, (_, i) => `java.lang.RuntimeException: failure ${i + 1}`), "INFO done", "Caused by: java.io.IOException: disk full", "Error: the job failed"].join("\n");
    expect(await asLocalJob(endedJarJob({ code: 1, signal: null, stderr })).ended).toEqual({
      state: "failed",
      error: [5, 6, 7, 8, 9, 10].map((i) => `java.lang.RuntimeException: failure ${i}`).concat(["Caused by: java.io.IOException: disk full", "Error: the job failed"]).join("\n"),
      task: null,
    });
  });

  it("a failure whose stderr names no exception shows all of stderr", async () => {
    expect(await asLocalJob(endedJarJob({ code: null, signal: "SIGKILL", stderr: "INFO a\nINFO b" })).ended).toEqual({ state: "failed", error: "INFO a\nINFO b", task: null });
  });

  it("stopped or killed on purpose is cancelled, without a checkpoint; each stops the JAR's JVM", async () => {
    const stopped = endedJarJob({ code: 143, signal: null, stderr: "java.lang.InterruptedException" });
    const job = asLocalJob(stopped);
    expect(await job.stop()).toEqual({ state: "cancelled", lastCheckpoint: null });
    const killed = endedJarJob({ code: null, signal: "SIGTERM", stderr: "" });
    expect(await asLocalJob(killed).kill()).toEqual({ state: "cancelled", lastCheckpoint: null });
    expect([stopped.stops, killed.stops]).toEqual([1, 1]);
  });

  it("reports no checkpoints and no events", async () => {
    const job = asLocalJob(endedJarJob({ code: 0, signal: null, stderr: "" }));
    expect([job.name, job.events, job.lastCheckpoint(), await job.submitted]).toEqual(["orders-jar", [], null, "0123456789abcdef0123456789abcdef"]);
    await expect(job.nextCheckpoint()).rejects.toMatchObject({ code: "STREAMT-R007", message: "job orders-jar: a JAR run reports no checkpoints" });
  });
});

describe("buildLocalJars: an in-memory synth's Java projects built with the real Maven", () => {
  it("writes the files of the projects to build (no other file of the synth) into a folder of its own, builds them there, and remove() deletes it", async () => {
    // Packaging "pom" binds nothing to `package` (no plugin to fetch): the project's JAR is one it already holds.
    const pom = '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>io.streamt.test</groupId><artifactId>counts</artifactId><version>1</version><packaging>pom</packaging></project>\n';
    const files = [
      { path: "counts/pom.xml", content: pom },
      { path: "counts/counts.jar", content: "the JAR" },
      { path: "counts-sql/counts.sql", content: "INSERT INTO `out` SELECT 1;\n" },
      { path: "manifest.json", content: "{}\n" },
    ];
    const log = path.join(mkdtempSync(path.join(tmpdir(), "streamt-jar-run-test-")), "build.log");
    const progress: string[] = [];
    const built = await buildLocalJars(files, [{ pipeline: "counts", flinkVersion: "2.2", projectDir: "counts", jar: "counts/counts.jar", mainClass: "io.streamt.generated.CountsJob" }], (l) => progress.push(l), { logFile: log });
    try {
      expect(readdirSync(built.dir, { recursive: true }).map(String).sort()).toEqual(["counts", "counts/counts.jar", "counts/pom.xml"]);
      expect([readFileSync(path.join(built.dir, "counts/pom.xml"), "utf8"), readFileSync(path.join(built.dir, "counts/counts.jar"), "utf8")]).toEqual([pom, "the JAR"]);
      expect(progress).toEqual([`building 1 JAR with Maven (log: ${log})...`, "  building counts.jar (1/1)", expect.stringMatching(/^built 1 JAR in \d+ s: counts\/counts\.jar \(0\.0 MB\)$/)]);
    } finally {
      built.remove();
      rmSync(path.dirname(log), { recursive: true, force: true });
    }
    expect(existsSync(built.dir)).toBe(false);
  }, 120_000);
});
