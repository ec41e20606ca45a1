import type { SinkNode } from "./nodes/sink-node.js";
import type { SourceSite } from "./node-base.js";

export const PLAN_VERSION = 1;

/** Job-level settings of one pipeline (one Flink job). Durations are in ms; null means Flink's default. */
export interface PipelineSettings {
  readonly parallelism: number | null;
  readonly checkpointIntervalMs: number | null;
  /** Job-wide state TTL (`table.exec.state.ttl`); operators may set their own. */
  readonly stateTtlMs: number | null;
  readonly stateBackend: "hashmap" | "rocksdb" | null;
  /** Job-wide source idle timeout (`table.exec.source.idle-timeout`). */
  readonly sourceIdleTimeoutMs: number | null;
  /** Flink version line the job targets, e.g. "2.2" or "1.20"; null: the synth default. */
  readonly flinkVersion: string | null;
  /** Extra Flink configuration, emitted as SET statements. */
  readonly config: Readonly<Record<string, string>>;
  /** Warnings the user acknowledged, by diagnostic code, with the reason. */
  readonly acknowledge: readonly { readonly code: string; readonly reason: string }[];
}

/** One Flink job: a stable name (also the Flink job name) and the sinks it writes. */
export interface PipelineDef {
  readonly name: string;
  readonly settings: PipelineSettings;
  readonly sinks: readonly SinkNode[];
  readonly site: SourceSite | null;
  /** What the job is for (the pipeline's description option); absent when not given. */
  readonly description?: string;
  /** Who answers for the job (the pipeline's owner option); absent when not given. */
  readonly owner?: string;
}

export interface Plan {
  readonly version: typeof PLAN_VERSION;
  readonly pipelines: readonly PipelineDef[];
}
