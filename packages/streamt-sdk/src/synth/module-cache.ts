import { mkdirSync } from "node:fs";
import path from "node:path";
import type { EmittedArtifact } from "../artifact.js";
import type { PlanNode } from "../ir/plan-node.js";
import type { PipelineDef } from "../ir/plan.js";
import { SDK_VERSION } from "../version.js";
import { fingerprint, fingerprintHolds, inputsOf, type Fingerprint } from "./cache.js";
import { joinInputs, type RunInputs } from "./last-run.js";
import { fileStamp, isSdkPackage, packageStamp, readCache, SDK_ROOT, sha256, writeCache, type CacheKey } from "./cache-file.js";
import type { ModuleGraph } from "./module-graph.js";

/**
 * Per-module cache of synth (issue 14): for each entry module, the plan of the pipelines it exports
 * (the IR, as data) and what each pipeline emitted, valid while nothing the module's import graph
 * reads has changed (its files and the packages it imports, tsconfig.json, the SDK). An unchanged
 * module is then neither imported nor emitted again. What spans pipelines (analysis, topics.json,
 * plan.json, the manifest) still runs over every pipeline's plan, cached or fresh, so its results are
 * those of a cold synth.
 *
 * An entry is cached only when its result is exactly reproducible from its files: it loaded without a
 * finding, every pipeline it exports was made in the module itself (not in a shared module another
 * entry could export too), no entry imports another entry, its imports all resolve statically and no
 * file of its graph reads process.env or the file system (see module-graph.ts); otherwise it is
 * imported every time (and when an entry imports another entry, every entry is).
 */

/** An entry's record that no longer holds, with its pipelines once decoded. */
interface PreviousRecord {
  readonly record: EntryRecord;
  pipelines: ModulePipeline[] | null;
}

/** A pipeline as the plan needs it: its definition, and where it was exported. */
export interface ModulePipeline {
  readonly pipeline: { readonly definition: PipelineDef };
  readonly file: string;
  readonly exportName: string;
}

/** What one pipeline emitted under one set of emit options. */
export interface PipelineOutput {
  readonly artifacts: readonly EmittedArtifact[];
  /** A JAR to build (synth --target jar|all), as synth.ts's JarBuild. */
  readonly jars: readonly unknown[];
}

interface EntryRecord {
  readonly fingerprint: Fingerprint;
  /** The SDK packages the graph imports, with the stamp of their files (a rebuilt SDK of the same version). */
  readonly sdkPackages: [string, string][];
  /** The pipelines' plan, encoded by encodePipelines. */
  readonly plan: string;
  readonly exportedSources: string[];
  /** What each pipeline emitted, for the emit options `options` (their hash). */
  readonly emit: { readonly options: string; readonly outputs: Record<string, PipelineOutput> } | null;
}

interface Entry {
  readonly file: string;
  record: EntryRecord | null;
  pipelines: ModulePipeline[] | null;
  /** The entry's last record, when it no longer holds (the module changed): its unchanged pipelines are kept. */
  previous?: PreviousRecord;
  /** The files this run's import graph of the entry reached, when it could not be recorded (it cannot be cached). */
  unrecordedGraph?: readonly string[];
  /** Set when this run wrote or changed the record. */
  dirty: boolean;
}

export class ModuleCache {
  private readonly byFile = new Map<string, Entry>();
  readonly notes: string[] = [];
  /**
   * Set when an entry imports another entry: a pipeline both export would then be one object in a
   * cold load and two in a load that mixes cached and imported modules, so such a run imports all.
   */
  entriesImportEntries = false;

  private constructor(private readonly root: string, private readonly cacheDir: string) {}

