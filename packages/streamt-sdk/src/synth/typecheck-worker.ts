import { platform, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { isStreamtError } from "../errors.js";
import { typecheckEntries } from "./typecheck.js";

/**
 * The type-check thread of synth --watch: it keeps the compiler's program from one check to the next
 * (typecheck.ts's keepInMemory), so a save re-checks only what it affects, while the watching thread
 * has already written the output (watch.ts).
 */
export interface TypecheckRequest {
  readonly entries: readonly string[];
  readonly root: string;
  /** The cache folder (synth/cache.ts), or none with --no-cache. */
  readonly cacheDir?: string;
}

export type TypecheckReply = { readonly diagnostics: Diagnostic[]; readonly notes: string[] } | { readonly error: string };

/**
 * A lower priority for this thread alone, on Linux (which keeps a nice value per thread; elsewhere it
 * would be the whole process's): on a busy machine the next save's import and write then come before
 * the check of the last one, whose findings come a little later.
 */
const CHECK_NICENESS = 10;
if (platform() === "linux") {
  try {
    setPriority(CHECK_NICENESS);
  } catch {
    // Not permitted: the check runs at the watch's priority.
  }
}

const port = parentPort!;
port.on("message", ({ entries, root, cacheDir }: TypecheckRequest) => {
  let reply: TypecheckReply;
  try {
    const checked = typecheckEntries(entries, root, { ...(cacheDir !== undefined ? { cacheDir } : {}), keepInMemory: true });
    reply = { diagnostics: checked.diagnostics, notes: checked.notes };
  } catch (e) {
    reply = { error: isStreamtError(e) ? `error ${e.code}: ${e.message}` : String(e instanceof Error ? e.message : e) };
  }
  port.postMessage(reply);
});
