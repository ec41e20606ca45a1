/**
 * The builder calls' refusals, each with its whole error (code, message, hint, pipeline path, the user's
 * file:line), and the exact plan values of the options at their edges. The casts play a plain-JavaScript
 * user: the types refuse most of these calls.
 */
import { describe, expect, it } from "vitest";
import { clearSourceCatalog, count, isPipeline, isStreamtError, pipeline, registerSources, source, t, type StreamtError } from "streamt-sdk";
import { lineHere } from "../helpers.js";

const FILE = "test/dsl/builder-refusals.test.ts";
const Order = t.row({ order_id: t.string(), amount: t.int(), at: t.timestamp(3), shipped: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order });
const timed = orders.eventTime("at").watermark("5s");
const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });

/** The whole error `build` throws, as a user sees it. */
function errorOf(build: () => unknown): { code: string; message: string; hint: string | null; path: string | null; site: unknown } {
  try {
    build();
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    const s = e as StreamtError;
    return { code: s.code, message: s.message, hint: s.hint, path: s.path, site: s.site };
  }
  throw new Error("expected a StreamtError");
}

describe("source(): refusals and option values", () => {
  it("a schema that is neither t.row() nor zod names what it must be", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => source("s", { topic: "s", schema: { id: "string" } as any }))).toEqual({
      code: "STREAMT-B006", message: "source('s'): 'schema': must be t.row({...}) or a zod object schema", hint: "check the option names and values in the README's API reference", path: "s", site: at(line),
    });
  });

  it("two unknown options are both named, in the plural", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => source("s", { topic: "s", schema: Order, topik: "x", shema: 1 } as any))).toEqual({
      code: "STREAMT-B006",
      message: "source('s'): unknown options 'topik', 'shema'",
      hint: "known options: topic, schema, format, primaryKey, startFrom, properties, partitions, schemaRegistryUrl, idleTimeout, onContractViolation, json",
      path: "s",
      site: at(line),
    });
    expect(errorOf(() => source("s", { topic: "s", schema: Order, topik: "x" } as any)).message).toBe("source('s'): unknown option 'topik'");
  });

  it("null options are no options: the topic is missing; a string is no options object", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => source("s", null as any))).toEqual({
      code: "STREAMT-B006", message: "source('s'): 'topic': Invalid input: expected string, received undefined", hint: "check the option names and values in the README's API reference", path: "s", site: at(line),
    });
    expect(errorOf(() => source("s", "orders" as any)).message).toBe("source('s'): options: Invalid input: expected object, received string");
  });

  it("the idleTimeout option: milliseconds in the plan; a zero one is refused naming the source", () => {
    expect((source("s", { topic: "s", schema: Order, idleTimeout: "30s" }) as any).node.idleTimeoutMs).toBe(30_000);
    const line = lineHere() + 1;
    expect(errorOf(() => source("s", { topic: "s", schema: Order, idleTimeout: 0 }))).toEqual({
      code: "STREAMT-B003", message: "idleTimeout of source 's' must be longer than 0", hint: 'Flink reads 0 as "off" here; give a positive duration such as "1d", or leave the option out', path: "s", site: at(line),
    });
  });

  it("startFrom: each position as the plan records it", () => {
    const startOf = (startFrom: unknown) => (source("s", { topic: "s", schema: Order, startFrom } as any) as any).node.kafka.startFrom;
    expect(startOf(undefined)).toEqual({ kind: "group-offsets" });
    expect(startOf("group-offsets")).toEqual({ kind: "group-offsets" });
    expect(startOf("earliest")).toEqual({ kind: "earliest" });
    expect(startOf("latest")).toEqual({ kind: "latest" });
    expect(startOf({ timestamp: 1_700_000_000_000 })).toEqual({ kind: "timestamp", millis: 1_700_000_000_000 });
    expect(startOf({ timestamp: new Date(Date.UTC(2024, 0, 31)) })).toEqual({ kind: "timestamp", millis: 1_706_659_200_000 });
  });

  it("eventTime() after watermark() moves the event time and keeps the watermark", () => {
    const moved = timed.eventTime("shipped") as any;
    expect(moved.node.time).toEqual({ rowtime: "shipped", proctime: null, watermark: { sources: ["orders"], maxDelayMs: 5000 } });
    expect(moved.spec.eventTime).toEqual({ column: "shipped", watermark: { kind: "bounded", delayMs: 5000 } });
    expect((orders.eventTime("at") as any).spec.eventTime).toEqual({ column: "at", watermark: null });
  });

  it("a source read from a CSV sink has no JSON options", () => {
    const written = orders.toKafka("orders.csv", { format: "csv" });
    const read = source("again", { from: written }) as any;
    expect(read.node.kafka.format).toBe("csv");
    expect(read.node.kafka.json).toBeNull();
    const fromJson = source("again2", { from: orders.toKafka("orders.json") }) as any;
    expect(fromJson.node.kafka.json).toEqual({ timestampFormat: "ISO-8601", ignoreParseErrors: false });
  });

  it("the catalog: an unknown name lists the known ones; the same source registered twice is fine, a different one is refused", () => {
    clearSourceCatalog();
    try {
      const line = lineHere() + 1;
      expect(errorOf(() => source("payments" as never))).toEqual({
        code: "STREAMT-B007", message: "source 'payments' is not in the catalog", hint: "import the package that registers it (registerSources), or pass { topic, schema } to define it here", path: null, site: at(line),
      });
      // One definition made twice (a module loaded twice): the same plan, so registering it again is fine.
      const makeA = () => source("a", { topic: "a", schema: Order });
      registerSources({ a: makeA(), orders });
      registerSources({ a: makeA() });
      expect(errorOf(() => source("payments" as never)).hint).toBe("known sources: a, orders; or pass { topic, schema } to define it here");
      const line2 = lineHere() + 1;
      expect(errorOf(() => registerSources({ a: source("a", { topic: "a2", schema: Order }) }))).toEqual({
        code: "STREAMT-B008", message: "source 'a' is registered twice with different definitions", hint: "give one of them another name", path: "a", site: at(line2),
      });
    } finally {
      clearSourceCatalog();
    }
  });

  it("a registry URL with credentials is refused with the URL to give instead", () => {
    const url = (u: string) => errorOf(() => source("s", { topic: "s", schema: Order, format: "avro-confluent", schemaRegistryUrl: u }));
    const line = lineHere() + 1;
    expect(url("http://user:pw@registry:8081")).toEqual({
      code: "STREAMT-B010",
      message: "source('s'): schemaRegistryUrl carries credentials, which would end up in the SQL script, plan.json and logs",
      hint: "give the URL without user and password (http://registry:8081); registry credentials from the environment are not supported yet",
      path: "s",
      site: at(line - 2),
    });
    expect(url("https://user@registry.example.com/ccsr").hint).toBe("give the URL without user and password (https://registry.example.com/ccsr); registry credentials from the environment are not supported yet");
    expect((source("s", { topic: "s", schema: Order, format: "avro-confluent", schemaRegistryUrl: "http://registry:8081" }) as any).node.kafka.schemaRegistryUrl).toBe("http://registry:8081");
  });
});

