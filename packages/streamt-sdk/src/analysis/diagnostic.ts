import type { SourceSite } from "../ir/node-base.js";

export type Severity = "error" | "warning";

/**
 * One finding of analysis: a stable code (documented in docs/diagnostics.md), where it is (pipeline,
 * plan path, the user's file:line), what is wrong and how to fix it.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  /** The pipeline the finding is about; null for findings about the whole project. */
  readonly pipeline: string | null;
  readonly path: string;
  readonly site: SourceSite | null;
  readonly message: string;
  readonly hint: string;
  /** Set when the pipeline acknowledged this warning by code. */
  readonly acknowledged?: { readonly reason: string };
}

/** Errors always fail; open (unacknowledged) warnings fail only under --strict. */
export function isFailing(d: Diagnostic, strict: boolean): boolean {
  return d.severity === "error" || (strict && d.acknowledged === undefined);
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.pipeline ?? "").localeCompare(b.pipeline ?? "") ||
    a.path.localeCompare(b.path) ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}
