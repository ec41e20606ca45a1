/**
 * Every aggregate, window, join and stateful step the SQL emitter has exact-SQL tests for
 * (test/emit-sql/every-operator.test.ts), as its exact Java for both Flink targets: the Table API's own
 * builders where it has them, `tEnv.sqlQuery` of the SQL output's query with the reason where it has none.
 */
import { describe, expect, it } from "vitest";
import { arrayAgg, avg, count, countDistinct, firstValue, lastValue, listagg, max, min, pipeline, source, stddevPop, stddevSamp, sum, t, varPop, varSamp, type AggSpec, type Pipeline } from "streamt-sdk";
import { renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";

const TARGETS = ["2.2", "1.20"] as const;
type Target = (typeof TARGETS)[number];

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), qty: t.int().nullable(), status: t.string().nullable(), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");

/** The step whose variable is `name`: its comments (call site left out) and its code, lines trimmed. */
function step(p: Pipeline, name: string, target: Target): { comments: string[]; code: string[] } {
  const s = renderPipelineJava(lowerPipeline(p.definition, { flinkVersion: target })).steps.find((x) => x.code.startsWith(`Table ${name} =`))!;
  return { comments: s.comments.map((c) => c.replace(/ \(test\/java\/java-steps\.test\.ts:\d+\)$/, "")), code: s.code.split("\n").map((l) => l.trim()) };
}

/** A table row's aggregate, typed as one every row accepts (the rows name real columns of Order). */
const anyAgg = (a: AggSpec) => a as AggSpec<"COUNT", null>;
const AGGREGATES: readonly (readonly [string, AggSpec, string])[] = [
  ["count()", count(), "lit(1).count()"],
  ["count(col)", count("status"), '$("status").count()'],
  ["countDistinct", countDistinct("status"), '$("status").count().distinct()'],
  ["sum", sum("amount"), '$("amount").sum()'],
  ["avg", avg("qty"), '$("qty").avg()'],
  ["min", min("amount"), '$("amount").min()'],
  ["max (of the rowtime: cast to the plain timestamp, D6)", max("ts"), '$("ts").max().cast(DataTypes.TIMESTAMP(3))'],
  ["firstValue", firstValue("status"), '$("status").firstValue()'],
  ["lastValue", lastValue("order_id"), '$("order_id").lastValue()'],
  ["stddevPop", stddevPop("qty"), '$("qty").stddevPop()'],
  ["stddevSamp (NULL for one value)", stddevSamp("amount"), 'ifThenElse($("amount").count().isGreater(lit(1)), $("amount").stddevSamp(), nullOf(DataTypes.DECIMAL(38, 6)))'],
  ["varPop", varPop("amount"), '$("amount").varPop()'],
  ["varSamp (NULL for one value)", varSamp("qty"), 'ifThenElse($("qty").count().isGreater(lit(1)), $("qty").varSamp(), nullOf(DataTypes.INT()))'],
  ["listagg", listagg("order_id"), '$("order_id").listAgg(",")'],
  ["listagg with a separator", listagg("status", "it's"), "$(\"status\").listAgg(\"it's\")"],
  ["arrayAgg", arrayAgg("qty"), '$("qty").arrayAgg()'],
];

