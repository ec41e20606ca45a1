/**
 * Bench section 6: a 20-test suite written with streamt-sdk/testing (bench/testing-suite), run by vitest
 * as a user's project runs it (the SDK's global setup: one broker and one warm JVM whose MiniCluster
 * every test job shares). Measured in one run: the first start (vitest and the broker until the first
 * test has run its job, which starts the JVM and its MiniCluster), the 20 tests after it, and each
 * test's duration as vitest reports it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_DIR } from "./generate.js";
import type { PipelineTestsSection } from "./render-results.js";

const REPO = path.resolve(BENCH_DIR, "..");
const VITEST = path.join(REPO, "node_modules/vitest/vitest.mjs");

interface VitestJson {
  readonly testResults: readonly { readonly endTime: number; readonly assertionResults: readonly { readonly title: string; readonly status: string; readonly duration: number | null }[] }[];
}

export async function pipelineTestsBench(log: (line: string) => void): Promise<PipelineTestsSection> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "streamt-bench-tests-"));
  const report = path.join(tmp, "report.json");
  try {
    const loadBefore = os.loadavg()[0]!;
    const launched = Date.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [VITEST, "run", "--config", "bench/testing-suite/vitest.config.ts", "--reporter=json", `--outputFile=${report}`], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
      child.stderr.on("data", (d: Buffer) => d.toString().split("\n").filter((l) => l.includes("[streamt-sdk]")).forEach((l) => log(l.trim())));
      child.on("error", reject);
      child.on("close", resolve);
    });
    const wallMs = Date.now() - launched;
    const loadAfter = os.loadavg()[0]!;
    const file = (JSON.parse(readFileSync(report, "utf8")) as VitestJson).testResults[0];
    if (!file) throw new Error(`vitest ran no test file (exit ${code})`);
    const [first, ...rest] = file.assertionResults;
    if (!first || rest.length !== 20) throw new Error(`the suite should have 1 + 20 tests, vitest ran ${file.assertionResults.length}`);
    // The tests run one after another: the 20 end with the file, and began when the first one ended.
    const perTestMs = rest.map((t) => t.duration ?? NaN);
    const suiteMs = perTestMs.reduce((a, b) => a + b, 0);
    return {
      tests: rest.length,
      passed: rest.filter((t) => t.status === "passed").length,
      firstPassed: first.status === "passed",
      firstStartMs: file.endTime - suiteMs - launched,
      firstTestMs: first.duration ?? NaN,
      suiteMs,
      perTestMs,
      wallMs,
      load: { before: loadBefore, after: loadAfter },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
