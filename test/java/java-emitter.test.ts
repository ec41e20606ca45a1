import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayAgg, count, env, firstValue, fn, jsonObject, jsonString, listagg, max, pipeline, source, stddevPop, stddevSamp, sum, t, timestampDiff, varSamp, type Pipeline } from "streamt-sdk";
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
    // Properties given at run time (--kafka-property, a deploy environment's) fill in only what the table does not set.
    expect(main).toContain('.option("properties.sasl.jaas.config", options.env("KAFKA_JAAS")), "properties.bootstrap.servers", "properties.group.id", "properties.auto.offset.reset", "properties.sasl.jaas.config")');
    expect(main).toContain('.option("sink.delivery-guarantee", "at-least-once"), "properties.bootstrap.servers")');
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
    expect(filterOf(pipeline("rowtime").write(rows.filter((o) => o.ts.lt(new Date("2024-01-01T10:00:00Z"))).toKafka("out.v1")))).toBe(
      '.filter($("ts").cast(DataTypes.TIMESTAMP(3)).isLess(lit(LocalDateTime.parse("2024-01-01T10:00:00.000"), DataTypes.TIMESTAMP(3).notNull())));',
    );
  });

  it("D8: a bound of a millisecond time is half-open (<= T is < T + 1 ms), so two filters cannot pin it to T", () => {
    expect(filterOf(pipeline("upto").write(rows.filter((o) => o.ts.le(new Date("2024-01-01T10:00:00Z"))).toKafka("out.v1")))).toBe(
      '.filter($("ts").cast(DataTypes.TIMESTAMP(3)).isLess(lit(LocalDateTime.parse("2024-01-01T10:00:00.001"), DataTypes.TIMESTAMP(3).notNull())));',
    );
  });
});

