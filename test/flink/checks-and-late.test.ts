/**
 * Data-quality checks and late records (issue 12, parts 2 and 3) plan on Flink 2.2 and 1.20: every rule
 * kind, on nullable and NOT NULL columns, numbers, strings and times (TIMESTAMP and TIMESTAMP_LTZ rowtime,
 * written into the failure record's JSON), the late-records filter on a source and after a select, and
 * unique (its split by lateness, OVER aggregate and the union of late and rule failures), alone, with other
 * rules, and with onFail "drop" followed by a window.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";

const Order = t.row({
  order_id: t.string(),
  customer: t.string().nullable(),
  status: t.string().nullable(),
  amount: t.decimal(10, 2),
  qty: t.tinyint().nullable(),
  email: t.string().nullable(),
  day: t.date().nullable(),
  at: t.timestamp(3),
  ltz: t.timestampLtz(3),
});

function scripts(flinkVersion: string): { id: string; script: string }[] {
  const emit = (p: { definition: Parameters<typeof emitPipelineSql>[0] }) => emitPipelineSql(p.definition, { bootstrapServers: "127.0.0.1:9092", flinkVersion });
  const out: { id: string; script: string }[] = [];
  for (const time of ["at", "ltz"] as const) {
    const orders = source("orders", { topic: "orders", schema: Order }).eventTime(time).watermark("5s");
    const checked = orders.check("quality", {
      notNull: ["customer", "qty"],
      accepted: { status: ["NEW", "PAID"], qty: [1, 2, 3] },
      range: { amount: { min: 0, max: 10000 }, day: { min: new Date(Date.UTC(2024, 0, 1)) }, at: { max: new Date("2030-01-01T00:00:00Z") } },
      like: { email: "%@%", order_id: "o-%" },
      expr: { positive: (o) => o.amount.gt(0), known_customer: (o) => o.customer.ne("nobody") },
    });
    out.push({ id: `every rule, rowtime ${time}`, script: emit(pipeline("checks").write(checked.toKafka("valid"), checked.failures.toKafka("failures"))) });
    out.push({ id: `late records, rowtime ${time}`, script: emit(pipeline("late").write(orders.toKafka("all"), orders.lateRecords().toKafka("late"))) });
    const narrowed = orders.filter((o) => o.amount.gt(0)).select("order_id", time);
    out.push({ id: `late records after a filter and select, rowtime ${time}`, script: emit(pipeline("late-after").write(narrowed.lateRecords().toKafka("late"))) });
    const dropped = orders.check("dropping", { range: { qty: { min: 1 } } }, { onFail: "drop" });
    out.push({ id: `onFail drop then a window, rowtime ${time}`, script: emit(pipeline("dropping").write(dropped.tumble("1m").count().toKafka("counts"))) });
    const unique = orders.check("unique", { unique: { columns: ["order_id"], within: "1h" } });
    out.push({ id: `unique, rowtime ${time}`, script: emit(pipeline("unique", { stateTtl: "1d" }).write(unique.toKafka("valid"), unique.failures.toKafka("failures"))) });
    const uniqueAndRules = orders.check("unique_and_rules", { notNull: ["customer"], range: { amount: { min: 0 } }, unique: { columns: ["customer", "order_id"], within: "90s" } });
    out.push({ id: `unique of two nullable and NOT NULL columns with other rules, rowtime ${time}`, script: emit(pipeline("unique-rules", { stateTtl: "1d" }).write(uniqueAndRules.toKafka("valid"), uniqueAndRules.failures.toKafka("failures"))) });
    // The valid stream keeps its rowtime and watermark: a window after it plans.
    const uniqueDropped = orders.check("unique_drop", { unique: { columns: ["customer"], within: "5m" } }, { onFail: "drop" });
    out.push({ id: `unique with onFail drop then a window, rowtime ${time}`, script: emit(pipeline("unique-drop", { stateTtl: "1d" }).write(uniqueDropped.tumble("1m").count().toKafka("counts"))) });
    // A processing-time column next to the rowtime goes through the OVER aggregate and into the sinks.
    const withProctime = source("orders", { topic: "orders", schema: Order }).eventTime(time).watermark("5s").processingTime("seen");
    const uniqueProctime = withProctime.check("unique_proctime", { unique: { columns: ["order_id"], within: "1h" } });
    out.push({ id: `unique on a stream with a processing-time column, rowtime ${time}`, script: emit(pipeline("unique-proctime", { stateTtl: "1d" }).write(uniqueProctime.toKafka("valid"), uniqueProctime.failures.toKafka("failures"))) });
  }
  return out;
}

describe.each([
  ["2", "2.2"],
  ["1.20", "1.20"],
] as const)("checks and late records plan on Flink %s", (target, flinkVersion) => {
  let validator: ScriptValidator;
  beforeAll(async () => {
    validator = await sharedValidator(target);
  });
  afterAll(async () => {
    await validator?.close();
  });

  it("every rule kind, the failure records, and the late-records filter", async () => {
    const all = scripts(flinkVersion);
    const results = await validator.validateAll(all);
    expect(results.map((r) => `${r.id}: ${r.ok ? "ok" : r.error}`)).toEqual(all.map((s) => `${s.id}: ok`));
  }, 300_000);
});
