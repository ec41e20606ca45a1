/**
 * Section 3 of bench/RESULTS.md: the speed of the jobs the SDK generates, against hand-written Flink SQL.
 *
 *   node --conditions=streamt-source --import tsx bench/job-speed.ts [--quick] [--events N] [--reps N] [--no-write]
 *                                                    this section alone: writes bench/results/job-speed.json
 *                                                    (unless --no-write) and re-renders RESULTS.md
 *   ... bench/job-speed.ts --plans-only              only compare the EXPLAIN plans (no broker, no jobs)
 *   npm run bench [-- --no-jobs]                      as part of the whole benchmark (bench/run.ts)
 *
 * One local broker (startLocalKafka) for the whole section. For each query (a tumbling count, an interval
 * join, a deduplication, a non-windowed aggregate with TTL) N events are produced once; then the SDK's
 * script (a pipeline built with the DSL, emitted by emitPipelineSql) and a hand-written script of the same
 * query, written the way the Flink documentation shows it, run in turn on a MiniCluster (startLocalJob),
 * alternating which goes first, each repetition. Both jobs are bounded (`'scan.bounded.mode' =
 * 'latest-offset'` on every source table: added to the SDK's script by a string edit, written into the
 * hand-written one) and write to a blackhole sink, so a job ends when it has read and processed all N
 * events; the time measured is from the runner's `submitted` event to its `finished` event.
 * For the aggregate, the SDK pipeline is also run with mini-batch + two-phase aggregation (pipeline
 * `config`), and its gain over the plain form is the paired ratio of the two.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { count, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { emitPipelineSql } from "../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { startLocalKafka, type LocalKafka } from "../packages/streamt-sdk/src/runtime/local-kafka.js";
import { startLocalJob, type LocalJob } from "../packages/streamt-sdk/src/runtime/local-job.js";
import { createTopics } from "../packages/streamt-sdk/src/runtime/kafka-io.js";
import { PlannerValidator } from "../packages/streamt-sdk/src/runtime/planner-validator.js";
import { buildRunner } from "../packages/streamt-sdk/src/runtime/flink-runner.js";
import { jobSpeedMarkdown, LoadSampler, MINI_BATCH, QUERIES, renderResults, writeSection, type JobRun, type JobSpeedResult, type JobVariant, type PlanComparison, type QueryName } from "./render-results.js";

export { JOB_SPEED_TARGET } from "./render-results.js";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SCRIPTS_DIR = path.join(BENCH_DIR, "generated", "job-speed");

export interface JobSpeedOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
  /** Events per query (default 1,000,000; --quick 100,000). */
  readonly events?: number | undefined;
  /** Repetitions of each variant (default 7; --quick 2). */
  readonly reps?: number | undefined;
}

const topicOf = (run: string, name: string) => `bench.jobs.${run}.${name}`;

const Click = t.row({ user_id: t.string(), url: t.string(), ts: t.timestamp(3) });
const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.int(), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid_at: t.timestamp(3) });
const Event = t.row({ event_id: t.string(), user_id: t.string(), n: t.int() });
const Sale = t.row({ k: t.string(), v: t.int() });

/** The SDK's pipeline for a query; the name (= Flink job name and consumer group) is unique per job. */
function sdkPipeline(q: QueryName, run: string, name: string, config: Record<string, string> = {}): Pipeline {
  const topic = (n: string) => topicOf(run, n);
  switch (q) {
    case "tumble": {
      const clicks = source("clicks", { topic: topic("clicks"), schema: Click }).eventTime("ts").watermark("5s");
      const perUser = clicks.tumble("1m").groupBy("user_id").aggregate({ n: count() });
      return pipeline(name, { parallelism: 1, config }).write(perUser.toBlackhole());
    }
    case "interval-join": {
      const orders = source("orders", { topic: topic("orders"), schema: Order }).eventTime("ts").watermark("5s");
      const payments = source("payments", { topic: topic("payments"), schema: Payment }).eventTime("paid_at").watermark("5s");
      const paid = orders.intervalJoin(payments, {
        on: { order_id: "order_id" },
        between: ["0s", "1h"],
        select: (o, p) => ({ order_id: o.order_id, payment_id: p.payment_id, amount: o.amount }),
      });
      return pipeline(name, { parallelism: 1, config }).write(paid.toBlackhole());
    }
    case "dedup": {
      const events = source("events", { topic: topic("events"), schema: Event }).processingTime("proctime");
      const unique = events.deduplicate({ key: ["event_id"], keep: "first" }).select("event_id", "user_id", "n");
      return pipeline(name, { parallelism: 1, stateTtl: "1d", config }).write(unique.toBlackhole());
    }
    case "aggregate": {
      const totals = source("sales", { topic: topic("sales"), schema: Sale }).groupBy("k").aggregate({ n: count(), total: sum("v") });
      return pipeline(name, { parallelism: 1, stateTtl: "1d", config }).write(totals.toBlackhole());
    }
  }
}

