import { existsSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../analysis/diagnostic.js";
import type { ProjectRules } from "../analysis/project-rules-pass.js";
import { isStreamtError } from "../errors.js";
import { CONFIG_FILE } from "./define-config.js";

/**
 * The project's rules for synth: none without a streamt.config.ts (the config loader, and the compiler
 * it parses the file with on an error, are then never loaded); a config that does not load or fit its
 * schema is its STREAMT-L004 as a finding, at the config file's line. Call it once the TypeScript loader
 * is registered (the config is a .ts module).
 */
export async function loadProjectRules(root: string): Promise<{ readonly rules: ProjectRules | null; readonly error: Diagnostic | null }> {
  if (!existsSync(path.join(root, CONFIG_FILE))) return { rules: null, error: null };
  const { loadConfig } = await import("./config.js");
  try {
    return { rules: (await loadConfig(root)).rules, error: null };
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    // Sites are relative to the project root, as the pipelines' are (the loader's are to the process's folder).
    const site = e.site ? { ...e.site, file: CONFIG_FILE } : null;
    return { rules: null, error: { code: e.code, severity: "error", pipeline: null, path: CONFIG_FILE, site, message: e.message, hint: e.hint ?? "" } };
  }
}
