import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StreamtError } from "../errors.js";
import { buildRunner, flinkJvmOptions } from "../runtime/flink-runner.js";
import { FlinkRestClient } from "../runtime/flink-rest.js";
import { jarBuildLog } from "../runtime/jar-build.js";
import { buildLocalJars } from "../runtime/jar-run.js";
import { trackChild } from "../runtime/process-registry.js";
import { findToolchain, RuntimeErrorCode, userJvmOptions } from "../runtime/toolchain.js";
import type { JarBuild, OutputFile } from "../synth/synth.js";
import type { ResolvedEnvironment } from "./config.js";
import { findKept, keptFile } from "./kept-files.js";
import { stabilisePlan, type SessionTable, type StablePlan } from "./stable-plan.js";

/**
 * The JAR deploy mode (`deploy: "jar"` in streamt.config.ts): a pipeline's job is its Table API JAR
 * (`synth --target jar`), uploaded through the REST API and run there. Its operator ids are stable the
 * same way a SQL job's are: the JAR compiles its own plan here (`--compile-plan`, on the runner's Flink
 * classpath, no broker contacted), stable-plan.ts renames the plan's node ids from what each node is, and
 * the JAR runs that plan in the cluster (`--execute-plan-json`, over the tables its main registers: a
 * compiled plan names temporary tables only), where Flink names each operator's state by those ids. Counter-based ids would not do: the JobManager plans every submitted JAR in one JVM, whose
 * node counter only grows, so the same JAR would get other uids on its next run.
 */

/** A pipeline deployed as its JAR: its Java project, as synth --target all wrote it. */
export interface JarSource {
  readonly build: JarBuild;
  /** The project's files, paths relative to synth's output folder (under build.projectDir). */
  readonly files: readonly OutputFile[];
}

/** A JAR with the stable plan it runs. */
export interface PreparedJar {
  readonly jar: string;
  readonly mainClass: string;
  readonly plan: StablePlan;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * What identifies what a JAR runs on an environment: its project's sources (pom.xml and the Java, not its
 * README) without `//` comment lines, which name the user's file:line of each step (moving code is not a
 * change to deploy), and the Kafka settings
 * its plan is compiled with (secrets by name only). Marked as a JAR's, so switching a pipeline between SQL
 * and JAR is a change.
 */
export function jarSourceHash(env: ResolvedEnvironment, source: JarSource): string {
  const text = source.files
    .filter((f) => f.path.endsWith(".java") || f.path.endsWith("/pom.xml"))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((f) => `${f.path}\n${f.content.split("\n").filter((line) => !line.trimStart().startsWith("//")).join("\n")}`)
    .join("\n");
  return sha256(`jar\n${JSON.stringify(kafkaArgs(env))}\n${text}`);
}

/**
 * The JAR's Kafka arguments on an environment: its bootstrap servers and Kafka properties, a secret by
 * the name of the environment variable the JAR reads it from where it runs (--kafka-secret key=NAME).
 */
function kafkaArgs(env: ResolvedEnvironment): string[] {
  const properties = Object.entries(env.kafka.properties).sort(([a], [b]) => (a < b ? -1 : 1));
  return ["--bootstrap-servers", env.kafka.bootstrapServers, ...properties.flatMap(([key, value]) => (typeof value === "string" ? ["--kafka-property", `${key}=${value}`] : ["--kafka-secret", `${key}=${value.env}`]))];
}

/** The runner whose Flink jars are the classpath a cluster gives a JAR of this Flink line. */
function runnerTarget(build: JarBuild): "2" | "1.20" {
  return build.flinkVersion === "1.20" ? "1.20" : "2";
}

/**
 * Why a JAR's --compile-plan run failed: the last 8 lines of its stderr naming an exception, an error or a
 * cause, one a line; else the failure's own message.
 */
export function compileFailureReason(e: unknown): string {
  const stderr = (e as { stderr?: string }).stderr ?? "";
  return stderr.split("\n").filter((l) => /Exception|Error|Caused by/.test(l)).slice(-8).join("\n") || (e instanceof Error ? e.message : String(e));
}

/**
 * Builds a pipeline's JAR (Maven: one progress line per step, the full log in a file whose path a failure
 * names: STREAMT-R013) and has it compile its plan, which gets stable node ids; the JAR and the plan are
 * in `workDir`, which the caller removes.
 */
