import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printUp } from "../../packages/streamt-sdk/src/cli/dev-command.js";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { processStartTime } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";

/**
 * `dev` on the command line, without starting the cluster: usage errors, status/down in a project where
 * `dev up` never ran or whose state file is damaged, and down stopping the processes a state file records
 * (`sleep` standing in for the JVMs). (Starting the cluster: test/e2e/dev-cluster.test.ts.)
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd };
  const code = await main(argv, io);
  return { code, out, err };
}

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-dev-cli-"));
  dirs.push(dir);
  return dir;
}

describe("streamt-sdk dev", () => {
  it("usage errors exit 2 and say what to write", async () => {
    const dir = project();
    expect(await run(dir, "dev")).toEqual({ code: 2, out: "", err: "streamt-sdk: dev takes up, down or status: streamt-sdk dev up\nRun 'streamt-sdk --help' for usage.\n" });
    expect(await run(dir, "dev", "start")).toEqual({ code: 2, out: "", err: "streamt-sdk: dev takes up, down or status: streamt-sdk dev up\nRun 'streamt-sdk --help' for usage.\n" });
    expect(await run(dir, "dev", "up", "now")).toEqual({ code: 2, out: "", err: "streamt-sdk: dev takes one action (up, down or status), not up now\nRun 'streamt-sdk --help' for usage.\n" });
    expect(await run(dir, "dev", "up", "--local")).toEqual({ code: 2, out: "", err: "streamt-sdk: option --local does not apply to 'dev'; it takes --json\nRun 'streamt-sdk --help' for usage.\n" });
  });

  it("status and down before any up: everything down, nothing to stop", async () => {
    const dir = project();
    expect(await run(dir, "dev", "status")).toEqual({
      code: 0,
      err: "",
      out: "Kafka broker  down                \nJobManager    down                \nTaskManager   down                \nSQL Gateway   down                \nlogs, checkpoints and savepoints: .streamt/dev/\n",
    });
    const json = JSON.parse((await run(dir, "dev", "status", "--json")).out) as { parts: { part: string; state: string; pid: number | null }[]; restUrl: string | null };
    expect([json.parts.map((p) => [p.part, p.state, p.pid]), json.restUrl]).toEqual([
      [
        ["kafka", "down", null],
        ["jobmanager", "down", null],
        ["taskmanager", "down", null],
        ["gateway", "down", null],
      ],
      null,
    ]);
    expect(await run(dir, "dev", "down")).toEqual({ code: 0, err: "", out: "the dev cluster was not running\n" });
  });

  it("a damaged state.json is STREAMT-R016, saying what to do", async () => {
    const dir = project();
    mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
    writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports: { kafka: 1 }, processes: {} }));
    const file = path.join(dir, ".streamt/dev/state.json");
    const r = await run(dir, "dev", "down");
    expect(r).toEqual({
      code: 1,
      out: "",
      err: `error STREAMT-R016: ${file} is not a state file of \`streamt-sdk dev up\` (Invalid input: expected number, received undefined)\n  fix: stop any dev cluster JVMs by hand (look for io.streamt or org.apache.flink in \`ps\`), delete ${file}, and run \`streamt-sdk dev up\` again\n`,
    });
  });

  it("status --env dev: R016 before any up; R017 when the cluster does not answer", async () => {
    const dir = project();
    const r = await run(dir, "status", "--env", "dev");
    expect(r).toEqual({ code: 1, out: "", err: `error STREAMT-R016: the environment 'dev' is the local cluster, and it was never started in ${dir}\n  fix: run \`streamt-sdk dev up\` first\n` });
    const port = await freePort();
    mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
    writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports: { kafka: port, kafkaController: port, jobmanagerRpc: port, rest: port, gateway: port }, processes: {} }));
    expect(await run(dir, "status", "--env", "dev")).toEqual({
      code: 1,
      out: "",
      err: `error STREAMT-R017: the Flink REST API of environment 'dev' (http://127.0.0.1:${port}) did not answer: connect ECONNREFUSED 127.0.0.1:${port}\n  fix: start the local cluster with \`streamt-sdk dev up\`\n`,
    });
    expect(await run(dir, "status")).toEqual({ code: 2, out: "", err: "streamt-sdk: status needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts\nRun 'streamt-sdk --help' for usage.\n" });
  });

  it("status --env dev: the environment and its REST URL, then each pipeline's newest job with its restarts, checkpoint and savepoint", async () => {
    const dir = project();
    const started = Date.parse("2024-05-01T10:00:00Z");
    const answers: Record<string, unknown> = {
      "/jobs/overview": {
        jobs: [
          { jid: "a1", name: "customer-totals", state: "RUNNING", "start-time": started },
          { jid: "a0", name: "customer-totals", state: "CANCELED", "start-time": started - 60_000 },
        ],
      },
      "/jobs/a1/checkpoints": { latest: { completed: { id: 7, latest_ack_timestamp: started + 120_000, external_path: "file:/cp/chk-7" }, savepoint: null } },
      "/jobs/a1/metrics?get=numRestarts": [{ id: "numRestarts", value: "2" }],
    };
    const rest: HttpServer = createHttpServer((req, res) => {
      const answer = answers[req.url ?? ""];
      res.writeHead(answer === undefined ? 404 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer ?? { errors: ["Not found"] }));
    });
    await new Promise<void>((resolve) => rest.listen({ port: 0, host: "127.0.0.1" }, resolve));
    try {
      const port = (rest.address() as AddressInfo).port;
      mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
      writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports: { kafka: 1, kafkaController: 2, jobmanagerRpc: 3, rest: port, gateway: 5 }, processes: {} }));
      expect(await run(dir, "status", "--env", "dev")).toEqual({
        code: 0,
        err: "",
        out:
          `environment dev: http://127.0.0.1:${port}\n` +
          "customer-totals  RUNNING  job a1 since 2024-05-01T10:00:00.000Z  restarts 2\n" +
          "  last checkpoint: #7 at 2024-05-01T10:02:00.000Z; last savepoint: none; 1 earlier job of this name\n",
      });
    } finally {
      await new Promise<void>((resolve) => rest.close(() => resolve()));
    }
  });

  it("a lock left by a dev command that no longer runs is taken over, and released afterwards", async () => {
    const dir = project();
    mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
    writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports: { kafka: 1, kafkaController: 2, jobmanagerRpc: 3, rest: 4, gateway: 5 }, processes: {} }));
    const gone = spawnSync("true").pid!;
    writeFileSync(path.join(dir, ".streamt/dev/lock"), JSON.stringify({ pid: gone, startTime: "1" }));
    expect(await run(dir, "dev", "down")).toEqual({ code: 0, err: "", out: "the dev cluster was not running\n" });
    expect(existsSync(path.join(dir, ".streamt/dev/lock"))).toBe(false);
  });

  it("down stops the processes the state file records, and says how many", async () => {
    const dir = project();
    // Two real processes stand in for the broker and the JobManager: down only signals a recorded pid whose start time matches.
    const children = [spawn("sleep", ["600"], { stdio: "ignore" }), spawn("sleep", ["600"], { stdio: "ignore" })];
    try {
      const [kafka, jobmanager] = children.map((c) => ({ pid: c.pid!, startTime: processStartTime(c.pid!)!, startedAt: "2024-05-01T10:00:00.000Z" }));
      mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
      writeFileSync(path.join(dir, ".streamt/dev/state.json"), JSON.stringify({ version: 1, ports: { kafka: 1, kafkaController: 2, jobmanagerRpc: 3, rest: 4, gateway: 5 }, processes: { kafka, jobmanager } }));
      expect(await run(dir, "dev", "down")).toEqual({
        code: 0,
        err: `stopping JobManager (pid ${jobmanager!.pid})... ok\nstopping Kafka broker (pid ${kafka!.pid})... ok\n`,
        out: "stopped 2 processes; checkpoints and savepoints are kept in .streamt/dev/\n",
      });
      // Each ended on down's SIGTERM.
      const ends = await Promise.all(children.map((c) => (c.signalCode !== null || c.exitCode !== null ? c.signalCode : new Promise((resolve) => c.once("exit", (_code, signal) => resolve(signal))))));
      expect(ends).toEqual(["SIGTERM", "SIGTERM"]);
    } finally {
      for (const c of children) c.kill("SIGKILL");
    }
  });

  it("dev up without Java says what to install, and creates nothing", async () => {
    const dir = project();
    const bin = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/bin/streamt-sdk.js");
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, "dev", "up"], { cwd: dir, env: { ...process.env, JAVA_HOME: "/nonexistent" } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-R001: Java was not found (/nonexistent/bin/java): running Flink and Kafka locally needs a JDK 17 or newer\n" +
        "  fix: install a JDK 17+ and Maven, e.g. `sudo apt-get install openjdk-17-jdk maven` (Debian/Ubuntu) or `brew install openjdk@17 maven` (macOS); set JAVA_HOME or put java on PATH\n",
    });
    expect(existsSync(path.join(dir, ".streamt"))).toBe(false);
  }, 60_000);
});

describe("what dev up prints once the cluster runs", () => {
  const status = {
    dir: "/p/.streamt/dev",
    parts: [
      { part: "kafka" as const, label: "Kafka", state: "up" as const, pid: 101, address: "127.0.0.1:9092", log: "/p/.streamt/dev/kafka.log" },
      { part: "jobmanager" as const, label: "JobManager", state: "up" as const, pid: 102, address: "http://127.0.0.1:8081", log: "/p/.streamt/dev/jm.log" },
    ],
    restUrl: "http://127.0.0.1:8081",
    gatewayUrl: null,
    bootstrap: "127.0.0.1:9092",
    checkpoints: "/p/.streamt/dev/checkpoints",
    savepoints: "/p/.streamt/dev/savepoints",
  };
  const printed = (json: boolean): string => {
    let out = "";
    printUp({ out: (t) => (out += t), err: () => {}, cwd: "/p" }, status, json);
    return out;
  };

  it("as text: the status, then how to stop it", () => {
    expect(printed(false)).toBe(
      [
        "Kafka       up        pid 101   127.0.0.1:9092",
        "JobManager  up        pid 102   http://127.0.0.1:8081",
        "web UI: http://127.0.0.1:8081",
        "logs, checkpoints and savepoints: .streamt/dev/",
        "stop it with: streamt-sdk dev down",
        "",
      ].join("\n"),
    );
  });

  it("with --json: the status as JSON and nothing else (stdout parses)", () => {
    const out = printed(true);
    expect(out).toBe(JSON.stringify(status, null, 2) + "\n");
    expect(JSON.parse(out)).toEqual(status);
  });
});
