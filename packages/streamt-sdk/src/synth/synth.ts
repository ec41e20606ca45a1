import { createHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { analysePlan, unusedSources } from "../analysis/analyse.js";
import { compareDiagnostics, isFailing, type Diagnostic } from "../analysis/diagnostic.js";
import { setSiteRoot } from "../dsl/call-site.js";
import { sqlArtifact } from "../emit-sql/sql-emitter.js";
import { lowerPipeline } from "../ir/job-plan.js";
import type { EmittedArtifact } from "../artifact.js";
import { DEFAULT_FLINK_VERSION } from "../emit-sql/dialect.js";
import { isStreamtError } from "../errors.js";
import { topicUse } from "../ir/topic-use.js";
import { envNames } from "../ir/secret.js";
import { planToJson } from "../ir/plan-json.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { buildPlan } from "./build-plan.js";
import path from "node:path";
import { projectRules, readProjectRules, type RulesData } from "../deploy/load-rules.js";
import { CONFIG_FILE } from "../deploy/define-config.js";
import { existsSync } from "node:fs";
import { cacheFolder, findTsconfig, fingerprint, inputsOf, reuseTypecheck } from "./cache.js";
import { codeCacheNotes, loadCompilerWithCodeCache, saveCompilerCodeCache } from "./compiler-cache.js";
import { MISSING } from "./cache-file.js";
import { joinInputs, type RunInputs } from "./last-run.js";
import { loadEntries, type LoadResult } from "./load.js";
import { emitOptionsKey, ModuleCache, type ModulePipeline } from "./module-cache.js";
import { aboutOf, MANIFEST_VERSION, upstreamOf, type UpstreamEntry } from "./manifest.js";
import { manifestJson, type ListElement } from "./manifest-json.js";
import { collectTopics } from "./topics.js";
import { SDK_VERSION } from "../version.js";
import type { KubernetesTarget } from "./k8s-resources.js";
import type { TemplateOnDisk } from "../emit-java/templates.js";

export interface SynthOptions {
  readonly entries: readonly string[];
  /** Project root: relative paths and reported file names are against it. */
  readonly root: string;
  readonly typecheck: boolean;
  readonly flinkVersion: string;
  readonly bootstrapServers: string;
  /** Open warnings fail too. */
  readonly strict: boolean;
  /** Overrides every pipeline's parallelism in the emitted SQL (local runs). */
  readonly parallelismOverride?: number;
  /** What to write: SQL scripts (the default), Java projects, Java projects built into JARs, or all. */
  readonly target?: SynthTarget;
  /**
   * Keep the type-check's incremental state in the project's cache folder (synth/cache.ts), so an
   * unchanged file is not checked again. The CLI turns it on unless --no-cache; off by default here.
   */
  readonly cache?: boolean;
  /**
   * With `cache`, also keep each entry module's plan and emitted files (synth/module-cache.ts), so an
   * unchanged module is neither imported nor emitted again. The CLI's synth and check turn it on.
   */
  readonly moduleCache?: boolean;
  /**
   * Collect what the run reads (the CLI's record of the last synth, last-run.ts): the result's `read`.
   * Needs `cache` and `moduleCache`: the caches' records say what each stage read.
   */
  readonly recordInputs?: boolean;
  /** Called once before the entry modules are imported (the CLI registers its TypeScript loader). */
  readonly beforeLoad?: () => void;
  /**
   * Imports entry modules (default: loadEntries, in this process). synth --watch imports in a thread of
   * its own (synth/import-worker.ts), each run under new URLs, since a module once imported is never imported again.
   */
  readonly importEntries?: (entries: readonly string[], root: string) => Promise<ImportResult>;
  /**
   * Reads the project's rules from streamt.config.ts (default: readProjectRules, in this process).
   * synth --watch reads them in its import thread, each run under new URLs, as the entry modules.
   */
  readonly readRules?: (root: string) => Promise<RulesData>;
  /**
   * With `moduleCache`: synth() does not write the module cache; the result's `saveCache` does, when
   * the caller wants (synth --watch, once the output is written: the cache on disk is for the next
   * process, and this one keeps it in memory).
   */
  readonly deferCacheSave?: boolean;
  /** With target "k8s": the environment the Flink Kubernetes Operator resources are written for (synth/k8s-resources.ts). */
  readonly kubernetes?: KubernetesTarget;
}

/** What importing entry modules gives: as LoadResult, with pipelines as live objects or as plan data. */
export type ImportResult = Omit<LoadResult, "pipelines"> & {
  readonly pipelines: readonly ModulePipeline[];
  /** Each module's pipelines as plan data (module-cache.ts), when the import already made it (synth --watch's thread). */
  readonly plans?: ReadonlyMap<string, string>;
};

export const SYNTH_TARGETS = ["sql", "java", "jar", "all", "k8s"] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

/** A pipeline's Maven project to build into its JAR once the files are on disk (synth --target jar|all). */
export interface JarBuild {
  readonly pipeline: string;
  readonly flinkVersion: string;
  /** The project folder and the JAR Maven writes, relative to the output folder. */
  readonly projectDir: string;
  readonly jar: string;
  readonly mainClass: string;
}

export interface StageTimings {
  load: number;
  typecheck: number;
  plan: number;
  analyse: number;
  emit: number;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly plan: Plan | null;
  readonly diagnostics: Diagnostic[];
  /** Not findings: what synth noticed on the way (a corrupt or foreign cache ignored), for stderr. */
  readonly notes: string[];
  readonly timings: StageTimings;
  /**
   * With `recordInputs`: every file and folder the result depends on (inputs null when something it
   * depends on is not in a file: then it cannot be replayed), and the SDK packages the entries import.
   */
  readonly read?: { readonly inputs: RunInputs | null; readonly packages: readonly string[] };
}

import type { OutputFile } from "./output-folder.js";
export { writeOutput, type OutputFile } from "./output-folder.js";

export interface SynthResult extends CheckResult {
  readonly files: OutputFile[];
  /** The JARs to build after the files are written (see runtime/jar-build.ts); empty unless --target jar|all. */
  readonly jars: JarBuild[];
  /** With `deferCacheSave`: writes the module cache, returning its notes. */
  readonly saveCache?: () => string[];
  /** With `deferCacheSave`: the files the entries' modules were made from, as the module cache knows them. */
  readonly sourceFiles?: readonly string[];
  /**
   * With `deferCacheSave`: the entries whose files are not in `sourceFiles` (every entry without the module
   * cache; with it, those neither cached nor imported cleanly this run).
   */
  readonly unrecordedEntries?: readonly string[];
}

const now = (): number => performance.now();

/**
 * The stages every command shares: load -> type-check -> build plan -> analyse. All findings are
 * collected; `ok` is false if any would fail (errors, or open warnings under --strict).
 */
export async function check(options: SynthOptions): Promise<CheckResult> {
  const modules: ModuleState = { cache: null, fileOf: new Map() };
  return saved(await checkStages(options, modules), modules);
}

/** The module cache of one run (when on), and where each pipeline was exported (emit reads it). */
interface ModuleState {
  cache: ModuleCache | null;
  readonly fileOf: Map<PipelineDef, string>;
}

/** Writes what the run added to the module cache; its notes join the result's. */
function saved<R extends CheckResult>(result: R, modules: ModuleState): R {
  result.notes.push(...saveModules(modules));
  return result;
}

/** Writes what the run added to the module cache; returns its notes. */
function saveModules(modules: ModuleState): string[] {
  if (!modules.cache) return [];
  modules.cache.save();
  return modules.cache.notes;
}

async function checkStages(options: SynthOptions, modules: ModuleState): Promise<CheckResult> {
  setSiteRoot(options.root);
  const timings: StageTimings = { load: 0, typecheck: 0, plan: 0, analyse: 0, emit: 0 };
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  // What each stage read, as it ran: the run's result depends on these alone.
  const reads: (RunInputs | null)[] = [];
  let packages: string[] = [];
  const finish = (plan: Plan | null): CheckResult => {
    notes.push(...codeCacheNotes());
    const sorted = [...diagnostics].sort(compareDiagnostics);
    const read = options.recordInputs ? { read: { inputs: joinInputs(reads), packages } } : {};
    return { ok: plan !== null && !sorted.some((d) => isFailing(d, options.strict)), plan, diagnostics: sorted, notes, timings, ...read };
  };

  let t = now();
  if (options.typecheck) {
    // Loaded only when asked for: the TypeScript compiler costs ~0.4 s and ~70 MB to load.
    // Unchanged since the last check: its findings, without loading the compiler at all.
    const cacheDir = options.cache ? cacheFolder(options.root) : undefined;
    const reused = cacheDir ? reuseTypecheck(options.entries, options.root, cacheDir) : { result: null, notes: [] };
    notes.push(...reused.notes);
    const checked = reused.result ?? (await withCompiler(options, async () => (await import("./typecheck.js")).typecheckEntries(options.entries, options.root, cacheDir ? { cacheDir } : {})));
    diagnostics.push(...checked.diagnostics);
    if (!reused.result) notes.push(...checked.notes);
    reads.push(checked.read ? inputsOf(checked.read) : null);
    collectGarbage();
    timings.typecheck = now() - t;
    // A module that does not type-check is not run: its errors would only repeat the compiler's.
    if (diagnostics.length > 0) return finish(null);
  }

  t = now();
  // The project's rules (streamt.config.ts), a TypeScript module too: a config that does not load stops here.
  // The loader is registered only when there is one: a run whose modules all come from the cache needs none.
  if (!options.readRules && existsSync(path.join(options.root, CONFIG_FILE))) options.beforeLoad?.();
  const config = await projectRules(await (options.readRules ?? readProjectRules)(options.root), options.root);
  if (options.recordInputs) reads.push(await configInputs(options));
  if (config.error) {
    diagnostics.push(config.error);
    return finish(null);
  }
  const cache = options.cache && options.moduleCache ? ModuleCache.open(options.entries, options.root, cacheFolder(options.root)) : null;
  modules.cache = cache;
  const toImport = cache ? cache.stale() : options.entries;
  let loaded: ImportResult = { pipelines: [], exportedSources: [], exportedSourcesOf: new Map(), diagnostics: [] };
  if (toImport.length > 0) {
    if (!options.importEntries) options.beforeLoad?.();
    loaded = await (options.importEntries ?? loadEntries)(toImport, options.root);
  }
  diagnostics.push(...loaded.diagnostics);
  let fromCache = cache ? await fromModuleCache(cache, loaded, options) : loaded;
  if (fromCache === null) {
    // An entry imports another entry: no cached module may stand in for a live one (see module-cache.ts).
    loaded = await (options.importEntries ?? loadEntries)(options.entries, options.root);
    diagnostics.push(...loaded.diagnostics);
    fromCache = loaded;
  }
  const { pipelines, exportedSources } = fromCache;
  if (options.recordInputs) {
    const modulesRead = cache?.inputs() ?? { inputs: null, packages: [] };
    reads.push(modulesRead.inputs);
    packages = modulesRead.packages;
  }
  for (const p of pipelines) modules.fileOf.set(p.pipeline.definition, p.file);
  timings.load = now() - t;
  if (pipelines.length === 0) return finish(null);

  t = now();
  const { plan, diagnostics: planDiagnostics } = buildPlan(pipelines);
  timings.plan = now() - t;
  diagnostics.push(...planDiagnostics);

  t = now();
  diagnostics.push(...analysePlan(plan, { rules: config.rules }), ...unusedSources(exportedSources, plan));
  timings.analyse = now() - t;
  return finish(plan);
}

/** The templates as read, hashed as the last run compares files (MISSING when one could not be read). */
function templatesRead(templates: readonly TemplateOnDisk[]): RunInputs {
  return { files: new Map(templates.map((t) => [t.file, "text" in t ? sha256(t.text) : MISSING])), folders: new Set() };
}

/**
 * Work with the TypeScript compiler, loaded first through V8's code cache in synth's cache folder
 * (compiler-cache.ts), unless the run keeps no cache; the cache is saved after the work, if V8 had none.
 */
async function withCompiler<T>(options: SynthOptions, work: () => Promise<T>): Promise<T> {
  if (options.cache) loadCompilerWithCodeCache(cacheFolder(options.root));
  const result = await work();
  saveCompilerCodeCache();
  return result;
}

/**
 * What loading streamt.config.ts read: the file (its absence counts too) and its import graph. Null
 * when the graph cannot be followed statically or reads the environment (as module-graph.ts decides).
 */
async function configInputs(options: SynthOptions): Promise<RunInputs | null> {
  const config = path.join(options.root, CONFIG_FILE);
  if (!existsSync(config)) return { files: new Map([[config, MISSING]]), folders: new Set() };
  const graph = await withCompiler(options, async () => (await import("./module-graph.js")).moduleGraph(config, findTsconfig(config, options.root)));
  return graph.uncacheable === null ? inputsOf(fingerprint(graph.texts, graph.configFiles)) : null;
}

/**
 * Every entry's pipelines in entry order, as a cold load gives them: a cached entry's from its plan,
 * an imported one's live (and recorded with its import graph for the next run, if it loaded cleanly).
 */
async function fromModuleCache(modules: ModuleCache, loaded: ImportResult, options: SynthOptions): Promise<{ pipelines: readonly ModulePipeline[]; exportedSources: string[] } | null> {
  const absolute = options.entries.map((e) => path.resolve(options.root, e));
  const files = absolute.map((f) => path.relative(options.root, f).split(path.sep).join("/"));
  const imported = modules.stale();
  if (imported.length > 0 && loaded.diagnostics.length === 0) {
    // The compiler's scanner and resolver: loaded only when a module was imported again.
    const { moduleGraph } = await withCompiler(options, () => import("./module-graph.js"));
    const tsconfig = findTsconfig(absolute[0]!, options.root);
    const entryFiles = new Set(absolute);
    for (const file of imported) {
      const graph = moduleGraph(path.resolve(options.root, file), tsconfig);
      modules.record(file, loaded.pipelines.filter((p) => p.file === file), loaded.exportedSourcesOf.get(file) ?? [], graph, entryFiles, loaded.plans?.get(file));
    }
    if (modules.entriesImportEntries) return null;
  }
  const pipelines: ModulePipeline[] = [];
  const sources = new Set<string>();
  for (const file of files) {
    const cached = modules.cached(file);
    pipelines.push(...(cached?.pipelines ?? loaded.pipelines.filter((p) => p.file === file)));
    for (const s of cached?.exportedSources ?? loaded.exportedSourcesOf.get(file) ?? []) sources.add(s);
  }
  return { pipelines, exportedSources: [...sources].sort() };
}

/**
 * Full garbage collections now: the compiler's program (the largest thing synth ever holds) is
 * garbage once the type-check returns, and collecting it before the modules load keeps the peak
 * memory at the type-check's instead of the sum of both. One collection is not always enough: in
 * some runs V8 frees the program only in the third (measured: heap 157 -> 157 -> 47 MB), so collect
 * until the heap has at least halved, at most three times (~20-30 ms each).
 */
function collectGarbage(): void {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const start = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3; i++) {
      gc();
      if (process.memoryUsage().heapUsed < start / 2) break;
    }
  } catch {
    // Only memory is at stake: V8 collects on its own schedule.
  }
}

