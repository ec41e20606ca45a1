import { describe, expect, it } from "vitest";
import { avg, count, countDistinct, firstValue, lit, max, min, pipeline, source, sum, t, when } from "streamt-sdk";
import { scriptOf, statementOf } from "../helpers.js";

const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  status: t.string().nullable(),
  ts: t.timestamp(3),
});
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");

describe("sources", () => {
  it("declares columns, watermark and Kafka options", () => {
    const p = pipeline("p").write(orders.toPrint());
    // Every column as the topic can hold it; the view `orders` enforces the NOT NULL ones (source-contract.test.ts).
    expect(statementOf(p, "orders__raw")).toBe(`CREATE TEMPORARY TABLE \`orders__raw\` (
  \`order_id\` STRING,
  \`customer_id\` STRING,
  \`amount\` DECIMAL(10, 2),
  \`status\` STRING,
  \`ts\` TIMESTAMP(3),
  \`__streamt_rowtime\` AS COALESCE(\`ts\`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),
  WATERMARK FOR \`__streamt_rowtime\` AS \`__streamt_rowtime\` - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'orders.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'p',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);`);
  });

  it("keeps millisecond watermark delays exact", () => {
    const s = (delay: "250ms" | "1500ms" | "90s" | "120m" | "monotonous") =>
      statementOf(pipeline("p").write(source("o", { topic: "o", schema: Order }).eventTime("ts").watermark(delay).toPrint()), "o__raw")
        .split("\n")
        .find((l) => l.includes("WATERMARK"));
    const ts = "`__streamt_rowtime`";
    expect(s("250ms")).toBe(`  WATERMARK FOR ${ts} AS ${ts} - INTERVAL '0.25' SECOND`);
    expect(s("1500ms")).toBe(`  WATERMARK FOR ${ts} AS ${ts} - INTERVAL '1.5' SECOND`);
    expect(s("90s")).toBe(`  WATERMARK FOR ${ts} AS ${ts} - INTERVAL '90' SECOND`);
    expect(s("120m")).toBe(`  WATERMARK FOR ${ts} AS ${ts} - INTERVAL '2' HOUR`);
    expect(s("monotonous")).toBe(`  WATERMARK FOR ${ts} AS ${ts}`);
  });

  it("emits idle timeout, processing time, start offsets and extra properties", () => {
    const src = source("clicks", {
      topic: "clicks",
      schema: Order,
      startFrom: { timestamp: 1700000000000 },
      properties: { "isolation.level": "read_committed" },
    })
      .idleTimeout("30s")
      .processingTime("pt");
    const ddl = statementOf(pipeline("p").write(src.toPrint()), "clicks__raw");
    expect(ddl).toContain("  `pt` AS PROCTIME()\n");
    expect(ddl).toContain("  'scan.startup.mode' = 'timestamp',\n  'scan.startup.timestamp-millis' = '1700000000000',\n");
    expect(ddl).toContain("  'scan.watermark.idle-timeout' = '30 s',\n  'properties.isolation.level' = 'read_committed'\n);");
  });

  it("reads a primary-keyed topic with upsert-kafka and key/value formats", () => {
    const ddl = statementOf(pipeline("p").write(customers.toPrint()), "customers__raw");
    // The key stays NOT NULL (Flink makes a PRIMARY KEY column NOT NULL whatever the DDL says).
    expect(ddl).toBe(`CREATE TEMPORARY TABLE \`customers__raw\` (
  \`customer_id\` STRING NOT NULL,
  \`name\` STRING,
  \`updated_at\` TIMESTAMP(3),
  \`__streamt_rowtime\` AS COALESCE(\`updated_at\`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),
  WATERMARK FOR \`__streamt_rowtime\` AS \`__streamt_rowtime\` - INTERVAL '1' SECOND,
  PRIMARY KEY (\`customer_id\`) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'customers.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'p',
  'key.format' = 'json',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601'
);`);
  });

  it("reads a debezium-json topic with the kafka connector, its primary key NOT ENFORCED (upsert-kafka takes no CDC format)", () => {
    const cdc = source("customers_cdc", { topic: "customers.cdc", schema: Customer, format: "debezium-json", primaryKey: ["customer_id"] });
    expect(statementOf(pipeline("p").write(cdc.toPrint()), "customers_cdc__raw")).toBe(`CREATE TEMPORARY TABLE \`customers_cdc__raw\` (
  \`customer_id\` STRING NOT NULL,
  \`name\` STRING,
  \`updated_at\` TIMESTAMP(3),
  PRIMARY KEY (\`customer_id\`) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'customers.cdc',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'p',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'debezium-json',
  'debezium-json.timestamp-format.standard' = 'ISO-8601'
);`);
    const noKey = source("customers_cdc", { topic: "customers.cdc", schema: Customer, format: "debezium-json", startFrom: "earliest" });
    const ddl = statementOf(pipeline("p").write(noKey.toPrint()), "customers_cdc__raw");
    expect(ddl).not.toContain("PRIMARY KEY");
    expect(ddl).toContain("  'connector' = 'kafka',\n");
    expect(ddl).toContain("  'scan.startup.mode' = 'earliest-offset',\n  'format' = 'debezium-json',\n");
  });
});

