import { findSourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSite } from "../ir/node-base.js";
import { isSdkOrDependencyFile } from "../sdk-location.js";

let projectRoot = process.cwd();

/** Sets the folder call sites are reported relative to (the CLI sets the project root). */
export function setSiteRoot(root: string): void {
  projectRoot = root;
}

const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;
const STACK_FRAMES = 15;

const toPath = (file: string): string => (file.startsWith("file://") ? fileURLToPath(file) : file);
const isUserFile = (file: string): boolean => !isSdkOrDependencyFile(file);
const site = (file: string, line: number, column: number): SourceSite => ({
  file: path.relative(projectRoot, file).split(path.sep).join("/"),
  line,
  column,
});

/**
 * Where the user called the builder method that is running now: the first stack frame outside the
 * SDK and outside dependencies, at its line in the user's .ts file.
 */
export function callSite(): SourceSite | null {
  const fast = siteFromFrames();
  return fast !== undefined ? fast : siteFromStackText();
}

/**
 * Fast path (every builder call runs this): structured frames, and only the user's frame mapped
 * through its source map (tsx registers one per module). `undefined` when that frame has no map
 * Node knows of (e.g. under a test runner with its own loader): the text path then decides.
 */
function siteFromFrames(): SourceSite | null | undefined {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let frames: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = STACK_FRAMES;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callSite);
    frames = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  for (const frame of frames) {
    const name = frame.getFileName();
    if (!name || name.startsWith("node:")) continue;
    const file = toPath(name);
    if (!isUserFile(file)) continue;
    const map = findSourceMap(name) ?? findSourceMap(file);
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!map || line === null || column === null) return undefined;
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return site(toPath(entry.originalSource), entry.originalLine + 1, entry.originalColumn + 1);
  }
  return null;
}

/** Slow path: the formatted stack, which Node (or a test runner) has already source-mapped. */
function siteFromStackText(): SourceSite | null {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = saved;
  for (const line of stack.split("\n").slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = toPath(m[1]!);
    if (!isUserFile(file)) continue;
    return site(file, Number(m[2]), Number(m[3]));
  }
  return null;
}