/** check(), then, if nothing fails, every output file in memory (written by writeOutput). */
export async function synth(options: SynthOptions): Promise<SynthResult> {
  const modules: ModuleState = { cache: null, fileOf: new Map() };
  const checked = await checkStages(options, modules);
  const done = (r: SynthResult): SynthResult =>
    options.deferCacheSave ? { ...r, saveCache: () => saveModules(modules), sourceFiles: modules.cache?.files() ?? [], unrecordedEntries: modules.cache?.unfollowed() ?? options.entries } : saved(r, modules);
  if (!checked.ok || !checked.plan) return done({ ...checked, files: [], jars: [] });
  const t = now();
  const diagnostics = [...checked.diagnostics];
  let emitted: { files: OutputFile[]; jars: JarBuild[] };
  // The Java emitter (and Handlebars, its templates' engine: ~0.2 s to load) only for a Java target.
  const target = options.target ?? "sql";
  const java = target === "sql" || target === "k8s" ? null : await import("../emit-java/java-emitter.js");
  // Java projects are rendered from the templates too: a run that records what it read records them (even
  // one that failed for a missing template: adding it must end the replay of that failure).
  const templates = java?.templatesOnDisk() ?? [];
  const read = java && checked.read ? { read: { ...checked.read, inputs: joinInputs([checked.read.inputs, templatesRead(templates)]) } } : {};
  try {
    const k8s = target === "k8s" ? await import("./k8s-resources.js") : null;
    emitted = emitAll(checked.plan, checked.diagnostics, options, modules, java, k8s, java ? java.templatesKey(templates) : null);
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    diagnostics.push({ code: e.code, severity: "error", pipeline: null, path: e.path ?? "", site: e.site, message: e.message, hint: e.hint ?? "" });
    return done({ ...checked, ...read, ok: false, diagnostics, files: [], jars: [] });
  }
  checked.timings.emit = now() - t;
  return done({ ...checked, ...read, ...emitted });
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/**
 * An output file's sha256, kept with the file: a cached pipeline's files are the same objects from run
 * to run in a warm process (synth --watch), so only what was emitted anew is hashed again.
 */
const hashes = new WeakMap<OutputFile, string>();
function contentHash(f: OutputFile): string {
  let hash = hashes.get(f);
  if (hash === undefined) hashes.set(f, (hash = sha256(f.content)));
  return hash;
}

/** The Java emitter's module, loaded by synth() when the target has Java output. */
type JavaEmitter = typeof import("../emit-java/java-emitter.js");
/** The Kubernetes resources' module, loaded by synth() for --target k8s. */
type KubernetesEmitter = typeof import("./k8s-resources.js");

function emitAll(plan: Plan, diagnostics: readonly Diagnostic[], options: SynthOptions, modules: ModuleState, java: JavaEmitter | null, k8s: KubernetesEmitter | null, templatesKey: string | null): { files: OutputFile[]; jars: JarBuild[] } {
  const target = options.target ?? "sql";
  const jars: JarBuild[] = [];
  // A pipeline's files depend on its plan, these options and (Java) the project templates alone: a cached module's are reused.
  const optionsKey = emitOptionsKey({ target, flinkVersion: options.flinkVersion, bootstrapServers: options.bootstrapServers, parallelismOverride: options.parallelismOverride ?? null, templates: templatesKey });
  const emitted: EmittedArtifact[] = plan.pipelines.flatMap((p) => {
    const file = modules.cache ? modules.fileOf.get(p) : undefined;
    const cached = file !== undefined ? modules.cache!.output(file, p.name, optionsKey) : undefined;
    if (cached) {
      jars.push(...(cached.jars as JarBuild[]));
      return [...cached.artifacts];
    }
    const before = jars.length;
    const outputs = emitPipeline(p, options, target, jars, java);
    if (file !== undefined) modules.cache!.storeOutput(file, p.name, optionsKey, { artifacts: outputs, jars: jars.slice(before) });
    return outputs;
  });
  if (k8s) emitted.push(...kubernetesArtifacts(plan, options, emitted, k8s));
  return assemble(plan, diagnostics, options, emitted, jars);
}

/** Each pipeline's Flink Kubernetes Operator resources, around its SQL script (or its JAR). */
function kubernetesArtifacts(plan: Plan, options: SynthOptions, emitted: readonly EmittedArtifact[], k8s: KubernetesEmitter): EmittedArtifact[] {
  const target = options.kubernetes;
  if (!target) throw new Error("internal: synth --target k8s without an environment");
  const header = `Generated by streamt-sdk ${SDK_VERSION} (synth --target k8s --env ${target.environment}) for the Flink Kubernetes Operator ${k8s.OPERATOR_API_VERSION}: kubectl apply -f this file`;
  return plan.pipelines.map((p) => {
    const script = emitted.find((a) => a.type === "sql-script" && a.pipeline === p.name);
    return k8s.kubernetesArtifact({ pipeline: p, flinkVersion: p.settings.flinkVersion ?? options.flinkVersion, script: script?.files[0]?.content ?? null, secretEnv: secretEnvOf(p) }, target, header);
  });
}

/** Each pipeline lowered once to its job plan, which every output renders: the SQL script, the Java project. */
function emitPipeline(p: PipelineDef, options: SynthOptions, target: SynthTarget, jars: JarBuild[], java: JavaEmitter | null): EmittedArtifact[] {
  const sql = target === "sql" || target === "all" || target === "k8s";
  const job = lowerPipeline(p, { flinkVersion: options.flinkVersion, ...(options.parallelismOverride !== undefined ? { parallelismOverride: options.parallelismOverride } : {}) });
  const outputs: EmittedArtifact[] = [];
  if (sql) outputs.push(sqlArtifact(job, { bootstrapServers: options.bootstrapServers, sdkVersion: SDK_VERSION }));
  if (java) {
    const project = java.javaArtifact(job, { sdkVersion: SDK_VERSION });
    outputs.push(project);
    if ((target === "jar" || target === "all") && project.type === "java-project") {
      jars.push({ pipeline: p.name, flinkVersion: job.flinkVersion, projectDir: java.javaProjectDir(p.name), jar: java.jarPath(p.name), mainClass: project.mainClass });
    }
  }
  return outputs;
}

/** plan.json, topics.json and the manifest, over every pipeline, beside the pipelines' own files. */
function assemble(plan: Plan, diagnostics: readonly Diagnostic[], options: SynthOptions, emitted: EmittedArtifact[], jars: JarBuild[]): { files: OutputFile[]; jars: JarBuild[] } {
  const topics = collectTopics(plan);
  emitted.push(
    { id: "plan", type: "plan", files: [{ path: "plan.json", content: planToJson(plan) }], dependsOn: [] },
    { id: "topics", type: "topics", files: [{ path: "topics.json", content: JSON.stringify({ version: 1, topics }, null, 2) + "\n" }], dependsOn: [] },
  );
  const files: OutputFile[] = emitted.flatMap((a) => a.files);
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) throw new Error(`internal: two artifacts write ${f.path}`);
    paths.add(f.path);
  }
  // Each pipeline's artifacts, by name: looked up once per pipeline (a search per pipeline is quadratic at 1,000).
  const artifactsOf = new Map<string, string[]>();
  for (const a of emitted) {
    if (a.type === "sql-script" || a.type === "java-project" || a.type === "k8s-resources") artifactsOf.set(a.pipeline, [...(artifactsOf.get(a.pipeline) ?? []), a.id]);
  }
  // Recorded by the JAR build, once Maven has written it (runtime/jar-build.ts).
  for (const j of jars) artifactsOf.set(j.pipeline, [...(artifactsOf.get(j.pipeline) ?? []), `jar:${j.pipeline}`]);

  const writers = new Map(topics.map((t) => [t.name, t.writtenBy]));
  const pipelines = [...plan.pipelines]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((p): ListElement => {
      const sources = [...new Set(topicUse(p).reads.map((r) => r.topic))].sort();
      const flinkVersion = p.settings.flinkVersion ?? options.flinkVersion;
      const artifactIds = [...(artifactsOf.get(p.name) ?? [])].sort();
      const dependsOn = [...new Set(sources.flatMap((t) => writers.get(t) ?? []).filter((w) => w !== p.name))].sort();
      const upstream = upstreamOf(p, plan);
      // The entry's other parts come from the pipeline's plan alone, which never changes once made.
      return { owner: p, variant: JSON.stringify([flinkVersion, artifactIds, dependsOn, upstream]), entry: () => pipelineEntry(p, { flinkVersion, artifacts: artifactIds, sources, dependsOn, upstream }) };
    });
  const artifacts = [...emitted]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((a): ListElement => ({ owner: a, variant: "", entry: () => ({ ...a, files: a.files.map((f) => ({ path: f.path, sha256: contentHash(f) })) }) }));
  const manifest = manifestJson({ version: MANIFEST_VERSION, sdkVersion: SDK_VERSION, flinkVersion: options.flinkVersion, pipelines, artifacts, diagnostics });
  files.push({ path: "manifest.json", content: manifest });
  return { files, jars };
}

