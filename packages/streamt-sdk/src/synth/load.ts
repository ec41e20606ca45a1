import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { isStreamtError } from "../errors.js";
import { isPipeline, type Pipeline } from "../dsl/pipeline.js";
import type { SourceSite } from "../ir/node-base.js";
import { isSdkOrDependencyFile } from "../sdk-location.js";

export const LoadCode = {
  moduleFailed: "STREAMT-L001",
  noPipelines: "STREAMT-L002",
  /** A top-level await in the module can never settle. */
  neverSettles: "STREAMT-L003",
  /** streamt.config.ts does not import, or does not fit its schema (with the file's line), or names no such environment. */
  configInvalid: "STREAMT-L004",
  /** synth --watch cannot carry a module's pipelines from its import thread: their plan is not plain data. */
  notPlanData: "STREAMT-L005",
} as const;

export interface LoadedPipeline {
  readonly pipeline: Pipeline;
  readonly file: string;
  readonly exportName: string;
}

export interface LoadResult {
  readonly pipelines: LoadedPipeline[];
  /** Names of sources the modules export (for the unused-source check). */
  readonly exportedSources: string[];
  /** The same, by module (its path relative to the root), for the module cache. */
  readonly exportedSourcesOf: ReadonlyMap<string, string[]>;
  readonly diagnostics: Diagnostic[];
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/** The user's frame of a thrown error, so a crash in a pipeline module points at the user's line. */
function siteOf(e: unknown, root: string, file: string): SourceSite | null {
  const stack = e instanceof Error ? (e.stack ?? "") : "";
  for (const line of stack.split("\n")) {
    // A path that starts the location, so Node's own frames (node:internal/...) never match.
    const m = /(?:^|[\s(])((?:file:\/\/)?\/[^():\s]+):(\d+):(\d+)/.exec(line);
    if (!m) continue;
    // synth --watch imports a module as `file.ts?streamt-run=N` (import-worker.ts): the file is without it.
    const f = m[1]!.replace(/^file:\/\//, "").replace(/\?.*$/, "");
    if (isSdkOrDependencyFile(f)) continue;
    return { file: relative(root, f), line: Number(m[2]), column: Number(m[3]) };
  }
  return { file: relative(root, file), line: 1, column: 1 };
}

/**
 * Imports each entry module (TypeScript through tsx) and collects the pipelines it exports, recognised
 * by brand, not by class, since the user's project may load its own copy of the SDK. `query` is
 * appended to each entry's URL (synth --watch's run, see import-worker.ts).
 */
export async function loadEntries(entries: readonly string[], root: string, options: { readonly query?: string } = {}): Promise<LoadResult> {
  const pipelines: LoadedPipeline[] = [];
  const exportedSources = new Set<string>();
  const exportedSourcesOf = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    const file = path.resolve(root, entry);
    const ofModule: string[] = [];
    exportedSourcesOf.set(relative(root, file), ofModule);
    let mod: Record<string, unknown>;
    try {
      const loaded = await importModule(pathToFileURL(file).href + (options.query ?? ""));
      if (loaded === STALLED) {
        diagnostics.push({
          code: LoadCode.neverSettles,
          severity: "error",
          pipeline: null,
          path: relative(root, file),
          site: { file: relative(root, file), line: 1, column: 1 },
          message: `loading ${relative(root, file)} never finishes: a top-level await waits on something that can no longer happen`,
          hint: "resolve or remove the top-level await (a pipeline module should only declare pipelines)",
        });
        continue;
      }
      mod = loaded;
    } catch (e) {
      if (isStreamtError(e)) {
        diagnostics.push({ code: e.code, severity: "error", pipeline: null, path: e.path ?? relative(root, file), site: e.site ?? siteOf(e, root, file), message: e.message, hint: e.hint ?? "" });
      } else {
        const syntax = syntaxError(e, root);
        const message = syntax?.text ?? (e instanceof Error ? e.message.split("\n")[0]! : String(e));
        diagnostics.push({
          code: LoadCode.moduleFailed,
          severity: "error",
          pipeline: null,
          path: relative(root, file),
          site: syntax?.site ?? siteOf(e, root, file),
          message: `loading ${relative(root, file)} failed: ${message}`,
          hint: "fix the error at that line; synth runs your module as ordinary TypeScript",
        });
      }
      continue;
    }
    let found = 0;
    for (const [exportName, value] of Object.entries(mod)) {
      if (isPipeline(value)) {
        pipelines.push({ pipeline: value, file: relative(root, file), exportName });
        found++;
      } else if (typeof value === "object" && value !== null && "name" in value && "node" in value && (value as { node: { kind?: string } }).node?.kind === "source") {
        exportedSources.add(String((value as { name: string }).name));
        ofModule.push(String((value as { name: string }).name));
      }
    }
    if (found === 0) {
      diagnostics.push({
        code: LoadCode.noPipelines,
        severity: "error",
        pipeline: null,
        path: relative(root, file),
        site: { file: relative(root, file), line: 1, column: 1 },
        message: `${relative(root, file)} exports no pipeline`,
        hint: "export one: export default pipeline('name').write(stream.toKafka('topic'))",
      });
    }
  }
  // `export default p` and `export const p` of the same pipeline count once.
  const unique = pipelines.filter((p, i) => pipelines.findIndex((q) => q.pipeline === p.pipeline) === i);
  return { pipelines: unique, exportedSources: [...exportedSources].sort(), exportedSourcesOf, diagnostics };
}

const STALLED = Symbol("stalled");

/**
 * Imports a module while it prints to stderr (stdout carries synth's own output, `--json` above all),
 * and notices a top-level await that can never settle: Node would otherwise exit with code 13 and no
 * word. `beforeExit` fires only when nothing is left to run, so the import is then stuck for good.
 */
async function importModule(href: string): Promise<Record<string, unknown> | typeof STALLED> {
  const { log, info, debug } = console;
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  let onIdle = (): void => {};
  try {
    return await new Promise<Record<string, unknown> | typeof STALLED>((resolve, reject) => {
      onIdle = () => resolve(STALLED);
      process.once("beforeExit", onIdle);
      import(href).then((m: Record<string, unknown>) => resolve(m), reject);
    });
  } finally {
    process.off("beforeExit", onIdle);
    Object.assign(console, { log, info, debug });
  }
}

/**
 * esbuild's syntax errors (tsx transforms with it): the first error's text and its 1-based position.
 * From tsx's loader thread only the message arrives ("Transform failed with 1 error:\n<file>:<line>:
 * <column>: ERROR: <text>", esbuild's column 0-based); in-process, esbuild's `errors` array.
 */
function syntaxError(e: unknown, root: string): { text: string; site: SourceSite | null } | null {
  const m = e instanceof Error ? /^(.+):(\d+):(\d+): ERROR: (.+)$/m.exec(e.message) : null;
  if (m) return { text: m[4]!, site: { file: relative(root, path.resolve(root, m[1]!)), line: Number(m[2]), column: Number(m[3]) + 1 } };
  const first = (e as { errors?: { text?: unknown; location?: { file?: unknown; line?: unknown; column?: unknown } | null }[] }).errors?.[0];
  if (typeof first?.text !== "string") return null;
  const loc = first.location;
  const site = loc && typeof loc.file === "string" && typeof loc.line === "number" && typeof loc.column === "number"
    ? { file: relative(root, path.resolve(root, loc.file)), line: loc.line, column: loc.column + 1 }
    : null;
  return { text: first.text, site };
}

export function missingEntries(entries: readonly string[], root: string): string[] {
  return entries.filter((e) => !existsSync(path.resolve(root, e)));
}
