import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { BuildErrorCode, StreamtError } from "../errors.js";
import type { JobPlan } from "../ir/job-plan.js";
import type { EmittedFile } from "../artifact.js";
import type { RenderedJava } from "./java-emitter.js";
import { javaComment, javaString } from "./java-text.js";

/** What the templates under templates/java render a pipeline's Maven project from. */
export interface JavaProjectModel {
  readonly plan: JobPlan;
  readonly java: RenderedJava;
  readonly sdkVersion: string;
  readonly packageName: string;
  readonly mainClass: string;
  /** The JAR's file name without `.jar` (the pipeline's name). */
  readonly jarName: string;
}

/** The Flink lines a generated project can be built for: one Maven profile each (see docs/java-target.md). */
export const FLINK_PROFILES = [
  { line: "2.2", flink: "2.2.0", kafkaConnector: "5.0.0-2.2" },
  { line: "1.20", flink: "1.20.3", kafkaConnector: "3.4.0-1.20" },
  // No Kafka connector is released for 2.3 yet; the 2.2 one resolves and builds against it (docs/java-target.md).
  { line: "2.3", flink: "2.3.0", kafkaConnector: "5.0.0-2.2" },
] as const;

/**
 * The templates folder: $STREAMT_TEMPLATES_DIR if set; in this repository the top-level templates/; in an
 * installed package its bundled copy (see scripts/bundle-runner.mjs).
 */
export function templatesDir(): string {
  if (process.env.STREAMT_TEMPLATES_DIR) return process.env.STREAMT_TEMPLATES_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repository = path.resolve(here, "../../../../templates");
  return existsSync(path.join(repository, "java")) ? repository : path.resolve(here, "../../templates");
}

const compiled = new Map<string, { readonly text: string; readonly render: Handlebars.TemplateDelegate }>();

/** The templates a project is rendered from. */
const TEMPLATE_NAMES = ["Job.java.hbs", "README.md.hbs", "pom.xml.hbs"] as const;

/** A project template as it is on disk now: its text, or why it cannot be read. */
export type TemplateOnDisk = { readonly file: string; readonly text: string } | { readonly file: string; readonly unreadable: string };

/**
 * The templates as they are on disk now, each read once a run (synth keys the Java output it caches with
 * them, and records them as read): one whose text changed since it was compiled is compiled again (a
 * template under $STREAMT_TEMPLATES_DIR may be edited between two runs of one process, synth --watch).
 */
