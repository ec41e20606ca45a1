import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { count, env, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { javaArtifact, joinRowNames, renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";
import type { SinkNode } from "../../packages/streamt-sdk/src/ir/nodes/sink-node.js";
import { parseCommand } from "../../packages/streamt-sdk/src/cli/args.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), status: t.string().nullable(), amount: t.decimal(10, 2), ts: t.timestamp(3) });

function java(def: PipelineDef) {
  return renderPipelineJava(lowerPipeline(def, { flinkVersion: "2.2" }));
}

describe("the Table API program of a job plan", () => {
  const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
  const def = pipeline("hourly", { checkpointInterval: "1m" }).write(
    orders.filter((o) => o.status.eq("paid")).tumble("1h").groupBy("customer_id").aggregate({ n: count(), revenue: sum("amount") }).toKafka("hourly.v1"),
  ).definition;

  it("writes settings, steps and inserts as Table API code, not SQL", () => {
    const j = java(def);
    expect(j.className).toBe("HourlyJob");
    expect(j.settings.map((s) => s.code)).toEqual([
      'tEnv.getConfig().set("pipeline.name", "hourly");',
      'tEnv.getConfig().set("execution.checkpointing.interval", "1 min");',
    ]);
    const filter = j.steps.find((s) => s.code.startsWith("Table ordersFilter"))!;
    expect(filter.code).toBe('Table ordersFilter = orders\n                .filter($("status").isEqual(lit("paid")));\n        tEnv.createTemporaryView("orders__filter", ordersFilter);');
    const window = j.steps.find((s) => s.code.startsWith("Table ordersFilterTumble"))!;
    expect(window.code.split("\n").map((l) => l.trim())).toEqual([
      "Table ordersFilterTumble = ordersFilter",
      '.window(Tumble.over(lit(1).hours()).on($("ts")).as("w"))',
      '.groupBy($("w"), $("customer_id"))',
      '.select($("w").start().as("window_start"),',
      '$("w").end().as("window_end"),',
      '$("customer_id"),',
      '$("w").rowtime().as("window_time"),',
      'lit(1).count().as("n"),',
      '$("amount").sum().as("revenue"));',
      'tEnv.createTemporaryView("orders__filter__tumble", ordersFilterTumble);',
    ]);
    expect(window.comments[0]).toMatch(/^\/\/ orders\/filter\/tumble \(test\/java\/java-emitter\.test\.ts:\d+\)$/);
    expect(j.sqlSteps).toEqual([]);
    expect(j.inserts[0]!.code).toBe('job.addInsert("hourly_v1", ordersFilterTumble);');
    expect(j.env).toEqual([]);
    expect(j.formats).toEqual(["json"]);
  });

  it("Kafka addresses and secrets are read at run time: no bootstrap server or secret value in the program", () => {
    const secretive = pipeline("secretive", {}).write(
      source("s", { topic: "s.v1", schema: Order, properties: { "sasl.jaas.config": env("KAFKA_JAAS") } }).toKafka("out.v1"),
    ).definition;
    const files = (javaArtifact(lowerPipeline(secretive, { flinkVersion: "2.2" }), { sdkVersion: "0.0.0" }).files);
    const main = files.find((f) => f.path.endsWith("SecretiveJob.java"))!.content;
    expect(main).toContain('.option("properties.bootstrap.servers", options.bootstrapServers())');
    expect(main).toContain('.option("properties.sasl.jaas.config", options.env("KAFKA_JAAS"))');
    expect(main).toContain('private static final List<String> SECRET_ENV = List.of("KAFKA_JAAS");');
    expect(files.map((f) => f.path)).toEqual(["secretive/pom.xml", "secretive/src/main/java/io/streamt/generated/SecretiveJob.java", "secretive/README.md"]);
  });

  it("steps the Table API cannot write go through sqlQuery, each with its reason", () => {
    const ttl = pipeline("totals", {}).write(
      orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "1d" }).toUpsertKafka("totals.v1", { key: ["customer_id"] }),
    ).definition;
    const j = java(ttl);
    expect(j.sqlSteps).toEqual([{ path: "orders/aggregate", why: "its state TTL is a STATE_TTL hint, which only SQL can give" }]);
    const step = j.steps.find((s) => s.code.startsWith("Table ordersAggregate"))!;
    expect(step.code).toContain('tEnv.sqlQuery("SELECT /*+ STATE_TTL(\'orders\' = \'1 d\') */ `customer_id`, SUM(`amount`) AS `total`\\n"');
  });

  it("a join's right-side columns that share a left name are renamed as Flink's planner names them", () => {
    expect(joinRowNames(["order_id", "amount", "amount0"], ["order_id", "amount", "paid_at"])).toEqual(["order_id0", "amount1", "paid_at"]);
  });
});

