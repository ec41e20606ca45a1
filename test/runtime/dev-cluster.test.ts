import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import {
  commandOf,
  devDown,
  devPaths,
  devStatus,
  flinkConfig,
  portFree,
  portsOf,
  processStartTime,
  readDevState,
  relevantLogLines,
  stopProcess,
  waitReady,
  writeConf,
  type DevPorts,
  type DevProcess,
} from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";

const PORTS: DevPorts = { kafka: 19092, kafkaController: 19093, jobmanagerRpc: 16123, rest: 18081, gateway: 18083 };
const paths = devPaths("/work/project");
const runners = {
  cluster: { target: "cluster" as const, classes: "/r/target-cluster/classes", classpath: "/m2/flink-runtime.jar:/m2/flink-table.jar" },
  kafka: { target: "kafka" as const, classes: "/r/target-kafka/classes", classpath: "/m2/kafka.jar" },
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function projectDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-dev-test-"));
  dirs.push(dir);
  return dir;
}

describe("dev cluster: where it lives and how each JVM is configured", () => {
  it("every folder and file is under <project>/.streamt/dev", () => {
    expect(devPaths("/work/project/sub/..")).toEqual({
      root: "/work/project/.streamt/dev",
      conf: "/work/project/.streamt/dev/conf",
      state: "/work/project/.streamt/dev/state.json",
      logs: "/work/project/.streamt/dev/logs",
      checkpoints: "/work/project/.streamt/dev/checkpoints",
      savepoints: "/work/project/.streamt/dev/savepoints",
      kafkaData: "/work/project/.streamt/dev/kafka",
      tmp: "/work/project/.streamt/dev/tmp",
      plans: "/work/project/.streamt/dev/plans",
    });
  });

  it("config.yaml: loopback addresses, the remembered ports, every TaskManager memory component and file:// state folders", () => {
    expect(flinkConfig(paths, PORTS)).toEqual({
      "jobmanager.rpc.address": "127.0.0.1",
      "jobmanager.rpc.port": "16123",
      "jobmanager.bind-host": "127.0.0.1",
      "jobmanager.memory.process.size": "1024m",
      "taskmanager.host": "127.0.0.1",
      "taskmanager.bind-host": "127.0.0.1",
      "taskmanager.numberOfTaskSlots": "4",
      "taskmanager.cpu.cores": "2",
      "taskmanager.memory.framework.heap.size": "128m",
      "taskmanager.memory.task.heap.size": "384m",
      "taskmanager.memory.managed.size": "128m",
      "taskmanager.memory.network.min": "64m",
      "taskmanager.memory.network.max": "64m",
      "taskmanager.memory.framework.off-heap.size": "128m",
      "taskmanager.memory.task.off-heap.size": "0m",
      "taskmanager.memory.jvm-metaspace.size": "256m",
      "taskmanager.memory.jvm-overhead.min": "192m",
      "taskmanager.memory.jvm-overhead.max": "192m",
      "rest.address": "127.0.0.1",
      "rest.bind-address": "127.0.0.1",
      "rest.port": "18081",
      "sql-gateway.endpoint.rest.address": "127.0.0.1",
      "sql-gateway.endpoint.rest.bind-address": "127.0.0.1",
      "sql-gateway.endpoint.rest.port": "18083",
      "execution.target": "remote",
      "execution.checkpointing.dir": "file:///work/project/.streamt/dev/checkpoints",
      "execution.checkpointing.savepoint-dir": "file:///work/project/.streamt/dev/savepoints",
      "web.upload.dir": "/work/project/.streamt/dev/tmp",
      "classloader.parent-first-patterns.additional": "org.apache.kafka.",
      "io.tmp.dirs": "/work/project/.streamt/dev/tmp",
      "parallelism.default": "1",
    });
  });

  it("conf/config.yaml: a header, then each setting as a flat key and a JSON string", () => {
    const dir = projectDir();
    const p = devPaths(dir);
    mkdirSync(p.conf, { recursive: true });
    writeConf(p, PORTS);
    const lines = readFileSync(path.join(p.conf, "config.yaml"), "utf8").split("\n");
    expect(lines.slice(0, 4)).toEqual(["# written by streamt-sdk dev up; rewritten on every start", 'jobmanager.rpc.address: "127.0.0.1"', 'jobmanager.rpc.port: "16123"', 'jobmanager.bind-host: "127.0.0.1"']);
    expect(lines.slice(-3)).toEqual([`io.tmp.dirs: ${JSON.stringify(p.tmp)}`, 'parallelism.default: "1"', ""]);
    expect(lines).toHaveLength(1 + Object.keys(flinkConfig(p, PORTS)).length + 1);
  });

  it("the ports each part needs free before it starts", () => {
    expect((["kafka", "jobmanager", "taskmanager", "gateway"] as const).map((part) => portsOf(part, PORTS))).toEqual([
      [
        { port: 19092, what: "Kafka client port" },
        { port: 19093, what: "Kafka controller port" },
      ],
      [
        { port: 16123, what: "JobManager RPC port" },
        { port: 18081, what: "Flink REST / web UI port" },
      ],
      [],
      [{ port: 18083, what: "SQL Gateway port" }],
    ]);
  });

  it("the broker: the Kafka runner's main on its client and controller ports, data in .streamt/dev/kafka", () => {
    expect(commandOf("kafka", paths, PORTS, runners, "tm-1")).toEqual({
      jvm: ["-Xmx512m"],
      cp: runners.kafka,
      main: "io.streamt.runner.Main",
      args: ["kafka", "--port", "19092", "--controller-port", "19093", "--dir", "/work/project/.streamt/dev/kafka", "--ready-timeout-ms", "120000", "--ignore-stdin"],
    });
  });

  it("the JobManager: Flink's standalone session entrypoint reading conf/", () => {
    expect(commandOf("jobmanager", paths, PORTS, runners, "tm-1")).toEqual({
      jvm: ["-Xms256m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m"],
      cp: runners.cluster,
      main: "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
      args: ["--configDir", "/work/project/.streamt/dev/conf"],
    });
  });

  it("the TaskManager: heap and direct memory that fit its memory configuration, and the resource id it registers with", () => {
    expect(commandOf("taskmanager", paths, PORTS, runners, "streamt-dev-taskmanager-1700000000000")).toEqual({
      jvm: ["-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=192m", "-XX:MaxMetaspaceSize=256m"],
      cp: runners.cluster,
      main: "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
      args: ["--configDir", "/work/project/.streamt/dev/conf", "-Dtaskmanager.resource-id=streamt-dev-taskmanager-1700000000000"],
    });
  });

  it("the SQL Gateway: its main, no arguments (it reads FLINK_CONF_DIR)", () => {
    expect(commandOf("gateway", paths, PORTS, runners, "tm-1")).toEqual({ jvm: ["-Xmx512m", "-XX:MaxMetaspaceSize=256m"], cp: runners.cluster, main: "org.apache.flink.table.gateway.SqlGateway", args: [] });
  });
});