export function templatesOnDisk(): TemplateOnDisk[] {
  return TEMPLATE_NAMES.map((name) => {
    const file = path.join(templatesDir(), "java", name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      return { file, unreadable: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
    if (compiled.get(file)?.text !== text) compiled.delete(file);
    return { file, text };
  });
}

/** The hash of the templates' texts; a template that cannot be read is STREAMT-B012. */
export function templatesKey(templates: readonly TemplateOnDisk[]): string {
  const hash = createHash("sha256");
  for (const t of templates) {
    if ("unreadable" in t) throw templateError(t.file, `cannot be read (${t.unreadable})`);
    hash.update(`${path.basename(t.file)}\0${t.text}\0`);
  }
  return hash.digest("hex");
}

function readTemplate(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw templateError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A template compiled once (until templatesOnDisk finds its text changed); a missing or broken template is STREAMT-B012, naming the file. */
function template(name: string): Handlebars.TemplateDelegate {
  const file = path.join(templatesDir(), "java", name);
  let t = compiled.get(file);
  if (!t) {
    const text = readTemplate(file);
    // noEscape: the emitter escapes for the target language itself (Java, XML, Markdown); strict: a
    // field the template names and the model lacks is an error, never an empty string.
    t = { text, render: Handlebars.compile(text, { noEscape: true, strict: true }) };
    compiled.set(file, t);
  }
  return t.render;
}

function templateError(file: string, why: string): StreamtError {
  return new StreamtError({
    code: BuildErrorCode.templateError,
    message: `the Java project template ${file} ${why}`,
    hint: "reinstall streamt-sdk (or, with $STREAMT_TEMPLATES_DIR set, fix that template or unset it)",
  });
}

function render(name: string, context: object): string {
  const t = template(name);
  try {
    return t(context);
  } catch (e) {
    throw templateError(path.join(templatesDir(), "java", name), `failed to render: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** XML text content: the five characters XML gives meaning to, escaped. */
export function xmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Markdown inline code holding any text (backticks and line breaks cannot end it). */
function markdownCode(s: string): string {
  const text = s.replace(/[\r\n\u2028\u2029]+/g, " ");
  const fence = "`".repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${fence} ${text} ${fence}`;
}

const FORMAT_DEPENDENCIES: Readonly<Record<string, { artifactId: string; version: string }>> = {
  json: { artifactId: "flink-json", version: "${flink.version}" },
  "debezium-json": { artifactId: "flink-json", version: "${flink.version}" },
  csv: { artifactId: "flink-csv", version: "${flink.version}" },
  raw: { artifactId: "", version: "" },
  "avro-confluent": { artifactId: "flink-sql-avro-confluent-registry", version: "${flink.version}" },
  "debezium-avro-confluent": { artifactId: "flink-sql-avro-confluent-registry", version: "${flink.version}" },
};

/** The Maven project's files (paths relative to the project folder). */
export function renderJavaProject(m: JavaProjectModel): EmittedFile[] {
  const { plan, java } = m;
  const p = plan.pipeline;
  const site = p.site ? `${p.site.file}:${p.site.line}` : null;
  const formats = [...new Set(java.formats.map((f) => FORMAT_DEPENDENCIES[f]?.artifactId ?? "").filter((a) => a !== ""))].sort();
  const header = [
    javaComment(`Generated by streamt-sdk ${m.sdkVersion}. Do not edit: change the pipeline and synthesise again.`),
    javaComment(`pipeline: ${p.name}${site ? ` (${site})` : ""}; Flink ${plan.flinkVersion}; the SQL output of the same job plan is ${p.name}.sql`),
  ];
  const sqlSteps = java.sqlSteps.map((s) => javaComment(`  ${s.path}: ${s.why}`));
  const javaFile = render("Job.java.hbs", {
    header,
    packageName: m.packageName,
    className: java.className,
    pipelineName: javaString(p.name),
    jarName: javaString(`${m.jarName}.jar`),
    env: java.env.map((e) => javaString(e)),
    hasEnv: java.env.length > 0,
    usesKafka: java.usesKafka,
    sqlSteps,
    settings: java.settings,
    steps: java.steps,
    inserts: java.inserts,
  });
  const pom = render("pom.xml.hbs", {
    artifactId: xmlText(m.jarName.replace(/[^A-Za-z0-9_.-]/g, "-")),
    description: xmlText(`The Flink job of streamt-sdk pipeline ${p.name}`),
    sdkVersion: xmlText(m.sdkVersion),
    finalName: xmlText(m.jarName),
    mainClass: xmlText(m.mainClass),
    usesKafka: java.usesKafka,
    formats: formats.map((a) => ({ artifactId: a, version: FORMAT_DEPENDENCIES[Object.keys(FORMAT_DEPENDENCIES).find((k) => FORMAT_DEPENDENCIES[k]!.artifactId === a)!]!.version })),
    profiles: FLINK_PROFILES.map((f) => ({ ...f, id: `flink-${f.line}`, active: f.line === plan.flinkVersion })),
  });
  const readme = render("README.md.hbs", {
    pipeline: markdownCode(p.name),
    site: site ? markdownCode(site) : "",
    hasSite: site !== null,
    flinkVersion: plan.flinkVersion,
    jar: `target/${m.jarName}.jar`.replace(/[^A-Za-z0-9_./-]/g, "_"),
    mainClass: m.mainClass,
    sdkVersion: m.sdkVersion,
    env: java.env,
    hasEnv: java.env.length > 0,
    sqlSteps: java.sqlSteps.map((s) => ({ path: markdownCode(s.path), why: s.why })),
    hasSqlSteps: java.sqlSteps.length > 0,
    profiles: FLINK_PROFILES.map((f) => ({ ...f, id: `flink-${f.line}` })),
  });
  return [
    { path: "pom.xml", content: pom },
    { path: `src/main/java/${m.packageName.replace(/\./g, "/")}/${java.className}.java`, content: javaFile },
    { path: "README.md", content: readme },
  ];
}
