import { parseArgs } from "node:util";
import { z } from "zod";
import { DIALECTS, DEFAULT_FLINK_VERSION } from "../emit-sql/dialect.js";
import { SYNTH_TARGETS } from "../synth/synth.js";

/** A problem with the command line itself: exit code 2. */
export class UsageError extends Error {}

const flinkVersion = z.enum(Object.keys(DIALECTS) as [string, ...string[]], { message: `--flink must be one of ${Object.keys(DIALECTS).join(", ")}` });
const bootstrap = z.string().regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, "--bootstrap-servers takes host:port[,host:port...]");

const common = { json: z.boolean(), strict: z.boolean(), typecheck: z.boolean(), cache: z.boolean(), flink: flinkVersion, entries: z.array(z.string()) };

export const commandSchemas = {
  /** Runs the project's pipeline tests through its vitest; the positionals are vitest's file filters. */
  test: z.strictObject({ command: z.literal("test"), filters: z.array(z.string()) }),
  synth: z.strictObject({
    command: z.literal("synth"),
    ...common,
    out: z.string().min(1),
    bootstrapServers: bootstrap,
    target: z.enum(SYNTH_TARGETS, { message: `--target must be one of ${SYNTH_TARGETS.join(", ")}` }),
    /** Stay running and synthesise again on every save (synth/watch.ts). */
    watch: z.boolean(),
    /** Where OpenLineage events go: a JSON Lines file, or an http(s) URL each event is POSTed to; null: none. */
    openlineage: z.string().min(1, "--openlineage takes a file or an http(s) URL").nullable(),
    openlineageNamespace: z.string().min(1, "--openlineage-namespace takes a name"),
    /** With --target k8s: the environment of streamt.config.ts the Kubernetes resources are written for. */
    env: z.string().min(1, "--env takes an environment name").nullable(),
  }),
  check: z.strictObject({ command: z.literal("check"), ...common }),
  /** The graph and column-level lineage of the entries' pipelines (docs/lineage.md). */
  lineage: z.strictObject({ command: z.literal("lineage"), json: z.boolean(), typecheck: z.boolean(), cache: z.boolean(), entries: z.array(z.string()) }),
  /** A static HTML site of the entries' pipelines: lineage graph, schemas, SQL, settings, findings (docs/docs-site.md). */
  docs: z.strictObject({ command: z.literal("docs"), out: z.string().min(1), flink: flinkVersion, typecheck: z.boolean(), cache: z.boolean(), entries: z.array(z.string()) }),
  validate: z.strictObject({ command: z.literal("validate"), json: z.boolean(), out: z.string().min(1) }),
  run: z.strictObject({
    command: z.literal("run"),
    entries: z.array(z.string()).length(1, "run takes exactly one entry module"),
    local: z.literal(true, { message: "run needs --local (deploying to a cluster is `deploy`, not available yet)" }),
    inputs: z.array(z.object({ topic: z.string(), file: z.string() })),
    flink: flinkVersion,
    typecheck: z.boolean(),
    strict: z.boolean(),
    timeout: z.number().int().positive().nullable(),
    /** What runs: each pipeline's SQL script (default), or its Table API JAR built for the run. */
    target: z.enum(["sql", "jar"], { message: "run --target must be sql or jar" }),
  }),
  /** The local Flink session cluster, SQL Gateway and Kafka broker of .streamt/dev/. */
  dev: z.strictObject({
    command: z.literal("dev"),
    action: z.enum(["up", "down", "status"], { message: "dev takes up, down or status: streamt-sdk dev up" }),
    json: z.boolean(),
  }),
  /** What apply would change on an environment: topics, and each pipeline's job (docs/deploy.md). */
  plan: z.strictObject({ command: z.literal("plan"), env: z.string({ message: "plan needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts" }).min(1), json: z.boolean(), typecheck: z.boolean(), entries: z.array(z.string()) }),
  /** Creates or alters topics, starts, upgrades (from a savepoint) and stops jobs on an environment. */
  apply: z.strictObject({ command: z.literal("apply"), env: z.string({ message: "apply needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts" }).min(1), allowStateLoss: z.boolean(), yes: z.boolean(), typecheck: z.boolean(), entries: z.array(z.string()) }),
  /** Stops the project's jobs on an environment with a final savepoint; deletes its topics only with --delete-topics. */
  destroy: z.strictObject({ command: z.literal("destroy"), env: z.string({ message: "destroy needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts" }).min(1), deleteTopics: z.boolean(), yes: z.boolean(), typecheck: z.boolean(), entries: z.array(z.string()) }),
  /** What runs on an environment's Flink cluster, by pipeline. */
  status: z.strictObject({
    command: z.literal("status"),
    env: z.string({ message: "status needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts" }).min(1),
    json: z.boolean(),
  }),
};

