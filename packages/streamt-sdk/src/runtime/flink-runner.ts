import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { StreamtError } from "../errors.js";
import { trackChild } from "./process-registry.js";
import { findToolchain, RuntimeErrorCode, userJvmOptions } from "./toolchain.js";

/**
 * A build of packages/flink-runner: "2" (Flink 2.2), "1.20", "kafka" (the test broker), or "cluster"
 * (Flink 2.2 with the web UI and the SQL Gateway: the JVMs of `streamt-sdk dev up`).
 */
export type RunnerTarget = "2" | "1.20" | "kafka" | "cluster";

/** Maps a pipeline's Flink version line ("2.2", "1.20") to the runner target that runs it. */
export function runnerTargetFor(flinkVersion: string): "2" | "1.20" {
  if (flinkVersion === "1.20" || flinkVersion.startsWith("1.20.")) return "1.20";
  if (/^2(\.|$)/.test(flinkVersion)) return "2";
  throw new StreamtError({
    code: RuntimeErrorCode.runnerFailed,
    message: `no local Flink runner for Flink ${flinkVersion}`,
    hint: "use flinkVersion \"2.2\" or \"1.20\"",
  });
}

/**
 * The Flink runner's Maven project: $STREAMT_RUNNER_DIR if set; in this repository packages/flink-runner;
 * in an installed package its bundled copy, runner/ (see scripts/bundle-runner.mjs).
 */
export function runnerDir(): string {
  if (process.env.STREAMT_RUNNER_DIR) return process.env.STREAMT_RUNNER_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repository = path.resolve(here, "../../../flink-runner");
  return existsSync(path.join(repository, "build.sh")) ? repository : path.resolve(here, "../../runner");
}

export interface BuiltRunner {
  readonly target: RunnerTarget;
  /** The runner's own classes: a JAR, first on the classpath. */
  readonly classes: string;
  readonly classpath: string;
  /** The JVM's class archive of this target (class data sharing), when its training run made one. */
  readonly archive?: string;
}

/** Where build progress goes: one line per step (Maven's own output goes to a log file). Default: stderr. */
export type ProgressSink = (line: string) => void;

const builds = new Map<RunnerTarget, Promise<BuiltRunner>>();

/**
 * Builds (once per process; build.sh itself is a no-op when up to date) a runner target. The first use
 * downloads Flink/Kafka through Maven: `progress` gets one line per step and a count of what was
 * downloaded; Maven's whole output goes to `target-<target>/build.log`, whose path and relevant lines
 * a failure shows.
 */
export function buildRunner(target: RunnerTarget, progress: ProgressSink = (l) => process.stderr.write(`${l}\n`)): Promise<BuiltRunner> {
  let b = builds.get(target);
  if (!b) {
    b = doBuild(target, progress);
    builds.set(target, b);
    b.catch(() => builds.delete(target));
  }
  return b;
}

