import type { PipelineDef, Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, ms, perNode, positiveOrNull, type PassContext } from "./pass-support.js";

/** The Flink Kafka sink's own producer transaction timeout when none is set. */
const FLINK_SINK_DEFAULT_TRANSACTION_TIMEOUT_MS = 60 * 60_000;
const CHECKPOINT_CONFIG = "execution.checkpointing.interval";

/**
 * Exactly-once Kafka sinks write in transactions committed on checkpoints:
 * - without checkpointing nothing is ever committed (STREAMT-E009, error);
 * - a transaction timeout not longer than the checkpoint interval lets the broker abort each
 *   transaction before the checkpoint that would commit it (STREAMT-E015, error);
 * - a producer transaction timeout above the broker's `transaction.max.timeout.ms` is refused by the
 *   broker when the job starts (STREAMT-W001, a warning because the broker limit is only stated).
 */
export const exactlyOncePass = (plan: Plan, ctx: PassContext): Diagnostic[] =>
  perNode(plan, (node, pipeline) => {
    if (node.kind !== "sink" || (node.connector.kind !== "kafka" && node.connector.kind !== "upsert-kafka")) return [];
    const c = node.connector;
    if (c.delivery !== "exactly-once") return [];
    const out: Diagnostic[] = [];
    if (!hasCheckpointing(pipeline)) {
      out.push(finding(DiagnosticCode.exactlyOnceWithoutCheckpoints, pipeline, node,
        `exactly-once delivery commits its Kafka transactions on checkpoints, and pipeline '${pipeline.name}' has no checkpointInterval: readers would never see a row`,
        `give the pipeline { checkpointInterval: "1m" }, or use delivery: "at-least-once"`));
    }
    const fromProperty = Number(c.properties["transaction.timeout.ms"]);
    const timeout = c.transactionTimeoutMs ?? (Number.isFinite(fromProperty) && fromProperty > 0 ? fromProperty : FLINK_SINK_DEFAULT_TRANSACTION_TIMEOUT_MS);
    const interval = checkpointIntervalMs(pipeline);
    if (interval !== null && timeout <= interval) {
      out.push(finding(DiagnosticCode.transactionTimeoutWithinCheckpointInterval, pipeline, node,
        `exactly-once transaction timeout ${ms(timeout)} is not longer than pipeline '${pipeline.name}''s checkpoint interval of ${ms(interval)}: the broker aborts each transaction before the checkpoint that would commit it, and the job fails at every commit`,
        `set transactionTimeout well above the checkpoint interval plus the time a restart takes (e.g. "15m" with checkpointInterval "1m"), or checkpoint more often`));
    }
    if (timeout > ctx.brokerTransactionMaxTimeoutMs) {
      out.push(finding(DiagnosticCode.transactionTimeoutTooLong, pipeline, node,
        `exactly-once transaction timeout ${ms(timeout)}${c.transactionTimeoutMs === null ? " (the Flink sink's default)" : ""} is longer than the broker's transaction.max.timeout.ms of ${ms(ctx.brokerTransactionMaxTimeoutMs)}: the broker refuses the producer when the job starts`,
        `set transactionTimeout: "${ms(ctx.brokerTransactionMaxTimeoutMs)}" (or less, but well above the checkpoint interval), or raise the broker's transaction.max.timeout.ms`));
    }
    return out;
  });

/** The pipeline's checkpoint interval: its `checkpointInterval`, else a readable one in `config`. */
function checkpointIntervalMs(pipeline: PipelineDef): number | null {
  const typed = positiveOrNull(pipeline.settings.checkpointIntervalMs);
  if (typed !== null) return typed;
  const configured = pipeline.settings.config[CHECKPOINT_CONFIG];
  return configured === undefined ? null : positiveOrNull(flinkDurationMs(configured));
}

const FLINK_DURATION_UNITS: Record<string, number> = {
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** A duration as Flink's configuration reads it ("30 s", "1 min", "10min", "5000" = ms), or null. */
export function flinkDurationMs(text: string): number | null {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = m[2]!.toLowerCase();
  const size = unit === "" ? 1 : FLINK_DURATION_UNITS[unit];
  return size === undefined ? null : Number(m[1]) * size;
}

/** On with a positive interval; a configured value this reader cannot parse is left to Flink, as on. */
function hasCheckpointing(pipeline: PipelineDef): boolean {
  if (checkpointIntervalMs(pipeline) !== null) return true;
  const configured = pipeline.settings.config[CHECKPOINT_CONFIG];
  return configured !== undefined && configured.trim() !== "" && flinkDurationMs(configured) === null;
}
