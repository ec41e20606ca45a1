import type { PipelineDef, Plan } from "../ir/plan.js";
import { allowedLatenessPass } from "./allowed-lateness-pass.js";
import { appendSinkPass } from "./append-sink-pass.js";
import { checkFailuresPass } from "./check-failures-pass.js";
import { DiagnosticCode, severityOf } from "./codes.js";
import { constantFilterPass } from "./constant-filter-pass.js";
import { compareDiagnostics, type Diagnostic } from "./diagnostic.js";
import { eventTimePass } from "./event-time-pass.js";
import { exactlyOncePass } from "./exactly-once-pass.js";
import { idleSourcePass } from "./idle-source-pass.js";
import { nullJoinKeyPass } from "./null-join-key-pass.js";
import { finding, nodesOf, type AnalysisPass, type PassContext } from "./pass-support.js";
import { pipelineNamesPass } from "./pipeline-names-pass.js";
import { projectRulesPass, type ProjectRules } from "./project-rules-pass.js";
import { rankFilterPass } from "./rank-filter-pass.js";
import { rowNumberTtlPass } from "./row-number-ttl-pass.js";
import { sourceWatermarkPass } from "./source-watermark-pass.js";
import { unboundedStatePass } from "./state-ttl-pass.js";
import { temporalJoinPass } from "./temporal-join-pass.js";
import { topicNamesPass } from "./topic-names-pass.js";
import { topicLoopPass } from "./topic-loop-pass.js";
import { topicSchemaPass } from "./topic-schema-pass.js";
import { topicWritersPass } from "./topic-writers-pass.js";
import { ttlVersusTimeBoundPass, ttlVersusUniqueWithinPass } from "./ttl-time-bound-pass.js";
import { upsertJoinFilterPass } from "./upsert-join-filter-pass.js";
import { upsertKeyPass } from "./upsert-key-pass.js";
import { watermarkDelayPass } from "./watermark-delay-pass.js";

export interface AnalyseOptions {
  /**
   * The brokers' `transaction.max.timeout.ms`, which an exactly-once sink's transaction timeout must
   * not exceed. Default 900000 (15 minutes), Kafka's default.
   */
  readonly brokerTransactionMaxTimeoutMs?: number;
  /** The project's rules (streamt.config.ts `rules`, see deploy/rules-config.ts); none by default. */
  readonly rules?: ProjectRules | null;
}

export const DEFAULT_BROKER_TRANSACTION_MAX_TIMEOUT_MS = 900_000;

/**
 * Every pass, by name (the name appears in STREAMT-E000 if a pass fails). A pass of scope "pipeline"
 * finds what it finds about a pipeline from that pipeline's plan alone (and the context's
 * brokerTransactionMaxTimeoutMs, never its rules): its findings are kept with the pipeline's plan, which
 * never changes once made, so a warm process (synth --watch) analyses only the pipelines a save made
 * anew. A pass of scope "plan" compares pipelines (names, topics, the project's rules): it runs over
 * the whole plan every time.
 */
