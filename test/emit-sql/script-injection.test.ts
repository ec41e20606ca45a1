import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { refusal } from "../helpers.js";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { comment, quoteIdent, quoteString } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";
import type { SinkNode } from "../../packages/streamt-sdk/src/ir/nodes/sink-node.js";

const Order = t.row({ order_id: t.string(), status: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const orders = () => source("orders", { topic: "orders.v1", schema: Order });

/** A refusal without its call site (the cases below assert what and how to fix). */
function buildError(build: () => unknown): { code: string; message: string; hint: string | null } {
  const { site: _site, ...said } = refusal(build);
  return said;
}

/** Text with what ends a `--` comment or a statement in it: line breaks, quotes, semicolons. */
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\nDROP TABLE `orders`;\n", "\r\nSET 'pipeline.name' = 'evil';", "x\u2028y", "a\u0085b", "*/ ; -- '"),
);

describe("user text in script comments cannot add statements", () => {
  const def = pipeline("injection", {}).write(orders().filter((o) => o.status.eq("paid")).toKafka("paid.v1")).definition;
  const withSites = (file: string): PipelineDef => {
    const site = { file, line: 7, column: 3 };
    return { ...def, site, sinks: def.sinks.map((s): SinkNode => ({ ...s, site })) };
  };
  const statements = (script: string) => script.split("\n").filter((l) => !l.startsWith("--")).join("\n");

  it("a file name with line breaks stays inside its comment: the statements are those of a plain file name", () => {
    const plain = statements(emitPipelineSql(withSites("src/p.ts"), { bootstrapServers: "b:9092", flinkVersion: "2.2" }));
    fc.assert(
      fc.property(hostile, (file) => {
        const script = emitPipelineSql(withSites(file), { bootstrapServers: "b:9092", flinkVersion: "2.2" });
        expect(statements(script)).toBe(plain);
      }),
      { numRuns: 300 },
    );
    const evil = emitPipelineSql(withSites("p.ts\nDROP TABLE `orders`;\n"), { bootstrapServers: "b:9092", flinkVersion: "2.2" });
    expect(evil.split("\n").filter((l) => l.includes("DROP"))).toEqual([
      "-- pipeline: injection (p.ts DROP TABLE `orders`; :7); Flink 2.2",
      "-- sink orders/filter/paid.v1 (p.ts DROP TABLE `orders`; :7)",
    ]);
  });

  it("comment() keeps any text on one line", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const line = comment(text);
        expect(line.startsWith("-- ")).toBe(true);
        expect(/[\r\n\u0085\u2028\u2029]/.test(line)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("a sink name must be a plain name (it becomes a table name and a comment)", () => {
    expect(buildError(() => orders().toKafka("paid.v1", { name: "x\nDROP TABLE `orders`;" }))).toEqual({
      code: "STREAMT-B006",
      message: "toKafka(): 'name': names use letters, digits, '_', '.', '-', starting with a letter, digit or '_'",
      hint: "check the option names and values in the README's API reference",
    });
    expect(buildError(() => orders().toPrint({ name: "" })).code).toBe("STREAMT-B006");
    expect(buildError(() => orders().toBlackhole({ name: "a b" } as never)).message).toBe(
      "toBlackhole(): 'name': names use letters, digits, '_', '.', '-', starting with a letter, digit or '_'",
    );
  });
});

describe("quoting round-trips any text", () => {
  const unquote = (s: string, q: string): string => {
    expect(s.startsWith(q) && s.endsWith(q)).toBe(true);
    const inner = s.slice(1, -1);
    // Inside, every quote character is doubled: a lone one would end the literal early.
    expect(inner.split(q + q).join("").includes(q)).toBe(false);
    return inner.split(q + q).join(q);
  };

  it("string literals: every single quote doubled, the text unchanged otherwise", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 30 }), (s) => { expect(unquote(quoteString(s), "'")).toBe(s); }), { numRuns: 500 });
    expect(quoteString("it's ''x''")).toBe("'it''s ''''x'''''");
  });

  it("identifiers: every backtick doubled; control characters refused", () => {
    const name = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
    fc.assert(fc.property(name, (s) => { expect(unquote(quoteIdent(s), "`")).toBe(s); }), { numRuns: 500 });
    expect(quoteIdent("a`b`c")).toBe("`a``b``c`");
    expect(buildError(() => quoteIdent("a\nb"))).toEqual({
      code: "STREAMT-B004",
      message: '"a\\nb" cannot be a Flink identifier',
      hint: "use a non-empty name without control characters",
    });
  });
});

