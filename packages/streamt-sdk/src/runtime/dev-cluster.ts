import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { StreamtError } from "../errors.js";
import { buildRunner, classArchiveOptions, flinkJvmOptions, type BuiltRunner, type ProgressSink } from "./flink-runner.js";
import { freePort } from "./free-port.js";
import { findToolchain, RuntimeErrorCode, userJvmOptions } from "./toolchain.js";

/**
 * `streamt-sdk dev up | down | status`: a standalone Flink session cluster (JobManager with REST API and
 * web UI, one TaskManager), a SQL Gateway and a Kafka broker, each its own JVM on loopback, started from
 * the Maven-built runner classpaths (no flink-dist, no Docker). They outlive the command that started
 * them; one folder of the project, .streamt/dev/, remembers their ports and pids and holds their conf,
 * logs, checkpoints and savepoints.
 */

/** The parts, in the order they start (the TaskManager and the gateway need the JobManager). */
export const DEV_PARTS = ["kafka", "jobmanager", "taskmanager", "gateway"] as const;
export type DevPart = (typeof DEV_PARTS)[number];

const LABEL: Record<DevPart, string> = { kafka: "Kafka broker", jobmanager: "JobManager", taskmanager: "TaskManager", gateway: "SQL Gateway" };

const processSchema = z.strictObject({
  pid: z.number().int().positive(),
  /** The process's start time as the OS reports it: a pid reused by another process has another one. */
  startTime: z.string().min(1),
  startedAt: z.string(),
});

const stateSchema = z.strictObject({
  version: z.literal(1),
  ports: z.strictObject({
    kafka: z.number().int().positive(),
    kafkaController: z.number().int().positive(),
    jobmanagerRpc: z.number().int().positive(),
    rest: z.number().int().positive(),
    gateway: z.number().int().positive(),
  }),
  processes: z.partialRecord(z.enum(DEV_PARTS), processSchema),
});

export type DevState = z.infer<typeof stateSchema>;
export type DevPorts = DevState["ports"];
export type DevProcess = z.infer<typeof processSchema>;

/** Where everything of the dev cluster lives, under `<project>/.streamt/dev`. */
export function devPaths(projectDir: string) {
  const root = path.join(path.resolve(projectDir), ".streamt", "dev");
  return {
    root,
    conf: path.join(root, "conf"),
    state: path.join(root, "state.json"),
    logs: path.join(root, "logs"),
    checkpoints: path.join(root, "checkpoints"),
    savepoints: path.join(root, "savepoints"),
    kafkaData: path.join(root, "kafka"),
    tmp: path.join(root, "tmp"),
    /** Compiled plans `apply` executes (the SQL Gateway reads them from here). */
    plans: path.join(root, "plans"),
  };
}
export type DevPaths = ReturnType<typeof devPaths>;

function logFile(paths: DevPaths, part: DevPart): string {
  return path.join(paths.logs, `${part}.log`);
}

/** The dev cluster's state, or null before the first `dev up`. A damaged state.json is an error saying what to do. */
export function readDevState(projectDir: string): DevState | null {
  const file = devPaths(projectDir).state;
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    parsed = e;
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) {
    throw new StreamtError({
      code: RuntimeErrorCode.devState,
      message: `${file} is not a state file of \`streamt-sdk dev up\` (${parsed instanceof Error ? parsed.message : result.error.issues[0]!.message})`,
      hint: `stop any dev cluster JVMs by hand (look for io.streamt or org.apache.flink in \`ps\`), delete ${file}, and run \`streamt-sdk dev up\` again`,
    });
  }
  return result.data;
}

