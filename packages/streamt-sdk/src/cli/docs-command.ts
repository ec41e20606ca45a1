import { createHash } from "node:crypto";
import path from "node:path";
import { siteData } from "../docs-site/site-data.js";
import { siteFiles } from "../docs-site/render-html.js";
import { lineageOf } from "../lineage/column-lineage.js";
import { sqlByPipeline } from "../lineage/sql-scripts.js";
import { missingEntries } from "../synth/load.js";
import { assertReplaceableOutput, DOCS_WRITER, writeOutput, type OutputFile } from "../synth/output-folder.js";
import { synth } from "../synth/synth.js";
import { SDK_VERSION } from "../version.js";
import { UsageError, type Command } from "./args.js";
import { planOrFindings } from "./lineage-command.js";
import type { Io } from "./main.js";

/**
 * `streamt-sdk docs`: the entries synthesised in memory (a plan with failing findings has no docs: its
 * findings are printed, exit 1), then the static site written to --out as synth writes its folder: all at
 * once, replacing only a folder docs wrote (its manifest.json, of kind "docs-site", lists every file;
 * checked before the synth, so a wrong --out costs nothing).
 */
export async function docsCommand(cmd: Extract<Command, { command: "docs" }>, io: Io): Promise<number> {
  const missing = missingEntries(cmd.entries, io.cwd);
  if (missing.length > 0) throw new UsageError(`entry file not found: ${missing.join(", ")} (relative to ${io.cwd})`);
  assertReplaceableOutput(cmd.out, { cwd: io.cwd, entries: cmd.entries, writer: DOCS_WRITER });
  const result = await synth({
    entries: cmd.entries,
    root: io.cwd,
    typecheck: cmd.typecheck,
    cache: cmd.cache,
    flinkVersion: cmd.flink,
    bootstrapServers: process.env.STREAMT_KAFKA_BOOTSTRAP || "localhost:9092",
    strict: false,
    ...(io.beforeLoad ? { beforeLoad: io.beforeLoad } : {}),
  });
  const plan = planOrFindings(result, io);
  if (!plan) return 1;
  const data = siteData({ plan, lineage: lineageOf(plan), sql: sqlByPipeline(result.files), diagnostics: result.diagnostics, sdkVersion: SDK_VERSION, flinkVersion: cmd.flink });
  const files = siteFiles(data);
  writeOutput(cmd.out, [...files, docsManifest(files)], { cwd: io.cwd, entries: cmd.entries, writer: DOCS_WRITER });
  io.out(`wrote the docs of ${data.pipelines.length} pipeline${data.pipelines.length === 1 ? "" : "s"} to ${path.join(cmd.out, "index.html")}\n`);
  return 0;
}

/** The manifest that makes the folder one docs may replace next time (synth/output-folder.ts reads its file list). */
function docsManifest(files: readonly OutputFile[]): OutputFile {
  const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
  const manifest = {
    version: 2,
    kind: DOCS_WRITER.kind,
    sdkVersion: SDK_VERSION,
    artifacts: [{ id: DOCS_WRITER.kind, type: DOCS_WRITER.kind, files: files.map((f) => ({ path: f.path, sha256: sha256(f.content) })) }],
  };
  return { path: "manifest.json", content: JSON.stringify(manifest, null, 2) + "\n" };
}
