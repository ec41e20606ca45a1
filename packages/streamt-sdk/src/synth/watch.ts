import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import { isStreamtError } from "../errors.js";
import type { ImportReply, ImportRequest } from "./import-worker.js";
import { LoadCode } from "./load.js";
import { decodePipelines, type ModulePipeline } from "./module-cache.js";
import { writeOutput, type OutputGuard } from "./output-folder.js";
import { synth, type ImportResult, type SynthOptions } from "./synth.js";

/**
 * Imports entry modules in a new worker thread (import-worker.ts) and takes their pipelines back as
 * plan data: the watching process itself never imports a user module, so every save is seen.
 */
export function importInWorker(entries: readonly string[], root: string): Promise<ImportResult> {
  // This import's thread started during the last run (or starts now); the next one starts now.
  const worker = spare ?? startWorker();
  spare = startWorker();
  worker.ref();
  const request: ImportRequest = { entries, root };
  const failed = (code: string, message: string): ImportResult => ({
    pipelines: [],
    exportedSources: [],
    exportedSourcesOf: new Map(),
    diagnostics: [{ code, severity: "error", pipeline: null, path: "", site: null, message, hint: "fix the module, or run synth without --watch to see the whole error" }],
  });
  return new Promise((resolve) => {
    let reply: ImportReply | null = null;
    worker.postMessage(request);
    worker.once("message", (m: ImportReply) => (reply = m));
    worker.once("exit", () => {
      const error = failures.get(worker);
      if (reply === null && error) return resolve(failed(LoadCode.moduleFailed, `loading ${entries.join(", ")} failed: ${error.message.split("\n")[0]}`));
      if (reply === null) return resolve(failed(LoadCode.neverSettles, `loading ${entries.join(", ")} never finished: a top-level await waits on something that can no longer happen`));
      const pipelines: ModulePipeline[] = [];
      const diagnostics: Diagnostic[] = [...reply.diagnostics];
      for (const [module, plan] of reply.plans) {
        if (plan !== null) pipelines.push(...decodePipelines(plan, module));
        else {
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
      resolve({ pipelines, exportedSources: reply.exportedSources, exportedSourcesOf: new Map(reply.exportedSourcesOf), diagnostics });
    });
  });
}

/** The thread the next import runs in, started ahead (unreferenced: it never keeps the process alive). */
let spare: Worker | null = null;
/** What made a thread fail, kept from its start on (a spare can fail before it is used). */
const failures = new WeakMap<Worker, Error>();

function startWorker(): Worker {
  const self = fileURLToPath(import.meta.url);
  const file = pathToFileURL(path.join(path.dirname(self), `import-worker${path.extname(self)}`)).href;
  // The thread registers TypeScript (tsx) before anything else loads, the worker module included.
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(file)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
  worker.on("error", (e) => failures.set(worker, e));
  worker.unref();
  return worker;
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

/** Files whose change cannot change the output: the output folder, caches, dependencies, version control. */
function ignored(file: string, out: string): boolean {
  const parts = file.split(/[\\/]/);
  if (parts.some((p) => p === "node_modules" || p === ".git")) return true;
  const first = parts[0] ?? "";
  return first === out || first.startsWith(`${out}.tmp-`) || first.startsWith(`${out}.old-`);
}

/**
 * synth --watch: synthesises once, then again on every save under the project folder, in this warm
 * process (the type-check's compiler and the caches stay loaded). Findings are printed when they
 * change; each run ends with one line. A stop (Ctrl-C) during a run lets the run end without writing;
 * the output folder is only ever replaced whole (output-folder.ts). Returns the exit code: 0.
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
  const watcher: FSWatcher = watch(o.synth.root, { recursive: true }, (_event, name) => {
    if (name === null || !ignored(String(name), out)) nudge();
  });
  void o.stop.then(() => {
    stopping = true;
    wake?.();
  });
  let lastFindings: string | null = null;
  // The first save's import thread starts now, beside the first run.
  spare ??= startWorker();
  try {
    while (!stopping) {
      if (!dirty) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        // Saves come in bursts (an editor writes, renames, touches): wait for the burst to end.
        await new Promise((r) => setTimeout(r, 30));
        continue;
      }
      dirty = false;
      const started = performance.now();
      let line: string;
      try {
        const result = await synth({ ...o.synth, importEntries: importInWorker, keepTypecheck: true });
        if (stopping) break;
        for (const note of result.notes) o.err(`note: ${note}\n`);
        const findings = result.diagnostics.map(formatDiagnostic).join("\n");
        if (findings !== lastFindings) {
          if (findings) o.err(`${findings}\n${formatSummary(result.diagnostics)}\n`);
          else if (lastFindings !== null) o.err("no findings\n");
          lastFindings = findings;
        }
        const ms = Math.round(performance.now() - started);
        if (result.ok) {
          writeOutput(o.out, result.files, o.guard);
          const n = result.plan?.pipelines.length ?? 0;
          line = `synthesised ${n} pipeline${n === 1 ? "" : "s"} into ${o.out} in ${ms} ms`;
        } else line = `not synthesised (${ms} ms): fix the errors above; ${o.out} is unchanged`;
      } catch (e) {
        if (!isStreamtError(e)) throw e;
        o.err(`error ${e.code}: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ""}`);
        line = `not synthesised: ${o.out} is unchanged`;
        lastFindings = null;
      }
      o.print(`[${new Date().toISOString().slice(11, 19)}] ${line}; watching for changes (Ctrl-C stops)\n`);
      // The compiler's resolver finds an edited module's imports: loaded now, while nothing waits on it.
      await import("./module-graph.js");
    }
  } finally {
    watcher.close();
    void spare?.terminate();
    spare = null;
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
