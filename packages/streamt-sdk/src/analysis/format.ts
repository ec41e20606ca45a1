import type { SourceSite } from "../ir/node-base.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * One finding as the CLI prints it:
 *
 * ```
 * error STREAMT-E001 examples/bad.ts:12:5 [orders-enriched] orders/join
 *   regular join keeps both sides in state forever
 *   fix: give the join { ttl: "1d" } or the pipeline a stateTtl
 * ```
 * An acknowledged warning gets a last line `  acknowledged: <reason>`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const head = [d.severity, d.code, siteText(d.site)];
  if (d.pipeline !== null) head.push(`[${d.pipeline}]`);
  if (d.path) head.push(d.path);
  const lines = [head.join(" "), `  ${d.message}`];
  if (d.hint) lines.push(`  fix: ${d.hint}`);
  if (d.acknowledged) lines.push(`  acknowledged: ${d.acknowledged.reason}`);
  return lines.join("\n");
}

/** Counts, e.g. "2 errors, 1 warning (1 acknowledged)"; "no findings" for none. */
export function formatSummary(ds: readonly Diagnostic[]): string {
  if (ds.length === 0) return "no findings";
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.filter((d) => d.severity === "warning");
  const acknowledged = warnings.filter((d) => d.acknowledged !== undefined).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings.length, "warning")}${acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ""}`;
}

function siteText(site: SourceSite | null): string {
  return site ? `${site.file}:${site.line}:${site.column}` : "<unknown location>";
}
