import { z } from "zod";
import { userKeyedRecord } from "./record-schema.js";
import type { PipelineDef, PipelineSettings } from "../ir/plan.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";
import { parsePositiveDuration, type Duration } from "./duration.js";
import { about, aboutOptions, durationSchema, parseOptions, refuseOwnedKeys, SDK_OWNED } from "./options.js";
import { isSink, recordWriter, type Sink } from "./sink.js";
import { checkName, type Traits } from "./stream.js";
import type { StreamtTypeError } from "./type-error.js";

const PIPELINE = Symbol.for("streamt-sdk.pipeline");

export interface PipelineOptions {
  /** Default parallelism of the job's operators (`parallelism.default`). */
  readonly parallelism?: number;
  /** Checkpoint interval (`execution.checkpointing.interval`); exactly-once sinks need it. */
  readonly checkpointInterval?: Duration;
  /** Job-wide state TTL (`table.exec.state.ttl`): bounds regular joins, group-bys, dedup, Top-N. */
  readonly stateTtl?: Duration;
  /** hashmap (heap) or rocksdb (disk; large state). */
  readonly stateBackend?: "hashmap" | "rocksdb";
  /** Job-wide source idle timeout (`table.exec.source.idle-timeout`). */
  readonly sourceIdleTimeout?: Duration;
  /** The Flink version line this job targets: "2.2" (default) or "1.20". */
  readonly flinkVersion?: "2.2" | "1.20";
  /** Extra Flink configuration as SET statements, e.g. { "table.exec.mini-batch.enabled": "true" }. */
  readonly config?: Readonly<Record<string, string>>;
  /** Acknowledged warnings: { "STREAMT-W003": "why this is fine here" }. */
  readonly acknowledge?: Readonly<Record<string, string>>;
  /** What the job is for, in a sentence (manifest.json; the project's rules may require it). */
  readonly description?: string;
  /** Who answers for the job: a team, a person or an address (manifest.json; the project's rules may require it). */
  readonly owner?: string;
}

/** A pipeline: one Flink job. Export it from a module and `streamt-sdk synth` finds it. */
export interface Pipeline {
  readonly [PIPELINE]: true;
  readonly definition: PipelineDef;
}

export function isPipeline(v: unknown): v is Pipeline {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[PIPELINE] === true;
}

type HasTtl<O> = O extends { readonly stateTtl: Duration } ? true : false;

/** A sink whose state would grow without bound is an error unless the pipeline has a stateTtl. */
type CheckTtl<T extends Traits, Ttl extends boolean> = T["state"] extends "unbounded"
  ? Ttl extends true
    ? unknown
    : StreamtTypeError<"this sink's stream keeps unbounded state (a regular join, group-by, distinct, dedup or Top-N without ttl): give that step { ttl } or the pipeline a stateTtl">
  : unknown;

/** Each sink whose state would grow without bound becomes an error unless the pipeline has a stateTtl. */
type CheckSinks<S extends readonly Sink<Traits>[], Ttl extends boolean> = {
  [I in keyof S]: S[I] extends Sink<infer T>
    ? T["state"] extends "unbounded"
      ? Ttl extends true
        ? S[I]
        : StreamtTypeError<"this sink's stream keeps unbounded state (a regular join, group-by, distinct, dedup or Top-N without ttl): give that step { ttl } or the pipeline a stateTtl">
      : S[I]
    : S[I];
};

export interface PipelineBuilder<Ttl extends boolean> {
  /**
   * The sinks this job writes. Several sinks become one job (`EXECUTE STATEMENT SET`), sharing sources.
   * @example pipeline("hourly-revenue").write(revenue.toKafka("orders.hourly.v1"))
   */
  write<T1 extends Traits>(sink: Sink<T1> & CheckTtl<T1, Ttl>): Pipeline;
  write<T1 extends Traits, T2 extends Traits>(sink1: Sink<T1> & CheckTtl<T1, Ttl>, sink2: Sink<T2> & CheckTtl<T2, Ttl>): Pipeline;
  // One or two sinks (most pipelines) are checked by their traits alone: inferring the whole sink type,
  // with the row it carries for source({ from }), cost the checker twice the instantiations per pipeline.
  write<S extends readonly Sink<Traits>[]>(...sinks: S & CheckSinks<S, Ttl>): Pipeline;
}

