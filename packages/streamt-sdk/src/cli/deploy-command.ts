import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import { StreamtError } from "../errors.js";
import { maskSecrets, resolveSecrets } from "../runtime/secrets.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import { missingEntries } from "../synth/load.js";
import { parseManifest, sqlScriptOf } from "../synth/manifest.js";
import { synth } from "../synth/synth.js";
import type { TopicEntry } from "../synth/topics.js";
import { UsageError, type Command } from "./args.js";
import type { Io } from "./main.js";

type DeployCommand = Extract<Command, { command: "plan" | "apply" | "destroy" }>;

/** The name a project's jobs carry in their record: package.json's name, else the folder's. */
export function projectName(cwd: string): string {
  const pkg = path.join(cwd, "package.json");
  if (existsSync(pkg)) {
    try {
      const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name;
      if (typeof name === "string" && name !== "") return name;
    } catch {
      // a damaged package.json: the folder's name
    }
  }
  return path.basename(path.resolve(cwd));
}

/**
 * `plan | apply | destroy --env <name>`: synthesises the project for the environment (its Kafka
 * bootstrap servers in the scripts), then compares with or changes what runs there (deploy/deploy.ts).
 */
export async function deployCommand(cmd: DeployCommand, io: Io): Promise<number> {
  const { environmentOf, loadConfig, resolveKafkaProperties } = await import("../deploy/config.js");
  const { applyDeploy, destroyDeploy, formatPlan, planDeploy } = await import("../deploy/deploy.js");
  const missing = missingEntries(cmd.entries, io.cwd);
  if (missing.length > 0) throw new UsageError(`entry file not found: ${missing.join(", ")} (relative to ${io.cwd})`);
  io.beforeLoad?.();
  const config = await loadConfig(io.cwd);
  const env = environmentOf(config, cmd.env, io.cwd);
  if (env.protected && cmd.command !== "plan" && !cmd.yes) {
    throw new StreamtError({ code: RuntimeErrorCode.deployRefused, message: `environment '${env.name}' is protected: ${cmd.command} changes it only with --yes`, hint: `run \`streamt-sdk plan --env ${env.name}\` first, then \`streamt-sdk ${cmd.command} --env ${env.name} --yes\`` });
  }
  const kafka = resolveKafkaProperties(env);

  const result = await synth({ entries: cmd.entries, root: io.cwd, typecheck: cmd.typecheck, cache: true, flinkVersion: "2.2", bootstrapServers: env.kafka.bootstrapServers, strict: false, ...(config.deploysJars ? { target: "all" as const } : {}), ...(io.beforeLoad ? { beforeLoad: io.beforeLoad } : {}) });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + "\n");
  if (result.diagnostics.length > 0) io.err(formatSummary(result.diagnostics) + "\n");
  if (!result.ok) return 1;
  const file = (name: string) => result.files.find((f) => f.path === name)?.content ?? "";
  const manifest = parseManifest(file("manifest.json"), "manifest.json");
  const pipelines = manifest.pipelines.map((p) => {
    const artifact = sqlScriptOf(manifest, p.name)!;
    // A pipeline set to deploy: "jar" carries its Java project (jar-deploy.ts builds and runs it).
    const build = config.deployMode(p.name) === "jar" ? result.jars.find((j) => j.pipeline === p.name) : undefined;
    const jar = build ? { jar: { build, files: result.files.filter((f) => f.path.startsWith(`${build.projectDir}/`)) } } : {};
    return { name: p.name, script: file(artifact.files[0]!.path), statements: artifact.statements, ...jar };
  });
  const topics = (JSON.parse(file("topics.json")) as { topics: TopicEntry[] }).topics;
  // Whatever is printed is masked: the environment's Kafka secrets and every secret a pipeline reads.
  const secrets = [...kafka.secrets, ...(cmd.command === "plan" ? [] : pipelines.flatMap((p) => resolveSecrets(p.script, p.name).secrets))];
  const shown: Io = secrets.length === 0 ? io : { ...io, out: (t) => io.out(maskSecrets(t, secrets)), err: (t) => io.err(maskSecrets(t, secrets)) };
  // Build progress (Maven, plan compilation) on stderr: stdout is the plan, or the report of what was done.
  const input = { env, project: projectName(io.cwd), pipelines, topics, kafkaProperties: kafka.properties, progress: (line: string) => shown.err(`${line}\n`) };
  const done = (line: string) => shown.out(`${line}\n`);

  try {
    if (cmd.command === "plan") {
      const plan = await planDeploy(input);
      shown.out(cmd.json ? JSON.stringify(plan, null, 2) + "\n" : formatPlan(plan));
      return 0;
    }
    if (cmd.command === "apply") {
      const plan = await applyDeploy(input, { allowStateLoss: cmd.allowStateLoss, done });
      if (plan.topics.every((t) => t.action === "unchanged") && plan.jobs.every((j) => j.action === "unchanged")) done(`nothing to apply on '${env.name}': every topic and job is as applied`);
      else done(`applied to '${env.name}'`);
      return 0;
    }
    await destroyDeploy(input, { deleteTopics: cmd.deleteTopics, done });
    return 0;
  } catch (e) {
    if (e instanceof StreamtError) throw new StreamtError({ code: e.code, message: maskSecrets(e.message, secrets), hint: e.hint ?? "" });
    throw e;
  }
}
