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
    const f = m[1]!.replace(/^file:\/\//, "");
    if (isSdkOrDependencyFile(f)) continue;
    return { file: relative(root, f), line: Number(m[2]), column: Number(m[3]) };
  }
  return { file: relative(root, file), line: 1, column: 1 };
}

/**
 * Imports each entry module (TypeScript through tsx) and collects the pipelines it exports, recognised
 * by brand, not by class, since the user's project may load its own copy of the SDK.
 */
export async function loadEntries(entries: readonly string[], root: string): Promise<LoadResult> {
  const pipelines: LoadedPipeline[] = [];
  const exportedSources = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    const file = path.resolve(root, entry);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      if (isStreamtError(e)) {
        diagnostics.push({ code: e.code, severity: "error", pipeline: null, path: e.path ?? relative(root, file), site: e.site ?? siteOf(e, root, file), message: e.message, hint: e.hint ?? "" });
      } else {
        const message = e instanceof Error ? e.message.split("\n")[0]! : String(e);
        diagnostics.push({
          code: LoadCode.moduleFailed,
          severity: "error",
          pipeline: null,
          path: relative(root, file),
          site: siteOf(e, root, file),
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
  return { pipelines: unique, exportedSources: [...exportedSources].sort(), diagnostics };
}

export function missingEntries(entries: readonly string[], root: string): string[] {
  return entries.filter((e) => !existsSync(path.resolve(root, e)));
}
