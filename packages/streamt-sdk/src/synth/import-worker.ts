import { createRequire, register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { setSiteRoot } from "../dsl/call-site.js";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { readProjectRules } from "../deploy/load-rules.js";
import { loadEntries } from "./load.js";
import { encodePipelines } from "./module-cache.js";

/**
 * The import thread of synth --watch: it imports the entry modules a save made stale and sends their
 * pipelines back as plan data (module-cache.ts). It stays warm from save to save (tsx registered and
 * the SDK loaded, see watch.ts), yet every save sees the modules as they are on disk now: each import
 * is one numbered run, and the resolve hook below gives the project's files of run N the URL
 * `file.ts?streamt-run=N`, a module Node has not seen before (packages in node_modules keep their
 * URL: they stay loaded). A module once imported stays in memory, so watch.ts replaces the thread
 * after a number of runs. The project's streamt.config.ts (its rules) is read here too, the same way:
 * an edit of it, or of a file it imports, is seen by the next run.
 */
export type ImportRequest = EntriesRequest | RulesRequest;

export interface EntriesRequest {
  readonly kind: "entries";
  readonly entries: readonly string[];
  readonly root: string;
  /** The run's number: the query the project's files are imported with. */
  readonly run: number;
}

/** Read streamt.config.ts's rules (answered with RulesData). */
export interface RulesRequest {
  readonly kind: "rules";
  readonly root: string;
  readonly run: number;
}

export interface ImportReply {
  /** Each module's pipelines as plan data; null when the plan holds values that data cannot carry. */
  readonly plans: [string, string | null][];
  readonly exportedSourcesOf: [string, string[]][];
  readonly exportedSources: string[];
  readonly diagnostics: Diagnostic[];
}

/** What the thread is started with: the project folder. */
export interface ImportThreadData {
  readonly root: string;
}

/** The query of run N (load.ts appends it to the entries' URLs; the hook passes it on to their imports). */
export const runQuery = (run: number): string => `?streamt-run=${run}`;

/**
 * Passes an importing module's run on to what it imports from the project: files under the root, and
 * files imported by a relative or absolute path from anywhere (a monorepo's shared module in ../lib,
 * which would otherwise stay loaded as it first was, and be written stale), never a package (a bare
 * specifier, or anything in node_modules). Plain JavaScript: hooks run in Node's loader thread, which
 * loads them as a data URL.
 */
const RUN_HOOK = `let root;
export function initialize(data) { root = data.root; }
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const run = context.parentURL ? /[?&]streamt-run=(\\d+)/.exec(context.parentURL)?.[1] : undefined;
  if (run === undefined || !resolved.url.startsWith("file:") || resolved.url.includes("/node_modules/") || resolved.url.includes("?")) return resolved;
  if (!resolved.url.startsWith(root) && !/^(\\.{1,2}\\/|\\/|file:)/.test(specifier)) return resolved;
  return { ...resolved, url: resolved.url + "?streamt-run=" + run };
}`;

const { root } = workerData as ImportThreadData;
register(`data:text/javascript,${encodeURIComponent(RUN_HOOK)}`, { data: { root: pathToFileURL(root + path.sep).href } });
setSiteRoot(root);
try {
  // The project's own copy of the SDK, loaded now rather than on the first save (a project that does
  // not depend on streamt-sdk directly has none to load).
  await import(pathToFileURL(createRequire(path.join(root, "package.json")).resolve("streamt-sdk")).href);
} catch {
  // Loaded by the first import instead, if at all.
}

const port = parentPort!;
port.on("message", (request: ImportRequest) => void answer(request));

async function answer(request: ImportRequest): Promise<void> {
  // While a module loads, only its own work keeps the thread alive: a top-level await that can never
  // settle then ends the thread, which watch.ts reports (STREAMT-L003).
  port.unref();
  port.postMessage(request.kind === "rules" ? await readProjectRules(request.root, { query: runQuery(request.run) }) : await importEntries(request));
  port.ref();
}

async function importEntries({ entries, root, run }: EntriesRequest): Promise<ImportReply> {
  const loaded = await loadEntries(entries, root, { query: runQuery(run) });
  return {
    plans: [...loaded.exportedSourcesOf.keys()].map((file) => [file, encodePipelines(loaded.pipelines.filter((p) => p.file === file))]),
    exportedSourcesOf: [...loaded.exportedSourcesOf],
    exportedSources: loaded.exportedSources,
    diagnostics: loaded.diagnostics,
  };
}
