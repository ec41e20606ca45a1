import { defineConfig } from "vitest/config";

// Mutation testing (npm run mutate): the fast, in-process tests that pin the emitter's SQL and the
// analysis' findings. No CLI, package or engine tests here: every mutant reruns the tests that cover it.
const sourceConditions = ["streamt-source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ["test/emit-sql/**/*.test.ts", "test/analysis/**/*.test.ts", "test/dsl/**/*.test.ts", "test/ir/**/*.test.ts"],
    // Files that spawn the CLI (it runs the SDK from dist/ or its own loader, outside the mutated sandbox).
    exclude: ["test/dsl/secrets.test.ts", "test/dsl/expression-misuse.test.ts"],
    testTimeout: 30_000,
  },
});