export const ANALYSIS_PASSES: readonly { readonly name: string; readonly scope: "pipeline" | "plan"; readonly run: AnalysisPass }[] = [
  { name: "unbounded-state", scope: "pipeline", run: unboundedStatePass },
  { name: "allowed-lateness", scope: "pipeline", run: allowedLatenessPass },
  { name: "ttl-time-bound", scope: "pipeline", run: ttlVersusTimeBoundPass },
  { name: "ttl-unique-within", scope: "pipeline", run: ttlVersusUniqueWithinPass },
  { name: "row-number-ttl", scope: "pipeline", run: rowNumberTtlPass },
  { name: "event-time", scope: "pipeline", run: eventTimePass },
  { name: "temporal-join", scope: "pipeline", run: temporalJoinPass },
  { name: "watermark-delay", scope: "pipeline", run: watermarkDelayPass },
  { name: "idle-source", scope: "pipeline", run: idleSourcePass },
  { name: "source-watermark", scope: "pipeline", run: sourceWatermarkPass },
  { name: "append-sink", scope: "pipeline", run: appendSinkPass },
  { name: "upsert-key", scope: "pipeline", run: upsertKeyPass },
  { name: "upsert-join-filter", scope: "pipeline", run: upsertJoinFilterPass },
  { name: "exactly-once", scope: "pipeline", run: exactlyOncePass },
  { name: "pipeline-names", scope: "plan", run: pipelineNamesPass },
  { name: "topic-writers", scope: "plan", run: topicWritersPass },
  { name: "topic-loop", scope: "plan", run: topicLoopPass },
  { name: "topic-schema", scope: "plan", run: topicSchemaPass },
  { name: "topic-names", scope: "pipeline", run: topicNamesPass },
  { name: "constant-filter", scope: "pipeline", run: constantFilterPass },
  { name: "check-failures", scope: "pipeline", run: checkFailuresPass },
  { name: "rank-filter", scope: "pipeline", run: rankFilterPass },
  { name: "null-join-key", scope: "pipeline", run: nullJoinKeyPass },
  { name: "project-rules", scope: "plan", run: projectRulesPass },
];

/**
 * Runs every analysis pass over the plan and returns all findings, sorted (compareDiagnostics).
 * Warnings a pipeline acknowledges (`acknowledge: { "STREAMT-W003": "why" }`) stay in the list with
 * `acknowledged`; an acknowledgement that matches no warning of that pipeline is itself a warning
 * (STREAMT-W005). Never throws: a pass that fails becomes a STREAMT-E000 error.
 *
 * @example
 * const findings = analysePlan({ version: 1, pipelines: [hourly.definition] });
 * findings.filter((d) => isFailing(d, strict)).length > 0 // -> synth stops
 */
export function analysePlan(plan: Plan, options: AnalyseOptions = {}): Diagnostic[] {
  const limit = options.brokerTransactionMaxTimeoutMs;
  const ctx: PassContext = {
    brokerTransactionMaxTimeoutMs: typeof limit === "number" && limit > 0 ? limit : DEFAULT_BROKER_TRANSACTION_MAX_TIMEOUT_MS,
    rules: options.rules ?? null,
  };
  const found: Diagnostic[] = [];
  const pipelines = pipelinesOf(plan);
  for (const pass of ANALYSIS_PASSES) {
    if (pass.scope === "pipeline" && pipelines !== null) {
      found.push(...perPipeline(pass, pipelines, plan.version, ctx));
      continue;
    }
    try {
      found.push(...pass.run(plan, ctx));
    } catch (e) {
      found.push(internalError(pass.name, e));
    }
  }
  let result: Diagnostic[];
  try {
    result = applyAcknowledgements(plan, found);
  } catch (e) {
    result = [...found, internalError("acknowledge", e)];
  }
  try {
    return result.sort(compareDiagnostics);
  } catch {
    return result;
  }
}

/** The plan's pipelines; null when they are not a list that can be read (each pass then fails on its own, as STREAMT-E000). */
function pipelinesOf(plan: Plan): readonly PipelineDef[] | null {
  try {
    return Array.isArray(plan.pipelines) ? [...(plan.pipelines as readonly PipelineDef[])] : null;
  } catch {
    return null;
  }
}

/** What each pipeline-scoped pass found in one pipeline (or what it threw), by pass name, under one broker limit. */
interface PipelineResults {
  readonly brokerTransactionMaxTimeoutMs: number;
  readonly byPass: Map<string, readonly Diagnostic[] | { readonly thrown: unknown }>;
}
const resultsOf = new WeakMap<PipelineDef, PipelineResults>();

/**
 * A pipeline-scoped pass over every pipeline, in plan order, as one run over the whole plan gives it:
 * each pipeline's findings, or, when it throws in one, its STREAMT-E000 for the first such pipeline.
 */
