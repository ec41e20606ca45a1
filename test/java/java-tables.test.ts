/**
 * The Java (Table API) program of a job plan, statement by statement with its exact text: the tables of a
 * source's contract (the checked view, the violations table, a dead-letter topic's records and the records
 * that are not JSON objects), Kafka properties given at run time, upsert tables, joins of every type and
 * the window alias. Each expectation is what the SQL output writes for the same plan (test/emit-sql), in
 * the Table API's words; a one-token change in the emitter fails it.
 */
import { describe, expect, it } from "vitest";
import { count, env, pipeline, source, t, when } from "streamt-sdk";
import { renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";

const TARGETS = ["2.2", "1.20"] as const;

function render(def: PipelineDef, flinkVersion = "2.2") {
  return renderPipelineJava(lowerPipeline(def, { flinkVersion }));
}

/** Every statement of the program (settings, steps, inserts): its comments then its code, line by line; the call sites as (SITE). */
function program(def: PipelineDef, flinkVersion = "2.2"): string[][] {
  const j = render(def, flinkVersion);
  return [...j.settings, ...j.steps, ...j.inserts].map((s) => [...s.comments, ...s.code.split("\n")].map((l) => l.replace(/ \(test\/java\/java-tables\.test\.ts:\d+\)/g, " (SITE)")));
}

/** The lines of the step whose variable is `name`, trimmed. */
function step(def: PipelineDef, name: string, flinkVersion = "2.2"): string[] {
  return render(def, flinkVersion).steps.find((s) => s.code.startsWith(`Table ${name} =`))!.code.split("\n").map((l) => l.trim());
}

const Reading = t.row({ id: t.string(), note: t.string().nullable(), n: t.int(), at: t.timestamp(3) });

/** The sink table of both contract pipelines: out.v1, JSON. */
const OUT_V1_SINK = [
  "// sink r/out.v1 (SITE)",
  'tEnv.createTemporaryTable("out_v1", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
  "                .schema(Schema.newBuilder()",
  '                        .column("id", DataTypes.STRING())',
  '                        .column("note", DataTypes.STRING())',
  '                        .column("n", DataTypes.INT())',
  '                        .column("at", DataTypes.TIMESTAMP(3))',
  "                        .build())",
  '                .option("topic", "out.v1")',
  '                .option("properties.bootstrap.servers", options.bootstrapServers())',
  '                .option("format", "json")',
  '                .option("json.timestamp-format.standard", "ISO-8601")',
  '                .option("json.encode.decimal-as-plain-number", "true")',
  '                .option("sink.delivery-guarantee", "at-least-once"), "properties.bootstrap.servers")',
  "                .build());",
];

describe("a source's contract, its violations and its unreadable records", () => {
  it("dead-letter topic, an enforced rowtime and unreadable records: the rowtime computed in the table, each insert with its rows and its comment", () => {
    const r = source("r", { topic: "r.v1", schema: Reading, onContractViolation: { deadLetter: "r.dlq" }, json: { onParseError: "skip" } }).eventTime("at").watermark("2s");
    const def = pipeline("dl").write(r.toKafka("out.v1")).definition;
    expect(program(def)).toEqual([
      [
        "// the pipeline's name: the Flink job's name and the Kafka consumer group",
        'tEnv.getConfig().set("pipeline.name", "dl");',
      ],
      [
        "// source r (SITE)",
        'tEnv.createTemporaryTable("r__raw", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("id", DataTypes.STRING())',
        '                        .column("note", DataTypes.STRING())',
        '                        .column("n", DataTypes.INT())',
        '                        .column("at", DataTypes.TIMESTAMP(3))',
        '                        .columnByExpression("__streamt_rowtime", coalesce($("at"), lit(LocalDateTime.of(1970, 1, 1, 0, 0), DataTypes.TIMESTAMP(0).notNull()).cast(DataTypes.TIMESTAMP(3))))',
        '                        .columnByMetadata("__streamt_partition", DataTypes.INT(), "partition", true)',
        '                        .columnByMetadata("__streamt_offset", DataTypes.BIGINT(), "offset", true)',
        "                        .watermark(\"__streamt_rowtime\", \"`__streamt_rowtime` - INTERVAL '2' SECOND\")",
        "                        .build())",
        '                .option("topic", "r.v1")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("properties.group.id", "dl")',
        '                .option("scan.startup.mode", "group-offsets")',
        '                .option("properties.auto.offset.reset", "earliest")',
        '                .option("format", "json")',
        '                .option("json.timestamp-format.standard", "ISO-8601")',
        '                .option("json.ignore-parse-errors", "true"), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset")',
        "                .build());",
        '        Table rRaw = tEnv.from("r__raw");',
      ],
      [
        "// source contract r (SITE)",
        "// records with a null in a NOT NULL column are kept out (see its contract violations); COALESCE tells Flink the column is NOT NULL",
        "Table r = rRaw",
        '                .filter(and($("id").isNotNull(), $("n").isNotNull(), $("at").isNotNull()))',
        '                .select(coalesce($("id"), lit("")).as("id"),',
        '                        $("note"),',
        '                        coalesce($("n"), lit(0)).as("n"),',
        '                        $("__streamt_rowtime").as("at"));',
        '        tEnv.createTemporaryView("r", r);',
      ],
      [
        "// source text r (SITE)",
        'tEnv.createTemporaryTable("r__text", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("text", DataTypes.STRING())',
        '                        .columnByMetadata("partition", DataTypes.INT(), "partition", true)',
        '                        .columnByMetadata("offset", DataTypes.BIGINT(), "offset", true)',
        "                        .build())",
        '                .option("topic", "r.v1")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("properties.group.id", "dl.r.text")',
        '                .option("scan.startup.mode", "group-offsets")',
        '                .option("properties.auto.offset.reset", "earliest")',
        '                .option("format", "raw"), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset")',
        "                .build());",
        '        Table rText = tEnv.from("r__text");',
      ],
      [
        "// contract violations r (SITE)",
        'tEnv.createTemporaryTable("r__violations", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("pipeline", DataTypes.STRING())',
        '                        .column("source", DataTypes.STRING())',
        '                        .column("topic", DataTypes.STRING())',
        '                        .column("partition", DataTypes.INT())',
        '                        .column("offset", DataTypes.BIGINT())',
        '                        .column("reason", DataTypes.STRING())',
        '                        .column("record", DataTypes.ROW(DataTypes.FIELD("id", DataTypes.STRING()), DataTypes.FIELD("note", DataTypes.STRING()), DataTypes.FIELD("n", DataTypes.INT()), DataTypes.FIELD("at", DataTypes.TIMESTAMP(3))))',
        '                        .column("text", DataTypes.STRING())',
        "                        .build())",
        '                .option("topic", "r.dlq")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("format", "json")',
        '                .option("json.timestamp-format.standard", "ISO-8601")',
        '                .option("json.encode.decimal-as-plain-number", "true")',
        '                .option("sink.delivery-guarantee", "at-least-once"), "properties.bootstrap.servers")',
        "                .build());",
      ],
      OUT_V1_SINK,
      [
        "// sink r/out.v1 (SITE)",
        'job.addInsert("out_v1", r);',
      ],
      [
        "// contract violations of r (SITE)",
        'job.addInsert("r__violations", rRaw',
        '                .filter(or($("id").isNull(), $("n").isNull(), $("at").isNull()))',
        '                .select(lit("dl").as("pipeline"),',
        '                        lit("r").as("source"),',
        '                        lit("r.v1").as("topic"),',
        '                        $("__streamt_partition").as("partition"),',
        '                        $("__streamt_offset").as("offset"),',
        '                        concat(lit("NOT NULL column(s) missing or null: "), concatWs(lit(", "), ifThenElse($("id").isNull(), lit("id"), nullOf(DataTypes.CHAR(2))), ifThenElse($("n").isNull(), lit("n"), nullOf(DataTypes.CHAR(1))), ifThenElse($("at").isNull(), lit("at"), nullOf(DataTypes.CHAR(2))))).as("reason"),',
        '                        row($("id"), $("note"), $("n"), $("at")).as("record"),',
        '                        nullOf(DataTypes.STRING()).as("text")));',
      ],
      [
        "// unreadable records (not a JSON object) of r (SITE)",
        'job.addInsert("r__violations", rText',
        '                .filter($("text").isNotNull().and($("text").isJson(org.apache.flink.table.api.JsonType.OBJECT).not()))',
        '                .select(lit("dl").as("pipeline"),',
        '                        lit("r").as("source"),',
        '                        lit("r.v1").as("topic"),',
        '                        $("partition"),',
        '                        $("offset"),',
        '                        ifThenElse($("text").isJson(), lit("JSON, but not an object", DataTypes.STRING().notNull()), lit("not JSON", DataTypes.STRING().notNull())).as("reason"),',
        '                        nullOf(DataTypes.ROW(DataTypes.FIELD("id", DataTypes.STRING()), DataTypes.FIELD("note", DataTypes.STRING()), DataTypes.FIELD("n", DataTypes.INT()), DataTypes.FIELD("at", DataTypes.TIMESTAMP(3)))).as("record"),',
        '                        $("text")));',
      ],
    ]);
    const j = render(def);
    expect([j.env, j.formats, j.usesKafka]).toEqual([[], ["json", "raw"], true]);
  });

  it("dropped violations (a blackhole that counts them), unreadable records, and secrets read from the environment, listed sorted", () => {
    const r = source("r", { topic: "r.v1", schema: Reading, json: { onParseError: "skip" }, properties: { "sasl.jaas.config": env("ZJAAS"), "ssl.truststore.password": env("ATRUST") } });
    const def = pipeline("dr").write(r.toKafka("out.v1")).definition;
    expect(program(def)).toEqual([
      [
        "// the pipeline's name: the Flink job's name and the Kafka consumer group",
        'tEnv.getConfig().set("pipeline.name", "dr");',
      ],
      [
        "// source r (SITE)",
        'tEnv.createTemporaryTable("r__raw", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("id", DataTypes.STRING())',
        '                        .column("note", DataTypes.STRING())',
        '                        .column("n", DataTypes.INT())',
        '                        .column("at", DataTypes.TIMESTAMP(3))',
        "                        .build())",
        '                .option("topic", "r.v1")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("properties.group.id", "dr")',
        '                .option("scan.startup.mode", "group-offsets")',
        '                .option("properties.auto.offset.reset", "earliest")',
        '                .option("format", "json")',
        '                .option("json.timestamp-format.standard", "ISO-8601")',
        '                .option("json.ignore-parse-errors", "true")',
        '                .option("properties.sasl.jaas.config", options.env("ZJAAS"))',
        '                .option("properties.ssl.truststore.password", options.env("ATRUST")), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset", "properties.sasl.jaas.config", "properties.ssl.truststore.password")',
        "                .build());",
        '        Table rRaw = tEnv.from("r__raw");',
      ],
      [
        "// source contract r (SITE)",
        "// records with a null in a NOT NULL column are kept out (see its contract violations); COALESCE tells Flink the column is NOT NULL",
        "Table r = rRaw",
        '                .filter(and($("id").isNotNull(), $("n").isNotNull(), $("at").isNotNull()))',
        '                .select(coalesce($("id"), lit("")).as("id"),',
        '                        $("note"),',
        '                        coalesce($("n"), lit(0)).as("n"),',
        '                        coalesce($("at"), lit(LocalDateTime.of(1970, 1, 1, 0, 0), DataTypes.TIMESTAMP(0).notNull()).cast(DataTypes.TIMESTAMP(3))).as("at"));',
        '        tEnv.createTemporaryView("r", r);',
      ],
      [
        "// source text r (SITE)",
        'tEnv.createTemporaryTable("r__text", options.withKafkaProperties(TableDescriptor.forConnector("kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("text", DataTypes.STRING())',
        "                        .build())",
        '                .option("topic", "r.v1")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("properties.group.id", "dr.r.text")',
        '                .option("scan.startup.mode", "group-offsets")',
        '                .option("properties.auto.offset.reset", "earliest")',
        '                .option("format", "raw")',
        '                .option("properties.sasl.jaas.config", options.env("ZJAAS"))',
        '                .option("properties.ssl.truststore.password", options.env("ATRUST")), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset", "properties.sasl.jaas.config", "properties.ssl.truststore.password")',
        "                .build());",
        '        Table rText = tEnv.from("r__text");',
      ],
      [
        "// contract violations r (SITE)",
        'tEnv.createTemporaryTable("r__violations", TableDescriptor.forConnector("blackhole")',
        "                .schema(Schema.newBuilder()",
        '                        .column("reason", DataTypes.STRING())',
        "                        .build())",
        "                .build());",
      ],
      OUT_V1_SINK,
      [
        "// sink r/out.v1 (SITE)",
        'job.addInsert("out_v1", r);',
      ],
      [
        "// contract violations of r (SITE)",
        'job.addInsert("r__violations", rRaw',
        '                .filter(or($("id").isNull(), $("n").isNull(), $("at").isNull()))',
        '                .select(concat(lit("NOT NULL column(s) missing or null: "), concatWs(lit(", "), ifThenElse($("id").isNull(), lit("id"), nullOf(DataTypes.CHAR(2))), ifThenElse($("n").isNull(), lit("n"), nullOf(DataTypes.CHAR(1))), ifThenElse($("at").isNull(), lit("at"), nullOf(DataTypes.CHAR(2))))).as("reason")));',
      ],
      [
        "// unreadable records (not a JSON object) of r (SITE)",
        'job.addInsert("r__violations", rText',
        '                .filter($("text").isNotNull().and($("text").isJson(org.apache.flink.table.api.JsonType.OBJECT).not()))',
        '                .select(ifThenElse($("text").isJson(), lit("JSON, but not an object", DataTypes.STRING().notNull()), lit("not JSON", DataTypes.STRING().notNull())).as("reason")));',
      ],
    ]);
    const j = render(def);
    expect([j.env, j.formats, j.usesKafka]).toEqual([["ATRUST", "ZJAAS"], ["json", "raw"], true]);
  });
});

describe("two sources with contracts", () => {
  it("each checked view reads its own source's table", () => {
    const x = source("x", { topic: "x.v1", schema: t.row({ id: t.string(), v: t.int().nullable() }) });
    const y = source("y", { topic: "y.v1", schema: t.row({ id: t.string(), w: t.int().nullable() }) });
    const def = pipeline("xy").write(x.toKafka("x.out"), y.toKafka("y.out")).definition;
    expect(step(def, "x")).toEqual(["Table x = xRaw", '.filter($("id").isNotNull())', '.select(coalesce($("id"), lit("")).as("id"),', '$("v"));', 'tEnv.createTemporaryView("x", x);']);
    expect(step(def, "y")).toEqual(["Table y = yRaw", '.filter($("id").isNotNull())', '.select(coalesce($("id"), lit("")).as("id"),', '$("w"));', 'tEnv.createTemporaryView("y", y);']);
  });
});

describe("upsert tables", () => {
  it("an upsert sink keyed by two columns lists both in its primary key, in the key's order", () => {
    const Visit = t.row({ region: t.string(), customer_id: t.string() });
    const visits = source("visits", { topic: "visits.v1", schema: Visit });
    const def = pipeline("per-customer").write(visits.groupBy("region", "customer_id").aggregate({ n: count() }, { ttl: "1d" }).toUpsertKafka("visits.out", { key: ["customer_id", "region"] })).definition;
    const sinkTable = program(def).find((block) => block[0]!.startsWith("// sink") && block.some((l) => l.includes("createTemporaryTable")))!;
    expect(sinkTable.filter((l) => l.includes("primaryKey"))).toEqual(['                        .primaryKey("customer_id", "region")']);
  });

  it("an upsert-kafka source and sink (no contract: every other column nullable) take run-time Kafka properties; a CASE of strings is cast to STRING", () => {
    const C = t.row({ customer_id: t.string(), name: t.string().nullable(), updated_at: t.timestamp(3).nullable() });
    const c = source("c", { topic: "c.v1", schema: C, primaryKey: ["customer_id"] });
    const def = pipeline("up").write(c.select((o) => ({ customer_id: o.customer_id, label: when(o.name.isNull(), "none").otherwise("some") })).toUpsertKafka("c.out", { key: ["customer_id"] })).definition;
    expect(program(def)).toEqual([
      [
        "// the pipeline's name: the Flink job's name and the Kafka consumer group",
        'tEnv.getConfig().set("pipeline.name", "up");',
      ],
      [
        "// source c (SITE)",
        'tEnv.createTemporaryTable("c", options.withKafkaProperties(TableDescriptor.forConnector("upsert-kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("customer_id", DataTypes.STRING().notNull())',
        '                        .column("name", DataTypes.STRING())',
        '                        .column("updated_at", DataTypes.TIMESTAMP(3))',
        '                        .primaryKey("customer_id")',
        "                        .build())",
        '                .option("topic", "c.v1")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("properties.group.id", "up")',
        '                .option("key.format", "json")',
        '                .option("key.json.timestamp-format.standard", "ISO-8601")',
        '                .option("value.format", "json")',
        '                .option("value.json.timestamp-format.standard", "ISO-8601"), "properties.bootstrap.servers", "properties.group.id")',
        "                .build());",
        '        Table c = tEnv.from("c");',
      ],
      [
        "// c/select (SITE)",
        "Table cSelect = c",
        '                .select($("customer_id"),',
        '                        ifThenElse($("name").isNull(), lit("none"), lit("some")).cast(DataTypes.STRING()).as("label"));',
        '        tEnv.createTemporaryView("c__select", cSelect);',
      ],
      [
        "// sink c/select/c.out (SITE)",
        'tEnv.createTemporaryTable("c_out", options.withKafkaProperties(TableDescriptor.forConnector("upsert-kafka")',
        "                .schema(Schema.newBuilder()",
        '                        .column("customer_id", DataTypes.STRING().notNull())',
        '                        .column("label", DataTypes.STRING())',
        '                        .primaryKey("customer_id")',
        "                        .build())",
        '                .option("topic", "c.out")',
        '                .option("properties.bootstrap.servers", options.bootstrapServers())',
        '                .option("key.format", "json")',
        '                .option("key.json.timestamp-format.standard", "ISO-8601")',
        '                .option("key.json.encode.decimal-as-plain-number", "true")',
        '                .option("value.format", "json")',
        '                .option("value.json.timestamp-format.standard", "ISO-8601")',
        '                .option("value.json.encode.decimal-as-plain-number", "true")',
        '                .option("sink.delivery-guarantee", "at-least-once"), "properties.bootstrap.servers")',
        "                .build());",
      ],
      [
        "// sink c/select/c.out (SITE)",
        'job.addInsert("c_out", cSelect);',
      ],
    ]);
    // Only upsert-kafka tables: the JAR still carries the Kafka connector.
    const j = render(def);
    expect([j.env, j.formats, j.usesKafka]).toEqual([[], ["json"], true]);
  });
});

const A = t.row({ k: t.string().nullable(), k2: t.int().nullable(), v: t.int().nullable(), w: t.string().nullable(), ts: t.timestamp(3).nullable() });
const B = t.row({ k: t.string().nullable(), k2: t.int().nullable(), x: t.int().nullable(), ts: t.timestamp(3).nullable() });
const a = source("a", { topic: "a.v1", schema: A });
const b = source("b", { topic: "b.v1", schema: B });

describe.each(TARGETS)("joins, Flink %s", (target) => {
  it.each([
    ["inner", "join"],
    ["left", "leftOuterJoin"],
    ["right", "rightOuterJoin"],
    ["full", "fullOuterJoin"],
  ] as const)("a %s join on two keys is .%s of the right side renamed as Flink's planner names it, both keys and-ed", (type, method) => {
    const def = pipeline("j", { stateTtl: "1d" }).write(a.join(b, { on: { k: "k", k2: "k2" }, type, select: (l, r) => ({ k: l.k, v: l.v, x: r.x, rk: r.k }) }).toUpsertKafka("o", { key: ["k"] })).definition;
    expect(step(def, "aJoin", target)).toEqual([
      "Table aJoin = a",
      `.${method}(b.select($("k").as("k0"), $("k2").as("k20"), $("x"), $("ts").as("ts0")), and($("k").isEqual($("k0")), $("k2").isEqual($("k20"))))`,
      '.select($("k"),',
      '$("v"),',
      '$("x"),',
      '$("k0").as("rk"));',
      'tEnv.createTemporaryView("a__join", aJoin);',
    ]);
  });

  it("a join on one key is that key's equality alone", () => {
    const def = pipeline("j", { stateTtl: "1d" }).write(a.join(b, { on: { k: "k" }, type: "left", select: (l, r) => ({ k: l.k, x: r.x }) }).toUpsertKafka("o", { key: ["k"] })).definition;
    expect(step(def, "aJoin", target)[1]).toBe('.leftOuterJoin(b.select($("k").as("k0"), $("k2").as("k20"), $("x"), $("ts").as("ts0")), $("k").isEqual($("k0")))');
  });
});

describe.each(TARGETS)("group windows, Flink %s", (target) => {
  const at = source("a", { topic: "a.v1", schema: A }).eventTime("ts").watermark("1s");
  it("the window's alias is a name no column has (w is taken here: w2)", () => {
    const def = pipeline("w").write(at.tumble("1m").groupBy("w").aggregate({ n: count() }).toKafka("o")).definition;
    expect(step(def, "aTumble", target)).toEqual([
      "Table aTumble = a",
      '.window(Tumble.over(lit(1).minutes()).on($("ts")).as("w2"))',
      '.groupBy($("w2"), $("w"))',
      '.select($("w2").start().as("window_start"),',
      '$("w2").end().as("window_end"),',
      '$("w"),',
      '$("w2").rowtime().as("window_time"),',
      'lit(1).count().as("n"));',
      'tEnv.createTemporaryView("a__tumble", aTumble);',
    ]);
  });
});

describe("a sink whose input has two rowtime columns", () => {
  it("writes the copies as plain timestamps, as the SQL output does (Flink refuses two rowtimes in a sink)", () => {
    const timed = source("r", { topic: "r.v1", schema: Reading }).eventTime("at").watermark("1s");
    const copies = pipeline("copies").write(timed.select((o) => ({ a: o.at, id: o.id, b: o.at })).toKafka("out.v1")).definition;
    expect(render(copies).inserts[0]!.code).toBe('job.addInsert("out_v1", rSelect.select($("a"), $("id"), $("b").cast(DataTypes.TIMESTAMP(3)).as("b")));');
    const one = pipeline("one").write(timed.select((o) => ({ a: o.at, id: o.id })).toKafka("out.v1")).definition;
    expect(render(one).inserts[0]!.code).toBe('job.addInsert("out_v1", rSelect);');
  });
});

describe("an inconsistent job plan", () => {
  it("a step reading an object the plan does not declare is an internal error, never Java naming `undefined`", () => {
    const plan = lowerPipeline(pipeline("p").write(a.filter((o) => o.v.gt(1)).toKafka("o")).definition, { flinkVersion: "2.2" });
    const broken = { ...plan, objects: plan.objects.filter((o) => o.role !== "source") };
    expect(() => renderPipelineJava(broken)).toThrow("internal: no Java variable for a");
  });
});
