/**
 * streamt-sdk/testing: tests of a pipeline in the user's own vitest (or any) suite, on the real engine
 * (the local Kafka broker and Flink's MiniCluster). Rows go into the sources' topics, a bounded job runs
 * the pipeline until its input is consumed, and each sink's records are compared with the expected ones.
 * See docs/testing.md.
 *
 * @example
 * await testPipeline(hourly)
 *   .given(orders, [{ order_id: "o1", customer_id: "c1", amount: 10, status: "paid", event_timestamp: "2024-01-01T10:05:00" }])
 *   .advanceWatermarkTo(orders, "2024-01-01T11:00")
 *   .expect(revenueSink, [{ window_start: "2024-01-01T10:00", window_end: "2024-01-01T11:00", customer_id: "c1", orders: 1, revenue: 10 }]);
 */
import { randomBytes } from "node:crypto";
import type { Pipeline } from "../dsl/pipeline.js";
import type { Row } from "../dsl/schema.js";
import type { SourceStream } from "../dsl/source.js";
import { isSink, type Sink } from "../dsl/sink.js";
import { parsePositiveDuration, type Duration } from "../dsl/duration.js";
import { StreamtError } from "../errors.js";
import { lowerPipeline, hasContract } from "../ir/job-plan.js";
import { topologicalOrder, type PlanNode } from "../ir/plan-node.js";
import type { PipelineDef } from "../ir/plan.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import { DEFAULT_FLINK_VERSION } from "../emit-sql/dialect.js";
import { renderPipelineSql } from "../emit-sql/sql-emitter.js";
import { HEARTBEAT_HEADER, takesHeartbeats } from "../emit-sql/test-run.js";
import { runnerTargetFor } from "../runtime/flink-runner.js";
import { rowProblem } from "../runtime/input-check.js";
import { createTopics, produce, readTopics, type ConsumedRecord, type ProduceRecord } from "../runtime/kafka-io.js";
import { TestingErrorCode } from "./codes.js";
import { runTestJob, testBroker } from "./engine.js";
import { canonicalRow, canonicalTimestamp, diffRows, diffText, isEmptyDiff, rowText, type Change, type ExpectedRow, type RowValues } from "./rows.js";
import { testVariant, topicsOf } from "./test-plan.js";
import { runUpgrade } from "./upgrade-run.js";

export { TestingErrorCode } from "./codes.js";
export type { Change, ExpectedRow, RowValues } from "./rows.js";

export interface TestPipelineOptions {
  /** How long the test's job may take to consume its input (default "2m"); it is cancelled after that. */
  readonly timeout?: Duration;
}

export interface ExpectOptions {
  /**
   * Compare an upsert sink's changes in order per key (`{ op: "+I" | "+U" | "-D", row }`) instead of
   * its final table. Append sinks have no changes but their rows.
   */
  readonly changelog?: boolean;
}

/** The steps of a test (T: the test they return, for chaining): input steps in order, then expectations. */
export interface TestSteps<T> {
  /** Rows produced into the source's topic, after everything given before. */
  given<R extends Row>(source: SourceStream<R, any, any>, rows: readonly RowValues<R>[]): T;
  /**
   * Moves the source's watermark to `time` (ISO-8601, "2024-01-01T11:00"): windows ending at or before it
   * fire, and rows given after it with an earlier event time are late. Needs a source with a watermark.
   */
  advanceWatermarkTo(source: SourceStream<any, any, any>, time: string): T;
  /**
   * The sink's records, order-insensitive: for an upsert sink its final table (the latest row per key).
   * Throws STREAMT-T001 with the diff when they differ.
   */
  expect<S extends Sink>(sink: S, rows: readonly ExpectedRow<S>[]): Promise<void>;
  /** An upsert sink's changes in order per key (keys in any order). */
  expect<S extends Sink>(sink: S, changes: readonly Change<ExpectedRow<S>>[], options: ExpectOptions & { readonly changelog: true }): Promise<void>;
  /** Runs the job now (expect() does it when needed). */
  run(): Promise<void>;
}

