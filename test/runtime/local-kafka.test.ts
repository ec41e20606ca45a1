import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";
import { startLocalKafka } from "../../packages/streamt-sdk/src/runtime/local-kafka.js";
import { fakeToolchain, type FakeToolchain } from "./fake-toolchain.js";

// How the broker's JVM is started and what its start says; the broker itself: test/flink, test/e2e.
describe("startLocalKafka with a stand-in for the broker's JVM", () => {
  let fake: FakeToolchain;
  beforeAll(() => {
    fake = fakeToolchain();
  });
  afterAll(() => fake.remove());

  it("runs the Kafka runner's main with at most 512 MB of heap, on the port asked for, in a fresh data folder; the bootstrap is the one its ready event says; stop() removes the folder", async () => {
    const port = await freePort();
    fake.java({ stdout: `{"event":"ready","bootstrap":"127.0.0.1:${port}"}\n` });
    const kafka = await startLocalKafka({ port, progress: () => {} });
    try {
      expect(kafka.bootstrap).toBe(`127.0.0.1:${port}`);
      expect(path.basename(kafka.dataDir)).toMatch(/^streamt-kafka-/);
      expect(existsSync(kafka.dataDir)).toBe(true);
      const runner = path.join(fake.runnerDir, "target-kafka");
      expect(fake.javaRuns().at(-1)).toEqual([
        "-Xmx512m",
        "-cp",
        `${path.join(runner, "classes")}${path.delimiter}/m2/flink-kafka.jar`,
        "io.streamt.runner.Main",
        "kafka",
        "--port",
        String(port),
        "--controller-port",
        expect.stringMatching(/^\d+$/),
        "--dir",
        kafka.dataDir,
        "--ready-timeout-ms",
        "90000",
      ]);
    } finally {
      await kafka.stop();
    }
    expect(existsSync(kafka.dataDir)).toBe(false);
  });

  it("a broker that reports it failed is STREAMT-R006 saying why, with its stderr's last lines (none here)", async () => {
    fake.java({ stdout: '{"event":"failed","error":"the port is in use"}\n' });
    const e = await startLocalKafka({ port: await freePort(), progress: () => {} }).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    expect([e.code, e.message]).toEqual(["STREAMT-R006", "the local Kafka broker did not start: the port is in use\n"]);
  });
});
