import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { quoteString } from "../emit-sql/sql-text.js";
import { StreamtError } from "../errors.js";
import { FlinkRestClient, FlinkRestError, flinkRestCall, rootCause } from "../runtime/flink-rest.js";
import { maskSecrets, resolveSecrets } from "../runtime/secrets.js";
import { scriptStatements, SqlGatewayClient } from "../runtime/sql-gateway.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import type { TopicEntry } from "../synth/topics.js";
import type { ResolvedEnvironment } from "./config.js";
import { compareWithSavepoint, latestSavepoint, readSavepoint, type SavepointContents, type StatefulOperatorChange } from "./savepoint-state.js";
import type { CheckpointInfo } from "./status.js";
import { compareOperators, stabilisePlan, type PlanOperator, type SessionTable, type StablePlan } from "./stable-plan.js";
import { withEnvironmentProperties } from "./kafka-properties.js";
import { applyTopics, deleteTopics, planTopics, type TopicChange } from "./topic-plan.js";
import { findKept, keptFile, pruneKept } from "./kept-files.js";
import { jarSourceHash, keepJar, keptJar, prepareJar, runJar, type JarSource, type PreparedJar, type Restore } from "./jar-deploy.js";

/**
 * `plan`, `apply` and `destroy` of SQL pipelines on an environment (docs/deploy.md). A pipeline's job
 * runs its compiled plan with stable operator ids (stable-plan.ts), submitted through the SQL Gateway in
 * a session of its own, named by the pipeline; the job carries a record of what was applied (script
 * hash, plan hash, stateful operators) in its configuration, which the next plan reads back through the
 * REST API.
 */

/** A synthesised pipeline as deploy takes it. */
export interface DeployablePipeline {
  readonly name: string;
  /** The SQL script synth wrote (secrets as '${env:NAME}' placeholders). */
  readonly script: string;
  /** Its statement map (manifest.json). */
  readonly statements: readonly { readonly line: number; readonly kind: string; readonly path: string }[];
  /** Set when the pipeline is deployed as its Table API JAR (streamt.config.ts: deploy: "jar"; jar-deploy.ts). */
  readonly jar?: JarSource;
}

export interface DeployInput {
  readonly env: ResolvedEnvironment;
  /** Names this project's jobs (a job another project applied is never stopped). */
  readonly project: string;
  readonly pipelines: readonly DeployablePipeline[];
  readonly topics: readonly TopicEntry[];
  /** The environment's Kafka properties with secrets filled in, for the admin client (the jobs get them as placeholders: deployedScript). */
  readonly kafkaProperties: Readonly<Record<string, string>>;
  /** Progress of long steps (building a JAR): one line each. */
  readonly progress?: (line: string) => void;
}

/** What a job carries about its deployment (pipeline.global-job-parameters, key streamt.deploy). */
export interface JobRecord {
  readonly project: string;
  readonly pipeline: string;
  /** scriptHash of the synthesised script (with its placeholders, never secrets). */
  readonly script: string;
  /** sha256 of the compiled plan executed. */
  readonly plan: string;
  readonly stateful: readonly PlanOperator[];
  /** A job deployed as a JAR: its main class (the JAR and plan are kept in flink.planDir for a rollback). */
  readonly jar?: { readonly mainClass: string };
}

const RECORD_KEY = "streamt.deploy";

/** The pipeline.global-job-parameters entry that carries a job's record. */
function recordParameter(record: JobRecord): string {
  return `${RECORD_KEY}:${Buffer.from(JSON.stringify(record)).toString("base64url")}`;
}

export interface JobChange {
  readonly pipeline: string;
  /** start: no job runs; upgrade: its script changed; unchanged; stop: the pipeline is gone from the project. */
  readonly action: "start" | "upgrade" | "unchanged" | "stop";
  /** The job running now, if any. */
  readonly jobId: string | null;
  /** For an upgrade: each stateful operator's fate, and what it was compared with. */
  readonly state: UpgradeState | null;
  /** Why the change loses state (apply then needs --allow-state-loss), else null. */
  readonly stateLoss: string | null;
}

export interface UpgradeState {
  /** What the fates come from: the job's latest savepoint, or the record apply left on the job (and why not the savepoint). */
  readonly comparedWith: string;
  /** The savepoint compared with, or null. */
  readonly savepoint: string | null;
  readonly operators: readonly StatefulOperatorChange[];
}

export interface DeployPlan {
  readonly environment: string;
  readonly topics: readonly TopicChange[];
  readonly jobs: readonly JobChange[];
}

const ENDED = new Set(["FINISHED", "CANCELED", "FAILED"]);

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * What identifies a script's meaning: its text without comment lines, which name the user's file:line of
 * each step (moving code, or renaming a module, is not a change to deploy).
 */
