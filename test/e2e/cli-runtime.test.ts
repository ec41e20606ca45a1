/**
 * The CLI's runtime commands, run in-process through main(): `validate` on a synthesised folder, and
 * `run --local` on an example with an --input file and --timeout (it starts its own broker and job).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { BIN } from "../cli/support.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-cli-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd: root };
  const code = await main(argv, io);
  return { code, out, err };
}

/** event-dedup's --input file: e1 twice, so the output has three records (CLICKS_DEDUPLICATED). */
function clicksInput(name: string): string {
  const file = path.join(tmp, name);
  writeFileSync(
    file,
    [
      { event_id: "e1", user_id: "u1", action: "view", event_time: "2024-01-01T10:00:00" },
      { event_id: "e2", user_id: "u2", action: "click", event_time: "2024-01-01T10:00:01" },
      { event_id: "e1", user_id: "u1", action: "view", event_time: "2024-01-01T10:00:00" },
      { event_id: "e3", user_id: "u1", action: "buy", event_time: "2024-01-01T10:00:05.250" },
    ]
      .map((e) => JSON.stringify(e))
      .join("\n") + "\n",
  );
  return file;
}

const CLICKS_DEDUPLICATED = [
  'web.clicks.unique.v1 {"event_id":"e1","user_id":"u1","action":"view","event_time":"2024-01-01T10:00:00"}',
  'web.clicks.unique.v1 {"event_id":"e2","user_id":"u2","action":"click","event_time":"2024-01-01T10:00:01"}',
  'web.clicks.unique.v1 {"event_id":"e3","user_id":"u1","action":"buy","event_time":"2024-01-01T10:00:05.25"}',
];