describe("functions and aggregates: the Table API's own builders, callSql only where it has none (as the SQL output writes them)", () => {
  const Reading = t.row({ id: t.string().nullable(), s: t.string().nullable(), note: t.string().nullable(), at: t.timestamp(3).nullable(), day: t.date().nullable(), n: t.int().nullable(), x: t.double().nullable(), amount: t.decimal(10, 2).nullable(), ts: t.timestamp(3) });
  const readings = source("r", { topic: "r.v1", schema: Reading }).eventTime("ts").watermark("1s");
  /** The lines of the step whose variable is `name`, trimmed. */
  const step = (p: Pipeline, name: string): string[] => java(p.definition).steps.find((s) => s.code.startsWith(`Table ${name} =`))!.code.split("\n").map((l) => l.trim());
  const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });

  it("hashes, TIMESTAMPDIFF (a backward month counted forwards), intervals, TIMESTAMPADD, JSON and a declared built-in", () => {
    const p = pipeline("scalar").write(readings.select((o) => ({
      md5: o.s.md5(),
      sha1: o.s.sha1(),
      sha256: o.s.sha256(),
      sha384: o.s.sha2(384),
      days: timestampDiff("DAY", o.at, o.ts),
      months: timestampDiff("MONTH", o.at, o.ts),
      years: timestampDiff("YEAR", o.day, o.at),
      later: o.at.plus("90m"),
      earlier: o.at.minus("0.5s"),
      next_month: o.at.plus(1, "MONTH"),
      n_days_before: o.at.minus(o.n, "DAY"),
      tomorrow: o.day.plus("1d"),
      ts_plus: o.ts.plus("1s"),
      json: jsonObject({ id: o.id, detail: jsonObject({ n: o.n }) }, { onNull: "absent" }),
      note: jsonString(o.note),
      code: regexpExtract(o.id, "^([a-z]+)-", 1),
    })).toKafka("out.v1"));
    expect(step(p, "rSelect")).toEqual([
      "Table rSelect = r",
      '.select($("s").md5().as("md5"),',
      '$("s").sha1().as("sha1"),',
      '$("s").sha256().as("sha256"),',
      '$("s").sha2(lit(384)).as("sha384"),',
      'callSql("TIMESTAMPDIFF(DAY, `at`, `ts`)").as("days"),',
      // a backward span of months counted forwards and negated, as the SQL output writes it
      'callSql("CASE WHEN `ts` >= `at` THEN TIMESTAMPDIFF(MONTH, `at`, `ts`) ELSE - TIMESTAMPDIFF(MONTH, `ts`, `at`) END").as("months"),',
      'callSql("CASE WHEN `at` >= CAST(`day` AS TIMESTAMP(0)) THEN TIMESTAMPDIFF(YEAR, `day`, `at`) ELSE - TIMESTAMPDIFF(YEAR, `at`, `day`) END").as("years"),',
      '$("at").plus(lit(90).minutes()).as("later"),',
      '$("at").minus(lit(500).millis()).as("earlier"),',
      'callSql("TIMESTAMPADD(MONTH, 1, `at`)").as("next_month"),',
      'callSql("TIMESTAMPADD(DAY, (- `n`), `at`)").as("n_days_before"),',
      '$("day").plus(lit(1).days()).as("tomorrow"),',
      // the rowtime plus an interval is a plain timestamp, as the SQL output casts it
      '$("ts").plus(lit(1).seconds()).cast(DataTypes.TIMESTAMP(3)).as("ts_plus"),',
      'jsonObject(JsonOnNull.ABSENT, "id", $("id"), "detail", jsonObject(JsonOnNull.NULL, "n", $("n"))).as("json"),',
      'jsonString($("note")).as("note"),',
      'callSql("REGEXP_EXTRACT(`id`, \'^([a-z]+)-\', 1)").as("code"));',
      'tEnv.createTemporaryView("r__select", rSelect);',
    ]);
  });

  it("callSql names a join's right-side column as it is named after the join", () => {
    const other = source("p", { topic: "p.v1", schema: Reading }).eventTime("ts").watermark("1s");
    const p = pipeline("joined").write(readings.intervalJoin(other, { on: { id: "id" }, between: ["0s", "1m"], select: (l, r) => ({ id: l.id, code: regexpExtract(r.s, "x", 0) }) }).toKafka("out.v1"));
    const join = step(p, "rIntervalJoin");
    expect(join.find((l) => l.includes("callSql"))).toBe('callSql("REGEXP_EXTRACT(`s0`, \'x\', 0)").as("code"));');
  });

  it("deviations and variances (the sample ones guarded by the count, as in SQL), LISTAGG, ARRAY_AGG, an expression, the rowtime's FIRST_VALUE and MAX cast (D6)", () => {
    const p = pipeline("stats").write(readings.tumble("1m").groupBy("id").aggregate((o) => ({
      sd: stddevSamp("x"),
      v: varSamp(o.x),
      sd_pop: stddevPop("x"),
      notes: listagg("note", "; "),
      all: listagg(o.s),
      ns: arrayAgg("n"),
      revenue: sum(o.amount.mul(o.n)),
      first: firstValue("ts"),
      last: max("ts"),
    })).toKafka("out.v1"));
    expect(step(p, "rTumble").slice(7, -1)).toEqual([
      'ifThenElse($("x").count().isGreater(lit(1)), $("x").stddevSamp(), nullOf(DataTypes.DOUBLE())).as("sd"),',
      'ifThenElse($("x").count().isGreater(lit(1)), $("x").varSamp(), nullOf(DataTypes.DOUBLE())).as("v"),',
      '$("x").stddevPop().as("sd_pop"),',
      '$("note").listAgg("; ").as("notes"),',
      '$("s").listAgg(",").as("all"),',
      '$("n").arrayAgg().as("ns"),',
      '$("amount").times($("n")).sum().as("revenue"),',
      '$("ts").firstValue().cast(DataTypes.TIMESTAMP(3)).as("first"),',
      '$("ts").max().cast(DataTypes.TIMESTAMP(3)).as("last"));',
    ]);
  });

  it("D1: a union input's time attribute the union's output lacks is cast to a plain timestamp, as in SQL", () => {
    /* eslint-disable @typescript-eslint/no-explicit-any -- a union TypeScript refuses (the inputs differ on a time attribute) */
    const copied: any = readings.filter((o) => o.id.eq("a")).as("a").select((o) => ({ id: o.id, ts: o.ts, u0: o.ts }));
    const floored: any = readings.filter((o) => o.id.eq("b")).as("b").select((o) => ({ id: o.id, ts: o.ts, u0: o.ts.floorTo("MINUTE") }));
    /* eslint-enable @typescript-eslint/no-explicit-any */
    const p = pipeline("union").write(copied.union(floored).toKafka("out.v1"));
    expect(step(p, "rASelectUnion").slice(0, 2)).toEqual([
      'Table rASelectUnion = rASelect.select($("id"), $("ts"), $("u0").cast(DataTypes.TIMESTAMP(3)).as("u0"))',
      '.unionAll(rBSelect.select($("id"), $("ts"), $("u0")));',
    ]);
  });
});