export function scriptHash(script: string): string {
  return sha256(script.split("\n").filter((line) => !line.trimStart().startsWith("--")).join("\n"));
}

function unreachable(env: ResolvedEnvironment, what: "REST API" | "SQL Gateway", url: string, e: unknown): StreamtError {
  const cause = e instanceof FlinkRestError ? e.message : e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
  return new StreamtError({
    code: RuntimeErrorCode.clusterUnreachable,
    message: `the Flink ${what} of environment '${env.name}' (${url}) did not answer: ${cause}`,
    hint: env.name === "dev" ? "start the local cluster with `streamt-sdk dev up`" : `check flink.${what === "REST API" ? "restUrl" : "sqlGatewayUrl"} of '${env.name}' in streamt.config.ts and that this machine reaches it`,
  });
}

/** A job's record, or null for a job streamt did not apply. */
async function recordOf(env: ResolvedEnvironment, jobId: string): Promise<JobRecord | null> {
  const config = (await flinkRestCall(env.flink.restUrl, "GET", `/jobs/${jobId}/config`)) as { "execution-config"?: { "user-config"?: Record<string, string> } };
  const encoded = config["execution-config"]?.["user-config"]?.[RECORD_KEY];
  if (encoded === undefined) return null;
  try {
    return JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as JobRecord;
  } catch {
    return null;
  }
}

export interface LiveJob {
  readonly id: string;
  readonly name: string;
  readonly record: JobRecord | null;
}

/** The jobs of a job list that have not ended (FINISHED, CANCELED, FAILED), in its order. */
export function notEnded<J extends { readonly state: string }>(jobs: readonly J[]): J[] {
  return jobs.filter((j) => !ENDED.has(j.state));
}

/** The jobs that run (not ended) on the environment's cluster, newest first, with their records. */
async function liveJobs(env: ResolvedEnvironment): Promise<LiveJob[]> {
  const rest = new FlinkRestClient(env.flink.restUrl);
  let jobs;
  try {
    jobs = await rest.jobs();
  } catch (e) {
    throw unreachable(env, "REST API", env.flink.restUrl, e);
  }
  const running = notEnded(jobs);
  return Promise.all(running.map(async (j) => ({ id: j.id, name: j.name, record: await recordOf(env, j.id) })));
}

/** The gateway of an environment, or an error saying it is needed. */
export function gatewayOf(env: ResolvedEnvironment): { gateway: SqlGatewayClient; planDir: string } {
  if (env.flink.sqlGatewayUrl === null || env.flink.planDir === null) {
    throw new StreamtError({
      code: RuntimeErrorCode.deployRefused,
      message: `environment '${env.name}' has no ${env.flink.sqlGatewayUrl === null ? "flink.sqlGatewayUrl" : "flink.planDir"}, which pipelines deployed as "sql" need`,
      hint: "add flink.sqlGatewayUrl (the SQL Gateway's REST endpoint) and flink.planDir (a folder this machine and the gateway share) to the environment in streamt.config.ts",
    });
  }
  return { gateway: new SqlGatewayClient(env.flink.sqlGatewayUrl), planDir: env.flink.planDir };
}

/** A pipeline's script cut into the statements the gateway runs: setup (SET, CREATE) and the INSERT or statement set. */
export function statementsOf(p: DeployablePipeline, script: string): { setup: string[]; insert: string } {
  const all = scriptStatements(script, p.statements);
  return { setup: all.slice(0, -1), insert: all.at(-1)!.replace(/^EXECUTE\s+/i, "") };
}

/** Each table the script creates, by name: its DDL (with placeholders: a secret never reaches a key) and its step. */
export function sessionTables(p: DeployablePipeline): Map<string, SessionTable> {
  const tables = new Map<string, SessionTable>();
  scriptStatements(p.script, p.statements).forEach((text, i) => {
    const name = /^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+`((?:[^`]|``)+)`/im.exec(text)?.[1];
    if (name !== undefined) tables.set(name.replace(/``/g, "`"), { ddl: text, step: p.statements[i]!.path });
  });
  return tables;
}

/**
 * The script a pipeline runs as on an environment: with the environment's Kafka properties on each Kafka
 * table (kafka-properties.ts), secrets still as placeholders. Its hash is what the job's record holds, so
 * a changed property is an upgrade (operator ids come from the pipeline's own tables: all kept).
 */
function deployedScript(env: ResolvedEnvironment, p: DeployablePipeline): string {
  return withEnvironmentProperties(p.script, env.kafka.properties);
}