const FLINK_KEY = /^[a-z0-9][a-z0-9._-]*$/i;
const FLINK_KEY_FORM = "Flink configuration keys look like 'table.exec.mini-batch.enabled'";
const DIAGNOSTIC_CODE_FORM = "diagnostic codes look like STREAMT-W001";

const pipelineOptions = z.strictObject({
  parallelism: z.number().int().min(1).max(32768).optional(),
  checkpointInterval: durationSchema.optional(),
  stateTtl: durationSchema.optional(),
  stateBackend: z.enum(["hashmap", "rocksdb"]).optional(),
  sourceIdleTimeout: durationSchema.optional(),
  flinkVersion: z.enum(["2.2", "1.20"]).optional(),
  config: userKeyedRecord(z.string().regex(FLINK_KEY, FLINK_KEY_FORM), z.string(), FLINK_KEY_FORM).optional(),
  acknowledge: userKeyedRecord(z.string().regex(/^STREAMT-[EW]\d{3}$/, DIAGNOSTIC_CODE_FORM), z.string().min(1, "give a reason"), DIAGNOSTIC_CODE_FORM).optional(),
  ...aboutOptions,
});

/**
 * Declares a pipeline (a Flink job) with a stable name, which is also the Flink job name and the
 * consumer group: renaming a variable or moving code never changes it.
 *
 * @example
 * export const hourly = pipeline("hourly-revenue", { checkpointInterval: "1m", parallelism: 2 })
 *   .write(revenue.toKafka("orders.hourly.v1"));
 * // SET 'pipeline.name' = 'hourly-revenue'; SET 'execution.checkpointing.interval' = '1 min'; ...
 */
export function pipeline<O extends PipelineOptions = {}>(name: string, options?: O): PipelineBuilder<HasTtl<O>> {
  checkName(name, "pipeline name");
  const site = callSite();
  const o = parseOptions(pipelineOptions, options, `pipeline('${name}')`, name);
  const { "execution.checkpointing.interval": checkpointKey, "table.exec.source.idle-timeout": idleKey } = SDK_OWNED.pipelineConfigWithOption;
  refuseOwnedKeys(o.config ?? {}, {
    ...SDK_OWNED.pipelineConfig,
    ...(o.checkpointInterval !== undefined ? { "execution.checkpointing.interval": checkpointKey } : {}),
    ...(o.sourceIdleTimeout !== undefined ? { "table.exec.source.idle-timeout": idleKey } : {}),
  }, `pipeline('${name}') config`, name);
  const ms = (d: Duration | undefined, what: string): number | null => (d === undefined ? null : parsePositiveDuration(d, `pipeline('${name}') ${what}`, name));
  const settings: PipelineSettings = {
    parallelism: o.parallelism ?? null,
    checkpointIntervalMs: ms(o.checkpointInterval as Duration | undefined, "checkpointInterval"),
    stateTtlMs: ms(o.stateTtl as Duration | undefined, "stateTtl"),
    stateBackend: o.stateBackend ?? null,
    sourceIdleTimeoutMs: ms(o.sourceIdleTimeout as Duration | undefined, "sourceIdleTimeout"),
    flinkVersion: o.flinkVersion ?? null,
    config: o.config ?? {},
    acknowledge: Object.entries(o.acknowledge ?? {}).map(([code, reason]) => ({ code, reason })),
  };
  return {
    write(...sinks: readonly unknown[]): Pipeline {
      if (sinks.length === 0) {
        throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `pipeline '${name}' writes nothing`, hint: "pass at least one sink: .write(stream.toKafka('topic'))", path: name, site: callSite() });
      }
      const nodes = sinks.map((s, i) => {
        if (!isSink(s)) {
          throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `pipeline '${name}': argument ${i + 1} of write() is not a sink`, hint: "make sinks with stream.toKafka(topic), toUpsertKafka(topic, { key }), toPrint() or toBlackhole()", path: name, site: callSite() });
        }
        return s.node;
      });
      // So a source read from one of these sinks' handles knows its upstream pipeline.
      for (const n of nodes) recordWriter(n, name);
      return { [PIPELINE]: true, definition: { name, settings, sinks: nodes, site, ...about(o) } };
    },
  } as PipelineBuilder<HasTtl<O>>;
}
