import { existsSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../analysis/diagnostic.js";
import type { ProjectRules } from "../analysis/project-rules-pass.js";
import { isStreamtError } from "../errors.js";
import type { RulesSection } from "./config.js";
import { CONFIG_FILE } from "./define-config.js";

/** The project's rules as read from streamt.config.ts: plain data, which synth --watch's import thread sends back. */
export interface RulesData {
  /** The config's `rules` section; null when it has none, or no config, or on an error. */
  readonly section: RulesSection | null;
  /** The config's STREAMT-L004, as a finding at its line. */
  readonly error: Diagnostic | null;
}

/**
 * The project's rules for synth: none without a streamt.config.ts (the config loader, and the compiler
 * it parses the file with on an error, are then never loaded); a config that does not load or fit its
 * schema is its STREAMT-L004 as a finding, at the config file's line. Call it once the TypeScript loader
 * is registered (the config is a .ts module). `query` is appended to the config's URL (see readConfig).
 */
export async function readProjectRules(root: string, options: { readonly query?: string } = {}): Promise<RulesData> {
  if (!existsSync(path.join(root, CONFIG_FILE))) return { section: null, error: null };
  const { readConfig } = await import("./config.js");
  try {
    return { section: (await readConfig(root, options)).input.rules ?? null, error: null };
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    // Sites are relative to the project root, as the pipelines' are (the loader's are to the process's folder).
    const site = e.site ? { ...e.site, file: CONFIG_FILE } : null;
    return { section: null, error: { code: e.code, severity: "error", pipeline: null, path: CONFIG_FILE, site, message: e.message, hint: e.hint ?? "" } };
  }
}

/** The rules the analysis checks, from what readProjectRules read. */
export async function projectRules(data: RulesData, root: string): Promise<{ readonly rules: ProjectRules | null; readonly error: Diagnostic | null }> {
  if (data.section === null) return { rules: null, error: data.error };
  const { rulesOf } = await import("./config.js");
  return { rules: rulesOf(path.join(path.resolve(root), CONFIG_FILE), data.section), error: null };
}