/** Opens a session named by the pipeline and runs its setup statements (secrets resolved in memory only). */
export async function openPipelineSession(env: ResolvedEnvironment, gateway: SqlGatewayClient, p: DeployablePipeline): Promise<{ session: string; insert: string; secrets: readonly string[] }> {
  const resolved = resolveSecrets(deployedScript(env, p), p.name);
  let session: string;
  try {
    session = await gateway.openSession(`streamt-${p.name}`);
  } catch (e) {
    throw unreachable(env, "SQL Gateway", gateway.url, e);
  }
  const { setup, insert } = statementsOf(p, resolved.script);
  try {
    for (const statement of setup) await gateway.execute(session, statement);
  } catch (e) {
    await gateway.closeSession(session).catch(() => {});
    throw new StreamtError({ code: RuntimeErrorCode.deployJobFailed, message: `pipeline '${p.name}': the SQL Gateway refused a statement: ${maskSecrets(e instanceof Error ? e.message : String(e), resolved.secrets)}`, hint: "run `streamt-sdk validate` on the synthesised script; the gateway may run another Flink version than the script targets" });
  }
  return { session, insert, secrets: resolved.secrets };
}

/** Compiles a pipeline's plan in the gateway (COMPILE PLAN into the plan folder) and gives it stable operator ids. */
async function compilePipeline(env: ResolvedEnvironment, p: DeployablePipeline): Promise<StablePlan> {
  const { gateway, planDir } = gatewayOf(env);
  mkdirSync(planDir, { recursive: true });
  const { session, insert, secrets } = await openPipelineSession(env, gateway, p);
  const file = path.join(planDir, `.compile-${randomUUID()}.json`);
  try {
    await gateway.execute(session, `COMPILE PLAN ${quoteString(file)} FOR ${insert}`);
    return stabilisePlan(readFileSync(file, "utf8"), sessionTables(p));
  } catch (e) {
    throw new StreamtError({ code: RuntimeErrorCode.deployJobFailed, message: `pipeline '${p.name}': compiling its plan in the SQL Gateway failed: ${maskSecrets(e instanceof Error ? e.message : String(e), secrets)}`, hint: `flink.planDir (${planDir}) must be a folder the SQL Gateway reads and writes at the same path` });
  } finally {
    rmSync(file, { force: true });
    await gateway.closeSession(session).catch(() => {});
  }
}

/**
 * The files apply keeps per applied plan (kept-files.ts): the plan the gateway executes, and the pipeline's
 * script and statement map its session needs (to start it again after a failed upgrade). No secret is in either.
 */
function planFiles(planDir: string, env: ResolvedEnvironment, pipeline: string, planSha: string): { plan: string; pipeline: string } {
  return { plan: keptFile(planDir, env.name, pipeline, planSha, "plan.json"), pipeline: keptFile(planDir, env.name, pipeline, planSha, "pipeline.json") };
}

/**
 * After a job of the pipeline runs a plan: its kept files of every other plan are removed, but those of
 * `previous` (the plan it replaced, for the next rollback). When the previous plan is not known (its job's
 * record could not be read), nothing is removed. Apply's own files, never the user's: not reported.
 */
export function pruneAfterApply(env: ResolvedEnvironment, pipeline: string, running: string, previous: string | null | undefined): void {
  if (env.flink.planDir === null || previous === undefined) return;
  pruneKept(env.flink.planDir, env.name, pipeline, previous === null ? [running] : [running, previous]);
}

// ---- plan ---------------------------------------------------------------------------------------

interface Survey {
  readonly plan: DeployPlan;
  /** The compiled plan of each pipeline to start or upgrade. */
  readonly compiled: ReadonlyMap<string, StablePlan>;
  readonly live: ReadonlyMap<string, LiveJob>;
  /** The built JAR of each JAR pipeline to start or upgrade. */
  readonly jars: ReadonlyMap<string, PreparedJar>;
}

/**
 * What an upgrade does to the running job's state: compared with the job's latest savepoint when this
 * machine can read it (the operators it holds state for, by uid: savepoint-state.ts); else with the
 * stateful operators recorded on the job when it was applied (apply takes a savepoint before upgrading,
 * and it holds theirs).
 */
async function compareState(env: ResolvedEnvironment, job: LiveJob, plan: StablePlan): Promise<UpgradeState> {
  const latest = await latestSavepoint(env.flink.restUrl, job.id).catch(() => null);
  const contents = latest?.path ? await readSavepoint(latest.path) : null;
  return upgradeState(job, plan, latest, contents);
}

/**
 * compareState once the job's latest savepoint (null: none, or the REST API did not say) and, when it has a
 * path, what reading it here gave are known.
 */