describe.each(TARGETS)("aggregates, Flink %s", (target) => {
  it.each(AGGREGATES)("%s in a tumbling window per key", (_label, agg, java) => {
    const p = pipeline("p").write(orders.tumble("1h").groupBy("customer_id").aggregate({ x: anyAgg(agg) }).toKafka("out"));
    expect(step(p, "ordersTumble", target)).toEqual({
      comments: ["// orders/tumble"],
      code: [
        "Table ordersTumble = orders",
        '.window(Tumble.over(lit(1).hours()).on($("ts")).as("w"))',
        '.groupBy($("w"), $("customer_id"))',
        '.select($("w").start().as("window_start"),',
        '$("w").end().as("window_end"),',
        '$("customer_id"),',
        '$("w").rowtime().as("window_time"),',
        `${java}.as("x"));`,
        'tEnv.createTemporaryView("orders__tumble", ordersTumble);',
      ],
    });
  });

  it.each(AGGREGATES)("%s in a non-windowed group by (the job-wide state TTL: no hint, the Table API)", (_label, agg, java) => {
    const p = pipeline("p", { stateTtl: "1d" }).write(orders.groupBy("customer_id").aggregate({ x: anyAgg(agg) }).toUpsertKafka("out", { key: ["customer_id"] }));
    expect(step(p, "ordersAggregate", target).code).toEqual([
      "Table ordersAggregate = orders",
      '.groupBy($("customer_id"))',
      '.select($("customer_id"),',
      `${java}.as("x"));`,
      'tEnv.createTemporaryView("orders__aggregate", ordersAggregate);',
    ]);
  });

  it("a step's own state TTL is a STATE_TTL hint: the step is its SQL, with the reason", () => {
    const p = pipeline("p").write(orders.groupBy("customer_id").aggregate({ x: sum("amount") }, { ttl: "7d" }).toUpsertKafka("out", { key: ["customer_id"] }));
    expect(step(p, "ordersAggregate", target)).toEqual({
      comments: ["// orders/aggregate", "// Flink SQL here: its state TTL is a STATE_TTL hint, which only SQL can give"],
      code: [
        "Table ordersAggregate = tEnv.sqlQuery(\"SELECT /*+ STATE_TTL('orders' = '7 d') */ `customer_id`, SUM(`amount`) AS `x`\\n\"",
        "+ \"FROM `orders`\\n\"",
        '+ "GROUP BY `customer_id`");',
        'tEnv.createTemporaryView("orders__aggregate", ordersAggregate);',
      ],
    });
  });

  it("an aggregate without keys selects the aggregates alone", () => {
    const p = pipeline("p", { stateTtl: "1d" }).write(orders.groupBy().aggregate({ n: count(), total: sum("amount") }).toPrint());
    expect(step(p, "ordersAggregate", target).code).toEqual([
      "Table ordersAggregate = orders",
      '.select(lit(1).count().as("n"),',
      '$("amount").sum().as("total"));',
      'tEnv.createTemporaryView("orders__aggregate", ordersAggregate);',
    ]);
  });
});

describe.each(TARGETS)("windows, Flink %s", (target) => {
  it.each([
    ["tumble of 500 ms", () => orders.tumble("500ms").count(), "ordersTumble", '.window(Tumble.over(lit(500).millis()).on($("ts")).as("w"))'],
    ["tumble of 100 days", () => orders.tumble("100d").count(), "ordersTumble", '.window(Tumble.over(lit(100).days()).on($("ts")).as("w"))'],
    ["hop: size, then slide", () => orders.hop("1h", "15m").count(), "ordersHop", '.window(Slide.over(lit(1).hours()).every(lit(15).minutes()).on($("ts")).as("w"))'],
    ["session without keys", () => orders.session("10m").count(), "ordersSession", '.window(Session.withGap(lit(10).minutes()).on($("ts")).as("w"))'],
  ] as const)("%s", (_label, build, name, window) => {
    expect(step(pipeline("p").write(build().toPrint()), name, target).code.slice(1, 3)).toEqual([window, '.groupBy($("w"))']);
  });

  it("a cumulating window is its SQL, with the reason", () => {
    expect(step(pipeline("p").write(orders.cumulate("1h", "1d").count().toPrint()), "ordersCumulate", target)).toEqual({
      comments: ["// orders/cumulate", "// Flink SQL here: the Table API has no cumulating window (CUMULATE exists only as a SQL window function)"],
      code: [
        "Table ordersCumulate = tEnv.sqlQuery(\"SELECT `window_start`, `window_end`, `window_time`, COUNT(*) AS `count`\\n\"",
        "+ \"FROM TABLE(CUMULATE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' HOUR, INTERVAL '1' DAY))\\n\"",
        '+ "GROUP BY `window_start`, `window_end`, `window_time`");',
        'tEnv.createTemporaryView("orders__cumulate", ordersCumulate);',
      ],
    });
  });

  it("a session window per key groups by the window and the keys", () => {
    const p = pipeline("p").write(orders.session("5m").groupBy("customer_id", "status").aggregate({ total: sum("amount") }).toPrint());
    expect(step(p, "ordersSession", target).code).toEqual([
      "Table ordersSession = orders",
      '.window(Session.withGap(lit(5).minutes()).on($("ts")).as("w"))',
      '.groupBy($("w"), $("customer_id"), $("status"))',
      '.select($("w").start().as("window_start"),',
      '$("w").end().as("window_end"),',
      '$("customer_id"),',
      '$("status"),',
      '$("w").rowtime().as("window_time"),',
      '$("amount").sum().as("total"));',
      'tEnv.createTemporaryView("orders__session", ordersSession);',
    ]);
  });
});