describe("dev cluster: ports and processes", () => {
  it("a port is free until something listens on it", async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1" }, resolve));
    const port = (server.address() as { port: number }).port;
    expect(await portFree(port)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await portFree(port)).toBe(true);
  });

  it("a live process has a start time, and it stays the same; no process has none", () => {
    const mine = processStartTime(process.pid);
    expect(mine).toMatch(/\S/);
    expect(processStartTime(process.pid)).toBe(mine);
    expect(processStartTime(2 ** 30)).toBeNull();
  });

  /** A child that prints "ready" once it runs (with `ignoreTerm`, once it ignores SIGTERM), recorded as state.json would. */
  async function startChild(ignoreTerm: boolean): Promise<DevProcess> {
    const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ""} setTimeout(() => {}, 60000); console.log("ready");`;
    const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    return { pid: child.pid!, startTime: processStartTime(child.pid!)!, startedAt: new Date().toISOString() };
  }

  it("stopProcess: a process that ends on SIGTERM is stopped, and returns as soon as it is gone", async () => {
    const p = await startChild(false);
    const started = Date.now();
    expect(await stopProcess(p, 3_000)).toBe("stopped");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(processStartTime(p.pid)).toBeNull();
  });

  it("stopProcess: a process that ignores SIGTERM is killed after the timeout", async () => {
    const p = await startChild(true);
    const started = Date.now();
    expect(await stopProcess(p, 600)).toBe("killed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(processStartTime(p.pid)).toBeNull();
  });

  it("stopProcess never signals another process that got the recorded pid (another start time)", async () => {
    expect(await stopProcess({ pid: process.pid, startTime: "not-this-one", startedAt: "" }, 1_000)).toBe("stopped");
  });
});

describe("dev cluster: state.json and status", () => {
  it("no state before the first `dev up`: every part down, no addresses", async () => {
    const dir = projectDir();
    expect(readDevState(dir)).toBeNull();
    const root = path.join(dir, ".streamt/dev");
    expect(await devStatus(dir)).toEqual({
      dir: root,
      parts: (["kafka", "jobmanager", "taskmanager", "gateway"] as const).map((part) => ({
        part,
        label: { kafka: "Kafka broker", jobmanager: "JobManager", taskmanager: "TaskManager", gateway: "SQL Gateway" }[part],
        state: "down",
        pid: null,
        address: "",
        log: path.join(root, "logs", `${part}.log`),
      })),
      restUrl: null,
      gatewayUrl: null,
      bootstrap: null,
      checkpoints: path.join(root, "checkpoints"),
      savepoints: path.join(root, "savepoints"),
    });
  });

  it("a recorded process that runs but does not answer is starting; one whose pid now names another process is down", async () => {
    const dir = projectDir();
    const root = path.join(dir, ".streamt/dev");
    mkdirSync(root, { recursive: true });
    const rest = await freePort(); // nothing listens there: the JobManager does not answer
    const ports = { kafka: 29092, kafkaController: 29093, jobmanagerRpc: 26123, rest, gateway: 28083 };
    const processes = {
      jobmanager: { pid: process.pid, startTime: processStartTime(process.pid)!, startedAt: "2026-01-01T00:00:00.000Z" },
      gateway: { pid: process.pid, startTime: "another start time", startedAt: "2026-01-01T00:00:00.000Z" },
    };
    writeFileSync(path.join(root, "state.json"), JSON.stringify({ version: 1, ports, processes }));
    expect(readDevState(dir)).toEqual({ version: 1, ports, processes });
    const status = await devStatus(dir);
    expect(status.parts.map((p) => [p.part, p.state, p.pid, p.address])).toEqual([
      ["kafka", "down", null, "127.0.0.1:29092"],
      ["jobmanager", "starting", process.pid, `http://127.0.0.1:${rest}`],
      ["taskmanager", "down", null, `http://127.0.0.1:${rest}/#/task-manager`],
      ["gateway", "down", null, "http://127.0.0.1:28083"],
    ]);
    expect([status.restUrl, status.gatewayUrl, status.bootstrap]).toEqual([`http://127.0.0.1:${rest}`, "http://127.0.0.1:28083", "127.0.0.1:29092"]);
  });

  function stateError(dir: string): { code: string; message: string; hint: string | null } {
    try {
      readDevState(dir);
    } catch (e) {
      if (isStreamtError(e)) return { code: e.code, message: e.message, hint: e.hint };
      throw e;
    }
    throw new Error("expected a StreamtError");
  }

  it("a damaged state.json (not JSON, or not the state's shape) is STREAMT-R016, saying what to do", () => {
    const dir = projectDir();
    const file = path.join(dir, ".streamt/dev/state.json");
    mkdirSync(path.dirname(file), { recursive: true });
    const hint = `stop any dev cluster JVMs by hand (look for io.streamt or org.apache.flink in \`ps\`), delete ${file}, and run \`streamt-sdk dev up\` again`;
    writeFileSync(file, "{ half");
    let parseMessage = "";
    try {
      JSON.parse("{ half");
    } catch (e) {
      parseMessage = (e as Error).message;
    }
    expect(stateError(dir)).toEqual({ code: "STREAMT-R016", message: `${file} is not a state file of \`streamt-sdk dev up\` (${parseMessage})`, hint });
    writeFileSync(file, JSON.stringify({ version: 2, ports: {}, processes: {} }));
    expect(stateError(dir)).toEqual({ code: "STREAMT-R016", message: `${file} is not a state file of \`streamt-sdk dev up\` (Invalid input: expected 1)`, hint });
  });
});

