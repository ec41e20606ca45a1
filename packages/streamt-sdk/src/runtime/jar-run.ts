import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { StreamtError } from "../errors.js";
import { buildRunner, runnerDir, stderrTail, type ProgressSink } from "./flink-runner.js";
import { onExitSync, onShutdown, stopChild, trackChild } from "./process-registry.js";
import { buildJars, jarBuildLog, type BuildProgress } from "./jar-build.js";
import type { JobEnd, LocalJob } from "./local-job.js";
import type { JarBuild, OutputFile } from "../synth/synth.js";
import { findToolchain, RuntimeErrorCode, userJvmOptions } from "./toolchain.js";

export interface JarJobOptions {
  /** The pipeline's name, for messages. */
  readonly name: string;
  /** The JAR synth --target jar built, and its main class. */
  readonly jar: string;
  readonly mainClass: string;
  /** Runner target whose Flink jars are the classpath Flink's cluster would provide: "2" or "1.20". */
  readonly target: "2" | "1.20";
  /** The job's program arguments (e.g. --bootstrap-servers, --set parallelism.default=1). */
  readonly args: readonly string[];
  readonly progress?: ProgressSink;
  /** Each line the JVM writes, stderr's (Flink's logs) and stdout's (print sinks). */
  readonly onStderr?: (line: string) => void;
}

/** A job JAR running on a local MiniCluster (the generated main with --await). */
export interface JarJob {
  readonly name: string;
  /** Resolves with the job id once the main class has submitted the job; rejects if it ends first. */
  readonly submitted: Promise<string>;
  /** Resolves when the JVM has exited: code 0 is a job that finished, anything else a failure or a stop. */
  readonly ended: Promise<{ readonly code: number | null; readonly signal: string | null; readonly stderr: string }>;
  /** SIGTERM: Flink's shutdown hooks cancel the job and close the MiniCluster. */
  stop(): Promise<void>;
}

/** The JVM options Flink needs on Java 17 (the runner's list, as Flink's distribution sets them). */
export function jvmOptions(): string[] {
  const file = path.join(runnerDir(), "jvm-options.txt");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * Runs a job JAR's main class as `flink run` would, on the local MiniCluster Flink starts when no cluster is
 * configured: the classpath is the Flink jars the cluster provides (the runner's, for the job's Flink line)
 * and the JAR, which brings its shaded connector and formats.
 */
export async function startJarJob(options: JarJobOptions): Promise<JarJob> {
  if (!existsSync(options.jar)) {
    throw new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${options.name}: its JAR ${options.jar} is missing`, hint: "run `streamt-sdk synth --target jar` first" });
  }
  const runner = await buildRunner(options.target, options.progress);
  const { java } = findToolchain();
  // The runner's classes carry its log4j2.xml (Flink's logs on stderr, quiet); the JAR comes first, as in a cluster's user classloader.
  const classpath = [options.jar, runner.classes, runner.classpath].join(path.delimiter);
  const child = trackChild(spawn(java, [...jvmOptions(), "-Xmx1g", ...userJvmOptions(), "-cp", classpath, options.mainClass, ...options.args, "--await"], { stdio: ["ignore", "pipe", "pipe"] }));
  let submittedJob: (id: string) => void = () => {};
  const submitted = new Promise<string>((resolve) => (submittedJob = resolve));
  const tail = stderrTail(child, 80, (line) => {
    const m = /: job ([0-9a-f]{32}) submitted$/.exec(line);
    if (m) submittedJob(m[1]!);
    options.onStderr?.(line);
  });
  // Print sinks write to stdout: each line alone (a chunk can hold several lines, or part of one).
  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on("line", (line) => options.onStderr?.(line));
  // "close", not "exit": only then have all its lines been handed on.
  const ended = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal, stderr: tail() })));
  const unregister = onShutdown(() => stop());
  void ended.then(() => unregister());
  const stop = async (): Promise<void> => {
    await stopChild(child, { signal: "SIGTERM", timeoutMs: 25_000 });
    await ended;
  };
  const firstSubmitted = Promise.race([
    submitted,
    ended.then((end) => {
      throw new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${options.name} (${path.basename(options.jar)}) ended before it was submitted (exit ${end.signal ?? end.code}):\n${end.stderr}` });
    }),
  ]);
  firstSubmitted.catch(() => {});
  return { name: options.name, submitted: firstSubmitted, ended, stop };
}

/**
 * A JarJob seen as a LocalJob, for `run --local --target jar`: its end as the runner reports one (exit 0:
 * finished; stopped: cancelled; otherwise failed, with the JVM's last stderr lines). It reports no restarts
 * and no checkpoints: the generated main prints neither.
 */
export function asLocalJob(job: JarJob): LocalJob {
  let stopping = false;
  const ended: Promise<JobEnd> = job.ended.then((e) => {
    if (e.code === 0) return { state: "finished" };
    if (stopping) return { state: "cancelled", lastCheckpoint: null };
    return { state: "failed", error: e.stderr.split("\n").filter((l) => /Exception|Error|Caused by/.test(l)).slice(-8).join("\n") || e.stderr, task: null };
  });
  return {
    name: job.name,
    events: [],
    submitted: job.submitted,
    ended,
    lastCheckpoint: () => null,
    nextCheckpoint: () => Promise.reject(new StreamtError({ code: RuntimeErrorCode.jobFailed, message: `job ${job.name}: a JAR run reports no checkpoints` })),
    onEvent: () => {},
    stop: async () => {
      stopping = true;
      await job.stop();
      return ended;
    },
    kill: async () => {
      stopping = true;
      await job.stop();
      return ended;
    },
  };
}

/**
 * Writes the Java projects of an in-memory synth into a temporary folder and builds their JARs (one Maven
 * reactor): what `run --local --target jar` runs and `apply` deploys. `remove()` deletes the folder.
 */
export async function buildLocalJars(files: readonly OutputFile[], jars: readonly JarBuild[], progress: BuildProgress, options: { logFile?: string; signal?: AbortSignal } = {}): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), `streamt-jars-${process.pid}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onExitSync(remove);
  try {
    for (const f of files.filter((f) => jars.some((j) => f.path.startsWith(`${j.projectDir}/`)))) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
    await buildJars(dir, jars, { logFile: options.logFile ?? jarBuildLog("run-local"), progress, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (e) {
    unregister();
    remove();
    throw e;
  }
  return {
    dir,
    remove: () => {
      unregister();
      remove();
    },
  };
}
