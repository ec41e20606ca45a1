/**
 * The module cache's plan codec: a module's pipelines as JSON that gives back the same plan, each node once
 * (a DAG shared by identity stays shared), or null when JSON would not give it back exactly.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { decodePipelines, encodePipelines, type ModulePipeline } from "../../packages/streamt-sdk/src/synth/module-cache.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";

const Order = t.row({ order_id: t.string(), status: t.string(), note: t.string().nullable() });
const orders = source("orders", { topic: "orders.v1", schema: Order });
const paid = orders.filter((o) => o.status.eq("paid"));
const fanOut = pipeline("fan-out").write(paid.toKafka("paid.v1"), paid.select("order_id").toKafka("paid-ids.v1"));
const modulePipeline = (definition: PipelineDef, exportName = "fanOut"): ModulePipeline => ({ pipeline: { definition }, file: "/p/a.ts", exportName });

describe("encodePipelines / decodePipelines", () => {
  it("each node once, referred to by number; decoded, the plan is equal and its shared nodes are shared again", () => {
    const encoded = encodePipelines([modulePipeline(fanOut.definition)]);
    expect(encoded).not.toBeNull();
    const data = JSON.parse(encoded!) as { nodes: { kind: string; path: string }[]; pipelines: { exportName: string }[] };
    // source, filter, the two sinks, the projection: five nodes, the shared filter and source once each.
    expect(data.nodes.map((n) => `${n.kind} ${n.path}`).sort()).toEqual(["filter orders/filter", "project orders/filter/select", "sink orders/filter/paid.v1", "sink orders/filter/select/paid-ids.v1", "source orders"]);
    expect(data.pipelines.map((p) => p.exportName)).toEqual(["fanOut"]);

    const [decoded] = decodePipelines(encoded!, "/p/a.ts");
    expect(decoded).toEqual(modulePipeline(fanOut.definition));
    const [direct, selected] = decoded!.pipeline.definition.sinks as unknown as { input: { input?: object } }[];
    expect(selected!.input.input).toBe(direct!.input);
  });

  it("a module of two pipelines keeps each export's name and order", () => {
    const other = pipeline("copy").write(orders.toKafka("copy.v1"));
    const encoded = encodePipelines([modulePipeline(fanOut.definition), modulePipeline(other.definition, "copy")]);
    expect(decodePipelines(encoded!, "/p/b.ts").map((p) => [p.exportName, p.file, p.pipeline.definition.name])).toEqual([
      ["fanOut", "/p/b.ts", "fan-out"],
      ["copy", "/p/b.ts", "copy"],
    ]);
  });

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-0", -0],
    ["a function", () => 1],
    ["a class instance", new Map([[1, 2]])],
    ["an instance JSON writes through its toJSON", new Date(0)],
    ["a bigint", 1n],
    ["undefined in an array", [1, undefined]],
  ])("a plan holding %s is not cached (null): JSON would not give it back", (_, value) => {
    const definition = { ...fanOut.definition, extra: { value } } as unknown as PipelineDef;
    expect(encodePipelines([modulePipeline(definition)])).toBeNull();
  });

  it("null values, and undefined outside arrays, are data", () => {
    const definition = { ...fanOut.definition, extra: { none: null, absent: undefined, list: [null] } } as unknown as PipelineDef;
    const [decoded] = decodePipelines(encodePipelines([modulePipeline(definition)])!, "/p/a.ts");
    expect((decoded!.pipeline.definition as unknown as { extra: unknown }).extra).toEqual({ none: null, list: [null] });
  });
});
