import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/longest-first.js";

// The JVMs the tests start (jobs, JARs, the dev cluster, the job server) run for seconds on little data:
// the JIT's first tier alone costs them half the CPU C2 does (a bounded 5 s job: 5.1 s of CPU instead of 9.5 s,
// 2 cores), and the suite is CPU-bound. Users' JVMs keep the JVM's default unless they set it themselves.
process.env.STREAMT_JVM_OPTIONS ??= "-XX:TieredStopAtLevel=1";

// The synth caches of runs in the repository's folder go to node_modules/.cache/streamt-sdk. Made now, before
// any test: its creation changes the names in node_modules, which the caches of the test projects under .tmp/
// rightly hold (a new name there can change what an import resolves to), so a project's "unchanged" second
// synth would otherwise import again whenever another test's first cache write fell between its two runs.
mkdirSync(fileURLToPath(new URL("node_modules/.cache/streamt-sdk", import.meta.url)), { recursive: true });

// Tests import "streamt-sdk" as users do, but must run its sources, not a possibly stale dist/.
const sourceConditions = ["streamt-source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    testTimeout: 30_000,
    // Within each project, the slowest files first (test/longest-first.ts): the unit project's two workers end together.
    sequence: { sequencer: LongestFirst },
    hookTimeout: 600_000,
    // Unit, type-level (*.test-d.ts, checked by tsc) and CLI tests; then the tests that run Flink's
    // planner, a Kafka broker and MiniClusters, which share one broker started once by globalSetup.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Two files at a time even on 2 cores (vitest's default there is one): one file's CLI processes
          // and type-check threads leave the other core idle much of the time. On 2 cores the project took
          // 312 s of wall time so, against 408 s of test time one file at a time. The engine's files come
          // after, in a group of their own, as many at a time as vitest's default.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/flink/**"],
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        extends: true,
        // The examples' own pipeline tests (streamt-sdk/testing) run here too, on the same broker.
        test: {
          name: "flink",
          include: ["test/flink/**/*.test.ts", "test/e2e/**/*.test.ts", "examples/tests/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
