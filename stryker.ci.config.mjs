// A scoped mutation run small enough for CI (`npm run mutate:ci`): the emitter's text pieces (quoting,
// comments, interval literals) and the findings' printed form, which every script and every CLI report
// go through. It fails below the break threshold. The full run is `npm run mutate` (stryker.config.json).
// Measured at 5 min on the shared 2-core machine while another mutation run was going, so it is not part
// of .ci/run (the budget there is 3 min); run it before changing those files.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));

export default {
  ...base,
  mutate: ["packages/streamt-sdk/src/emit-sql/sql-text.ts", "packages/streamt-sdk/src/analysis/format.ts"],
  concurrency: 1,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ["json", "clear-text"],
  clearTextReporter: { logTests: false },
  jsonReporter: { fileName: "reports/mutation/ci.json" },
  tempDirName: ".stryker-tmp-ci",
  tsconfigFile: "tsconfig.mutate-ci.json",
};