describe("t: column types", () => {
  it("every floating-point type builds its kind", () => {
    expect([t.float(), t.double()].map((c) => c.type)).toEqual([{ kind: "FLOAT", nullable: false }, { kind: "DOUBLE", nullable: false }]);
  });

  it("every integer type builds its kind", () => {
    expect([t.tinyint(), t.smallint(), t.int(), t.bigint()].map((c) => c.type)).toEqual([
      { kind: "TINYINT", nullable: false }, { kind: "SMALLINT", nullable: false }, { kind: "INT", nullable: false }, { kind: "BIGINT", nullable: false },
    ]);
  });

  it.each([
    ["timestamp(10)", lineHere(), () => t.timestamp(10), "timestamp precision must be a whole number from 0 to 9, got 10"],
    ["timestamp(-1)", lineHere(), () => t.timestamp(-1), "timestamp precision must be a whole number from 0 to 9, got -1"],
    ["timestampLtz(1.5)", lineHere(), () => t.timestampLtz(1.5), "timestamp precision must be a whole number from 0 to 9, got 1.5"],
    ["decimal(39, 2)", lineHere(), () => t.decimal(39, 2), "decimal precision must be a whole number from 1 to 38, got 39"],
    ["decimal(10, 11)", lineHere(), () => t.decimal(10, 11), "decimal scale must be a whole number from 0 to 10, got 11"],
  ] as const)("%s is refused at its line", (_what, line, build, message) => {
    expect(errorOf(build)).toEqual({ code: "STREAMT-B006", message, hint: "e.g. t.decimal(10, 2) or t.timestamp(3)", path: null, site: at(line) });
  });

  it.each([["null", null], ["a string", "id"], ["no fields", {}]])("t.row(%s) is refused", (_what, fields) => {
    const line = lineHere() + 1;
    expect(errorOf(() => t.row(fields as any))).toEqual({ code: "STREAMT-B006", message: "t.row() needs at least one field", hint: "e.g. t.row({ id: t.string() })", path: null, site: at(line) });
  });
});