/**
 * A test of one pipeline: input steps in order, then expectations. The first expectation runs the job;
 * later ones read the same run.
 */
export interface PipelineTest extends TestSteps<PipelineTest> {}

/**
 * A restore test (Flink's RestoreTestBase is the model): the pipeline before the change reads the input
 * given before savepoint() and is stopped with a savepoint; the pipeline after the change starts from
 * it and reads the input given after. Expectations are of the changed pipeline's sinks, whose topics hold
 * what both jobs wrote (what a consumer of the topic sees across the upgrade).
 */
export interface UpgradeTest extends TestSteps<UpgradeTest> {
  /**
   * Where the first job stops with a savepoint: later steps are the second job's input, and name the
   * changed pipeline's sources. A restore that Flink refuses fails the test with STREAMT-T009.
   */
  savepoint(): UpgradeTest;
}

/** Starts a test of a pipeline. */
export function testPipeline(p: Pipeline, options: TestPipelineOptions = {}): PipelineTest {
  return new PipelineTestImpl([definitionOf(p, "testPipeline")], timeoutOf(options, "testPipeline"));
}

/**
 * Starts a restore test: `before` runs until savepoint(), `after` (the same pipeline, or a changed one)
 * starts from the savepoint. Sources and sinks are matched by name in each.
 *
 * @example
 * await testUpgrade(totalsV1, totalsV2)
 *   .given(orders, [order("o1", 10)])
 *   .savepoint()
 *   .given(orders, [order("o2", 5)])
 *   .expect(totalsSink, [{ customer_id: "c1", orders: 2, revenue: 15 }]);
 */
export function testUpgrade(before: Pipeline, after: Pipeline, options: TestPipelineOptions = {}): UpgradeTest {
  return new PipelineTestImpl([definitionOf(before, "testUpgrade"), definitionOf(after, "testUpgrade")], timeoutOf(options, "testUpgrade"));
}

function definitionOf(p: Pipeline, call: string): PipelineDef {
  if (typeof p !== "object" || p === null || !("definition" in p)) {
    throw new StreamtError({ code: TestingErrorCode.invalidTest, message: `${call}() needs a pipeline`, hint: "pass what pipeline(name).write(...) returned" });
  }
  return p.definition;
}

function timeoutOf(options: TestPipelineOptions, call: string): number {
  return options.timeout === undefined ? 120_000 : parsePositiveDuration(options.timeout, `${call} timeout`);
}

/** What the run left in each sink's topic. */
interface RunResult {
  readonly outputs: ReadonlyMap<string, readonly ConsumedRecord[]>;
}

class PipelineTestImpl implements PipelineTest, UpgradeTest {
  /**
   * The records for each source topic, in step order, per job: one for a test of a pipeline, two for a
   * restore test (savepoint() starts the second). Job i runs versions[i].
   */
  private readonly stages: Map<string, ProduceRecord[]>[] = [new Map()];
  /** Each source's watermark (by source name: a restore test's jobs read the same topics). */
  private readonly watermarks = new Map<string, number>();
  private running: Promise<RunResult> | null = null;
  private readonly suffix = randomBytes(4).toString("hex");

  constructor(
    private readonly versions: readonly PipelineDef[],
    private readonly timeoutMs: number,
  ) {}

  /** The pipeline the steps given now go to. */
  private get def(): PipelineDef {
    return this.versions[this.stages.length - 1]!;
  }

  savepoint(): this {
    if (this.versions.length < 2) this.invalid("savepoint() is a step of a restore test", "start the test with testUpgrade(before, after)");
    if (this.stages.length === this.versions.length) this.invalid("savepoint() twice: a restore test has one savepoint, between the two pipelines", "call savepoint() once");
    if (this.running) this.invalid("savepoint() after the test's jobs ran", "give every input step and the savepoint before the first expect()");
    this.stages.push(new Map());
    return this;
  }

