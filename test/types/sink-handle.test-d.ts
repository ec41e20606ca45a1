/**
 * A sink as a typed handle (issue 15): the reader's row type is the writer's output row type, with no
 * re-declaration; an append topic reads append-only, an upsert topic as a keyed changelog; the
 * writer's event-time column is the one watermark() uses.
 */
import { describe, expectTypeOf, it } from "vitest";
import { count, lastValue, pipeline, source, sum, t, type Col, type Sink, type SourceStream } from "streamt-sdk";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("ts").watermark("5s");

const hourlyOut = orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount") }).toKafka("orders.hourly.v1");
const totalsOut = orders.groupBy("customer_id").aggregate({ total: sum("amount"), status: lastValue("status") }, { ttl: "1d" }).toUpsertKafka("customers.totals.v1", { key: ["customer_id"] });

type Hourly = {
  readonly window_start: Col<"TIMESTAMP", false, "none">;
  readonly window_end: Col<"TIMESTAMP", false, "none">;
  readonly customer_id: Col<"STRING", false, "none">;
  readonly window_time: Col<"TIMESTAMP", false, "none">;
  readonly orders: Col<"BIGINT", false, "none">;
  readonly revenue: Col<"DECIMAL", false, "none">;
};

describe("source(name, { from: sink })", () => {
  it("has the writer's row, append-only, with the writer's event-time column to put a watermark on", () => {
    const hourly = source("hourly", { from: hourlyOut });
    expectTypeOf(hourly).toEqualTypeOf<SourceStream<Hourly, { readonly changelog: "append"; readonly state: "bounded" }, "window_time">>();
    // The watermark makes window_time the rowtime, so the reader can window again.
    const daily = hourly.watermark("10s").tumble("1d").groupBy("customer_id").aggregate({ revenue: sum("revenue") });
    expectTypeOf(daily.__row!.revenue).toEqualTypeOf<Col<"DECIMAL", false, "none">>();
    pipeline("daily").write(daily.toKafka("orders.daily.v1"));
  });

  it("reads an upsert topic as a changelog: toKafka() is a type error, toUpsertKafka() is not", () => {
    const totals = source("totals", { from: totalsOut });
    expectTypeOf(totals.__row!.status).toEqualTypeOf<Col<"STRING", true, "none">>();
    expectTypeOf(totals.__traits!).toEqualTypeOf<{ readonly changelog: "updating"; readonly state: "bounded" }>();
    // @ts-expect-error an updating stream needs toUpsertKafka
    totals.toKafka("copy.v1");
    totals.toUpsertKafka("copy.v1", { key: ["customer_id"] });
    // @ts-expect-error the writer had no event time here, so there is no column for watermark() to use
    totals.watermark("5s");
  });

  it("a wrong column use is a type error", () => {
    const hourly = source("hourly", { from: hourlyOut });
    // @ts-expect-error the writer wrote no 'amount'
    hourly.filter((r) => r.amount.gt(1));
    // @ts-expect-error revenue is a DECIMAL, not a string
    hourly.filter((r) => r.revenue.eq("x"));
    // @ts-expect-error customer_id is a STRING, not a timestamp
    hourly.eventTime("customer_id");
    hourly.filter((r) => r.revenue.gt(100));
  });

  it("refuses sinks that write no topic, and what the sink decides", () => {
    // @ts-expect-error toPrint() writes no topic
    source("p", { from: orders.toPrint() });
    // @ts-expect-error the topic is the sink's
    source("h", { from: hourlyOut, topic: "other" });
    // @ts-expect-error the schema is the sink's
    source("h", { from: hourlyOut, schema: Order });
    source("h", { from: hourlyOut, startFrom: "earliest", idleTimeout: "1m", onContractViolation: { deadLetter: "h.dlq" } });
  });

  it("keeps the sink's row and key in its type", () => {
    expectTypeOf(totalsOut).toMatchTypeOf<Sink<{ readonly changelog: "updating"; readonly state: "bounded" }, any, "customer_id">>();
  });
});
