import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import type { ts as TypeScript } from "ts-morph";
import type { z } from "zod";
import { isSecretRef, planProperties, type SecretRef } from "../dsl/secret.js";
import { isStreamtError, StreamtError } from "../errors.js";
import type { EnvReference } from "../ir/secret.js";
import { devPaths, readDevState } from "../runtime/dev-cluster.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import { LoadCode } from "../synth/load.js";
import { CONFIG_BRAND, CONFIG_FILE, configSchema, type DefinedConfig, type DeployMode } from "./define-config.js";
import type { ProjectRules } from "../analysis/project-rules-pass.js";
import { resolveRules } from "./rules-config.js";
import { kubernetesSettings, type KubernetesSettings } from "./k8s-settings.js";

/** Loads streamt.config.ts (see define-config.ts) and resolves its environments, `dev` from .streamt/dev/state.json. */

/** One environment, resolved: the dev cluster's addresses, or a configured one's. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly kafka: { readonly bootstrapServers: string; readonly properties: Readonly<Record<string, string | EnvReference>> };
  readonly flink: { readonly restUrl: string; readonly sqlGatewayUrl: string | null; readonly savepointDir: string; readonly planDir: string | null };
  readonly protected: boolean;
  /** Where `synth --target k8s` points the environment's Flink Kubernetes Operator resources; null: not configured. */
  readonly kubernetes: KubernetesSettings | null;
}

export interface LoadedConfig {
  /** The config file, or null when the project has none (then only `dev` exists). */
  readonly file: string | null;
  readonly environments: ReadonlyMap<string, ResolvedEnvironment>;
  /** How a pipeline is deployed ("sql" unless the config says "jar"). */
  deployMode(pipeline: string): DeployMode;
  /** Whether any pipeline is set to deploy: "jar" (deploy then synthesises the Java projects too). */
  readonly deploysJars: boolean;
  /** The project's rules (its `rules` section), checked by synth; null when it has none. */
  readonly rules: ProjectRules | null;
}

function configError(file: string, line: number | null, message: string, hint: string): StreamtError {
  const shown = path.relative(process.cwd(), file) || file;
  return new StreamtError({
    code: LoadCode.configInvalid,
    message: `${shown}${line === null ? "" : `:${line}`}: ${message}`,
    hint,
    site: line === null ? null : { file: shown, line, column: 1 },
  });
}

/**
 * Loads and checks `<projectDir>/streamt.config.ts` (importing it needs a TypeScript loader: the CLI
 * registers tsx first). A project without one has only the `dev` environment. Every problem is
 * STREAMT-L004 with the config file's line and what to write there.
 */
export async function loadConfig(projectDir: string): Promise<LoadedConfig> {
  const { file, input } = await readConfig(projectDir);
  return fromInput(file, input);
}

/** The config as checked against its schema, and its file (null without one). */
export interface ConfigInput {
  readonly file: string | null;
  readonly input: z.infer<typeof configSchema>;
}

/**
 * Imports and checks streamt.config.ts, as loadConfig. `query` is appended to the file's URL: synth
 * --watch imports it under a new URL each run (synth/import-worker.ts), since a module once imported
 * is never imported again.
 */