  given<R extends Row>(source: SourceStream<R, any, any>, rows: readonly RowValues<R>[]): this {
    const n = this.sourceOf(source, "given");
    if (!Array.isArray(rows)) this.invalid(`given(${n.name}, ...) needs an array of rows`, "pass the rows as an array: given(source, [row, ...])");
    rows.forEach((row, i) => {
      const problem = rowProblem(n, row);
      if (problem !== null) {
        throw new StreamtError({
          code: TestingErrorCode.invalidRow,
          message: `row ${i + 1} given to source ${n.name} of pipeline ${this.def.name} does not fit its schema: ${problem}`,
          hint: "write each row as an object with every NOT NULL column of the source, each value of its column's type (timestamps as ISO-8601 text)",
          path: n.path,
          site: n.site,
        });
      }
    });
    this.input(n).push(...rows.map((value) => ({ value, partition: 0 })));
    return this;
  }

  advanceWatermarkTo(source: SourceStream<any, any, any>, time: string): this {
    const n = this.sourceOf(source, "advanceWatermarkTo");
    const refuse = (why: string, hint: string): never => {
      throw new StreamtError({ code: TestingErrorCode.invalidWatermarkStep, message: `advanceWatermarkTo(${n.name}, ${JSON.stringify(time)}): ${why}`, hint, path: n.path, site: n.site });
    };
    const wm = n.eventTime?.watermark;
    if (!n.eventTime || !wm) return refuse("the source has no watermark", "declare one on the source: .eventTime(column).watermark(delay)");
    if (n.kafka.primaryKey !== null || !takesHeartbeats(n, hasContract(n))) {
      throw new StreamtError({
        code: TestingErrorCode.unsupportedSource,
        message: `advanceWatermarkTo(${n.name}): the source is a changelog keyed by ${(n.kafka.primaryKey ?? []).join(", ")}, whose topic cannot carry a watermark step without changing a key's row`,
        hint: "test it without watermark steps: at the end of its input the job's watermark passes every window",
        path: n.path,
        site: n.site,
      });
    }
    const ltz = n.physical.find((c) => c.name === n.eventTime!.column)!.type.kind === "TIMESTAMP_LTZ";
    const canonical = typeof time === "string" ? canonicalTimestamp(time) : null;
    if (canonical === null || canonical.endsWith("Z") !== ltz) {
      return refuse(`not a ${ltz ? "UTC " : ""}timestamp`, `write it as ${ltz ? '"2024-01-01T11:00:00Z"' : '"2024-01-01T11:00:00"'} (ISO-8601${ltz ? ", UTC" : ""})`);
    }
    const ms = Date.parse(ltz ? canonical : `${canonical}Z`);
    const before = this.watermarks.get(n.name);
    if (before !== undefined && ms <= before) {
      refuse(`the watermark is at ${iso(before, ltz)} already; a watermark only moves forward`, "advance it to a later time, or leave this step out");
    }
    this.watermarks.set(n.name, ms);
    // The record's event time minus the watermark delay is the watermark it brings.
    const delay = wm.kind === "bounded" ? wm.delayMs : 0;
    this.input(n).push({ value: { [n.eventTime.column]: iso(ms + delay, ltz) }, partition: 0, headers: { [HEARTBEAT_HEADER]: "1" } });
    return this;
  }

