/**
 * streamt-sdk/testing refuses a test it cannot run, with a coded error, before any job starts: wrong
 * arguments, steps out of order, expectations that contradict the sink. None of this needs the engine
 * (test/e2e/testing-api.test.ts runs the tests that do).
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t } from "streamt-sdk";
import { testPipeline, testUpgrade } from "streamt-sdk/testing";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const hourlySink = orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") }).toKafka("hourly.v1");
const hourly = pipeline("hourly").write(hourlySink);
const totalsSink = orders.groupBy("customer_id").aggregate({ orders: count() }, { ttl: "1d" }).toUpsertKafka("totals.v1", { key: ["customer_id"] });
const totals = pipeline("totals").write(totalsSink);

const order = (order_id: string, amount: number, time: string) => ({ order_id, customer_id: "c1", amount, status: "paid", ts: `2024-01-01T${time}` });
/** The error a call throws (or its promise rejects with), as the fields a user reads. */
async function refusal(call: () => unknown): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await call();
  } catch (e) {
    const { code, message, hint } = e as { code: string; message: string; hint?: string };
    return { code, message, hint };
  }
  throw new Error("expected a refusal, and the call went through");
}

describe("starting a test", () => {
  it("testPipeline and testUpgrade need pipelines, and name themselves in the refusal", async () => {
    expect(await refusal(() => testPipeline(null as never))).toEqual({ code: "STREAMT-T006", message: "testPipeline() needs a pipeline", hint: "pass what pipeline(name).write(...) returned" });
    expect(await refusal(() => testPipeline(hourlySink as never))).toEqual({ code: "STREAMT-T006", message: "testPipeline() needs a pipeline", hint: "pass what pipeline(name).write(...) returned" });
    expect(await refusal(() => testUpgrade(hourly, "v2" as never))).toEqual({ code: "STREAMT-T006", message: "testUpgrade() needs a pipeline", hint: "pass what pipeline(name).write(...) returned" });
  });

  it("a timeout that is no positive duration is refused, named by the call", async () => {
    expect((await refusal(() => testPipeline(hourly, { timeout: "0s" }))).message).toBe("testPipeline timeout must be longer than 0");
    expect((await refusal(() => testUpgrade(hourly, hourly, { timeout: "soon" as never }))).message).toBe('invalid duration "soon" for testUpgrade timeout: it is not a duration');
  });
});

describe("input steps", () => {
  it("a source the pipeline does not read (STREAMT-T002), naming the sources it does read", async () => {
    const payments = source("payments", { topic: "payments.v1", schema: Order });
    expect(await refusal(() => testPipeline(hourly).given(payments, []))).toEqual({ code: "STREAMT-T002", message: "given(): pipeline hourly does not read source payments", hint: "its sources are orders" });
    expect(await refusal(() => testPipeline(hourly).given(hourlySink as never, []))).toEqual({ code: "STREAMT-T006", message: "test of pipeline hourly: given() needs a source (made by source(...)) as its first argument", hint: "pass the source stream the pipeline reads" });
  });

  it("rows that are no array, or do not fit the source's schema (plain JavaScript callers)", async () => {
    expect(await refusal(() => testPipeline(hourly).given(orders, order("o1", 10, "10:00") as never))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: given(orders, ...) needs an array of rows",
      hint: "pass the rows as an array: given(source, [row, ...])",
    });
    const rows = [order("o1", 10, "10:00"), { ...order("o2", 10, "10:00"), amount: "ten" }];
    expect((await refusal(() => testPipeline(hourly).given(orders, rows as never))).message).toBe(
      `row 2 given to source orders of pipeline hourly does not fit its schema: field "amount" is "ten", not a number (DECIMAL(10, 2) NOT NULL)`,
    );
  });

  it("a source the test cannot feed: another format than json (STREAMT-T007)", async () => {
    const csv = source("csv-orders", { topic: "csv.v1", schema: Order, format: "csv" });
    const copy = pipeline("csv-copy").write(csv.toKafka("csv-out.v1"));
    expect(await refusal(() => testPipeline(copy).given(csv, []))).toEqual({
      code: "STREAMT-T007",
      message: "given(csv-orders): the source reads the csv format; a test writes its rows as JSON",
      hint: "test pipelines whose sources read json",
    });
  });
});

