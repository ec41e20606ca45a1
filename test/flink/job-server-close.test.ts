/**
 * A job server of its own (startJobServer), closed: its JVM has ended by the time close() returns.
 * (The rest of the job server's behaviour: test/flink/job-server.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { startJobServer } from "../../packages/streamt-sdk/src/runtime/job-server.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

describe("a job server of its own, closed", () => {
  it("close() ends its JVM (stdin closed, it exits with code 0) before it returns; the JVM is no longer tracked", async () => {
    const before = new Set(liveChildren());
    const server = await startJobServer("2", { progress: () => {} });
    const jvm = liveChildren().find((c) => !before.has(c))!;
    try {
      await server.close();
      expect({ exitCode: jvm.exitCode, signalCode: jvm.signalCode, tracked: liveChildren().includes(jvm) }).toEqual({ exitCode: 0, signalCode: null, tracked: false });
    } finally {
      // Should close() have left it running, do not leave it behind.
      if (jvm.exitCode === null && jvm.signalCode === null) jvm.kill("SIGKILL");
    }
  }, 180_000);
});
