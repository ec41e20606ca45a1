import { describe, expect, it } from "vitest";
import { validationResult, validatorExitError } from "../../packages/streamt-sdk/src/runtime/planner-validator.js";

describe("validationResult: the validator's answer as a result", () => {
  it("ok, with the statement count and time; view schemas and EXPLAIN only when answered", () => {
    expect(validationResult({ id: "p1", ok: true, statements: 7, ms: 412 }, "sent")).toEqual({ id: "p1", ok: true, statements: 7, ms: 412 });
    expect(validationResult({ ok: true, statements: 2, ms: 9, viewSchemas: { v: ["n BIGINT NOT NULL"] }, explain: "== Abstract Syntax Tree ==" }, "sent")).toEqual({
      id: "sent",
      ok: true,
      statements: 2,
      ms: 9,
      viewSchemas: { v: ["n BIGINT NOT NULL"] },
      explain: "== Abstract Syntax Tree ==",
    });
    expect(validationResult({ ok: true, explain: "" }, "sent")).toEqual({ id: "sent", ok: true, statements: 0, ms: 0, explain: "" });
    expect(validationResult({ ok: true, ms: "12", explain: 3 }, "sent")).toEqual({ id: "sent", ok: true, statements: 0, ms: 0 });
  });

  it("a failure: which statement, where, Flink's message and its position in the script", () => {
    expect(validationResult({ id: "p1", ok: false, statementIndex: 3, statement: "INSERT INTO out SELECT x FROM t", line: 12, error: "Column 'x' not found", errorLine: 12, errorColumn: 24, ms: 80 }, "sent")).toEqual({
      id: "p1",
      ok: false,
      statementIndex: 3,
      statement: "INSERT INTO out SELECT x FROM t",
      line: 12,
      error: "Column 'x' not found",
      errorLine: 12,
      errorColumn: 24,
      ms: 80,
    });
  });

  it("a failure that names nothing: defaults, and no position", () => {
    expect(validationResult({ ok: "true", errorLine: "3" }, "sent")).toEqual({ id: "sent", ok: false, statementIndex: 0, statement: "", line: 0, error: "unknown error", errorLine: null, errorColumn: null, ms: 0 });
  });
});

describe("validatorExitError: what the scripts still waiting get when the validator JVM exits", () => {
  it("killed by a signal: the signal", () => {
    const e = validatorExitError("2", null, "SIGKILL", 3, "OutOfMemoryError: Java heap space");
    expect({ code: e.code, message: e.message }).toEqual({ code: "STREAMT-R005", message: "the Flink 2 validator exited (SIGKILL) with 3 script(s) unanswered:\nOutOfMemoryError: Java heap space" });
  });

  it("exited on its own: the exit code", () => {
    expect(validatorExitError("1.20", 1, null, 1, "").message).toBe("the Flink 1.20 validator exited (code 1) with 1 script(s) unanswered:\n");
  });
});