function writeState(paths: DevPaths, state: DevState): void {
  const tmp = `${paths.state}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  renameSync(tmp, paths.state);
}

// ---- processes ----------------------------------------------------------------------------------

/**
 * The start time of a live process, as the OS reports it (Linux: clock ticks since boot from
 * /proc/<pid>/stat; elsewhere `ps -o lstart=`), or null when no such process runs (or it is a zombie).
 */
export function processStartTime(pid: number): string | null {
  if (existsSync("/proc/self/stat")) {
    const fields = procStatFields(pid);
    return fields === null || fields[0] === "Z" || fields[0] === "X" ? null : (fields[19] ?? null);
  }
  const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8" });
  const out = ps.status === 0 ? ps.stdout.trim() : "";
  return out === "" ? null : out;
}

/** Linux: the fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): [0] is the state, [19] the start time. */
function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The start time of a process in any state, zombies included (Linux only). */
function procStartTime(pid: number): string | null {
  return procStatFields(pid)?.[19] ?? null;
}

/** Whether the process recorded in state.json still runs: same pid and same start time. */
function isRunning(p: DevProcess | undefined): p is DevProcess {
  return p !== undefined && processStartTime(p.pid) === p.startTime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM, then SIGKILL after `timeoutMs`; only ever the process recorded (same pid and start time). */
export async function stopProcess(p: DevProcess, timeoutMs: number): Promise<"stopped" | "killed"> {
  const signal = (s: NodeJS.Signals) => {
    if (!isRunning(p)) return;
    try {
      process.kill(p.pid, s);
    } catch {
      // it exited in between
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(p)) {
      await released(p);
      return "stopped";
    }
    await sleep(150);
  }
  signal("SIGKILL");
  while (isRunning(p)) await sleep(50);
  await released(p);
  return "killed";
}

/**
 * Waits (at most 5 s) until a stopped process has fully gone. Its main thread shows as a zombie while
 * the JVM's other threads still exit, and the ports stay bound until the last one has: an `up` right
 * after `down` would find them taken.
 */
async function released(p: DevProcess): Promise<void> {
  const deadline = Date.now() + 5_000;
  const exists = () => procStartTime(p.pid) === p.startTime;
  while (exists() && Date.now() < deadline) await sleep(50);
}

/** Whether nothing listens on 127.0.0.1:port right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Distinct free loopback ports for a first `dev up`. */
async function choosePorts(): Promise<DevPorts> {
  const taken = new Set<number>();
  const next = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  return { kafka: await next(), kafkaController: await next(), jobmanagerRpc: await next(), rest: await next(), gateway: await next() };
}

export function portsOf(part: DevPart, ports: DevPorts): { port: number; what: string }[] {
  switch (part) {
    case "kafka":
      return [
        { port: ports.kafka, what: "Kafka client port" },
        { port: ports.kafkaController, what: "Kafka controller port" },
      ];
    case "jobmanager":
      return [
        { port: ports.jobmanagerRpc, what: "JobManager RPC port" },
        { port: ports.rest, what: "Flink REST / web UI port" },
      ];
    case "taskmanager":
      return [];
    case "gateway":
      return [{ port: ports.gateway, what: "SQL Gateway port" }];
  }
}

// ---- configuration --------------------------------------------------------------------------------

/**
 * TaskManager memory, every component set: without Flink's shell scripts nothing derives them, and the
 * JVM flags below must fit them (heap = framework + task heap; direct = framework + task off-heap + network).
 */
const TM_MEMORY = {
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
};
const TM_JVM = ["-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=192m", "-XX:MaxMetaspaceSize=256m"];
const JM_JVM = ["-Xms256m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m"];
const GATEWAY_JVM = ["-Xmx512m", "-XX:MaxMetaspaceSize=256m"];
const KAFKA_JVM = ["-Xmx512m"];

/** The conf/config.yaml all three Flink JVMs read (flat keys; every address loopback). */
export function flinkConfig(paths: DevPaths, ports: DevPorts): Record<string, string> {
  const fileUri = (dir: string) => `file://${dir}`;
  return {
    "jobmanager.rpc.address": "127.0.0.1",
    "jobmanager.rpc.port": String(ports.jobmanagerRpc),
    "jobmanager.bind-host": "127.0.0.1",
    "jobmanager.memory.process.size": "1024m",
    "taskmanager.host": "127.0.0.1",
    "taskmanager.bind-host": "127.0.0.1",
    "taskmanager.numberOfTaskSlots": "4",
    "taskmanager.cpu.cores": "2",
    ...TM_MEMORY,
    "rest.address": "127.0.0.1",
    "rest.bind-address": "127.0.0.1",
    "rest.port": String(ports.rest),
    "sql-gateway.endpoint.rest.address": "127.0.0.1",
    "sql-gateway.endpoint.rest.bind-address": "127.0.0.1",
    "sql-gateway.endpoint.rest.port": String(ports.gateway),
    "execution.target": "remote",
    "execution.checkpointing.dir": fileUri(paths.checkpoints),
    "execution.checkpointing.savepoint-dir": fileUri(paths.savepoints),
    "web.upload.dir": paths.tmp,
    // The cluster has the Kafka connector (for SQL jobs); a job JAR shades it too. Kafka's classes from the
    // cluster, like the connector's (org.apache.flink is parent-first), or the JAR's copies clash with them.
    "classloader.parent-first-patterns.additional": "org.apache.kafka.",
    "io.tmp.dirs": paths.tmp,
    "parallelism.default": "1",
  };
}