describe("stateless steps", () => {
  it("filter with boolean logic, IN, LIKE, BETWEEN and IS NULL", () => {
    const s = orders.filter((o) =>
      o.status.in("paid", "shipped").and(o.customer_id.like("c-%")).or(o.amount.between(10, 20)).and(o.status.isNotNull()),
    );
    expect(statementOf(pipeline("p").write(s.toPrint()), "orders__filter")).toBe(
      "CREATE TEMPORARY VIEW `orders__filter` AS\nSELECT * FROM `orders`\nWHERE ((((`status` IN ('paid', 'shipped')) AND (`customer_id` LIKE 'c-%')) OR (`amount` BETWEEN 10 AND 20)) AND (`status` IS NOT NULL));",
    );
  });

  it("select with arithmetic, CASE, casts, functions and literals", () => {
    const s = orders.select((o) => ({
      id: o.order_id,
      cents: o.amount.mul(100).cast(t.bigint()),
      band: when(o.amount.ge(100), "big").otherwise("small"),
      who: o.customer_id.upper().concat("-", o.order_id),
      hour: o.ts.floorTo("HOUR"),
      status: o.status.orElse("unknown"),
      one: lit(1),
      ts: o.ts,
    }));
    expect(statementOf(pipeline("p").write(s.toPrint()), "orders__select")).toBe(
      "CREATE TEMPORARY VIEW `orders__select` AS\nSELECT `order_id` AS `id`, CAST((`amount` * 100) AS BIGINT) AS `cents`, CAST(CASE WHEN (`amount` >= 100) THEN 'big' ELSE 'small' END AS STRING) AS `band`, CONCAT(UPPER(`customer_id`), '-', `order_id`) AS `who`, CAST(FLOOR(`ts` TO HOUR) AS TIMESTAMP(3)) AS `hour`, COALESCE(`status`, 'unknown') AS `status`, 1 AS `one`, `ts`\nFROM `orders`;",
    );
  });

  it("computes Flink's result types for arithmetic", () => {
    const s = orders.select((o) => ({ sum: o.amount.add(o.amount), prod: o.amount.mul(o.amount), quot: o.amount.div(3), n: lit(7).add(1) }));
    const sink = statementOf(pipeline("p").write(s.toKafka("x")), "x");
    expect(sink).toContain("  `sum` DECIMAL(11, 2),\n  `prod` DECIMAL(21, 4),\n  `quot` DECIMAL(21, 13),\n  `n` INT\n");
  });

  it("union of streams with the same columns", () => {
    const a = orders.filter((o) => o.amount.gt(0)).as("positive");
    const b = orders.filter((o) => o.amount.lt(0)).as("negative");
    const u = a.union(b);
    expect(statementOf(pipeline("p").write(u.toPrint()), "orders__positive__union")).toBe(
      "CREATE TEMPORARY VIEW `orders__positive__union` AS\nSELECT `order_id`, `customer_id`, `amount`, `status`, `ts` FROM `orders__positive`\nUNION ALL\nSELECT `order_id`, `customer_id`, `amount`, `status`, `ts` FROM `orders__negative`;",
    );
  });
});