/** The only edit made to the SDK's script: every Kafka source table becomes bounded. */
function bounded(script: string): string {
  const edited = script.replaceAll("'connector' = 'kafka',", "'connector' = 'kafka',\n  'scan.bounded.mode' = 'latest-offset',");
  if (edited === script) throw new Error("the SDK's script has no Kafka source table to bound");
  return edited;
}

function sdkScript(q: QueryName, run: string, name: string, bootstrap: string, config?: Record<string, string>): string {
  return bounded(emitPipelineSql(sdkPipeline(q, run, name, config).definition, { bootstrapServers: bootstrap }));
}

/** A Kafka source table as the Flink documentation writes one (plus the bounded mode both scripts get). */
function kafkaTable(name: string, columns: string, topic: string, bootstrap: string, group: string): string {
  return `CREATE TABLE ${name} (
${columns}
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic}',
  'properties.bootstrap.servers' = '${bootstrap}',
  'properties.group.id' = '${group}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);`;
}

/** The same query written by hand, the way the Flink SQL documentation shows it. */
function handScript(q: QueryName, run: string, name: string, bootstrap: string): string {
  const topic = (n: string) => topicOf(run, n);
  const head = [`SET 'pipeline.name' = '${name}';`, `SET 'parallelism.default' = '1';`];
  switch (q) {
    case "tumble":
      return [
        ...head,
        kafkaTable("clicks", "  user_id STRING,\n  url STRING,\n  ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND", topic("clicks"), bootstrap, name),
        "CREATE TABLE sink (\n  window_start TIMESTAMP(3),\n  window_end TIMESTAMP(3),\n  user_id STRING,\n  window_time TIMESTAMP(3),\n  n BIGINT\n) WITH ('connector' = 'blackhole');",
        "INSERT INTO sink\nSELECT window_start, window_end, user_id, window_time, COUNT(*) AS n\n  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES))\n  GROUP BY window_start, window_end, window_time, user_id;",
      ].join("\n\n");
    case "interval-join":
      return [
        ...head,
        kafkaTable("orders", "  order_id STRING,\n  customer_id STRING,\n  amount INT,\n  ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND", topic("orders"), bootstrap, name),
        kafkaTable("payments", "  payment_id STRING,\n  order_id STRING,\n  paid_at TIMESTAMP(3),\n  WATERMARK FOR paid_at AS paid_at - INTERVAL '5' SECOND", topic("payments"), bootstrap, name),
        "CREATE TABLE sink (\n  order_id STRING,\n  payment_id STRING,\n  amount INT\n) WITH ('connector' = 'blackhole');",
        "INSERT INTO sink\nSELECT o.order_id, p.payment_id, o.amount\nFROM orders o, payments p\nWHERE o.order_id = p.order_id\n  AND p.paid_at BETWEEN o.ts AND o.ts + INTERVAL '1' HOUR;",
      ].join("\n\n");
    case "dedup":
      return [
        ...head,
        "SET 'table.exec.state.ttl' = '1 d';",
        kafkaTable("events", "  event_id STRING,\n  user_id STRING,\n  n INT,\n  proctime AS PROCTIME()", topic("events"), bootstrap, name),
        "CREATE TABLE sink (\n  event_id STRING,\n  user_id STRING,\n  n INT\n) WITH ('connector' = 'blackhole');",
        "INSERT INTO sink\nSELECT event_id, user_id, n\nFROM (\n  SELECT *,\n    ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proctime ASC) AS row_num\n  FROM events)\nWHERE row_num = 1;",
      ].join("\n\n");
    case "aggregate":
      return [
        ...head,
        "SET 'table.exec.state.ttl' = '1 d';",
        kafkaTable("sales", "  k STRING,\n  v INT", topic("sales"), bootstrap, name),
        "CREATE TABLE sink (\n  k STRING,\n  n BIGINT,\n  total INT\n) WITH ('connector' = 'blackhole');",
        "INSERT INTO sink\nSELECT k, COUNT(*) AS n, SUM(v) AS total\nFROM sales\nGROUP BY k;",
      ].join("\n\n");
  }
}