/** A pipeline's entry in the manifest, from its plan and what spans pipelines. */
function pipelineEntry(p: PipelineDef, spanning: { flinkVersion: string; artifacts: string[]; sources: string[]; dependsOn: string[]; upstream: UpstreamEntry[] }): object {
  const use = topicUse(p);
  const sinks = [...new Set([
    ...p.sinks.flatMap((s) => (s.connector.kind === "kafka" || s.connector.kind === "upsert-kafka" ? [s.connector.topic] : [`${s.connector.kind}:${s.name}`])),
    ...use.deadLetters.map((d) => d.topic),
  ])].sort();
  const { flinkVersion, artifacts, sources, dependsOn, upstream } = spanning;
  return { name: p.name, flinkVersion, site: p.site, artifacts, sources, sinks, dependsOn, upstream, env: secretEnvOf(p), ...aboutOf(p) };
}

/** The environment variables a pipeline's secrets are read from (its sources' and Kafka sinks' env("NAME")), sorted. */
function secretEnvOf(p: PipelineDef): string[] {
  const use = topicUse(p);
  return [...new Set([
    ...use.reads.flatMap((r) => envNames(r.node.kafka.properties)),
    ...use.writes.flatMap((w) => (w.node.connector.kind === "kafka" || w.node.connector.kind === "upsert-kafka" ? envNames(w.node.connector.properties) : [])),
  ])].sort();
}

export { DEFAULT_FLINK_VERSION };
