/**
 * Issue 12, parts 2 and 3 on the engine: a pipeline with data-quality checks writes exactly the rows
 * that pass to its sink and one failure record per failing row (nulls, values outside the accepted set,
 * out-of-range values, a pattern, an expression that is false or NULL, two rules failed at once) to its
 * failures topic; a record behind the source's watermark reaches the late topic, and on-time records do
 * not. One job for the file (one partition, parallelism 1), each part on its own topics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import type { LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import type { TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, complete, events, runId, send, startPipeline, valuesAfter, watch } from "./support.js";

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

const Reading = t.row({ sensor: t.string(), value: t.int(), at: t.timestamp(3) });
const readings = source("readings", { topic: topic("readings"), schema: Reading }).eventTime("at").watermark("1s");

const job = pipeline(`e2e-checks-${runId}`, { parallelism: 1 }).write(
  checked.toKafka(topic("valid")),
  checked.failures.toKafka(topic("failures")),
  readings.tumble("1m").count().select("window_start", "count").toKafka(topic("counts")),
  readings.lateRecords().toKafka(topic("late")),
);

let running: LocalJob;
const watchers: TopicWatcher[] = [];
async function output(name: string): Promise<TopicWatcher> {
  const w = await watch(topic(name));
  watchers.push(w);
  return w;
}

beforeAll(async () => {
  running = await startPipeline(job, ["orders", "valid", "failures", "readings", "counts", "late"].map((name) => ({ name: topic(name) })));
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
