import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { StreamtError } from "../errors.js";
import { TestingErrorCode } from "../testing/codes.js";
import type { Io } from "./main.js";

/** The config files vitest looks for: a project with one of them configures its own tests. */
const VITEST_CONFIGS = ["ts", "mts", "cts", "js", "mjs", "cjs"].flatMap((ext) => [`vitest.config.${ext}`, `vite.config.${ext}`]);

/**
 * `streamt-sdk test [filter ...]`: runs the project's tests with the project's own vitest (`vitest run`),
 * with streamt-sdk's test configuration (testing/vitest-config.ts) when the project has no vitest
 * config of its own. Returns vitest's exit code; its output is passed through.
 */
export async function runTests(filters: readonly string[], io: Io): Promise<number> {
  const vitest = vitestBin(io.cwd);
  const own = VITEST_CONFIGS.some((f) => existsSync(path.join(io.cwd, f)));
  const args = [vitest, "run", ...(own ? [] : ["--config", sdkConfig(), "--root", io.cwd]), ...filters];
  const child = spawn(process.execPath, args, { cwd: io.cwd, stdio: ["inherit", "pipe", "pipe"] });
  child.stdout.on("data", (d: Buffer) => io.out(d.toString()));
  child.stderr.on("data", (d: Buffer) => io.err(d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}

/** The project's vitest CLI, or STREAMT-T008 saying how to install it. */
function vitestBin(cwd: string): string {
  let manifest: string;
  try {
    manifest = createRequire(path.join(cwd, "package.json")).resolve("vitest/package.json");
  } catch {
    throw new StreamtError({
      code: TestingErrorCode.noVitest,
      message: `streamt-sdk test runs the project's tests with vitest, which is not installed in ${cwd}`,
      hint: "npm install --save-dev vitest",
    });
  }
  const bin = (JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> }).bin.vitest!;
  return path.join(path.dirname(manifest), bin);
}

/** testing/vitest-config: compiled next to this module in an installed package, its source in a checkout. */
function sdkConfig(): string {
  const compiled = fileURLToPath(new URL("../testing/vitest-config.js", import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL("../testing/vitest-config.ts", import.meta.url));
}