export function upgradeState(job: LiveJob, plan: StablePlan, latest: CheckpointInfo | null, contents: SavepointContents | { readonly unreadable: string } | null): UpgradeState {
  if (latest?.path && contents !== null && !("unreadable" in contents)) {
    const planIds = new Set((JSON.parse(plan.json) as { nodes: { id: number }[] }).nodes.map((n) => n.id));
    return {
      comparedWith: `savepoint ${latest.path} of running job ${job.id}, taken ${latest.completedAt}: the operators it holds state for`,
      savepoint: latest.path,
      operators: compareWithSavepoint(contents, job.record?.stateful ?? [], plan.stateful, planIds),
    };
  }
  const why = latest?.path ? `its latest savepoint ${latest.path} ${(contents as { unreadable: string }).unreadable}` : "it has no savepoint yet (apply takes one before upgrading)";
  if (job.record === null) {
    return { comparedWith: `nothing: job ${job.id} was not started by streamt-sdk apply, so its operator ids are unknown, and ${why}`, savepoint: null, operators: compareOperators([], plan.stateful).map((o) => ({ ...o, savepointState: null })) };
  }
  return {
    comparedWith: `the stateful operators recorded on running job ${job.id} when it was applied: ${why}`,
    savepoint: null,
    operators: compareOperators(job.record.stateful, plan.stateful).map((o) => ({ ...o, savepointState: null })),
  };
}

/**
 * Whether a pipeline's job runs what apply would run now, by the hash its record holds: a SQL pipeline's
 * script on this environment, a JAR pipeline's sources (jarSourceHash). A JAR pipeline whose job still runs
 * its script (applied as "sql") is not: switching between the two is an upgrade.
 */
export function runsAsApplied(env: ResolvedEnvironment, p: DeployablePipeline, job: LiveJob | null): boolean {
  if (p.jar) return job?.record?.script === jarSourceHash(env, p.jar);
  return job !== null && job.record !== null && job.record.script === scriptHash(deployedScript(env, p));
}

/** What an upgrade of `job` would lose (its plan's stateLoss): state that cannot be compared, or the operators whose state would be dropped; null: none. */
export function upgradeStateLoss(job: LiveJob, state: UpgradeState): string | null {
  const dropped = state.operators.filter((o) => o.fate === "dropped");
  return state.savepoint === null && job.record === null
    ? `the state of job ${job.id} cannot be compared (it carries no streamt-sdk record and has no savepoint readable here)`
    : dropped.length === 0
      ? null
      : `the state of ${dropped.length} operator${dropped.length === 1 ? "" : "s"} would be dropped: ${dropped.map((o) => (o.step ? `${o.step} (${o.description})` : o.description)).join("; ")}`;
}

/** `workDir`: where JARs are built and their plans compiled (the caller removes it). */
async function survey(input: DeployInput, workDir: string): Promise<Survey> {
  const { env } = input;
  const live = await liveJobs(env);
  const topics = await planTopics(env, input.kafkaProperties, input.topics);
  const byName = new Map<string, LiveJob>();
  for (const j of live) if (!byName.has(j.name)) byName.set(j.name, j);
  const compiled = new Map<string, StablePlan>();
  const jars = new Map<string, PreparedJar>();
  const jobs: JobChange[] = [];
  for (const p of [...input.pipelines].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const job = byName.get(p.name) ?? null;
    if (runsAsApplied(env, p, job)) {
      jobs.push({ pipeline: p.name, action: "unchanged", jobId: job!.id, state: null, stateLoss: null });
      continue;
    }
    const jar = p.jar ? await prepareJar(env, p.name, p.jar, sessionTables(p), workDir, input.progress ?? (() => {})) : null;
    if (jar !== null) jars.set(p.name, jar);
    const plan = jar?.plan ?? (await compilePipeline(env, p));
    compiled.set(p.name, plan);
    if (job === null) {
      jobs.push({ pipeline: p.name, action: "start", jobId: null, state: null, stateLoss: null });
      continue;
    }
    const state = await compareState(env, job, plan);
    jobs.push({ pipeline: p.name, action: "upgrade", jobId: job.id, state, stateLoss: upgradeStateLoss(job, state) });
  }
  const names = new Set(input.pipelines.map((p) => p.name));
  for (const j of live) {
    if (j.record !== null && j.record.project === input.project && !names.has(j.record.pipeline) && byName.get(j.name) === j) {
      jobs.push({ pipeline: j.record.pipeline, action: "stop", jobId: j.id, state: null, stateLoss: null });
    }
  }
  return { plan: { environment: env.name, topics, jobs }, compiled, live: byName, jars };
}

/** `plan --env`: what apply would change. Writes nothing (the gateway compiles each changed pipeline's plan into a file it deletes). */
export async function planDeploy(input: DeployInput): Promise<DeployPlan> {
  return withWorkDir(async (workDir) => (await survey(input, workDir)).plan);
}

