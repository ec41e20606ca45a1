import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import { isStreamtError } from "../errors.js";
import { cacheFolder, findTsconfig } from "./cache.js";
import type { RulesData } from "../deploy/load-rules.js";
import { CONFIG_FILE } from "../deploy/define-config.js";
import type { ImportReply, ImportRequest, ImportThreadData } from "./import-worker.js";
import { LoadCode } from "./load.js";
import { decodePipelines, type ModulePipeline } from "./module-cache.js";
import { updateOutput, type OutputGuard, type WrittenOutput } from "./output-folder.js";
import { synth, type ImportResult, type SynthOptions } from "./synth.js";
import type { TypecheckReply, TypecheckRequest } from "./typecheck-worker.js";

/**
 * Starts a thread running `module` (import-worker or typecheck-worker, beside this file) with
 * TypeScript (tsx) registered first, so the SDK's own sources load in it too. Unreferenced: an idle
 * thread never keeps the process alive.
 */
function startThread(module: string, workerData?: unknown): Worker {
  const self = fileURLToPath(import.meta.url);
  const file = pathToFileURL(path.join(path.dirname(self), `${module}${path.extname(self)}`)).href;
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(file)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
  const state: ThreadState = { ended: false, error: null };
  threads.set(worker, state);
  // Kept from the start: a thread can fail (or end) before it is asked anything.
  worker.on("error", (e) => (state.error = e)).on("exit", () => (state.ended = true));
  worker.unref();
  return worker;
}

interface ThreadState {
  ended: boolean;
  error: Error | null;
}
const threads = new WeakMap<Worker, ThreadState>();

/** What a thread answered, or why it ended without an answer (the error it failed with, if any). */
type Answer<R> = { readonly reply: R } | { readonly ended: Error | null };

/** Sends one request to a thread and waits for its answer or its end. */
function ask<R>(worker: Worker, request: unknown): Promise<Answer<R>> {
  const state = threads.get(worker)!;
  if (state.ended) return Promise.resolve({ ended: state.error });
  return new Promise((resolve) => {
    const onExit = (): void => settle({ ended: state.error });
    const onMessage = (reply: R): void => settle({ reply });
    const settle = (answer: Answer<R>): void => {
      worker.off("message", onMessage).off("exit", onExit);
      worker.unref();
      resolve(answer);
    };
    worker.on("message", onMessage).on("exit", onExit);
    worker.ref();
    worker.postMessage(request);
  });
}

/**
 * A thread imports this many runs' modules, then the next one, started a run ahead, takes over: each
 * run's modules stay loaded in the thread that imported them (~1-3 MB for a module of 100 pipelines).
 */
const RUNS_PER_THREAD = 25;

/**
 * The import threads of one watch: the current one stays warm from save to save (tsx registered, the
 * SDK loaded); its successor starts before it is needed, so no save waits for a thread to start.
 */
class ImportThreads {
  private current: { worker: Worker; runs: number } | null = null;
  private next: Worker | null = null;
  private run = 0;

  constructor(private readonly root: string) {}

  /** Starts the first thread now, beside the first run's other work. */
  warm(): void {
    this.current ??= { worker: this.start(), runs: 0 };
  }

  readonly importEntries = async (entries: readonly string[], root: string): Promise<ImportResult> => {
    const answer = await this.ask<ImportReply>({ kind: "entries", entries, root, run: ++this.run }, true);
    if ("reply" in answer) return fromReply(answer.reply);
    return { pipelines: [], exportedSources: [], exportedSourcesOf: new Map(), diagnostics: [threadEnded(answer, LoadCode.moduleFailed, entries.join(", "))] };
  };

  /** streamt.config.ts's rules, read in the thread under this run's URL: its edits (and its imports') are seen. */
  readonly readRules = async (root: string): Promise<RulesData> => {
    const answer = await this.ask<RulesData>({ kind: "rules", root, run: ++this.run }, false);
    if ("reply" in answer) return answer.reply;
    return { section: null, error: { ...threadEnded(answer, LoadCode.configInvalid, CONFIG_FILE), path: CONFIG_FILE } };
  };

