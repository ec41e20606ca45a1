/**
 * The pipeline a test runs (testing/test-plan.ts): the same steps on topics of its own, and none of the
 * pipeline's checkpointing, which would hold a bounded test job open for up to one more interval.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { testVariant, topicsOf } from "../../packages/streamt-sdk/src/testing/test-plan.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("ts").watermark("5s");
const def = pipeline("totals", { parallelism: 4, checkpointInterval: "1m", stateTtl: "1d" }).write(orders.groupBy("customer_id").aggregate({ n: count() }).toUpsertKafka("totals", { key: ["customer_id"] })).definition;
const settingsOf = (d: typeof def) => lowerPipeline(d, { flinkVersion: "2.2", parallelismOverride: 1, testRun: true }).settings.map((s) => `${s.key}=${s.value}`);

describe("testVariant", () => {
  it("leaves out the pipeline's checkpoint interval and keeps its other settings", () => {
    expect(settingsOf(def)).toEqual(["pipeline.name=totals", "parallelism.default=1", "execution.checkpointing.interval=1 min", "table.exec.state.ttl=1 d"]);
    expect(settingsOf(testVariant(def, (topic) => `${topic}.test`))).toEqual(["pipeline.name=totals", "parallelism.default=1", "table.exec.state.ttl=1 d"]);
  });

  it("renames every topic, and leaves the pipeline it copies as it was", () => {
    const variant = testVariant(def, (topic) => `${topic}.test-1`);
    const sink = variant.sinks[0]!;
    expect(sink.connector.kind === "upsert-kafka" && sink.connector.topic).toBe("totals.test-1");
    expect(def.settings.checkpointIntervalMs).toBe(60_000);
  });

  it("copies a select step as it is, reading the copy of its input", () => {
    const picked = pipeline("picked").write(orders.select("order_id", "customer_id").toKafka("picked")).definition;
    const project = picked.sinks[0]!.input;
    const source = project.kind === "project" ? project.input : null;
    if (source?.kind !== "source") throw new Error("expected a select of the source");
    const variant = testVariant(picked, (topic) => `${topic}.test-1`);
    expect(variant.sinks[0]!.input).toEqual({
      ...project,
      input: { ...source, kafka: { ...source.kafka, topic: "orders.test-1", properties: {}, startFrom: { kind: "earliest" } } },
    });
  });
});

describe("topicsOf", () => {
  it("lists each topic once: sources, their dead-letter topics, and every Kafka sink, upsert or not", () => {
    const guarded = source("guarded", { topic: "orders.raw", schema: Order, onContractViolation: { deadLetter: "orders.raw.dlq" } });
    const both = pipeline("both", { stateTtl: "1d" }).write(
      guarded.toKafka("copy"),
      guarded.groupBy("customer_id").aggregate({ n: count() }).toUpsertKafka("counts", { key: ["customer_id"] }),
    ).definition;
    expect(topicsOf(both).sort()).toEqual(["copy", "counts", "orders.raw", "orders.raw.dlq"]);
    expect(topicsOf(def)).toEqual(["orders", "totals"]);
  });
});