describe("dev cluster: a part's log when it did not become ready", () => {
  it("its error and exception lines since the last start (at most 15), else its last 20 lines; no log said so", () => {
    const dir = projectDir();
    const log = path.join(dir, "jobmanager.log");
    expect(relevantLogLines(log)).toBe("(no log written)");
    const earlier = ["\n==== streamt-sdk dev up: starting the JobManager at 2026-01-01T00:00:00.000Z ====", "ERROR an earlier start's error"];
    const errors = ["2026 ERROR RestServerEndpoint - failed", "java.net.BindException: Address already in use", "Error: could not bind", '{"event":"failed","error":"x"}', "2026 FATAL org.apache.flink - gave up"];
    const last = ["\n==== streamt-sdk dev up: starting the JobManager at 2026-01-02T00:00:00.000Z ====", "INFO starting", ...errors, "INFO ERRORS are not errors", "INFO stopped"];
    writeFileSync(log, [...earlier, ...last].join("\n"));
    expect(relevantLogLines(log)).toBe(errors.join("\n"));
    const many = Array.from({ length: 20 }, (_, i) => `ERROR e${i}`);
    writeFileSync(log, ["\n==== streamt-sdk dev up: x ====", ...many].join("\n"));
    expect(relevantLogLines(log)).toBe(many.slice(0, 15).join("\n"));
    const quiet = Array.from({ length: 25 }, (_, i) => `INFO line ${i}`);
    writeFileSync(log, quiet.join("\n"));
    expect(relevantLogLines(log)).toBe(quiet.slice(5).join("\n"));
  });

  it("waitReady: a part whose JVM is gone is STREAMT-R015 naming the part, why, its log and the log's error lines", async () => {
    const dev = devPaths(projectDir());
    mkdirSync(dev.logs, { recursive: true });
    writeFileSync(path.join(dev.logs, "kafka.log"), "INFO starting\nERROR KafkaServer - Address already in use\n");
    const gone: DevProcess = { pid: 2 ** 30, startTime: "Mon Jan  1 00:00:00 2026", startedAt: "2026-01-01T00:00:00.000Z" };
    const e = await waitReady("kafka", gone, dev, PORTS, null, 60_000).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    expect([e.code, e.message, e.hint]).toEqual([
      "STREAMT-R015",
      `the Kafka broker of the dev cluster did not become ready: its JVM exited; its full log: ${path.join(dev.logs, "kafka.log")}\nERROR KafkaServer - Address already in use`,
      "read the log above; `streamt-sdk dev up` again restarts only the parts that are not running",
    ]);
  });
});

