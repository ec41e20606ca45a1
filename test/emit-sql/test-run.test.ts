/**
 * What a test run (streamt-sdk/testing) adds to a script, pinned as exact SQL (emit-sql/test-run.ts): bounded
 * sources, watermarks emitted per record, and the Kafka-headers column whose heartbeat records the contract
 * view and the violations leave out. The engine runs of these scripts are in test/testing; these tests keep
 * the text in the mutation test set.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import type { Pipeline } from "../../packages/streamt-sdk/src/dsl/pipeline.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { renderPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";

/** The script of a pipeline as a test run renders it. */
function testRunScript(p: Pipeline): string {
  return renderPipelineSql(lowerPipeline(p.definition, { flinkVersion: "2.2", parallelismOverride: 1, testRun: true }), { bootstrapServers: "127.0.0.1:9092" }).script;
}

/** One CREATE statement of a script, up to its semicolon. */
function statement(script: string, name: string): string {
  const start = script.indexOf(`CREATE TEMPORARY TABLE \`${name}\``) >= 0 ? script.indexOf(`CREATE TEMPORARY TABLE \`${name}\``) : script.indexOf(`CREATE TEMPORARY VIEW \`${name}\``);
  if (start < 0) throw new Error(`no statement for ${name} in:\n${script}`);
  return script.slice(start, script.indexOf(";\n", start) + 1);
}

const Reading = t.row({ sensor: t.string(), value: t.double(), at: t.timestamp(3) });