describe("watermark steps", () => {
  it("only forward: the same time again or an earlier one is refused; later ones are taken", async () => {
    const test = testPipeline(hourly).advanceWatermarkTo(orders, "2024-01-01T11:00").advanceWatermarkTo(orders, "2024-01-01T11:00:00.001");
    expect(await refusal(() => test.advanceWatermarkTo(orders, "2024-01-01T11:00:00.001"))).toEqual({
      code: "STREAMT-T004",
      message: `advanceWatermarkTo(orders, "2024-01-01T11:00:00.001"): the watermark is at 2024-01-01T11:00:00.001 already; a watermark only moves forward`,
      hint: "advance it to a later time, or leave this step out",
    });
    expect((await refusal(() => test.advanceWatermarkTo(orders, "2024-01-01T10:00"))).message).toBe(
      `advanceWatermarkTo(orders, "2024-01-01T10:00"): the watermark is at 2024-01-01T11:00:00.001 already; a watermark only moves forward`,
    );
    // A watermark of each source of its own: another source's step does not hold this one back.
    expect(() => testPipeline(hourly).advanceWatermarkTo(orders, "2024-01-01T09:00")).not.toThrow();
  });

  it("a time in the spelling of the column's type: local for TIMESTAMP, UTC (Z) for TIMESTAMP_LTZ", async () => {
    expect(await refusal(() => testPipeline(hourly).advanceWatermarkTo(orders, "2024-01-01T11:00:00Z"))).toEqual({
      code: "STREAMT-T004",
      message: `advanceWatermarkTo(orders, "2024-01-01T11:00:00Z"): not a timestamp`,
      hint: 'write it as "2024-01-01T11:00:00" (ISO-8601)',
    });
    expect((await refusal(() => testPipeline(hourly).advanceWatermarkTo(orders, 1704103200000 as never))).message).toBe(`advanceWatermarkTo(orders, 1704103200000): not a timestamp`);
    const Click = t.row({ id: t.string(), at: t.timestampLtz(3) });
    const clicks = source("clicks", { topic: "clicks.v1", schema: Click }).eventTime("at").watermark("1s");
    const copy = pipeline("clicks-copy").write(clicks.toKafka("clicks-out.v1"));
    expect(await refusal(() => testPipeline(copy).advanceWatermarkTo(clicks, "2024-01-01T11:00:00"))).toEqual({
      code: "STREAMT-T004",
      message: `advanceWatermarkTo(clicks, "2024-01-01T11:00:00"): not a UTC timestamp`,
      hint: 'write it as "2024-01-01T11:00:00Z" (ISO-8601, UTC)',
    });
    const test = testPipeline(copy).advanceWatermarkTo(clicks, "2024-01-01T11:00:00Z");
    expect((await refusal(() => test.advanceWatermarkTo(clicks, "2024-01-01T10:00:00Z"))).message).toBe(
      `advanceWatermarkTo(clicks, "2024-01-01T10:00:00Z"): the watermark is at 2024-01-01T11:00:00.000Z already; a watermark only moves forward`,
    );
  });

  it("a source without a watermark, or a changelog source, takes no watermark step", async () => {
    const plain = source("plain", { topic: "plain.v1", schema: Order });
    const copy = pipeline("plain-copy").write(plain.toKafka("plain-out.v1"));
    expect(await refusal(() => testPipeline(copy).advanceWatermarkTo(plain, "2024-01-01T10:00"))).toEqual({
      code: "STREAMT-T004",
      message: `advanceWatermarkTo(plain, "2024-01-01T10:00"): the source has no watermark`,
      hint: "declare one on the source: .eventTime(column).watermark(delay)",
    });
    const keyed = source("latest", { topic: "latest.v1", schema: Order, primaryKey: ["order_id"] }).eventTime("ts").watermark("5s");
    const latest = pipeline("latest-copy").write(keyed.toUpsertKafka("latest-out.v1", { key: ["order_id"] }));
    expect(await refusal(() => testPipeline(latest).advanceWatermarkTo(keyed, "2024-01-01T10:00"))).toEqual({
      code: "STREAMT-T007",
      message: `advanceWatermarkTo(latest): the source is a changelog keyed by order_id, whose topic cannot carry a watermark step without changing a key's row`,
      hint: "test it without watermark steps: at the end of its input the job's watermark passes every window",
    });
  });
});

