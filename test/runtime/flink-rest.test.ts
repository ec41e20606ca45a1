import { describe, expect, it } from "vitest";
import { FlinkRestClient, rootCause } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";
import { fakeEndpoint } from "../fake-endpoint.js";

describe("rootCause: why a Flink REST request failed, from the Java stack trace it answered", () => {
  it("the last 'Caused by:' of the trace", () => {
    const trace = [
      "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.",
      "\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)",
      "Caused by: java.util.concurrent.CompletionException: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error",
      "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)",
      "Caused by: org.apache.flink.table.api.ValidationException: Object 'orders' not found",
      "\t... 12 more",
    ].join("\n");
    expect(rootCause(trace)).toBe("org.apache.flink.table.api.ValidationException: Object 'orders' not found");
  });

  it("without a 'Caused by:', its first line", () => {
    expect(rootCause("java.lang.IllegalStateException: Job 42 not found\n\tat Foo.bar(Foo.java:1)")).toBe("java.lang.IllegalStateException: Job 42 not found");
    expect(rootCause("")).toBe("");
  });
});

describe("FlinkRestClient.runJar: what POST /jars/:id/run asks", () => {
  it("without a savepoint, the main class and its arguments only; from a savepoint, unclaimed state is kept unless dropping it is asked for", async () => {
    const bodies: unknown[] = [];
    const rest = await fakeEndpoint((request, body) => (request === "POST /jars/abc_counts.jar/run" ? (bodies.push(JSON.parse(body)), { jobid: `j${bodies.length}` }) : { status: 404, json: { errors: ["not found"] } }));
    try {
      const client = new FlinkRestClient(rest.url);
      const run = { entryClass: "io.streamt.generated.CountsJob", programArgs: ["--execute-plan-json", "{}"] };
      const ids = [
        await client.runJar("abc_counts.jar", run),
        await client.runJar("abc_counts.jar", { ...run, savepointPath: "s3://sp/counts/savepoint-1" }),
        await client.runJar("abc_counts.jar", { ...run, savepointPath: "s3://sp/counts/savepoint-1", allowNonRestoredState: true }),
      ];
      expect(ids).toEqual(["j1", "j2", "j3"]);
      const args = { entryClass: "io.streamt.generated.CountsJob", programArgsList: ["--execute-plan-json", "{}"] };
      expect(bodies).toEqual([
        args,
        { ...args, savepointPath: "s3://sp/counts/savepoint-1", allowNonRestoredState: false },
        { ...args, savepointPath: "s3://sp/counts/savepoint-1", allowNonRestoredState: true },
      ]);
    } finally {
      await rest.close();
    }
  });
});

describe("FlinkRestClient.stopWithSavepoint: the stop, then its savepoint's status until COMPLETED", () => {
  it("asks again while the savepoint is IN_PROGRESS; once COMPLETED, returns its location", async () => {
    let polls = 0;
    const rest = await fakeEndpoint((request) => {
      if (request === "POST /jobs/j1/stop") return { "request-id": "r1" };
      if (request === "GET /jobs/j1/savepoints/r1") return ++polls < 2 ? { status: { id: "IN_PROGRESS" } } : { status: { id: "COMPLETED" }, operation: { location: "file:///sp/savepoint-j1" } };
      return { status: 404, json: { errors: ["not found"] } };
    });
    try {
      // The deadline is far: a status not recognised as COMPLETED would end in an error at it, not in the location.
      expect(await new FlinkRestClient(rest.url).stopWithSavepoint("j1", "file:///sp", { timeoutMs: 5_000 })).toBe("file:///sp/savepoint-j1");
      expect(rest.requests).toEqual(['POST /jobs/j1/stop {"targetDirectory":"file:///sp","drain":false}', "GET /jobs/j1/savepoints/r1", "GET /jobs/j1/savepoints/r1"]);
    } finally {
      await rest.close();
    }
  });

  it("a savepoint not COMPLETED by the deadline: an error naming the job and the wait, in seconds", async () => {
    const rest = await fakeEndpoint((request) => (request === "POST /jobs/j1/stop" ? { "request-id": "r1" } : { status: { id: "IN_PROGRESS" } }));
    try {
      const e = await new FlinkRestClient(rest.url).stopWithSavepoint("j1", "file:///sp", { timeoutMs: 500 }).then(() => null, (err: unknown) => err);
      expect(e instanceof Error ? e.message : e).toBe("stop-with-savepoint of job j1 did not complete within 0.5 s");
    } finally {
      await rest.close();
    }
  });
});