describe("options cannot override what the SDK sets", () => {
  it.each([
    ["bootstrap.servers", "the brokers come from synth --bootstrap-servers (or STREAMT_KAFKA_BOOTSTRAP), so one pipeline runs against every environment"],
    ["group.id", "the consumer group is the pipeline name, so committed offsets follow the job"],
  ])("source properties: %s", (key, instead) => {
    expect(buildError(() => source("orders", { topic: "orders.v1", schema: Order, properties: { "client.id": "c", [key]: "x" } }))).toEqual({
      code: "STREAMT-B006",
      message: `source('orders') properties: '${key}' is set by streamt-sdk and cannot be overridden`,
      hint: `remove it: ${instead}`,
    });
  });

  it.each([
    ["bootstrap.servers", "the brokers come from synth --bootstrap-servers (or STREAMT_KAFKA_BOOTSTRAP), so one pipeline runs against every environment"],
    ["transaction.timeout.ms", "use the sink's transactionTimeout option (checked against the checkpoint interval, STREAMT-E015)"],
    ["transactional.id", "Flink derives transactional ids from the prefix the SDK sets per pipeline and sink"],
  ])("sink properties: %s", (key, instead) => {
    expect(buildError(() => orders().toKafka("out.v1", { properties: { [key]: "x" } }))).toEqual({
      code: "STREAMT-B006",
      message: `toKafka() properties: '${key}' is set by streamt-sdk and cannot be overridden`,
      hint: `remove it: ${instead}`,
    });
  });

  it.each([
    ["pipeline.name", "the job name is the pipeline's name: pipeline('name', ...)"],
    ["parallelism.default", "use the pipeline's parallelism option"],
    ["table.exec.state.ttl", "use the pipeline's stateTtl option (or a step's ttl): the TTL checks read only those"],
    ["state.backend.type", "use the pipeline's stateBackend option"],
  ])("pipeline config: %s", (key, instead) => {
    expect(buildError(() => pipeline("p", { config: { [key]: "x" } }))).toEqual({
      code: "STREAMT-B006",
      message: `pipeline('p') config: '${key}' is set by streamt-sdk and cannot be overridden`,
      hint: `remove it: ${instead}`,
    });
  });

  it.each([
    ["execution.checkpointing.interval", { checkpointInterval: "1m" } as const, "the pipeline's checkpointInterval option sets it already: give one of the two"],
    ["table.exec.source.idle-timeout", { sourceIdleTimeout: "1m" } as const, "the pipeline's sourceIdleTimeout option sets it already: give one of the two"],
  ])("pipeline config: %s beside its option (alone, it is read by the analysis too)", (key, option, instead) => {
    expect(buildError(() => pipeline("p", { ...option, config: { [key]: "30 s" } }))).toEqual({
      code: "STREAMT-B006",
      message: `pipeline('p') config: '${key}' is set by streamt-sdk and cannot be overridden`,
      hint: `remove it: ${instead}`,
    });
    expect(() => pipeline("p", { config: { [key]: "30 s" } })).not.toThrow();
  });

  it("other properties and config pass through as written", () => {
    const script = emitPipelineSql(
      pipeline("p", { config: { "table.exec.mini-batch.enabled": "true" } }).write(
        source("orders", { topic: "orders.v1", schema: Order, properties: { "client.id": "c1" } }).toKafka("out.v1", { properties: { "compression.type": "zstd" } }),
      ).definition,
      { bootstrapServers: "b:9092", flinkVersion: "2.2" },
    );
    expect(script.split("\n").filter((l) => /client\.id|compression\.type|mini-batch/.test(l))).toEqual([
      "SET 'table.exec.mini-batch.enabled' = 'true';",
      "  'properties.client.id' = 'c1'",
      "  'properties.compression.type' = 'zstd'",
    ]);
  });
});