  async expect<S extends Sink>(sink: S, rows: readonly unknown[], options: ExpectOptions = {}): Promise<void> {
    this.completeStages();
    const n = this.sinkOf(sink);
    if (!Array.isArray(rows)) this.invalid(`expect(${n.name}, ...) needs an array of ${options.changelog ? "changes" : "rows"}`, "pass them as an array");
    const key = n.connector.kind === "upsert-kafka" ? n.connector.key : null;
    if (options.changelog && key === null) {
      this.invalid(`expect(${n.name}, ..., { changelog: true }): the sink writes an append-only topic, which has rows, not changes`, "leave out { changelog: true }");
    }
    const expected = options.changelog ? this.expectedChanges(n, rows) : rows.map((r, i) => this.expectedRow(n, r, i));
    const records = (await this.results()).outputs.get(sinkTopic(n)) ?? [];
    const failure = options.changelog ? this.changelogFailure(n, key!, expected as Change<Record<string, unknown>>[], records) : this.rowsFailure(n, key, expected as Record<string, unknown>[], records);
    if (failure !== null) {
      throw new StreamtError({ code: TestingErrorCode.expectationFailed, message: `sink ${n.name} of pipeline ${this.def.name} (${n.path}) ${failure}`, path: n.path, site: n.site });
    }
  }

  async run(): Promise<void> {
    this.completeStages();
    await this.results();
  }

  /** A restore test runs once it has its savepoint step. */
  private completeStages(): void {
    if (this.stages.length < this.versions.length) {
      this.invalid("the restore test has no savepoint() step, so its second pipeline would never run", "call savepoint() between the input of the pipeline before the change and the input after it");
    }
  }

  // ---- the run ---------------------------------------------------------------------------------

  private results(): Promise<RunResult> {
    this.running ??= this.execute();
    return this.running;
  }

  private async execute(): Promise<RunResult> {
    const bootstrap = await testBroker();
    const topicOf = (topic: string) => `${topic}.test-${this.suffix}`;
    const versions = this.versions.map((v) => testVariant(v, topicOf));
    await createTopics(bootstrap, [...new Set(versions.flatMap(topicsOf))].map((name) => ({ name, partitions: 1 })));
    const inputs = this.stages.map((stage) => new Map([...stage].map(([topic, records]) => [topicOf(topic), records])));
    const lower = (def: PipelineDef) => lowerPipeline(def, { flinkVersion: DEFAULT_FLINK_VERSION, parallelismOverride: 1, testRun: true, unboundedTestSources: versions.length > 1 });
    if (versions.length === 1) {
      for (const [topic, records] of inputs[0]!) await produce(bootstrap, topic, records);
      const plan = lower(versions[0]!);
      const { script } = renderPipelineSql(plan, { bootstrapServers: bootstrap });
      await runTestJob({ name: plan.pipeline.name, script, target: runnerTargetFor(plan.flinkVersion), timeoutMs: this.timeoutMs });
    } else {
      await runUpgrade(bootstrap, { plan: lower(versions[0]!), input: inputs[0]! }, { plan: lower(versions[1]!), input: inputs[1]! }, this.timeoutMs);
    }
    const def = versions[versions.length - 1]!;
    const sinkTopics = def.sinks.flatMap((s) => (s.connector.kind === "kafka" || s.connector.kind === "upsert-kafka" ? [s.connector.topic] : []));
    const outputs = new Map<string, ConsumedRecord[]>();
    for (const r of await readTopics(bootstrap, sinkTopics)) {
      const original = r.topic.slice(0, -`.test-${this.suffix}`.length);
      outputs.set(original, [...(outputs.get(original) ?? []), r]);
    }
    return { outputs };
  }

  // ---- comparisons -----------------------------------------------------------------------------

  private rowsFailure(n: SinkNode, key: readonly string[] | null, expected: Record<string, unknown>[], records: readonly ConsumedRecord[]): string | null {
    const actual = key === null ? records.map((r) => r.value) : [...finalTable(records).values()];
    const rows = actual.map((v) => canonicalRow(n.schema, isObject(v) ? v : {}));
    const diff = diffRows(expected, rows, key ?? windowKey(n));
    if (isEmptyDiff(diff)) return null;
    const what = key === null ? "records" : `final table (latest row per key ${key.join(", ")})`;
    return `received other ${what} than expected (${expected.length} expected, ${rows.length} received):\n${diffText(diff)}`;
  }

