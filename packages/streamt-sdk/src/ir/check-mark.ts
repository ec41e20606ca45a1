/**
 * What a data-quality check (dsl/check.ts) leaves on the two filters it makes, so analysis can tell
 * them apart from the user's own filters: the check's name, which rows the filter keeps, and what
 * happens to the failing rows.
 */
export interface CheckMark {
  readonly name: string;
  /** passed: the rows that pass every rule (the stream check() returns); failed: the rest (its failures). */
  readonly part: "passed" | "failed";
  /** route: failing rows become failure records, which the pipeline must write; drop: they are discarded. */
  readonly onFail: "route" | "drop";
}