describe("pipeline(): options and isPipeline()", () => {
  it("options that are not an object are named as the options", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => pipeline("p", "fast" as any))).toEqual({
      code: "STREAMT-B006", message: "pipeline('p'): options: Invalid input: expected object, received string", hint: "check the option names and values in the README's API reference", path: "p", site: at(line),
    });
  });

  it("isPipeline() is false for null and undefined, true for a written pipeline", () => {
    expect([isPipeline(null), isPipeline(undefined), isPipeline({}), isPipeline(pipeline("p").write(orders.toPrint()))]).toEqual([false, false, false, true]);
  });
});

describe("pipeline(): config keys", () => {
  it.each([".table.x", "-x", "a b", "a=b", "x\n"])("config key %j is refused, saying what keys look like", (key) => {
    const line = lineHere() + 1;
    expect(errorOf(() => pipeline("p", { config: { [key]: "1" } }))).toEqual({
      code: "STREAMT-B006", message: `pipeline('p'): 'config.${key}': Flink configuration keys look like 'table.exec.mini-batch.enabled'`, hint: "check the option names and values in the README's API reference", path: "p", site: at(line),
    });
  });

  it("a key named __proto__, which zod's record would leave out in silence, is refused as a key that is not one", () => {
    expect(errorOf(() => pipeline("p", { config: { ["__proto__"]: "1", "parallelism.default": "2" } })).message).toBe("pipeline('p'): 'config.__proto__': Flink configuration keys look like 'table.exec.mini-batch.enabled'");
    expect(errorOf(() => pipeline("p", { acknowledge: { ["__proto__"]: "known" } as any })).message).toBe("pipeline('p'): 'acknowledge.__proto__': diagnostic codes look like STREAMT-W001");
  });

  it("acknowledge keys are diagnostic codes", () => {
    expect(errorOf(() => pipeline("p", { acknowledge: { W001: "known" } as any })).message).toBe("pipeline('p'): 'acknowledge.W001': diagnostic codes look like STREAMT-W001");
    expect(errorOf(() => pipeline("p", { acknowledge: { "STREAMT-W001": "" } })).message).toBe("pipeline('p'): 'acknowledge.STREAMT-W001': give a reason");
  });
});