describe.each(TARGETS)("stateful steps the Table API cannot write: the SQL output's query, with the reason, Flink %s", (target) => {
  it("deduplication", () => {
    const p = pipeline("p").write(orders.deduplicate({ key: ["order_id"], keep: "last", ttl: "1h" }).toUpsertKafka("out", { key: ["order_id"] }));
    expect(step(p, "ordersDeduplicate", target)).toEqual({
      comments: ["// orders/deduplicate", "// Flink SQL here: deduplication is ROW_NUMBER() OVER (...) = 1, which the Table API cannot write"],
      code: [
        "Table ordersDeduplicate = tEnv.sqlQuery(\"SELECT `order_id`, `customer_id`, `amount`, `qty`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`\\n\"",
        "+ \"FROM (\\n\"",
        "+ \"  SELECT *, ROW_NUMBER() OVER (PARTITION BY `order_id` ORDER BY `ts` DESC) AS `__streamt_row_num`\\n\"",
        "+ \"  FROM `orders`\\n\"",
        "+ \")\\n\"",
        '+ "WHERE `__streamt_row_num` = 1");',
        'tEnv.createTemporaryView("orders__deduplicate", ordersDeduplicate);',
      ],
    });
  });

  it("window deduplication", () => {
    const p = pipeline("p").write(orders.hop("10m", "5m").deduplicate({ key: ["customer_id", "order_id"], keep: "first" }).toPrint());
    expect(step(p, "ordersHopDeduplicate", target).code).toEqual([
      "Table ordersHopDeduplicate = tEnv.sqlQuery(\"SELECT `order_id`, `customer_id`, `amount`, `qty`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `window_start`, `window_end`, `window_time`\\n\"",
      "+ \"FROM (\\n\"",
      "+ \"  SELECT *, ROW_NUMBER() OVER (PARTITION BY `window_start`, `window_end`, `customer_id`, `order_id` ORDER BY `ts` ASC) AS `__streamt_row_num`\\n\"",
      "+ \"  FROM TABLE(HOP(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))\\n\"",
      "+ \")\\n\"",
      '+ "WHERE `__streamt_row_num` = 1");',
      'tEnv.createTemporaryView("orders__hop_deduplicate", ordersHopDeduplicate);',
    ]);
  });

  it("Top-N", () => {
    const p = pipeline("p").write(orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3, ttl: "1d" }).toUpsertKafka("out", { key: ["customer_id", "row_num"] }));
    expect(step(p, "ordersTopN", target)).toEqual({
      comments: ["// orders/top-n", "// Flink SQL here: Top-N is ROW_NUMBER() OVER (...) <= N, which the Table API cannot write"],
      code: [
        "Table ordersTopN = tEnv.sqlQuery(\"SELECT `order_id`, `customer_id`, `amount`, `qty`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `row_num`\\n\"",
        "+ \"FROM (\\n\"",
        "+ \"  SELECT *, ROW_NUMBER() OVER (PARTITION BY `customer_id` ORDER BY `amount` DESC) AS `row_num`\\n\"",
        "+ \"  FROM `orders`\\n\"",
        "+ \")\\n\"",
        '+ "WHERE `row_num` <= 3");',
        'tEnv.createTemporaryView("orders__top_n", ordersTopN);',
      ],
    });
  });

  it("window Top-N", () => {
    const p = pipeline("p").write(orders.tumble("1m").topN({ partitionBy: [], orderBy: [{ column: "qty", direction: "asc" }], n: 1 }).toPrint());
    expect(step(p, "ordersTumbleTopN", target).code).toEqual([
      "Table ordersTumbleTopN = tEnv.sqlQuery(\"SELECT `order_id`, `customer_id`, `amount`, `qty`, `status`, CAST(`ts` AS TIMESTAMP(3)) AS `ts`, `window_start`, `window_end`, `window_time`, `row_num`\\n\"",
      "+ \"FROM (\\n\"",
      "+ \"  SELECT *, ROW_NUMBER() OVER (PARTITION BY `window_start`, `window_end` ORDER BY `qty` ASC) AS `row_num`\\n\"",
      "+ \"  FROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\\n\"",
      "+ \")\\n\"",
      '+ "WHERE `row_num` <= 1");',
      'tEnv.createTemporaryView("orders__tumble_top_n", ordersTumbleTopN);',
    ]);
  });

  it.each([
    ["inner", "JOIN"],
    ["left", "LEFT JOIN"],
  ] as const)("a temporal %s join", (type, keyword) => {
    const p = pipeline("p").write(orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, type, select: (o, c) => ({ order_id: o.order_id, name: c.name, ts: o.ts }) }).toPrint());
    expect(step(p, "ordersTemporalJoin", target)).toEqual({
      comments: ["// orders/temporal-join", "// Flink SQL here: a join FOR SYSTEM_TIME AS OF a versioned table has no Table API form (temporal table functions need an append-only history)"],
      code: [
        'Table ordersTemporalJoin = tEnv.sqlQuery("SELECT `l`.`order_id` AS `order_id`, `r`.`name` AS `name`, `l`.`ts` AS `ts`\\n"',
        '+ "FROM `orders` AS `l`\\n"',
        `+ "${keyword} \`customers\` FOR SYSTEM_TIME AS OF \`l\`.\`ts\` AS \`r\`\\n"`,
        '+ "  ON `l`.`customer_id` = `r`.`customer_id`");',
        'tEnv.createTemporaryView("orders__temporal_join", ordersTemporalJoin);',
      ],
    });
  });

  it("a window join", () => {
    const p = pipeline("p").write(orders.tumble("5m").join(payments.tumble("5m"), { on: { order_id: "order_id" }, select: (o, x) => ({ order_id: o.order_id, paid: x.paid }) }).toPrint());
    expect(step(p, "ordersTumbleJoin", target)).toEqual({
      comments: ["// orders/tumble-join", "// Flink SQL here: a window join exists only on SQL window functions"],
      code: [
        "Table ordersTumbleJoin = tEnv.sqlQuery(\"SELECT `l`.`order_id` AS `order_id`, `r`.`paid` AS `paid`\\n\"",
        "+ \"FROM (\\n\"",
        "+ \"  SELECT * FROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '5' MINUTE))\\n\"",
        "+ \") `l`\\n\"",
        "+ \"JOIN (\\n\"",
        "+ \"  SELECT * FROM TABLE(TUMBLE(TABLE `payments`, DESCRIPTOR(`paid_at`), INTERVAL '5' MINUTE))\\n\"",
        "+ \") `r`\\n\"",
        "+ \"  ON `l`.`window_start` = `r`.`window_start`\\n\"",
        "+ \"  AND `l`.`window_end` = `r`.`window_end`\\n\"",
        '+ "  AND `l`.`order_id` = `r`.`order_id`");',
        'tEnv.createTemporaryView("orders__tumble_join", ordersTumbleJoin);',
      ],
    });
  });

  it("a regular join with a per-side state TTL", () => {
    const p = pipeline("p").write(orders.join(payments, { on: { order_id: "order_id" }, type: "left", ttl: "1h", select: (o, x) => ({ order_id: o.order_id, pid: x.payment_id, paid: x.paid }) }).toPrint());
    expect(step(p, "ordersJoin", target)).toEqual({
      comments: ["// orders/join", "// Flink SQL here: its per-side state TTL is a STATE_TTL hint, which only SQL can give"],
      code: [
        "Table ordersJoin = tEnv.sqlQuery(\"SELECT /*+ STATE_TTL('l' = '1 h', 'r' = '1 h') */ `l`.`order_id` AS `order_id`, `r`.`payment_id` AS `pid`, `r`.`paid` AS `paid`\\n\"",
        "+ \"FROM `orders` AS `l`\\n\"",
        "+ \"LEFT JOIN `payments` AS `r`\\n\"",
        '+ "  ON `l`.`order_id` = `r`.`order_id`");',
        'tEnv.createTemporaryView("orders__join", ordersJoin);',
      ],
    });
  });

  it("distinct with its state TTL", () => {
    const p = pipeline("p").write(orders.select("customer_id", "status").distinct({ ttl: "1d" }).toPrint());
    expect(step(p, "ordersSelectDistinct", target).code).toEqual([
      "Table ordersSelectDistinct = tEnv.sqlQuery(\"SELECT /*+ STATE_TTL('orders__select' = '1 d') */ `customer_id`, `status`\\n\"",
      "+ \"FROM `orders__select`\\n\"",
      '+ "GROUP BY `customer_id`, `status`");',
      'tEnv.createTemporaryView("orders__select__distinct", ordersSelectDistinct);',
    ]);
  });
});