/** Runs `work` with a scratch folder for JAR builds, removed after it. */
export async function withWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), "streamt-sdk", `deploy-${process.pid}-${randomUUID()}`);
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plan as text: one line per change, the fate of each stateful operator under an upgrade. */
export function formatPlan(plan: DeployPlan): string {
  const lines: string[] = [`plan for environment '${plan.environment}':`];
  const topics = plan.topics.filter((t) => t.action !== "unchanged");
  const jobs = plan.jobs.filter((j) => j.action !== "unchanged");
  if (topics.length === 0 && jobs.length === 0) return `${lines[0]} no changes (${plan.topics.length} topic${plan.topics.length === 1 ? "" : "s"} and ${plan.jobs.length} job${plan.jobs.length === 1 ? "" : "s"} as applied)\n`;
  for (const t of topics) {
    const detail =
      t.action === "create"
        ? `${t.partitions.wanted ?? 1} partition${(t.partitions.wanted ?? 1) === 1 ? "" : "s"}, ${t.config.map((c) => `${c.name}=${c.wanted}`).join(", ")}`
        : t.action === "conflict"
          ? t.reason!
          : [...(t.partitions.wanted !== null && t.partitions.live !== null && t.partitions.wanted > t.partitions.live ? [`partitions ${t.partitions.live} -> ${t.partitions.wanted}`] : []), ...t.config.map((c) => `${c.name} ${c.live ?? "(default)"} -> ${c.wanted}`)].join(", ");
    lines.push(`  topic ${t.topic}: ${t.action} (${detail})`);
  }
  for (const j of jobs) {
    lines.push(`  job ${j.pipeline}: ${j.action}${j.jobId ? ` (running job ${j.jobId})` : ""}`);
    if (j.state) {
      lines.push(`    state compared with ${j.state.comparedWith}:`);
      for (const o of j.state.operators) lines.push(`      ${o.fate.padEnd(7)} ${o.step ? `${o.step}: ` : ""}${o.description}${o.savepointState ? ` [${o.savepointState.bytes} bytes in the savepoint${o.savepointState.names.length > 0 ? `: ${o.savepointState.names.join(", ")}` : ""}]` : ""}`);
    }
    if (j.stateLoss) lines.push(`    state loss: ${j.stateLoss}; apply needs --allow-state-loss`);
  }
  return lines.join("\n") + "\n";
}

// ---- apply --------------------------------------------------------------------------------------

export interface ApplyOptions {
  readonly allowStateLoss: boolean;
  /** Each thing done, as it is done (the report of exactly what was done, also when a later step fails). */
  readonly done: (line: string) => void;
}

/**
 * Waits until a submitted job and all its tasks run; a job that fails, restarts or ends instead is an
 * error with Flink's root cause (the job is cancelled if it is still there).
 */