  private changelogFailure(n: SinkNode, key: readonly string[], expected: readonly Change<Record<string, unknown>>[], records: readonly ConsumedRecord[]): string | null {
    const actual = changesOf(records).map((c) => ({ op: c.op, row: canonicalRow(n.schema, c.row) }));
    const keyOf = (row: Record<string, unknown>) => rowText(Object.fromEntries(key.map((k) => [k, row[k]])));
    const byKey = (changes: readonly Change<Record<string, unknown>>[]) => {
      const m = new Map<string, string[]>();
      for (const c of changes) m.set(keyOf(c.row), [...(m.get(keyOf(c.row)) ?? []), `${c.op} ${rowText(c.row)}`]);
      return m;
    };
    const want = byKey(expected);
    const got = byKey(actual);
    const lines: string[] = [];
    for (const k of [...new Set([...want.keys(), ...got.keys()])]) {
      const w = want.get(k) ?? [];
      const g = got.get(k) ?? [];
      if (w.join("\n") === g.join("\n")) continue;
      lines.push(`  key ${k}:`, "    expected:", ...(w.length > 0 ? w : ["(no changes)"]).map((l) => `      ${l}`), "    got:", ...(g.length > 0 ? g : ["(no changes)"]).map((l) => `      ${l}`));
    }
    return lines.length === 0 ? null : `received other changes than expected (in order per key ${key.join(", ")}):\n${lines.join("\n")}`;
  }

  private expectedRow(n: SinkNode, row: unknown, i: number): Record<string, unknown> {
    if (!isObject(row)) this.invalid(`expected row ${i + 1} of sink ${n.name} is not an object: ${JSON.stringify(row)}`, "write each expected row as an object of the sink's columns");
    const unknown = Object.keys(row as object).filter((k) => !n.schema.some((c) => c.name === k));
    if (unknown.length > 0) {
      this.invalid(`expected row ${i + 1} of sink ${n.name} has ${unknown.map((k) => `'${k}'`).join(", ")}, which the sink does not write`, `the sink's columns are ${n.schema.map((c) => c.name).join(", ")}`);
    }
    return canonicalRow(n.schema, row as Record<string, unknown>);
  }

  private expectedChanges(n: SinkNode, changes: readonly unknown[]): Change<Record<string, unknown>>[] {
    return changes.map((c, i) => {
      const op = isObject(c) ? c.op : undefined;
      if (op === "-U") {
        this.invalid(`change ${i + 1} expected of sink ${n.name} is a -U: an upsert topic holds none`, "Flink's upsert-kafka sink writes no UPDATE_BEFORE: expect the +U that replaces the key's row");
      }
      if (!isObject(c) || (op !== "+I" && op !== "+U" && op !== "-D")) {
        this.invalid(`change ${i + 1} expected of sink ${n.name} is not { op: "+I" | "+U" | "-D", row }: ${JSON.stringify(c)}`, 'write each change as { op: "+I", row: { ... } }');
      }
      return { op, row: this.expectedRow(n, (c as { row: unknown }).row, i) };
    });
  }

  // ---- arguments -------------------------------------------------------------------------------

  private input(n: SourceNode): ProduceRecord[] {
    if (this.running) this.invalid(`a step after the test's job ran (source ${n.name})`, "give every input and watermark step before the first expect()");
    const stage = this.stages[this.stages.length - 1]!;
    const list = stage.get(n.kafka.topic) ?? [];
    stage.set(n.kafka.topic, list);
    return list;
  }