  /** Reads the cache of every entry and keeps those whose graph is unchanged on disk. */
  static open(entries: readonly string[], root: string, cacheDir: string): ModuleCache {
    const cache = new ModuleCache(root, cacheDir);
    const seen = new Map<string, string>();
    for (const entry of entries) {
      const file = relative(root, path.resolve(root, entry));
      const remembered = warm.get(cache.fileOf(file));
      if (remembered && remembered.stamp === fileStamp(cache.fileOf(file))) {
        // Read or written by this process (synth --watch) and untouched since: no need to parse it again.
        const valid = fingerprintHolds(remembered.record.fingerprint, seen);
        cache.byFile.set(file, valid ? { file, record: remembered.record, pipelines: remembered.pipelines, dirty: false } : { file, record: null, pipelines: null, previous: remembered, dirty: false });
        continue;
      }
      const read = readCache(cache.fileOf(file), cache.keyOf(file));
      if (read.note) cache.notes.push(read.note);
      let record: EntryRecord | null = null;
      if (read.data !== null) {
        try {
          record = JSON.parse(read.data) as EntryRecord;
        } catch {
          cache.notes.push(`module cache of ${file} holds no plan: ignored, rebuilt`);
        }
      }
      const valid = record !== null && fingerprintHolds(record.fingerprint, seen) && record.sdkPackages.every(([dir, stamp]) => packageStamp(dir) === stamp);
      cache.byFile.set(file, { file, record: valid ? record : null, pipelines: null, ...(!valid && record !== null ? { previous: { record, pipelines: null } } : {}), dirty: false });
      if (valid) warm.set(cache.fileOf(file), { stamp: fileStamp(cache.fileOf(file)), record: record!, pipelines: null });
    }
    return cache;
  }

  /** The entries to import: those with no valid cache. */
  stale(): string[] {
    return [...this.byFile.values()].filter((e) => e.record === null).map((e) => e.file);
  }

  /** The cached pipelines and exported sources of an entry with a valid cache. */
  cached(file: string): { pipelines: ModulePipeline[]; exportedSources: string[] } | null {
    const e = this.byFile.get(file);
    if (!e?.record) return null;
    if (!e.pipelines) {
      e.pipelines = decodePipelines(e.record.plan, file);
      const remembered = warm.get(this.fileOf(file));
      if (remembered?.record === e.record) remembered.pipelines = e.pipelines;
    }
    return { pipelines: e.pipelines, exportedSources: e.record.exportedSources };
  }

  /**
   * Records an entry just imported, with its import graph (and its pipelines as plan data, when the
   * import made it: encodePipelines of these pipelines). Returns false (and caches nothing) when its
   * result cannot be reproduced from its files.
   */
  record(file: string, pipelines: readonly ModulePipeline[], exportedSources: readonly string[], graph: ModuleGraph, entryFiles: ReadonlySet<string>, encoded?: string): boolean {
    const e = this.byFile.get(file);
    if (!e) return false;
    e.unrecordedGraph = [...graph.texts.keys()];
    if (graph.uncacheable !== null) return false;
    if ([...graph.texts.keys()].some((f) => f !== path.resolve(this.root, file) && entryFiles.has(f))) {
      this.entriesImportEntries = true;
      return false;
    }
    if (pipelines.some((p) => p.pipeline.definition.site?.file !== file)) return false;
    const plan = encoded ?? encodePipelines(pipelines);
    if (plan === null) return false;
    // The folder names are part of the fingerprint: the cache folder is made now, not by the save.
    mkdirSync(this.cacheDir, { recursive: true });
    const sdkPackages = [...graph.texts.keys()]
      .filter((f) => path.basename(f) === "package.json" && isSdkPackage(f))
      .map((f): [string, string] => [path.dirname(f), packageStamp(path.dirname(f))]);
    const unchanged = keepUnchanged(e.previous, pipelines, file);
    e.record = { fingerprint: fingerprint(graph.texts, graph.configFiles), sdkPackages, plan, exportedSources: [...exportedSources], emit: unchanged.emit };
    e.pipelines = unchanged.pipelines;
    e.dirty = true;
    return true;
  }

  /**
   * What the entries' results were made from (last-run.ts): every entry's import graph, and the SDK
   * packages they import. Null when an entry has no record (its result is not reproducible from files).
   */
  inputs(): { readonly inputs: RunInputs | null; readonly packages: string[] } {
    const entries = [...this.byFile.values()];
    if (this.entriesImportEntries || entries.some((e) => e.record === null)) return { inputs: null, packages: [] };
    return {
      inputs: joinInputs(entries.map((e) => inputsOf(e.record!.fingerprint))),
      packages: [...new Set(entries.flatMap((e) => e.record!.sdkPackages.map(([dir]) => dir)))],
    };
  }