export function writeConf(paths: DevPaths, ports: DevPorts): void {
  const yaml = Object.entries(flinkConfig(paths, ports))
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join("\n");
  writeFileSync(path.join(paths.conf, "config.yaml"), `# written by streamt-sdk dev up; rewritten on every start\n${yaml}\n`);
}

// ---- starting one part ------------------------------------------------------------------------------

export interface Runners {
  readonly cluster: BuiltRunner;
  readonly kafka: BuiltRunner;
}

export function commandOf(part: DevPart, paths: DevPaths, ports: DevPorts, runners: Runners, taskManagerId: string): { jvm: string[]; cp: BuiltRunner; main: string; args: string[] } {
  switch (part) {
    case "kafka":
      return {
        jvm: KAFKA_JVM,
        cp: runners.kafka,
        main: "io.streamt.runner.Main",
        args: ["kafka", "--port", String(ports.kafka), "--controller-port", String(ports.kafkaController), "--dir", paths.kafkaData, "--ready-timeout-ms", "120000", "--ignore-stdin"],
      };
    case "jobmanager":
      return { jvm: JM_JVM, cp: runners.cluster, main: "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", args: ["--configDir", paths.conf] };
    case "taskmanager":
      return { jvm: TM_JVM, cp: runners.cluster, main: "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args: ["--configDir", paths.conf, `-Dtaskmanager.resource-id=${taskManagerId}`] };
    case "gateway":
      return { jvm: GATEWAY_JVM, cp: runners.cluster, main: "org.apache.flink.table.gateway.SqlGateway", args: [] };
  }
}

/** Starts one part as a detached JVM writing to its log file; returns it as state.json records it. */
function spawnPart(part: DevPart, paths: DevPaths, ports: DevPorts, runners: Runners, taskManagerId: string): DevProcess {
  const { java } = findToolchain();
  const { jvm, cp, main, args } = commandOf(part, paths, ports, runners, taskManagerId);
  const log = openSync(logFile(paths, part), "a");
  try {
    writeSync(log, `\n==== streamt-sdk dev up: starting the ${LABEL[part]} at ${new Date().toISOString()} ====\n`);
    const child = spawn(
      java,
      [...flinkJvmOptions(), ...jvm, ...userJvmOptions(), ...classArchiveOptions(cp), `-Dstreamt.log.level=${part === "kafka" ? "WARN" : "INFO"}`, "-cp", `${cp.classes}${path.delimiter}${cp.classpath}`, main, ...args],
      { detached: true, stdio: ["ignore", log, log], cwd: paths.root, env: { ...process.env, FLINK_CONF_DIR: paths.conf } },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new StreamtError({ code: RuntimeErrorCode.devNotReady, message: `could not start the ${LABEL[part]}: ${java} did not run`, hint: "check JAVA_HOME" });
    // The start time is read once the process exists; it is what tells this process from a later one with its pid.
    const startTime = processStartTime(pid);
    if (startTime === null) throw notReady(part, paths, "the JVM exited at once");
    return { pid, startTime, startedAt: new Date().toISOString() };
  } finally {
    closeSync(log);
  }
}

/** The lines of a part's log that say why it failed: errors and exceptions, else its last lines. */
export function relevantLogLines(file: string): string {
  if (!existsSync(file)) return "(no log written)";
  const text = readFileSync(file, "utf8");
  const lines = text.slice(text.lastIndexOf("\n==== streamt-sdk dev up:") + 1).split("\n");
  const errors = lines.filter((l) => /\b(ERROR|FATAL)\b|Exception|Error:|"event":"failed"/.test(l));
  return (errors.length > 0 ? errors.slice(0, 15) : lines.slice(-20)).join("\n");
}

function notReady(part: DevPart, paths: DevPaths, why: string): StreamtError {
  const file = logFile(paths, part);
  return new StreamtError({
    code: RuntimeErrorCode.devNotReady,
    message: `the ${LABEL[part]} of the dev cluster did not become ready: ${why}; its full log: ${file}\n${relevantLogLines(file)}`,
    hint: "read the log above; `streamt-sdk dev up` again restarts only the parts that are not running",
  });
}

// ---- readiness --------------------------------------------------------------------------------------

async function getJson(url: string, timeoutMs = 2_000): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** One probe of whether a part answers: null when it does, else why not. */
async function probe(part: DevPart, ports: DevPorts, taskManagerId: string | null): Promise<string | null> {
  try {
    switch (part) {
      case "kafka": {
        const admin = new Kafka({ clientId: "streamt-dev", brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return cluster.brokers.length > 0 ? null : "no broker in the metadata";
        } finally {
          await admin.disconnect().catch(() => {});
        }
      }
      case "jobmanager":
        await getJson(`http://127.0.0.1:${ports.rest}/overview`);
        return null;
      case "taskmanager": {
        const tms = (await getJson(`http://127.0.0.1:${ports.rest}/taskmanagers`)) as { taskmanagers?: { id: string }[] };
        const ids = (tms.taskmanagers ?? []).map((t) => t.id);
        if (taskManagerId === null) return ids.length > 0 ? null : "no TaskManager registered";
        return ids.includes(taskManagerId) ? null : "the TaskManager has not registered with the JobManager";
      }
      case "gateway":
        await getJson(`http://127.0.0.1:${ports.gateway}/v1/info`);
        return null;
    }
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Waits until a part answers its probe; one whose JVM exits, or that does not answer in time, is STREAMT-R015 with its log's telling lines. */
export async function waitReady(part: DevPart, p: DevProcess, paths: DevPaths, ports: DevPorts, taskManagerId: string | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let why: string | null = "not probed";
  while (Date.now() < deadline) {
    if (!isRunning(p)) throw notReady(part, paths, "its JVM exited");
    why = await probe(part, ports, taskManagerId);
    if (why === null) return;
    await sleep(250);
  }
  throw notReady(part, paths, `no answer after ${Math.round(timeoutMs / 1000)} s (${why})`);
}

// ---- one command at a time ---------------------------------------------------------------------------

/**
 * Runs `fn` holding .streamt/dev/lock, so that two `dev up` (or an `up` and a `down`) in one project never
 * both choose ports or start parts: the second waits for the first, then sees what it started. The lock
 * names its holder by pid and start time; one whose holder is gone (killed mid-`up`) is taken over.
 */
async function withLock<T>(paths: DevPaths, write: (text: string) => void, fn: () => Promise<T>): Promise<T> {
  const file = path.join(paths.root, "lock");
  const me = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) });
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, me, { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = lockHolder(file);
    if (holder === "gone") {
      rmSync(file, { force: true });
      continue;
    }
    if (!told && holder !== "unknown") {
      write(`waiting for another streamt-sdk dev command in this project (pid ${holder.pid})...\n`);
      told = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/** Who holds the lock: a live process, "gone" (its holder no longer runs), or "unknown" (being written right now). */
function lockHolder(file: string): { pid: number } | "gone" | "unknown" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "gone";
  }
  try {
    const { pid, startTime } = JSON.parse(text) as { pid: number; startTime: string | null };
    return processStartTime(pid) === startTime ? { pid } : "gone";
  } catch {
    // Created but not yet written, or left half-written by a holder killed in between: give it a moment.
    return Date.now() - statSync(file).mtimeMs > 5_000 ? "gone" : "unknown";
  }
}

// ---- up / down / status -----------------------------------------------------------------------------

export interface DevPartStatus {
  readonly part: DevPart;
  readonly label: string;
  /** up: running and answering; starting: running, not answering (yet); down: not running. */
  readonly state: "up" | "starting" | "down";
  readonly pid: number | null;
  /** Where clients reach it: a URL, or host:port for Kafka. */
  readonly address: string;
  readonly log: string;
}

export interface DevStatus {
  readonly dir: string;
  readonly parts: readonly DevPartStatus[];
  readonly restUrl: string | null;
  readonly gatewayUrl: string | null;
  readonly bootstrap: string | null;
  readonly checkpoints: string;
  readonly savepoints: string;
}

function addressOf(part: DevPart, ports: DevPorts): string {
  switch (part) {
    case "kafka":
      return `127.0.0.1:${ports.kafka}`;
    case "jobmanager":
      return `http://127.0.0.1:${ports.rest}`;
    case "taskmanager":
      return `http://127.0.0.1:${ports.rest}/#/task-manager`;
    case "gateway":
      return `http://127.0.0.1:${ports.gateway}`;
  }
}

/** What runs now: each part's process (same pid and start time as recorded) and whether it answers. */
export async function devStatus(projectDir: string): Promise<DevStatus> {
  const paths = devPaths(projectDir);
  const state = readDevState(projectDir);
  const parts = await Promise.all(
    DEV_PARTS.map(async (part): Promise<DevPartStatus> => {
      const p = state?.processes[part];
      const running = isRunning(p);
      const answers = running && state ? (await probe(part, state.ports, null)) === null : false;
      return {
        part,
        label: LABEL[part],
        state: !running ? "down" : answers ? "up" : "starting",
        pid: running ? p.pid : null,
        address: state ? addressOf(part, state.ports) : "",
        log: logFile(paths, part),
      };
    }),
  );
  return {
    dir: paths.root,
    parts,
    restUrl: state ? `http://127.0.0.1:${state.ports.rest}` : null,
    gatewayUrl: state ? `http://127.0.0.1:${state.ports.gateway}` : null,
    bootstrap: state ? `127.0.0.1:${state.ports.kafka}` : null,
    checkpoints: paths.checkpoints,
    savepoints: paths.savepoints,
  };
}

export interface DevUpOptions {
  /** Progress text (partial lines: "starting JobManager... " then "ok (3.1 s)\n"). Default: stderr. */
  readonly write?: (text: string) => void;
  /** How long each part may take to answer (default 120 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts whatever part of the dev cluster is not running (all of it the first time), each on the port
 * remembered in state.json, and waits until the broker answers a metadata request, the REST API lists the
 * TaskManager and the gateway answers. Running parts are left alone, so a second `up` is harmless.
 * A part that does not become ready is stopped again and reported with its log (STREAMT-R015); a
 * remembered port another program holds is STREAMT-R014.
 */
export async function devUp(projectDir: string, options: DevUpOptions = {}): Promise<DevStatus> {
  const write = options.write ?? ((t: string) => process.stderr.write(t));
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const progress: ProgressSink = (line) => write(`${line}\n`);
  findToolchain();
  const [cluster, kafka] = await Promise.all([buildRunner("cluster", progress), buildRunner("kafka", progress)]);
  const runners = { cluster, kafka };
  const paths = devPaths(projectDir);
  for (const dir of [paths.root, paths.conf, paths.logs, paths.checkpoints, paths.savepoints, paths.kafkaData, paths.tmp]) mkdirSync(dir, { recursive: true });
  await withLock(paths, write, () => startMissing(projectDir, paths, runners, write, readyTimeoutMs));
  return devStatus(projectDir);
}

/** The parts of `up` that read and write state.json: run by one command at a time (see withLock). */
async function startMissing(projectDir: string, paths: DevPaths, runners: Runners, write: (text: string) => void, readyTimeoutMs: number): Promise<void> {
  const state: DevState = readDevState(projectDir) ?? { version: 1, ports: await choosePorts(), processes: {} };
  writeConf(paths, state.ports);
  writeState(paths, state);

  // Every port of a part to start must be free before anything starts: no half-started cluster for a taken port.
  for (const part of DEV_PARTS.filter((p) => !isRunning(state.processes[p]))) {
    for (const { port, what } of portsOf(part, state.ports)) {
      if (!(await portFree(port))) {
        throw new StreamtError({
          code: RuntimeErrorCode.devPortTaken,
          message: `the ${what} of the dev cluster, 127.0.0.1:${port} (remembered in ${paths.state}), is taken by another program`,
          hint: `stop the program listening on port ${port} (e.g. \`lsof -i :${port}\`), or run \`streamt-sdk dev down\` and delete ${paths.state} so that \`dev up\` chooses new ports`,
        });
      }
    }
  }
  for (const part of DEV_PARTS) {
    const running = state.processes[part];
    if (isRunning(running)) {
      // Running already: only make sure it answers (it may still be starting from an earlier `up`).
      await waitReady(part, running, paths, state.ports, null, readyTimeoutMs);
      write(`${LABEL[part]} is running (pid ${running.pid})\n`);
      continue;
    }
    write(`starting ${LABEL[part]}... `);
    const started = Date.now();
    const taskManagerId = `streamt-dev-taskmanager-${started}`;
    let p: DevProcess | null = null;
    try {
      p = spawnPart(part, paths, state.ports, runners, taskManagerId);
      state.processes[part] = p;
      writeState(paths, state);
      await waitReady(part, p, paths, state.ports, part === "taskmanager" ? taskManagerId : null, readyTimeoutMs);
    } catch (e) {
      write("failed\n");
      if (p !== null) {
        await stopProcess(p, 5_000);
        delete state.processes[part];
        writeState(paths, state);
      }
      throw e;
    }
    write(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

export interface DevDownResult {
  /** The parts that were running and were stopped (SIGKILLed after the timeout if SIGTERM did not end them). */
  readonly stopped: readonly { part: DevPart; pid: number; how: "stopped" | "killed" }[];
}

/**
 * Stops every process `dev up` started and still runs (checked by pid and start time: a pid the OS gave
 * to another program since is never signalled), the gateway first and the broker last. Keeps the
 * ports, logs, checkpoints, savepoints and the broker's data for the next `up`.
 */
export async function devDown(projectDir: string, options: { write?: (text: string) => void; timeoutMs?: number } = {}): Promise<DevDownResult> {
  const write = options.write ?? ((t: string) => process.stderr.write(t));
  if (!readDevState(projectDir)) return { stopped: [] };
  const paths = devPaths(projectDir);
  return withLock(paths, write, () => stopAll(projectDir, paths, write, options.timeoutMs ?? 20_000));
}

async function stopAll(projectDir: string, paths: DevPaths, write: (text: string) => void, timeoutMs: number): Promise<DevDownResult> {
  // Read again under the lock: an `up` that held it may have started parts since.
  const state = readDevState(projectDir)!;
  const stopped: { part: DevPart; pid: number; how: "stopped" | "killed" }[] = [];
  for (const part of [...DEV_PARTS].reverse()) {
    const p = state.processes[part];
    if (isRunning(p)) {
      write(`stopping ${LABEL[part]} (pid ${p.pid})... `);
      const how = await stopProcess(p, timeoutMs);
      write(how === "stopped" ? "ok\n" : "killed (it did not stop on SIGTERM)\n");
      stopped.push({ part, pid: p.pid, how });
    }
    delete state.processes[part];
    writeState(paths, state);
  }
  return { stopped };
}
