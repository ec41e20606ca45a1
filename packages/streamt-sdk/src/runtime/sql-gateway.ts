import type { SqlStatement } from "../emit-sql/sql-emitter.js";
import { FlinkRestError, flinkRestCall } from "./flink-rest.js";

/**
 * A client of Flink's SQL Gateway REST API (v1 paths; Flink 1.17+ and 2.x): one session per job so no
 * SET leaks from one pipeline into another, one statement per request, each awaited to its end.
 */

/**
 * The statements of a synthesised script as the gateway takes them (one per request, no trailing ';'),
 * cut at the lines its statement map records: no SQL parsing, so a ';' inside a string literal or a
 * comment cannot split a statement.
 */
export function scriptStatements(script: string, statements: readonly Pick<SqlStatement, "line">[]): string[] {
  const lines = script.split("\n");
  return statements.map((s, i) => {
    const end = i + 1 < statements.length ? statements[i + 1]!.line - 1 : lines.length;
    const own = lines.slice(s.line - 1, end);
    // The comments and blank lines that introduce the next statement belong to it.
    while (own.length > 0 && (own[own.length - 1]!.trim() === "" || own[own.length - 1]!.trimStart().startsWith("--"))) own.pop();
    return own.join("\n").replace(/;\s*$/, "");
  });
}

export interface StatementResult {
  /** The Flink job an INSERT (or statement set) started, else null. */
  readonly jobId: string | null;
}

export class SqlGatewayClient {
  constructor(readonly url: string) {}

  private call(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<Record<string, unknown>> {
    return flinkRestCall(this.url, method, path, body, 60_000);
  }

  /** Opens a session; `properties` are its Flink settings (e.g. execution.checkpointing.interval). */
  async openSession(name: string, properties: Record<string, string> = {}): Promise<string> {
    const r = await this.call("POST", "/v1/sessions", { sessionName: name, properties });
    return String(r.sessionHandle);
  }

  async closeSession(session: string): Promise<void> {
    await this.call("DELETE", `/v1/sessions/${session}`);
  }

  /**
   * Runs one statement and waits for its result: for an INSERT, until Flink accepted the job (the job
   * then runs on the cluster; the statement's result is its id).
   */
  async execute(session: string, statement: string, timeoutMs = 120_000): Promise<StatementResult> {
    const { operationHandle } = await this.call("POST", `/v1/sessions/${session}/statements`, { statement });
    let next: string | null = `/v1/sessions/${session}/operations/${String(operationHandle)}/result/0`;
    const deadline = Date.now() + timeoutMs;
    let jobId: string | null = null;
    while (next !== null) {
      if (Date.now() > deadline) throw new FlinkRestError(`the statement did not finish within ${timeoutMs / 1000} s:\n${statement}`);
      const r: Record<string, unknown> = await this.call("GET", next);
      if (typeof r.jobID === "string") jobId = r.jobID;
      if (r.resultType === "NOT_READY") {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (r.resultType === "EOS") break;
      next = typeof r.nextResultUri === "string" ? r.nextResultUri : null;
    }
    return { jobId };
  }
}
