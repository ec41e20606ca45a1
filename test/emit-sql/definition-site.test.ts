import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { definitionSite } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { lineHere, scriptOf } from "../helpers.js";

const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const FILE = "test/emit-sql/definition-site.test.ts";

describe("definitionSite: from a line of an emitted script back to the user's code", () => {
  it("names the call site of the source, step, sink or pipeline a statement comes from", () => {
    const sourceLine = lineHere() + 1;
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    const filterLine = lineHere() + 1;
    const big = orders.filter((o) => o.amount.gt(100));
    const sinkLine = lineHere() + 1;
    const sink = big.toKafka("big.v1");
    const pipelineLine = lineHere() + 1;
    const script = scriptOf(pipeline("big-orders").write(sink));
    const lines = script.split("\n");
    const lineOf = (start: string) => lines.findIndex((l) => l.startsWith(start)) + 1;

    expect(definitionSite(script, lineOf("SET 'pipeline.name'"))).toBe(`${FILE}:${pipelineLine}`);
    expect(definitionSite(script, lineOf("CREATE TEMPORARY TABLE `orders__raw`"))).toBe(`${FILE}:${sourceLine}`);
    // A line inside the statement, not only its first one.
    expect(definitionSite(script, lineOf("CREATE TEMPORARY TABLE `orders__raw`") + 2)).toBe(`${FILE}:${sourceLine}`);
    // The view that enforces the source's NOT NULL columns, and the table its violations go to.
    expect(definitionSite(script, lineOf("CREATE TEMPORARY VIEW `orders`") + 1)).toBe(`${FILE}:${sourceLine}`);
    expect(definitionSite(script, lineOf("CREATE TEMPORARY TABLE `orders__violations`"))).toBe(`${FILE}:${sourceLine}`);
    expect(definitionSite(script, lineOf("CREATE TEMPORARY VIEW `orders__filter`"))).toBe(`${FILE}:${filterLine}`);
    expect(definitionSite(script, lineOf("CREATE TEMPORARY TABLE `big_v1`"))).toBe(`${FILE}:${sinkLine}`);
    expect(definitionSite(script, lineOf("INSERT INTO"))).toBe(`${FILE}:${sinkLine}`);
  });

  it("is null before any comment, and for a script written by hand", () => {
    expect(definitionSite("CREATE TABLE t (a INT);\n", 1)).toBeNull();
    expect(definitionSite("-- ttl of a/b: job-wide\nSET 'x' = 'y';\n", 2)).toBeNull();
  });
});
