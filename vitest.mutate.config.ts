import path from "node:path";
import { defineConfig } from "vitest/config";

// Mutation testing (npm run mutate): the fast, in-process tests that pin the emitter's SQL and the
// analysis' findings. No CLI, package or engine tests here: every mutant reruns the tests that cover it.
const sourceConditions = ["streamt-source", "import", "module", "node", "default"];

// `streamt-sdk` is a workspace link in node_modules; Stryker's sandbox links node_modules back to the
// project, so the bare import would load the unmutated sources. Point it at this folder's own sources.
const sdkSource = path.join(import.meta.dirname, "packages/streamt-sdk/src");
const alias = [
  { find: /^streamt-sdk$/, replacement: path.join(sdkSource, "index.ts") },
  { find: /^streamt-sdk\/(runtime|testing)$/, replacement: path.join(sdkSource, "$1/index.ts") },
  { find: /^streamt-sdk\/testing\/global-setup$/, replacement: path.join(sdkSource, "testing/global-setup.ts") },
];

export default defineConfig({
  resolve: { conditions: sourceConditions, alias },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ["test/emit-sql/**/*.test.ts", "test/analysis/**/*.test.ts", "test/dsl/**/*.test.ts", "test/ir/**/*.test.ts"],
    // Files that spawn the CLI (it runs the SDK from dist/ or its own loader, outside the mutated sandbox).
    exclude: ["test/dsl/secrets.test.ts", "test/dsl/expression-misuse.test.ts"],
    testTimeout: 30_000,
  },
});
