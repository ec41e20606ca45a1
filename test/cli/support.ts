/** What the CLI tests share: running the real CLI as a user would, and the examples every command is tried on. */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { parseCommand, UsageError } from "../../packages/streamt-sdk/src/cli/args.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "packages/streamt-sdk/bin/streamt-sdk.js");

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

/** The message of the usage error parseCommand throws for `argv` (fails the test when it throws none). */
export function usage(argv: string[]): string {
  try {
    parseCommand(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
}
