import { z } from "zod";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { topicUse } from "../ir/topic-use.js";

/** Version 2: typed artifacts (id, type, files, dependencies; a SQL script's statement map). */
export const MANIFEST_VERSION = 2;

const site = z.strictObject({ file: z.string(), line: z.number().int(), column: z.number().int() }).nullable();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const file = z.strictObject({ path: z.string().min(1), sha256 });

export const diagnosticSchema = z.strictObject({
  code: z.string(),
  severity: z.enum(["error", "warning"]),
  pipeline: z.string().nullable(),
  path: z.string(),
  site,
  message: z.string(),
  hint: z.string(),
  acknowledged: z.strictObject({ reason: z.string() }).optional(),
});

/** Where a statement of a SQL script is, and the step and user code it comes from. */
const statementSchema = z.strictObject({
  index: z.number().int().positive(),
  line: z.number().int().positive(),
  kind: z.enum(["set", "create-table", "create-view", "insert", "statement-set"]),
  path: z.string(),
  site,
  /** The INSERTs of a statement set, each with its line, sink path and call site. */
  parts: z.array(z.strictObject({ line: z.number().int().positive(), path: z.string(), site })).optional(),
});

const upstreamSchema = z.strictObject({
  source: z.string(),
  topic: z.string(),
  /** The writing pipeline; null when the handle's sink was not yet written by a pipeline when the source was made. */
  pipeline: z.string().nullable(),
  sink: z.string(),
  typed: z.boolean(),
});

const describedSinkSchema = z.strictObject({
  sink: z.string(),
  /** The topic it writes; null for a print or blackhole sink. */
  topic: z.string().nullable(),
  description: z.string().optional(),
  owner: z.string().optional(),
});

const common = { id: z.string().min(1), files: z.array(file).min(1), dependsOn: z.array(z.string()) };

/** What synth wrote, by type: never guessed from a file's name. */
export const artifactSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...common, type: z.literal("sql-script"), pipeline: z.string(), flinkVersion: z.string(), statements: z.array(statementSchema) }),
  /** A pipeline's generated Table API Maven project (`--target java|jar|all`). */
  z.strictObject({ ...common, type: z.literal("java-project"), pipeline: z.string(), flinkVersion: z.string(), mainClass: z.string(), sqlSteps: z.array(z.string()) }),
  /** The deployable JAR Maven built from a pipeline's project (`--target jar|all`); depends on the project. */
  z.strictObject({ ...common, type: z.literal("jar"), pipeline: z.string(), flinkVersion: z.string(), mainClass: z.string() }),
  z.strictObject({ ...common, type: z.literal("k8s-resources"), pipeline: z.string() }),
  z.strictObject({ ...common, type: z.literal("plan") }),
  z.strictObject({ ...common, type: z.literal("topics") }),
]);

/**
 * manifest.json: what synth wrote and why. Validated on write and on read, so a tool reading an output
 * folder from another SDK version fails clearly instead of misreading it.
 */