// ---- the data ---------------------------------------------------------------------------------------

const BASE_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23);

/** The topics of a query and the i-th of `n` events of each (JSON text). */
function dataOf(q: QueryName, n: number): { topic: string; count: number; value: (i: number) => string }[] {
  switch (q) {
    case "tumble":
      // 1,000 users, an event every 10 ms: 200k events span 2,000 s, ~34 one-minute windows.
      return [{ topic: "clicks", count: n, value: (i) => JSON.stringify({ user_id: `u${i % 1000}`, url: `/p/${i % 5000}`, ts: iso(BASE_MS + i * 10) }) }];
    case "interval-join": {
      // n/2 orders, an order every 20 ms; each paid 30 s later: n/2 matches.
      const half = Math.floor(n / 2);
      return [
        { topic: "orders", count: half, value: (i) => JSON.stringify({ order_id: `o${i}`, customer_id: `c${i % 1000}`, amount: i % 100, ts: iso(BASE_MS + i * 20) }) },
        { topic: "payments", count: n - half, value: (i) => JSON.stringify({ payment_id: `p${i}`, order_id: `o${i}`, paid_at: iso(BASE_MS + i * 20 + 30_000) }) },
      ];
    }
    case "dedup":
      // Every event_id twice in a row: n/2 unique events.
      return [{ topic: "events", count: n, value: (i) => JSON.stringify({ event_id: `e${Math.floor(i / 2)}`, user_id: `u${i % 1000}`, n: i % 2 }) }];
    case "aggregate":
      // 1,000 keys.
      return [{ topic: "sales", count: n, value: (i) => JSON.stringify({ k: `k${i % 1000}`, v: i % 100 }) }];
  }
}

/** kafkajs, large batches, acks=1, no compression. */
async function produceAll(bootstrap: string, topic: string, count: number, value: (i: number) => string): Promise<void> {
  const kafka = new Kafka({ clientId: "streamt-bench", brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const BATCH = 10_000;
    const inFlight: Promise<unknown>[] = [];
    for (let start = 0; start < count; start += BATCH) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) messages.push({ value: value(i) });
      inFlight.push(producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages }));
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
}

// ---- running a job ------------------------------------------------------------------------------------

const live = new Set<LocalJob>();

async function runJob(q: QueryName, variant: JobVariant, rep: number, script: string, name: string, events: number, scriptsDir: string | null): Promise<JobRun> {
  if (scriptsDir) writeFileSync(path.join(scriptsDir, `${q}.${variant}.sql`), script);
  const t0 = performance.now();
  let submittedAt = NaN;
  let finishedAt = NaN;
  let job: LocalJob | null = null;
  try {
    job = await startLocalJob({ name, script });
    live.add(job);
    job.onEvent((e) => {
      if (e.event === "submitted") submittedAt = performance.now();
      if (e.event === "finished") finishedAt = performance.now();
    });
    await job.submitted;
    const end = await job.ended;
    if (end.state !== "finished") throw new Error(`job ended ${JSON.stringify(end)}`);
    // The event listener may have been attached after a fast `submitted`: fall back to the promises.
    if (!Number.isFinite(finishedAt)) finishedAt = performance.now();
    const runMs = finishedAt - submittedAt;
    return { query: q, variant, rep, ok: true, runMs, startMs: submittedAt - t0, eventsPerSec: events / (runMs / 1000) };
  } catch (e) {
    return { query: q, variant, rep, ok: false, error: (e as Error).message.split("\n").slice(0, 3).join(" "), runMs: NaN, startMs: NaN, eventsPerSec: NaN };
  } finally {
    if (job) {
      await job.stop().catch(() => {});
      live.delete(job);
    }
  }
}

