import type { Severity } from "./diagnostic.js";

/**
 * Every analysis finding, by stable code. A code never changes meaning once released: retire it and
 * take a new one instead. Each is documented, with a failing example and its fix, in docs/diagnostics.md.
 */
export const DiagnosticCode = {
  /** A pass threw: a bug in streamt-sdk, reported rather than crashing synth. */
  internalError: "STREAMT-E000",
  regularJoinWithoutTtl: "STREAMT-E001",
  aggregateWithoutTtl: "STREAMT-E002",
  deduplicateWithoutTtl: "STREAMT-E003",
  topNWithoutTtl: "STREAMT-E004",
  missingEventTime: "STREAMT-E005",
  temporalJoinNotVersioned: "STREAMT-E006",
  updatingIntoAppendSink: "STREAMT-E007",
  upsertKeyNotUnique: "STREAMT-E008",
  exactlyOnceWithoutCheckpoints: "STREAMT-E009",
  ttlShorterThanTimeBound: "STREAMT-E010",
  duplicatePipelineName: "STREAMT-E011",
  duplicateTopicWriter: "STREAMT-E012",
  invalidTopicName: "STREAMT-E013",
  allowedLatenessUnsupported: "STREAMT-E014",
  transactionTimeoutWithinCheckpointInterval: "STREAMT-E015",
  joinFilterLosesDelete: "STREAMT-E016",
  topicSchemaMismatch: "STREAMT-E017",
  /** A check's failure records (onFail "route") that its pipeline does not write. */
  checkFailuresNotWritten: "STREAMT-E018",
  /** A filter reading a Top-N's rank other than against a number: Flink cannot plan it as a Top-N. */
  rankFilterNotPlanned: "STREAMT-E019",
  /** A join on a key an earlier filter makes NULL on every row: no match, and Flink's planner fails. */
  nullJoinKey: "STREAMT-E020",
  /** A check's unique rule (an OVER aggregate keeping the last row per key) in a pipeline without a state TTL. */
  uniqueWithoutTtl: "STREAMT-E021",
  /** A job-wide state TTL shorter than a unique rule's `within`: repeats further apart pass unseen. */
  ttlShorterThanUniqueWithin: "STREAMT-E022",

  transactionTimeoutTooLong: "STREAMT-W001",
  watermarkDelayExceedsWindow: "STREAMT-W002",
  sourceWithoutIdleTimeout: "STREAMT-W003",
  eventTimeWithoutWatermark: "STREAMT-W004",
  uselessAcknowledgement: "STREAMT-W005",
  unusedSource: "STREAMT-W006",
  upsertKeyUnverified: "STREAMT-W007",
  rowNumberTtlOverridden: "STREAMT-W008",
  topicFeedbackLoop: "STREAMT-W010",
  constantFilter: "STREAMT-W011",
  // Project rules (streamt.config.ts `rules`): warnings, so a pipeline can acknowledge an exception with its reason.
  /** A topic a pipeline writes whose name the project's topic pattern does not match. */
  topicNameRule: "STREAMT-W012",
  /** A pipeline whose name the project's pipeline pattern does not match. */
  pipelineNameRule: "STREAMT-W013",
  /** A written topic with fewer partitions than the project's minimum, or none declared. */
  topicPartitionsRule: "STREAMT-W014",
  /** A written topic with a smaller replication factor than the project's minimum, or none declared. */
  topicReplicationRule: "STREAMT-W015",
  /** A pipeline or Kafka sink without the description the project requires. */
  missingDescription: "STREAMT-W016",
  /** A pipeline or Kafka sink without the owner the project requires. */
  missingOwner: "STREAMT-W017",
  /** A source or sink in a format the project forbids. */
  forbiddenFormat: "STREAMT-W018",
  /** A state TTL (the pipeline's or a step's) longer than the project's maximum. */
  stateTtlAboveRule: "STREAMT-W019",
} as const;

export type DiagnosticCodeValue = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** The severity a code always has: E codes are errors, W codes warnings. */
export function severityOf(code: string): Severity {
  return code.startsWith("STREAMT-E") ? "error" : "warning";
}

const KNOWN = new Set<string>(Object.values(DiagnosticCode));

export function isKnownCode(code: string): boolean {
  return KNOWN.has(code);
}
