import { describe, expect, it } from "vitest";
import { formatDiagnostic, formatSummary } from "../../packages/streamt-sdk/src/analysis/format.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";

const joinError: Diagnostic = {
  code: "STREAMT-E001",
  severity: "error",
  pipeline: "orders-enriched",
  path: "orders/join",
  site: { file: "examples/bad.ts", line: 12, column: 5 },
  message: "regular join keeps both sides in state forever",
  hint: 'give the join { ttl: "1d" } or the pipeline a stateTtl',
};

describe("formatDiagnostic", () => {
  it("prints severity, code, file:line:column, pipeline and path, then the message and the fix", () => {
    expect(formatDiagnostic(joinError)).toBe(
      [
        "error STREAMT-E001 examples/bad.ts:12:5 [orders-enriched] orders/join",
        "  regular join keeps both sides in state forever",
        '  fix: give the join { ttl: "1d" } or the pipeline a stateTtl',
      ].join("\n"),
    );
  });

  it("prints an acknowledged warning's reason, and findings with no site or pipeline", () => {
    const w: Diagnostic = {
      code: "STREAMT-W006",
      severity: "warning",
      pipeline: null,
      path: "payments",
      site: null,
      message: "source 'payments' is declared but no pipeline reads it",
      hint: "write a pipeline that reads it",
      acknowledged: { reason: "used next sprint" },
    };
    expect(formatDiagnostic(w)).toBe(
      [
        "warning STREAMT-W006 <unknown location> payments",
        "  source 'payments' is declared but no pipeline reads it",
        "  fix: write a pipeline that reads it",
        "  acknowledged: used next sprint",
      ].join("\n"),
    );
  });
});

describe("formatSummary", () => {
  const warning: Diagnostic = { ...joinError, code: "STREAMT-W003", severity: "warning" };
  it("counts errors, warnings and acknowledged warnings", () => {
    expect(formatSummary([joinError, joinError, { ...warning, acknowledged: { reason: "ok" } }])).toBe("2 errors, 1 warning (1 acknowledged)");
    expect(formatSummary([joinError, warning, warning])).toBe("1 error, 2 warnings");
    expect(formatSummary([warning])).toBe("0 errors, 1 warning");
    expect(formatSummary([])).toBe("no findings");
  });
});
