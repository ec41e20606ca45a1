/**
 * Issue 12, parts 2 and 3 on the engine: a pipeline with data-quality checks writes exactly the rows
 * that pass to its sink and one failure record per failing row (nulls, values outside the accepted set,
 * out-of-range values, a pattern, an expression that is false or NULL, two rules failed at once) to its
 * failures topic; a record behind the source's watermark reaches the late topic, and on-time records do
 * not. One job for the file (one partition, parallelism 1), each part on its own topics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import type { TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, complete, events, runId, send, sorted, startServedPipeline, type ServedPipeline, valuesAfter, watch } from "./support.js";

const topic = (name: string) => `e2e.checks.${name}.${runId}`;

const Order = t.row({ order_id: t.string(), customer: t.string().nullable(), status: t.string().nullable(), amount: t.int().nullable(), email: t.string().nullable(), at: t.timestamp(3) });
const orders = source("orders", { topic: topic("orders"), schema: Order });
const checked = orders.check("orders_quality", {
  notNull: ["customer"],
  accepted: { status: ["NEW", "PAID"] },
  range: { amount: { min: 0, max: 10000 } },
  like: { email: "%@%" },
  expr: { not_zero: (o) => o.amount.ne(0) },
});

// unique: a 5m watermark delay lets rows arrive out of order and still be on time.
const UniqueOrder = t.row({ order_id: t.string().nullable(), amount: t.int(), at: t.timestamp(3) });
const uniqueOrders = source("unique-orders", { topic: topic("unique-orders"), schema: UniqueOrder }).eventTime("at").watermark("5m");
const uniqueChecked = uniqueOrders.check("unique_orders", { range: { amount: { min: 0 } }, unique: { columns: ["order_id"], within: "1m" } });

const Reading = t.row({ sensor: t.string(), value: t.int(), at: t.timestamp(3) });
const readings = source("readings", { topic: topic("readings"), schema: Reading }).eventTime("at").watermark("1s");

// The unique rule keeps each key's last row until the state TTL, which must cover its within (STREAMT-E022).
const job = pipeline(`e2e-checks-${runId}`, { parallelism: 1, stateTtl: "1d" }).write(
  checked.toKafka(topic("valid")),
  checked.failures.toKafka(topic("failures")),
  uniqueChecked.toKafka(topic("unique-valid")),
  uniqueChecked.failures.toKafka(topic("unique-failures")),
  readings.tumble("1m").count().select("window_start", "count").toKafka(topic("counts")),
  readings.lateRecords().toKafka(topic("late")),
);

let running: ServedPipeline;
const watchers: TopicWatcher[] = [];
async function output(name: string): Promise<TopicWatcher> {
  const w = await watch(topic(name));
  watchers.push(w);
  return w;
}

beforeAll(async () => {
  running = await startServedPipeline(job, ["orders", "valid", "failures", "unique-orders", "unique-valid", "unique-failures", "readings", "counts", "late"].map((name) => ({ name: topic(name) })));
}, 180_000);

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await running?.stop();
});

describe("data-quality checks in the job", () => {
  it("passing rows flow on; each failing row is one failure record naming every rule it fails", async () => {
    const valid = await output("valid");
    const failures = await output("failures");
    const before = Date.now();
    const row = (order_id: string, fields: Record<string, unknown>) => ({ order_id, customer: "c1", status: "NEW", amount: 10, email: "a@x.io", at: at("10:00"), ...fields });
    await send(topic("orders"), events([
      row("ok1", {}),
      row("no-customer", { customer: null }),
      row("cancelled", { status: "CANCELLED" }),
      row("too-big", { amount: 10001 }),
      row("negative-and-bad-mail", { amount: -5, email: "nobody" }),
      row("zero", { amount: 0 }),
      row("nulls-pass", { status: null, email: null }),
      row("null-amount", { amount: null }),
      row("edges", { status: "PAID", amount: 10000 }),
      row("all-wrong", { customer: null, status: "LOST", amount: 20000, email: "x" }),
    ]));
    expect(await valuesAfter(valid, 3)).toEqual([
      row("ok1", {}),
      row("nulls-pass", { status: null, email: null }),
      row("edges", { status: "PAID", amount: 10000 }),
    ]);
    const records = (await valuesAfter(failures, 7)) as Record<string, unknown>[];
    const after = Date.now();
    for (const r of records) {
      // detected_at is the processing time the row failed at (CURRENT_TIMESTAMP, TIMESTAMP_LTZ(3) in ISO-8601 UTC).
      const detected = Date.parse(String(r.detected_at));
      expect(detected).toBeGreaterThanOrEqual(before - 1_000);
      expect(detected).toBeLessThanOrEqual(after);
    }
    // The row as JSON text: Flink's JSON_OBJECT writes the keys in alphabetical order, NULL values as null.
    const json = (order_id: string, fields: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries({ ...row(order_id, fields), at: "2024-01-01T10:00:00" }).sort(([a], [b]) => (a < b ? -1 : 1))));
    const failure = (order_id: string, fields: Record<string, unknown>, violation_type: string, violation_details: string) => ({ test_name: "orders_quality", violation_type, violation_details, record: json(order_id, fields) });
    expect(records.map(({ detected_at: _, ...rest }) => rest)).toEqual([
      failure("no-customer", { customer: null }, "not_null", "customer is null"),
      failure("cancelled", { status: "CANCELLED" }, "accepted_values", 'status is not one of "NEW", "PAID"'),
      failure("too-big", { amount: 10001 }, "range", "amount is outside [0, 10000]"),
      failure("negative-and-bad-mail", { amount: -5, email: "nobody" }, "range,like", 'amount is outside [0, 10000]; email does not match "%@%"'),
      failure("zero", { amount: 0 }, "expression", "not_zero is not true"),
      // A NULL amount passes the range (only notNull would catch it), but the expression is NULL there, not TRUE.
      failure("null-amount", { amount: null }, "expression", "not_zero is not true"),
      failure("all-wrong", { customer: null, status: "LOST", amount: 20000, email: "x" }, "not_null,accepted_values,range,like",
        'customer is null; status is not one of "NEW", "PAID"; amount is outside [0, 10000]; email does not match "%@%"'),
    ]);
  }, 120_000);
});

describe("unique within a window", () => {
  it("the first row of a key passes and its repeats within 1m (inclusive, by event time) fail; NULL keys pass; rows behind the watermark are late failures", async () => {
    const valid = await output("unique-valid");
    const failures = await output("unique-failures");
    const row = (order_id: string | null, time: string, amount: number) => ({ order_id, amount, at: at(time) });
    await send(topic("unique-orders"), events([
      row("a", "10:00:30", 2), // arrives first, but a's 10:00:00 row is earlier in event time
      row("a", "10:00:00", 1),
      row("b", "10:00:10", -5),
      row("b", "10:00:20", -1), // fails range and unique: one record names both
      row(null, "10:00:05", 10),
      row(null, "10:00:06", 11),
      row("c", "10:00:40", 7), // the same key and time twice: the first to arrive passes
      row("c", "10:00:40", 8),
      row("a", "10:01:31", 3), // 61s after a's 10:00:30 (which failed, and still counts as an earlier row)
      row("a", "10:02:31", 4), // exactly 1m after 10:01:31
      row("z", "10:20:00", 0), // moves the watermark to 10:15:00: every row above is decided
    ]));
    const json = (r: ReturnType<typeof row>) => JSON.stringify({ amount: r.amount, at: r.at, order_id: r.order_id });
    const failure = (r: ReturnType<typeof row>, violation_type: string, violation_details: string) => ({ test_name: "unique_orders", violation_type, violation_details, record: json(r) });
    const withoutTime = (rs: unknown[]) => (rs as Record<string, unknown>[]).map(({ detected_at: _, ...rest }) => rest);
    expect(sorted(await valuesAfter(valid, 5))).toEqual(sorted([row("a", "10:00:00", 1), row(null, "10:00:05", 10), row(null, "10:00:06", 11), row("c", "10:00:40", 7), row("a", "10:01:31", 3)]));
    expect(sorted(withoutTime(await valuesAfter(failures, 5)))).toEqual(sorted([
      failure(row("a", "10:00:30", 2), "unique", "order_id repeats within 1m"),
      failure(row("b", "10:00:10", -5), "range", "amount is below 0"),
      failure(row("b", "10:00:20", -1), "range,unique", "amount is below 0; order_id repeats within 1m"),
      failure(row("c", "10:00:40", 8), "unique", "order_id repeats within 1m"),
      failure(row("a", "10:02:31", 4), "unique", "order_id repeats within 1m"),
    ]));

    // Behind the watermark (10:15:00) the OVER aggregate would drop them: they are failure records instead.
    await send(topic("unique-orders"), events([row("e", "10:05:00", 5), row("a", "10:02:00", -3), row("z", "10:30:00", 0)]));
    const late = "arrived behind the watermark: unique(order_id) cannot be decided";
    expect(withoutTime(await valuesAfter(failures, 7)).slice(5)).toEqual([failure(row("e", "10:05:00", 5), "late", late), failure(row("a", "10:02:00", -3), "late", late)]);
    // z's 10:20:00 row, decided once the watermark passed it; z's 10:30:00 row waits for a later watermark.
    expect((await valuesAfter(valid, 6)).slice(5)).toEqual([row("z", "10:20:00", 0)]);
  }, 120_000);
});

describe("late records", () => {
  it("a record behind the source's watermark reaches the late topic; on-time records do not, and the window drops it", async () => {
    const counts = await output("counts");
    const late = await output("late");
    await send(topic("readings"), events([
      { sensor: "s1", value: 1, at: at("10:00:10") },
      { sensor: "s2", value: 2, at: at("10:00:20") },
      { sensor: "s3", value: 3, at: at("10:01:30") },
    ]));
    // The 10:00 window fired: the source's watermark (10:01:29) has passed 10:00:20.
    await counts.until((rs) => rs.length >= 1, 60_000);
    await send(topic("readings"), events([
      { sensor: "s4-late", value: 4, at: at("10:00:30") },
      { sensor: "s5", value: 5, at: at("10:01:40") },
      { sensor: "s6", value: 6, at: at("10:02:30") },
    ]));
    expect((await complete(late, (rs) => rs.length >= 1)).map((r) => r.value)).toEqual([{ sensor: "s4-late", value: 4, at: at("10:00:30") }]);
    expect(await valuesAfter(counts, 2)).toEqual([
      { window_start: at("10:00"), count: 2 },
      { window_start: at("10:01"), count: 2 },
    ]);
  }, 120_000);
});
