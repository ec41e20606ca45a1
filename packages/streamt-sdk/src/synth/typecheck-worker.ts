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