  /** The pipeline's source the argument is (by its name: a source is one table of the job, whatever handle made it). */
  private sourceOf(source: unknown, call: string): SourceNode {
    const node = (source as { node?: PlanNode } | null)?.node;
    if (!node || node.kind !== "source") this.invalid(`${call}() needs a source (made by source(...)) as its first argument`, "pass the source stream the pipeline reads");
    const nodes = topologicalOrder(this.def.sinks);
    const n = nodes.find((x): x is SourceNode => x.kind === "source" && x.name === (node as SourceNode).name);
    if (!n) {
      const names = nodes.filter((x) => x.kind === "source").map((x) => (x as SourceNode).name);
      throw new StreamtError({
        code: TestingErrorCode.notInPipeline,
        message: `${call}(): pipeline ${this.def.name} does not read source ${(node as SourceNode).name}`,
        hint: `its sources are ${names.join(", ")}`,
        path: node!.path,
        site: node!.site,
      });
    }
    if (n.kafka.format !== "json") {
      throw new StreamtError({ code: TestingErrorCode.unsupportedSource, message: `${call}(${n.name}): the source reads the ${n.kafka.format} format; a test writes its rows as JSON`, hint: "test pipelines whose sources read json", path: n.path, site: n.site });
    }
    return n;
  }

  private sinkOf(sink: unknown): SinkNode {
    if (!isSink(sink)) this.invalid("expect() needs a sink (made by toKafka() or toUpsertKafka()) as its first argument", "pass the sink the pipeline writes");
    const node = (sink as Sink).node;
    const n = this.def.sinks.find((s) => s === node) ?? this.def.sinks.find((s) => s.path === node.path);
    if (!n) {
      throw new StreamtError({
        code: TestingErrorCode.notInPipeline,
        message: `expect(): pipeline ${this.def.name} does not write sink ${node.name} (${node.path})`,
        hint: `its sinks are ${this.def.sinks.map((s) => s.name).join(", ")}`,
        path: node.path,
        site: node.site,
      });
    }
    if (n.connector.kind !== "kafka" && n.connector.kind !== "upsert-kafka") {
      throw new StreamtError({ code: TestingErrorCode.unsupportedSource, message: `expect(${n.name}): a ${n.connector.kind} sink writes no topic a test can read`, hint: "expect the records of a toKafka() or toUpsertKafka() sink", path: n.path, site: n.site });
    }
    return n;
  }

  private invalid(message: string, hint: string): never {
    throw new StreamtError({ code: TestingErrorCode.invalidTest, message: `test of pipeline ${this.def.name}: ${message}`, hint });
  }
}

/** What identifies a row of a window aggregate's sink: its window and group (a changed row is paired by it). */
function windowKey(n: SinkNode): readonly string[] | null {
  const input = n.input;
  return input.kind === "windowAggregate" ? ["window_start", "window_end", ...input.groupBy] : null;
}

function sinkTopic(n: SinkNode): string {
  return n.connector.kind === "kafka" || n.connector.kind === "upsert-kafka" ? n.connector.topic : "";
}

/** The latest row per key of an upsert topic's records (a tombstone removes the key). */
function finalTable(records: readonly ConsumedRecord[]): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const r of records) {
    if (r.value === null) table.delete(r.key ?? "");
    else table.set(r.key ?? "", r.value);
  }
  return table;
}

/** An upsert topic's records as changes: +I for a key's first row, +U for a later one, -D (with the row it had) for a tombstone. */
function changesOf(records: readonly ConsumedRecord[]): Change<Record<string, unknown>>[] {
  const table = new Map<string, Record<string, unknown>>();
  const changes: Change<Record<string, unknown>>[] = [];
  for (const r of records) {
    const k = r.key ?? "";
    const before = table.get(k);
    if (r.value === null) {
      if (before) changes.push({ op: "-D", row: before });
      table.delete(k);
    } else if (isObject(r.value)) {
      changes.push({ op: before ? "+U" : "+I", row: r.value });
      table.set(k, r.value);
    }
  }
  return changes;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A time as a TIMESTAMP ("2024-01-01T11:00:05") or TIMESTAMP_LTZ ("…Z") column's JSON value. */
function iso(ms: number, ltz: boolean): string {
  const text = new Date(ms).toISOString();
  return ltz ? text : text.slice(0, -1);
}
