/** Codes of errors a pipeline test (streamt-sdk/testing) reports; each has a row in docs/diagnostics.md. */
export const TestingErrorCode = {
  /** An expectation did not hold: the message is the diff (missing, unexpected and changed records). */
  expectationFailed: "STREAMT-T001",
  /** given(), advanceWatermarkTo() or expect() names a source or sink the tested pipeline does not have. */
  notInPipeline: "STREAMT-T002",
  /** A given row does not fit its source's schema (for plain JavaScript callers; TypeScript sees it first). */
  invalidRow: "STREAMT-T003",
  /** A watermark step the source cannot take: no watermark, not after the previous step, or not a time. */
  invalidWatermarkStep: "STREAMT-T004",
  /** The test's job did not end (its input consumed) within the test's timeout: it was cancelled. */
  timeout: "STREAMT-T005",
  /** The test is used in an order it cannot run in (a step after the run, an expectation that contradicts itself). */
  invalidTest: "STREAMT-T006",
  /** A source the test cannot feed: not the json format, or a changelog source given a watermark step. */
  unsupportedSource: "STREAMT-T007",
  /** `streamt-sdk test`: the project has no vitest to run its tests with. */
  noVitest: "STREAMT-T008",
  /** A restore test's second job could not start from the first one's savepoint: its state does not fit the changed pipeline. */
  restoreFailed: "STREAMT-T009",
} as const;