describe("windows (table-valued functions)", () => {
  it("tumble with group keys and Flink aggregate types", () => {
    const w = orders.tumble("1h").groupBy("customer_id").aggregate({ n: count(), total: sum("amount"), mean: avg("amount"), lo: min("amount"), hi: max("amount"), first: firstValue("status"), buyers: countDistinct("customer_id") });
    const p = pipeline("p").write(w.toKafka("out"));
    expect(statementOf(p, "orders__tumble")).toBe(
      "CREATE TEMPORARY VIEW `orders__tumble` AS\nSELECT `window_start`, `window_end`, `customer_id`, `window_time`, COUNT(*) AS `n`, SUM(`amount`) AS `total`, AVG(`amount`) AS `mean`, MIN(`amount`) AS `lo`, MAX(`amount`) AS `hi`, FIRST_VALUE(`status`) AS `first`, COUNT(DISTINCT `customer_id`) AS `buyers`\nFROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' HOUR))\nGROUP BY `window_start`, `window_end`, `window_time`, `customer_id`;",
    );
    expect(statementOf(p, "out")).toContain(
      "  `window_start` TIMESTAMP(3),\n  `window_end` TIMESTAMP(3),\n  `customer_id` STRING,\n  `window_time` TIMESTAMP(3),\n  `n` BIGINT,\n  `total` DECIMAL(38, 2),\n  `mean` DECIMAL(38, 6),\n  `lo` DECIMAL(10, 2),\n  `hi` DECIMAL(10, 2),\n  `first` STRING,\n  `buyers` BIGINT\n",
    );
  });

  it("hop puts the slide before the size", () => {
    const w = orders.hop("1h", "1m").count();
    expect(statementOf(pipeline("p").write(w.toPrint()), "orders__hop")).toContain(
      "FROM TABLE(HOP(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE, INTERVAL '1' HOUR))",
    );
  });

  it("session partitions by the group keys", () => {
    const w = orders.session("10m").groupBy("customer_id").count();
    expect(statementOf(pipeline("p").write(w.toPrint()), "orders__session")).toContain(
      "FROM TABLE(SESSION(TABLE `orders` PARTITION BY `customer_id`, DESCRIPTOR(`ts`), INTERVAL '10' MINUTE))",
    );
  });

  it("cumulate steps up to the max size", () => {
    const w = orders.cumulate("1h", "1d").aggregate({ total: sum("amount") });
    expect(statementOf(pipeline("p").write(w.toPrint()), "orders__cumulate")).toContain(
      "FROM TABLE(CUMULATE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' HOUR, INTERVAL '1' DAY))",
    );
  });

  it("window deduplication and window Top-N", () => {
    const d = orders.tumble("1m").deduplicate({ key: ["order_id"], keep: "last" });
    expect(statementOf(pipeline("p").write(d.toPrint()), "orders__tumble_deduplicate")).toBe(
      "CREATE TEMPORARY VIEW `orders__tumble_deduplicate` AS\nSELECT `order_id`, `customer_id`, `amount`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `window_start`, `window_end`, `window_time`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY `window_start`, `window_end`, `order_id` ORDER BY `ts` DESC) AS `__streamt_row_num`\n  FROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\n)\nWHERE `__streamt_row_num` = 1;",
    );
    const top = orders.tumble("1m").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 2 });
    expect(statementOf(pipeline("p").write(top.toKafka("t")), "orders__tumble_top_n")).toBe(
      "CREATE TEMPORARY VIEW `orders__tumble_top_n` AS\nSELECT `order_id`, `customer_id`, `amount`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `window_start`, `window_end`, `window_time`, `row_num`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY `window_start`, `window_end`, `customer_id` ORDER BY `amount` DESC) AS `row_num`\n  FROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\n)\nWHERE `row_num` <= 2;",
    );
  });
});

