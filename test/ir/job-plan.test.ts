import { describe, expect, it } from "vitest";
import { count, isStreamtError, pipeline, source, t } from "streamt-sdk";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { renderPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { lineHere } from "../helpers.js";

const FILE = "test/ir/job-plan.test.ts";
// Every column nullable: no NOT NULL contract view (its objects are tested on their own below).
const Order = t.row({ order_id: t.string().nullable(), customer_id: t.string().nullable(), amount: t.decimal(10, 2).nullable(), ts: t.timestamp(3).nullable() });

describe("lowerPipeline: one job plan every output renders", () => {
  it("the Flink configuration, each entry with why it is set", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order }).processingTime("pt");
    const firsts = orders.deduplicate({ key: ["order_id"], ttl: "1h" });
    const def = pipeline("firsts", { parallelism: 4, checkpointInterval: "1m", stateBackend: "rocksdb", config: { "table.exec.mini-batch.enabled": "true" } }).write(firsts.toPrint()).definition;
    expect(lowerPipeline(def, { flinkVersion: "2.2" }).settings).toEqual([
      { key: "pipeline.name", value: "firsts", why: "the pipeline's name: the Flink job's name and the Kafka consumer group", derived: false },
      { key: "parallelism.default", value: "4", why: "the pipeline's parallelism", derived: false },
      { key: "execution.checkpointing.interval", value: "1 min", why: "the pipeline's checkpointInterval", derived: false },
      { key: "table.exec.state.ttl", value: "1 h", why: "ttl of orders/deduplicate: Flink has no per-operator TTL for deduplication/Top-N, so it applies job-wide", derived: true },
      { key: "state.backend.type", value: "rocksdb", why: "the pipeline's stateBackend", derived: false },
      { key: "table.exec.mini-batch.enabled", value: "true", why: "the pipeline's config", derived: false },
    ]);
    expect(lowerPipeline(def, { flinkVersion: "2.2", parallelismOverride: 1 }).settings[1]).toEqual({
      key: "parallelism.default", value: "1", why: "local run: parallelism 1 instead of the pipeline's 4", derived: true,
    });
  });

  it("every object in the order a job creates it, with its stable name, node path and call site", () => {
    const sourceLine = lineHere() + 1;
    const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
    const stepLine = lineHere() + 1;
    const perCustomer = orders.tumble("1h").groupBy("customer_id").count().as("per-customer");
    const sinkLine = lineHere() + 1;
    const def = pipeline("hourly").write(perCustomer.toKafka("hourly.v1"), orders.toPrint({ name: "debug" })).definition;
    const plan = lowerPipeline(def, { flinkVersion: "1.20" });
    expect(plan.flinkVersion).toBe("1.20");
    const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });
    expect(plan.objects.map((o) => ({ name: o.name, role: o.role, path: o.path, site: o.site }))).toEqual([
      // The event-time column is nullable in the schema but under a watermark, so the source enforces it.
      { name: "orders__raw", role: "source", path: "orders", site: at(sourceLine) },
      { name: "orders", role: "source-contract", path: "orders", site: at(sourceLine) },
      { name: "orders__per_customer", role: "step", path: "orders/per-customer", site: at(stepLine) },
      { name: "orders__violations", role: "contract-violations", path: "orders", site: at(sourceLine) },
      { name: "hourly_v1", role: "sink", path: "orders/per-customer/hourly.v1", site: at(sinkLine) },
      { name: "debug", role: "sink", path: "orders/debug", site: at(sinkLine) },
    ]);
    expect(plan.inserts.map((i) => `${i.into.name} <- ${i.from.name}`)).toEqual(["hourly_v1 <- orders__per_customer", "debug <- orders", "orders__violations <- orders__raw"]);
  });

  it("a source with NOT NULL columns: its Kafka table, the view that enforces them, and where violations go", () => {
    const Strict = t.row({ order_id: t.string(), amount: t.decimal(10, 2).nullable() });
    const def = pipeline("strict").write(source("orders", { topic: "orders.v1", schema: Strict }).toPrint()).definition;
    const plan = lowerPipeline(def, { flinkVersion: "2.2" });
    expect(plan.objects.map((o) => `${o.role} ${o.name}`)).toEqual(["source orders__raw", "source-contract orders", "contract-violations orders__violations", "sink print"]);
    expect(plan.inserts.map((i) => `${i.into.name} <- ${i.from.name}`)).toEqual(["print <- orders", "orders__violations <- orders__raw"]);
  });

  it("two steps that would share a name are STREAMT-B008 at the later step's call site", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    const a = orders.filter((o) => o.amount.gt(1)).as("big-one");
    const line = lineHere() + 1;
    const b = orders.filter((o) => o.amount.gt(2)).as("big_one");
    const def = pipeline("clash").write(a.toPrint({ name: "a" }), b.toPrint({ name: "b" })).definition;
    try {
      lowerPipeline(def, { flinkVersion: "2.2" });
      throw new Error("expected a refusal");
    } catch (e) {
      if (!isStreamtError(e)) throw e;
      expect({ code: e.code, message: e.message, path: e.path, site: e.site }).toEqual({
        code: "STREAMT-B008",
        message: "steps orders/big-one and orders/big_one of pipeline 'clash' both become the name orders__big_one",
        path: "orders/big_one",
        site: { file: FILE, line, column: expect.any(Number) },
      });
    }
  });
});

describe("the SQL rendering's statement map", () => {
  it("gives each statement its index, first line, kind, step path and call site; a statement set its INSERTs", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    const sinkLine = lineHere() + 1;
    const counts = orders.groupBy("customer_id").count({ ttl: "1d" }).toUpsertKafka("counts.v1", { key: ["customer_id"] });
    const pipelineLine = lineHere() + 1;
    const def = pipeline("counts").write(counts, orders.toPrint()).definition;
    const { script, statements } = renderPipelineSql(lowerPipeline(def, { flinkVersion: "2.2" }), { bootstrapServers: "b:9092" });
    const lines = script.split("\n");
    // Each entry points at the first line of its statement.
    expect(statements.map((s) => lines[s.line - 1]!.split(" ").slice(0, 4).join(" "))).toEqual([
      "SET 'pipeline.name' = 'counts';",
      "CREATE TEMPORARY TABLE `orders`",
      "CREATE TEMPORARY VIEW `orders__aggregate`",
      "CREATE TEMPORARY TABLE `counts_v1`",
      "CREATE TEMPORARY TABLE `print`",
      "EXECUTE STATEMENT SET",
    ]);
    expect(statements.map((s) => `${s.index} ${s.kind} ${s.path}`)).toEqual([
      "1 set counts", "2 create-table orders", "3 create-view orders/aggregate", "4 create-table orders/aggregate/counts.v1", "5 create-table orders/print", "6 statement-set counts",
    ]);
    const set = statements[5]!;
    expect(set.site).toEqual({ file: FILE, line: pipelineLine, column: expect.any(Number) });
    expect(set.parts!.map((p) => [lines[p.line - 1], p.path, p.site?.line])).toEqual([
      ["INSERT INTO `counts_v1`", "orders/aggregate/counts.v1", sinkLine],
      ["INSERT INTO `print`", "orders/print", pipelineLine],
    ]);
  });
});