describe("dev cluster: waitReady of a part that runs", () => {
  it("one that does not answer in time is STREAMT-R015 with its last probe's reason", async () => {
    const dev = devPaths(projectDir());
    mkdirSync(dev.logs, { recursive: true });
    writeFileSync(path.join(dev.logs, "jobmanager.log"), "INFO starting\n");
    // This test's own process stands for the part's JVM: running; nothing listens on its REST port.
    const running: DevProcess = { pid: process.pid, startTime: processStartTime(process.pid)!, startedAt: "2026-01-01T00:00:00.000Z" };
    const e = await waitReady("jobmanager", running, dev, { ...PORTS, rest: await freePort() }, null, 1_000).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    expect([e.code, e.message]).toEqual(["STREAMT-R015", `the JobManager of the dev cluster did not become ready: no answer after 1 s (fetch failed); its full log: ${path.join(dev.logs, "jobmanager.log")}\nINFO starting\n`]);
  });
});

describe("dev cluster: down", () => {
  /** A `sleep` recorded as state.json records a part. */
  async function sleeper(): Promise<DevProcess> {
    const child = spawn("sleep", ["60"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    return { pid: child.pid!, startTime: processStartTime(child.pid!)!, startedAt: "2026-01-01T00:00:00.000Z" };
  }
  function writeStateOf(dir: string, processes: Record<string, DevProcess>): string {
    const file = path.join(dir, ".streamt/dev/state.json");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ version: 1, ports: PORTS, processes }));
    return file;
  }

  it("without a state there is nothing to stop", async () => {
    expect(await devDown(projectDir(), { write: () => {} })).toEqual({ stopped: [] });
  });

  it("stops the recorded processes that still run, the gateway first and the broker last; forgets them all; keeps the ports", async () => {
    const dir = projectDir();
    const [kafka, gateway] = [await sleeper(), await sleeper()];
    const file = writeStateOf(dir, { kafka, gateway, jobmanager: { pid: process.pid, startTime: "another process", startedAt: "" } });
    let out = "";
    const result = await devDown(dir, { write: (t) => (out += t), timeoutMs: 5_000 });
    expect(result).toEqual({
      stopped: [
        { part: "gateway", pid: gateway.pid, how: "stopped" },
        { part: "kafka", pid: kafka.pid, how: "stopped" },
      ],
    });
    expect(out).toBe(`stopping SQL Gateway (pid ${gateway.pid})... ok\nstopping Kafka broker (pid ${kafka.pid})... ok\n`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ version: 1, ports: PORTS, processes: {} });
    expect([processStartTime(kafka.pid), processStartTime(gateway.pid), existsSync(path.join(dir, ".streamt/dev/lock"))]).toEqual([null, null, false]);
  });

  it("waits for a lock being written and for another dev command holding it (saying so once), and takes over a lock whose holder is gone", async () => {
    const dir = projectDir();
    const kafka = await sleeper();
    writeStateOf(dir, { kafka });
    const lock = path.join(dir, ".streamt/dev/lock");
    writeFileSync(lock, '{"pid": 12'); // being written right now: wait, without naming a holder
    let out = "";
    const down = devDown(dir, { write: (t) => (out += t) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(out).toBe("");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect([out, processStartTime(kafka.pid)]).toEqual([`waiting for another streamt-sdk dev command in this project (pid ${process.pid})...\n`, kafka.startTime]);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 30, startTime: "gone" }));
    expect(await down).toEqual({ stopped: [{ part: "kafka", pid: kafka.pid, how: "stopped" }] });
    expect(existsSync(lock)).toBe(false);
  });
});