describe("test run: what the script of a streamt-sdk/testing run adds", () => {
  it("bounds a source with a watermark, emits its watermark per record, and leaves heartbeats out of its contract view and violations", () => {
    const readings = source("readings", { topic: "readings.v1", schema: Reading }).eventTime("at").watermark("5s");
    const script = testRunScript(pipeline("r").write(readings.toKafka("out.v1")));
    expect(statement(script, "readings__raw")).toBe(`CREATE TEMPORARY TABLE \`readings__raw\` (
  \`sensor\` STRING,
  \`value\` DOUBLE,
  \`at\` TIMESTAMP(3),
  \`__streamt_rowtime\` AS COALESCE(\`at\`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),
  \`__streamt_headers\` MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL,
  WATERMARK FOR \`__streamt_rowtime\` AS \`__streamt_rowtime\` - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'readings.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'r',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601',
  'scan.bounded.mode' = 'latest-offset',
  'scan.watermark.emit.strategy' = 'on-event'
);`);
    expect(statement(script, "readings")).toBe(
      "CREATE TEMPORARY VIEW `readings` AS\n" +
        "SELECT COALESCE(`sensor`, '') AS `sensor`, COALESCE(`value`, CAST(0 AS DOUBLE)) AS `value`, `__streamt_rowtime` AS `at`\n" +
        "FROM `readings__raw`\n" +
        "WHERE `sensor` IS NOT NULL AND `value` IS NOT NULL AND `at` IS NOT NULL AND `__streamt_headers`['streamt-heartbeat'] IS NULL;",
    );
    expect(script).toContain(
      "INSERT INTO `readings__violations`\n" +
        "SELECT CONCAT('NOT NULL column(s) missing or null: ', CONCAT_WS(', ', CASE WHEN `sensor` IS NULL THEN 'sensor' END, CASE WHEN `value` IS NULL THEN 'value' END, CASE WHEN `at` IS NULL THEN 'at' END)) AS `reason`\n" +
        "FROM `readings__raw`\n" +
        "WHERE (`sensor` IS NULL OR `value` IS NULL OR `at` IS NULL) AND `__streamt_headers`['streamt-heartbeat'] IS NULL;\n",
    );
  });

  it("bounds a source without a watermark but neither emits watermarks per record nor reads headers (no heartbeat can move it)", () => {
    const eventTimeOnly = source("readings", { topic: "readings.v1", schema: Reading }).eventTime("at");
    const noTime = source("readings", { topic: "readings.v1", schema: Reading });
    for (const readings of [eventTimeOnly, noTime]) {
      const script = testRunScript(pipeline("r").write(readings.toKafka("out.v1")));
      const table = statement(script, "readings__raw");
      expect(table.split("\n").slice(0, 5)).toEqual(["CREATE TEMPORARY TABLE `readings__raw` (", "  `sensor` STRING,", "  `value` DOUBLE,", "  `at` TIMESTAMP(3)", ") WITH ("]);
      expect(table.endsWith("  'json.timestamp-format.standard' = 'ISO-8601',\n  'scan.bounded.mode' = 'latest-offset'\n);")).toBe(true);
      expect(statement(script, "readings").endsWith("WHERE `sensor` IS NOT NULL AND `value` IS NOT NULL AND `at` IS NOT NULL;")).toBe(true);
    }
  });

  it("takes no heartbeats for a source with a watermark but no contract view to filter them in (nothing to enforce: the rest nullable, the time a key)", () => {
    const Loose = t.row({ sensor: t.string().nullable(), at: t.timestamp(3) });
    const readings = source("readings", { topic: "readings.v1", schema: Loose, primaryKey: ["at"] }).eventTime("at").watermark("5s");
    const script = testRunScript(pipeline("r").write(readings.toPrint()));
    expect(statement(script, "readings")).toBe(`CREATE TEMPORARY TABLE \`readings\` (
  \`sensor\` STRING,
  \`at\` TIMESTAMP(3) NOT NULL,
  WATERMARK FOR \`at\` AS \`at\` - INTERVAL '5' SECOND,
  PRIMARY KEY (\`at\`) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'readings.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'r',
  'key.format' = 'json',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601',
  'scan.bounded.mode' = 'latest-offset',
  'scan.watermark.emit.strategy' = 'on-event'
);`);
    expect(script).not.toContain("__streamt_headers");
  });

  it("bounds the text table of a source that skips unreadable records as it bounds the source; a restore test's run bounds neither", () => {
    const Strict = t.row({ sensor: t.string(), value: t.double() });
    const readings = source("readings", { topic: "readings.v1", schema: Strict, json: { onParseError: "skip" } });
    const p = pipeline("r").write(readings.toKafka("out.v1"));
    const textTable = (unboundedTestSources: boolean) =>
      statement(renderPipelineSql(lowerPipeline(p.definition, { flinkVersion: "2.2", parallelismOverride: 1, testRun: true, unboundedTestSources }), { bootstrapServers: "127.0.0.1:9092" }).script, "readings__text");
    const table = (bound: string) => `CREATE TEMPORARY TABLE \`readings__text\` (
  \`text\` STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'readings.v1',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'r.readings.text',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'raw'${bound}
);`;
    expect(textTable(false)).toBe(table(",\n  'scan.bounded.mode' = 'latest-offset'"));
    expect(textTable(true)).toBe(table(""));
  });

  it("names the headers column apart from the source's own columns, the processing-time column included", () => {
    const Clashing = t.row({ __streamt_headers: t.string(), __streamt_headers_2: t.string(), at: t.timestamp(3) });
    const readings = source("readings", { topic: "readings.v1", schema: Clashing }).eventTime("at").watermark("5s").processingTime("__streamt_headers_3");
    const script = testRunScript(pipeline("r").write(readings.toKafka("out.v1")));
    expect(statement(script, "readings__raw").split("\n").slice(1, 7)).toEqual([
      "  `__streamt_headers` STRING,",
      "  `__streamt_headers_2` STRING,",
      "  `at` TIMESTAMP(3),",
      "  `__streamt_headers_3` AS PROCTIME(),",
      "  `__streamt_rowtime` AS COALESCE(`at`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),",
      "  `__streamt_headers_4` MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL,",
    ]);
    expect(statement(script, "readings").endsWith("AND `__streamt_headers_4`['streamt-heartbeat'] IS NULL;")).toBe(true);
  });
});