describe("stateful non-windowed steps", () => {
  it("group aggregate with a per-operator STATE_TTL hint", () => {
    const g = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "7d" });
    expect(statementOf(pipeline("p").write(g.toUpsertKafka("totals", { key: ["customer_id"] })), "orders__aggregate")).toBe(
      "CREATE TEMPORARY VIEW `orders__aggregate` AS\nSELECT /*+ STATE_TTL('orders' = '7 d') */ `customer_id`, SUM(`amount`) AS `total`\nFROM `orders`\nGROUP BY `customer_id`;",
    );
  });

  it("distinct as a group by every column", () => {
    const d = orders.select("customer_id", "status").distinct({ ttl: "1h" });
    expect(statementOf(pipeline("p").write(d.toPrint()), "orders__select__distinct")).toBe(
      "CREATE TEMPORARY VIEW `orders__select__distinct` AS\nSELECT /*+ STATE_TTL('orders__select' = '1 h') */ `customer_id`, `status`\nFROM `orders__select`\nGROUP BY `customer_id`, `status`;",
    );
  });

  it("deduplication and Top-N apply their TTL job-wide, saying why", () => {
    const d = orders.deduplicate({ key: ["order_id"], ttl: "2h" });
    const script = scriptOf(pipeline("p").write(d.toPrint()));
    expect(script).toContain(
      "-- ttl of orders/deduplicate: Flink has no per-operator TTL for deduplication/Top-N, so it applies job-wide\nSET 'table.exec.state.ttl' = '2 h';",
    );
    expect(script).toContain("ROW_NUMBER() OVER (PARTITION BY `order_id` ORDER BY `ts` ASC) AS `__streamt_row_num`");
    const top = orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, rankColumn: "pos" });
    expect(statementOf(pipeline("p", { stateTtl: "1d" }).write(top.toUpsertKafka("top", { key: ["customer_id", "pos"] })), "orders__top_n")).toBe(
      "CREATE TEMPORARY VIEW `orders__top_n` AS\nSELECT `order_id`, `customer_id`, `amount`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `pos`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY `customer_id` ORDER BY `amount` DESC) AS `pos`\n  FROM `orders`\n)\nWHERE `pos` <= 3;",
    );
  });
});

