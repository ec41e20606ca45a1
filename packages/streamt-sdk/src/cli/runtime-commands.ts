import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import { missingEntries } from "../synth/load.js";
import { parseManifest, sqlScriptOf, type Manifest, type SqlScriptArtifact } from "../synth/manifest.js";
import { synth } from "../synth/synth.js";
import { OutputCode, recoverInterruptedSwap } from "../synth/output-folder.js";
import { maskSecrets, resolveSecrets } from "../runtime/secrets.js";
import { runnerTargetFor } from "../runtime/flink-runner.js";
import { PlannerValidator, type ValidationResult } from "../runtime/planner-validator.js";
import { freePort, startLocalKafka, type LocalKafka } from "../runtime/local-kafka.js";
import { jobFailureError, startLocalJob, type JobRestartingEvent, type LocalJob } from "../runtime/local-job.js";
import { asLocalJob, buildLocalJars, startJarJob } from "../runtime/jar-run.js";
import { checkInputs, sourcesByTopic } from "../runtime/input-check.js";
import { tableName } from "../emit-sql/sql-text.js";
import { findToolchain } from "../runtime/toolchain.js";
import { createTopics, produce, readJsonl, topicsOfJson, watchTopics, type TopicWatcher } from "../runtime/kafka-io.js";
import { StreamtError } from "../errors.js";
import { UsageError, type Command } from "./args.js";
import type { Io } from "./main.js";
import type { Plan } from "../ir/plan.js";

type ValidateCommand = Extract<Command, { command: "validate" }>;
type RunCommand = Extract<Command, { command: "run" }>;

/** `validate` and `run --local`: the commands that need Java (Flink's planner, MiniCluster, a broker). */
export async function runRuntimeCommand(cmd: ValidateCommand | RunCommand, io: Io): Promise<number> {
  return cmd.command === "validate" ? validateCommand(cmd, io) : runCommand(cmd, io);
}

// ---- validate --------------------------------------------------------------------------------

interface PipelineValidation {
  readonly pipeline: string;
  readonly flinkVersion: string;
  readonly file: string;
  readonly result: ValidationResult;
}

function readManifest(dir: string, shown: string): Manifest {
  recoverInterruptedSwap(dir);
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file)) {
    throw new UsageError(`${shown} has no manifest.json (${existsSync(dir) ? "not a synth output folder" : "folder not found"}): run \`streamt-sdk synth\` first (it writes ${shown}), or pass the folder synth wrote`);
  }
  try {
    return parseManifest(readFileSync(file, "utf8"), path.join(shown, "manifest.json"));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; run \`streamt-sdk synth\` again`);
  }
}

/**
 * The path of a script the manifest lists, checked to be what synth wrote: inside the output folder
 * (a manifest naming `../x.sql` or an absolute path is refused), present, and with the sha256 the
 * manifest recorded, so an edited script is reported instead of validated as if synth wrote it.
 */
function scriptOfManifest(dir: string, shown: string, artifact: { readonly files: readonly { readonly path: string; readonly sha256: string }[] }): string {
  const listed = artifact.files[0]!.path;
  const file = path.resolve(dir, listed);
  const rel = path.relative(dir, file);
  const notAsWritten = (why: string): never => {
    throw new StreamtError({ code: OutputCode.notAsWritten, message: `${path.join(shown, "manifest.json")}: ${why}`, hint: "run `streamt-sdk synth` again to rewrite the output folder" });
  };
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel) || path.isAbsolute(listed)) notAsWritten(`the script path ${JSON.stringify(listed)} leaves the output folder`);
  if (!existsSync(file)) throw new UsageError(`${path.join(shown, listed)} is listed in the manifest but missing: run \`streamt-sdk synth\` again`);
  const real = realpathSync(file);
  const realRel = path.relative(realpathSync(dir), real);
  if (realRel.startsWith("..") || path.isAbsolute(realRel)) notAsWritten(`${listed} is a link to ${real}, outside the output folder`);
  const recorded = artifact.files[0]!.sha256;
  const actual = createHash("sha256").update(readFileSync(file)).digest("hex");
  if (recorded !== actual) notAsWritten(`${listed} was changed after synth wrote it (its sha256 is ${actual.slice(0, 12)}..., the manifest recorded ${recorded.slice(0, 12)}...)`);
  return file;
}

