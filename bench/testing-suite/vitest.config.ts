/** Bench section 6's suite, run as a user's project runs its tests: streamt-sdk/testing's global setup (one broker, one warm JVM). */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The repository's sources, as its own tests import them.
const sourceConditions = ["streamt-source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["bench/testing-suite/*.test.ts"],
    globalSetup: [fileURLToPath(new URL("../../packages/streamt-sdk/src/testing/global-setup.ts", import.meta.url))],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