export const manifestSchema = z.strictObject({
  version: z.literal(MANIFEST_VERSION),
  sdkVersion: z.string(),
  flinkVersion: z.string(),
  pipelines: z.array(
    z.strictObject({
      name: z.string(),
      flinkVersion: z.string(),
      site,
      /** Ids of the pipeline's artifacts (its SQL script, Java project, JAR). */
      artifacts: z.array(z.string()),
      sources: z.array(z.string()),
      sinks: z.array(z.string()),
      dependsOn: z.array(z.string()),
      /**
       * Lineage: each source whose topic has a known writer, with that writer's pipeline and sink. `typed`
       * when the source was made from the sink's handle (`source(name, { from: sink })`), whose pipeline
       * may be in another package and not in this synth. Optional: manifests written before it still read.
       */
      upstream: z.array(upstreamSchema).optional(),
      /** Environment variables the pipeline's secrets are read from when a job starts (names only). */
      env: z.array(z.string()),
      /** The pipeline's description and owner options; absent when not given. */
      description: z.string().optional(),
      owner: z.string().optional(),
      /** The pipeline's sinks that have a description or owner, by sink path; absent when none has. */
      describedSinks: z.array(describedSinkSchema).optional(),
    }),
  ),
  artifacts: z.array(artifactSchema),
  diagnostics: z.array(diagnosticSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type Artifact = z.infer<typeof artifactSchema>;
export type SqlScriptArtifact = Extract<Artifact, { type: "sql-script" }>;
export type StatementEntry = z.infer<typeof statementSchema>;

/** The SQL script artifact of a pipeline. */
export function sqlScriptOf(manifest: Manifest, pipeline: string): SqlScriptArtifact | null {
  return manifest.artifacts.find((a): a is SqlScriptArtifact => a.type === "sql-script" && a.pipeline === pipeline) ?? null;
}

export function parseManifest(json: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version < MANIFEST_VERSION) {
    throw new Error(`${where} was written by an older streamt-sdk (manifest version ${version}; this one reads version ${MANIFEST_VERSION})`);
  }
  const r = manifestSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${where} is not a streamt-sdk manifest (version ${MANIFEST_VERSION}): ${i.path.join(".") || "root"}: ${i.message}`);
  }
  return r.data;
}

export type UpstreamEntry = z.infer<typeof upstreamSchema>;

/**
 * A pipeline's description and owner, and its sinks' that have one, as the manifest records them: keys
 * only for what was given, so a project that describes nothing has the manifest it had before.
 */
export function aboutOf(pipeline: PipelineDef): { description?: string; owner?: string; describedSinks?: z.infer<typeof describedSinkSchema>[] } {
  const sinks = pipeline.sinks
    .filter((s) => s.description !== undefined || s.owner !== undefined)
    .map((s) => ({
      sink: s.path,
      topic: s.connector.kind === "kafka" || s.connector.kind === "upsert-kafka" ? s.connector.topic : null,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.owner !== undefined ? { owner: s.owner } : {}),
    }))
    .sort((a, b) => (a.sink < b.sink ? -1 : a.sink > b.sink ? 1 : 0));
  return {
    ...(pipeline.description !== undefined ? { description: pipeline.description } : {}),
    ...(pipeline.owner !== undefined ? { owner: pipeline.owner } : {}),
    ...(sinks.length > 0 ? { describedSinks: sinks } : {}),
  };
}

const writersByPlan = new WeakMap<Plan, Map<string, { pipeline: string; sink: string }[]>>();

/** Every Kafka sink of the plan by the topic it writes, in plan order; once per plan (the manifest asks per pipeline). */
function writersOf(plan: Plan): Map<string, { pipeline: string; sink: string }[]> {
  let writers = writersByPlan.get(plan);
  if (writers) return writers;
  writers = new Map();
  for (const p of plan.pipelines) {
    for (const w of topicUse(p).writes) {
      let list = writers.get(w.topic);
      if (!list) writers.set(w.topic, (list = []));
      list.push({ pipeline: p.name, sink: w.node.path });
    }
  }
  writersByPlan.set(plan, writers);
  return writers;
}

/**
 * Where a pipeline's sources come from: the sink a source was made from (its handle), and every sink of
 * the plan that writes a topic the pipeline reads. Sorted by source, then pipeline and sink.
 */
export function upstreamOf(pipeline: PipelineDef, plan: Plan): UpstreamEntry[] {
  const writers = writersOf(plan);
  const entries = new Map<string, UpstreamEntry>();
  const add = (e: UpstreamEntry): void => {
    const id = `${e.source}\u0000${e.sink}`;
    if (!entries.has(id) || e.typed) entries.set(id, e);
  };
  for (const { topic, node } of topicUse(pipeline).reads) {
    const ofTopic = writers.get(topic) ?? [];
    for (const w of ofTopic) if (w.pipeline !== pipeline.name) add({ source: node.name, topic, pipeline: w.pipeline, sink: w.sink, typed: false });
    const up = node.upstream;
    if (up) {
      const known = ofTopic.find((w) => w.sink === up.sink);
      add({ source: node.name, topic, pipeline: up.pipeline ?? known?.pipeline ?? null, sink: up.sink, typed: true });
    }
  }
  const order = (e: UpstreamEntry): string => `${e.source}\u0000${e.pipeline ?? ""}\u0000${e.sink}`;
  return [...entries.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
