import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSite } from "../ir/node-base.js";

/** The SDK's own source folder: frames inside it are skipped when looking for the user's call. */
const SDK_SRC = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

let projectRoot = process.cwd();

/** Sets the folder call sites are reported relative to (the CLI sets the project root). */
export function setSiteRoot(root: string): void {
  projectRoot = root;
}

const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;

/**
 * Where the user called the builder method that is running now: the first stack frame outside the
 * SDK and outside node internals. With tsx the frames are source-mapped to the user's .ts lines.
 */
export function callSite(): SourceSite | null {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 15;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = saved;
  for (const line of stack.split("\n").slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (file.startsWith(SDK_SRC + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return { file: path.relative(projectRoot, file).split(path.sep).join("/"), line: Number(m[2]), column: Number(m[3]) };
  }
  return null;
}

export function formatSite(site: SourceSite | null): string {
  return site ? `${site.file}:${site.line}:${site.column}` : "<unknown location>";
}