describe("stream steps: refusals", () => {
  it("a join key mapped to something other than a column name", () => {
    const payments = source("payments", { topic: "payments", schema: t.row({ order_id: t.string(), paid: t.int() }) });
    const line = lineHere() + 1;
    expect(errorOf(() => orders.join(payments as any, { on: { order_id: 1 } as any, select: (o: any) => ({ id: o.order_id }) }))).toEqual({
      code: "STREAMT-B006", message: "join key 'order_id' must map to a right column name", hint: "e.g. on: { order_id: 'order_id' }", path: "orders/join", site: at(line),
    });
  });

  it("filter() returning something that is not a condition", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => orders.filter((() => "paid") as any))).toEqual({
      code: "STREAMT-B006", message: "filter() must return a condition expression", hint: "e.g. (o) => o.status.eq('paid')", path: "orders/filter", site: at(line),
    });
  });

  it("filter() returning !column, the JavaScript value false", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => orders.filter(((o: any) => !o.amount) as any))).toEqual({
      code: "STREAMT-B009",
      message: "filter() must return a condition expression, not the JavaScript value false: JavaScript's ! makes any expression false",
      hint: "combine conditions with .and() / .or() / .not(), and pick values with when(...).otherwise(...) or .orElse(); JavaScript's && and || return one of their operands, and an expression object is always truthy",
      path: "orders/filter",
      site: at(line),
    });
  });

  it("filter() returning an object is refused without reading its properties", () => {
    // Only a built condition needs the returned expressions found; a plain object's getters are not the SDK's to run.
    const returned = { get amount(): never { throw new Error("a getter of the returned object was read"); } };
    expect(errorOf(() => orders.filter((() => returned) as any)).message).toBe("filter() must return a condition expression");
  });

  it("union() takes a stream made by another copy of the SDK (the stream mark is a global symbol)", () => {
    const other = source("other", { topic: "other", schema: Order }) as any;
    const foreign = { [Symbol.for("streamt-sdk.stream")]: true, node: other.node };
    const union = (orders.union(foreign as any) as any).node;
    expect([union.kind, union.inputs.map((n: { path: string }) => n.path)]).toEqual(["union", ["orders", "other"]]);
  });

  it("deduplicate() names itself in a ttl that is not a duration", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => orders.deduplicate({ key: ["order_id"], ttl: "soon" } as any))).toEqual({
      code: "STREAMT-B003",
      message: 'invalid duration "soon" for deduplicate() ttl: it is not a duration',
      hint: 'write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds',
      path: "orders/deduplicate",
      site: at(line),
    });
  });

  it("window sizes of zero name the window's parameter", () => {
    expect(errorOf(() => timed.cumulate("1m", 0 as any)).message).toBe("cumulate max size must be longer than 0");
    expect(errorOf(() => timed.cumulate(0 as any, "1h")).message).toBe("cumulate step must be longer than 0");
    const line = lineHere() + 1;
    expect(errorOf(() => timed.session(0 as any))).toEqual({ code: "STREAMT-B003", message: "session gap must be longer than 0", hint: 'e.g. "1h"', path: "orders/session", site: at(line) });
    expect(errorOf(() => timed.session("soon" as any)).message).toBe('invalid duration "soon" for session gap: it is not a duration');
    expect(errorOf(() => timed.cumulate("1m", "1 hour" as any)).message).toBe('invalid duration "1 hour" for cumulate max size: it is not a duration');
  });

  it("the failures of a check that drops them", () => {
    const checked = timed.check("q", { range: { amount: { min: 0 } } }, { onFail: "drop" });
    const line = lineHere() + 1;
    expect(errorOf(() => checked.failures)).toEqual({
      code: "STREAMT-B006",
      message: 'check at orders/check-q has onFail "drop": it discards failing rows, so it has no failure records',
      hint: 'leave onFail out (or "route") to write the failures to a topic',
      path: "orders/check-q",
      site: at(line),
    });
  });

  it("a window join of a stream that is not windowed", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => timed.tumble("5m").join(timed as any, { on: { order_id: "order_id" }, select: (l: any) => ({ id: l.order_id }) } as any))).toEqual({
      code: "STREAMT-B006", message: "a window join needs a windowed stream on the right", hint: "e.g. a.tumble('5m').join(b.tumble('5m'), {...})", path: "orders/tumble-join", site: at(line),
    });
  });

  it("interval-join bounds: numbers and texts, either sign, as milliseconds", () => {
    const between = (b: readonly [unknown, unknown]) => {
      const n = (timed.intervalJoin(timed as any, { on: { order_id: "order_id" } as any, between: b as any, select: (l: any) => ({ id: l.order_id }) }) as any).node;
      return [n.lowerMs, n.upperMs];
    };
    expect(between([0, 3_600_000])).toEqual([0, 3_600_000]);
    // A zero bound is 0, not -0 (toBe tells them apart).
    expect(between([0, 0])[0]).toBe(0);
    expect(between([-300_000, 0])).toEqual([-300_000, 0]);
    expect(between(["-5m", "1h"])).toEqual([-300_000, 3_600_000]);
    expect(between(["0s", "0s"])).toEqual([0, 0]);
  });

  it("aggregate(): a value that is not an aggregate", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => timed.tumble("1h").aggregate({ n: count(), x: null } as any))).toEqual({
      code: "STREAMT-B006",
      message: "aggregate(): 'x' is not an aggregate",
      hint: 'use count(), countDistinct("col"), sum("col"), avg("col"), min("col"), max("col"), firstValue("col"), lastValue("col"), stddevPop("col"), stddevSamp("col"), varPop("col"), varSamp("col"), listagg("col", sep), arrayAgg("col"), or any of them over an expression: aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))',
      path: "orders/tumble", site: at(line),
    });
  });
});

