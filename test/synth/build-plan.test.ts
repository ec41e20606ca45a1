/**
 * buildPlan refuses two different nodes with one path inside a pipeline (their names would be unstable),
 * with a fix that fits the kind of node: a source is renamed, a sink named, a step named with .as().
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t, type Pipeline } from "streamt-sdk";
import { buildPlan } from "../../packages/streamt-sdk/src/synth/build-plan.js";
import { lineHere } from "../helpers.js";

const FILE = "test/synth/build-plan.test.ts";
const Order = t.row({ order_id: t.string(), status: t.string() });
const line = lineHere() + 1;
const orders = source("orders", { topic: "orders.v1", schema: Order });
const ordersV2 = source("orders", { topic: "orders.v2", schema: Order });

const diagnosticsOf = (p: Pipeline) => buildPlan([{ pipeline: p, file: "a.ts", exportName: "p" }]).diagnostics;

describe("buildPlan: two different nodes with one path", () => {
  it("two sources of one name: STREAMT-B008 at the second, naming the first, with the fix 'rename one'", () => {
    expect(diagnosticsOf(pipeline("two-sources").write(orders.toKafka("a.v1"), ordersV2.toKafka("b.v1")))).toEqual([
      {
        code: "STREAMT-B008",
        severity: "error",
        pipeline: "two-sources",
        path: "orders",
        site: { file: FILE, line: line + 1, column: 18 },
        message: `two different steps have the path orders (the other at ${FILE}:${line})`,
        hint: "two sources share a name: rename one",
      },
    ]);
  });

  it("two different sinks of one topic: the fix is to name one sink", () => {
    const sinkLine = lineHere() + 1;
    const p = pipeline("two-sinks").write(orders.toKafka("copy.v1"), orders.toKafka("copy.v1", { description: "the other copy" }));
    expect(diagnosticsOf(p)).toEqual([
      {
        code: "STREAMT-B008",
        severity: "error",
        pipeline: "two-sinks",
        path: "orders/copy.v1",
        site: { file: FILE, line: sinkLine, column: 77 },
        message: `two different steps have the path orders/copy.v1 (the other at ${FILE}:${sinkLine})`,
        hint: "give one sink a name: toKafka(topic, { name })",
      },
    ]);
  });

  it("two different filters of one source: the fix is to name one with .as()", () => {
    const stepLine = lineHere() + 1;
    const p = pipeline("two-filters").write(orders.filter((o) => o.status.eq("paid")).toKafka("paid.v1"), orders.filter((o) => o.status.eq("sent")).toKafka("sent.v1"));
    expect(diagnosticsOf(p)).toEqual([
      {
        code: "STREAMT-B008",
        severity: "error",
        pipeline: "two-filters",
        path: "orders/filter",
        site: { file: FILE, line: stepLine, column: 114 },
        message: `two different steps have the path orders/filter (the other at ${FILE}:${stepLine})`,
        hint: "name one of them with .as('name')",
      },
    ]);
  });
});
