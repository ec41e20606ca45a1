/**
 * The JSON format's options (issue 15): how timestamps are written ('json.timestamp-format.standard',
 * ISO-8601 by default or SQL), carried by a sink's handle to its readers and compared by STREAMT-E017;
 * and what a record Flink cannot parse does (`onParseError`: "fail" by default, or "skip", which is
 * 'json.ignore-parse-errors' with every such value caught by the source contract, else STREAMT-B013).
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t, type Pipeline } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { checkInputs } from "../../packages/streamt-sdk/src/runtime/input-check.js";
import { renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { lineHere, refusal, scriptOf, statementOf } from "../helpers.js";

const FILE = "test/emit-sql/json-options.test.ts";
const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });
const Reading = t.row({ sensor: t.string(), value: t.int(), at: t.timestamp(3), note: t.string().nullable() });

describe("json: { timestampFormat }", () => {
  it("a source in the SQL form: 'json.timestamp-format.standard' = 'SQL'; its dead-letter records keep that form", () => {
    const readings = source("readings", { topic: "readings.v1", schema: Reading, json: { timestampFormat: "SQL" }, onContractViolation: { deadLetter: "readings.dlq" } });
    const p = pipeline("r").write(readings.toKafka("out.v1"));
    expect(statementOf(p, "readings__raw")).toBe(
      "CREATE TEMPORARY TABLE `readings__raw` (\n" +
        "  `sensor` STRING,\n  `value` INT,\n  `at` TIMESTAMP(3),\n  `note` STRING,\n" +
        "  `__streamt_partition` INT METADATA FROM 'partition' VIRTUAL,\n  `__streamt_offset` BIGINT METADATA FROM 'offset' VIRTUAL\n" +
        ") WITH (\n" +
        "  'connector' = 'kafka',\n  'topic' = 'readings.v1',\n  'properties.bootstrap.servers' = '127.0.0.1:9092',\n  'properties.group.id' = 'r',\n" +
        "  'scan.startup.mode' = 'group-offsets',\n  'properties.auto.offset.reset' = 'earliest',\n" +
        "  'format' = 'json',\n  'json.timestamp-format.standard' = 'SQL'\n);",
    );
    expect(statementOf(p, "readings__violations")).toContain(
      "  'format' = 'json',\n  'json.timestamp-format.standard' = 'SQL',\n  'json.encode.decimal-as-plain-number' = 'true',\n",
    );
    // The sink writes ISO-8601: a pipeline may convert from one form to the other.
    expect(statementOf(p, "out_v1")).toContain("  'format' = 'json',\n  'json.timestamp-format.standard' = 'ISO-8601',\n");
  });

  it("a sink in the SQL form, keyed: the key's and the value's JSON both", () => {
    const readings = source("readings", { topic: "readings.v1", schema: Reading });
    const p = pipeline("w").write(
      readings.toKafka("plain.v1", { json: { timestampFormat: "SQL" } }),
      readings.toUpsertKafka("keyed.v1", { key: ["sensor"], json: { timestampFormat: "SQL" } }),
    );
    expect(statementOf(p, "readings__raw")).toContain("  'format' = 'json',\n  'json.timestamp-format.standard' = 'ISO-8601'\n);");
    expect(statementOf(p, "plain_v1")).toContain("  'format' = 'json',\n  'json.timestamp-format.standard' = 'SQL',\n  'json.encode.decimal-as-plain-number' = 'true',\n");
    expect(statementOf(p, "keyed_v1")).toContain(
      "  'key.format' = 'json',\n  'key.json.timestamp-format.standard' = 'SQL',\n  'key.json.encode.decimal-as-plain-number' = 'true',\n" +
        "  'value.format' = 'json',\n  'value.json.timestamp-format.standard' = 'SQL',\n  'value.json.encode.decimal-as-plain-number' = 'true',\n",
    );
  });

  it("a debezium-json source takes it too", () => {
    const cdc = source("cdc", { topic: "cdc.v1", schema: Reading, format: "debezium-json", json: { timestampFormat: "SQL" } });
    expect(statementOf(pipeline("c").write(cdc.toUpsertKafka("out.v1", { key: ["sensor"] })), "cdc__raw")).toContain(
      "  'format' = 'debezium-json',\n  'debezium-json.timestamp-format.standard' = 'SQL'\n);",
    );
  });

  it("a source made from a sink's handle reads the writer's form", () => {
    const writer = source("readings", { topic: "readings.v1", schema: Reading }).toKafka("sql.v1", { json: { timestampFormat: "SQL" } });
    pipeline("writer").write(writer);
    const reader = source("back", { from: writer });
    expect(statementOf(pipeline("reader").write(reader.toKafka("out.v1")), "back__raw")).toContain("  'format' = 'json',\n  'json.timestamp-format.standard' = 'SQL'\n);");
    const read = pipeline("reader-node").write(reader.toBlackhole()).definition.sinks[0]!.input;
    expect(read.kind === "source" && read.kafka.json).toEqual({ timestampFormat: "SQL", ignoreParseErrors: false });
  });

  it("refused on another format, never ignored; beside 'from' it is the writer's", () => {
    let line = lineHere() + 1;
    expect(refusal(() => source("c", { topic: "c.v1", schema: Reading, format: "csv", json: { timestampFormat: "SQL" } as never }))).toEqual({
      code: "STREAMT-B006",
      message: "source('c'): 'json' options are for the JSON format, and this table's format is 'csv'",
      hint: 'remove \'json\', or read and write the topic as format: "json"',
      site: at(line),
    });
    const readings = source("readings", { topic: "readings.v1", schema: Reading });
    line = lineHere() + 1;
    expect(refusal(() => readings.toKafka("raw.v1", { format: "raw", json: { timestampFormat: "SQL" } }))).toEqual({
      code: "STREAMT-B006",
      message: "toKafka(): 'json' options are for the JSON format, and this table's format is 'raw'",
      hint: 'remove \'json\', or read and write the topic as format: "json"',
      site: at(line),
    });
    expect(refusal(() => readings.toUpsertKafka("avro.v1", { key: ["sensor"], format: "avro-confluent", schemaRegistryUrl: "http://registry:8081", json: {} })).message).toBe(
      "toUpsertKafka(): 'json' options are for the JSON format, and this table's format is 'avro-confluent'",
    );
    expect(refusal(() => readings.toKafka("x.v1", { json: { timestampFormat: "RFC-3339" as "SQL" } })).message).toBe(
      "toKafka(): 'json.timestampFormat': Invalid option: expected one of \"ISO-8601\"|\"SQL\"",
    );
    expect(refusal(() => readings.toKafka("x.v1", { json: { onParseError: "skip" } as never })).message).toBe("toKafka(): unknown option 'onParseError'");
    const sink = readings.toKafka("sql.v1");
    expect(refusal(() => source("back", { from: sink, json: { timestampFormat: "SQL" } } as never))).toMatchObject({
      code: "STREAMT-B006",
      message: "source('back'): 'json' comes from the sink given in 'from'",
    });
  });

  it("STREAMT-E017: a reader declared by hand in the other form, when it reads a timestamp", () => {
    const sqlOut = source("readings", { topic: "readings.v1", schema: Reading }).toKafka("sql.v1", { json: { timestampFormat: "SQL" } });
    const writerLine = lineHere() - 1;
    const writer = pipeline("writer").write(sqlOut);
    const e017 = (reader: Pipeline) => analysePlan({ version: PLAN_VERSION, pipelines: [writer.definition, reader.definition] }).filter((d) => d.code === "STREAMT-E017");
    const line = lineHere() + 1;
    const iso = source("iso", { topic: "sql.v1", schema: t.row({ sensor: t.string(), at: t.timestamp(3) }) });
    expect(e017(pipeline("reader").write(iso.toKafka("out.v1")))).toEqual([{
      code: "STREAMT-E017", severity: "error", pipeline: "reader", path: "iso", site: at(line),
      message: `source 'iso' reads topic 'sql.v1', written by sink readings/sql.v1 in pipeline 'writer' (${FILE}:${writerLine}): the sink writes timestamps in the SQL form, the source reads them in the ISO-8601 form`,
      hint: "give the source json: { timestampFormat: \"SQL\" }; or read the topic through the writer's sink, which carries its schema: source('iso', { from: <that sink> })",
    }]);
    const same = source("same", { topic: "sql.v1", schema: t.row({ sensor: t.string(), at: t.timestamp(3) }), json: { timestampFormat: "SQL" } });
    expect(e017(pipeline("reader").write(same.toKafka("out.v1")))).toEqual([]);
    // No timestamp read: the form does not matter.
    const noTime = source("no_time", { topic: "sql.v1", schema: t.row({ sensor: t.string(), value: t.int() }) });
    expect(e017(pipeline("reader").write(noTime.toKafka("out.v1")))).toEqual([]);
  });
});

describe("json: { onParseError }", () => {
  it('"skip" is \'json.ignore-parse-errors\' = \'true\'; "fail" (the default) writes nothing', () => {
    const skip = source("readings", { topic: "readings.v1", schema: Reading, json: { onParseError: "skip" } });
    expect(statementOf(pipeline("r").write(skip.toKafka("out.v1")), "readings__raw")).toContain(
      "  'format' = 'json',\n  'json.timestamp-format.standard' = 'ISO-8601',\n  'json.ignore-parse-errors' = 'true'\n);",
    );
    const fail = source("readings", { topic: "readings.v1", schema: Reading, json: { onParseError: "fail", timestampFormat: "SQL" } });
    expect(statementOf(pipeline("r").write(fail.toKafka("out.v1")), "readings__raw")).toContain("  'json.timestamp-format.standard' = 'SQL'\n);");
  });

  it("STREAMT-B013 where an unreadable value would become a null nobody sees: a nullable column, a value inside ARRAY/MAP/ROW, a changelog", () => {
    const hint = 'declare it NOT NULL (the source contract then drops and counts, or dead-letters, such a record), or t.string() to parse in the pipeline; or leave onParseError at "fail"';
    let line = lineHere() + 1;
    expect(refusal(() => source("a", { topic: "a.v1", schema: t.row({ id: t.string(), qty: t.int().nullable(), note: t.string().nullable() }), json: { onParseError: "skip" } }))).toEqual({
      code: "STREAMT-B013",
      message: `source('a'): json: { onParseError: "skip" }: a value Flink cannot read as its column's type reads as null, and in 'qty' (INT) that null would pass on as if the producer wrote it`,
      hint,
      site: at(line),
    });
    line = lineHere() + 1;
    expect(refusal(() => source("b", { topic: "b.v1", schema: t.row({ id: t.string(), tags: t.array(t.string()), qtys: t.array(t.int()), item: t.row({ sku: t.string() }).nullable() }), json: { onParseError: "skip" } }))).toEqual({
      code: "STREAMT-B013",
      message: `source('b'): json: { onParseError: "skip" }: a value Flink cannot read as its column's type reads as null, and in 'qtys' (ARRAY<INT> NOT NULL), 'item' (ROW<sku STRING>) that null would pass on as if the producer wrote it`,
      hint: hint.replace("declare it", "declare them"),
      site: at(line),
    });
    expect(refusal(() => source("k", { topic: "k.v1", schema: Reading, primaryKey: ["sensor"], json: { onParseError: "skip" } }))).toMatchObject({
      code: "STREAMT-B013",
      message: `source('k'): json: { onParseError: "skip" } needs an append-only source; this one is a changelog (primaryKey), where a skipped change would be lost without a trace`,
      hint: 'leave onParseError at "fail" (the default): the job then stops at the record it cannot read',
    });
    expect(refusal(() => source("d", { topic: "d.v1", schema: Reading, format: "debezium-json", json: { onParseError: "skip" } })).message).toBe(
      `source('d'): json: { onParseError: "skip" } needs an append-only source; this one is a changelog (debezium-json), where a skipped change would be lost without a trace`,
    );
    // Nullable STRING columns and STRINGs inside a NOT NULL array cannot go unseen: Flink reads any JSON value as its text.
    expect(() => source("s", { topic: "s.v1", schema: t.row({ id: t.string(), note: t.string().nullable(), tags: t.array(t.string()) }), json: { onParseError: "skip" } })).not.toThrow();
  });
});

describe('onParseError "skip": a record that is not a JSON object is read again as text, and routed as a contract violation', () => {
  const Order = t.row({ id: t.string(), qty: t.int(), note: t.string().nullable() });
  const dead = source("dead", { topic: "dead.v1", schema: Order, json: { onParseError: "skip" }, onContractViolation: { deadLetter: "dead.dlq" } });
  const dlq = pipeline("p").write(dead.toKafka("out.v1"));

  it("the text table: format 'raw', a consumer group of its own, partition and offset for the dead letter", () => {
    expect(statementOf(dlq, "dead__text")).toBe(
      "CREATE TEMPORARY TABLE `dead__text` (\n" +
        "  `text` STRING,\n  `partition` INT METADATA FROM 'partition' VIRTUAL,\n  `offset` BIGINT METADATA FROM 'offset' VIRTUAL\n" +
        ") WITH (\n" +
        "  'connector' = 'kafka',\n  'topic' = 'dead.v1',\n  'properties.bootstrap.servers' = '127.0.0.1:9092',\n  'properties.group.id' = 'p.dead.text',\n" +
        "  'scan.startup.mode' = 'group-offsets',\n  'properties.auto.offset.reset' = 'earliest',\n  'format' = 'raw'\n);",
    );
  });

  it("the dead-letter record gains `text` (null for a contract violation); the text table's INSERT picks what is not a JSON object and says why", () => {
    expect(statementOf(dlq, "dead__violations")).toContain("  `reason` STRING,\n  `record` ROW<`id` STRING, `qty` INT, `note` STRING>,\n  `text` STRING\n) WITH (");
    const script = scriptOf(dlq);
    expect(script).toContain("ROW(`id`, `qty`, `note`) AS `record`, CAST(NULL AS STRING) AS `text`\nFROM `dead__raw`\nWHERE `id` IS NULL OR `qty` IS NULL;\n");
    expect(script).toContain(
      "INSERT INTO `dead__violations`\n" +
        "SELECT 'p' AS `pipeline`, 'dead' AS `source`, 'dead.v1' AS `topic`, `partition` AS `partition`, `offset` AS `offset`, " +
        "CASE WHEN `text` IS JSON THEN 'JSON, but not an object' ELSE 'not JSON' END AS `reason`, CAST(NULL AS ROW<`id` STRING, `qty` INT, `note` STRING>) AS `record`, `text` AS `text`\n" +
        "FROM `dead__text`\nWHERE `text` IS NOT NULL AND NOT (`text` IS JSON OBJECT);\nEND;\n",
    );
  });

  it("a source with nothing to enforce still gets its violations sink (a counting blackhole); without skip there is no text table", () => {
    const lines = source("lines", { topic: "lines.v1", schema: t.row({ line: t.string().nullable() }), json: { onParseError: "skip" } });
    const p = pipeline("p").write(lines.toKafka("out.v1"));
    expect(statementOf(p, "lines__violations")).toBe("CREATE TEMPORARY TABLE `lines__violations` (\n  `reason` STRING\n) WITH (\n  'connector' = 'blackhole'\n);");
    expect(statementOf(p, "lines__text")).toBe(
      "CREATE TEMPORARY TABLE `lines__text` (\n  `text` STRING\n) WITH (\n" +
        "  'connector' = 'kafka',\n  'topic' = 'lines.v1',\n  'properties.bootstrap.servers' = '127.0.0.1:9092',\n  'properties.group.id' = 'p.lines.text',\n" +
        "  'scan.startup.mode' = 'group-offsets',\n  'properties.auto.offset.reset' = 'earliest',\n  'format' = 'raw'\n);",
    );
    expect(scriptOf(p)).toContain(
      "INSERT INTO `lines__violations`\nSELECT CASE WHEN `text` IS JSON THEN 'JSON, but not an object' ELSE 'not JSON' END AS `reason`\nFROM `lines__text`\nWHERE `text` IS NOT NULL AND NOT (`text` IS JSON OBJECT);\nEND;\n",
    );
    const fail = scriptOf(pipeline("p").write(source("lines", { topic: "lines.v1", schema: t.row({ line: t.string().nullable() }) }).toKafka("out.v1")));
    expect(fail).not.toContain("lines__text");
    expect(fail).not.toContain("lines__violations");
  });

  it("the Table API output reads and routes them the same way", () => {
    const j = renderPipelineJava(lowerPipeline(dlq.definition, { flinkVersion: "2.2" }));
    const text = j.steps.find((s) => s.code.includes('tEnv.createTemporaryTable("dead__text"'))!;
    expect(text.code.split("\n").map((l) => l.trim())).toEqual([
      'tEnv.createTemporaryTable("dead__text", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
      ".schema(Schema.newBuilder()",
      '.column("text", DataTypes.STRING())',
      '.columnByMetadata("partition", DataTypes.INT(), "partition", true)',
      '.columnByMetadata("offset", DataTypes.BIGINT(), "offset", true)',
      ".build())",
      '.option("topic", "dead.v1")',
      '.option("properties.bootstrap.servers", options.bootstrapServers())',
      '.option("properties.group.id", "p.dead.text")',
      '.option("scan.startup.mode", "group-offsets")',
      '.option("properties.auto.offset.reset", "earliest")',
      // The table's own Kafka properties: what run-time --kafka-property values may not replace.
      '.option("format", "raw"), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset")',
      ".build());",
      'Table deadText = tEnv.from("dead__text");',
    ]);
    const routed = j.inserts.find((i) => i.code.includes("deadText"))!;
    expect(routed.code.split("\n").map((l) => l.trim())).toEqual([
      'job.addInsert("dead__violations", deadText',
      '.filter($("text").isNotNull().and($("text").isJson(org.apache.flink.table.api.JsonType.OBJECT).not()))',
      '.select(lit("p").as("pipeline"),',
      'lit("dead").as("source"),',
      'lit("dead.v1").as("topic"),',
      '$("partition"),',
      '$("offset"),',
      'ifThenElse($("text").isJson(), lit("JSON, but not an object", DataTypes.STRING().notNull()), lit("not JSON", DataTypes.STRING().notNull())).as("reason"),',
      'nullOf(DataTypes.ROW(DataTypes.FIELD("id", DataTypes.STRING()), DataTypes.FIELD("qty", DataTypes.INT()), DataTypes.FIELD("note", DataTypes.STRING()))).as("record"),',
      '$("text")));',
    ]);
    expect(j.inserts.find((i) => i.code.includes("deadRaw"))!.code).toContain('nullOf(DataTypes.STRING()).as("text")');
  });
});

describe("run --local's input check reads timestamps in the source's form", () => {
  const plan = (...pipelines: Pipeline[]): Plan => ({ version: PLAN_VERSION, pipelines: pipelines.map((p) => p.definition) });
  const records = (...values: unknown[]) => values.map((value, i) => ({ line: i + 1, value }));
  const Row = t.row({ id: t.string(), at: t.timestamp(3), ltz: t.timestampLtz(3).nullable() });

  it("SQL: 'yyyy-MM-dd HH:mm:ss[.SSS]' (and 'Z' for TIMESTAMP_LTZ); the ISO-8601 form is refused, and the other way round", () => {
    const sql = plan(pipeline("p").write(source("s", { topic: "s.v1", schema: Row, json: { timestampFormat: "SQL" } }).toKafka("o1")));
    expect(checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ id: "a", at: "2024-01-01 10:00:00.5", ltz: "2024-01-01 10:00:00Z" }, { id: "b", at: "2024-01-01 10:00:00.123456789" }) }], sql)).toEqual([]);
    const line = lineHere() - 2;
    const bad = records({ id: "a", at: "2024-01-01T10:00:00" }, { id: "b", at: "2024-01-01 10:00:00", ltz: "2024-01-01T10:00:00Z" }, { id: "c", at: "2024-01-01 10:00" });
    // The SQL form needs the seconds (Flink's 'HH:mm:ss'); ISO-8601 does not.
    expect(refusal(() => checkInputs([{ topic: "s.v1", file: "s.jsonl", records: bad }], sql)).message.split("\n")).toEqual([
      `--input s.v1=s.jsonl does not fit source s (format json, defined at ${FILE}:${line}):`,
      '  s.jsonl:1: field "at" is "2024-01-01T10:00:00", not a timestamp "yyyy-MM-dd HH:mm:ss[.SSS]" (TIMESTAMP(3) NOT NULL)',
      '  s.jsonl:2: field "ltz" is "2024-01-01T10:00:00Z", not a UTC timestamp "yyyy-MM-dd HH:mm:ss[.SSS]Z" (TIMESTAMP_LTZ(3))',
      '  s.jsonl:3: field "at" is "2024-01-01 10:00", not a timestamp "yyyy-MM-dd HH:mm:ss[.SSS]" (TIMESTAMP(3) NOT NULL)',
    ]);
  });

  it("ISO-8601 (the default): the SQL form is refused", () => {
    const iso = plan(pipeline("p").write(source("i", { topic: "i.v1", schema: Row }).toKafka("o1")));
    expect(checkInputs([{ topic: "i.v1", file: "i.jsonl", records: records({ id: "a", at: "2024-01-01T10:00" }) }], iso)).toEqual([]);
    expect(() => checkInputs([{ topic: "i.v1", file: "i.jsonl", records: records({ id: "a", at: "2024-01-01 10:00:00" }) }], iso)).toThrow(
      'i.jsonl:1: field "at" is "2024-01-01 10:00:00", not a timestamp "yyyy-MM-ddTHH:mm:ss[.SSS]" (TIMESTAMP(3) NOT NULL)',
    );
  });

  it('with onParseError "skip", a line the source cannot parse is a note saying what the job does with it, not a refusal', () => {
    const p = plan(pipeline("p").write(source("s", { topic: "s.v1", schema: t.row({ id: t.string(), qty: t.int() }), json: { onParseError: "skip" }, onContractViolation: { deadLetter: "s.dlq" } }).toKafka("o1")));
    expect(checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ id: "a", qty: 1 }, { id: "b", qty: "many" }, [1], { id: "c" }) }], p)).toEqual([
      's.jsonl:2: field "qty" is "many", not an integer (INT NOT NULL): source s writes this record to its dead-letter topic s.dlq',
      's.jsonl:3: not a JSON object: [1]: source s writes this record to its dead-letter topic s.dlq',
      's.jsonl:4: missing NOT NULL field "qty": source s writes this record to its dead-letter topic s.dlq',
    ]);
  });
});
