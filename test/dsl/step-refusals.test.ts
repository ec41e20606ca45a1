/**
 * A table of builder calls and the exact error each refuses with: code, message, hint, pipeline path and
 * the line of the call (each row's own line). The casts play a plain-JavaScript user: the types refuse
 * most of these calls.
 */
import { describe, expect, it } from "vitest";
import { count, isStreamtError, listagg, max, pipeline, registerSources, source, sum, t } from "streamt-sdk";
import { JS_OPERATOR_HINT } from "../../packages/streamt-sdk/src/errors.js";
import { lineHere } from "../helpers.js";

const FILE = "test/dsl/step-refusals.test.ts";
const Order = t.row({ order_id: t.string(), customer: t.string(), amount: t.int(), at: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order });
const timed = orders.eventTime("at").watermark("5s");
const B001 = "STREAMT-B001";
const B004 = "STREAMT-B004";
const B005 = "STREAMT-B005";
const B006 = "STREAMT-B006";
const B009 = "STREAMT-B009";
const JOIN_HINT = "e.g. on: { order_id: 'order_id' }";
const pick = (o: any) => ({ id: o.order_id });
const AGGREGATE_HINT =
  'use count(), countDistinct("col"), sum("col"), avg("col"), min("col"), max("col"), firstValue("col"), lastValue("col"), stddevPop("col"), stddevSamp("col"), varPop("col"), varSamp("col"), listagg("col", sep), arrayAgg("col"), or any of them over an expression: aggregate((o) => ({ revenue: sum(o.price.mul(o.qty)) }))';

// An expression kept past its callback by a plain-JavaScript user: it reads 'customer' of orders, which idsOnly lacks.
let customerOfOrders: any;
orders.select((o) => {
  customerOfOrders = o.customer;
  return { id: o.order_id };
});
const idsOnly = orders.select("order_id");
const timedIds = timed.select("order_id", "at");
// The same, kept from a join's right side (input 1) and used in a step of one input.
let customerOfRight: any;
idsOnly.join(orders, { on: { order_id: "order_id" }, select: (l, r) => {
  customerOfRight = r.customer;
  return { id: l.order_id };
} });
// The same name with another type: payments' 'customer' is a number; orders' is text.
const Payment = t.row({ order_id: t.string(), customer: t.bigint() });
const payments = source("payments", { topic: "payments", schema: Payment });
const RETYPED = "'customer' is STRING NOT NULL in the row the expression was built from, and BIGINT NOT NULL in payments: an expression reading it was built from another stream's row";
const RIGHT_SIDE = "'customer' is a column of a join's right side, not of orders/select: an expression reading it was built from another stream's row";
const FOREIGN = "'customer' is not a column of orders/select: an expression reading it was built from another stream's row";
const FOREIGN_HINT = "build each expression from the row this step's callback is given";
const ZERO_HINT = 'Flink reads 0 as "off" here; give a positive duration such as "1d", or leave the option out';
const DURATION_HINT = 'write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds';

