import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { StreamtError } from "../errors.js";
import { manifestSchema, parseManifest } from "../synth/manifest.js";
import type { JarBuild } from "../synth/synth.js";
import { stopChild, trackChild } from "./process-registry.js";
import { findToolchain, RuntimeErrorCode } from "./toolchain.js";

/** Where build progress goes: one line per step (Maven's own output goes to the log file). */
export type BuildProgress = (line: string) => void;

export interface BuiltJar {
  readonly pipeline: string;
  /** Relative to the output folder. */
  readonly jar: string;
  readonly sha256: string;
  readonly bytes: number;
}

const BUILD_DIR = ".streamt-build";

/**
 * The log of the last JAR build of an output folder (or of what deploy and run build, named relative to
 * the working folder): outside it, so a failed build's log outlives the folder it built in. The name holds
 * a short hash of the folder's absolute path, so two projects whose output folders share a name (both
 * `dist`, both deploying) can build at once on one machine without writing into one log.
 */
export function jarBuildLog(outDir: string): string {
  const absolute = path.resolve(outDir);
  const pathHash = createHash("sha256").update(absolute).digest("hex").slice(0, 8);
  return path.join(tmpdir(), "streamt-sdk", `${path.basename(absolute)}-${pathHash}-jar-build.log`);
}

/**
 * MAVEN_OPTS of the JAR builds: the JIT's first tier and the serial collector, then the user's own (which
 * win). A build is a short JVM run that C2's compiles and G1's threads only slow down: measured on 2 cores
 * (a one-JAR build, 3 pairs), 4.4-5.0 s instead of 5.8-6.5 s of wall time, 5.0-5.6 s of CPU instead of 8.9-10.1 s.
 */
export function mavenOpts(env: NodeJS.ProcessEnv = process.env): string {
  return ["-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", env.MAVEN_OPTS?.trim() ?? ""].filter((o) => o !== "").join(" ");
}

/**
 * Builds every project's JAR with one Maven invocation (a reactor over an aggregator pom written for the
 * build and removed after it), in `outFolder` (synth's temporary folder, before it replaces the output
 * folder), and returns each JAR with its sha256 (recordJars adds them to the manifest). Maven's output goes to
 * `logFile`; a failure is STREAMT-R013 with the log's path and its ERROR lines. Java or Maven missing:
 * STREAMT-R001 / R003 before anything runs. Aborted by `signal`: Maven is stopped, and the build
 * rejects with the signal's reason once Maven has exited.
 */
export async function buildJars(outFolder: string, jars: readonly JarBuild[], options: { logFile: string; progress: BuildProgress; signal?: AbortSignal }): Promise<BuiltJar[]> {
  if (jars.length === 0) return [];
  const tools = findToolchain();
  const buildDir = path.join(outFolder, BUILD_DIR);
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(path.join(buildDir, "pom.xml"), aggregatorPom(jars.map((j) => `../${j.projectDir}`)));
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const args = ["-B", "-Dstyle.color=never", "-f", path.join(buildDir, "pom.xml"), "package"];
  if (process.env.STREAMT_M2_REPO) args.push(`-Dmaven.repo.local=${process.env.STREAMT_M2_REPO}`);
  options.progress(`building ${jars.length} JAR${jars.length === 1 ? "" : "s"} with Maven (log: ${options.logFile})...`);
  const started = Date.now();
  const child = trackChild(spawn(tools.mvn, args, { stdio: ["ignore", "pipe", "pipe"], cwd: outFolder, env: { ...process.env, MAVEN_OPTS: mavenOpts() } }));
  const lines: string[] = [];
  const step = jarBuildSteps(jars, options.progress);
  const onLine = (raw: string) => {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    log.write(`${line}\n`);
    lines.push(line);
    if (lines.length > 4000) lines.splice(0, 2000);
    step(line);
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const stop = () => void stopChild(child, { timeoutMs: 5_000 });
  options.signal?.addEventListener("abort", stop, { once: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (c) => resolve(c));
  }).finally(() => options.signal?.removeEventListener("abort", stop));
  await new Promise<void>((resolve) => log.end(resolve));
  rmSync(buildDir, { recursive: true, force: true });
  options.signal?.throwIfAborted();
  if (code !== 0) {
    throw new StreamtError({
      code: RuntimeErrorCode.jarBuild,
      message: `Maven could not build the JARs (exit code ${code}); nothing was replaced. Maven's full log: ${options.logFile}\n${relevantMavenLines(lines).join("\n")}`,
      hint: "a compile error in a generated job is a bug in streamt-sdk (please report it with the log); a download failure: check that Maven Central is reachable (a proxy goes in ~/.m2/settings.xml)",
    });
  }
  const built = jars.map((j) => {
    const file = path.join(outFolder, j.jar);
    if (!existsSync(file)) throw new StreamtError({ code: RuntimeErrorCode.jarBuild, message: `Maven succeeded but wrote no ${j.jar}; Maven's full log: ${options.logFile}` });
    return { pipeline: j.pipeline, jar: j.jar, sha256: createHash("sha256").update(readFileSync(file)).digest("hex"), bytes: statSync(file).size };
  });
  options.progress(`built ${built.length} JAR${built.length === 1 ? "" : "s"} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${built.map((b) => `${b.jar} (${(b.bytes / 1e6).toFixed(1)} MB)`).join(", ")}`);
  return built;
}

