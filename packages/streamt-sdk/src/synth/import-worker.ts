import { parentPort } from "node:worker_threads";
import { setSiteRoot } from "../dsl/call-site.js";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { loadEntries } from "./load.js";
import { encodePipelines } from "./module-cache.js";

/**
 * One import of entry modules for synth --watch, in a worker thread of its own: a module imported
 * once stays imported in a thread, so each save gets a new thread, and with it the edited module and
 * everything it imports as they are on disk now. The pipelines come back as plan data (module-cache.ts);
 * the thread registers TypeScript (tsx) before it imports this module (see watch.ts). It starts before
 * it is needed, and waits here for its one request: the start-up is then off the save's path.
 */
export interface ImportRequest {
  readonly entries: readonly string[];
  readonly root: string;
}

export interface ImportReply {
  /** Each module's pipelines as plan data; null when the plan holds values that data cannot carry. */
  readonly plans: [string, string | null][];
  readonly exportedSourcesOf: [string, string[]][];
  readonly exportedSources: string[];
  readonly diagnostics: Diagnostic[];
}

const { entries, root } = await new Promise<ImportRequest>((resolve) => parentPort!.once("message", resolve));
setSiteRoot(root);
const loaded = await loadEntries(entries, root);
const reply: ImportReply = {
  plans: [...loaded.exportedSourcesOf.keys()].map((file) => [file, encodePipelines(loaded.pipelines.filter((p) => p.file === file))]),
  exportedSourcesOf: [...loaded.exportedSourcesOf],
  exportedSources: loaded.exportedSources,
  diagnostics: loaded.diagnostics,
};
parentPort!.postMessage(reply);
