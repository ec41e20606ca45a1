import { StreamtError } from "../errors.js";
import { quoteString } from "../emit-sql/sql-text.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** A script's `'${env:NAME}'` literals: the only places a resolved secret goes. */
const PLACEHOLDER = /'\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}'/g;

export interface ResolvedScript {
  /** The script with every reference replaced by its value: keep it in memory, never write it to a file. */
  readonly script: string;
  /** The values put in, for masking whatever is printed while the job runs. */
  readonly secrets: readonly string[];
}

/**
 * Fills the environment references of a synthesised script in, just before a job starts. A variable
 * that is not set is an error naming it and the pipeline, before anything runs.
 */
export function resolveSecrets(script: string, pipeline: string, environment: NodeJS.ProcessEnv = process.env): ResolvedScript {
  const missing = new Set<string>();
  const secrets = new Set<string>();
  const resolved = script.replace(PLACEHOLDER, (_, name: string) => {
    const value = environment[name];
    if (value === undefined || value === "") {
      missing.add(name);
      return "''";
    }
    secrets.add(value);
    return quoteString(value);
  });
  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new StreamtError({
      code: RuntimeErrorCode.missingSecret,
      message: `pipeline '${pipeline}' reads ${names.length === 1 ? "a secret from the environment variable" : "secrets from the environment variables"} ${names.join(", ")}, which ${names.length === 1 ? "is" : "are"} not set`,
      hint: `set ${names.map((n) => `${n}=...`).join(" ")} in the environment that starts the job (never in the pipeline's code)`,
    });
  }
  return { script: resolved, secrets: [...secrets] };
}

/** Replaces every secret value (and its SQL-quoted form) in text that is about to be printed. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length === 0) continue;
    out = out.split(quoteString(s).slice(1, -1)).join("***").split(s).join("***");
  }
  return out;
}
