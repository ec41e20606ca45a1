/**
 * CDC sources against Flink's own planner: the DDL streamt emits for a debezium-json topic is accepted,
 * and the planner refuses such a source into an append-only kafka sink, which is what STREAMT-E007
 * reports at synth time (test/analysis/findings.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t, type Pipeline } from "streamt-sdk";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";
import { scriptOf } from "../helpers.js";

const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });
const Order = t.row({ order_id: t.string(), customer_id: t.string(), ts: t.timestamp(3) });

const keyed = source("customers", { topic: "customers.cdc", schema: Customer, format: "debezium-json", primaryKey: ["customer_id"] });
const unkeyed = source("customers", { topic: "customers.cdc", schema: Customer, format: "debezium-json" });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("1s");

/** pipeline(...).write(...) without the type-level guard (toKafka on an updating stream is a type error). */
const unchecked = (name: string, sink: unknown): Pipeline => (pipeline(name) as unknown as { write(s: unknown): Pipeline }).write(sink);

for (const [flinkVersion, target] of [["2.2", "2"], ["1.20", "1.20"]] as const) {
  describe(`debezium-json sources on Flink ${flinkVersion}`, () => {
    let validator: ScriptValidator;
    beforeAll(async () => {
      validator = await sharedValidator(target);
    }, 300_000);
    afterAll(async () => validator?.close());

    it("accepts a keyed and an unkeyed CDC source into upsert-kafka, and a keyed one as a versioned table", async () => {
      const versioned = keyed.eventTime("updated_at").watermark("1s");
      const scripts = [
        pipeline("cdc-keyed").write(keyed.toUpsertKafka("customers.v2", { key: ["customer_id"] })),
        pipeline("cdc-unkeyed").write(unkeyed.toUpsertKafka("customers.v2", { key: ["customer_id"] })),
        pipeline("cdc-versioned").write(
          orders.temporalJoin(versioned, { on: { customer_id: "customer_id" }, select: (o, c) => ({ order_id: o.order_id, name: c.name, ts: o.ts }) }).toKafka("enriched.v1"),
        ),
      ].map((p) => ({ id: p.definition.name, script: scriptOf(p, flinkVersion) }));
      const results = await validator.validateAll(scripts);
      expect(results.map((r) => [r.id, r.ok ? "ok" : r.error])).toEqual([["cdc-keyed", "ok"], ["cdc-unkeyed", "ok"], ["cdc-versioned", "ok"]]);
    }, 60_000);

    it("refuses a CDC source into the append-only kafka connector (what STREAMT-E007 reports first)", async () => {
      const r = await validator.validate("cdc-append", scriptOf(unchecked("cdc-append", (keyed as unknown as { toKafka(t: string): unknown }).toKafka("customers.v2")), flinkVersion));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/doesn't support consuming update and delete changes/);
    }, 60_000);
  });
}