export type Command =
  | z.infer<(typeof commandSchemas)["synth"]>
  | z.infer<(typeof commandSchemas)["check"]>
  | z.infer<(typeof commandSchemas)["lineage"]>
  | z.infer<(typeof commandSchemas)["docs"]>
  | z.infer<(typeof commandSchemas)["validate"]>
  | z.infer<(typeof commandSchemas)["run"]>
  | z.infer<(typeof commandSchemas)["test"]>
  | z.infer<(typeof commandSchemas)["dev"]>
  | z.infer<(typeof commandSchemas)["status"]>
  | z.infer<(typeof commandSchemas)["plan"]>
  | z.infer<(typeof commandSchemas)["apply"]>
  | z.infer<(typeof commandSchemas)["destroy"]>
  | { command: "help"; topic: string | null }
  | { command: "version" };

const OPTIONS = {
  out: { type: "string" },
  json: { type: "boolean" },
  strict: { type: "boolean" },
  "no-typecheck": { type: "boolean" },
  "no-cache": { type: "boolean" },
  watch: { type: "boolean" },
  flink: { type: "string" },
  "bootstrap-servers": { type: "string" },
  target: { type: "string" },
  local: { type: "boolean" },
  input: { type: "string", multiple: true },
  timeout: { type: "string" },
  env: { type: "string" },
  openlineage: { type: "string" },
  "openlineage-namespace": { type: "string" },
  "allow-state-loss": { type: "boolean" },
  yes: { type: "boolean" },
  "delete-topics": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/** Which options each command accepts: anything else is a usage error, never silently ignored. */
const ALLOWED: Record<string, readonly string[]> = {
  test: [],
  synth: ["out", "json", "strict", "no-typecheck", "no-cache", "flink", "bootstrap-servers", "target", "watch", "openlineage", "openlineage-namespace", "env"],
  check: ["json", "strict", "no-typecheck", "no-cache", "flink"],
  lineage: ["json", "no-typecheck", "no-cache"],
  docs: ["out", "flink", "no-typecheck", "no-cache"],
  validate: ["json"],
  run: ["local", "input", "flink", "no-typecheck", "strict", "timeout", "target"],
  dev: ["json"],
  status: ["env", "json"],
  plan: ["env", "json", "no-typecheck"],
  apply: ["env", "allow-state-loss", "yes", "no-typecheck"],
  destroy: ["env", "delete-topics", "yes", "no-typecheck"],
};

/** Parses argv (without node and the script) into a validated command. Throws UsageError. */
export function parseCommand(argv: readonly string[], defaults: { entries: string[] } = { entries: [] }): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) return { command: "version" };
  if (values.help || command === undefined || command === "help") return { command: "help", topic: command === "help" ? (rest[0] ?? null) : (command ?? null) };
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command '${command}'; commands: synth, check, lineage, docs, validate, run, test, dev, status, plan, apply, destroy`);
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`option --${key} does not apply to '${command}'; ${allowed.length === 0 ? "it takes none" : `it takes ${allowed.map((a) => `--${a}`).join(", ")}`}`);
  }
  const entries = rest.length > 0 ? rest : defaults.entries;
  const base = {
    command,
    json: values.json ?? false,
    strict: values.strict ?? false,
    typecheck: !(values["no-typecheck"] ?? false),
    cache: !(values["no-cache"] ?? false),
    flink: values.flink ?? DEFAULT_FLINK_VERSION,
    entries,
  };
  let candidate: unknown;
  switch (command) {
    case "synth":
      candidate = { ...base, out: values.out ?? "streamt.out", bootstrapServers: values["bootstrap-servers"] ?? (process.env.STREAMT_KAFKA_BOOTSTRAP || "localhost:9092"), target: values.target ?? "sql", watch: values.watch ?? false, openlineage: values.openlineage ?? null, openlineageNamespace: values["openlineage-namespace"] ?? "streamt", env: values.env ?? null };
      // Kubernetes resources are written for one environment of streamt.config.ts, and only for it.
      if (values.target === "k8s") {
        if (values.env === undefined) throw new UsageError("synth --target k8s needs --env <name>: an environment of streamt.config.ts with a kubernetes section (docs/kubernetes.md)");
        if (values["bootstrap-servers"] !== undefined) throw new UsageError("synth --target k8s writes the environment's kafka.bootstrapServers into the jobs; drop --bootstrap-servers");
        if (values.watch) throw new UsageError("--watch writes SQL scripts or Java projects (--target sql|java); run synth --target k8s --env <name> once");
      } else if (values.env !== undefined) throw new UsageError("--env applies to synth --target k8s (Kubernetes resources for that environment); the other targets need no environment");
      if (values.watch) {
        // What --watch cannot do on every save is refused, not silently skipped.
        if (values.json) throw new UsageError("--watch prints a line per run and findings as they change; it has no --json form");
        if (values.target === "jar" || values.target === "all") throw new UsageError(`--watch writes SQL scripts or Java projects (--target sql|java); building JARs on every save is not offered: run synth --target ${values.target} once`);
        if (values.openlineage !== undefined) throw new UsageError("--watch does not send OpenLineage events on every save: run synth --openlineage once");
      }
      if (values["openlineage-namespace"] !== undefined && values.openlineage === undefined) throw new UsageError("--openlineage-namespace applies to the events of --openlineage <file|url>; add that option");
      break;
    case "check":
      candidate = base;
      break;
    case "lineage":
      candidate = { command, json: base.json, typecheck: base.typecheck, cache: base.cache, entries };
      break;
    case "docs":
      candidate = { command, out: values.out ?? "streamt.docs", flink: base.flink, typecheck: base.typecheck, cache: base.cache, entries };
      break;
    case "test":
      candidate = { command, filters: rest };
      break;
    case "dev":
      if (rest.length > 1) throw new UsageError(`dev takes one action (up, down or status), not ${rest.join(" ")}`);
      candidate = { command, action: rest[0] ?? "", json: base.json };
      break;
    case "status":
      if (rest.length > 0) throw new UsageError(`status takes no positional arguments (${rest.join(" ")}); write status --env <name>`);
      candidate = { command, env: values.env, json: base.json };
      break;
    case "plan":
      candidate = { command, env: values.env, json: base.json, typecheck: base.typecheck, entries };
      break;
    case "apply":
      candidate = { command, env: values.env, allowStateLoss: values["allow-state-loss"] ?? false, yes: values.yes ?? false, typecheck: base.typecheck, entries };
      break;
    case "destroy":
      candidate = { command, env: values.env, deleteTopics: values["delete-topics"] ?? false, yes: values.yes ?? false, typecheck: base.typecheck, entries };
      break;
    case "validate":
      if (rest.length > 1) throw new UsageError("validate takes one output folder (default streamt.out)");
      candidate = { command, json: base.json, out: rest[0] ?? "streamt.out" };
      break;
    case "run": {
      const inputs = (values.input ?? []).map((spec) => {
        const eq = spec.indexOf("=");
        if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--input ${spec}: write --input <topic>=<file.jsonl>`);
        return { topic: spec.slice(0, eq), file: spec.slice(eq + 1) };
      });
      const timeout = values.timeout === undefined ? null : Number(values.timeout);
      candidate = { command, entries, local: values.local ?? false, inputs, flink: base.flink, typecheck: base.typecheck, strict: base.strict, timeout, target: values.target ?? "sql" };
      break;
    }
  }
  const schema = commandSchemas[command as keyof typeof commandSchemas];
  const result = schema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(issue.message);
  }
  const cmd = result.data as Command;
  if ((cmd.command === "synth" || cmd.command === "check" || cmd.command === "lineage" || cmd.command === "docs" || cmd.command === "plan" || cmd.command === "apply" || cmd.command === "destroy") && cmd.entries.length === 0) {
    throw new UsageError(`${cmd.command} needs an entry module: streamt-sdk ${cmd.command} path/to/pipelines.ts (or set "streamt": { "entries": [...] } in package.json)`);
  }
  return cmd;
}