describe("user text cannot change the program", () => {
  const orders = source("orders", { topic: "orders.v1", schema: Order });
  const def = pipeline("injection", {}).write(orders.filter((o) => o.status.eq("paid")).toKafka("paid.v1")).definition;
  const withSites = (file: string): PipelineDef => {
    const site = { file, line: 7, column: 3 };
    return { ...def, site, sinks: def.sinks.map((s): SinkNode => ({ ...s, site, input: { ...s.input, site } as SinkNode["input"] })) };
  };
  const program = (d: PipelineDef) => {
    const j = java(d);
    return [...j.settings, ...j.steps, ...j.inserts].map((s) => s.code).join("\n");
  };

  it("file names with quotes, line breaks and \\u escapes stay in comments: the code is that of a plain file name", () => {
    const plain = program(withSites("src/p.ts"));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("p.ts\\u000a System.exit(1);", 'p.ts"); System.exit(1); //', "p.ts\n}\nclass X {")), (file) => {
        const j = java(withSites(file));
        expect(program(withSites(file))).toBe(plain);
        for (const c of [...j.steps, ...j.inserts].flatMap((s) => s.comments)) expect(/^\/\/ [\x20-\x7e]*$/.test(c)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("string values (a literal in a filter) are Java string literals", () => {
    const evil = pipeline("evil", {}).write(orders.filter((o) => o.status.eq('"); System.exit(1); ("')).toKafka("paid.v1")).definition;
    const step = java(evil).steps.find((s) => s.code.startsWith("Table ordersFilter"))!;
    expect(step.code).toContain('.filter($("status").isEqual(lit("\\"); System.exit(1); (\\"")));');
  });
});

describe("synth --target", () => {
  it("takes sql, java, jar or all (sql by default); anything else is a usage error listing them", () => {
    const cmd = (...a: string[]) => parseCommand(["synth", "p.ts", ...a]);
    expect((cmd() as { target: string }).target).toBe("sql");
    expect((cmd("--target", "jar") as { target: string }).target).toBe("jar");
    expect(() => cmd("--target", "war")).toThrow("--target must be one of sql, java, jar, all");
    expect(() => parseCommand(["check", "p.ts", "--target", "jar"])).toThrow("option --target does not apply to 'check'");
  });
});

describe("shapes Flink's planner gets wrong (ir/planner-safe.ts) are written in the form it gets right, as in SQL", () => {
  const Row = t.row({ k: t.string(), s: t.string().nullable(), m: t.int().nullable(), ts: t.timestamp(3) });
  const rows = source("rows", { topic: "rows.v1", schema: Row }).eventTime("ts").watermark("1s");
  const filterOf = (p: Pipeline): string => java(p.definition).steps.find((s) => s.code.startsWith("Table rowsFilter"))!.code.split("\n")[1]!.trim();

  it("D4: LIKE with no wildcard is an equality (Flink finds every non-null string LIKE '')", () => {
    expect(filterOf(pipeline("like").write(rows.filter((o) => o.s.like("")).toKafka("out.v1")))).toBe('.filter($("s").isEqual(lit("")));');
  });

  it("D5: a column compared with itself keeps its NULL (Flink simplifies m = m to TRUE)", () => {
    expect(filterOf(pipeline("self").write(rows.filter((o) => o.m.eq(o.m)).toKafka("out.v1")))).toBe('.filter(or($("m").isNotNull(), nullOf(DataTypes.BOOLEAN())));');
  });

  it("D7: a rowtime compared with a literal is compared as a plain timestamp", () => {
    expect(filterOf(pipeline("rowtime").write(rows.filter((o) => o.ts.gt(new Date("2024-01-01T10:00:00Z"))).toKafka("out.v1")))).toBe(
      '.filter($("ts").cast(DataTypes.TIMESTAMP(3)).isGreater(lit(LocalDateTime.parse("2024-01-01T10:00:00.000"), DataTypes.TIMESTAMP(3).notNull())));',
    );
  });
});
