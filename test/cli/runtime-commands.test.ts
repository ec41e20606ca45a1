/**
 * What `validate` and `run --local` print, run in-process through main() with the JVMs replaced by fakes:
 * Flink's planner answers as a test says, and the broker, the topics and the jobs are recorded instead of
 * started. (The same commands on the real planner, broker and MiniCluster: test/e2e/cli-runtime.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import type { ValidationResult } from "../../packages/streamt-sdk/src/runtime/planner-validator.js";
import type { ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import type { JobEnd, LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";

/** What the fakes answer, and what they were asked. */
const fake = vi.hoisted(() => ({
  /** The planner's answer to each pipeline's script. */
  answers: new Map<string, Omit<ValidationResult, "id">>(),
  /** The records the output topics' watcher receives as soon as it starts. */
  records: [] as ConsumedRecord[],
  /** The lines each job prints on stderr once started. */
  jobStderr: [] as string[],
  calls: [] as string[],
}));

vi.mock("../../packages/streamt-sdk/src/runtime/planner-validator.js", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  PlannerValidator: {
    start: async (target: string) => ({
      validateAll: async (scripts: { id: string; script: string }[]) => {
        fake.calls.push(`validate on ${target}: ${scripts.map((s) => s.id).join(", ")}`);
        return scripts.map((s) => ({ id: s.id, ...fake.answers.get(s.id)! }));
      },
      close: async () => void fake.calls.push(`close the ${target} validator`),
    }),
  },
}));

vi.mock("../../packages/streamt-sdk/src/runtime/toolchain.js", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  findToolchain: () => ({ java: "java", javaMajor: 17, mvn: "mvn" }),
}));

vi.mock("../../packages/streamt-sdk/src/runtime/local-kafka.js", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startLocalKafka: async (options: { port: number }) => {
    fake.calls.push(`start a broker on ${options.port}`);
    return { bootstrap: `127.0.0.1:${options.port}`, dataDir: "", stop: async () => void fake.calls.push("stop the broker") };
  },
}));

vi.mock("../../packages/streamt-sdk/src/runtime/kafka-io.js", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  createTopics: async (_bootstrap: string, topics: { name: string }[]) => void fake.calls.push(`create topics ${topics.map((t) => t.name).join(", ")}`),
  produce: async (_bootstrap: string, topic: string, records: unknown[]) => void fake.calls.push(`produce ${records.length} to ${topic}`),
  watchTopics: async (_bootstrap: string, topics: string[], onRecord: (r: ConsumedRecord) => void) => {
    fake.calls.push(`watch ${topics.join(", ")}`);
    for (const r of fake.records) onRecord(r);
    return { records: fake.records, until: async () => fake.records, stop: async () => void fake.calls.push("stop the watcher") };
  },
}));

vi.mock("../../packages/streamt-sdk/src/runtime/local-job.js", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startLocalJob: async (options: { name: string; target: string; onStderr: (line: string) => void }): Promise<Partial<LocalJob>> => {
    fake.calls.push(`start job ${options.name} on ${options.target}`);
    for (const line of fake.jobStderr) options.onStderr(line);
    const end: JobEnd = { state: "finished" };
    return {
      name: options.name,
      events: [],
      submitted: Promise.resolve("0f3a"),
      ended: Promise.resolve(end),
      onEvent: () => {},
      stop: async () => (fake.calls.push(`stop job ${options.name}`), end),
    };
  },
}));

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-runtime-commands-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd: root };
  const code = await main(argv, io);
  return { code, out, err };
}

beforeEach(() => {
  fake.answers.clear();
  fake.records = [];
  fake.jobStderr = [];
  fake.calls = [];
});

