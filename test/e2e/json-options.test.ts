/**
 * The JSON format's options on the engine (issue 15). Timestamps in the SQL form are read and written as
 * such; `onParseError: "skip"` ('json.ignore-parse-errors') on Flink: a value that cannot be read as its
 * column's type reads as null (the rest of the record as written), so a NOT NULL column's contract drops or
 * dead-letters the record; a record that is not a JSON object, which the JSON format skips whole, is read
 * again as text and dropped and counted, or dead-lettered, the same way; a tombstone is skipped. One job
 * for the file, each scenario on its own topics, each asserting the complete output in order.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { testPipeline } from "streamt-sdk/testing";
import { jarPath, javaArtifact, javaProjectDir, mainClassOf } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { buildJars } from "../../packages/streamt-sdk/src/runtime/jar-build.js";
import { startJarJob } from "../../packages/streamt-sdk/src/runtime/jar-run.js";
import { createTopics, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { complete, kafkaBootstrap, runId, send, startServedPipeline, type ServedPipeline, watch } from "./support.js";

const topic = (name: string) => `e2e.json.${name}.${runId}`;

const Reading = t.row({ sensor: t.string(), value: t.int(), at: t.timestamp(3), seen: t.timestampLtz(3).nullable() });
const sqlReadings = source("sql_readings", { topic: topic("sql"), schema: Reading, json: { timestampFormat: "SQL" } });

const Order = t.row({ id: t.string(), qty: t.int(), note: t.string().nullable() });
const dropped = source("dropped", { topic: topic("dropped"), schema: Order, json: { onParseError: "skip" } });
const dead = source("dead", { topic: topic("dead"), schema: Order, json: { onParseError: "skip" }, onContractViolation: { deadLetter: topic("dead.dlq") } });

const job = pipeline(`e2e-json-${runId}`, { parallelism: 1 }).write(
  sqlReadings.toKafka(topic("sql_out"), { json: { timestampFormat: "SQL" } }),
  sqlReadings.toKafka(topic("iso_out")),
  dropped.toKafka(topic("dropped_out")),
  dead.toKafka(topic("dead_out")),
);

let running: ServedPipeline;
const output = (name: string) => watch(topic(name));
const values = (rs: readonly ConsumedRecord[]) => rs.map((r) => r.value);
const has = (field: string, value: string) => (rs: readonly ConsumedRecord[]) => rs.some((r) => (r.value as Record<string, unknown>)[field] === value);

beforeAll(async () => {
  running = await startServedPipeline(job, ["sql", "sql_out", "iso_out", "dropped", "dropped_out", "dead", "dead_out", "dead.dlq"].map((name) => ({ name: topic(name) })));
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

describe("JSON options on Flink", () => {
  it("timestampFormat SQL: 'yyyy-MM-dd HH:mm:ss[.SSS]' read (seconds required), and written in either form", async () => {
    const sqlOut = await output("sql_out");
    const isoOut = await output("iso_out");
    await send(topic("sql"), [
      { value: '{"sensor":"s1","value":1,"at":"2024-01-01 10:00:00.5","seen":"2024-01-01 10:00:01Z"}' },
      { value: '{"sensor":"s2","value":2,"at":"2024-01-01 10:00:00","seen":null}' },
      { value: '{"sensor":"last","value":9,"at":"2024-01-01 23:59:59.999"}' },
    ]);
    expect(values(await complete(sqlOut, has("sensor", "last")))).toEqual([
      { sensor: "s1", value: 1, at: "2024-01-01 10:00:00.5", seen: "2024-01-01 10:00:01Z" },
      { sensor: "s2", value: 2, at: "2024-01-01 10:00:00", seen: null },
      { sensor: "last", value: 9, at: "2024-01-01 23:59:59.999", seen: null },
    ]);
    expect(values(await complete(isoOut, has("sensor", "last")))).toEqual([
      { sensor: "s1", value: 1, at: "2024-01-01T10:00:00.5", seen: "2024-01-01T10:00:01Z" },
      { sensor: "s2", value: 2, at: "2024-01-01T10:00:00", seen: null },
      { sensor: "last", value: 9, at: "2024-01-01T23:59:59.999", seen: null },
    ]);
  }, 120_000);

  it('onParseError "skip": an unreadable value in a NOT NULL column breaks the contract (dropped); a record that is not JSON is dropped too (counted by the violations blackhole); the job goes on', async () => {
    const out = await output("dropped_out");
    await send(topic("dropped"), [
      { value: '{"id":"a","qty":1,"note":"fine"}' },
      { value: '{"id":"b","qty":"many","note":"qty is text"}' },
      { value: "not json at all" },
      { value: '{"id":"c","qty":3,"note":{"any":"json"}}' },
      { value: '{"id":"d","qty":4.5}' },
      { value: '{"id":"last","qty":9}' },
    ]);
    // c's note: a STRING column reads any JSON value as its text. d's 4.5: Flink reads an INT from a number by truncating it.
    expect(values(await complete(out, has("id", "last")))).toEqual([
      { id: "a", qty: 1, note: "fine" },
      { id: "c", qty: 3, note: '{"any":"json"}' },
      { id: "d", qty: 4, note: null },
      { id: "last", qty: 9, note: null },
    ]);
  }, 120_000);

  it('onParseError "skip" with a dead-letter topic: an unreadable value goes there null with the reason, a record that is not a JSON object with its text; a tombstone is skipped', async () => {
    const out = await output("dead_out");
    const dlq = await output("dead.dlq");
    await send(topic("dead"), [
      { value: '{"id":"a","qty":1}' },
      { value: '{"id":"b","qty":"many","note":"qty is text"}' },
      { value: "{broken" },
      { value: '{"id":null,"qty":[1]}' },
      { value: "[1,2]" },
      { value: "garbage text" },
      { value: "" },
      { value: null },
      { value: "42" },
      { value: '{"id":"e","qty":5}' },
      { value: '{"id":"last","qty":9}' },
    ]);
    expect(values(await complete(out, has("id", "last")))).toEqual([
      { id: "a", qty: 1, note: null },
      { id: "e", qty: 5, note: null },
      { id: "last", qty: 9, note: null },
    ]);
    // Two INSERTs write the topic (the contract's and the text table's), so the records are compared in offset order.
    const envelope = { pipeline: `e2e-json-${runId}`, source: "dead", topic: topic("dead"), partition: 0 };
    const unreadable = (offset: number, reason: string, text: string) => ({ ...envelope, offset, reason, record: null, text });
    const dead = values(await complete(dlq, (rs) => rs.length >= 7)) as { offset: number }[];
    expect(dead.sort((x, y) => x.offset - y.offset)).toEqual([
      { ...envelope, offset: 1, reason: "NOT NULL column(s) missing or null: qty", record: { id: "b", qty: null, note: "qty is text" }, text: null },
      unreadable(2, "not JSON", "{broken"),
      { ...envelope, offset: 3, reason: "NOT NULL column(s) missing or null: id, qty", record: { id: null, qty: null, note: null }, text: null },
      unreadable(4, "JSON, but not an object", "[1,2]"),
      unreadable(5, "not JSON", "garbage text"),
      unreadable(6, "not JSON", ""),
      unreadable(8, "JSON, but not an object", "42"),
    ]);
  }, 120_000);
});

describe('onParseError "skip" in the Table API output (a JAR on the MiniCluster)', () => {
  const jarTopic = (name: string) => topic(`jar.${name}`);
  const name = `e2e-json-jar-${runId}`;
  const read = source("dead", { topic: jarTopic("in"), schema: Order, json: { onParseError: "skip" }, onContractViolation: { deadLetter: jarTopic("dlq") } });
  const def = pipeline(name, { parallelism: 1 }).write(read.toKafka(jarTopic("out"))).definition;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "streamt-json-jar-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the same rows and dead letters as the SQL script", async () => {
    for (const f of javaArtifact(lowerPipeline(def, { flinkVersion: "2.2" }), { sdkVersion: "0.0.0-test" }).files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
    await buildJars(dir, [{ pipeline: name, flinkVersion: "2.2", projectDir: javaProjectDir(name), jar: jarPath(name), mainClass: mainClassOf(name) }], { logFile: path.join(dir, "maven.log"), progress: () => {} });
    const bootstrap = await kafkaBootstrap();
    await createTopics(bootstrap, ["in", "out", "dlq"].map((n) => ({ name: jarTopic(n) })));
    const out = await watch(jarTopic("out"));
    const dlq = await watch(jarTopic("dlq"));
    const job = await startJarJob({ name, jar: path.join(dir, jarPath(name)), mainClass: mainClassOf(name), target: "2", args: ["--bootstrap-servers", bootstrap] });
    try {
      await job.submitted;
      await send(jarTopic("in"), [{ value: '{"id":"a","qty":1}' }, { value: "garbage" }, { value: "[1]" }, { value: '{"id":"b","qty":"x"}' }, { value: null }, { value: '{"id":"last","qty":9}' }]);
      expect(values(await complete(out, has("id", "last")))).toEqual([{ id: "a", qty: 1, note: null }, { id: "last", qty: 9, note: null }]);
      const envelope = { pipeline: name, source: "dead", topic: jarTopic("in"), partition: 0 };
      const dead = values(await complete(dlq, (rs) => rs.length >= 3)) as { offset: number }[];
      expect(dead.sort((x, y) => x.offset - y.offset)).toEqual([
        { ...envelope, offset: 1, reason: "not JSON", record: null, text: "garbage" },
        { ...envelope, offset: 2, reason: "JSON, but not an object", record: null, text: "[1]" },
        { ...envelope, offset: 3, reason: "NOT NULL column(s) missing or null: qty", record: { id: "b", qty: null, note: null }, text: null },
      ]);
    } finally {
      await job.stop();
    }
  }, 600_000);
});

describe('onParseError "skip" in a test run (streamt-sdk/testing)', () => {
  it("the text table is bounded as the source is: the job ends when its input is consumed", async () => {
    const read = source("tested", { topic: topic("tested"), schema: Order, json: { onParseError: "skip" }, onContractViolation: { deadLetter: topic("tested.dlq") } });
    const out = read.toKafka(topic("tested_out"));
    await testPipeline(pipeline(`e2e-json-test-${runId}`, { parallelism: 1 }).write(out))
      .given(read, [{ id: "a", qty: 1 }, { id: "b", qty: null as unknown as number }, { id: "c", qty: 3, note: "x" }])
      .expect(out, [{ id: "a", qty: 1, note: null }, { id: "c", qty: 3, note: "x" }]);
  }, 240_000);
});
