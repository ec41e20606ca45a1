import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A client of the Flink REST API of a session cluster (the JobManager's /jobs and /jars endpoints): the
 * jobs by name and state, stop-with-savepoint awaited to its end, and job JARs uploaded, run and deleted.
 */

/** A request to a Flink REST endpoint (the JobManager's or the SQL Gateway's) that failed: what was asked and Flink's root cause. */
export class FlinkRestError extends Error {}

/**
 * One JSON request to a Flink REST endpoint. Both the JobManager and the SQL Gateway answer an error with
 * `errors: [...]` holding Java stack traces; the error thrown keeps their root cause, which says why.
 */
export async function flinkRestCall(baseUrl: string, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const json = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  if (!res.ok) {
    const errors = Array.isArray(json.errors) ? (json.errors as unknown[]).map(String).join("\n") : text;
    throw new FlinkRestError(`${method} ${path}: HTTP ${res.status}: ${rootCause(errors)}`);
  }
  return json;
}

/** The last "Caused by:" of a Java stack trace, else its first line. */
export function rootCause(trace: string): string {
  return [...trace.matchAll(/Caused by: ([^\n]+)/g)].at(-1)?.[1] ?? trace.split("\n")[0]!;
}

export interface FlinkJobSummary {
  readonly id: string;
  readonly name: string;
  /** RUNNING, FINISHED, CANCELED, FAILED, RESTARTING, ... as Flink reports it. */
  readonly state: string;
  readonly startTime: number;
}

export class FlinkRestClient {
  constructor(readonly url: string) {}

  private call(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<Record<string, unknown>> {
    return flinkRestCall(this.url, method, path, body);
  }

  /** Every job the cluster knows (running and recently ended), newest first. */
  async jobs(): Promise<FlinkJobSummary[]> {
    const r = await this.call("GET", "/jobs/overview");
    const jobs = (r.jobs ?? []) as { jid: string; name: string; state: string; "start-time": number }[];
    return jobs.map((j) => ({ id: j.jid, name: j.name, state: j.state, startTime: j["start-time"] })).sort((a, b) => b.startTime - a.startTime);
  }

  /**
   * Stops a job with a savepoint into `targetDirectory` (a URI, e.g. file:///...) and waits until the
   * savepoint is complete; returns its location. `triggerId` (32 hex digits) makes a retried request
   * the same operation instead of a second savepoint.
   */
  async stopWithSavepoint(jobId: string, targetDirectory: string, options: { triggerId?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.call("POST", `/jobs/${jobId}/stop`, { targetDirectory, drain: false, ...(options.triggerId ? { triggerId: options.triggerId } : {}) });
    const requestId = String(r["request-id"]);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      const s = await this.call("GET", `/jobs/${jobId}/savepoints/${requestId}`);
      const status = (s.status as { id?: string } | undefined)?.id;
      if (status === "COMPLETED") {
        const op = (s.operation ?? {}) as { location?: string; "failure-cause"?: { "stack-trace"?: string; class?: string } };
        if (op.location) return op.location;
        const trace = op["failure-cause"]?.["stack-trace"] ?? "no location and no cause reported";
        throw new FlinkRestError(`stop-with-savepoint of job ${jobId} failed: ${rootCause(trace)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new FlinkRestError(`stop-with-savepoint of job ${jobId} did not complete within ${(options.timeoutMs ?? 120_000) / 1000} s`);
  }

  /**
   * Uploads a job JAR (POST /jars/upload, multipart field `jarfile`); returns the id the cluster gave it
   * (the name of its copy in web.upload.dir), which /jars/:id/run takes.
   */
  async uploadJar(file: string): Promise<string> {
    const form = new FormData();
    form.append("jarfile", new Blob([readFileSync(file)], { type: "application/x-java-archive" }), path.basename(file));
    const res = await fetch(`${this.url}/jars/upload`, { method: "POST", body: form, signal: AbortSignal.timeout(120_000) });
    const text = await res.text();
    const json = (text === "" ? {} : JSON.parse(text)) as { filename?: string; errors?: unknown[] };
    if (!res.ok || typeof json.filename !== "string") {
      throw new FlinkRestError(`POST /jars/upload: HTTP ${res.status}: ${rootCause(Array.isArray(json.errors) ? json.errors.map(String).join("\n") : text)}`);
    }
    return path.basename(json.filename);
  }

  /**
   * Runs an uploaded JAR's main class in the JobManager (POST /jars/:id/run), from a savepoint if given;
   * returns the id of the job it submitted. The main class plans the job there, which may take a while.
   */
  async runJar(jarId: string, run: { entryClass: string; programArgs: readonly string[]; savepointPath?: string; allowNonRestoredState?: boolean }): Promise<string> {
    const body = {
      entryClass: run.entryClass,
      programArgsList: run.programArgs,
      ...(run.savepointPath === undefined ? {} : { savepointPath: run.savepointPath, allowNonRestoredState: run.allowNonRestoredState ?? false }),
    };
    const r = await flinkRestCall(this.url, "POST", `/jars/${encodeURIComponent(jarId)}/run`, body, 180_000);
    if (typeof r.jobid !== "string") throw new FlinkRestError(`POST /jars/${jarId}/run: the answer names no job (${JSON.stringify(r)})`);
    return r.jobid;
  }

  /** Deletes an uploaded JAR from the cluster (a job it started runs on). */
  async deleteJar(jarId: string): Promise<void> {
    await flinkRestCall(this.url, "DELETE", `/jars/${encodeURIComponent(jarId)}`);
  }

  /** Cancels a job without a savepoint (its state is lost): for jobs nobody needs again, e.g. after a test. */
  async cancel(jobId: string): Promise<void> {
    await this.call("PATCH", `/jobs/${jobId}?mode=cancel`);
  }
}