  /**
   * Asks the current thread; a request that imports entry modules counts towards its runs (the config's
   * few small modules do not: they hold next to no memory).
   */
  private async ask<R>(request: ImportRequest, counts: boolean): Promise<Answer<R>> {
    if (this.current === null || this.current.runs >= RUNS_PER_THREAD) {
      void this.current?.worker.terminate();
      this.current = { worker: this.next ?? this.start(), runs: 0 };
      this.next = null;
    }
    const thread = this.current;
    if (counts && ++thread.runs === RUNS_PER_THREAD) this.next = this.start();
    const answer = await ask<R>(thread.worker, request);
    // The thread ended (a module called process.exit, or awaits what never comes): the next run gets a new one.
    if (!("reply" in answer) && this.current === thread) this.current = null;
    return answer;
  }

  close(): void {
    void this.current?.worker.terminate();
    void this.next?.terminate();
    this.current = this.next = null;
  }

  private start(): Worker {
    return startThread("import-worker", { root: this.root } satisfies ImportThreadData);
  }
}

/** What a run reports when its import thread ended instead of answering. */
function threadEnded(answer: { readonly ended: Error | null }, code: string, what: string): Diagnostic {
  const failed = answer.ended
    ? { code, message: `loading ${what} failed: ${answer.ended.message.split("\n")[0]}` }
    : { code: LoadCode.neverSettles, message: `loading ${what} never finished: a top-level await waits on something that can no longer happen, or the module ended its thread (process.exit)` };
  return { ...failed, severity: "error", pipeline: null, path: "", site: null, hint: "fix the module, or run synth without --watch to see the whole error" };
}

/** An import thread's answer as the plan needs it: pipelines decoded from plan data. */
function fromReply(reply: ImportReply): ImportResult {
  const pipelines: ModulePipeline[] = [];
  const plans = new Map<string, string>();
  const diagnostics: Diagnostic[] = [...reply.diagnostics];
  for (const [module, plan] of reply.plans) {
    if (plan !== null) {
      pipelines.push(...decodePipelines(plan, module));
      plans.set(module, plan);
    } else {
      diagnostics.push({
        code: LoadCode.notPlanData,
        severity: "error",
        pipeline: null,
        path: module,
        site: { file: module, line: 1, column: 1 },
        message: `synth --watch cannot take the pipelines of ${module} from its import thread: their plan holds a value that is not plain data (a function, a class instance, NaN, Infinity or -0)`,
        hint: "run streamt-sdk synth without --watch for this project",
      });
    }
  }
  return { pipelines, plans, exportedSources: reply.exportedSources, exportedSourcesOf: new Map(reply.exportedSourcesOf), diagnostics };
}

/**
 * The type-check of synth --watch, in a thread of its own that keeps the compiler's program between
 * checks. A check is asked for after each run has written the output; one runs at a time, and a check
 * asked for while one runs starts when it ends, which result is then dropped (it is of older files).
 */
class TypeChecks {
  private worker: Worker | null = null;
  private running = false;
  private again = false;

  constructor(private readonly request: TypecheckRequest, private readonly done: (reply: TypecheckReply) => void) {}

  check(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.worker ??= startThread("typecheck-worker");
    const worker = this.worker;
    void ask<TypecheckReply>(worker, this.request).then((answer) => {
      this.running = false;
      if (!("reply" in answer)) this.worker = null;
      if (this.again) {
        this.again = false;
        this.check();
      } else this.done("reply" in answer ? answer.reply : { error: `the type-check thread ended: ${answer.ended?.message ?? "no error"}` });
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}

export interface WatchOptions {
  readonly synth: SynthOptions;
  /** The output folder (as given) and what guards it, as synth's. */
  readonly out: string;
  readonly guard: OutputGuard;
  /** Where each run's line goes (stdout), and findings and notes (stderr). */
  readonly print: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the watch should end (the CLI: SIGINT or SIGTERM). */
  readonly stop: Promise<void>;
}

/**
 * Watches every folder of the project except the output folder (and what synth stages beside it),
 * node_modules and .git: one non-recursive watcher per folder, and one more for each folder that
 * appears. (Node 20's recursive watch on Linux walks a new folder's every file, and synth's output
 * folder holds a thousand files at 1,000 pipelines.)
 */
function watchProject(root: string, skipped: (relative: string) => boolean, changed: () => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const add = (folder: string): void => {
    if (watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        if (name === null) return changed();
        const file = path.join(folder, String(name));
        const relative = path.relative(root, file).split(path.sep).join("/");
        if (skipped(relative)) return;
        changed();
        if (isFolder(file)) add(file);
      });
    } catch {
      return;
    }
    // A folder that goes ends its watcher.
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(folder);
    });
    watchers.set(folder, watcher);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(folder, name);
      if (!skipped(path.relative(root, file).split(path.sep).join("/")) && isFolder(file)) add(file);
    }
  };
  add(root);
  return { close: () => watchers.forEach((w) => w.close()) };
}