describe("joins", () => {
  it("interval join with bounds on both sides of the left time", () => {
    const j = orders.intervalJoin(payments, {
      on: { order_id: "order_id" },
      between: ["-5m", "1h"],
      select: (o, p) => ({ order_id: o.order_id, paid: p.paid, ts: o.ts, paid_at: p.paid_at }),
    });
    expect(statementOf(pipeline("p").write(j.toPrint()), "orders__interval_join")).toBe(
      "CREATE TEMPORARY VIEW `orders__interval_join` AS\nSELECT `l`.`order_id` AS `order_id`, `r`.`paid` AS `paid`, `l`.`ts` AS `ts`, CAST(`r`.`paid_at` AS TIMESTAMP(3)) AS `paid_at`\nFROM `orders` AS `l`\nJOIN `payments` AS `r`\n  ON `l`.`order_id` = `r`.`order_id`\n  AND `r`.`paid_at` BETWEEN `l`.`ts` - INTERVAL '5' MINUTE AND `l`.`ts` + INTERVAL '1' HOUR;",
    );
  });

  it("temporal join on a two-column key: both pairs in the ON clause, one per line", () => {
    const Rate = t.row({ region: t.string(), customer_id: t.string(), tier: t.string(), updated_at: t.timestamp(3) });
    const rates = source("rates", { topic: "rates.v1", schema: Rate, primaryKey: ["region", "customer_id"] }).eventTime("updated_at").watermark("1s");
    const j = orders.temporalJoin(rates, { on: { status: "region", customer_id: "customer_id" }, select: (o, r) => ({ order_id: o.order_id, tier: r.tier, ts: o.ts }) });
    expect(statementOf(pipeline("p").write(j.toPrint()), "orders__temporal_join")).toBe(
      "CREATE TEMPORARY VIEW `orders__temporal_join` AS\nSELECT `l`.`order_id` AS `order_id`, `r`.`tier` AS `tier`, `l`.`ts` AS `ts`\nFROM `orders` AS `l`\nJOIN `rates` FOR SYSTEM_TIME AS OF `l`.`ts` AS `r`\n  ON `l`.`status` = `r`.`region`\n  AND `l`.`customer_id` = `r`.`customer_id`;",
    );
  });

  it("temporal join against a versioned table", () => {
    const j = orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, type: "left", select: (o, c) => ({ order_id: o.order_id, name: c.name, ts: o.ts }) });
    expect(statementOf(pipeline("p").write(j.toPrint()), "orders__temporal_join")).toBe(
      "CREATE TEMPORARY VIEW `orders__temporal_join` AS\nSELECT `l`.`order_id` AS `order_id`, `r`.`name` AS `name`, `l`.`ts` AS `ts`\nFROM `orders` AS `l`\nLEFT JOIN `customers` FOR SYSTEM_TIME AS OF `l`.`ts` AS `r`\n  ON `l`.`customer_id` = `r`.`customer_id`;",
    );
  });

  it("window join on the same window", () => {
    const j = orders.tumble("5m").join(payments.tumble("5m"), {
      on: { order_id: "order_id" },
      select: (o, p) => ({ order_id: o.order_id, paid: p.paid, window_start: o.window_start }),
    });
    expect(statementOf(pipeline("p").write(j.toPrint()), "orders__tumble_join")).toBe(
      "CREATE TEMPORARY VIEW `orders__tumble_join` AS\nSELECT `l`.`order_id` AS `order_id`, `r`.`paid` AS `paid`, `l`.`window_start` AS `window_start`\nFROM (\n  SELECT * FROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '5' MINUTE))\n) `l`\nJOIN (\n  SELECT * FROM TABLE(TUMBLE(TABLE `payments`, DESCRIPTOR(`paid_at`), INTERVAL '5' MINUTE))\n) `r`\n  ON `l`.`window_start` = `r`.`window_start`\n  AND `l`.`window_end` = `r`.`window_end`\n  AND `l`.`order_id` = `r`.`order_id`;",
    );
  });

  it("regular join with per-side STATE_TTL hint", () => {
    const j = orders.join(customers, { on: { customer_id: "customer_id" }, ttl: { left: "1d", right: "30d" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    expect(statementOf(pipeline("p").write(j.toUpsertKafka("j", { key: ["order_id"] })), "orders__join")).toBe(
      "CREATE TEMPORARY VIEW `orders__join` AS\nSELECT /*+ STATE_TTL('l' = '1 d', 'r' = '30 d') */ `l`.`order_id` AS `order_id`, `r`.`name` AS `name`\nFROM `orders` AS `l`\nJOIN `customers` AS `r`\n  ON `l`.`customer_id` = `r`.`customer_id`;",
    );
  });
});

describe("sinks and job settings", () => {
  it("SET statements in a fixed order, then one INSERT", () => {
    const p = pipeline("job-1", { parallelism: 4, checkpointInterval: "30s", stateTtl: "1d", stateBackend: "rocksdb", sourceIdleTimeout: "1m", config: { "table.exec.mini-batch.enabled": "true" } }).write(orders.toBlackhole());
    const script = scriptOf(p);
    expect(script.split("\n").filter((l) => l.startsWith("SET"))).toEqual([
      "SET 'pipeline.name' = 'job-1';",
      "SET 'parallelism.default' = '4';",
      "SET 'execution.checkpointing.interval' = '30 s';",
      "SET 'table.exec.state.ttl' = '1 d';",
      "SET 'state.backend.type' = 'rocksdb';",
      "SET 'table.exec.source.idle-timeout' = '1 min';",
      "SET 'table.exec.mini-batch.enabled' = 'true';",
    ]);
    expect(script).toContain("\nEXECUTE STATEMENT SET\nBEGIN\nINSERT INTO `blackhole`\nSELECT * FROM `orders`;\nINSERT INTO `orders__violations`\nSELECT ");
  });

  it("exactly-once Kafka sink with a transactional id and timeout", () => {
    const p = pipeline("eo", { checkpointInterval: "10s" }).write(orders.toKafka("out.v1", { delivery: "exactly-once", transactionTimeout: "10m" }));
    expect(statementOf(p, "out_v1")).toContain(
      "  'sink.delivery-guarantee' = 'exactly-once',\n  'sink.transactional-id-prefix' = 'eo.out.v1',\n  'properties.transaction.timeout.ms' = '600000'\n);",
    );
  });

  it("upsert sink declares the key NOT NULL as its primary key", () => {
    const g = orders.groupBy("customer_id").count({ ttl: "1d" });
    expect(statementOf(pipeline("p").write(g.toUpsertKafka("c", { key: ["customer_id"] })), "c")).toBe(`CREATE TEMPORARY TABLE \`c\` (
  \`customer_id\` STRING NOT NULL,
  \`count\` BIGINT,
  PRIMARY KEY (\`customer_id\`) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'c',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'json',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'key.json.encode.decimal-as-plain-number' = 'true',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601',
  'value.json.encode.decimal-as-plain-number' = 'true',
  'sink.delivery-guarantee' = 'at-least-once'
);`);
  });

  it("an upsert sink keyed by two columns lists both in its primary key, in the key's order", () => {
    const g = orders.groupBy("status", "customer_id").count({ ttl: "1d" });
    const ddl = statementOf(pipeline("p").write(g.toUpsertKafka("c2", { key: ["customer_id", "status"] })), "c2");
    expect(ddl.split("\n").slice(0, 6)).toEqual([
      "CREATE TEMPORARY TABLE `c2` (",
      "  `status` STRING NOT NULL,",
      "  `customer_id` STRING NOT NULL,",
      "  `count` BIGINT,",
      "  PRIMARY KEY (`customer_id`, `status`) NOT ENFORCED",
      ") WITH (",
    ]);
  });

  it("several sinks become one EXECUTE STATEMENT SET", () => {
    const p = pipeline("multi").write(orders.toKafka("a"), orders.toPrint());
    expect(scriptOf(p)).toContain("\nEXECUTE STATEMENT SET\nBEGIN\nINSERT INTO `a`\nSELECT * FROM `orders`;\nINSERT INTO `print`\nSELECT * FROM `orders`;\nINSERT INTO `orders__violations`\n");
    // A source whose columns are all nullable has nothing to enforce: one INSERT per sink, no statement set for one.
    const Loose = t.row({ id: t.string().nullable(), n: t.int().nullable() });
    const loose = source("loose", { topic: "loose.v1", schema: Loose });
    expect(scriptOf(pipeline("one").write(loose.toKafka("a")))).toContain("\nINSERT INTO `a`\nSELECT * FROM `loose`;\n");
    expect(scriptOf(pipeline("one").write(loose.toKafka("a")))).not.toContain("violations");
  });
});

describe("quoting", () => {
  it("escapes backticks in identifiers and quotes in literals", () => {
    const Odd = t.row({ "we`ird col": t.string(), ts: t.timestamp(3) });
    const s = source("odd", { topic: "odd", schema: Odd }).filter((r) => r["we`ird col"].eq("it's"));
    const p = pipeline("p").write(s.toPrint());
    expect(statementOf(p, "odd__raw")).toContain("  `we``ird col` STRING,");
    expect(statementOf(p, "odd")).toContain("COALESCE(`we``ird col`, '') AS `we``ird col`");
    expect(scriptOf(p)).toContain("CASE WHEN `we``ird col` IS NULL THEN 'we`ird col' END");
    expect(statementOf(p, "odd__filter")).toContain("WHERE (`we``ird col` = 'it''s');");
  });

  it("quotes option values so a topic or property cannot break out of the WITH clause", () => {
    const s = source("o2", { topic: "o2", schema: Order, properties: { "client.id": "x' , 'connector' = 'evil" } });
    expect(statementOf(pipeline("p").write(s.toPrint()), "o2__raw")).toContain("  'properties.client.id' = 'x'' , ''connector'' = ''evil'\n");
  });
});
