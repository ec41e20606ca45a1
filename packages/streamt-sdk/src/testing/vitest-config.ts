/**
 * The vitest configuration `streamt-sdk test` runs a project's tests with when the project has none of
 * its own: the shared broker and job server of the global setup, and timeouts that fit a job's run.
 * A project with its own vitest config adds the global setup there (see docs/testing.md).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

export default {
  test: {
    globalSetup: [existsSync(here("./global-setup.js")) ? here("./global-setup.js") : here("./global-setup.ts")],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
};