export async function prepareJar(env: ResolvedEnvironment, pipeline: string, source: JarSource, tables: ReadonlyMap<string, SessionTable>, workDir: string, progress: (line: string) => void): Promise<PreparedJar> {
  const built = await buildLocalJars(source.files, [source.build], progress, { logFile: jarBuildLog("deploy") });
  const jar = path.join(workDir, `${encodeURIComponent(pipeline)}.jar`);
  mkdirSync(workDir, { recursive: true });
  try {
    copyFileSync(path.join(built.dir, source.build.jar), jar);
  } finally {
    built.remove();
  }
  progress(`compiling the plan of pipeline '${pipeline}' from its JAR...`);
  const runner = await buildRunner(runnerTarget(source.build), progress);
  const planFile = path.join(workDir, `${encodeURIComponent(pipeline)}.compiled.json`);
  const classpath = [jar, runner.classes, runner.classpath].join(path.delimiter);
  try {
    const args = [...flinkJvmOptions(), "-Xmx1g", ...userJvmOptions(), "-cp", classpath, source.build.mainClass, ...kafkaArgs(env), "--compile-plan", planFile];
    await new Promise<void>((resolve, reject) => {
      trackChild(execFile(findToolchain().java, args, { timeout: 300_000, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve())));
    });
  } catch (e) {
    const why = compileFailureReason(e);
    throw new StreamtError({
      code: RuntimeErrorCode.deployJobFailed,
      message: `pipeline '${pipeline}': its JAR could not compile its plan (${source.build.mainClass} --compile-plan):\n${why}`,
      hint: "the error is Flink's planner's; a pipeline that `streamt-sdk run --local --target jar` runs compiles too, else please report it",
    });
  }
  return { jar, mainClass: source.build.mainClass, plan: stabilisePlan(readFileSync(planFile, "utf8"), tables) };
}

/** Keeps a JAR about to be applied, and its plan, in the environment's plan folder (when it has one; kept-files.ts). */
export function keepJar(planDir: string | null, environment: string, pipeline: string, prepared: PreparedJar): void {
  if (planDir === null) return;
  copyFileSync(prepared.jar, keptFile(planDir, environment, pipeline, prepared.plan.sha256, "jar"));
  writeFileSync(keptFile(planDir, environment, pipeline, prepared.plan.sha256, "plan.json"), prepared.plan.json);
}

/** A JAR apply kept (see keepJar), or null when it is not there. */
export function keptJar(planDir: string | null, environment: string, pipeline: string, planSha: string, mainClass: string): PreparedJar | null {
  if (planDir === null) return null;
  const jar = findKept(planDir, environment, pipeline, planSha, "jar");
  const plan = findKept(planDir, environment, pipeline, planSha, "plan.json");
  if (jar === null || plan === null) return null;
  const json = readFileSync(plan, "utf8");
  return { jar, mainClass, plan: { json, sha256: planSha, stateful: [] } };
}

/** Where a job starts from: a savepoint, and whether state no operator claims may be dropped. */
export type Restore = { readonly savepoint: string; readonly allowStateLoss: boolean };

/**
 * Uploads a JAR, runs its main class with its stable plan over its tables (which it registers with the
 * environment's Kafka settings; secrets from the JobManager's environment), from a savepoint if given, and
 * deletes the upload again (the job it submitted has its own copy in the cluster's blob store); returns the job's id.
 * `jobParameters` is the pipeline.global-job-parameters entry that carries the job's record.
 */
export async function runJar(env: ResolvedEnvironment, prepared: PreparedJar, jobParameters: string, restore: Restore | null): Promise<string> {
  const rest = new FlinkRestClient(env.flink.restUrl);
  const jarId = await rest.uploadJar(prepared.jar);
  try {
    return await rest.runJar(jarId, jarRunRequest(env, prepared, jobParameters, restore));
  } finally {
    await rest.deleteJar(jarId).catch(() => {});
  }
}

/** What runJar asks the REST API to run (POST /jars/:id/run): the main class, its program arguments, and the savepoint to start from. */
export function jarRunRequest(env: ResolvedEnvironment, prepared: PreparedJar, jobParameters: string, restore: Restore | null): { entryClass: string; programArgs: string[]; savepointPath?: string; allowNonRestoredState?: boolean } {
  return {
    entryClass: prepared.mainClass,
    programArgs: ["--execute-plan-json", prepared.plan.json, ...kafkaArgs(env), "--set", `pipeline.global-job-parameters=${jobParameters}`],
    ...(restore === null ? {} : { savepointPath: restore.savepoint, allowNonRestoredState: restore.allowStateLoss }),
  };
}
