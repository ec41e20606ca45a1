import { describe, expect, it } from "vitest";
import { count, isStreamtError, pipeline, source, sum, t, type StreamtError } from "streamt-sdk";
import { lineHere } from "../helpers.js";

const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), status: t.string(), ts: t.timestamp(3) });
const FILE = "test/dsl/build-errors.test.ts";

/** Runs `build` and returns the StreamtError it throws (plain JavaScript callers get these at run time). */
function errorOf(build: () => unknown): StreamtError {
  try {
    build();
  } catch (e) {
    if (isStreamtError(e)) return e;
    throw e;
  }
  throw new Error("expected a StreamtError");
}

// The casts below play a plain-JavaScript user: the types would refuse these calls.
const orders = source("orders", { topic: "orders", schema: Order });
const timed = orders.eventTime("ts").watermark("5s");

describe("build errors carry code, path, file:line and a fix", () => {
  it("a window without event time", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => (orders as any).tumble("1h"));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-B005",
      path: "orders/tumble",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "tumble() needs event time, and orders has none",
      hint: "declare .eventTime(column).watermark(delay) on the source, and keep that column in every select()",
    });
  });

  it("a TIMESTAMP compared with text that is not a time names the call's file:line", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => timed.filter((o: any) => o.ts.ge("2024-02-30 00:00:00")));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-B002",
      path: "orders/filter",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "'2024-02-30 00:00:00' is not a TIMESTAMP value",
      hint: "write 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-dd HH:mm:ss.SSS' (no zone: compare a TIMESTAMP_LTZ column for an instant), or pass a Date",
    });
  });

  it("an unknown column in a callback names the columns there are", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => timed.filter((o: any) => o.stauts.eq("paid")));
    expect(e.code).toBe("STREAMT-B001");
    expect(e.message).toBe("unknown column 'stauts' in filter() at orders/filter");
    expect(e.hint).toBe("available columns: order_id, amount, status, ts");
    expect(e.path).toBe("orders/filter");
    expect(e.site?.line).toBe(line);
  });

  it("eventTime() on a non-timestamp column", () => {
    const e = errorOf(() => orders.eventTime("amount" as any));
    expect(e.code).toBe("STREAMT-B006");
    expect(e.message).toBe("eventTime('amount') needs a TIMESTAMP(p) or TIMESTAMP_LTZ(p) column, but it is DECIMAL");
    expect(e.path).toBe("orders");
  });

  it("sum() of a string column", () => {
    const e = errorOf(() => timed.tumble("1h").aggregate({ s: sum("status") } as any));
    expect(e.message).toBe("sum('status') needs a numeric column, but 'status' is STRING NOT NULL");
    expect(e.path).toBe("orders/tumble");
  });

  it("invalid durations say what is accepted", () => {
    const e = errorOf(() => timed.tumble("1 hour" as any));
    expect(e.code).toBe("STREAMT-B003");
    expect(e.message).toBe('invalid duration "1 hour" for tumble size: it is not a duration');
    expect(e.hint).toBe('write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds');
    expect(errorOf(() => timed.watermark("0.5ms" as any)).message).toBe('invalid duration "0.5ms" for watermark of source \'orders\': it is not a whole number of milliseconds');
  });

  it("unknown options are refused, never ignored", () => {
    const e = errorOf(() => pipeline("p", { paralelism: 2 } as any));
    expect(e.message).toBe("pipeline('p'): unknown option 'paralelism'");
    expect(e.hint).toBe("known options: parallelism, checkpointInterval, stateTtl, stateBackend, sourceIdleTimeout, flinkVersion, config, acknowledge, description, owner");
    const s = errorOf(() => timed.toKafka("out", { deliveryGuarantee: "exactly-once" } as any));
    expect(s.message).toBe("toKafka(): unknown option 'deliveryGuarantee'");
  });

  it("invalid names: pipelines, topics, steps", () => {
    expect(errorOf(() => pipeline("my job")).message).toBe('invalid pipeline name "my job"');
    expect(errorOf(() => timed.toKafka("bad topic!")).message).toBe('invalid Kafka topic name "bad topic!"');
    expect(errorOf(() => timed.filter((o) => o.amount.gt(1)).as("a/b")).message).toBe('invalid step name "a/b"');
  });

  it("join keys of different types", () => {
    const Other = t.row({ order_id: t.int(), at: t.timestamp(3) });
    const other = source("other", { topic: "other", schema: Other }).eventTime("at").watermark("1s");
    const e = errorOf(() => (timed as any).intervalJoin(other, { on: { order_id: "order_id" }, between: ["0s", "1h"], select: (o: any) => ({ id: o.order_id }) }));
    expect(e.code).toBe("STREAMT-B002");
    expect(e.message).toBe("join keys have different types: left 'order_id' is STRING NOT NULL, right 'order_id' is INT NOT NULL");
    expect(e.path).toBe("orders/interval-join");
  });

  it("a source not in the catalog", () => {
    const e = errorOf(() => (source as any)("inventory"));
    expect(e.code).toBe("STREAMT-B007");
    expect(e.message).toBe("source 'inventory' is not in the catalog");
  });

  it("windowing twice without renaming the window columns", () => {
    const w = timed.tumble("1m").count();
    const e = errorOf(() => w.tumble("1h"));
    expect(e.message).toBe("a tumble window adds window_start, window_end and window_time, and orders/tumble already has window_start, window_end, window_time");
  });
});