describe("streamt-sdk validate", () => {
  const out = path.join(tmp, "out");

  it("checks every synthesised script with Flink's planner", async () => {
    expect((await cli("synth", "examples/event-dedup.ts", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const r = await cli("validate", out);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^ok customer-totals \(\d+ statements, \d+ ms, Flink 2\.2\)$/);
    expect(lines[1]).toMatch(/^ok event-dedup \(\d+ statements, \d+ ms, Flink 2\.2\)$/);
    expect(lines[2]).toBe("validated 2 pipelines with Flink's planner: all ok");
    // Flink's runner splits each script into as many statements as the statement map synth recorded.
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as { artifacts: { type: string; pipeline?: string; statements?: unknown[] }[] };
    const mapped = (name: string) => manifest.artifacts.find((a) => a.type === "sql-script" && a.pipeline === name)!.statements!.length;
    expect(lines[0]).toBe(lines[0]!.replace(/\(\d+ statements/, `(${mapped("customer-totals")} statements`));
    expect(lines[1]).toBe(lines[1]!.replace(/\(\d+ statements/, `(${mapped("event-dedup")} statements`));
    expect(liveChildren()).toEqual([]);
  }, 180_000);

  it("exits 1 with Flink's message, the pipeline, the statement and its line", async () => {
    const file = path.join(out, "event-dedup.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace("FROM `clicks`", "FROM `clickz`"));
    // A script the planner refuses: synth writes none (the random-pipeline test holds it to that), so this
    // one is edited, and the manifest's sha256 with it (an edit alone is refused before any JVM starts).
    const manifestFile = path.join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { artifacts: { files: { path: string; sha256: string }[] }[] };
    for (const a of manifest.artifacts) for (const f of a.files) if (f.path === "event-dedup.sql") f.sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const r = await cli("validate", out, "--json");
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.out) as { ok: boolean; pipelines: Record<string, unknown>[] };
    expect(summary.ok).toBe(false);
    expect(summary.pipelines.map((p) => [p.name, p.ok])).toEqual([["customer-totals", true], ["event-dedup", false]]);
    const failed = summary.pipelines[1]!;
    expect(failed.error).toMatch(/Object 'clickz' not found/);
    expect(failed.statement).toMatch(/^CREATE TEMPORARY VIEW `clicks__deduplicate` AS/);
    const script = readFileSync(file, "utf8").split("\n");
    expect(script[(failed.statementLine as number) - 1]).toMatch(/^CREATE TEMPORARY VIEW `clicks__deduplicate`/);
    expect(script[(failed.line as number) - 1]).toContain("`clickz`");
    // The step's call site in the user's module, from the statement map synth recorded in the manifest.
    expect(failed.definedAt).toBe("examples/event-dedup.ts:12");

    const text = await cli("validate", out);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(new RegExp(`^error event-dedup statement ${failed.statementIndex} \\(${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/event-dedup\\.sql:${failed.line}:\\d+, defined at examples/event-dedup\\.ts:12\\): .*Object 'clickz' not found`, "m"));
    expect(text.out).toContain("  in: CREATE TEMPORARY VIEW `clicks__deduplicate` AS ...");
    expect(text.out.split("\n").slice(-2)).toEqual(["1 of 2 pipelines failed Flink's planner", ""]);
  }, 120_000);

  it("asks for synth first when the folder has no manifest (exit 2)", async () => {
    const r = await cli("validate", path.join(tmp, "nowhere"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no manifest\.json \(folder not found\): run `streamt-sdk synth` first/);
  });
});

describe("streamt-sdk run --local", () => {
  it("runs an example on a local broker and MiniCluster and prints the output records", async () => {
    const input = clicksInput("clicks.jsonl");
    const r = await cli("run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--input", `web.clicks.v1=${input}`, "--timeout", "15");
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split("\n").sort()).toEqual(CLICKS_DEDUPLICATED);
    expect(r.err).toContain("produced 4 records");
    expect(r.err).toContain("--timeout 15s reached");
    // The broker and the job JVM are gone.
    expect(liveChildren()).toEqual([]);
  }, 300_000);

  it("runs the example's JAR (--target jar): built with Maven, run on the MiniCluster from that JAR, the same output records", async () => {
    const input = clicksInput("clicks-jar.jsonl");
    // The JVMs this run has started once it says the job runs (the broker's, then the job's): the same records
    // would come from the SQL script run instead of the JAR, so what the job's JVM runs is looked at too.
    const running: string[][][] = [];
    let out = "";
    let err = "";
    const io: Io = {
      out: (t) => (out += t),
      err: (t) => {
        err += t;
        if (t.startsWith("running event-dedup ")) running.push(liveChildren().map((c) => c.spawnargs));
      },
      cwd: root,
    };
    const code = await main(["run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--target", "jar", "--input", `web.clicks.v1=${input}`, "--timeout", "15"], io);
    const r = { code, out, err };
    expect(r.code, r.err).toBe(0);
    // The first entry of each JVM's classpath: the broker's classes, and the JAR run --local built (in a temporary folder).
    const first = (args: string[]) => args[args.indexOf("-cp") + 1]!.split(path.delimiter)[0]!;
    const shown = (c: string) => (c.startsWith(root) ? path.relative(root, c) : path.relative(tmpdir(), c).replace(/^streamt-jars-\d+-[^/]+/, "<built>"));
    expect(running.map((jvms) => jvms.map((args) => shown(first(args))))).toEqual([["packages/flink-runner/target-kafka/streamt-runner.jar", "<built>/event-dedup/target/event-dedup.jar"]]);
    expect(r.out.trim().split("\n").sort()).toEqual(CLICKS_DEDUPLICATED);
    expect(r.err).toMatch(/^built 1 JAR in \d+ s: event-dedup\/target\/event-dedup\.jar \(/m);
    expect(r.err).toContain("produced 4 records");
    expect(liveChildren()).toEqual([]);
  }, 600_000);

  it("refuses a missing --input file before starting anything (exit 2)", async () => {
    const r = await cli("run", "examples/event-dedup.ts", "--local", "--input", "web.clicks.v1=missing.jsonl");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/input file not found: missing\.jsonl/);
    expect(r.err).not.toMatch(/starting a local Kafka broker/);
    expect(liveChildren()).toEqual([]);
  });

  it("needs --local (exit 2)", async () => {
    const r = await cli("run", "examples/event-dedup.ts");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/run needs --local/);
  });
});

/** The processes whose command line holds `text` (the broker's and the job's hold the run's port). */
function processesWith(text: string): string[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .flatMap((d) => {
      try {
        const args = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ");
        return args.includes(text) ? [`${d} ${args.slice(0, 120)}`] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/**
 * The real CLI (its own process, as a user's terminal runs it) given SIGINT once its stderr matches
 * `when`: its exit, its stderr, and the processes of its broker left a few seconds after it ended.
 */
async function interruptedRun(input: string, when: RegExp, extraArgs: string[] = []): Promise<{ code: number | null; hung: boolean; stderr: string; left: string[]; pid: number }> {
  const child = spawn(process.execPath, [BIN, "run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--input", `web.clicks.v1=${input}`, ...extraArgs], {
    cwd: root,
    env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let sent = false;
  // A run that does not end within a minute of the signal is hung: killed, and reported as such.
  let hung = false;
  let killer: NodeJS.Timeout | undefined;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (!sent && when.test(stderr)) {
      sent = true;
      child.kill("SIGINT");
      killer = setTimeout(() => ((hung = true), child.kill("SIGKILL")), 60_000);
    }
  });
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(killer);
  const port = /starting a local Kafka broker on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
  let left = port ? processesWith(`--port ${port}`) : [];
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesWith(`--port ${port}`);
  }
  return { code, hung, stderr, left, pid: child.pid! };
}

describe("streamt-sdk run --local stopped with Ctrl-C", () => {
  it("while the broker starts: exits 0 without producing or starting a job, and leaves no broker running", async () => {
    const r = await interruptedRun(clicksInput("clicks-int1.jsonl"), /starting a local Kafka broker on /);
    expect(r.hung, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("\nSIGINT: stopping the jobs and the broker...\n");
    expect(r.stderr).not.toContain("produced");
    expect(r.stderr).not.toContain("running event-dedup");
    expect(r.left).toEqual([]);
  }, 300_000);

  it("while Maven builds the JAR (--target jar): stops Maven, exits 0 without starting a broker, leaves no process and no build folder", async () => {
    const r = await interruptedRun(clicksInput("clicks-int3.jsonl"), /\n {2}building event-dedup\.jar \(/, ["--target", "jar"]);
    expect(r.hung, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("\nSIGINT: stopping the JAR build...\n");
    expect(r.stderr).not.toContain("starting a local Kafka broker");
    expect(r.stderr).not.toContain("built 1 JAR");
    // The JARs are built in streamt-jars-<pid>-*: Maven's command line names it, and the folder is gone.
    expect(processesWith(`streamt-jars-${r.pid}-`)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`streamt-jars-${r.pid}-`))).toEqual([]);
  }, 300_000);

  it("while the job runs: stops the job and the broker, exits 0, leaves no process", async () => {
    const r = await interruptedRun(clicksInput("clicks-int2.jsonl"), /running event-dedup on Flink .*; Ctrl-C stops it\n/);
    expect(r.hung, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("produced 4 records");
    expect(r.stderr.slice(r.stderr.indexOf("Ctrl-C stops it"))).toContain("SIGINT: stopping the jobs and the broker...");
    expect(r.left).toEqual([]);
  }, 300_000);
});

describe("streamt-sdk synth --target jar stopped with Ctrl-C while Maven builds", () => {
  it("exits 130, stops Maven, leaves the output folder as it was and no temporary folder beside it", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "streamt-synth-int-"));
    rmSync(out, { recursive: true });
    const sql = spawnSync(process.execPath, [BIN, "synth", "examples/event-dedup.ts", "--no-typecheck", "--out", out], { cwd: root, encoding: "utf8" });
    expect(sql.status, sql.stderr).toBe(0);
    const before = readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f), "utf8")]);
    const child = spawn(process.execPath, [BIN, "synth", "examples/event-dedup.ts", "--no-typecheck", "--target", "jar", "--out", out], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let sent = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /\n {2}building event-dedup\.jar \(/.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const [code] = (await once(child, "exit")) as [number | null];
    try {
      expect([sent, code], stderr).toEqual([true, 130]);
      expect(stderr).not.toContain("built 1 JAR");
      expect(processesWith(`${out}.tmp-${child.pid}`)).toEqual([]);
      expect(readdirSync(path.dirname(out)).filter((f) => f.startsWith(`${path.basename(out)}.`))).toEqual([]);
      expect(readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f), "utf8")])).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