/**
 * The user's `file:line` a failed statement comes from, from the statement map synth recorded: the
 * statement's step, or in a statement set the INSERT at or above the error's line (the set's own site
 * when that INSERT has none).
 */
export function siteOfStatement(statements: SqlScriptArtifact["statements"], index: number, errorLine: number | null): string | null {
  const st = statements.find((s) => s.index === index);
  if (!st) return null;
  const part = st.parts && errorLine !== null ? [...st.parts].reverse().find((p) => p.line <= errorLine) : undefined;
  const site = part?.site ?? st.site;
  return site ? `${site.file}:${site.line}` : null;
}

/** Validates every script of an output folder: one warm planner JVM per Flink target. */
async function validateCommand(cmd: ValidateCommand, io: Io): Promise<number> {
  const dir = path.resolve(io.cwd, cmd.out);
  const manifest = readManifest(dir, cmd.out);
  const byTarget = new Map<"2" | "1.20", { name: string; flinkVersion: string; file: string; script: string }[]>();
  const statementsOf = new Map<string, SqlScriptArtifact["statements"]>();
  for (const p of manifest.pipelines) {
    const artifact = sqlScriptOf(manifest, p.name);
    if (artifact === null) throw new StreamtError({ code: OutputCode.notAsWritten, message: `${path.join(cmd.out, "manifest.json")}: pipeline ${p.name} has no SQL script among the artifacts`, hint: "run `streamt-sdk synth` again to rewrite the output folder" });
    const file = scriptOfManifest(dir, cmd.out, artifact);
    statementsOf.set(p.name, artifact.statements);
    const target = runnerTargetFor(p.flinkVersion);
    const list = byTarget.get(target) ?? [];
    list.push({ name: p.name, flinkVersion: p.flinkVersion, file: path.join(cmd.out, artifact.files[0]!.path), script: readFileSync(file, "utf8") });
    byTarget.set(target, list);
  }
  const progress = (line: string) => io.err(`${line}\n`);
  const results: PipelineValidation[] = [];
  // The targets' JVMs run side by side; each validates all of its scripts in order.
  await Promise.all(
    [...byTarget].map(async ([target, scripts]) => {
      const validator = await PlannerValidator.start(target, { progress });
      try {
        const rs = await validator.validateAll(scripts.map((s) => ({ id: s.name, script: s.script })));
        rs.forEach((result, i) => results.push({ pipeline: scripts[i]!.name, flinkVersion: scripts[i]!.flinkVersion, file: scripts[i]!.file, result }));
      } finally {
        await validator.close();
      }
    }),
  );
  results.sort((a, b) => (a.pipeline < b.pipeline ? -1 : a.pipeline > b.pipeline ? 1 : 0));
  const definedAt = (pipeline: string, r: Extract<ValidationResult, { ok: false }>): string | null =>
    siteOfStatement(statementsOf.get(pipeline) ?? [], r.statementIndex, r.errorLine);
  const ok = results.every((r) => r.result.ok);
  if (cmd.json) {
    io.out(
      JSON.stringify(
        {
          ok,
          command: "validate",
          out: cmd.out,
          pipelines: results.map(({ pipeline, flinkVersion, file, result: r }) =>
            r.ok
              ? { name: pipeline, flinkVersion, file, ok: true, statements: r.statements, ms: r.ms }
              : { name: pipeline, flinkVersion, file, ok: false, statementIndex: r.statementIndex, line: r.errorLine ?? r.line, statementLine: r.line, column: r.errorColumn, definedAt: definedAt(pipeline, r), statement: r.statement, error: r.error, ms: r.ms },
          ),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    for (const { pipeline, flinkVersion, file, result: r } of results) {
      if (r.ok) io.out(`ok ${pipeline} (${r.statements} statement${r.statements === 1 ? "" : "s"}, ${r.ms} ms, Flink ${flinkVersion})\n`);
      else io.out(formatValidationError(pipeline, file, r, definedAt(pipeline, r)));
    }
    const failed = results.filter((r) => !r.result.ok).length;
    io.out(failed === 0 ? `validated ${results.length} pipeline${results.length === 1 ? "" : "s"} with Flink's planner: all ok\n` : `${failed} of ${results.length} pipeline${results.length === 1 ? "" : "s"} failed Flink's planner\n`);
  }
  return ok ? 0 : 1;
}

/**
 * `error <pipeline> statement <i> (<file>:<line>, defined at <user file>:<line>): <Flink message>` and
 * the statement's first line.
 */
export function formatValidationError(pipeline: string, file: string, r: Extract<ValidationResult, { ok: false }>, definedAt: string | null = null): string {
  const line = r.errorLine ?? r.line;
  const where = `${file}:${line}${r.errorColumn !== null ? `:${r.errorColumn}` : ""}${definedAt !== null ? `, defined at ${definedAt}` : ""}`;
  const [first, ...rest] = r.error.split("\n");
  const more = rest.map((l) => `    ${l}\n`).join("");
  const firstLine = r.statement.split("\n")[0] ?? "";
  return `error ${pipeline} statement ${r.statementIndex} (${where}): ${first}\n${more}  in: ${firstLine}${r.statement.includes("\n") ? " ..." : ""}\n`;
}

// ---- run --local -----------------------------------------------------------------------------

/**
 * Runs the entry's pipelines locally: a throw-away broker, the topics, the --input events, one
 * MiniCluster job per pipeline, and the output topics printed as records arrive, until Ctrl-C,
 * SIGTERM or --timeout (counted from when every job is running). Everything started is stopped.
 */
async function runCommand(cmd: RunCommand, io: Io): Promise<number> {
  const missing = missingEntries(cmd.entries, io.cwd);
  if (missing.length > 0) throw new UsageError(`entry file not found: ${missing.join(", ")} (relative to ${io.cwd})`);
  const inputs = cmd.inputs.map((i) => ({ ...i, path: path.resolve(io.cwd, i.file) }));
  const absent = inputs.filter((i) => !existsSync(i.path));
  if (absent.length > 0) throw new UsageError(`input file not found: ${absent.map((i) => i.file).join(", ")} (relative to ${io.cwd})`);
  // Parse the inputs before starting anything: a bad line is reported at once.
  const inputRecords = inputs.map((i) => ({ topic: i.topic, file: i.file, records: readJsonl(i.path, i.file) }));

  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  // Locally every topic has one partition, so each job runs with parallelism 1: an extra source
  // subtask would read nothing and hold the watermark (and every window) back until its idle timeout.
  const result = await synth({ entries: cmd.entries, root: io.cwd, typecheck: cmd.typecheck, flinkVersion: cmd.flink, bootstrapServers: bootstrap, strict: cmd.strict, parallelismOverride: 1, ...(cmd.target === "jar" ? { target: "all" as const } : {}), ...(io.beforeLoad ? { beforeLoad: io.beforeLoad } : {}) });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + "\n");
  if (result.diagnostics.length > 0) io.err(formatSummary(result.diagnostics) + "\n");
  if (!result.ok) return 1;
  // Records the sources cannot read would fail the jobs (for ever, with restarts): refuse them first.
  for (const note of checkInputs(inputRecords, result.plan!)) io.err(`note: ${note}\n`);
  // Say what to install before starting anything, rather than half-way through.
  findToolchain();
  const file = (name: string) => result.files.find((f) => f.path === name)?.content ?? "";
  const manifest = parseManifest(file("manifest.json"), "manifest.json");
  const scriptOfPipeline = (name: string): string => file(sqlScriptOf(manifest, name)!.files[0]!.path);
  // Every env() a pipeline reads must be set before anything starts (STREAMT-R012). The runner fills the
  // values in itself, from the environment it inherits, so no file holds one; nothing printed shows one.
  const secrets = manifest.pipelines.flatMap((p) => resolveSecrets(scriptOfPipeline(p.name), p.name).secrets);
  if (secrets.length > 0) {
    const shown = io;
    io = { ...shown, out: (t) => shown.out(maskSecrets(t, secrets)), err: (t) => shown.err(maskSecrets(t, secrets)) };
  }
  const topics = topicsOfJson(file("topics.json"));
  const written = new Set(manifest.pipelines.flatMap((p) => p.sinks));
  const outputs = topics.filter((t) => written.has(t.name)).map((t) => t.name);

  let kafka: LocalKafka | null = null;
  const jobs: LocalJob[] = [];
  // A restart means a task failed; a record that fails the job is replayed after each restart, so the
  // run stops at the first one rather than print the same output again until --timeout.
  let restartedJob: (r: { job: string; event: JobRestartingEvent }) => void = () => {};
  const restarted = new Promise<{ job: string; event: JobRestartingEvent }>((resolve) => (restartedJob = resolve));
  const sourceNote = (job: string) => taskSourceNote(result.plan!, job);
  const report = (e: StreamtError): number => {
    io.err(`error ${e.code}: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ""}`);
    return 1;
  };
  let watcher: TopicWatcher | null = null;
  let built: { dir: string; remove: () => void } | null = null;
  let stopping: Promise<void> | null = null;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await watcher?.stop().catch(() => {});
      await Promise.allSettled(jobs.map((j) => j.stop()));
      await kafka?.stop();
      built?.remove();
    })());

  let interrupted: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (interrupted = resolve));
  // Ctrl-C during the JAR build (--target jar) stops Maven; from then on, the jobs and the broker.
  const building = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => () => {
    io.err(`\n${signal}: stopping ${built === null && cmd.target === "jar" ? "the JAR build" : "the jobs and the broker"}...\n`);
    building.abort();
    interrupted(signal);
  };
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    const progress = (line: string) => io.err(`${line}\n`);
    // --target jar: the pipelines' JARs, built before anything starts (a build error stops here).
    if (cmd.target === "jar") {
      try {
        built = await buildLocalJars(result.files, result.jars, progress, { signal: building.signal });
      } catch (e) {
        if (building.signal.aborted) return 0;
        throw e;
      }
    }
    io.err(`starting a local Kafka broker on ${bootstrap}...\n`);
    const starting = new AbortController();
    const start = startLocalKafka({ port, progress, signal: starting.signal });
    const started = await Promise.race([start, stopped.then(() => null)]);
    if (started === null) {
      // The broker may be half-way up: stop its JVM now, or it would keep this process (and its port) alive.
      starting.abort();
      await start.then((k) => k.stop(), () => {});
      return 0;
    }
    kafka = started;
    const extra = inputRecords.filter((i) => !topics.some((t) => t.name === i.topic)).map((i) => ({ name: i.topic }));
    for (const e of extra) io.err(`note: --input topic ${e.name} is not read by any pipeline; creating it anyway\n`);
    await createTopics(bootstrap, [...topics, ...extra]);
    for (const i of inputRecords) {
      await produce(bootstrap, i.topic, i.records);
      io.err(`produced ${i.records.length} record${i.records.length === 1 ? "" : "s"} from ${i.file} to ${i.topic}\n`);
    }
    if (outputs.length > 0) {
      watcher = await watchTopics(bootstrap, outputs, (r) => io.out(`${r.topic} ${r.key !== null ? `${r.key} ` : ""}${r.text ?? "null"}\n`));
    }
    for (const p of manifest.pipelines) {
      const script = scriptOfPipeline(p.name);
      const onStderr = (l: string) => (/^(\d+> )?[+-][IUD]\[/.test(l) ? io.out(`print ${l}\n`) : undefined);
      const jar = built ? result.jars.find((j) => j.pipeline === p.name)! : null;
      const job = built && jar
        ? asLocalJob(await startJarJob({ name: p.name, jar: path.join(built.dir, jar.jar), mainClass: jar.mainClass, target: runnerTargetFor(p.flinkVersion), args: ["--bootstrap-servers", bootstrap], progress, onStderr }))
        : await startLocalJob({ name: p.name, script, target: runnerTargetFor(p.flinkVersion), progress, onStderr });
      job.onEvent((e) => {
        if (e.event === "restarting") restartedJob({ job: p.name, event: e });
      });
      jobs.push(job);
    }
    const submitted = await Promise.race([Promise.all(jobs.map((j) => j.submitted)), stopped.then(() => null), restarted]);
    if (submitted === null) return 0;
    if (!Array.isArray(submitted)) return report(jobFailureError(submitted.job, submitted.event, sourceNote(submitted.job)));
    jobs.forEach((j, i) => io.err(`running ${j.name} on Flink ${manifest.pipelines[i]!.flinkVersion} (job ${submitted[i]})${cmd.timeout !== null ? "" : "; Ctrl-C stops it"}\n`));
    const failure = Promise.race(
      jobs.map((j) =>
        j.ended.then((end) => ({ job: j.name, end })),
      ),
    );
    const timeout = new Promise<"timeout">((resolve) => {
      if (cmd.timeout !== null) setTimeout(() => resolve("timeout"), cmd.timeout * 1000).unref();
    });
    const outcome = await Promise.race([stopped, timeout, failure, restarted]);
    if (typeof outcome === "object" && "event" in outcome) return report(jobFailureError(outcome.job, outcome.event, sourceNote(outcome.job)));
    if (typeof outcome === "object") {
      const end = outcome.end;
      if (end.state === "failed") {
        return report(jobFailureError(outcome.job, { event: "failed", error: end.error, ...(end.task !== null ? { task: end.task } : {}) }, sourceNote(outcome.job)));
      }
      io.err(`job ${outcome.job} ended (${end.state})\n`);
      return end.state === "finished" ? 0 : 1;
    }
    // A restart reported in the same instant as the timeout or a signal still fails the run.
    for (const j of jobs) {
      const restart = j.events.find((e): e is JobRestartingEvent => e.event === "restarting");
      if (restart) return report(jobFailureError(j.name, restart, sourceNote(j.name)));
    }
    if (outcome === "timeout") io.err(`--timeout ${cmd.timeout}s reached: stopping the jobs and the broker...\n`);
    return 0;
  } finally {
    await stopAll();
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

/**
 * What a failing Flink task of a job reads, from the source tables its name lists ("Source: orders[1] -> ..."):
 * ` reading topic orders.raw.v1 (source orders)`; empty when it names none of the pipeline's sources.
 */
function taskSourceNote(plan: Plan, job: string): (task: string) => string {
  const own: Plan = { ...plan, pipelines: plan.pipelines.filter((p) => p.name === job) };
  const byTable = new Map([...sourcesByTopic(own).values()].flat().map((s) => [tableName(s.name), s]));
  return (task) => {
    const read = [...task.matchAll(/Source: ([A-Za-z0-9_]+)\[/g)].flatMap((m) => {
      const s = byTable.get(m[1]!);
      return s ? [`topic ${s.kafka.topic} (source ${s.name})`] : [];
    });
    return read.length > 0 ? ` reading ${read.join(" and ")}` : "";
  };
}