describe("validate: a line per pipeline, then how many passed Flink's planner", () => {
  const out = path.join(tmp, "out");
  const ok = (statements: number, ms: number) => ({ ok: true as const, statements, ms });
  const refused = {
    ok: false as const,
    statementIndex: 6,
    statement: "CREATE TEMPORARY VIEW `clicks__deduplicate` AS\nSELECT * FROM `clickz`",
    line: 34,
    error: "Object 'clickz' not found\nwithin the catalog",
    errorLine: 37,
    errorColumn: 15,
    ms: 30,
  };

  it("every script accepted: ok with its statements, time and Flink version, then all ok (exit 0)", async () => {
    expect((await cli("synth", "examples/customer-totals.ts", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    fake.answers.set("customer-totals", ok(4, 12));
    fake.answers.set("event-dedup", ok(1, 7));
    expect(await cli("validate", out)).toEqual({
      code: 0,
      out: "ok customer-totals (4 statements, 12 ms, Flink 2.2)\nok event-dedup (1 statement, 7 ms, Flink 2.2)\nvalidated 2 pipelines with Flink's planner: all ok\n",
      err: "",
    });
    expect(fake.calls).toEqual(["validate on 2: customer-totals, event-dedup", "close the 2 validator"]);

    expect((await cli("synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    expect(await cli("validate", out)).toEqual({ code: 0, out: "ok event-dedup (1 statement, 7 ms, Flink 2.2)\nvalidated 1 pipeline with Flink's planner: all ok\n", err: "" });
  }, 60_000);

  it("a script Flink refuses: where, the user's line it comes from, Flink's message and the statement, then how many failed (exit 1)", async () => {
    expect((await cli("synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    fake.answers.set("event-dedup", refused);
    const error =
      `error event-dedup statement 6 (${path.join(out, "event-dedup.sql")}:37:15, defined at examples/event-dedup.ts:12): Object 'clickz' not found\n` +
      "    within the catalog\n" +
      "  in: CREATE TEMPORARY VIEW `clicks__deduplicate` AS ...\n";
    expect(await cli("validate", out)).toEqual({ code: 1, out: `${error}1 of 1 pipeline failed Flink's planner\n`, err: "" });

    expect((await cli("synth", "examples/customer-totals.ts", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    fake.answers.set("customer-totals", ok(4, 12));
    expect(await cli("validate", out)).toEqual({ code: 1, out: `ok customer-totals (4 statements, 12 ms, Flink 2.2)\n${error}1 of 2 pipelines failed Flink's planner\n`, err: "" });
  }, 60_000);
});

describe("validate refuses a folder without what it needs, before it starts Flink's planner", () => {
  it("a folder that does not exist, or one synth did not write: run synth first (exit 2)", async () => {
    const synthFirst = (shown: string, why: string) =>
      `streamt-sdk: ${shown} has no manifest.json (${why}): run \`streamt-sdk synth\` first (it writes ${shown}), or pass the folder synth wrote\n`;
    const nowhere = path.join(tmp, "nowhere");
    expect(await cli("validate", nowhere)).toEqual({ code: 2, out: "", err: synthFirst(nowhere, "folder not found") });
    const other = mkdtempSync(path.join(tmp, "other-"));
    expect(await cli("validate", other)).toEqual({ code: 2, out: "", err: synthFirst(other, "not a synth output folder") });
    expect(fake.calls).toEqual([]);
  });

  it("a script the manifest lists but the folder lacks: run synth again (exit 2)", async () => {
    const out = path.join(tmp, "missing-script");
    expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    unlinkSync(path.join(out, "customer-totals.sql"));
    expect(await cli("validate", out)).toEqual({
      code: 2,
      out: "",
      err: `streamt-sdk: ${path.join(out, "customer-totals.sql")} is listed in the manifest but missing: run \`streamt-sdk synth\` again\n`,
    });
    expect(fake.calls).toEqual([]);
  }, 60_000);

  it("a pipeline the manifest lists without a SQL script among its artifacts is STREAMT-O005", async () => {
    const out = path.join(tmp, "no-script-artifact");
    expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const manifestFile = path.join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { artifacts: { type: string }[] };
    manifest.artifacts = manifest.artifacts.filter((a) => a.type !== "sql-script");
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    expect(await cli("validate", out)).toEqual({
      code: 1,
      out: "",
      err:
        `error STREAMT-O005: ${manifestFile}: pipeline customer-totals has no SQL script among the artifacts\n` +
        "  fix: run `streamt-sdk synth` again to rewrite the output folder\n",
    });
    expect(fake.calls).toEqual([]);
  }, 60_000);
});

describe("run --local: the output topics' records and the jobs' printed rows on stdout, progress on stderr", () => {
  it("prints each record as topic, key (when it has one) and value (null for a tombstone); stops everything it started", async () => {
    const input = path.join(tmp, "clicks.jsonl");
    writeFileSync(
      input,
      [
        { event_id: "e1", user_id: "u1", action: "view", event_time: "2024-01-01T10:00:00" },
        { event_id: "e2", user_id: "u2", action: "click", event_time: "2024-01-01T10:00:01" },
      ]
        .map((e) => JSON.stringify(e) + "\n")
        .join(""),
    );
    const record = (key: string | null, text: string | null, offset: string): ConsumedRecord => ({
      topic: "web.clicks.unique.v1",
      partition: 0,
      offset,
      key,
      value: text === null ? null : JSON.parse(text),
      text,
      timestamp: "1704103200000",
    });
    fake.records = [record(null, '{"event_id":"e1","user_id":"u1"}', "0"), record("e2", '{"event_id":"e2","user_id":"u2"}', "1"), record("e2", null, "2")];
    fake.jobStderr = ["INFO starting the job", "1> +I[e1, u1, view, 2024-01-01T10:00]"];

    const r = await cli("run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--input", `web.clicks.v1=${input}`);
    const port = /^start a broker on (\d+)$/.exec(fake.calls[0]!)?.[1];
    expect(r).toEqual({
      code: 0,
      out:
        'web.clicks.unique.v1 {"event_id":"e1","user_id":"u1"}\n' +
        'web.clicks.unique.v1 e2 {"event_id":"e2","user_id":"u2"}\n' +
        "web.clicks.unique.v1 e2 null\n" +
        "print 1> +I[e1, u1, view, 2024-01-01T10:00]\n",
      err:
        `starting a local Kafka broker on 127.0.0.1:${port}...\n` +
        `produced 2 records from ${input} to web.clicks.v1\n` +
        "running event-dedup on Flink 2.2 (job 0f3a); Ctrl-C stops it\n" +
        "job event-dedup ended (finished)\n",
    });
    expect(fake.calls).toEqual([
      `start a broker on ${port}`,
      "create topics web.clicks.unique.v1, web.clicks.v1",
      "produce 2 to web.clicks.v1",
      "watch web.clicks.unique.v1",
      "start job event-dedup on 2",
      "stop the watcher",
      "stop job event-dedup",
      "stop the broker",
    ]);
  }, 60_000);
});