/** Maven's lines (build.sh runs it in batch mode); anything else on build.sh's stderr is a step of its own. */
const MAVEN_LINE = /^\[(INFO|WARNING|WARN|ERROR|DEBUG)\]|^(Downloading|Downloaded|Progress) /;
const DOWNLOADED = /Downloaded from [^:]+: \S+ \(([\d.,]+) (B|kB|KB|MB|GB)/;

/**
 * What `progress` shows of build.sh's stderr: each line of its own is a step; Maven's lines are not shown,
 * but its downloads are counted and shown before the next step (and at the end) as one line.
 *
 * @example
 * const steps = buildSteps(progress);
 * steps.line("[INFO] Downloaded from central: https://repo/flink-core.jar (2.5 MB at 3 MB/s)");
 * steps.line("compiling the runner for Flink 2.2.0..."); // progress: "  downloaded 1 artifact (3 MB)", then the step
 */
export function buildSteps(progress: ProgressSink): { line(line: string): void; end(): void } {
  let artifacts = 0;
  let megabytes = 0;
  const reportDownloads = () => {
    if (artifacts > 0) progress(`  downloaded ${artifacts} artifact${artifacts === 1 ? "" : "s"} (${megabytes.toFixed(0)} MB)`);
    artifacts = 0;
    megabytes = 0;
  };
  return {
    line(line) {
      const dl = DOWNLOADED.exec(line);
      if (dl) {
        artifacts++;
        megabytes += Number(dl[1]!.replace(",", "")) / ({ B: 1e6, kB: 1e3, KB: 1e3, MB: 1, GB: 1e-3 }[dl[2]!] ?? 1e6);
      } else if (!MAVEN_LINE.test(line) && line.trim() !== "") {
        reportDownloads();
        progress(line);
      }
    },
    end: reportDownloads,
  };
}

async function doBuild(target: RunnerTarget, progress: ProgressSink): Promise<BuiltRunner> {
  const tools = findToolchain();
  const script = path.join(runnerDir(), "build.sh");
  if (!existsSync(script)) {
    throw new StreamtError({ code: RuntimeErrorCode.runnerBuild, message: `the Flink runner is missing: ${script} not found`, hint: "reinstall streamt-sdk" });
  }
  const logDir = path.join(runnerDir(), `target-${target}`);
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, "build.log");
  const log = createWriteStream(logFile);
  const child = trackChild(spawn("bash", [script, target], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, MVN: tools.mvn, JAVA: tools.java } }));
  const lines: string[] = [];
  let stdout = "";
  const steps = buildSteps(progress);
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  createInterface({ input: child.stderr! }).on("line", (raw) => {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    log.write(`${line}\n`);
    lines.push(line);
    if (lines.length > 2000) lines.splice(0, 1000);
    steps.line(line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (c) => resolve(c));
  });
  steps.end();
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) {
    const errors = lines.filter((l) => /^\[ERROR\]/.test(l) && !/^\[ERROR\]\s*($|-> \[Help|To see the full|Re-run Maven|For more information|\[Help)/.test(l));
    const relevant = (errors.length > 0 ? errors : lines).slice(-20);
    throw new StreamtError({
      code: RuntimeErrorCode.runnerBuild,
      message: `building the Flink runner (target ${target}) failed with exit code ${code}; Maven's full log: ${logFile}\n${relevant.join("\n")}`,
      hint: "check that Maven Central is reachable (a proxy goes in ~/.m2/settings.xml), then run again",
    });
  }
  const result = JSON.parse(stdout.trim().split("\n").pop()!) as { classes: string; classpath: string; archive?: string };
  return { target, classes: result.classes, classpath: readFileSync(result.classpath, "utf8").trim(), ...(result.archive ? { archive: result.archive } : {}) };
}

/** The JVM flags every Flink JVM needs on Java 17+ (jvm-options.txt: Flink's --add-opens/--add-exports list). */
export function flinkJvmOptions(): string[] {
  return optionsFile("jvm-options.txt");
}

export function optionsFile(name: string): string[] {
  const file = path.join(runnerDir(), name);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * The JVM flags that map a target's class archive, for a JVM whose classpath starts with the runner's
 * classes and classpath. The JVM passes over an archive that does not match its version or those JARs
 * (-Xshare:auto), so a stale one only costs the time it saves.
 */
export function classArchiveOptions(runner: BuiltRunner): string[] {
  return runner.archive ? ["-Xshare:auto", `-XX:SharedArchiveFile=${runner.archive}`] : [];
}

export interface SpawnRunnerOptions {
  /** Adds jvm-options-validate.txt (fast start-up; for validate only). */
  readonly validateFlags?: boolean;
  /** Extra JVM flags, e.g. -Xmx. */
  readonly jvmArgs?: readonly string[];
  readonly cwd?: string;
}

/**
 * Spawns `io.streamt.runner.Main <args>` on a built target with Flink's Java 17 flags. stdin and
 * stdout are pipes (stdout carries JSON lines), stderr is piped for the caller to forward or drop.
 * The process is tracked: it cannot outlive this one.
 */
export function spawnRunner(runner: BuiltRunner, args: readonly string[], options: SpawnRunnerOptions = {}): ChildProcess {
  const { java } = findToolchain();
  const jvm = [
    ...optionsFile("jvm-options.txt"),
    ...(options.validateFlags ? optionsFile("jvm-options-validate.txt") : []),
    ...(options.jvmArgs ?? []),
    ...userJvmOptions(),
    // stdout is the protocol channel: the JVM's own warnings (by default on stdout) go to stderr.
    "-Xlog:disable",
    "-Xlog:all=warning:stderr",
    ...classArchiveOptions(runner),
    "-cp",
    `${runner.classes}${path.delimiter}${runner.classpath}`,
    "io.streamt.runner.Main",
    ...args,
  ];
  return trackChild(spawn(java, jvm, { stdio: ["pipe", "pipe", "pipe"], cwd: options.cwd }));
}

/** Calls `onEvent` for each JSON line on the child's stdout; non-JSON lines go to `onOther`. */
export function onJsonLines(child: ChildProcess, onEvent: (event: Record<string, unknown>) => void, onOther: (line: string) => void = () => {}): void {
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      onOther(line);
      return;
    }
    if (typeof parsed === "object" && parsed !== null) onEvent(parsed as Record<string, unknown>);
    else onOther(line);
  });
}

/** Keeps the last `n` stderr lines of a child (for error messages); optionally forwards each line. */
export function stderrTail(child: ChildProcess, n = 60, forward?: (line: string) => void): () => string {
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    lines.push(line);
    if (lines.length > n) lines.shift();
    forward?.(line);
  });
  return () => lines.join("\n");
}
