/**
 * The second output, proven on the engine: every example's Table API project builds into a JAR (one Maven
 * reactor for all of them), the JAR is packaged as Flink needs, Flink's optimised plan of the Table API job
 * equals the SQL script's (or differs only as docs/java-target.md lists), and JARs run on the local
 * MiniCluster against the shared broker write exactly the records the SQL scripts write (run on the warm
 * job server the run shares).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synth, type JarBuild } from "../../packages/streamt-sdk/src/synth/synth.js";
import { buildJars } from "../../packages/streamt-sdk/src/runtime/jar-build.js";
import { buildRunner, runnerDir } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { sharedValidator } from "../flink/shared-validator.js";
import { findToolchain } from "../../packages/streamt-sdk/src/runtime/toolchain.js";
import { executionPlan } from "../../bench/job-speed.js";
import { startJarJob } from "../../packages/streamt-sdk/src/runtime/jar-run.js";
import { createTopics, latestByKey, produce, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { complete, kafkaBootstrap, sorted, startServedScript, watch } from "./support.js";

const root = path.resolve(import.meta.dirname, "../..");
const entries = [
  ...readdirSync(path.join(root, "examples")).filter((f) => f.endsWith(".ts")).sort().map((f) => `examples/${f}`),
  "examples/catalog-app/src/pipelines.ts",
  // The functions and aggregates the Table API output lowers itself, and the D1 / D6 rowtime casts.
  "test/java/fixtures/functions.ts",
];

let dir: string;
let jars: JarBuild[] = [];
const scripts = new Map<string, string>();
let buildSeconds = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "streamt-jar-examples-"));
  const bootstrap = await kafkaBootstrap();
  for (const entry of entries) {
    // The local run's settings (parallelism 1: one partition per topic), as `run --local` synthesises.
    const r = await synth({ entries: [entry], root, typecheck: false, flinkVersion: "2.2", bootstrapServers: bootstrap, strict: false, target: "all", parallelismOverride: 1 });
    expect(r.diagnostics.filter((d) => d.severity === "error"), entry).toEqual([]);
    for (const f of r.files) {
      if (f.path.endsWith(".sql")) scripts.set(f.path.replace(/\.sql$/, ""), f.content);
      if (!f.path.includes("/")) continue;
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
    jars.push(...r.jars);
  }
  expect(new Set(jars.map((j) => j.pipeline)).size).toBe(jars.length);
  const started = performance.now();
  await buildJars(dir, jars, { logFile: path.join(dir, "maven.log"), progress: () => {} });
  buildSeconds = (performance.now() - started) / 1000;
  console.log(`built ${jars.length} example JARs in one Maven reactor in ${buildSeconds.toFixed(0)} s`);
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The JDK's jar tool (Java is needed anyway): the JAR's entries, and one entry's text. */
const jarTool = () => path.join(path.dirname(findToolchain().java), "jar");
const list = (jar: string): string[] => execFileSync(jarTool(), ["tf", jar], { encoding: "utf8", maxBuffer: 64 << 20 }).split("\n");
function read(jar: string, entry: string): string {
  const into = mkdtempSync(path.join(dir, "entry-"));
  execFileSync(jarTool(), ["xf", jar, entry], { cwd: into });
  return readFileSync(path.join(into, entry), "utf8");
}

