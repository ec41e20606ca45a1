/**
 * What the docs site shows of a synth run (docs-site/site-data.ts), as data before the page escapes it:
 * each pipeline's settings as given (and only those), its sources and sinks with their columns and where
 * they come from, its findings and script, and the graph the page draws.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { siteData } from "../../packages/streamt-sdk/src/docs-site/site-data.js";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { lineageOf } from "../../packages/streamt-sdk/src/lineage/column-lineage.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const counts = pipeline("counts", {
  parallelism: 2,
  checkpointInterval: "1m",
  stateTtl: "1d",
  stateBackend: "rocksdb",
  sourceIdleTimeout: "30s",
  flinkVersion: "1.20",
  config: { "table.exec.mini-batch.enabled": "true" },
  acknowledge: { "STREAMT-W001": "counted once a day" },
  description: "per customer",
  owner: "team-a",
}).write(orders.groupBy("customer_id").aggregate({ n: count() }).toUpsertKafka("counts.v1", { key: ["customer_id"], description: "orders per customer", owner: "team-b" }));
const copy = pipeline("copy").write(orders.toKafka("copy.v1"), orders.toPrint());
const plan: Plan = { version: PLAN_VERSION, pipelines: [counts.definition, copy.definition] };

const finding = (pipeline: string | null, code: string): Diagnostic => ({ code, severity: "warning", pipeline, path: "orders", site: null, message: `about ${pipeline}`, hint: "none" });
const diagnostics = [finding("counts", "STREAMT-W010"), finding(null, "STREAMT-W020"), finding("gone", "STREAMT-W030"), finding("copy", "STREAMT-W040")];
const data = siteData({ plan, lineage: lineageOf(plan), sql: new Map([["counts", "SELECT 1;"]]), diagnostics, sdkVersion: "9.9.9", flinkVersion: "2.2" });
const byName = (name: string) => data.pipelines.find((p) => p.name === name)!;
const site = (line: number) => `test/docs-site/site-data.test.ts:${line}`;

describe("siteData", () => {
  it("pipelines in the lineage's order, each anchored by its index, never its name", () => {
    expect(data.pipelines.map((p) => [p.name, p.anchor])).toEqual([
      ["copy", "pipeline-1"],
      ["counts", "pipeline-2"],
    ]);
    expect([data.sdkVersion, data.flinkVersion]).toEqual(["9.9.9", "2.2"]);
  });

  it("settings: every one the pipeline gave, in one order, its Flink version over the run's; a pipeline that gave none shows the run's Flink version only", () => {
    expect(byName("counts").settings).toEqual([
      { key: "Flink version", value: "1.20" },
      { key: "parallelism", value: "2" },
      { key: "checkpoint interval", value: "1m" },
      { key: "state TTL", value: "1d" },
      { key: "state backend", value: "rocksdb" },
      { key: "source idle timeout", value: "30s" },
      { key: "table.exec.mini-batch.enabled", value: "true" },
      { key: "acknowledged STREAMT-W001", value: "counted once a day" },
    ]);
    expect(byName("copy").settings).toEqual([{ key: "Flink version", value: "2.2" }]);
  });

  it("where each pipeline is declared, its description and owner (null when not given)", () => {
    expect([byName("counts").site, byName("counts").description, byName("counts").owner]).toEqual([site(15), "per customer", "team-a"]);
    expect([byName("copy").site, byName("copy").description, byName("copy").owner]).toEqual([site(27), null, null]);
  });

  it("sources: path, topic, format, declaration and columns, the event-time column marked", () => {
    expect(byName("counts").sources).toEqual([
      {
        path: "orders",
        topic: "orders.v1",
        format: "json",
        site: site(14),
        columns: [
          { name: "order_id", type: "STRING NOT NULL" },
          { name: "customer_id", type: "STRING NOT NULL" },
          { name: "ts", type: "TIMESTAMP(3) NOT NULL (rowtime attribute)" },
        ],
      },
    ]);
  });

  it("sinks: what each writes, its description and owner, each column with the source column it comes from", () => {
    const [sink] = byName("counts").sinks;
    expect({ ...sink, lineage: undefined }).toEqual({
      path: "orders/aggregate/counts.v1",
      writes: "topic counts.v1 (upsert-kafka, json)",
      site: site(26),
      description: "orders per customer",
      owner: "team-b",
      columns: [
        { name: "customer_id", type: "STRING NOT NULL", from: "counts: orders.customer_id (topic orders.v1)" },
        { name: "n", type: "BIGINT NOT NULL", from: "" },
      ],
      lineage: undefined,
    });
    expect(sink!.lineage.split("\n")[0]).toBe("  customer_id STRING NOT NULL");
    expect(byName("copy").sinks.map((s) => [s.path, s.writes, s.description, s.owner])).toEqual([
      ["orders/copy.v1", "topic copy.v1 (kafka, json)", null, null],
      ["orders/print", "print", null, null],
    ]);
  });

  it("each sink of a pipeline shows its own columns and lineage, not the first sink's", () => {
    const two = pipeline("two").write(orders.toKafka("all.v1"), orders.select("order_id").toKafka("ids.v1"));
    const twoPlan: Plan = { version: PLAN_VERSION, pipelines: [two.definition] };
    const [all, ids] = siteData({ plan: twoPlan, lineage: lineageOf(twoPlan), sql: new Map(), diagnostics: [], sdkVersion: "9.9.9", flinkVersion: "2.2" }).pipelines[0]!.sinks;
    expect([all!.path, all!.columns.map((c) => c.name)]).toEqual(["orders/all.v1", ["order_id", "customer_id", "ts"]]);
    expect([ids!.path, ids!.columns]).toEqual(["orders/select/ids.v1", [{ name: "order_id", type: "STRING NOT NULL", from: "two: orders.order_id (topic orders.v1)" }]]);
    expect(ids!.lineage.split("\n")[0]).toBe("  order_id STRING NOT NULL");
  });

  it("findings by pipeline; those of no pipeline, or of one not on the page, are the project's; the script by pipeline (empty when none)", () => {
    expect(byName("counts").findings.map((d) => d.code)).toEqual(["STREAMT-W010"]);
    expect(byName("copy").findings.map((d) => d.code)).toEqual(["STREAMT-W040"]);
    expect(data.projectFindings.map((d) => d.code)).toEqual(["STREAMT-W020", "STREAMT-W030"]);
    expect([byName("counts").sql, byName("copy").sql]).toEqual(["SELECT 1;", ""]);
  });

  it("the graph: each pipeline's nodes with their inputs and topics, under the same anchors; every topic's writers and readers", () => {
    expect(data.graph.pipelines.map((p) => ({ name: p.name, anchor: p.anchor, nodes: p.nodes.map((n) => `${n.kind} ${n.path} <- [${n.inputs.join(", ")}] ${n.topic}`) }))).toEqual([
      { name: "copy", anchor: "pipeline-1", nodes: ["source orders <- [] orders.v1", "sink orders/copy.v1 <- [orders] copy.v1", "sink orders/print <- [orders] null"] },
      { name: "counts", anchor: "pipeline-2", nodes: ["source orders <- [] orders.v1", "aggregate orders/aggregate <- [orders] null", "sink orders/aggregate/counts.v1 <- [orders/aggregate] counts.v1"] },
    ]);
    expect(data.graph.topics).toEqual(lineageOf(plan).topics);
    expect(data.graph.topics.map((tp) => tp.topic)).toEqual(["copy.v1", "counts.v1", "orders.v1"]);
  });
});
