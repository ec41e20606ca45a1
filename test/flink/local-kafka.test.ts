import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";
import { startLocalKafka } from "../../packages/streamt-sdk/src/runtime/local-kafka.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

// A broker of its own (not the shared one): how startLocalKafka starts it, says it failed, and stops it.
describe("startLocalKafka on the real broker", { timeout: 180_000 }, () => {
  it("runs the Kafka runner's main with at most 512 MB of heap, on the port asked for, in a fresh data folder; stop() ends the JVM and removes the folder", async () => {
    const port = await freePort();
    const before = new Set(liveChildren());
    const kafka = await startLocalKafka({ port, progress: () => {} });
    const jvm = liveChildren().filter((c) => !before.has(c));
    try {
      expect(kafka.bootstrap).toBe(`127.0.0.1:${port}`);
      expect(path.basename(kafka.dataDir)).toMatch(/^streamt-kafka-/);
      expect(existsSync(kafka.dataDir)).toBe(true);
      expect(jvm.length).toBe(1);
      const args = jvm[0]!.spawnargs;
      expect(args.filter((a) => a.startsWith("-Xmx"))).toEqual(["-Xmx512m"]);
      expect(args.slice(args.indexOf("io.streamt.runner.Main"))).toEqual(["io.streamt.runner.Main", "kafka", "--port", String(port), "--controller-port", expect.stringMatching(/^\d+$/), "--dir", kafka.dataDir, "--ready-timeout-ms", "90000"]);
    } finally {
      await kafka.stop();
    }
    expect([existsSync(kafka.dataDir), liveChildren().includes(jvm[0]!)]).toEqual([false, false]);
  });

  it("a port another process holds: STREAMT-R006 with the broker's reason in one line, no stack trace, and nothing left running", async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    const before = liveChildren().length;
    try {
      const e = await startLocalKafka({ port, progress: () => {} }).then(() => null, (err: unknown) => err);
      if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
      // The innermost cause, not the stack trace Kafka logged it with.
      expect([e.code, e.message]).toEqual(["STREAMT-R006", `the local Kafka broker did not start: broker start failed: Socket server failed to bind to 127.0.0.1:${port}: Address already in use.\n`]);
      expect(liveChildren().length).toBe(before);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
