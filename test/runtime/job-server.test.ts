import { describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { connectJobServer, servedJobEnd, shareJobServer } from "../../packages/streamt-sdk/src/runtime/job-server.js";

describe("servedJobEnd: the job server's end event as how the job ended", () => {
  it("finished, with the run time the server measured (0 when it names none)", () => {
    expect(servedJobEnd({ id: "a", event: "finished", ms: 2140 }, false)).toEqual({ state: "finished", ms: 2140 });
    expect(servedJobEnd({ id: "a", event: "finished" }, false)).toEqual({ state: "finished", ms: 0 });
  });

  it("stopped, with the savepoint's location", () => {
    expect(servedJobEnd({ id: "a", event: "stopped", savepoint: "file:/tmp/sp/savepoint-1" }, false)).toEqual({ state: "stopped", savepoint: "file:/tmp/sp/savepoint-1" });
  });

  it("cancelled by the server is a timeout", () => {
    expect(servedJobEnd({ id: "a", event: "cancelled" }, false)).toEqual({ state: "timeout" });
  });

  it("any end after the job ran out of time is a timeout, even one the server reports as finished or failed", () => {
    expect(servedJobEnd({ id: "a", event: "finished", ms: 5 }, true)).toEqual({ state: "timeout" });
    expect(servedJobEnd({ id: "a", event: "failed", error: "Job was cancelled" }, true)).toEqual({ state: "timeout" });
  });

  it("failed with the statement the script failed in, when the server names one", () => {
    expect(servedJobEnd({ id: "a", event: "failed", error: "Object 'x' not found", statementIndex: 2, statement: "INSERT INTO x SELECT 1", line: 7 }, false)).toEqual({
      state: "failed",
      error: "Object 'x' not found",
      statementIndex: 2,
      statement: "INSERT INTO x SELECT 1",
      line: 7,
    });
    expect(servedJobEnd({ id: "a", event: "failed", error: "boom", statementIndex: 1 }, false)).toEqual({ state: "failed", error: "boom", statementIndex: 1, statement: "", line: 0 });
  });

  it("failed without a statement: the error alone (or 'unknown error'); a lost transport's failure reads the same", () => {
    expect(servedJobEnd({ id: "a", event: "failed", error: "the connection closed" }, false)).toEqual({ state: "failed", error: "the connection closed" });
    expect(servedJobEnd({ id: "a", event: "failed", statementIndex: "2" }, false)).toEqual({ state: "failed", error: "unknown error" });
  });
});

// No JVM here: the shared server starts it only with the first job.
describe("shareJobServer's close", () => {
  it("ends while a client of this same process is still connected, which then finds no server", async () => {
    const shared = await shareJobServer("2");
    const client = await connectJobServer(shared.address);
    // Before, close() waited for every connection to end: for ever, with a client in the same process.
    await shared.close();
    let error: unknown = null;
    await connectJobServer(shared.address).catch((e: unknown) => (error = e));
    expect(isStreamtError(error) ? [error.code, error.message] : error).toEqual(["STREAMT-R005", `cannot reach the shared Flink job server at ${shared.address}: connect ECONNREFUSED ${shared.address}`]);
    await client.close();
  });
});