describe("sinks", () => {
  it("an at-least-once sink has no transaction timeout; exactly-once has the default or the given one", () => {
    const connector = (options: object) => (orders.toKafka("out", options) as any).node.connector;
    expect(connector({}).transactionTimeoutMs).toBeNull();
    expect(connector({ delivery: "at-least-once" }).transactionTimeoutMs).toBeNull();
    expect(connector({ delivery: "exactly-once" }).transactionTimeoutMs).toBe(900_000);
    expect(connector({ delivery: "exactly-once", transactionTimeout: "10m" }).transactionTimeoutMs).toBe(600_000);
  });

  it("the topic names '.' and '..' are refused (Kafka reserves them), and a topic that is not a string", () => {
    const line = lineHere() + 1;
    expect([errorOf(() => orders.toKafka(".")), errorOf(() => orders.toKafka(".."))]).toEqual([".", ".."].map((topic) => ({
      code: "STREAMT-B004", message: `invalid Kafka topic name "${topic}"`, hint: "Kafka topic names use letters, digits, '.', '_' and '-' (1 to 249 characters)", path: "orders", site: at(line),
    })));
    // 42 would pass the pattern as the text "42".
    expect(errorOf(() => orders.toKafka(42 as any)).message).toBe("invalid Kafka topic name 42");
  });

  it("each sink call names itself in an unknown option", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => orders.toPrint({ nme: "p" } as any))).toEqual({ code: "STREAMT-B006", message: "toPrint(): unknown option 'nme'", hint: "known options: name, description, owner", path: "orders", site: at(line) });
    expect(errorOf(() => orders.toBlackhole({ nme: "p" } as any)).message).toBe("toBlackhole(): unknown option 'nme'");
    expect(errorOf(() => orders.toKafka("out", { nme: "p" } as any)).message).toBe("toKafka(): unknown option 'nme'");
    expect(errorOf(() => orders.toUpsertKafka("out", { key: ["order_id"], nme: "p" } as any)).message).toBe("toUpsertKafka(): unknown option 'nme'");
  });

  it("an upsert key that is not a column of the stream", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => orders.toUpsertKafka("out", { key: ["nope"] as any }))).toEqual({
      code: "STREAMT-B001", message: "unknown upsert key column 'nope'", hint: "available columns: order_id, amount, at, shipped", path: "orders/out", site: at(line),
    });
  });

  it("write() of something that is not a sink", () => {
    const line = lineHere() + 1;
    expect(errorOf(() => pipeline("p").write(orders.toPrint(), null as any))).toEqual({
      code: "STREAMT-B006", message: "pipeline 'p': argument 2 of write() is not a sink", hint: "make sinks with stream.toKafka(topic), toUpsertKafka(topic, { key }), toPrint() or toBlackhole()", path: "p", site: at(line),
    });
  });
});
