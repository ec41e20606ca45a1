import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devStatus, devUp, processStartTime } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";
import { kafkaBootstrap } from "../e2e/support.js";
import { fakeEndpoint } from "../fake-endpoint.js";

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

describe("dev up when every part runs already", () => {
  it("starts nothing and says, part by part, that it is running and its pid; the status is every part up", async () => {
    // The broker is the real one; the JobManager's REST API (with a TaskManager registered) and the gateway are
    // stand-ins that answer what `up` asks; each recorded process is this one, which runs.
    const port = Number((await kafkaBootstrap()).split(":").at(-1));
    const rest = await fakeEndpoint((request) => (request === "GET /overview" ? { taskmanagers: 1 } : request === "GET /taskmanagers" ? { taskmanagers: [{ id: "streamt-dev-taskmanager-1" }] } : { status: 404, json: { errors: ["not found"] } }));
    const gateway = await fakeEndpoint((request) => (request === "GET /v1/info" ? { productName: "Apache Flink", version: "2.2.0" } : { status: 404, json: { errors: ["not found"] } }));
    try {
      const dir = mkdtempSync(path.join(tmpdir(), "streamt-dev-up-test-"));
      dirs.push(dir);
      mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
      const me = { pid: process.pid, startTime: processStartTime(process.pid)!, startedAt: "2026-01-01T00:00:00.000Z" };
      const ports = { kafka: port, kafkaController: await freePort(), jobmanagerRpc: await freePort(), rest: Number(rest.url.split(":").at(-1)), gateway: Number(gateway.url.split(":").at(-1)) };
      writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports, processes: { kafka: me, jobmanager: me, taskmanager: me, gateway: me } }));
      let written = "";
      const status = await devUp(dir, { write: (t) => (written += t), readyTimeoutMs: 30_000 });
      expect(written).toBe(["Kafka broker", "JobManager", "TaskManager", "SQL Gateway"].map((label) => `${label} is running (pid ${process.pid})\n`).join(""));
      expect(status.parts.map((p) => [p.part, p.state, p.pid])).toEqual(["kafka", "jobmanager", "taskmanager", "gateway"].map((part) => [part, "up", process.pid]));
    } finally {
      await rest.close();
      await gateway.close();
    }
  });
});