describe.each(TARGETS)("joins, unions and OVER windows in the Table API, Flink %s", (target) => {
  it.each([
    ["inner", ["0s", "1h"], '.join(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), and($("order_id").isEqual($("order_id0")), $("paid_at").between($("ts"), $("ts").plus(lit(1).hours()))))'],
    ["left", ["-5m", "1h"], '.leftOuterJoin(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), and($("order_id").isEqual($("order_id0")), $("paid_at").between($("ts").minus(lit(5).minutes()), $("ts").plus(lit(1).hours()))))'],
    ["inner", ["-10m", "-1m"], '.join(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), and($("order_id").isEqual($("order_id0")), $("paid_at").between($("ts").minus(lit(10).minutes()), $("ts").minus(lit(1).minutes()))))'],
    ["left", ["-1500ms", "0s"], '.leftOuterJoin(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), and($("order_id").isEqual($("order_id0")), $("paid_at").between($("ts").minus(lit(1500).millis()), $("ts"))))'],
    ["inner", ["1s", "36h"], '.join(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), and($("order_id").isEqual($("order_id0")), $("paid_at").between($("ts").plus(lit(1).seconds()), $("ts").plus(lit(36).hours()))))'],
  ] as const)("an interval %s join between %j: the right side's time between the left's bounds", (type, between, join) => {
    const p = pipeline("p").write(orders.intervalJoin(payments, { on: { order_id: "order_id" }, between, type, select: (o, x) => ({ order_id: o.order_id, paid: x.paid, ts: o.ts }) }).toPrint());
    expect(step(p, "ordersIntervalJoin", target).code).toEqual([
      "Table ordersIntervalJoin = orders",
      join,
      '.select($("order_id"),',
      '$("paid"),',
      '$("ts"));',
      'tEnv.createTemporaryView("orders__interval_join", ordersIntervalJoin);',
    ]);
  });

  it("a join's expression over both sides names the right side's renamed columns", () => {
    const p = pipeline("p", { stateTtl: "1d" }).write(orders.join(payments, { on: { order_id: "order_id" }, type: "inner", select: (o, x) => ({ order_id: o.order_id, total: o.amount.add(x.paid) }) }).toPrint());
    expect(step(p, "ordersJoin", target).code).toEqual([
      "Table ordersJoin = orders",
      '.join(payments.select($("payment_id"), $("order_id").as("order_id0"), $("paid"), $("paid_at")), $("order_id").isEqual($("order_id0")))',
      '.select($("order_id"),',
      '$("amount").plus($("paid")).as("total"));',
      'tEnv.createTemporaryView("orders__join", ordersJoin);',
    ]);
  });

  it("a union widens each input to the union's column types", () => {
    const s2 = source("s2", { topic: "s2", schema: t.row({ order_id: t.string(), amount: t.decimal(12, 3), ts: t.timestamp(3) }) }).eventTime("ts").watermark("1s");
    expect(step(pipeline("p").write(orders.select("order_id", "amount", "ts").union(s2).toPrint()), "ordersSelectUnion", target).code).toEqual([
      'Table ordersSelectUnion = ordersSelect.select($("order_id"), $("amount").cast(DataTypes.DECIMAL(12, 3).notNull()).as("amount"), $("ts"))',
      '.unionAll(s2.select($("order_id"), $("amount"), $("ts")));',
      'tEnv.createTemporaryView("orders__select__union", ordersSelectUnion);',
    ]);
  });

  it("a unique check's previous row per key is an OVER window of the row before, its time cast to a plain timestamp", () => {
    const p = pipeline("p").write(orders.check("uq", { unique: { columns: ["order_id", "customer_id"], within: "1h" } }, { onFail: "drop" }).toKafka("valid"));
    expect(step(p, "ordersCheckUqPrevious", target).code).toEqual([
      "Table ordersCheckUqPrevious = ordersCheckUqOnTime",
      '.window(org.apache.flink.table.api.Over.partitionBy($("order_id"), $("customer_id")).orderBy($("ts")).preceding(rowInterval(1L)).following(CURRENT_ROW).as("w"))',
      '.select($("order_id"),',
      '$("customer_id"),',
      '$("amount"),',
      '$("qty"),',
      '$("status"),',
      '$("ts"),',
      'lit(1).count().over($("w")).as("__streamt_unique_rows"),',
      '$("ts").min().over($("w")).cast(DataTypes.TIMESTAMP(3)).as("__streamt_unique_previous"));',
      'tEnv.createTemporaryView("orders__check_uq__previous", ordersCheckUqPrevious);',
    ]);
  });
});