export async function readConfig(projectDir: string, options: { readonly query?: string } = {}): Promise<ConfigInput> {
  const file = path.join(path.resolve(projectDir), CONFIG_FILE);
  if (!existsSync(file)) return { file: null, input: { environments: {} } };
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href + (options.query ?? ""))) as { default?: unknown }).default;
  } catch (e) {
    if (isStreamtError(e)) throw configError(file, e.site?.line ?? null, e.message, e.hint ?? "fix the config file");
    throw configError(file, null, `importing it failed: ${e instanceof Error ? e.message : String(e)}`, "fix the error above; the file must run as a module");
  }
  if (typeof exported !== "object" || exported === null || (exported as Record<symbol, unknown>)[CONFIG_BRAND] !== true) {
    throw configError(file, null, "its default export is not a config", 'write `export default defineConfig({ environments: { ... } })`, with defineConfig imported from "streamt-sdk"');
  }
  const input = (exported as DefinedConfig).input;
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join(".");
    const message = issue.code === "unrecognized_keys" ? `unknown propert${issue.keys.length === 1 ? "y" : "ies"} ${issue.keys.map((k) => `'${k}'`).join(", ")}${where ? ` in ${where}` : ""}` : `${where || "the config"}: ${issue.message}`;
    throw configError(file, lineOf(file, issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path), message, hintFor(issue));
  }
  // Secrets: the same rules as a pipeline's Kafka properties (a literal under a secret's key is refused).
  for (const [name, environment] of Object.entries(parsed.data.environments)) {
    const properties = environment.kafka.properties ?? {};
    try {
      planProperties(properties as Record<string, string | SecretRef>, `environment '${name}'`, null);
    } catch (e) {
      if (!isStreamtError(e)) throw e;
      const key = Object.keys(properties).find((k) => e.message.includes(`'${k}'`));
      throw configError(file, lineOf(file, ["environments", name, "kafka", "properties", ...(key ? [key] : [])]), e.message, e.hint ?? "");
    }
  }
  return { file, input: parsed.data };
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.path[0] === "rules") return "see docs/project-rules.md: rules take topics { pattern, minPartitions, minReplication }, pipelines { pattern, requireDescription, requireOwner, maxStateTtl }, sinks { requireDescription, requireOwner } and forbiddenFormats";
  if (issue.code === "unrecognized_keys") return "an environment takes kafka { bootstrapServers, properties }, flink { restUrl, sqlGatewayUrl, savepointDir, planDir }, protected and kubernetes (docs/kubernetes.md); a pipeline entry takes deploy";
  if (issue.code === "invalid_type" && issue.input === undefined) return `add ${String(issue.path.at(-1))}`;
  if (issue.path[2] === "kubernetes") return "see docs/kubernetes.md";
  return "see docs/deploy-config.md";
}

function fromInput(file: string | null, config: z.infer<typeof configSchema>): LoadedConfig {
  const environments = new Map<string, ResolvedEnvironment>();
  for (const [name, e] of Object.entries(config.environments)) {
    environments.set(name, {
      name,
      kafka: { bootstrapServers: e.kafka.bootstrapServers, properties: Object.fromEntries(Object.entries(e.kafka.properties ?? {}).map(([k, v]) => [k, isSecretRef(v) ? { env: v.env } : v])) },
      flink: { restUrl: e.flink.restUrl.replace(/\/$/, ""), sqlGatewayUrl: e.flink.sqlGatewayUrl?.replace(/\/$/, "") ?? null, savepointDir: e.flink.savepointDir, planDir: e.flink.planDir ?? null },
      protected: e.protected ?? false,
      kubernetes: e.kubernetes ? kubernetesSettings(e.kubernetes) : null,
    });
  }
  const modes = config.pipelines ?? {};
  const rules = file !== null && config.rules ? rulesOf(file, config.rules) : null;
  return { file, environments, deployMode: (pipeline) => modes[pipeline]?.deploy ?? "sql", deploysJars: Object.values(modes).some((m) => m.deploy === "jar"), rules };
}

/** The rules of a config's `rules` section; a finding's line in `file` is looked up when it names the rule. */
export function rulesOf(file: string, section: RulesSection): ProjectRules {
  return resolveRules(section, CONFIG_FILE, (at) => lineOf(file, at));
}

/** A config's `rules` section as checked: plain data (RegExps included), which a thread can send. */
export type RulesSection = NonNullable<z.infer<typeof configSchema>["rules"]>;

/**
 * An environment by name: `dev` is the local cluster of `streamt-sdk dev up` (it must have been started
 * once in this project); any other must be in streamt.config.ts. An unknown name is an error listing
 * the known ones.
 */