type Row = readonly [line: number, build: () => unknown, code: string, message: string, hint: string, path: string | null];
// Each row is on one line: lineHere() is the line of the builder call in it.
const rows: Row[] = [
  [lineHere(), () => (orders as any).select(() => 5), B006, "select() must return an object of columns", "e.g. (o) => ({ id: o.order_id })", "orders/select"],
  [lineHere(), () => (orders as any).select(() => [1]), B006, "select() must return an object of columns", "e.g. (o) => ({ id: o.order_id })", "orders/select"],
  [lineHere(), () => (orders as any).select(() => ({ id: "x" })), B006, "select(): column 'id' is not an expression", "use a column (o.amount), an operation (o.amount.mul(2)) or lit(value)", "orders/select"],
  [lineHere(), () => (orders as any).withColumns(() => ({ big: true })), B009, "withColumns(): column 'big' is the JavaScript value true, not an expression: JavaScript's ! makes any expression false", JS_OPERATOR_HINT, "orders/with-columns"],
  [lineHere(), () => (orders as any).select("order_id", 5), B006, "select() takes column names or a function", "e.g. select('a', 'b') or select((o) => ({ a: o.a }))", "orders/select"],
  [lineHere(), () => (orders as any).select("nope"), B001, "unknown column 'nope' in select() at orders/select", "available columns: order_id, customer, amount, at", "orders/select"],
  [lineHere(), () => orders.as("renamed"), B006, "as() cannot rename source 'orders'", "a source is named by source(name, ...); as() names the steps after it", "orders"],
  [lineHere(), () => orders.filter((o) => o.amount.gt(1)).as("a b"), B004, 'invalid step name "a b"', "use letters, digits, '_', '.', '-' (at most 100 characters), starting with a letter, digit or '_'", "orders/filter"],
  [lineHere(), () => orders.check("a/b", { notNull: [] as never[] }), B004, 'invalid check name "a/b"', "use letters, digits, '_', '.', '-' (at most 100 characters), starting with a letter, digit or '_'", "orders"],
  [lineHere(), () => (orders as any).join(orders, { on: null, select: pick }), B006, "join `on` must map left keys to right keys", JOIN_HINT, "orders/join"],
  [lineHere(), () => (orders as any).join(orders, { on: "order_id", select: pick }), B006, "join `on` must map left keys to right keys", JOIN_HINT, "orders/join"],
  [lineHere(), () => (orders as any).join(orders, { on: {}, select: pick }), B006, "a join needs at least one key pair in `on`", JOIN_HINT, "orders/join"],
  [lineHere(), () => (orders as any).join(orders, { on: { order_id: "order_id" } }), B006, "a join needs select: (left, right) => ({ ...columns })", "e.g. select: (o, p) => ({ order_id: o.order_id, paid_at: p.paid_at })", "orders/join"],
  [lineHere(), () => (orders as any).join({}, { on: { order_id: "order_id" }, select: pick }), B006, "join() needs a stream", "pass a stream made from source(...)", "orders/join"],
  [lineHere(), () => (orders as any).join(orders, { on: { nope: "order_id" }, select: pick }), B001, "unknown left join key 'nope'", "available columns: order_id, customer, amount, at", "orders/join"],
  [lineHere(), () => (orders as any).join(orders, { on: { order_id: "amount" }, select: pick }), "STREAMT-B002", "join keys have different types: left 'order_id' is STRING NOT NULL, right 'amount' is INT NOT NULL", "cast one side with a computed column so both keys have the same type", "orders/join"],
  [lineHere(), () => (timed as any).hop({ size: "1h", slide: "1m", start: 0 }), B006, "hop(): unknown option 'start'", "hop({ size, slide }) takes size and slide", "orders/hop"],
  [lineHere(), () => (timed as any).hop({ size: "1h", slide: "1m", a: 1, b: 2 }), B006, "hop(): unknown options 'a', 'b'", "hop({ size, slide }) takes size and slide", "orders/hop"],
  [lineHere(), () => (timed as any).cumulate({ step: "1h" }), B006, "cumulate(): 'maxSize' is missing", "cumulate({ step, maxSize }) takes step and maxSize", "orders/cumulate"],
  [lineHere(), () => timed.hop("1h", "7m"), B006, "hop size (3600000 ms) must be a whole multiple of the slide (420000 ms)", "Flink requires it; e.g. hop('1h', '1m')", "orders/hop"],
  [lineHere(), () => timed.cumulate("7m", "1h"), B006, "cumulate max size (3600000 ms) must be a whole multiple of the step (420000 ms)", "Flink requires it; e.g. cumulate('1h', '1d')", "orders/cumulate"],
  [lineHere(), () => timed.cumulate("1d", "1h"), B006, "cumulate step 1d is longer than its max size 1h: did you swap them? cumulate() takes the step first", 'for windows growing by 1h up to 1d, write cumulate("1h", "1d") or cumulate({ step: "1h", maxSize: "1d" })', "orders/cumulate"],
  [lineHere(), () => (orders as any).intervalJoin(timed, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: pick }), B006, "an interval join needs event time on both sides; the left input orders has none", "declare .eventTime(column).watermark(delay) on its source and keep that column in every select()", "orders/interval-join"],
  [lineHere(), () => (timed as any).intervalJoin(orders, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: pick }), B006, "an interval join needs event time on both sides; the right input orders has none", "declare .eventTime(column).watermark(delay) on its source and keep that column in every select()", "orders/interval-join"],
  [lineHere(), () => idsOnly.select(() => ({ c: customerOfOrders })), B001, FOREIGN, FOREIGN_HINT, "orders/select/select"],
  [lineHere(), () => idsOnly.filter(() => customerOfOrders.eq("x")), B001, FOREIGN, FOREIGN_HINT, "orders/select/filter"],
  [lineHere(), () => (idsOnly as any).join(orders, { on: { order_id: "order_id" }, select: (l: any) => ({ id: l.order_id, c: customerOfOrders.upper() }) }), B001, FOREIGN, FOREIGN_HINT, "orders/select/join"],
  [lineHere(), () => idsOnly.groupBy("order_id").aggregate({ c: max(customerOfOrders) }), B001, FOREIGN, FOREIGN_HINT, "orders/select/aggregate"],
  [lineHere(), () => idsOnly.groupBy("order_id").aggregate(() => ({ c: count(customerOfOrders.upper()) })), B001, FOREIGN, FOREIGN_HINT, "orders/select/aggregate"],
  [lineHere(), () => timedIds.tumble("1h").aggregate({ c: listagg(customerOfOrders, ";") }), B001, FOREIGN, FOREIGN_HINT, "orders/select/tumble"],
  [lineHere(), () => timedIds.hop("1h", "5m").groupBy("order_id").aggregate({ c: count(customerOfOrders) }), B001, FOREIGN, FOREIGN_HINT, "orders/select/hop"],
  [lineHere(), () => (idsOnly as any).check("named", { expr: { known: () => customerOfOrders.eq("x") } }).passed, B001, FOREIGN, FOREIGN_HINT, "orders/select/check-named"],
  [lineHere(), () => (timedIds as any).check("once", { expr: { known: () => customerOfOrders.eq("x") }, unique: { columns: ["order_id"], within: "1h" } }).passed, B001, FOREIGN, FOREIGN_HINT, "orders/select/check-once"],
  [lineHere(), () => (idsOnly as any).withColumns(() => ({ c: customerOfOrders })), B001, FOREIGN, FOREIGN_HINT, "orders/select/with-columns"],
  [lineHere(), () => idsOnly.select(() => ({ c: customerOfRight })), B001, RIGHT_SIDE, FOREIGN_HINT, "orders/select/select"],
  [lineHere(), () => payments.filter(() => customerOfOrders.eq("x")), B001, RETYPED, FOREIGN_HINT, "payments/filter"],
  [lineHere(), () => payments.groupBy("order_id").aggregate({ c: max(customerOfOrders) }), B001, RETYPED, FOREIGN_HINT, "payments/aggregate"],
  [lineHere(), () => idsOnly.groupBy("order_id").aggregate({ c: max(customerOfRight) }), B001, RIGHT_SIDE, FOREIGN_HINT, "orders/select/aggregate"],
  [lineHere(), () => (orders as any).tumble("1h"), B005, "tumble() needs event time, and orders has none", "declare .eventTime(column).watermark(delay) on the source, and keep that column in every select()", "orders/tumble"],
  [lineHere(), () => (orders as any).watermark("5s"), B005, "watermark() on source 'orders' needs eventTime(column) first", "call .eventTime('your_timestamp_column').watermark('5s')", "orders"],
  [lineHere(), () => timed.tumble("1h").aggregate({ n: count(), s: sum(5 as any) }), B006, "sum() takes a column name or an expression, got number", 'e.g. sum("amount"), or aggregate((o) => ({ x: sum(o.price.mul(o.qty)) }))', null],
  [lineHere(), () => timed.tumble("1h").aggregate({ tags: listagg("customer", 5 as any) }), B006, "listagg(): the separator is a string, got number", 'e.g. listagg("tag", "; ")', null],
  [lineHere(), () => timed.tumble("1h").aggregate(5 as any), B006, "aggregate() takes an object of aggregates, e.g. { n: count() }", AGGREGATE_HINT, "orders/tumble"],
  [lineHere(), () => pipeline("p").write(), B006, "pipeline 'p' writes nothing", "pass at least one sink: .write(stream.toKafka('topic'))", "p"],
  [lineHere(), () => pipeline("p").write(undefined as any), B006, "pipeline 'p': argument 1 of write() is not a sink", "make sinks with stream.toKafka(topic), toUpsertKafka(topic, { key }), toPrint() or toBlackhole()", "p"],
  [lineHere(), () => pipeline("p").write({} as any), B006, "pipeline 'p': argument 1 of write() is not a sink", "make sinks with stream.toKafka(topic), toUpsertKafka(topic, { key }), toPrint() or toBlackhole()", "p"],
  [lineHere(), () => timed.tumble("1h").aggregate({ n: count(), x: undefined } as any), B006, "aggregate(): 'x' is not an aggregate", AGGREGATE_HINT, "orders/tumble"],
  [lineHere(), () => timed.tumble("1h").aggregate({ n: count(), x: {} } as any), B006, "aggregate(): 'x' is not an aggregate", AGGREGATE_HINT, "orders/tumble"],
  [lineHere(), () => (orders.eventTime("at") as any).lateRecords(), B006, "lateRecords(): orders has no event time with a watermark, so no record is ever late", "declare .eventTime(column).watermark(delay) on the source first", "orders/late-records"],
  [lineHere(), () => source("s", { topic: "s", schema: t.row({ id: t.string() }), format: "avro-confluent" }), B006, "source('s'): format avro-confluent needs schemaRegistryUrl", "pass schemaRegistryUrl: 'http://registry:8081'", "s"],
  [lineHere(), () => source("s", { topic: "s", schema: t.row({ id: t.string() }), schemaRegistryUrl: "http://r:8081" }), B006, "source('s'): schemaRegistryUrl is read by the avro-confluent and debezium-avro-confluent formats only, and this source reads json", "remove schemaRegistryUrl, or set format: 'avro-confluent'", "s"],
  [lineHere(), () => source("s", { topic: "a topic", schema: t.row({ id: t.string() }) }), B004, 'invalid Kafka topic name "a topic"', "Kafka topic names use letters, digits, '.', '_' and '-' (1 to 249 characters)", "s"],
  [lineHere(), () => source("s", { from: orders.toKafka("o2"), topic: "x", format: "csv" } as any), B006, "source('s'): 'topic', 'format' come from the sink given in 'from'", "remove them: the writer's sink decides the topic, columns, format (with its JSON options) and key", "s"],
  [lineHere(), () => source("s", { from: orders.toKafka("o2"), schema: Order } as any), B006, "source('s'): 'schema' comes from the sink given in 'from'", "remove it: the writer's sink decides the topic, columns, format (with its JSON options) and key", "s"],
  [lineHere(), () => source("s", { from: orders.toPrint() } as any), B006, "source('s'): 'from' is a print sink (orders/print), which writes no topic", "read a sink made by toKafka() or toUpsertKafka()", "s"],
  [lineHere(), () => source("s", { from: 5 } as any), B006, "source('s'): 'from' is not a sink", "pass the writer's sink, e.g. { from: revenue.toKafka('orders.hourly.v1') } exported by its module", "s"],
  [lineHere(), () => orders.idleTimeout("0ms"), "STREAMT-B003", "idleTimeout of source 'orders' must be longer than 0", ZERO_HINT, "orders"],
  [lineHere(), () => orders.idleTimeout({ every: "1m" } as any), "STREAMT-B003", 'invalid duration {"every":"1m"} for idleTimeout of source \'orders\': it is not a duration', DURATION_HINT, "orders"],
  [lineHere(), () => pipeline("p", { stateTtl: 0 }), "STREAMT-B003", "pipeline('p') stateTtl must be longer than 0", ZERO_HINT, "p"],
  [lineHere(), () => pipeline("p", { checkpointInterval: "1 hour" as any }), "STREAMT-B003", 'invalid duration "1 hour" for pipeline(\'p\') checkpointInterval: it is not a duration', DURATION_HINT, "p"],
  [lineHere(), () => registerSources({ x: 5 } as any), B006, "registerSources(): 'x' is not a source", "register values made by source(name, {...})", null],
  [lineHere(), () => registerSources({ x: orders } as any), B006, "registerSources(): key 'x' names source 'orders'", 'register it as { orders: ... } so source("orders") finds it', null],
  [lineHere(), () => t.row({ id: "string" } as any), B006, "field 'id' of t.row() is not a column type", "use t.string(), t.int(), t.decimal(p, s), t.timestamp(3), ...", null],
];

