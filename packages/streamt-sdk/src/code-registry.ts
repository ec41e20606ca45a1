import { DiagnosticCode } from "./analysis/codes.js";
import { BuildErrorCode } from "./errors.js";
import { RuntimeErrorCode } from "./runtime/toolchain.js";
import { LoadCode } from "./synth/load.js";
import { OutputCode } from "./synth/output-folder.js";
import { TestingErrorCode } from "./testing/codes.js";

/**
 * Every code streamt-sdk reports, by group: analysis findings (E/W), build (B), load (L), output (O),
 * runtime (R) and pipeline-test (T) errors. Each is documented in docs/diagnostics.md; a test holds the two together.
 */
export const CODE_GROUPS = {
  analysis: DiagnosticCode,
  build: BuildErrorCode,
  load: LoadCode,
  output: OutputCode,
  runtime: RuntimeErrorCode,
  testing: TestingErrorCode,
} as const;

/** Every code, sorted. */
export function allCodes(): string[] {
  return Object.values(CODE_GROUPS).flatMap((g) => Object.values(g) as string[]).sort();
}
