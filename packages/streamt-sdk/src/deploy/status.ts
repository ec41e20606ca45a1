import { StreamtError } from "../errors.js";
import { FlinkRestClient, FlinkRestError, flinkRestCall } from "../runtime/flink-rest.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import type { ResolvedEnvironment } from "./config.js";

/**
 * `status --env <name>`: what runs on an environment's Flink cluster, by pipeline. A pipeline's job carries
 * the pipeline's name (its script sets pipeline.name), so the newest job of that name is the pipeline's.
 */

export interface CheckpointInfo {
  /** Flink's checkpoint id (savepoints count too). */
  readonly id: number;
  /** When it completed, ISO-8601. */
  readonly completedAt: string;
  /** Where it is (null for a checkpoint the job keeps only until the next one). */
  readonly path: string | null;
}

export interface PipelineStatus {
  readonly pipeline: string;
  readonly jobId: string;
  /** RUNNING, RESTARTING, FINISHED, FAILED, CANCELED, ... as Flink reports it. */
  readonly state: string;
  readonly startedAt: string;
  /** How often Flink restarted the job after a failure; null when the cluster no longer reports it (an ended job). */
  readonly restarts: number | null;
  readonly lastCheckpoint: CheckpointInfo | null;
  readonly lastSavepoint: CheckpointInfo | null;
  /** Older jobs of the same name the cluster still lists (earlier deployments, ended). */
  readonly earlierJobs: number;
}

export interface CheckpointStats {
  latest?: {
    completed?: { id: number; latest_ack_timestamp: number; external_path?: string } | null;
    savepoint?: { id: number; latest_ack_timestamp: number; external_path?: string } | null;
  };
}

export function checkpointInfo(c: { id: number; latest_ack_timestamp: number; external_path?: string } | null | undefined): CheckpointInfo | null {
  if (!c) return null;
  const path = c.external_path && c.external_path !== "<checkpoint-not-externally-addressable>" ? c.external_path : null;
  return { id: c.id, completedAt: new Date(c.latest_ack_timestamp).toISOString(), path };
}

/**
 * Each pipeline's job on the environment's cluster (the newest job of its name), sorted by name. An
 * unreachable REST API is STREAMT-R017, naming the environment and the URL.
 */
export async function pipelineStatus(env: ResolvedEnvironment): Promise<PipelineStatus[]> {
  const rest = new FlinkRestClient(env.flink.restUrl);
  let jobs;
  try {
    jobs = await rest.jobs();
  } catch (e) {
    throw new StreamtError({
      code: RuntimeErrorCode.clusterUnreachable,
      message: `the Flink REST API of environment '${env.name}' (${env.flink.restUrl}) did not answer: ${e instanceof FlinkRestError ? e.message : e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      hint: env.name === "dev" ? "start the local cluster with `streamt-sdk dev up`" : `check flink.restUrl of '${env.name}' in streamt.config.ts and that this machine reaches it`,
    });
  }
  const byName = new Map<string, typeof jobs>();
  for (const j of jobs) byName.set(j.name, [...(byName.get(j.name) ?? []), j]);
  const out: PipelineStatus[] = [];
  for (const [pipeline, ofName] of [...byName].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const job = ofName[0]!;
    const [stats, restarts] = await Promise.all([
      flinkRestCall(env.flink.restUrl, "GET", `/jobs/${job.id}/checkpoints`).catch(() => ({})) as Promise<CheckpointStats>,
      restartsOf(env.flink.restUrl, job.id),
    ]);
    out.push({
      pipeline,
      jobId: job.id,
      state: job.state,
      startedAt: new Date(job.startTime).toISOString(),
      restarts,
      lastCheckpoint: checkpointInfo(stats.latest?.completed),
      lastSavepoint: checkpointInfo(stats.latest?.savepoint),
      earlierJobs: ofName.length - 1,
    });
  }
  return out;
}

/**
 * The job's numRestarts metric. The JobManager fetches metrics only when asked, so the first request
 * may answer with none: ask a few times. null when it has none (a job that ended).
 */
function restartsOf(restUrl: string, jobId: string): Promise<number | null> {
  return restartsFrom(() => flinkRestCall(restUrl, "GET", `/jobs/${jobId}/metrics?get=numRestarts`).catch(() => []));
}

/** restartsOf with the metrics request given: `metrics` answers GET /jobs/:id/metrics?get=numRestarts once per call; `pauseMs` between tries. */
export async function restartsFrom(metrics: () => Promise<unknown>, pauseMs = 300): Promise<number | null> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const answer = (await metrics()) as { id: string; value?: string }[];
    const value = Array.isArray(answer) ? answer.find((m) => m.id === "numRestarts")?.value : undefined;
    if (value !== undefined) return Number(value);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return null;
}