/**
 * Watches files outside the project folder that the entries import (a monorepo's shared modules, found
 * in the module cache's import graphs): one watcher per folder, for those files' names only.
 */
function watchOutside(changed: () => void): { add(files: readonly string[]): void; close(): void } {
  const folders = new Map<string, { watcher: FSWatcher | null; names: Set<string> }>();
  return {
    add(files) {
      for (const file of files) {
        const folder = path.dirname(file);
        let entry = folders.get(folder);
        if (!entry) {
          const names = new Set<string>();
          let watcher: FSWatcher | null = null;
          try {
            watcher = watch(folder, (_event, name) => {
              if (name === null || names.has(String(name))) changed();
            });
            watcher.on("error", () => watcher?.close());
          } catch {
            // A folder that is gone: a change of the import is seen as one of the importing module.
          }
          folders.set(folder, (entry = { watcher, names }));
        }
        entry.names.add(path.basename(file));
      }
    },
    close: () => folders.forEach((f) => f.watcher?.close()),
  };
}

/**
 * The files the import graphs of these entries reach, followed as the module cache follows them: for the
 * entries it holds no record of (all of them under --no-cache), whose shared modules outside the project
 * must be watched too.
 */
async function filesReadBy(entries: readonly string[], root: string): Promise<string[]> {
  if (entries.length === 0) return [];
  const { moduleGraph } = await import("./module-graph.js");
  const files = entries.map((e) => path.resolve(root, e));
  const tsconfig = findTsconfig(files[0]!, root);
  return files.flatMap((f) => [...moduleGraph(f, tsconfig).texts.keys()]);
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Names under the project whose change cannot change the output: the output folder, what synth stages beside it, dependencies, version control. */
function skippedBy(out: string): (relative: string) => boolean {
  return (relative) => {
    const parts = relative.split("/");
    if (parts.some((p) => p === "node_modules" || p === ".git")) return true;
    return relative === out || relative.startsWith(`${out}/`) || relative.startsWith(`${out}.tmp-`) || relative.startsWith(`${out}.old-`);
  };
}

/**
 * synth --watch: synthesises once, then again on every save under the project folder, in this warm
 * process. Each run imports only the modules the save made stale (in a warm import thread), writes the
 * files that changed into the output folder, and prints its line; the type-check (when on) then runs in
 * its own thread and prints its findings when they change. Findings are printed when they change. A stop
 * (Ctrl-C) during a run lets the run end without writing; a write is never interrupted half-way.
 * Returns the exit code: 0.
 */
export async function watchSynth(o: WatchOptions): Promise<number> {
  const out = path.relative(o.synth.root, path.resolve(o.synth.root, o.out)).split(path.sep).join("/");
  let stopping = false;
  let dirty = true;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    dirty = true;
    wake?.();
  };
  const watcher = watchProject(o.synth.root, skippedBy(out), nudge);
  const outside = watchOutside(nudge);
  const inRoot = (file: string): boolean => !path.relative(o.synth.root, file).startsWith("..");
  /** Watches those of the files a run read that are outside the project (its own folders are watched already), packages aside. */
  const watchRead = (files: readonly string[]): void => outside.add(files.filter((f) => !inRoot(f) && !f.split(path.sep).includes("node_modules")));
  void o.stop.then(() => {
    stopping = true;
    wake?.();
  });
  const imports = new ImportThreads(o.synth.root);
  imports.warm();
  let lastFindings: string | null = null;
  let lastTypeFindings: string | null = null;
  let written: WrittenOutput | null = null;
  /** Whether the last run wrote the output folder (what a type error found after it then means). */
  let wroteLast = false;
  const checks = o.synth.typecheck
    ? new TypeChecks({ entries: o.synth.entries, root: o.synth.root, ...(o.synth.cache ? { cacheDir: cacheFolder(o.synth.root) } : {}) }, (reply) => {
        if (stopping) return;
        if ("error" in reply) {
          o.err(`type-check failed: ${reply.error}\n`);
          lastTypeFindings = null;
          return;
        }
        for (const note of reply.notes) o.err(`note: ${note}\n`);
        const findings = reply.diagnostics.map(formatDiagnostic).join("\n");
        if (findings === lastTypeFindings) return;
        if (findings) {
          const consequence = wroteLast ? `${o.out} was written from code that does not type-check; fix them (synth without --watch writes nothing until they are fixed)` : "fix them";
          o.err(`${findings}\n${formatSummary(reply.diagnostics)}\ntype errors: ${consequence}\n`);
        } else if (lastTypeFindings !== null) o.err("type-check: no errors\n");
        lastTypeFindings = findings;
      })
    : null;
  try {
    while (!stopping) {
      if (!dirty) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        // Saves come in bursts (an editor writes, renames, touches), a few milliseconds long: wait for the
        // burst to end. (A change after the run has started only makes another run.)
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      dirty = false;
      const started = performance.now();
      let line: string;
      // The module cache is written after the output (it is for the next process: this one keeps it in memory).
      let saveCache: (() => string[]) | undefined;
      // The entries whose imports the module cache did not record: their graphs are followed after the write.
      let unrecorded: readonly string[] = [];
      try {
        // The type-check runs after the write, in its thread: a save is in the output without waiting for it.
        const result = await synth({ ...o.synth, typecheck: false, importEntries: imports.importEntries, readRules: imports.readRules, deferCacheSave: true });
        saveCache = result.saveCache;
        watchRead(result.sourceFiles ?? []);
        unrecorded = result.unrecordedEntries ?? [];
        if (stopping) {
          saveCache?.();
          break;
        }
        for (const note of result.notes) o.err(`note: ${note}\n`);
        const findings = result.diagnostics.map(formatDiagnostic).join("\n");
        if (findings !== lastFindings) {
          if (findings) o.err(`${findings}\n${formatSummary(result.diagnostics)}\n`);
          else if (lastFindings !== null) o.err("no findings\n");
          lastFindings = findings;
        }
        wroteLast = result.ok;
        if (result.ok) {
          written = updateOutput(o.out, result.files, o.guard, written);
          const n = result.plan?.pipelines.length ?? 0;
          line = `synthesised ${n} pipeline${n === 1 ? "" : "s"} into ${o.out} in ${Math.round(performance.now() - started)} ms`;
        } else line = `not synthesised (${Math.round(performance.now() - started)} ms): fix the errors above; ${o.out} is unchanged`;
      } catch (e) {
        if (!isStreamtError(e)) throw e;
        o.err(`error ${e.code}: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ""}`);
        line = `not synthesised: ${o.out} is unchanged`;
        lastFindings = null;
        wroteLast = false;
        // The folder is written whole next time, through every guard.
        written = null;
      }
      o.print(`[${new Date().toISOString().slice(11, 19)}] ${line}; watching for changes (Ctrl-C stops)\n`);
      checks?.check();
      for (const note of saveCache?.() ?? []) o.err(`note: ${note}\n`);
      watchRead(await filesReadBy(unrecorded, o.synth.root));
      // The compiler's resolver finds an edited module's imports: loaded now, while nothing waits on it.
      await import("./module-graph.js");
    }
  } finally {
    watcher.close();
    outside.close();
    imports.close();
    checks?.close();
  }
  return 0;
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM; the process then exits when the watch returns. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