describe("expectations", () => {
  it("a sink the pipeline does not write (STREAMT-T002), or no sink at all", async () => {
    expect(await refusal(() => testPipeline(hourly).expect(totalsSink, []))).toEqual({
      code: "STREAMT-T002",
      message: "expect(): pipeline hourly does not write sink totals.v1 (orders/aggregate/totals.v1)",
      hint: "its sinks are hourly.v1",
    });
    expect(await refusal(() => testPipeline(hourly).expect(orders as never, []))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: expect() needs a sink (made by toKafka() or toUpsertKafka()) as its first argument",
      hint: "pass the sink the pipeline writes",
    });
  });

  it("a print or blackhole sink writes no topic to read (STREAMT-T007); Kafka and upsert-Kafka sinks pass this check", async () => {
    const printed = orders.toPrint();
    expect(await refusal(() => testPipeline(pipeline("printed").write(printed)).expect(printed, []))).toEqual({
      code: "STREAMT-T007",
      message: "expect(print): a print sink writes no topic a test can read",
      hint: "expect the records of a toKafka() or toUpsertKafka() sink",
    });
    const dropped = orders.toBlackhole();
    expect((await refusal(() => testPipeline(pipeline("dropped").write(dropped)).expect(dropped, []))).message).toBe("expect(blackhole): a blackhole sink writes no topic a test can read");
    // Past the sink checks, the next refusal is of the rows: so neither sink kind was refused.
    expect((await refusal(() => testPipeline(hourly).expect(hourlySink, {} as never))).message).toBe("test of pipeline hourly: expect(hourly.v1, ...) needs an array of rows");
    expect((await refusal(() => testPipeline(totals).expect(totalsSink, {} as never, { changelog: true }))).message).toBe("test of pipeline totals: expect(totals.v1, ...) needs an array of changes");
  });

  it("expected rows are objects of the sink's columns, counted from 1", async () => {
    expect(await refusal(() => testPipeline(hourly).expect(hourlySink, [{ customer_id: "c1" } as never, "c2" as never]))).toEqual({
      code: "STREAMT-T006",
      message: 'test of pipeline hourly: expected row 2 of sink hourly.v1 is not an object: "c2"',
      hint: "write each expected row as an object of the sink's columns",
    });
    expect(await refusal(() => testPipeline(hourly).expect(hourlySink, [{ customer_id: "c1", total: 1, region: "eu" } as never]))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: expected row 1 of sink hourly.v1 has 'total', 'region', which the sink does not write",
      hint: "the sink's columns are window_start, window_end, customer_id, window_time, orders, revenue",
    });
  });

  it("changes ({ changelog: true }) only of an upsert sink, each +I, +U or -D, counted from 1", async () => {
    expect(await refusal(() => testPipeline(hourly).expect(hourlySink, [], { changelog: true } as never))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: expect(hourly.v1, ..., { changelog: true }): the sink writes an append-only topic, which has rows, not changes",
      hint: "leave out { changelog: true }",
    });
    const good = { op: "+I", row: { customer_id: "c1", orders: 1 } } as const;
    expect(await refusal(() => testPipeline(totals).expect(totalsSink, [good, { op: "-U", row: { customer_id: "c1", orders: 1 } } as never], { changelog: true }))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline totals: change 2 expected of sink totals.v1 is a -U: an upsert topic holds none",
      hint: "Flink's upsert-kafka sink writes no UPDATE_BEFORE: expect the +U that replaces the key's row",
    });
    expect(await refusal(() => testPipeline(totals).expect(totalsSink, [good, good, { op: "+X", row: {} } as never], { changelog: true }))).toEqual({
      code: "STREAMT-T006",
      message: 'test of pipeline totals: change 3 expected of sink totals.v1 is not { op: "+I" | "+U" | "-D", row }: {"op":"+X","row":{}}',
      hint: 'write each change as { op: "+I", row: { ... } }',
    });
    expect((await refusal(() => testPipeline(totals).expect(totalsSink, ["+I" as never], { changelog: true }))).message).toBe(
      'test of pipeline totals: change 1 expected of sink totals.v1 is not { op: "+I" | "+U" | "-D", row }: "+I"',
    );
    expect((await refusal(() => testPipeline(totals).expect(totalsSink, [{ op: "-D", row: { customer_id: "c1", n: 1 } } as never], { changelog: true }))).message).toBe(
      "test of pipeline totals: expected row 1 of sink totals.v1 has 'n', which the sink does not write",
    );
  });
});

describe("restore tests", () => {
  it("savepoint() once, only in a restore test, and before the first expectation", async () => {
    expect(await refusal(() => (testPipeline(hourly) as unknown as { savepoint(): unknown }).savepoint())).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: savepoint() is a step of a restore test",
      hint: "start the test with testUpgrade(before, after)",
    });
    expect(await refusal(() => testUpgrade(hourly, hourly).savepoint().savepoint())).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: savepoint() twice: a restore test has one savepoint, between the two pipelines",
      hint: "call savepoint() once",
    });
    expect(await refusal(() => testUpgrade(hourly, hourly).given(orders, []).expect(hourlySink, []))).toEqual({
      code: "STREAMT-T006",
      message: "test of pipeline hourly: the restore test has no savepoint() step, so its second pipeline would never run",
      hint: "call savepoint() between the input of the pipeline before the change and the input after it",
    });
  });

  it("steps after savepoint() go to the pipeline after the change: its sources, its name", async () => {
    const payments = source("payments", { topic: "payments.v1", schema: Order });
    const after = pipeline("payments-copy").write(payments.toKafka("payments-out.v1"));
    const test = testUpgrade(hourly, after).given(orders, [order("o1", 10, "10:00")]).savepoint();
    expect(await refusal(() => test.given(orders, []))).toEqual({ code: "STREAMT-T002", message: "given(): pipeline payments-copy does not read source orders", hint: "its sources are payments" });
    expect(() => test.given(payments, [order("o2", 5, "10:01")])).not.toThrow();
  });
});