export async function awaitRunning(env: ResolvedEnvironment, jobId: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await flinkRestCall(env.flink.restUrl, "GET", `/jobs/${jobId}`).catch(() => null)) as { state?: string; vertices?: { status: string }[] } | null;
    if (job?.state === "RUNNING" && (job.vertices ?? []).every((v) => v.status === "RUNNING")) return;
    if (job?.state !== undefined && (ENDED.has(job.state) || job.state === "RESTARTING" || job.state === "FAILING")) {
      const exceptions = (await flinkRestCall(env.flink.restUrl, "GET", `/jobs/${jobId}/exceptions?maxExceptions=1`).catch(() => ({}))) as { exceptionHistory?: { entries?: { stacktrace?: string; exceptionName?: string }[] } };
      const entry = exceptions.exceptionHistory?.entries?.[0];
      if (!ENDED.has(job.state)) await new FlinkRestClient(env.flink.restUrl).cancel(jobId).catch(() => {});
      throw new FlinkRestError(`job ${jobId} ${job.state === "RESTARTING" || job.state === "FAILING" ? "failed and was cancelled" : `is ${job.state}`}: ${entry?.stacktrace ? rootCause(entry.stacktrace) : (entry?.exceptionName ?? "Flink reported no cause")}`);
    }
    if (Date.now() > deadline) {
      await new FlinkRestClient(env.flink.restUrl).cancel(jobId).catch(() => {});
      throw new FlinkRestError(`job ${jobId} did not reach RUNNING within ${timeoutMs / 1000} s and was cancelled`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The statements that make a session's next job start from a savepoint (its unclaimed state dropped only when allowed). */
export function restoreStatements(restore: Restore): string[] {
  return [`SET 'execution.state-recovery.path' = ${quoteString(restore.savepoint)}`, `SET 'execution.state-recovery.ignore-unclaimed-state' = '${restore.allowStateLoss}'`];
}

/** The job an EXECUTE PLAN started; a statement that started none is an error. */
export function startedJob({ jobId }: { readonly jobId: string | null }): string {
  if (jobId === null) throw new FlinkRestError("the SQL Gateway started no job");
  return jobId;
}

/** Runs a compiled plan as the pipeline's job (from a savepoint if given) and waits until it runs; returns its id. */
async function executePlan(env: ResolvedEnvironment, p: DeployablePipeline, planFile: string, record: JobRecord, restore: Restore | null): Promise<string> {
  const { gateway } = gatewayOf(env);
  const { session, secrets } = await openPipelineSession(env, gateway, p);
  try {
    await gateway.execute(session, `SET 'pipeline.global-job-parameters' = ${quoteString(recordParameter(record))}`);
    for (const statement of restore === null ? [] : restoreStatements(restore)) await gateway.execute(session, statement);
    const jobId = startedJob(await gateway.execute(session, `EXECUTE PLAN ${quoteString(planFile)}`));
    await awaitRunning(env, jobId);
    return jobId;
  } catch (e) {
    throw new FlinkRestError(maskSecrets(e instanceof Error ? e.message : String(e), secrets));
  } finally {
    await gateway.closeSession(session).catch(() => {});
  }
}

/**
 * How apply runs a JAR pipeline: its record names the JAR's project (not the script) and main class; the
 * JAR and its plan are kept in the plan folder first, for a rollback.
 */
function jarRun(env: ResolvedEnvironment, p: DeployablePipeline, jar: PreparedJar, sqlRecord: JobRecord): (restore: Restore | null) => Promise<string> {
  const record: JobRecord = { ...sqlRecord, script: jarSourceHash(env, p.jar!), jar: { mainClass: jar.mainClass } };
  keepJar(env.flink.planDir, env.name, p.name, jar);
  return (restore) => executeJar(env, jar, record, restore);
}

/** Runs a JAR pipeline's job with its stable plan (from a savepoint if given) and waits until it runs; returns its id. */
async function executeJar(env: ResolvedEnvironment, jar: PreparedJar, record: JobRecord, restore: Restore | null): Promise<string> {
  const jobId = await runJar(env, jar, recordParameter(record), restore);
  await awaitRunning(env, jobId);
  return jobId;
}

/** The folder a pipeline's savepoints go to: its own, in the environment's flink.savepointDir. */
export function savepointTarget(env: ResolvedEnvironment, pipeline: string): string {
  return `${env.flink.savepointDir.replace(/\/$/, "")}/${encodeURIComponent(pipeline)}`;
}

/**
 * Stops a job with a savepoint; a retry of the same stop (same job, reason and folder) reuses its trigger
 * id, so a request sent twice is one savepoint. The JobManager keeps a failed operation's result under its
 * id for minutes: after a failure, the next attempt gets an id of its own.
 */
export async function stopWithSavepoint(env: ResolvedEnvironment, pipeline: string, jobId: string, reason: string): Promise<string> {
  const target = savepointTarget(env, pipeline);
  let triggerId = sha256(`${jobId}\n${reason}\n${target}`).slice(0, 32);
  const earlier = (await flinkRestCall(env.flink.restUrl, "GET", `/jobs/${jobId}/savepoints/${triggerId}`).catch(() => null)) as { operation?: { "failure-cause"?: unknown } } | null;
  if (earlier?.operation?.["failure-cause"] !== undefined) triggerId = sha256(`${triggerId}\n${Date.now()}`).slice(0, 32);
  try {
    return await new FlinkRestClient(env.flink.restUrl).stopWithSavepoint(jobId, target, { triggerId, timeoutMs: 300_000 });
  } catch (e) {
    const running = (await new FlinkRestClient(env.flink.restUrl).jobs().catch(() => [])).find((j) => j.id === jobId)?.state ?? "unknown";
    const cause = (e instanceof Error ? e.message : String(e)).replace(`stop-with-savepoint of job ${jobId} failed: `, "");
    throw new StreamtError({
      code: RuntimeErrorCode.savepointFailed,
      message: `pipeline '${pipeline}': stop-with-savepoint of job ${jobId} into ${target} failed: ${cause}; the job is ${running}`,
      hint: "check that the JobManager and TaskManagers can write flink.savepointDir, and the job's checkpoints in the Flink web UI (a failing checkpoint fails the savepoint too); nothing of this pipeline was changed",
    });
  }
}

/** Why apply refuses a plan as a whole (a topic conflict; state loss without allowStateLoss), or null: it may be applied. */
export function applyRefusal(plan: DeployPlan, options: { readonly allowStateLoss: boolean }): StreamtError | null {
  const conflicts = plan.topics.filter((t) => t.action === "conflict");
  if (conflicts.length > 0) {
    return new StreamtError({ code: RuntimeErrorCode.deployRefused, message: `nothing was applied: ${conflicts.map((t) => `topic ${t.topic}: ${t.reason}`).join("; ")}`, hint: "change the pipeline's declared partitions, or change the topic by hand first" });
  }
  const losing = plan.jobs.filter((j) => j.stateLoss !== null);
  if (losing.length > 0 && !options.allowStateLoss) {
    return new StreamtError({
      code: RuntimeErrorCode.stateLoss,
      message: `nothing was applied: ${losing.map((j) => `pipeline '${j.pipeline}': ${j.stateLoss}`).join("; ")}`,
      hint: "run `streamt-sdk plan` to see each operator's fate; keep the stateful steps as they are, or apply with --allow-state-loss to start those operators empty",
    });
  }
  return null;
}

/** Whether applying a plan needs the SQL Gateway: a pipeline to start or upgrade that is not deployed as its JAR (`jars`: those that are). */
export function needsGateway(plan: DeployPlan, jars: { has(pipeline: string): boolean }): boolean {
  return plan.jobs.some((j) => (j.action === "start" || j.action === "upgrade") && !jars.has(j.pipeline));
}

/** What apply reports when an upgraded job runs: its id, the savepoint it started from, and how many operators' state it dropped. */
export function upgradeDone(jobId: string, pipeline: string, savepoint: string, dropped: number): string {
  return `started job ${jobId} of pipeline '${pipeline}' from savepoint ${savepoint}${dropped > 0 ? ` (state of ${dropped} operator${dropped === 1 ? "" : "s"} dropped, --allow-state-loss)` : ""}`;
}

/**
 * `apply --env`: the plan, refused as a whole if it cannot be applied safely (topic conflicts; state loss
 * without allowStateLoss); else topics first, then each job: start, upgrade (stop with a savepoint,
 * start the new plan from it; if that fails, start the old plan from it again) or stop. A second apply
 * finds nothing to do.
 */
export async function applyDeploy(input: DeployInput, options: ApplyOptions): Promise<DeployPlan> {
  return withWorkDir((workDir) => applyIn(input, options, workDir));
}

async function applyIn(input: DeployInput, options: ApplyOptions, workDir: string): Promise<DeployPlan> {
  const { env } = input;
  const { plan, compiled, jars } = await survey(input, workDir);
  const refusal = applyRefusal(plan, options);
  if (refusal !== null) throw refusal;
  await applyTopics(env, input.kafkaProperties, input.topics, plan.topics, options.done);
  const { planDir } = needsGateway(plan, jars) ? gatewayOf(env) : { planDir: "" };
  for (const change of plan.jobs) {
    const p = input.pipelines.find((x) => x.name === change.pipeline);
    if (change.action === "unchanged") continue;
    if (change.action === "stop") {
      const savepoint = await stopWithSavepoint(env, change.pipeline, change.jobId!, "stop");
      options.done(`stopped job ${change.jobId} of pipeline '${change.pipeline}' (no longer in the project) with savepoint ${savepoint}`);
      continue;
    }
    const stable = compiled.get(p!.name)!;
    const jar = jars.get(p!.name) ?? null;
    const files = jar === null ? planFiles(planDir, env, p!.name, stable.sha256) : null;
    if (files !== null) {
      if (!existsSync(files.plan)) writeFileSync(files.plan, stable.json);
      writeFileSync(files.pipeline, JSON.stringify({ name: p!.name, script: p!.script, statements: p!.statements }) + "\n");
    }
    const record: JobRecord = { project: input.project, pipeline: p!.name, script: scriptHash(deployedScript(env, p!)), plan: stable.sha256, stateful: stable.stateful };
    const run = jar !== null ? jarRun(env, p!, jar, record) : (restore: Restore | null) => executePlan(env, p!, files!.plan, record, restore);
    if (change.action === "start") {
      const jobId = await run(null).catch((e: unknown) => {
        throw new StreamtError({ code: RuntimeErrorCode.deployJobFailed, message: `pipeline '${p!.name}': its job did not start: ${e instanceof Error ? e.message : String(e)}`, hint: "the error is Flink's; fix the pipeline and apply again (nothing of this pipeline runs)" });
      });
      options.done(`started job ${jobId} of pipeline '${p!.name}'`);
      pruneAfterApply(env, p!.name, stable.sha256, null);
      continue;
    }
    // The plan this upgrade replaces: its files stay for the next rollback (undefined: unknown, nothing pruned).
    const replaced = (await recordOf(env, change.jobId!).catch(() => null))?.plan;
    const savepoint = await stopWithSavepoint(env, p!.name, change.jobId!, `upgrade to ${stable.sha256}`);
    options.done(`stopped job ${change.jobId} of pipeline '${p!.name}' with savepoint ${savepoint}`);
    try {
      const jobId = await run({ savepoint, allowStateLoss: options.allowStateLoss });
      const dropped = change.state?.operators.filter((o) => o.fate === "dropped").length ?? 0;
      options.done(upgradeDone(jobId, p!.name, savepoint, dropped));
      pruneAfterApply(env, p!.name, stable.sha256, replaced);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new StreamtError({ code: RuntimeErrorCode.deployJobFailed, message: `pipeline '${p!.name}': the upgraded job did not start: ${why}; ${await rollBack(env, input, change, savepoint, options)}`, hint: "the error is Flink's; fix the pipeline and apply again" });
    }
  }
  return plan;
}

/** After a failed upgrade: the old plan started again from the savepoint; says what runs now. */
export async function rollBack(env: ResolvedEnvironment, input: DeployInput, change: JobChange, savepoint: string, options: ApplyOptions): Promise<string> {
  const old = await recordOf(env, change.jobId!).catch(() => null);
  if (old?.jar) {
    const kept = keptJar(env.flink.planDir, env.name, change.pipeline, old.plan, old.jar.mainClass);
    if (kept === null) return `the previous job is stopped; restart its JAR from savepoint ${savepoint} (its JAR and plan are not in ${env.flink.planDir ?? "flink.planDir, which the environment does not set"})`;
    return rolledBack(change, savepoint, options, await executeJar(env, kept, old, { savepoint, allowStateLoss: false }).then((id) => id, (e: unknown) => e));
  }
  const { planDir } = gatewayOf(env);
  const files = old ? { plan: findKept(planDir, env.name, change.pipeline, old.plan, "plan.json"), pipeline: findKept(planDir, env.name, change.pipeline, old.plan, "pipeline.json") } : null;
  if (old === null || files === null || files.plan === null || files.pipeline === null) {
    return `the previous job is stopped; restart it from savepoint ${savepoint} (its plan is not in ${planDir})`;
  }
  const previous = JSON.parse(readFileSync(files.pipeline, "utf8")) as DeployablePipeline;
  return rolledBack(change, savepoint, options, await executePlan(env, previous, files.plan, old, { savepoint, allowStateLoss: false }).then((id) => id, (e: unknown) => e));
}

/** What runs after a rollback: the previous job's new id, or why restarting it failed. */
function rolledBack(change: JobChange, savepoint: string, options: ApplyOptions, restarted: unknown): string {
  if (typeof restarted === "string") {
    options.done(`restarted the previous plan of pipeline '${change.pipeline}' as job ${restarted} from savepoint ${savepoint}`);
    return `the previous plan runs again as job ${restarted}, restored from savepoint ${savepoint}`;
  }
  return `restarting the previous plan failed too (${restarted instanceof Error ? restarted.message : String(restarted)}); restart it from savepoint ${savepoint}`;
}

// ---- destroy ------------------------------------------------------------------------------------

export interface DestroyOptions {
  readonly deleteTopics: boolean;
  readonly done: (line: string) => void;
}

/** The live jobs destroy stops: those whose record names the project, and those without a record named as one of its pipelines. */
export function destroyedJobs(live: readonly LiveJob[], input: Pick<DeployInput, "project" | "pipelines">): LiveJob[] {
  const names = new Set(input.pipelines.map((p) => p.name));
  return live.filter((j) => (j.record !== null && j.record.project === input.project) || (j.record === null && names.has(j.name)));
}

/** `destroy --env`: each of the project's jobs stopped with a final savepoint; its topics deleted only when asked. */
export async function destroyDeploy(input: DeployInput, options: DestroyOptions): Promise<void> {
  const { env } = input;
  const ours = destroyedJobs(await liveJobs(env), input);
  for (const job of ours) {
    const pipeline = job.record?.pipeline ?? job.name;
    const savepoint = await stopWithSavepoint(env, pipeline, job.id, "destroy");
    options.done(`stopped job ${job.id} of pipeline '${pipeline}' with final savepoint ${savepoint}`);
  }
  if (ours.length === 0) options.done(`no job of this project runs on '${env.name}'`);
  if (options.deleteTopics) {
    const deleted = await deleteTopics(env, input.kafkaProperties, input.topics.map((t) => t.name)).catch((e: unknown) => {
      throw new StreamtError({ code: RuntimeErrorCode.topicsFailed, message: `deleting the topics failed: ${e instanceof Error ? e.message : String(e)} (the jobs above were stopped)`, hint: "check the deploying account's delete ACLs, and that the brokers allow deletion (delete.topic.enable)" });
    });
    options.done(deleted.length === 0 ? "no topic to delete" : `deleted topics ${deleted.join(", ")}`);
  }
}
