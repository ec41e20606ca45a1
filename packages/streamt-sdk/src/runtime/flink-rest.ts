/**
 * A client of the Flink REST API of a session cluster (the JobManager's /jobs endpoints): the jobs by
 * name and state, and stop-with-savepoint awaited to its end.
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

  /** Cancels a job without a savepoint (its state is lost): for jobs nobody needs again, e.g. after a test. */
  async cancel(jobId: string): Promise<void> {
    await this.call("PATCH", `/jobs/${jobId}?mode=cancel`);
  }
}
