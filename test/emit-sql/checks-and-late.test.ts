/**
 * Data-quality checks and late records (issue 12, parts 2 and 3): the exact SQL they become, what they
 * refuse (coded, at the user's line), STREAMT-E018 for failure records a pipeline does not write, the
 * failures topic in topics.json, and the Java (Table API) output of the same steps.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { javaArtifact } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { collectTopics } from "../../packages/streamt-sdk/src/synth/topics.js";
import { lineHere, refusal, statementOf } from "../helpers.js";

const Order = t.row({
  order_id: t.string(),
  customer: t.string().nullable(),
  status: t.string().nullable(),
  amount: t.int(),
  qty: t.tinyint().nullable(),
  email: t.string().nullable(),
  at: t.timestamp(3),
});
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("at").watermark("5s");
const RULES = {
  notNull: ["customer"],
  accepted: { status: ["NEW", "PAID"] },
  range: { amount: { min: 0, max: 10000 } },
  like: { email: "%@%" },
} as const;

describe("check(): the SQL", () => {
  const checked = orders.check("quality", { ...RULES, expr: { positive: (o) => o.amount.gt(0), small_qty: (o) => o.qty.lt(10) } });
  const p = pipeline("checks").write(checked.toKafka("valid"), checked.failures.toKafka("failures"));
  const pass =
    "((((((`customer` IS NOT NULL) AND ((`status` IS NULL) OR (`status` IN ('NEW', 'PAID')))) AND ((`amount` >= 0) AND (`amount` <= 10000))) AND ((`email` IS NULL) OR (`email` LIKE '%@%'))) AND (`amount` > 0)) AND COALESCE((`qty` < 10), FALSE))";

  it("the checked stream keeps the rows for which every rule is TRUE; a rule on a nullable column passes NULL, an expression's NULL fails", () => {
    expect(statementOf(p, "orders__check_quality")).toBe(`CREATE TEMPORARY VIEW \`orders__check_quality\` AS\nSELECT * FROM \`orders\`\nWHERE ${pass};`);
    expect(statementOf(p, "orders__check_quality__failed")).toBe(`CREATE TEMPORARY VIEW \`orders__check_quality__failed\` AS\nSELECT * FROM \`orders\`\nWHERE (NOT ${pass});`);
  });

  it("one failure record per failing row: the rule kinds it fails (each once), every failed rule's details, the row as JSON, the time", () => {
    const failing = (rule: string, say: string) => `CASE WHEN (NOT ${rule}) THEN '${say}' END`;
    const notNull = "(`customer` IS NOT NULL)";
    const accepted = "((`status` IS NULL) OR (`status` IN ('NEW', 'PAID')))";
    const range = "((`amount` >= 0) AND (`amount` <= 10000))";
    const like = "((`email` IS NULL) OR (`email` LIKE '%@%'))";
    const positive = "(`amount` > 0)";
    const smallQty = "COALESCE((`qty` < 10), FALSE)";
    expect(statementOf(p, "orders__check_quality__failures")).toBe(
      "CREATE TEMPORARY VIEW `orders__check_quality__failures` AS\n" +
        "SELECT CAST('quality' AS STRING) AS `test_name`, " +
        `CONCAT_WS(',', ${failing(notNull, "not_null")}, ${failing(accepted, "accepted_values")}, ${failing(range, "range")}, ${failing(like, "like")}, ${failing(`(${positive} AND ${smallQty})`, "expression")}) AS \`violation_type\`, ` +
        `CONCAT_WS('; ', ${failing(notNull, "customer is null")}, ${failing(accepted, 'status is not one of "NEW", "PAID"')}, ${failing(range, "amount is outside [0, 10000]")}, ${failing(like, 'email does not match "%@%"')}, ${failing(positive, "positive is not true")}, ${failing(smallQty, "small_qty is not true")}) AS \`violation_details\`, ` +
        "JSON_OBJECT(KEY 'order_id' VALUE `order_id`, KEY 'customer' VALUE `customer`, KEY 'status' VALUE `status`, KEY 'amount' VALUE `amount`, KEY 'qty' VALUE `qty`, KEY 'email' VALUE `email`, KEY 'at' VALUE `at`) AS `record`, " +
        "CURRENT_TIMESTAMP AS `detected_at`\n" +
        "FROM `orders__check_quality__failed`;",
    );
  });

  it("one-sided ranges, times as bounds, and text that could end a string stays inside its literal", () => {
    const c = orders.check("times", { range: { at: { min: new Date("2024-01-01T00:00:00Z") }, qty: { max: 5 } }, accepted: { status: ["it's"] } }, { onFail: "drop" });
    expect(statementOf(pipeline("times").write(c.toKafka("v")), "orders__check_times")).toBe(
      "CREATE TEMPORARY VIEW `orders__check_times` AS\nSELECT * FROM `orders`\n" +
        "WHERE ((((`status` IS NULL) OR (`status` IN ('it''s'))) AND (CAST(`at` AS TIMESTAMP(3)) >= TIMESTAMP '2024-01-01 00:00:00.000')) AND ((`qty` IS NULL) OR (`qty` <= 5)));",
    );
  });

  it("onFail 'drop' makes no failure records, and .failures says so", () => {
    const c = orders.check("dropping", { notNull: ["customer"] }, { onFail: "drop" });
    const e = refusal(() => (c as unknown as { failures: unknown }).failures);
    expect([e.code, e.message]).toEqual(["STREAMT-B006", 'check at orders/check-dropping has onFail "drop": it discards failing rows, so it has no failure records']);
  });
});

describe("lateRecords(): the SQL", () => {
  it("a source's records at or behind its watermark when read; after filters and selects too", () => {
    const p = pipeline("late").write(orders.lateRecords().toKafka("late"), orders.select("order_id", "at").lateRecords().toKafka("late2"));
    expect(statementOf(p, "orders__late_records")).toBe("CREATE TEMPORARY VIEW `orders__late_records` AS\nSELECT * FROM `orders`\nWHERE (`at` <= CURRENT_WATERMARK(`at`));");
    expect(statementOf(p, "orders__select__late_records")).toBe("CREATE TEMPORARY VIEW `orders__select__late_records` AS\nSELECT * FROM `orders__select`\nWHERE (`at` <= CURRENT_WATERMARK(`at`));");
  });

  it("refuses a stream that is not the source's (a window's output), and one without a watermark", () => {
    const windowed = orders.tumble("1m").count();
    const line = lineHere() + 1;
    const e = refusal(() => (windowed as unknown as { lateRecords(): unknown }).lateRecords());
    expect(e.code).toBe("STREAMT-B006");
    expect(e.message).toBe("lateRecords(): orders/tumble comes from windowAggregate step orders/tumble; lateness is read against the source's watermark, which means something only next to the source");
    expect(e.site).toMatchObject({ file: "test/emit-sql/checks-and-late.test.ts", line });
    const plain = source("plain", { topic: "plain", schema: Order });
    expect(refusal(() => (plain as unknown as { lateRecords(): unknown }).lateRecords()).message).toBe("lateRecords(): plain has no event time with a watermark, so no record is ever late");
  });
});

describe("check(): refusals, at the user's line", () => {
  const refused = (rules: unknown, options?: unknown) => {
    const line = lineHere() + 1;
    const e = refusal(() => (orders as unknown as { check(n: string, r: unknown, o?: unknown): unknown }).check("q", rules, options));
    expect(e.site).toMatchObject({ file: "test/emit-sql/checks-and-late.test.ts", line });
    return [e.code, e.message];
  };
  it("columns that do not exist", () => {
    expect(refused({ notNull: ["nope"] })).toEqual(["STREAMT-B001", "check 'q': notNull names column 'nope', which orders does not have"]);
    expect(refused({ accepted: { stauts: ["NEW"] } })).toEqual(["STREAMT-B001", "check 'q': accepted names column 'stauts', which orders does not have"]);
  });
  it("rules a column cannot meet or fail", () => {
    expect(refused({ notNull: ["amount"] })).toEqual(["STREAMT-B002", "check 'q': notNull names 'amount', which is NOT NULL and cannot hold a null: the rule could never fail"]);
    expect(refused({ accepted: { amount: ["10"] } })).toEqual(["STREAMT-B002", `check 'q': accepted.amount: "10" is not a value of 'amount' (INT)`]);
    expect(refused({ accepted: { qty: [1, 300] } })).toEqual(["STREAMT-B002", "check 'q': accepted.qty: 300 cannot be held by 'qty' (TINYINT: whole numbers from -128 to 127)"]);
    expect(refused({ range: { amount: { min: 0.5 } } })).toEqual(["STREAMT-B002", "check 'q': range.amount: 0.5 cannot be held by 'amount' (INT: whole numbers from -2147483648 to 2147483647)"]);
    expect(refused({ range: { status: { min: "A" } } })).toEqual(["STREAMT-B002", "check 'q': range names 'status', a STRING: a range applies to numbers and times"]);
    expect(refused({ like: { amount: "1%" } })).toEqual(["STREAMT-B002", "check 'q': like names 'amount', a INT: LIKE matches strings"]);
    expect(refused({ range: { at: { min: "2024-01-01" } } })).toEqual(["STREAMT-B002", `check 'q': range.at: "2024-01-01" is not a value of 'at' (TIMESTAMP)`]);
    expect(refused({ expr: { n: (o: { amount: { add(n: number): unknown } }) => o.amount.add(1) } })).toEqual(["STREAMT-B002", "check 'q': expr.n must return a BOOLEAN condition"]);
  });
  it("malformed rules and options", () => {
    expect(refused({})).toEqual(["STREAMT-B006", "check 'q': has no rules"]);
    expect(refused({ uniq: ["order_id"] })).toEqual(["STREAMT-B006", "check 'q': unknown rule kind 'uniq'"]);
    expect(refused({ range: { amount: { min: 10, max: 1 } } })).toEqual(["STREAMT-B006", "check 'q': range.amount has min 10 above max 1"]);
    expect(refused({ range: { amount: {} } })).toEqual(["STREAMT-B006", "check 'q': range.amount takes min and/or max"]);
    expect(refused({ accepted: { status: [] } })).toEqual(["STREAMT-B006", "check 'q': accepted.status needs a non-empty array of values"]);
    expect(refused({ notNull: ["customer"] }, { onFail: "warn" })).toEqual(["STREAMT-B006", `check 'q': onFail is "route" or "drop", got "warn"`]);
    expect(refused({ expr: { ok: () => true } })).toEqual(["STREAMT-B009", "check 'q': expr.ok returned the JavaScript value true, not a condition"]);
  });
  it("an updating stream, and a row the failure record cannot hold as JSON", () => {
    const totals = orders.groupBy("customer").count({ ttl: "1d" });
    expect(refusal(() => (totals as unknown as { check(n: string, r: unknown): unknown }).check("q", { notNull: ["customer"] })).message)
      .toBe("check 'q': orders/aggregate is updating, and a failure record of a row that is later retracted would stand");
    const Tagged = t.row({ id: t.string(), tags: t.map(t.string(), t.string()), note: t.string().nullable() });
    const tagged = source("tagged", { topic: "tagged", schema: Tagged });
    const e = refusal(() => tagged.check("q", { notNull: ["note"] }));
    expect([e.code, e.message]).toEqual(["STREAMT-B002", "check 'q': a failure record holds the row as JSON, and jsonObject() key 'tags': 'tags' (MAP<STRING, STRING> NOT NULL) cannot be written as a JSON value"]);
  });
});

describe("the failure records in the plan, analysis and the outputs", () => {
  const checked = orders.check("quality", RULES);
  it("STREAMT-E018: a pipeline writes the checked stream but not its failure records", () => {
    const line = lineHere() - 2;
    const found = analysePlan({ version: 1, pipelines: [pipeline("lossy").write(checked.toKafka("valid")).definition] }).filter((d) => d.code === "STREAMT-E018");
    expect(found).toEqual([{
      code: "STREAMT-E018", severity: "error", pipeline: "lossy", path: "orders/check-quality", site: expect.objectContaining({ file: "test/emit-sql/checks-and-late.test.ts", line }),
      message: "check 'quality' routes the rows that fail it to its failure records, and pipeline lossy does not write them: those rows would be lost unseen",
      hint: 'write the failures in the same pipeline, e.g. .write(checked.toKafka(...), checked.failures.toKafka("<topic>")), or declare { onFail: "drop" } to discard them on purpose',
    }]);
  });
  it("no STREAMT-E018 when the failures are written, or onFail is 'drop'", () => {
    const written = pipeline("kept").write(checked.toKafka("valid"), checked.failures.toKafka("failures")).definition;
    const dropped = pipeline("dropped").write(orders.check("quality", RULES, { onFail: "drop" }).toKafka("valid")).definition;
    expect(analysePlan({ version: 1, pipelines: [written, dropped] }).filter((d) => d.code === "STREAMT-E018")).toEqual([]);
  });
  it("the failures topic is in topics.json as the pipeline's output", () => {
    const def = pipeline("kept").write(checked.toKafka("valid"), checked.failures.toKafka("orders.quality-failures")).definition;
    expect(collectTopics({ version: 1, pipelines: [def] }).find((x) => x.name === "orders.quality-failures")).toEqual({ name: "orders.quality-failures", partitions: null, replicationFactor: null, cleanupPolicy: "delete", key: null, format: "json", readBy: [], writtenBy: ["kept"] });
  });
  it("the Java output writes the same steps: conditions with the Table API's builders, JSON_OBJECT as jsonObject, CONCAT_WS and CURRENT_WATERMARK as the SQL text", () => {
    const small = orders.check("q", { notNull: ["customer"], range: { amount: { min: 0 } } });
    const def = pipeline("kept").write(small.toKafka("valid"), small.failures.toKafka("failures"), orders.select("order_id", "at").lateRecords().toKafka("late")).definition;
    const java = javaArtifact(lowerPipeline(def, { flinkVersion: "2.2" }), { sdkVersion: "0" }).files.find((f) => f.path.endsWith(".java"))!.content;
    const pass = '$("customer").isNotNull(), $("amount").isGreaterOrEqual(lit(0))';
    expect(java).toContain(`Table ordersCheckQ = orders\n                .filter(and(${pass}));`);
    expect(java).toContain(`Table ordersCheckQFailed = orders\n                .filter(not(and(${pass})));`);
    expect(java).toContain(
      "Table ordersCheckQFailures = ordersCheckQFailed\n" +
        '                .select(lit("q").cast(DataTypes.STRING()).as("test_name"),\n' +
        "                        callSql(\"CONCAT_WS(',', CASE WHEN (NOT (`customer` IS NOT NULL)) THEN 'not_null' END, CASE WHEN (NOT (`amount` >= 0)) THEN 'range' END)\").as(\"violation_type\"),\n" +
        "                        callSql(\"CONCAT_WS('; ', CASE WHEN (NOT (`customer` IS NOT NULL)) THEN 'customer is null' END, CASE WHEN (NOT (`amount` >= 0)) THEN 'amount is below 0' END)\").as(\"violation_details\"),\n" +
        '                        jsonObject(JsonOnNull.NULL, "order_id", $("order_id"), "customer", $("customer"), "status", $("status"), "amount", $("amount"), "qty", $("qty"), "email", $("email"), "at", $("at")).as("record"),\n' +
        '                        currentTimestamp().as("detected_at"));',
    );
    expect(java).toContain('Table ordersSelectLateRecords = ordersSelect\n                .filter($("at").isLessOrEqual(callSql("CURRENT_WATERMARK(`at`)")));');
  });
});
