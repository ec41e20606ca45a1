import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.mutate.config.js";

// The sampled mutation run (bench/mutation-sample.ts) over dsl/, ir/, emit-java/ and lineage/: the
// in-process tests of the SQL path plus those of the Java output, the lineage and the testing API's plans.
// Tests that spawn the CLI (openlineage.test.ts) run the SDK outside the mutated sandbox and are left out;
// openlineage-events.test.ts builds and delivers the same events in this process.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        "test/emit-sql/**/*.test.ts",
        "test/analysis/**/*.test.ts",
        "test/dsl/**/*.test.ts",
        "test/ir/**/*.test.ts",
        "test/java/**/*.test.ts",
        "test/lineage/column-lineage.test.ts",
        "test/lineage/lineage-shapes.test.ts",
        "test/lineage/openlineage-events.test.ts",
        "test/testing/**/*.test.ts",
      ],
    },
  }),
  true,
);
