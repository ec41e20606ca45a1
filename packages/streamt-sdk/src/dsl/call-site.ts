import { findSourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceSite } from "../ir/node-base.js";
import { isSdkOrDependencyFile } from "../sdk-location.js";

let projectRoot = process.cwd();

/** Sets the folder call sites are reported relative to (the CLI sets the project root). */
export function setSiteRoot(root: string): void {
  projectRoot = root;
  reportedName.clear();
}

// The path starts right after "at " or "(": a frame like "at node:internal/x:1:2" is no file of the user's.
const FRAME = /(?:^at |\()((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;
/** A builder call is two or three SDK frames deep; the fast path looks no further than this. */
const FAST_FRAMES = 6;
const STACK_FRAMES = 30;

const toPath = (file: string): string => (file.startsWith("file://") ? fileURLToPath(file) : file);
const isUserFile = (file: string): boolean => !isSdkOrDependencyFile(file);

// Thousands of builder calls come from a handful of modules: per module answers are cached.
const userFrameFile = new Map<string, boolean>();
const reportedName = new Map<string, string>();

function isUserFrameFile(name: string): boolean {
  let user = userFrameFile.get(name);
  if (user === undefined) userFrameFile.set(name, (user = !name.startsWith("node:") && isUserFile(toPath(name))));
  return user;
}

function site(file: string, line: number, column: number): SourceSite {
  let reported = reportedName.get(file);
  if (reported === undefined) reportedName.set(file, (reported = path.relative(projectRoot, toPath(file)).split(path.sep).join("/")));
  return { file: reported, line, column };
}

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
    Error.stackTraceLimit = FAST_FRAMES;
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
    if (!name || !isUserFrameFile(name)) continue;
    const map = findSourceMap(name) ?? findSourceMap(toPath(name));
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!map || line === null || column === null) return undefined;
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return site(entry.originalSource, entry.originalLine + 1, entry.originalColumn + 1);
  }
  // No user frame within the first few: the slow path looks deeper.
  return frames.length >= FAST_FRAMES ? undefined : null;
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
    if (!isUserFrameFile(m[1]!)) continue;
    return site(m[1]!, Number(m[2]), Number(m[3]));
  }
  return null;
}