describe("hop and cumulate take their durations in the DSL's order, and catch them swapped", () => {
  it("hop(size, slide) with the slide longer than the size: did you swap them?", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => timed.hop("5m", "1h"));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-B006",
      path: "orders/hop",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "hop window size 5m is shorter than its slide 1h: did you swap them? hop() takes the size first (Flink's HOP(..., slide, size) the other way round)",
      hint: 'for 1h windows starting every 5m, write hop("1h", "5m") or hop({ size: "1h", slide: "5m" })',
    });
    const named = lineHere() + 1;
    const n = errorOf(() => timed.hop({ size: "5m", slide: "1h" }));
    expect([n.code, n.site?.line, n.message]).toEqual(["STREAMT-B006", named, e.message]);
  });

  it("cumulate(step, maxSize) with the step longer than the max size: did you swap them?", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => timed.cumulate("1d", "1h"));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-B006",
      path: "orders/cumulate",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "cumulate step 1d is longer than its max size 1h: did you swap them? cumulate() takes the step first",
      hint: 'for windows growing by 1h up to 1d, write cumulate("1h", "1d") or cumulate({ step: "1h", maxSize: "1d" })',
    });
    expect(errorOf(() => timed.cumulate({ step: "1d", maxSize: "1h" })).message).toBe(e.message);
  });

  it("the options-object forms build the same windows as the positional ones", () => {
    const spec = (w: unknown) => (w as { spec: unknown }).spec;
    expect(spec(timed.hop({ size: "1h", slide: "5m" }))).toEqual(spec(timed.hop("1h", "5m")));
    expect(spec(timed.hop({ size: "1h", slide: "5m" }, { allowedLateness: "1m" }))).toEqual(spec(timed.hop("1h", "5m", { allowedLateness: "1m" })));
    expect(spec(timed.cumulate({ step: "1h", maxSize: "1d" }))).toEqual(spec(timed.cumulate("1h", "1d")));
    // A slide equal to the size is a tumbling window, which Flink accepts as a hop.
    expect(spec(timed.hop("1h", "1h"))).toMatchObject({ kind: "hop", sizeMs: 3_600_000, slideMs: 3_600_000 });
  });

  it("the options objects are checked like options", () => {
    const e = errorOf(() => timed.hop({ size: "1h", slid: "5m" } as never));
    expect([e.code, e.path, e.message, e.hint]).toEqual(["STREAMT-B006", "orders/hop", "hop(): unknown option 'slid'", "hop({ size, slide }) takes size and slide"]);
    const m = errorOf(() => timed.cumulate({ step: "1h" } as never));
    expect([m.code, m.message, m.hint]).toEqual(["STREAMT-B006", "cumulate(): 'maxSize' is missing", "cumulate({ step, maxSize }) takes step and maxSize"]);
    expect(errorOf(() => timed.hop({ size: "1 hour", slide: "5m" } as never)).message).toBe('invalid duration "1 hour" for hop size: it is not a duration');
    expect(errorOf(() => timed.hop("1h", "7m")).message).toBe("hop size (3600000 ms) must be a whole multiple of the slide (420000 ms)");
  });
});

describe("immutability and naming", () => {
  it("each call returns a new stream; the same stream can feed two steps", () => {
    const paid = timed.filter((o) => o.status.eq("paid"));
    const a = paid.tumble("1m").count();
    const b = paid.tumble("1h").groupBy("status").aggregate({ n: count() });
    expect(paid.path).toBe("orders/filter");
    expect(a.path).toBe("orders/filter/tumble");
    expect(b.path).toBe("orders/filter/tumble");
    expect(paid.as("paid").path).toBe("orders/paid");
    expect(paid.path).toBe("orders/filter");
  });
});

describe("schema-registry formats need the registry's URL", () => {
  it("an avro-confluent sink without schemaRegistryUrl (Flink would refuse the script: 'url' is required)", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.toKafka("orders.avro", { format: "avro-confluent" }));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint }).toEqual({
      code: "STREAMT-B006",
      path: "orders",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "toKafka(): format avro-confluent needs schemaRegistryUrl",
      hint: "pass schemaRegistryUrl: 'http://registry:8081'",
    });
  });

  it("a debezium-avro-confluent source without schemaRegistryUrl", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => source("changes", { topic: "customers.cdc", schema: Order, format: "debezium-avro-confluent", primaryKey: ["order_id"] }));
    expect({ code: e.code, path: e.path, site: e.site, message: e.message }).toEqual({
      code: "STREAMT-B006",
      path: "changes",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "source('changes'): format debezium-avro-confluent needs schemaRegistryUrl",
    });
  });

  it("schemaRegistryUrl on a format that does not read it is refused, not ignored", () => {
    const sinkLine = lineHere() + 1;
    const sink = errorOf(() => orders.toKafka("orders.json", { format: "json", schemaRegistryUrl: "http://registry:8081" }));
    expect({ code: sink.code, path: sink.path, site: sink.site, message: sink.message, hint: sink.hint }).toEqual({
      code: "STREAMT-B006",
      path: "orders",
      site: { file: FILE, line: sinkLine, column: expect.any(Number) },
      message: "toKafka(): schemaRegistryUrl is read by format avro-confluent only, and this sink writes json",
      hint: "remove schemaRegistryUrl, or set format: 'avro-confluent'",
    });
    const sourceLine = lineHere() + 1;
    const src = errorOf(() => source("lines", { topic: "lines.csv", schema: Order, format: "csv", schemaRegistryUrl: "http://registry:8081" }));
    expect({ code: src.code, path: src.path, site: src.site, message: src.message, hint: src.hint }).toEqual({
      code: "STREAMT-B006",
      path: "lines",
      site: { file: FILE, line: sourceLine, column: expect.any(Number) },
      message: "source('lines'): schemaRegistryUrl is read by the avro-confluent and debezium-avro-confluent formats only, and this source reads csv",
      hint: "remove schemaRegistryUrl, or set format: 'avro-confluent'",
    });
  });
});