// ---- the plans ----------------------------------------------------------------------------------------

/**
 * The "Optimized Execution Plan" part of an EXPLAIN, with what legitimately differs between two scripts
 * of the same query normalised: table and view names (by order of first appearance) and the table
 * options Flink prints inside a scan (topic, group id, startup mode).
 */
export function executionPlan(explain: string): string[] {
  const start = explain.indexOf("== Optimized Execution Plan ==");
  const body = start < 0 ? explain : explain.slice(start).split("\n").slice(1).join("\n");
  const names = new Map<string, string>();
  return body
    .split("\n")
    .map((line) =>
      line
        // Scans print [[catalog, database, table, options...]], sinks [catalog.database.table].
        .replace(/\[\[default_catalog, default_database, ([^\],]+)[^\]]*\]\]|\[default_catalog\.default_database\.([^\]]+)\]/g, (_m, scanned?: string, sunk?: string) => {
          const table = (scanned ?? sunk)!;
          if (!names.has(table)) names.set(table, `T${names.size + 1}`);
          return `[[${names.get(table)}]]`;
        })
        .trimEnd(),
    )
    .filter((line) => line.length > 0);
}

/** Lines only in `a` ("- ") or only in `b` ("+ "), order kept: enough to name what differs. */
function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Map<string, number>();
  for (const l of b) inB.set(l, (inB.get(l) ?? 0) + 1);
  const onlyA: string[] = [];
  for (const l of a) {
    const n = inB.get(l) ?? 0;
    if (n > 0) inB.set(l, n - 1);
    else onlyA.push(`- ${l.trim()}`);
  }
  const inA = new Map<string, number>();
  for (const l of a) inA.set(l, (inA.get(l) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const l of b) {
    const n = inA.get(l) ?? 0;
    if (n > 0) inA.set(l, n - 1);
    else onlyB.push(`+ ${l.trim()}`);
  }
  return [...onlyA, ...onlyB];
}

/** EXPLAINs the SDK's and the hand-written script of every query with Flink's planner (one JVM, no broker). */
export async function comparePlans(log: (line: string) => void): Promise<PlanComparison[]> {
  await buildRunner("2", (line) => log(`runner: ${line}`));
  const validator = await PlannerValidator.start("2");
  const out: PlanComparison[] = [];
  try {
    const run = "plans";
    const bootstrap = "localhost:9092";
    for (const q of QUERIES) {
      const hand = await validator.validate(`${q}-hand`, handScript(q, run, `bench-${q}-hand`, bootstrap), { explain: true });
      for (const variant of q === "aggregate" ? (["sdk", "sdk-minibatch"] as const) : (["sdk"] as const)) {
        const sdk = await validator.validate(`${q}-${variant}`, sdkScript(q, run, `bench-${q}-${variant}`, bootstrap, variant === "sdk-minibatch" ? { ...MINI_BATCH } : {}), { explain: true });
        if (!sdk.ok || !hand.ok || sdk.explain === undefined || hand.explain === undefined) {
          const error = !sdk.ok ? `SDK script: ${sdk.error}` : !hand.ok ? `hand-written script: ${hand.error}` : "no EXPLAIN returned";
          out.push({ query: q, variant, identical: false, diff: [], error });
          continue;
        }
        const diff = lineDiff(executionPlan(sdk.explain), executionPlan(hand.explain));
        out.push({ query: q, variant, identical: diff.length === 0, diff });
        log(`plans: ${q} ${variant} vs hand-written: ${diff.length === 0 ? "identical" : `${diff.length} lines differ`}`);
      }
    }
  } finally {
    await validator.close();
  }
  return out;
}

// ---- the section ------------------------------------------------------------------------------------