  /**
   * Every file the entries' modules were made from: the recorded entries' import graphs and configuration, and
   * the graphs this run followed of entries it could not record.
   */
  files(): string[] {
    return [...new Set([...this.byFile.values()].flatMap((e) => (e.record ? e.record.fingerprint.files.map(([file]) => file) : (e.unrecordedGraph ?? []))))].sort();
  }

  /** The entries files() knows nothing of: no record, and no graph followed this run (their import failed). */
  unfollowed(): string[] {
    return [...this.byFile.values()].filter((e) => e.record === null && e.unrecordedGraph === undefined).map((e) => e.file);
  }

  /** What a cached pipeline emitted under these emit options, if known. */
  output(file: string, pipeline: string, options: string): PipelineOutput | undefined {
    const emit = this.byFile.get(file)?.record?.emit;
    return emit?.options === options ? outputOf(emit.outputs, pipeline) : undefined;
  }

  /** Remembers what a pipeline of a cached (or just recorded) entry emitted. */
  storeOutput(file: string, pipeline: string, options: string, output: PipelineOutput): void {
    const e = this.byFile.get(file);
    if (!e?.record) return;
    if (e.record.emit?.options !== options) e.record = { ...e.record, emit: { options, outputs: {} } };
    setOutput(e.record.emit!.outputs, pipeline, output);
    e.dirty = true;
  }

  /** Writes the records this run made or changed. */
  save(): void {
    for (const e of this.byFile.values()) {
      if (!e.dirty || !e.record) continue;
      const note = writeCache(this.fileOf(e.file), this.keyOf(e.file), JSON.stringify(e.record));
      if (note) this.notes.push(note);
      else warm.set(this.fileOf(e.file), { stamp: fileStamp(this.fileOf(e.file)), record: e.record, pipelines: e.pipelines });
      e.dirty = false;
    }
  }

  private fileOf(file: string): string {
    return path.join(this.cacheDir, `module-${sha256(file).slice(0, 16)}.json`);
  }

  private keyOf(file: string): CacheKey {
    return { sdkVersion: SDK_VERSION, sdkBuild: packageStamp(SDK_ROOT), typescript: "-", inputs: sha256(JSON.stringify({ root: this.root, file })) };
  }
}

/**
 * The records this process read or wrote, by cache file, with the file's stamp then: a warm process
 * (synth --watch) takes an unchanged module's plan from memory instead of parsing its file on every run.
 */
const warm = new Map<string, { readonly stamp: string; readonly record: EntryRecord; pipelines: ModulePipeline[] | null }>();

/**
 * The pipelines of a module imported again, each one whose plan data equals one of the module's previous
 * record given as that record's object, with what it emitted there. What is kept by a pipeline's identity
 * (its analysis, its plan.json block, its manifest entry) then stays too: a save that changed one pipeline
 * of a module of a hundred plans, analyses and emits that one alone. Equal plan data makes an equal
 * pipeline (decodePipelines gives back exactly what encodePipelines wrote: the module cache rests on it),
 * and a pipeline's files depend on its plan and the emit options alone (which the record's outputs carry).
 */
function keepUnchanged(previous: PreviousRecord | undefined, pipelines: readonly ModulePipeline[], file: string): { pipelines: ModulePipeline[]; emit: EntryRecord["emit"] } {
  if (previous === undefined) return { pipelines: [...pipelines], emit: null };
  previous.pipelines ??= decodePipelines(previous.record.plan, file);
  const before = new Map<string, ModulePipeline>();
  for (const p of previous.pipelines) {
    const data = planDataOf(p);
    if (data !== null) before.set(data, p);
  }
  const emitted = previous.record.emit;
  const outputs: Record<string, PipelineOutput> = {};
  const kept = pipelines.map((p) => {
    const data = planDataOf(p);
    const same = data === null ? undefined : before.get(data);
    if (same === undefined) return p;
    const name = same.pipeline.definition.name;
    const output = emitted ? outputOf(emitted.outputs, name) : undefined;
    if (output !== undefined) setOutput(outputs, name, output);
    return same;
  });
  return { pipelines: kept, emit: emitted ? { options: emitted.options, outputs } : null };
}

