/**
 * The source contract (issue 15, wrong result #2): a topic does not enforce the schema's NOT NULL, so the
 * source table declares every column nullable, a view under the source's name keeps the records with every
 * NOT NULL column (NOT NULL for Flink's planner too), and the others are counted or dead-lettered.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { collectTopics } from "../../packages/streamt-sdk/src/synth/topics.js";
import { scriptOf, statementOf } from "../helpers.js";

const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");

describe("source contract: the schema's NOT NULL columns enforced where the topic is read", () => {
  const Reading = t.row({ sensor: t.string(), value: t.double(), unit: t.string().nullable(), at: t.timestamp(3) });

  it("declares the table nullable, and a view under the source's name keeps the records with every NOT NULL column, NOT NULL for Flink too", () => {
    const readings = source("readings", { topic: "readings.v1", schema: Reading }).eventTime("at").watermark("10s");
    const p = pipeline("r").write(readings.filter((r) => r.value.gt(0)).toKafka("positive.v1"));
    expect(statementOf(p, "readings__raw").split("\n").slice(0, 7)).toEqual([
      "CREATE TEMPORARY TABLE `readings__raw` (",
      "  `sensor` STRING,",
      "  `value` DOUBLE,",
      "  `unit` STRING,",
      "  `at` TIMESTAMP(3),",
      // The WATERMARK stays on the table, on a computed copy of the event time Flink sees as NOT NULL.
      "  `__streamt_rowtime` AS COALESCE(`at`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),",
      "  WATERMARK FOR `__streamt_rowtime` AS `__streamt_rowtime` - INTERVAL '10' SECOND",
    ]);
    expect(statementOf(p, "readings")).toBe(
      "CREATE TEMPORARY VIEW `readings` AS\n" +
        "SELECT COALESCE(`sensor`, '') AS `sensor`, COALESCE(`value`, CAST(0 AS DOUBLE)) AS `value`, `unit`, `__streamt_rowtime` AS `at`\n" +
        "FROM `readings__raw`\n" +
        "WHERE `sensor` IS NOT NULL AND `value` IS NOT NULL AND `at` IS NOT NULL;",
    );
    expect(statementOf(p, "readings__filter")).toBe("CREATE TEMPORARY VIEW `readings__filter` AS\nSELECT * FROM `readings`\nWHERE (`value` > CAST(0 AS DOUBLE));");
    // Dropped records are counted: a blackhole sink receives them (its numRecordsIn), in the same job.
    expect(statementOf(p, "readings__violations")).toBe("CREATE TEMPORARY TABLE `readings__violations` (\n  `reason` STRING\n) WITH (\n  'connector' = 'blackhole'\n);");
    expect(scriptOf(p).endsWith(
      "EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO `positive_v1`\nSELECT * FROM `readings__filter`;\n" +
        "INSERT INTO `readings__violations`\n" +
        "SELECT CONCAT('NOT NULL column(s) missing or null: ', CONCAT_WS(', ', CASE WHEN `sensor` IS NULL THEN 'sensor' END, CASE WHEN `value` IS NULL THEN 'value' END, CASE WHEN `at` IS NULL THEN 'at' END)) AS `reason`\n" +
        "FROM `readings__raw`\n" +
        "WHERE `sensor` IS NULL OR `value` IS NULL OR `at` IS NULL;\nEND;\n",
    )).toBe(true);
  });

  it("writes the violating records to a dead-letter topic with where they came from and why", () => {
    const readings = source("readings", { topic: "readings.v1", schema: Reading, onContractViolation: { deadLetter: "readings.v1.dlq" }, properties: { "security.protocol": "SSL" } })
      .eventTime("at")
      .watermark("10s");
    const p = pipeline("r").write(readings.toKafka("out.v1"));
    expect(statementOf(p, "readings__raw")).toContain(
      "  `__streamt_partition` INT METADATA FROM 'partition' VIRTUAL,\n  `__streamt_offset` BIGINT METADATA FROM 'offset' VIRTUAL,\n  WATERMARK FOR",
    );
    expect(statementOf(p, "readings__violations")).toBe(`CREATE TEMPORARY TABLE \`readings__violations\` (
  \`pipeline\` STRING,
  \`source\` STRING,
  \`topic\` STRING,
  \`partition\` INT,
  \`offset\` BIGINT,
  \`reason\` STRING,
  \`record\` ROW<\`sensor\` STRING, \`value\` DOUBLE, \`unit\` STRING, \`at\` TIMESTAMP(3)>
) WITH (
  'connector' = 'kafka',
  'topic' = 'readings.v1.dlq',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601',
  'json.encode.decimal-as-plain-number' = 'true',
  'sink.delivery-guarantee' = 'at-least-once',
  'properties.security.protocol' = 'SSL'
);`);
    expect(scriptOf(p)).toContain(
      "INSERT INTO `readings__violations`\n" +
        "SELECT 'r' AS `pipeline`, 'readings' AS `source`, 'readings.v1' AS `topic`, `__streamt_partition` AS `partition`, `__streamt_offset` AS `offset`, " +
        "CONCAT('NOT NULL column(s) missing or null: ', CONCAT_WS(', ', CASE WHEN `sensor` IS NULL THEN 'sensor' END, CASE WHEN `value` IS NULL THEN 'value' END, CASE WHEN `at` IS NULL THEN 'at' END)) AS `reason`, " +
        "ROW(`sensor`, `value`, `unit`, `at`) AS `record`\nFROM `readings__raw`\nWHERE `sensor` IS NULL OR `value` IS NULL OR `at` IS NULL;\n",
    );
  });

  it("reads types inside ARRAY, MAP and ROW as nullable, and enforces a nullable event-time column (Flink fails the job on a null rowtime)", () => {
    const Nested = t.row({ id: t.string(), tags: t.array(t.string()), attrs: t.map(t.string(), t.int()), dims: t.row({ w: t.int(), h: t.int().nullable() }), seen: t.timestamp(3).nullable() });
    const p = pipeline("n").write(source("nested", { topic: "nested.v1", schema: Nested }).eventTime("seen").watermark("1s").toPrint());
    expect(statementOf(p, "nested__raw").split("\n").slice(1, 8)).toEqual([
      "  `id` STRING,",
      "  `tags` ARRAY<STRING>,",
      "  `attrs` MAP<STRING, INT>,",
      "  `dims` ROW<`w` INT, `h` INT>,",
      "  `seen` TIMESTAMP(3),",
      "  `__streamt_rowtime` AS COALESCE(`seen`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),",
      "  WATERMARK FOR `__streamt_rowtime` AS `__streamt_rowtime` - INTERVAL '1' SECOND",
    ]);
    expect(statementOf(p, "nested")).toBe(
      "CREATE TEMPORARY VIEW `nested` AS\n" +
        "SELECT COALESCE(`id`, '') AS `id`, COALESCE(`tags`, ARRAY[CAST(NULL AS STRING)]) AS `tags`, COALESCE(`attrs`, MAP[CAST(NULL AS STRING), CAST(NULL AS INT)]) AS `attrs`, " +
        "COALESCE(`dims`, ROW(CAST(NULL AS INT), CAST(NULL AS INT))) AS `dims`, `__streamt_rowtime` AS `seen`\n" +
        "FROM `nested__raw`\n" +
        "WHERE `id` IS NOT NULL AND `tags` IS NOT NULL AND `attrs` IS NOT NULL AND `dims` IS NOT NULL AND `seen` IS NOT NULL;",
    );
  });

  it("leaves a nullable column that is event time without a watermark nullable (it is no rowtime)", () => {
    const Seen = t.row({ id: t.string().nullable(), seen: t.timestamp(3).nullable() });
    const p = pipeline("n").write(source("seen", { topic: "seen.v1", schema: Seen }).eventTime("seen").toPrint());
    expect(statementOf(p, "seen").split("\n").slice(0, 4)).toEqual(["CREATE TEMPORARY TABLE `seen` (", "  `id` STRING,", "  `seen` TIMESTAMP(3)", ") WITH ("]);
  });

  it("keeps a changelog's primary key NOT NULL in the table, and refuses a dead-letter topic for a changelog or for the topic read", () => {
    const p = pipeline("c").write(customers.toPrint());
    expect(statementOf(p, "customers")).toBe(
      "CREATE TEMPORARY VIEW `customers` AS\nSELECT `customer_id`, COALESCE(`name`, '') AS `name`, `__streamt_rowtime` AS `updated_at`\nFROM `customers__raw`\nWHERE `name` IS NOT NULL AND `updated_at` IS NOT NULL;",
    );
    const refusal = (options: object) => {
      try {
        source("c", { topic: "customers.v1", schema: Customer, ...options });
      } catch (e) {
        return [(e as { code: string }).code, (e as Error).message];
      }
      return null;
    };
    expect(refusal({ primaryKey: ["customer_id"], onContractViolation: { deadLetter: "customers.dlq" } })).toEqual([
      "STREAMT-B006",
      "source('c'): a dead-letter topic needs an append-only source; this one is a changelog (primaryKey or a CDC format), whose broken updates have no place in an append-only topic",
    ]);
    expect(refusal({ onContractViolation: { deadLetter: "customers.v1" } })).toEqual(["STREAMT-B006", "source('c'): the dead-letter topic is the topic it reads, 'customers.v1'"]);
    expect(refusal({ onContractViolation: { deadLetter: "bad topic" } })?.[0]).toBe("STREAMT-B004");
    expect(refusal({ onContractViolation: "skip" })?.[0]).toBe("STREAMT-B006");
  });

  it("lists a dead-letter topic in topics.json as written by the pipeline, and only when something is enforced", () => {
    const dlq = { onContractViolation: { deadLetter: "readings.v1.dlq" } } as const;
    const readings = source("readings", { topic: "readings.v1", schema: Reading, ...dlq });
    const loose = source("loose", { topic: "loose.v1", schema: t.row({ id: t.string().nullable() }), onContractViolation: { deadLetter: "loose.v1.dlq" } });
    const plan = { version: 1 as const, pipelines: [pipeline("r").write(readings.toKafka("out.v1"), loose.toKafka("loose.out")).definition] };
    expect(collectTopics(plan).map((e) => [e.name, e.format, e.cleanupPolicy, e.readBy, e.writtenBy])).toEqual([
      ["loose.out", "json", "delete", [], ["r"]],
      ["loose.v1", "json", "delete", ["r"], []],
      ["out.v1", "json", "delete", [], ["r"]],
      ["readings.v1", "json", "delete", ["r"], []],
      ["readings.v1.dlq", "json", "delete", [], ["r"]],
    ]);
  });
});
