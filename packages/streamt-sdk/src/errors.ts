import type { SourceSite } from "./ir/node-base.js";

const ERROR_BRAND = Symbol.for("streamt-sdk.error");

/**
 * An error the user can act on: a stable code, the pipeline path, the user's file:line and a fix.
 * The CLI prints these without a stack trace; anything else escaping is a bug in streamt-sdk.
 */
export class StreamtError extends Error {
  readonly [ERROR_BRAND] = true;
  readonly code: string;
  readonly path: string | null;
  readonly site: SourceSite | null;
  readonly hint: string | null;

  constructor(init: { code: string; message: string; path?: string | null; site?: SourceSite | null; hint?: string | null }) {
    super(init.message);
    this.name = "StreamtError";
    this.code = init.code;
    this.path = init.path ?? null;
    this.site = init.site ?? null;
    this.hint = init.hint ?? null;
  }
}

/** Recognises errors from any copy of the package (the CLI and the user's project may load two). */
export function isStreamtError(e: unknown): e is StreamtError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

/** Codes of errors raised while building pipelines (analysis findings have their own, in analysis/). */
export const BuildErrorCode = {
  unknownColumn: "STREAMT-B001",
  typeMismatch: "STREAMT-B002",
  invalidDuration: "STREAMT-B003",
  invalidName: "STREAMT-B004",
  missingTimeAttribute: "STREAMT-B005",
  invalidArgument: "STREAMT-B006",
  unknownCatalogSource: "STREAMT-B007",
  duplicateName: "STREAMT-B008",
  /** JavaScript's &&, ||, !, ?? or ?: (or arithmetic, comparison, a template string) on an expression. */
  jsOperatorOnExpr: "STREAMT-B009",
  /** A secret (password, JAAS line, token) written as a literal where env("NAME") belongs. */
  secretInPipeline: "STREAMT-B010",
  /** No longer raised: the Java (Table API) output writes every operator and aggregate (docs/diagnostics.md). */
  javaNotExpressible: "STREAMT-B011",
  /** A template of the generated Java project is missing or does not render. */
  templateError: "STREAMT-B012",
  /**
   * `json: { onParseError: "skip" }` where an unreadable value would read as null unnoticed: a nullable
   * column, a value inside ARRAY/MAP/ROW, or a changelog source (keyed or CDC).
   */
  unseenParseError: "STREAMT-B013",
  /** synth --target k8s: a pipeline the Flink Kubernetes Operator cannot run as written (its name, its Flink version). */
  notDeployableOnKubernetes: "STREAMT-B014",
} as const;

/** The fix for STREAMT-B009, the same from the run-time check and from the type-check. */
export const JS_OPERATOR_HINT =
  "combine conditions with .and() / .or() / .not(), and pick values with when(...).otherwise(...) or .orElse(); " +
  "JavaScript's && and || return one of their operands, and an expression object is always truthy";