describe("every example builds into a deployable JAR", () => {
  it("all of them, in one Maven reactor", () => {
    expect(jars.map((j) => j.pipeline).sort()).toEqual([
      "big-spenders", "card-velocity", "customer-totals", "event-dedup", "hourly-revenue", "java-functions", "order-routing",
      "orders-enriched", "orders-latest-customer", "orders-payments", "orders-per-hour", "page-view-sessions", "top-spenders",
    ]);
  });

  it("is packaged as Flink needs: Main-Class, the merged table factories, no Flink classes", () => {
    for (const j of jars) {
      const jar = path.join(dir, j.jar);
      expect(read(jar, "META-INF/MANIFEST.MF"), j.pipeline).toMatch(new RegExp(`^Main-Class: ${j.mainClass.replace(/\./g, "\\.")}\\r?$`, "m"));
      const factories = read(jar, "META-INF/services/org.apache.flink.table.factories.Factory").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
      expect(factories, j.pipeline).toEqual(expect.arrayContaining([
        "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
        "org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory",
        "org.apache.flink.formats.json.JsonFormatFactory",
      ]));
      const entries = list(jar);
      expect(entries.filter((e) => /^org\/apache\/flink\/(table\/api|table\/planner|runtime|api\/common)\//.test(e)), j.pipeline).toEqual([]);
      expect(entries.filter((e) => /^META-INF\/[^/]+\.(SF|DSA|RSA)$/.test(e)), j.pipeline).toEqual([]);
      expect(entries, j.pipeline).toContain(`${j.mainClass.replace(/\./g, "/")}.class`);
    }
  });
});

describe("a JAR's run-time options", () => {
  it("--help says where Kafka addresses and secrets come from; a bad option is a usage error", async () => {
    const runner = await buildRunner("2");
    const j = jars.find((x) => x.pipeline === "hourly-revenue")!;
    const cp = [path.join(dir, j.jar), runner.classes, runner.classpath].join(path.delimiter);
    const help = spawnSync(findToolchain().java, ["-cp", cp, j.mainClass, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout.split("\n").slice(0, 3)).toEqual([
      "Usage: flink run hourly-revenue.jar [options]   (or the JAR's URI in a FlinkDeployment's jarURI, args in its args)",
      "",
      "Runs the Flink job of pipeline hourly-revenue.",
    ]);
    expect(help.stdout).toContain("  --bootstrap-servers <host:port,...>  the Kafka bootstrap servers (default: $STREAMT_KAFKA_BOOTSTRAP)");
    expect(help.stdout).toContain("Secrets are never part of this JAR: pass them through the environment or a properties file.");
    const bad = spawnSync(findToolchain().java, ["-cp", cp, j.mainClass, "--bootstrap"], { encoding: "utf8" });
    expect([bad.status, bad.stderr]).toEqual([2, "hourly-revenue: unknown option --bootstrap\nRun with --help for the options.\n"]);
  }, 60_000);
});

/**
 * Where Flink's optimised plans of the two outputs differ, per pipeline: the SQL plan's lines not in the JAR's
 * ("- ") and the JAR's not in the SQL's ("+ "), after normalising table names. Every kind of difference is
 * explained in docs/java-target.md ("Plan differences"); a change that adds or removes one fails here.
 * STREAMT_PLAN_DIFF_OUT=<file> writes the differences found, to review and replace the fixture with.
 */
const PLAN_DIFFERENCES = JSON.parse(readFileSync(path.join(import.meta.dirname, "jar-plan-differences.json"), "utf8")) as Record<string, string[]>;

describe("plan equivalence: Flink's optimised plan of each JAR's job equals its SQL script's", () => {
  let sqlPlans: Map<string, string>;
  let javaPlans: Map<string, string>;

  beforeAll(async () => {
    const validator = await sharedValidator("2");
    try {
      const results = await validator.validateAll([...scripts].map(([id, script]) => ({ id, script })), { explain: true });
      sqlPlans = new Map(results.map((r) => {
        if (!r.ok || r.explain === undefined) throw new Error(`${r.id}: ${r.ok ? "no plan" : r.error}`);
        return [r.id, r.explain];
      }));
    } finally {
      await validator.close();
    }
    javaPlans = await explainJars(jars.map((j) => ({ pipeline: j.pipeline, jar: path.join(dir, j.jar), mainClass: j.mainClass })));
  }, 600_000);

  it("for every example", () => {
    const differences: Record<string, string[]> = {};
    for (const j of jars) {
      const diff = planDiff(executionPlan(sqlPlans.get(j.pipeline)!), executionPlan(javaPlans.get(j.pipeline)!));
      if (diff.length > 0) differences[j.pipeline] = diff;
    }
    if (process.env.STREAMT_PLAN_DIFF_OUT) writeFileSync(process.env.STREAMT_PLAN_DIFF_OUT, JSON.stringify(differences, null, 2));
    expect(differences).toEqual(PLAN_DIFFERENCES);
  });
});

/** Lines of `sql` not in `java` ("- "), then lines of `java` not in `sql` ("+ "), counted with multiplicity. */
function planDiff(sql: readonly string[], java: readonly string[]): string[] {
  const only = (a: readonly string[], b: readonly string[]): string[] => {
    const left = new Map<string, number>();
    for (const l of b) left.set(l, (left.get(l) ?? 0) + 1);
    return a.filter((l) => {
      const n = left.get(l) ?? 0;
      if (n > 0) left.set(l, n - 1);
      return n === 0;
    });
  };
  return [...only(sql, java).map((l) => `- ${l.trim()}`), ...only(java, sql).map((l) => `+ ${l.trim()}`)];
}

/** Each JAR's `--explain`, from one JVM (a small driver calls every main class in turn). */
async function explainJars(all: readonly { pipeline: string; jar: string; mainClass: string }[]): Promise<Map<string, string>> {
  const runner = await buildRunner("2");
  const { java } = findToolchain();
  const driverDir = path.join(dir, "explain-driver");
  mkdirSync(driverDir, { recursive: true });
  writeFileSync(path.join(driverDir, "ExplainAll.java"), `
public final class ExplainAll {
    public static void main(String[] classes) throws Exception {
        for (String c : classes) {
            System.out.println("=== " + c);
            Class.forName(c).getMethod("main", String[].class).invoke(null, (Object) new String[] {"--explain"});
        }
    }
}
`);
  const javac = path.join(path.dirname(java), "javac");
  execFileSync(javac, ["-d", driverDir, path.join(driverDir, "ExplainAll.java")]);
  const jvm = readFileSync(path.join(runnerDir(), "jvm-options.txt"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const cp = [driverDir, ...all.map((a) => a.jar), runner.classes, runner.classpath].join(path.delimiter);
  const r = spawnSync(java, [...jvm, "-cp", cp, "ExplainAll", ...all.map((a) => a.mainClass)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`explain failed (${r.status}):\n${r.stderr.slice(-4000)}`);
  const plans = new Map<string, string>();
  for (const part of r.stdout.split(/^=== /m).slice(1)) {
    const [cls, ...plan] = part.split("\n");
    plans.set(all.find((a) => a.mainClass === cls)!.pipeline, plan.join("\n"));
  }
  return plans;
}

/**
 * Output equivalence: the SQL script, then the JAR (on the local MiniCluster, the runner's Flink jars as the
 * cluster's classpath), read the same input topics and write the same output topics, one after the other;
 * each writes exactly the expected records. The JAR reads with a consumer group of its own (--kafka-property),
 * so it starts from the topics' beginning as the script did.
 */
interface OutputCase {
  readonly pipeline: string;
  readonly inputs: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /**
   * Every record each output topic gets, in any order; with `upsert`, each topic's final table instead (the
   * last value per key, a tombstone deleting it): how many updates come before it depends on timing.
   */
  readonly outputs: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** The outputs are upsert topics keyed by these value fields, in this order (the sink's key). */
  readonly upsert?: readonly string[];
}

const hex = (algorithm: string, text: string): string => createHash(algorithm).update(text, "utf8").digest("hex");
const hashes = (s: string, note: string | null) => ({ md5: hex("md5", s), sha1: hex("sha1", s), sha256: hex("sha256", s), sha512: hex("sha512", s), note_md5: note === null ? null : hex("md5", note) });
const reading = (id: string, k: string, s: string, note: string | null, at: string, later: string, day: string, n: number, x: number, y: number | null, amount: number, ts: string) => ({ id, k, s, note, at, later, day, n, x, y, amount, ts: `2026-01-01T${ts}` });
const functionsWindow = { window_start: "2026-01-01T10:00:00", window_end: "2026-01-01T10:01:00", window_time: "2026-01-01T10:00:59.999" };

const exampleOrders = readFileSync(path.join(root, "examples/data/orders.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
const payment = (payment_id: string, order_id: string, amount: number, paid_at: string) => ({ payment_id, order_id, amount, paid_at: `2026-01-01T${paid_at}` });
const paid = (order_id: string, customer_id: string, amount: number, ordered_at: string, paid_at: string) =>
  ({ order_id, customer_id, order_amount: amount, paid_amount: amount, ordered_at: `2026-01-01T${ordered_at}`, paid_at: `2026-01-01T${paid_at}` });

const OUTPUT_CASES: readonly OutputCase[] = [
  {
    pipeline: "hourly-revenue",
    inputs: { "orders.raw.v1": exampleOrders },
    // Paid orders per customer and hour; the 13:00 hour stays open (the watermark is 12:59:55).
    outputs: {
      "orders.hourly.v1": [
        { window_start: "2026-01-01T10:00:00", window_end: "2026-01-01T11:00:00", customer_id: "c1", window_time: "2026-01-01T10:59:59.999", orders: 2, revenue: 17.75 },
        { window_start: "2026-01-01T10:00:00", window_end: "2026-01-01T11:00:00", customer_id: "c2", window_time: "2026-01-01T10:59:59.999", orders: 2, revenue: 30 },
        { window_start: "2026-01-01T11:00:00", window_end: "2026-01-01T12:00:00", customer_id: "c1", window_time: "2026-01-01T11:59:59.999", orders: 1, revenue: 12 },
        { window_start: "2026-01-01T11:00:00", window_end: "2026-01-01T12:00:00", customer_id: "c3", window_time: "2026-01-01T11:59:59.999", orders: 1, revenue: 100 },
      ],
    },
  },
  {
    pipeline: "event-dedup",
    inputs: {
      "web.clicks.v1": [
        { event_id: "e1", user_id: "u1", action: "click", event_time: "2026-01-01T10:00:00" },
        { event_id: "e2", user_id: "u2", action: "view", event_time: "2026-01-01T10:00:01" },
        { event_id: "e1", user_id: "u1", action: "click", event_time: "2026-01-01T10:00:00" },
        { event_id: "e3", user_id: "u1", action: "buy", event_time: "2026-01-01T10:00:02" },
      ],
    },
    outputs: {
      "web.clicks.unique.v1": [
        { event_id: "e1", user_id: "u1", action: "click", event_time: "2026-01-01T10:00:00" },
        { event_id: "e2", user_id: "u2", action: "view", event_time: "2026-01-01T10:00:01" },
        { event_id: "e3", user_id: "u1", action: "buy", event_time: "2026-01-01T10:00:02" },
      ],
    },
  },
  {
    // test/java/fixtures/functions.ts. The spans are those of docs/functions.md's examples: a month across a
    // leap February, 30 minutes backwards (no whole month), backward months. The last record (12:00) closes
    // the 10:00 windows; group a's x (2, 4, 6) has sample variance 4, its y (1, 5; a NULL) population variance 4.
    pipeline: "java-functions",
    inputs: {
      "java.functions.in.v1": [
        reading("ab-1", "a", "abc", "u", "2024-01-31T10:00:00", "2024-03-01T09:59:59.999", "2023-02-28", 1, 2, 1, 1.5, "10:00:01"),
        reading("xyz", "a", "", null, "2024-03-10T12:30:00", "2024-03-10T12:00:00", "2024-12-31", 3, 4, null, 2, "10:00:02"),
        reading("ab-3", "a", "abc", "w", "2024-03-31T00:00:00", "2024-02-01T00:00:00", "2026-02-01", 5, 6, 5, 0.1, "10:00:03"),
        reading("cd-4", "b", "Émile", "v", "2024-03-01T00:00:00", "2024-01-01T00:01:00", "2024-01-01", 2, 6, 3, 0.25, "10:00:04"),
        reading("zz", "z", "zz", null, "2026-01-01T12:00:00", "2026-01-01T12:00:00", "2026-01-01", 0, 0, null, 0, "12:00:00"),
      ],
    },
    outputs: {
      "java.functions.scalar.v1": [
        {
          id: "ab-1", ...hashes("abc", "u"), diff_day: 29, diff_month: 1, diff_year: 1,
          plus_90m: "2024-01-31T11:30:00", minus_half_second: "2024-01-31T09:59:59.5", plus_month: "2024-02-29T10:00:00", minus_n_days: "2024-01-30T10:00:00",
          day_plus: "2023-03-01", ts_plus: "2026-01-01T10:00:02",
          json: '{"amount":1.50,"id":"ab-1","note":"u"}', nested: '{"detail":{"n":1},"id":"ab-1"}', note_json: '"u"', code: "ab",
        },
        {
          id: "xyz", ...hashes("", null), diff_day: 0, diff_month: 0, diff_year: 0,
          plus_90m: "2024-03-10T14:00:00", minus_half_second: "2024-03-10T12:29:59.5", plus_month: "2024-04-10T12:30:00", minus_n_days: "2024-03-07T12:30:00",
          day_plus: "2025-01-01", ts_plus: "2026-01-01T10:00:03",
          json: '{"amount":2.00,"id":"xyz"}', nested: '{"detail":{"n":3},"id":"xyz"}', note_json: null, code: null,
        },
        {
          id: "ab-3", ...hashes("abc", "w"), diff_day: -59, diff_month: -1, diff_year: -2,
          plus_90m: "2024-03-31T01:30:00", minus_half_second: "2024-03-30T23:59:59.5", plus_month: "2024-04-30T00:00:00", minus_n_days: "2024-03-26T00:00:00",
          day_plus: "2026-02-02", ts_plus: "2026-01-01T10:00:04",
          json: '{"amount":0.10,"id":"ab-3","note":"w"}', nested: '{"detail":{"n":5},"id":"ab-3"}', note_json: '"w"', code: "ab",
        },
        {
          id: "cd-4", ...hashes("Émile", "v"), diff_day: -59, diff_month: -1, diff_year: 0,
          plus_90m: "2024-03-01T01:30:00", minus_half_second: "2024-02-29T23:59:59.5", plus_month: "2024-04-01T00:00:00", minus_n_days: "2024-02-28T00:00:00",
          day_plus: "2024-01-02", ts_plus: "2026-01-01T10:00:05",
          json: '{"amount":0.25,"id":"cd-4","note":"v"}', nested: '{"detail":{"n":2},"id":"cd-4"}', note_json: '"v"', code: "cd",
        },
        {
          id: "zz", ...hashes("zz", null), diff_day: 0, diff_month: 0, diff_year: 0,
          plus_90m: "2026-01-01T13:30:00", minus_half_second: "2026-01-01T11:59:59.5", plus_month: "2026-02-01T12:00:00", minus_n_days: "2026-01-01T12:00:00",
          day_plus: "2026-01-02", ts_plus: "2026-01-01T12:00:01",
          json: '{"amount":0.00,"id":"zz"}', nested: '{"detail":{"n":0},"id":"zz"}', note_json: null, code: null,
        },
      ],
      "java.functions.stats.v1": [
        {
          ...functionsWindow, k: "a", sd_samp_x: 2, var_samp_x: 4, sd_pop_y: 2, var_pop_y: 4, notes: "u; w", ns: [1, 3, 5], revenue: 8,
          first: "2026-01-01T10:00:01", last: "2026-01-01T10:00:03", n: 3,
        },
        {
          // one row: the sample statistics are NULL (Flink alone computes -1)
          ...functionsWindow, k: "b", sd_samp_x: null, var_samp_x: null, sd_pop_y: 0, var_pop_y: 0, notes: "v", ns: [2], revenue: 0.5,
          first: "2026-01-01T10:00:04", last: "2026-01-01T10:00:04", n: 1,
        },
      ],
      // D1: group a's copy of the rowtime and group b's floored time, through one union; v and amt widened
      // (a's INT n and DECIMAL(10, 2) amount, b's BIGINT of y and DECIMAL(12, 4) of amount)
      "java.functions.union.v1": [
        { id: "ab-1", ts: "2026-01-01T10:00:01", u0: "2026-01-01T10:00:01", v: 1, amt: 1.5 },
        { id: "xyz", ts: "2026-01-01T10:00:02", u0: "2026-01-01T10:00:02", v: 3, amt: 2 },
        { id: "ab-3", ts: "2026-01-01T10:00:03", u0: "2026-01-01T10:00:03", v: 5, amt: 0.1 },
        { id: "cd-4", ts: "2026-01-01T10:00:04", u0: "2026-01-01T10:00:00", v: 3, amt: 0.25 },
      ],
    },
  },
  {
    // Each order matched with a payment at most an hour after it. The payments come in time order and none is
    // for o5 (behind the orders' watermark when it is read), so no match depends on which topic is read first.
    pipeline: "orders-payments",
    inputs: {
      "orders.raw.v1": exampleOrders,
      "payments.raw.v1": [
        payment("p1", "o1", 10, "10:30:00"),
        payment("p2", "o4", 7.75, "11:10:00"),
        payment("p3", "o2", 25.5, "11:30:00"), // 70 minutes after o2: no match
        payment("p4", "o6", 12, "11:50:00"),
        payment("p5", "o7", 100, "12:05:00"),
        payment("p6", "o9", 1, "12:10:00"), // no such order
      ],
    },
    outputs: {
      "orders.paid.v1": [
        paid("o1", "c1", 10, "10:05:00", "10:30:00"),
        paid("o4", "c1", 7.75, "10:58:00", "11:10:00"),
        paid("o6", "c1", 12, "11:15:00", "11:50:00"),
        paid("o7", "c3", 100, "11:40:00", "12:05:00"),
      ],
    },
  },
  {
    // The paid orders' lifetime count and total per customer (o3 is pending).
    pipeline: "customer-totals",
    inputs: { "orders.raw.v1": exampleOrders },
    upsert: ["customer_id"],
    outputs: {
      "customers.totals.v1": [
        { customer_id: "c1", orders: 3, total: 29.75 },
        { customer_id: "c2", orders: 3, total: 33 },
        { customer_id: "c3", orders: 1, total: 100 },
      ],
    },
  },
];

/** Each input topic's records, produced once per run: cases that read one topic (orders.raw.v1) share them. */
const produced = new Map<string, string>();
async function fill(bootstrap: string, topic: string, records: readonly Record<string, unknown>[]): Promise<void> {
  const text = JSON.stringify(records);
  const before = produced.get(topic);
  if (before === text) return;
  if (before !== undefined) throw new Error(`two output cases give ${topic} different records: give one of them the other's`);
  await produce(bootstrap, topic, records.map((value) => ({ value })));
  produced.set(topic, text);
}

describe("output equivalence: each JAR writes exactly the records its SQL script writes", () => {
  for (const c of OUTPUT_CASES) {
    it(c.pipeline, async () => {
      const bootstrap = await kafkaBootstrap();
      const outputs = Object.keys(c.outputs);
      await createTopics(bootstrap, [...Object.keys(c.inputs), ...outputs].map((name) => ({ name })));
      for (const [topic, records] of Object.entries(c.inputs)) await fill(bootstrap, topic, records);
      const w = await watch(...outputs);
      /** Records sorted, or (upsert) the final table: each key's text (as the JSON key format writes it) to its row. */
      const view = (rs: readonly ConsumedRecord[]) => (c.upsert ? Object.fromEntries(latestByKey(rs)) : sorted(rs.map((r) => r.value)));
      /** Each output topic's view, from its `skip`-th record on. */
      const byTopic = (rs: readonly ConsumedRecord[], skip: Readonly<Record<string, number>> = {}) =>
        Object.fromEntries(outputs.map((t) => [t, view(rs.filter((r) => r.topic === t).slice(skip[t] ?? 0))]));
      const key = (row: Record<string, unknown>) => JSON.stringify(Object.fromEntries(c.upsert!.map((k) => [k, row[k]])));
      const expected = Object.fromEntries(outputs.map((t) => [t, c.upsert ? Object.fromEntries(c.outputs[t]!.map((row) => [key(row), row])) : sorted(c.outputs[t]!)]));
      // A run is complete once every expected record arrived or (upsert) the final table is the expected one,
      // and the topics then stay quiet: a later record fails the comparison.
      const reached = (skip: Readonly<Record<string, number>>) => (rs: readonly ConsumedRecord[]) =>
        c.upsert ? isDeepStrictEqual(byTopic(rs, skip), expected) : outputs.every((t) => rs.filter((r) => r.topic === t).length >= (skip[t] ?? 0) + c.outputs[t]!.length);
      try {
        const sqlJob = await startServedScript(c.pipeline, scripts.get(c.pipeline)!);
        const fromSql = await complete(w, reached({}), 120_000);
        await sqlJob.stop();
        expect(byTopic(fromSql)).toEqual(expected);

        const j = jars.find((x) => x.pipeline === c.pipeline)!;
        const jarJob = await startJarJob({
          name: c.pipeline,
          jar: path.join(dir, j.jar),
          mainClass: j.mainClass,
          target: "2",
          args: ["--bootstrap-servers", bootstrap, "--kafka-property", `group.id=${c.pipeline}-jar`],
        });
        await jarJob.submitted;
        const sqlCounts = Object.fromEntries(outputs.map((t) => [t, fromSql.filter((r) => r.topic === t).length]));
        const all = await complete(w, reached(sqlCounts), 120_000);
        await jarJob.stop();
        expect(byTopic(all, sqlCounts)).toEqual(byTopic(fromSql));
      } finally {
        await w.stop();
      }
    }, 400_000);
  }
});