export async function jobSpeedBench(options: JobSpeedOptions): Promise<JobSpeedResult> {
  const began = performance.now();
  // Jobs of a few seconds are dominated by deployment and noise: a million events and seven paired
  // repetitions are what makes the ratios readable on a shared 2-core machine (with five, the
  // medians of identical plans ranged 0.92-1.03 from one run to the next).
  const events = options.events ?? (options.quick ? 100_000 : 1_000_000);
  const reps = options.reps ?? (options.quick ? 2 : 7);
  const run = Date.now().toString(36);
  const runs: JobRun[] = [];
  const produceMs: Record<string, number> = {};
  let kafka: LocalKafka | null = null;
  let plans: PlanComparison[] = [];
  try {
    options.log("job speed: comparing the SDK's plans with the hand-written ones (EXPLAIN)");
    plans = await comparePlans(options.log);
    options.log("job speed: starting the local broker");
    try {
      kafka = await startLocalKafka();
    } catch (e) {
      return { skipped: `the local broker did not start: ${(e as Error).message.split("\n")[0]}`, plans, events, reps, produceMs, runs, wallMs: performance.now() - began };
    }
    const bootstrap = kafka.bootstrap;
    mkdirSync(SCRIPTS_DIR, { recursive: true });
    for (const q of QUERIES) {
      const data = dataOf(q, events);
      await createTopics(bootstrap, data.map((d) => ({ name: topicOf(run, d.topic), partitions: 1 })));
      const t0 = performance.now();
      for (const d of data) await produceAll(bootstrap, topicOf(run, d.topic), d.count, d.value);
      produceMs[q] = performance.now() - t0;
      options.log(`job speed: produced ${events} events for ${q} in ${(produceMs[q] / 1000).toFixed(1)} s`);
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const q of QUERIES) {
        const variants: JobVariant[] = q === "aggregate" ? ["sdk", "hand", "sdk-minibatch"] : ["sdk", "hand"];
        if (rep % 2 === 1) variants.reverse();
        for (const v of variants) {
          const name = `bench-${q}-${v}-${run}-${rep}`;
          const script = v === "hand" ? handScript(q, run, name, bootstrap) : sdkScript(q, run, name, bootstrap, v === "sdk-minibatch" ? { ...MINI_BATCH } : {});
          const r = await runJob(q, v, rep, script, name, events, rep === 0 ? SCRIPTS_DIR : null);
          runs.push(r);
          options.log(
            r.ok
              ? `job speed: ${q} ${v} (rep ${rep + 1}): ${(r.runMs / 1000).toFixed(1)} s, ${Math.round(r.eventsPerSec)} events/s (submitted after ${(r.startMs / 1000).toFixed(1)} s)`
              : `job speed: ${q} ${v} (rep ${rep + 1}) FAILED: ${r.error}`,
          );
        }
      }
    }
    return { skipped: null, plans, events, reps, produceMs, runs, wallMs: performance.now() - began };
  } finally {
    await Promise.all([...live].map((j) => j.stop().catch(() => {})));
    if (kafka) await kafka.stop();
  }
}

// ---- run on its own -----------------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const num = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  if (argv.includes("--plans-only")) {
    for (const p of await comparePlans(log)) process.stdout.write(`${p.query} ${p.variant}: ${p.error ?? (p.identical ? "identical" : `differ\n  ${p.diff.join("\n  ")}`)}\n`);
    process.exit(0);
  }
  const sampler = new LoadSampler();
  const r = await jobSpeedBench({ quick: argv.includes("--quick"), log, events: num("--events"), reps: num("--reps") });
  process.stdout.write(jobSpeedMarkdown(r).join("\n") + "\n");
  if (argv.includes("--no-write")) process.exit(0);
  if (r.skipped) {
    log(`job speed skipped (${r.skipped}): bench/results/job-speed.json keeps the previous run`);
    process.exit(1);
  }
  writeSection("job-speed", `node --conditions=streamt-source --import tsx bench/job-speed.ts${argv.length ? ` ${argv.join(" ")}` : ""}`, sampler, r);
  const { missed } = renderResults();
  log(`wrote bench/results/job-speed.json and re-rendered bench/RESULTS.md (${missed} target(s) missed)`);
}
