/** What the CLI tests share: running the real CLI as a user would, and the examples every command is tried on. */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "packages/streamt-sdk/bin/streamt-sdk.js");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (bin + tsx) in `cwd` (default: the repository root), with no Kafka address from the
 * environment unless `env` gives one.
 */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "", ...options.env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every example entry module, relative to the repository root, sorted. */
export const EXAMPLES = [
  ...readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".ts")).map((f) => `examples/${f}`),
  "examples/catalog-app/src/pipelines.ts",
  "examples/catalog/src/revenue.ts",
].sort();
