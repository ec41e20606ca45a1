import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Unit, type and CLI tests; then the tests that run Flink's planner, a Kafka broker and MiniClusters,
    // which share one broker started once (globalSetup) and run only in their own project.
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**", "test/flink/**"] } },
      { extends: true, test: { name: "flink", include: ["test/flink/**/*.test.ts", "test/e2e/**/*.test.ts"], globalSetup: ["test/e2e/global-setup.ts"] } },
    ],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    typecheck: {
      include: ["test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
