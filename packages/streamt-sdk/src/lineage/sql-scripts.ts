import { parseManifest, sqlScriptOf } from "../synth/manifest.js";
import type { OutputFile } from "../synth/output-folder.js";

/**
 * Each pipeline's SQL script among the files a synth run holds in memory, found through the run's manifest
 * (never guessed from a file name). A pipeline without one (synth --target java) is not in the map.
 */
export function sqlByPipeline(files: readonly OutputFile[]): Map<string, string> {
  const manifestFile = files.find((f) => f.path === "manifest.json");
  if (!manifestFile) throw new Error("internal: a synth run without its manifest.json");
  const manifest = parseManifest(manifestFile.content, "synth's manifest");
  const contents = new Map(files.map((f) => [f.path, f.content]));
  const scripts = new Map<string, string>();
  for (const p of manifest.pipelines) {
    const script = sqlScriptOf(manifest, p.name);
    if (script) scripts.set(p.name, contents.get(script.files[0]!.path)!);
  }
  return scripts;
}