/** One pipeline's plan data (encodePipelines of it alone), kept with it: the next save compares against it. */
const planData = new WeakMap<ModulePipeline, string | null>();
function planDataOf(p: ModulePipeline): string | null {
  let data = planData.get(p);
  if (data === undefined) planData.set(p, (data = encodePipelines([p])));
  return data;
}

/**
 * A pipeline's output in a record's outputs, by the pipeline's name. Pipeline names are user text, and
 * "constructor", "toString" or "__proto__" are valid ones: only an own property is an output, and one is
 * set as an own property (an assignment to "__proto__" would set the object's prototype instead).
 */
function outputOf(outputs: Record<string, PipelineOutput>, pipeline: string): PipelineOutput | undefined {
  return Object.hasOwn(outputs, pipeline) ? outputs[pipeline] : undefined;
}

function setOutput(outputs: Record<string, PipelineOutput>, pipeline: string, output: PipelineOutput): void {
  Object.defineProperty(outputs, pipeline, { value: output, enumerable: true, writable: true, configurable: true });
}

/** The hash of emit options: what a pipeline's output depends on besides its plan. */
export function emitOptionsKey(options: object): string {
  return sha256(JSON.stringify(options));
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

// ---- the plan as data ------------------------------------------------------------------------------

/** How a reference to a node is written: nodes are a DAG, shared by identity within a module. */
const REF = "$streamtNode";

class NotData extends Error {}

function isPlanNode(v: unknown): v is PlanNode {
  return typeof v === "object" && v !== null && "kind" in v && "path" in v && "schema" in v && "changelog" in v;
}

/**
 * The module's pipelines as JSON: each node once, references to it by number. Null when the plan
 * holds anything JSON would not give back exactly (a function, a class instance, NaN, -0, undefined
 * in an array): such a module is imported every time instead.
 */
export function encodePipelines(pipelines: readonly ModulePipeline[]): string | null {
  const index = new Map<object, number>();
  const queue: object[] = [];
  const refer = (node: object): { [REF]: number } => {
    let i = index.get(node);
    if (i === undefined) {
      index.set(node, (i = queue.length));
      queue.push(node);
    }
    return { [REF]: i };
  };
  function replacer(this: unknown, key: string, value: unknown): unknown {
    // JSON.stringify has already called a toJSON (a Date's, say) when the replacer sees the value: the
    // holder's own property is the value before that, and a class instance is not data.
    const raw = key === "" ? value : (this as Record<string, unknown>)[key];
    if (raw !== value && typeof raw === "object" && raw !== null) throw new NotData();
    switch (typeof value) {
      case "number":
        if (!Number.isFinite(value) || Object.is(value, -0)) throw new NotData();
        return value;
      case "bigint":
      case "function":
      case "symbol":
        throw new NotData();
      case "undefined":
        if (Array.isArray(this)) throw new NotData();
        return value;
      case "object": {
        if (value === null) return value;
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) throw new NotData();
        if (key !== "" && isPlanNode(value)) return refer(value);
        return value;
      }
      default:
        return value;
    }
  }
  try {
    const defs = pipelines.map((p) => JSON.stringify({ exportName: p.exportName, definition: p.pipeline.definition }, replacer));
    const nodes: string[] = [];
    for (let i = 0; i < queue.length; i++) nodes.push(JSON.stringify(queue[i], replacer));
    return `{"nodes":[${nodes.join(",")}],"pipelines":[${defs.join(",")}]}`;
  } catch (e) {
    if (e instanceof NotData) return null;
    throw e;
  }
}

export function decodePipelines(plan: string, file: string): ModulePipeline[] {
  const data = JSON.parse(plan) as { nodes: object[]; pipelines: { exportName: string; definition: object }[] };
  const { nodes } = data;
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = resolve(v[i]);
      return v;
    }
    if (typeof v !== "object" || v === null) return v;
    const record = v as Record<string, unknown>;
    const ref = record[REF];
    if (typeof ref === "number" && Object.keys(record).length === 1) return nodes[ref];
    for (const k of Object.keys(record)) record[k] = resolve(record[k]);
    return record;
  };
  for (const n of nodes) resolve(n);
  return data.pipelines.map((p) => ({ pipeline: { definition: resolve(p.definition) as PipelineDef }, file, exportName: p.exportName }));
}
