import type { ChildProcess } from "node:child_process";
import { StreamtError } from "../errors.js";
import { buildRunner, onJsonLines, spawnRunner, stderrTail, type ProgressSink, type RunnerTarget } from "./flink-runner.js";
import { stopChild } from "./process-registry.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** Flink's planner accepted every statement of the script. */
export interface ValidationOk {
  readonly id: string;
  readonly ok: true;
  readonly statements: number;
  readonly ms: number;
  /** With `viewSchemas`: each view's columns as Flink resolved them, "name TYPE" (e.g. "n BIGINT NOT NULL"). */
  readonly viewSchemas?: Readonly<Record<string, readonly string[]>>;
  /** With `explain`: Flink's EXPLAIN of every INSERT or statement set (AST, optimized physical and execution plans). */
  readonly explain?: string;
}

export interface ValidateOptions {
  readonly viewSchemas?: boolean;
  readonly explain?: boolean;
}

/** Flink rejected a statement: which one (1-based among the script's statements), where, and why. */
export interface ValidationFailure {
  readonly id: string;
  readonly ok: false;
  readonly statementIndex: number;
  /** The failing statement's text. */
  readonly statement: string;
  /** 1-based line in the script where the statement starts. */
  readonly line: number;
  /** Flink's message (the cause chain, no stack trace). */
  readonly error: string;
  /** Position in the whole script, when Flink's message has one. */
  readonly errorLine: number | null;
  readonly errorColumn: number | null;
  readonly ms: number;
}

export type ValidationResult = ValidationOk | ValidationFailure;

/**
 * One warm JVM that checks many Flink SQL scripts with the real planner (DDL registered, every INSERT
 * explained, nothing run). JVM start-up dominates, so validate everything of a target through one.
 *
 * @example
 * const v = await PlannerValidator.start("2");
 * const r = await v.validate("hourly-revenue", script); // { ok: true, statements: 7, ms: 412 }
 * await v.close();
 */
export class PlannerValidator {
  private readonly pending: { id: string; resolve: (r: ValidationResult) => void; reject: (e: Error) => void }[] = [];
  private exited = false;

  private constructor(
    readonly target: RunnerTarget,
    private readonly child: ChildProcess,
    private readonly stderr: () => string,
  ) {
    onJsonLines(child, (e) => this.reply(e));
    // "close", not "exit": a reply it wrote just before it ended is read first.
    child.once("close", (code, signal) => {
      this.exited = true;
      const err = validatorExitError(target, code, signal, this.pending.length, this.stderr());
      for (const p of this.pending.splice(0)) p.reject(err);
    });
  }

  /** Builds the runner target if needed and starts its validator JVM. */
  static async start(target: Exclude<RunnerTarget, "kafka">, options: { progress?: ProgressSink } = {}): Promise<PlannerValidator> {
    const runner = await buildRunner(target, options.progress);
    const child = spawnRunner(runner, ["validate"], { validateFlags: true });
    const tail = stderrTail(child);
    return new PlannerValidator(target, child, tail);
  }

  /** Validates one script; scripts sent together are answered in order by the one JVM. */
  validate(id: string, script: string, options: ValidateOptions = {}): Promise<ValidationResult> {
    if (this.exited) return Promise.reject(new StreamtError({ code: RuntimeErrorCode.runnerFailed, message: `the Flink ${this.target} validator is not running` }));
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      this.child.stdin!.write(JSON.stringify({ id, script, ...(options.viewSchemas ? { viewSchemas: true } : {}), ...(options.explain ? { explain: true } : {}) }) + "\n");
    });
  }

  /** Validates many scripts (in order) and returns their results in the same order. */
  validateAll(scripts: readonly { id: string; script: string }[], options: ValidateOptions = {}): Promise<ValidationResult[]> {
    return Promise.all(scripts.map((s) => this.validate(s.id, s.script, options)));
  }

  /** Closes stdin (the JVM exits when it has answered everything) and waits for the exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => void stopChild(this.child, { timeoutMs: 5_000 }), 30_000);
    await exited;
    clearTimeout(timer);
  }

  private reply(e: Record<string, unknown>): void {
    const next = this.pending.shift();
    if (!next) return;
    next.resolve(validationResult(e, next.id));
  }
}

/** A validator's answer as a result; `sentId` is the id of the script it answers (the answer's own id wins). */
export function validationResult(e: Record<string, unknown>, sentId: string): ValidationResult {
  const id = typeof e.id === "string" ? e.id : sentId;
  const ms = typeof e.ms === "number" ? e.ms : 0;
  if (e.ok === true) {
    const schemas = e.viewSchemas as Record<string, string[]> | undefined;
    const explain = typeof e.explain === "string" ? e.explain : undefined;
    return { id, ok: true, statements: Number(e.statements ?? 0), ms, ...(schemas ? { viewSchemas: schemas } : {}), ...(explain !== undefined ? { explain } : {}) };
  }
  return {
    id,
    ok: false,
    statementIndex: Number(e.statementIndex ?? 0),
    statement: String(e.statement ?? ""),
    line: Number(e.line ?? 0),
    error: String(e.error ?? "unknown error"),
    errorLine: typeof e.errorLine === "number" ? e.errorLine : null,
    errorColumn: typeof e.errorColumn === "number" ? e.errorColumn : null,
    ms,
  };
}

/** The error every script still waiting gets when the validator's JVM exits (by a signal, or with an exit code). */
export function validatorExitError(target: RunnerTarget, code: number | null, signal: string | null, unanswered: number, stderr: string): StreamtError {
  return new StreamtError({
    code: RuntimeErrorCode.runnerFailed,
    message: `the Flink ${target} validator exited (${signal ?? `code ${code}`}) with ${unanswered} script(s) unanswered:\n${stderr}`,
  });
}