function perPipeline(pass: (typeof ANALYSIS_PASSES)[number], pipelines: readonly PipelineDef[], version: Plan["version"], ctx: PassContext): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const p of pipelines) {
    // A malformed plan's pipeline may be no object: it is analysed (and fails) as over the whole plan, and not kept.
    const kept = typeof p === "object" && p !== null;
    let results = kept ? resultsOf.get(p) : undefined;
    if (results?.brokerTransactionMaxTimeoutMs !== ctx.brokerTransactionMaxTimeoutMs) {
      results = { brokerTransactionMaxTimeoutMs: ctx.brokerTransactionMaxTimeoutMs, byPass: new Map() };
      if (kept) resultsOf.set(p, results);
    }
    let result = results.byPass.get(pass.name);
    if (result === undefined) {
      try {
        result = pass.run({ version, pipelines: [p] }, ctx);
      } catch (e) {
        result = { thrown: e };
      }
      results.byPass.set(pass.name, result);
    }
    if ("thrown" in result) return [internalError(pass.name, result.thrown)];
    for (const d of result) found.push(d);
  }
  return found;
}

/**
 * Sources declared (exported by the user's modules) that no pipeline reads (STREAMT-W006). The plan
 * holds only what pipelines reach, so the CLI passes the names of the sources it found.
 */
export function unusedSources(declared: readonly string[], plan: Plan): Diagnostic[] {
  try {
    const used = new Set<string>();
    for (const p of plan.pipelines) for (const n of nodesOf(p)) if (n.kind === "source") used.add(n.name);
    return [...new Set(declared)]
      .filter((name) => !used.has(name))
      .sort()
      .map((name) =>
        finding(DiagnosticCode.unusedSource, null, { path: name, site: null },
          `source '${name}' is declared but no pipeline reads it`,
          "write a pipeline that reads it, or stop exporting it (remove it if it is no longer needed)"),
      );
  } catch (e) {
    return [internalError("unused-sources", e)];
  }
}

function internalError(pass: string, e: unknown): Diagnostic {
  const why = e instanceof Error ? e.message : String(e);
  return finding(DiagnosticCode.internalError, null, { path: `analysis/${pass}`, site: null },
    `analysis pass '${pass}' failed: ${why}`,
    "this is a bug in streamt-sdk: please report it with the pipeline that triggers it");
}

const ACK = DiagnosticCode.uselessAcknowledgement;

/**
 * Marks acknowledged warnings and reports acknowledgements that do nothing. STREAMT-W005 findings
 * can be acknowledged too: that acknowledgement is applied last, over the W005s just made.
 */
function applyAcknowledgements(plan: Plan, found: readonly Diagnostic[]): Diagnostic[] {
  let out = [...found];
  for (const pipeline of plan.pipelines) {
    const acks = pipeline.settings.acknowledge ?? [];
    const last = acks.filter((a) => a.code === ACK);
    for (const ack of [...acks.filter((a) => a.code !== ACK), ...last]) out = acknowledge(out, pipeline, ack);
  }
  return out;
}

function acknowledge(ds: Diagnostic[], pipeline: PipelineDef, ack: { readonly code: string; readonly reason: string }): Diagnostic[] {
  const mine = (d: Diagnostic): boolean => d.pipeline === pipeline.name && d.code === ack.code;
  const where = { path: pipeline.name, site: pipeline.site };
  if (severityOf(ack.code) === "error") {
    return [...ds, finding(ACK, pipeline, where,
      `pipeline '${pipeline.name}' acknowledges ${ack.code}, an error: errors cannot be acknowledged`,
      `fix what ${ack.code} reports (see docs/diagnostics.md) and remove it from acknowledge`)];
  }
  if (!ds.some((d) => mine(d) && d.severity === "warning")) {
    return [...ds, finding(ACK, pipeline, where,
      `pipeline '${pipeline.name}' acknowledges ${ack.code} but nothing raises it`,
      `remove ${ack.code} from acknowledge (the finding it silenced is gone, or the code is mistyped)`)];
  }
  return ds.map((d) => (mine(d) && d.severity === "warning" && !d.acknowledged ? { ...d, acknowledged: { reason: ack.reason } } : d));
}
