import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devStatus, processStartTime } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";
import { kafkaBootstrap } from "../e2e/support.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("dev status of a broker that answers", () => {
  it("a recorded broker process that runs and answers a metadata request is up; one whose port has no broker is starting", async () => {
    const port = Number((await kafkaBootstrap()).split(":").at(-1));
    const me = { pid: process.pid, startTime: processStartTime(process.pid)!, startedAt: "2026-01-01T00:00:00.000Z" };
    const statusWithKafkaOn = async (kafka: number) => {
      const dir = mkdtempSync(path.join(tmpdir(), "streamt-dev-status-test-"));
      dirs.push(dir);
      mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
      const ports = { kafka, kafkaController: 1, jobmanagerRpc: 2, rest: 3, gateway: 4 };
      writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports, processes: { kafka: me } }));
      const status = await devStatus(dir);
      return [status.parts[0], status.bootstrap];
    };
    expect(await statusWithKafkaOn(port)).toEqual([
      expect.objectContaining({ part: "kafka", label: "Kafka broker", state: "up", pid: process.pid, address: `127.0.0.1:${port}` }),
      `127.0.0.1:${port}`,
    ]);
    const nothing = await freePort();
    expect(await statusWithKafkaOn(nothing)).toEqual([expect.objectContaining({ part: "kafka", state: "starting", pid: process.pid }), `127.0.0.1:${nothing}`]);
  });
});