export function environmentOf(config: LoadedConfig, name: string, projectDir: string): ResolvedEnvironment {
  if (name === "dev") {
    const state = readDevState(projectDir);
    if (state === null) {
      throw new StreamtError({ code: RuntimeErrorCode.devState, message: `the environment 'dev' is the local cluster, and it was never started in ${path.resolve(projectDir)}`, hint: "run `streamt-sdk dev up` first" });
    }
    return {
      name,
      kafka: { bootstrapServers: `127.0.0.1:${state.ports.kafka}`, properties: {} },
      flink: { restUrl: `http://127.0.0.1:${state.ports.rest}`, sqlGatewayUrl: `http://127.0.0.1:${state.ports.gateway}`, savepointDir: `file://${devPaths(projectDir).savepoints}`, planDir: devPaths(projectDir).plans },
      protected: false,
      kubernetes: null,
    };
  }
  const found = config.environments.get(name);
  if (!found) {
    const known = ["dev", ...config.environments.keys()];
    throw new StreamtError({
      code: LoadCode.configInvalid,
      message: `no environment '${name}'${config.file ? ` in ${path.relative(process.cwd(), config.file) || config.file}` : ` (the project has no ${CONFIG_FILE})`}; known: ${known.join(", ")}`,
      hint: config.file ? `add it under environments in ${CONFIG_FILE}, or use one of: ${known.join(", ")}` : `create ${CONFIG_FILE} with export default defineConfig({ environments: { ${name}: { kafka: {...}, flink: {...} } } })`,
    });
  }
  return found;
}

/**
 * An environment's Kafka properties with their env("NAME") references filled in from `environment`,
 * and the values filled in (to mask them in whatever is printed). A variable that is not set is
 * STREAMT-R012, naming every missing one.
 */
export function resolveKafkaProperties(env: ResolvedEnvironment, environment: NodeJS.ProcessEnv = process.env): { properties: Record<string, string>; secrets: string[] } {
  const properties: Record<string, string> = {};
  const secrets: string[] = [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(env.kafka.properties)) {
    if (typeof value === "string") {
      properties[key] = value;
      continue;
    }
    const resolved = environment[value.env];
    if (resolved === undefined || resolved === "") missing.push(value.env);
    else {
      properties[key] = resolved;
      secrets.push(resolved);
    }
  }
  if (missing.length > 0) {
    throw new StreamtError({
      code: RuntimeErrorCode.missingSecret,
      message: `environment '${env.name}' reads ${missing.length === 1 ? "a secret from the environment variable" : "secrets from the environment variables"} ${missing.sort().join(", ")}, which ${missing.length === 1 ? "is" : "are"} not set`,
      hint: `set ${missing.map((n) => `${n}=...`).join(" ")} in the shell or CI job that deploys (never in ${CONFIG_FILE})`,
    });
  }
  return { properties, secrets };
}

// ---- locating a property in the config file ---------------------------------------------------------

/**
 * TypeScript's parser, loaded when a line is first asked for: loading it takes seconds on a busy machine,
 * and synth reads the config on every run, where a line is needed only for an error or a rule's finding.
 */
let parser: typeof TypeScript | undefined;

function typescript(): typeof TypeScript {
  return (parser ??= (createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph")).ts);
}

/**
 * The line of the property at `issuePath` in the object literal given to defineConfig (or of the
 * deepest part of the path written literally there, e.g. a variable's name); null when the file has no
 * defineConfig({...}) literal.
 */
export function lineOf(file: string, issuePath: readonly PropertyKey[]): number | null {
  const ts = typescript();
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let root: TypeScript.Node | null = null;
  const visit = (node: TypeScript.Node): void => {
    if (root) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "defineConfig" && node.arguments[0]) root = node.arguments[0];
    else ts.forEachChild(node, visit);
  };
  visit(source);
  if (root === null) return null;
  // Down the path through object literals; the line is the deepest property written there.
  let node: TypeScript.Node = root;
  for (const key of issuePath) {
    const value = unwrap(node);
    if (!ts.isObjectLiteralExpression(value)) break;
    const property = value.properties.find((p) => p.name !== undefined && propertyName(p.name) === String(key));
    if (!property) break;
    node = property;
  }
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** The value a node stands for: a property's initializer, without `as`, `satisfies` and parentheses. */
function unwrap(node: TypeScript.Node): TypeScript.Node {
  const ts = typescript();
  let n = ts.isPropertyAssignment(node) ? node.initializer : node;
  while (ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isParenthesizedExpression(n)) n = n.expression;
  return n;
}

function propertyName(name: TypeScript.PropertyName): string | null {
  const ts = typescript();
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}
