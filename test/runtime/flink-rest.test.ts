import { describe, expect, it } from "vitest";
import { rootCause } from "../../packages/streamt-sdk/src/runtime/flink-rest.js";

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
