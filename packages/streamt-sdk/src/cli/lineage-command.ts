import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import { lineageOf } from "../lineage/column-lineage.js";
import { lineageJson, lineageText } from "../lineage/render.js";
import { DEFAULT_FLINK_VERSION } from "../emit-sql/dialect.js";
import { missingEntries } from "../synth/load.js";
import { check, type CheckResult } from "../synth/synth.js";
import type { Plan } from "../ir/plan.js";
import { UsageError, type Command } from "./args.js";
import type { Io } from "./main.js";

/**
 * `streamt-sdk lineage`: the entries' pipelines checked as `check` does (a plan with failing findings
 * has no lineage to trust: its findings are printed instead, exit 1), then their graph and column lineage.
 */
export async function lineageCommand(cmd: Extract<Command, { command: "lineage" }>, io: Io): Promise<number> {
  const missing = missingEntries(cmd.entries, io.cwd);
  if (missing.length > 0) throw new UsageError(`entry file not found: ${missing.join(", ")} (relative to ${io.cwd})`);
  const result = await check({
    entries: cmd.entries,
    root: io.cwd,
    typecheck: cmd.typecheck,
    cache: cmd.cache,
    flinkVersion: DEFAULT_FLINK_VERSION,
    bootstrapServers: "localhost:9092",
    strict: false,
    ...(io.beforeLoad ? { beforeLoad: io.beforeLoad } : {}),
  });
  const plan = planOrFindings(result, io);
  if (!plan) return 1;
  const lineage = lineageOf(plan);
  io.out(cmd.json ? lineageJson(lineage) : lineageText(lineage));
  return 0;
}

/**
 * A checked plan to describe (lineage, docs), after printing the check's notes; null, after printing its
 * findings, when the check failed: a plan the SDK refuses has no lineage to trust.
 */
export function planOrFindings(result: CheckResult, io: Io): Plan | null {
  for (const note of result.notes) io.err(`note: ${note}\n`);
  if (result.ok && result.plan) return result.plan;
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + "\n");
  if (result.diagnostics.length > 0) io.err(formatSummary(result.diagnostics) + "\n");
  return null;
}
