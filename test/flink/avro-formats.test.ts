/**
 * Schema-registry formats against Flink's own planner (issue 16): the runner's classpath carries
 * flink-sql-avro-confluent-registry (2.2.0 on the 2.x line, 1.20.0 on the 1.20 line, the newest 1.20
 * release of that jar), so the scripts synth writes for avro-confluent and debezium-avro-confluent
 * topics are planned like any other. Before, the planner refused each of them with "Could not find any
 * factory for identifier 'avro-confluent'".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";
import { scriptOf } from "../helpers.js";

const REGISTRY = "http://127.0.0.1:8081";
const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string().nullable(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.avro", schema: Order, format: "avro-confluent", schemaRegistryUrl: REGISTRY }).eventTime("ts").watermark("5s");
const customers = source("customers", { topic: "customers.avro", schema: Customer, format: "avro-confluent", schemaRegistryUrl: REGISTRY, primaryKey: ["customer_id"] });
const customerChanges = source("customer-changes", { topic: "customers.cdc", schema: Customer, format: "debezium-avro-confluent", schemaRegistryUrl: REGISTRY, primaryKey: ["customer_id"] });

const scripts = (flinkVersion: "2.2" | "1.20") =>
  [
    // append source -> event-time window -> append sink, both in avro-confluent
    pipeline("avro-window").write(
      orders.tumble("1h").groupBy("customer_id").aggregate({ orders: count() }).toKafka("orders.hourly.avro", { format: "avro-confluent", schemaRegistryUrl: REGISTRY }),
    ),
    // keyed (upsert-kafka) source -> upsert sink: the registry is set for the key and the value format
    pipeline("avro-upsert").write(customers.select("customer_id", "name").toUpsertKafka("customer.names.avro", { key: ["customer_id"], format: "avro-confluent", schemaRegistryUrl: REGISTRY })),
    // a Debezium changelog in Avro -> upsert sink in JSON
    pipeline("avro-cdc").write(customerChanges.select("customer_id", "name").toUpsertKafka("customer.names.v1", { key: ["customer_id"] })),
  ].map((p) => ({ id: p.definition.name, script: scriptOf(p, flinkVersion) }));

for (const [flinkVersion, target] of [["2.2", "2"], ["1.20", "1.20"]] as const) {
  describe(`schema-registry formats on Flink ${flinkVersion}`, () => {
    let validator: ScriptValidator;
    beforeAll(async () => {
      validator = await sharedValidator(target);
    }, 300_000);
    afterAll(async () => validator?.close());

    it("plans avro-confluent and debezium-avro-confluent sources and sinks", async () => {
      const results = await validator.validateAll(scripts(flinkVersion));
      expect(results.map((r) => [r.id, r.ok ? "ok" : r.error])).toEqual([
        ["avro-window", "ok"],
        ["avro-upsert", "ok"],
        ["avro-cdc", "ok"],
      ]);
    }, 120_000);

    it("the scripts name the registry on every avro format", () => {
      const [window, upsert, cdc] = scripts(flinkVersion).map((s) => s.script);
      expect(window!.match(/'(?:[a-z.]*)avro-confluent\.url' = '[^']*'/g)).toEqual([`'avro-confluent.url' = '${REGISTRY}'`, `'avro-confluent.url' = '${REGISTRY}'`]);
      expect(upsert!.match(/'(?:[a-z.]*)avro-confluent\.url' = '[^']*'/g)).toEqual([
        `'key.avro-confluent.url' = '${REGISTRY}'`,
        `'value.avro-confluent.url' = '${REGISTRY}'`,
        `'key.avro-confluent.url' = '${REGISTRY}'`,
        `'value.avro-confluent.url' = '${REGISTRY}'`,
      ]);
      expect(cdc!.match(/'format' = '[^']*'|'debezium-avro-confluent\.url' = '[^']*'/g)).toEqual([`'format' = 'debezium-avro-confluent'`, `'debezium-avro-confluent.url' = '${REGISTRY}'`]);
    });
  });
}