describe("builder refusals, one per row", () => {
  it.each(rows.map(([line, build, code, message, hint, path]) => [message, line, build, code, hint, path] as const))("%s", (message, line, build, code, hint, path) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    if (!isStreamtError(error)) throw new Error(`expected a StreamtError, got ${String(error)}`);
    expect({ code: error.code, message: error.message, hint: error.hint, path: error.path, site: error.site }).toEqual({ code, message, hint, path, site: { file: FILE, line, column: expect.any(Number) } });
  });
});

describe("an expression kept from another stream's row", () => {
  it("is taken where this step's input has a column of its name and type: it reads that column", () => {
    const Refund = t.row({ order_id: t.string(), customer: t.string() });
    const refunds = source("refunds", { topic: "refunds", schema: Refund });
    const { node } = refunds.filter(() => customerOfOrders.eq("c1")) as unknown as { node: { kind: string; predicate?: unknown } };
    expect(node.kind === "filter" && node.predicate).toEqual({
      kind: "call",
      op: "=",
      args: [
        { kind: "column", name: "customer", input: 0, type: { kind: "STRING", nullable: false } },
        { kind: "literal", value: "c1", type: { kind: "STRING", nullable: false } },
      ],
      type: { kind: "BOOLEAN", nullable: false },
    });
  });

  it("is refused where that column is nullable and the expression saw it NOT NULL: what the plan derives from it would be typed NOT NULL", () => {
    const Refund = t.row({ order_id: t.string(), customer: t.string().nullable() });
    const refunds = source("refunds", { topic: "refunds", schema: Refund });
    expect(() => refunds.select(() => ({ c: customerOfOrders.upper() }))).toThrow(
      expect.objectContaining({ code: B001, path: "refunds/select", message: "'customer' is STRING NOT NULL in the row the expression was built from, and STRING in refunds: an expression reading it was built from another stream's row" }),
    );
  });
});