/**
 * What `progress` shows of Maven's output while it builds the JARs: one line per pipeline's project as Maven
 * starts it, with how many artifacts it has downloaded so far when that grew.
 *
 * @example
 * const step = jarBuildSteps(jars, progress);
 * step("[INFO] Building hourly-revenue 0.1.0   [2/3]"); // progress: "  building hourly-revenue.jar (2/2)"
 */
export function jarBuildSteps(jars: readonly Pick<JarBuild, "pipeline">[], progress: BuildProgress): (line: string) => void {
  const names = new Set(jars.map((j) => j.pipeline));
  let downloads = 0;
  let shownDownloads = 0;
  return (line) => {
    if (/^(\[INFO\] )?Downloaded from /.test(line)) downloads++;
    // "[INFO] Building hourly-revenue 0.1.0   [2/11]": one step per project.
    const m = /^\[INFO\] Building (\S+) \S+\s+\[(\d+)\/(\d+)\]/.exec(line);
    if (m && names.has(m[1]!)) {
      const fetched = downloads > shownDownloads ? `; ${downloads} artifacts downloaded so far` : "";
      shownDownloads = downloads;
      progress(`  building ${m[1]}.jar (${m[2]}/${jars.length})${fetched}`);
    }
  };
}

/** Maven's ERROR lines without its boilerplate (or, with none, the log's last lines): at most 20. */
export function relevantMavenLines(lines: readonly string[]): string[] {
  const errors = lines.filter((l) => /^\[ERROR\]/.test(l) && !/^\[ERROR\]\s*($|-> \[Help|To see the full|Re-run Maven|For more information|\[Help)/.test(l));
  return (errors.length > 0 ? errors : lines).slice(-20);
}

/** Adds each JAR, with its sha256, to the manifest.json synth wrote into the folder. */
export function recordJars(outFolder: string, jars: readonly JarBuild[], built: readonly BuiltJar[]): void {
  const file = path.join(outFolder, "manifest.json");
  const manifest = parseManifest(readFileSync(file, "utf8"), "manifest.json");
  const artifacts = [
    ...manifest.artifacts,
    ...jars.map((j, i) => ({
      id: `jar:${j.pipeline}`,
      type: "jar" as const,
      pipeline: j.pipeline,
      flinkVersion: j.flinkVersion,
      mainClass: j.mainClass,
      files: [{ path: j.jar, sha256: built[i]!.sha256 }],
      dependsOn: [`java:${j.pipeline}`],
    })),
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  // A new file, never a write through: the folder's manifest may be a hard link to the previous output's.
  rmSync(file);
  writeFileSync(file, JSON.stringify(manifestSchema.parse({ ...manifest, artifacts }), null, 2) + "\n");
}

/** A reactor pom over the projects (relative paths from the build folder). */
export function aggregatorPom(modules: readonly string[]): string {
  const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.streamt.generated</groupId>
  <artifactId>streamt-build</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <modules>
${modules.map((m) => `    <module>${xml(m)}</module>`).join("\n")}
  </modules>
</project>
`;
}
