/**
 * check()'s unique rule (issue 12): the exact SQL it writes on Flink 2.2 and 1.20 (the split by lateness,
 * the OVER aggregate, the rules over its output, the union of rule and late failures), with and without
 * other rules and with onFail "drop"; the Java (Table API) form of the OVER aggregate; what it refuses,
 * coded at the user's line; the state findings STREAMT-E021 and STREAMT-E022 and E018; its lineage and
 * the restore test's view of its state.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { lineageOf } from "../../packages/streamt-sdk/src/lineage/column-lineage.js";
import { stateMismatch } from "../../packages/streamt-sdk/src/testing/state-shape.js";
import { lineHere, refusal, scriptOf } from "../helpers.js";

const Order = t.row({ order_id: t.string().nullable(), line: t.int(), amount: t.int(), at: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("at").watermark("5s");
const FILE = "test/emit-sql/check-unique.test.ts";

/** One CREATE statement of a script, up to its semicolon. */
function statement(script: string, name: string): string {
  const start = script.indexOf(`CREATE TEMPORARY VIEW \`${name}\``);
  if (start < 0) throw new Error(`no view ${name} in:\n${script}`);
  return script.slice(start, script.indexOf(";\n", start) + 1);
}
const views = (script: string): string[] => [...script.matchAll(/CREATE TEMPORARY VIEW `([^`]+)`/g)].map((m) => m[1]!);

const onTime = "(((CURRENT_WATERMARK(`at`) IS NULL) OR (`at` > CURRENT_WATERMARK(`at`))) AND (CAST(`at` AS TIMESTAMP(3)) >= TIMESTAMP '1970-01-01 00:00:00.001'))";
const over = "OVER (PARTITION BY `order_id` ORDER BY `at` ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)";
const unique = "((`order_id` IS NULL) OR (NOT COALESCE(((`__streamt_unique_rows` = 2) AND (`__streamt_unique_previous` >= CAST((`at` - INTERVAL '1' HOUR) AS TIMESTAMP(3)))), FALSE)))";
const record = "JSON_OBJECT(KEY 'order_id' VALUE `order_id`, KEY 'line' VALUE `line`, KEY 'amount' VALUE `amount`, KEY 'at' VALUE `at`) AS `record`";
const late = "CAST(CASE WHEN (NOT (CAST(`at` AS TIMESTAMP(3)) >= TIMESTAMP '1970-01-01 00:00:00.001')) THEN 'event time at or before 1970-01-01 00:00:00, where Flink''s OVER aggregate starts: unique(order_id) cannot be decided' ELSE 'arrived behind the watermark: unique(order_id) cannot be decided' END AS STRING)";

describe.each(["2.2", "1.20"])("unique: the SQL on Flink %s", (flinkVersion) => {
  it("alone: on-time rows through the OVER aggregate, the rule over its output, late rows as failure records, the two failures unioned", () => {
    const checked = orders.check("uq", { unique: { columns: ["order_id"], within: "1h" } });
    const script = scriptOf(pipeline("p", { stateTtl: "1d" }).write(checked.toKafka("valid"), checked.failures.toKafka("failures")), flinkVersion);
    // `orders` is the source's contract view (its NOT NULL columns enforced).
    expect(views(script)).toEqual([
      "orders", "orders__check_uq__on_time", "orders__check_uq__previous", "orders__check_uq__passed", "orders__check_uq",
      "orders__check_uq__failed", "orders__check_uq__rule_failures", "orders__check_uq__late", "orders__check_uq__late_failures", "orders__check_uq__failures",
    ]);
    expect(statement(script, "orders__check_uq__on_time")).toBe(`CREATE TEMPORARY VIEW \`orders__check_uq__on_time\` AS\nSELECT * FROM \`orders\`\nWHERE ${onTime};`);
    expect(statement(script, "orders__check_uq__previous")).toBe(
      "CREATE TEMPORARY VIEW `orders__check_uq__previous` AS\nSELECT *,\n" +
        `  COUNT(*) ${over} AS \`__streamt_unique_rows\`,\n` +
        `  CAST(MIN(\`at\`) ${over} AS TIMESTAMP(3)) AS \`__streamt_unique_previous\`\n` +
        "FROM `orders__check_uq__on_time`;",
    );
    expect(statement(script, "orders__check_uq__passed")).toBe(`CREATE TEMPORARY VIEW \`orders__check_uq__passed\` AS\nSELECT * FROM \`orders__check_uq__previous\`\nWHERE ${unique};`);
    // The stream check() returns: the input's columns, the helper columns left out.
    expect(statement(script, "orders__check_uq")).toBe("CREATE TEMPORARY VIEW `orders__check_uq` AS\nSELECT `order_id`, `line`, `amount`, `at`\nFROM `orders__check_uq__passed`;");
    expect(statement(script, "orders__check_uq__failed")).toBe(`CREATE TEMPORARY VIEW \`orders__check_uq__failed\` AS\nSELECT * FROM \`orders__check_uq__previous\`\nWHERE (NOT ${unique});`);
    expect(statement(script, "orders__check_uq__rule_failures")).toBe(
      "CREATE TEMPORARY VIEW `orders__check_uq__rule_failures` AS\n" +
        "SELECT CAST('uq' AS STRING) AS `test_name`, " +
        `CONCAT_WS(',', CASE WHEN (NOT ${unique}) THEN 'unique' END) AS \`violation_type\`, ` +
        `CONCAT_WS('; ', CASE WHEN (NOT ${unique}) THEN 'order_id repeats within 1h' END) AS \`violation_details\`, ` +
        `${record}, CURRENT_TIMESTAMP AS \`detected_at\`\nFROM \`orders__check_uq__failed\`;`,
    );
    expect(statement(script, "orders__check_uq__late")).toBe(`CREATE TEMPORARY VIEW \`orders__check_uq__late\` AS\nSELECT * FROM \`orders\`\nWHERE (NOT ${onTime});`);
    expect(statement(script, "orders__check_uq__late_failures")).toBe(
      "CREATE TEMPORARY VIEW `orders__check_uq__late_failures` AS\n" +
        `SELECT CAST('uq' AS STRING) AS \`test_name\`, CAST('late' AS STRING) AS \`violation_type\`, ${late} AS \`violation_details\`, ${record}, CURRENT_TIMESTAMP AS \`detected_at\`\n` +
        "FROM `orders__check_uq__late`;",
    );
    const columns = "`test_name`, `violation_type`, `violation_details`, `record`, `detected_at`";
    expect(statement(script, "orders__check_uq__failures")).toBe(
      `CREATE TEMPORARY VIEW \`orders__check_uq__failures\` AS\nSELECT ${columns} FROM \`orders__check_uq__rule_failures\`\nUNION ALL\nSELECT ${columns} FROM \`orders__check_uq__late_failures\`;`,
    );
  });

  it("with other rules: one record names every rule a row fails, unique last; two key columns, a NOT NULL one not tested for NULL", () => {
    const checked = orders.check("both", { range: { amount: { min: 0 } }, unique: { columns: ["order_id", "line"], within: "90s" } });
    const script = scriptOf(pipeline("p", { stateTtl: "1d" }).write(checked.toKafka("valid"), checked.failures.toKafka("failures")), flinkVersion);
    const both = "PARTITION BY `order_id`, `line` ORDER BY `at` ROWS BETWEEN 1 PRECEDING AND CURRENT ROW";
    expect(statement(script, "orders__check_both__previous")).toContain(`  COUNT(*) OVER (${both}) AS \`__streamt_unique_rows\`,\n`);
    const range = "(`amount` >= 0)";
    const uniqueTwo = "((`order_id` IS NULL) OR (NOT COALESCE(((`__streamt_unique_rows` = 2) AND (`__streamt_unique_previous` >= CAST((`at` - INTERVAL '90' SECOND) AS TIMESTAMP(3)))), FALSE)))";
    expect(statement(script, "orders__check_both__passed")).toBe(`CREATE TEMPORARY VIEW \`orders__check_both__passed\` AS\nSELECT * FROM \`orders__check_both__previous\`\nWHERE (${range} AND ${uniqueTwo});`);
    expect(statement(script, "orders__check_both__rule_failures")).toContain(
      `CONCAT_WS(',', CASE WHEN (NOT ${range}) THEN 'range' END, CASE WHEN (NOT ${uniqueTwo}) THEN 'unique' END) AS \`violation_type\`, ` +
        `CONCAT_WS('; ', CASE WHEN (NOT ${range}) THEN 'amount is below 0' END, CASE WHEN (NOT ${uniqueTwo}) THEN '(order_id, line) repeats within 90s' END) AS \`violation_details\``,
    );
    expect(statement(script, "orders__check_both__late_failures")).toContain("'arrived behind the watermark: unique(order_id, line) cannot be decided'");
  });

  it('onFail "drop": no failure records, and rows behind the watermark are dropped with the failing ones', () => {
    const checked = orders.check("uq", { unique: { columns: ["order_id"], within: "1h" } }, { onFail: "drop" });
    const script = scriptOf(pipeline("p", { stateTtl: "1d" }).write(checked.toKafka("valid")), flinkVersion);
    expect(views(script)).toEqual(["orders", "orders__check_uq__on_time", "orders__check_uq__previous", "orders__check_uq__passed", "orders__check_uq"]);
  });
});

describe("unique: the Java output", () => {
  it("the OVER aggregate with the Table API's Over window, the same columns as the SQL output", () => {
    const checked = orders.check("uq", { unique: { columns: ["order_id"], within: "1h" } });
    const def = pipeline("p", { stateTtl: "1d" }).write(checked.toKafka("valid"), checked.failures.toKafka("failures")).definition;
    const java = renderPipelineJava(lowerPipeline(def, { flinkVersion: "2.2" }));
    const step = java.steps.find((s) => s.code.includes('createTemporaryView("orders__check_uq__previous"'))!;
    expect(step.code).toBe(
      "Table ordersCheckUqPrevious = ordersCheckUqOnTime\n" +
        '                .window(org.apache.flink.table.api.Over.partitionBy($("order_id")).orderBy($("at")).preceding(rowInterval(1L)).following(CURRENT_ROW).as("w"))\n' +
        '                .select($("order_id"),\n' +
        '                        $("line"),\n' +
        '                        $("amount"),\n' +
        '                        $("at"),\n' +
        '                        lit(1).count().over($("w")).as("__streamt_unique_rows"),\n' +
        '                        $("at").min().over($("w")).cast(DataTypes.TIMESTAMP(3)).as("__streamt_unique_previous"));\n' +
        '        tEnv.createTemporaryView("orders__check_uq__previous", ordersCheckUqPrevious);',
    );
    expect(java.sqlSteps).toEqual([]);
  });
});

describe("unique: refusals, at the user's line", () => {
  const refused = (stream: unknown, rules: unknown) => {
    const line = lineHere() + 1;
    const e = refusal(() => (stream as { check(n: string, r: unknown): unknown }).check("q", rules));
    expect(e.site).toMatchObject({ file: FILE, line });
    return [e.code, e.message];
  };
  it("an unknown column, a malformed rule, a bad duration", () => {
    expect(refused(orders, { unique: { columns: ["nope"], within: "1h" } })).toEqual(["STREAMT-B001", "check 'q': unique names column 'nope', which orders does not have"]);
    expect(refused(orders, { unique: ["order_id"] })).toEqual(["STREAMT-B006", "check 'q': unique must be an object { columns, within }"]);
    expect(refused(orders, { unique: { columns: [], within: "1h" } })).toEqual(["STREAMT-B006", "check 'q': unique.columns needs a non-empty array of column names"]);
    expect(refused(orders, { unique: { columns: ["order_id", "order_id"], within: "1h" } })).toEqual(["STREAMT-B006", "check 'q': unique.columns names 'order_id' twice"]);
    expect(refused(orders, { unique: { columns: ["order_id"], within: "1h", per: "day" } })).toEqual(["STREAMT-B006", "check 'q': unique takes columns and within, not per"]);
    expect(refused(orders, { unique: { columns: ["order_id"] } })).toEqual(["STREAMT-B003", "check 'q': unique needs within, how far back a repeat counts"]);
    expect(refused(orders, { unique: { columns: ["order_id"], within: "an hour" } })[0]).toBe("STREAMT-B003");
    expect(refused(orders, { unique: { columns: ["order_id"], within: "0s" } })).toEqual(["STREAMT-B003", "unique.within must be longer than 0"]);
  });
  it("a stream without event time and watermark", () => {
    const plain = source("plain", { topic: "plain", schema: Order });
    expect(refused(plain, { unique: { columns: ["order_id"], within: "1h" } })).toEqual(["STREAMT-B005", "check 'q': unique orders rows by event time, and plain has no event time with a watermark"]);
  });
});

describe("unique: the state it keeps, in the analysis", () => {
  const checked = orders.check("uq", { unique: { columns: ["order_id"], within: "1h" } });
  const line = lineHere() - 1;
  const findings = (options: { stateTtl?: "30m" | "1h" }) =>
    analysePlan({ version: 1, pipelines: [pipeline("p", options).write(checked.toKafka("valid"), checked.failures.toKafka("failures")).definition] })
      .filter((d) => d.code === "STREAMT-E021" || d.code === "STREAMT-E022")
      .map((d) => ({ code: d.code, path: d.path, line: (d.site as { line: number }).line, message: d.message, hint: d.hint }));
  it("STREAMT-E021: without a state TTL the last row of every key stays forever", () => {
    expect(findings({})).toEqual([{
      code: "STREAMT-E021", path: "orders/check-uq/previous", line,
      message: "check 'uq' keeps the last row of every order_id for its unique rule in state forever",
      hint: 'give the pipeline a stateTtl of at least the rule\'s within (stateTtl: "1h" or more): Flink frees this state only by the job-wide TTL',
    }]);
  });
  it("STREAMT-E022: a TTL shorter than within lets repeats pass unseen; none at or above it", () => {
    expect(findings({ stateTtl: "30m" })).toEqual([{
      code: "STREAMT-E022", path: "orders/check-uq/previous", line,
      message: "state TTL 30m (the pipeline's stateTtl) is shorter than check 'uq' unique within 1h: a key's last row expires after 30m without rows (processing time), and a repeat that comes later passes unseen",
      hint: "make the TTL at least 1h, or shorten within",
    }]);
    expect(findings({ stateTtl: "1h" })).toEqual([]);
  });
});

describe("unique: lineage, E018 and the state a restore test compares", () => {
  const checked = orders.check("uq", { unique: { columns: ["order_id"], within: "1h" } });
  it("the valid rows' sink: decided by the on-time split's rowtime, the key's partition and order, and the rule", () => {
    const def = pipeline("p", { stateTtl: "1d" }).write(checked.toKafka("valid"), checked.failures.toKafka("failures")).definition;
    const valid = lineageOf({ version: 1, pipelines: [def] }).sinks.find((s) => s.topic === "valid")!;
    const origin = (column: string) => [{ pipeline: "p", source: "orders", topic: "orders", column }];
    expect(valid.rowInfluences.filter((r) => r.step.startsWith("orders/check-uq")).map((r) => [r.step, r.role, r.columns.map((c) => c.column)])).toEqual([
      ["orders/check-uq/on-time", "filter", ["at"]],
      ["orders/check-uq/previous", "partition", ["order_id"]],
      ["orders/check-uq/previous", "order", ["at"]],
      ["orders/check-uq/passed", "check", ["order_id", "__streamt_unique_rows", "__streamt_unique_previous", "at"]],
    ]);
    expect(valid.rowInfluences.find((r) => r.role === "partition")!.columns[0]!.origins).toEqual(origin("order_id"));
    // A copied column traces through the OVER aggregate unchanged.
    expect(valid.columns.find((c) => c.name === "order_id")!.origins).toEqual(origin("order_id"));
  });

  it("STREAMT-E018 when the failures (rule and late) are not written, at the check's passed rows", () => {
    const found = analysePlan({ version: 1, pipelines: [pipeline("lossy", { stateTtl: "1d" }).write(checked.toKafka("valid")).definition] }).filter((d) => d.code === "STREAMT-E018");
    expect(found.map((d) => [d.path, d.message])).toEqual([["orders/check-uq/passed", "check 'uq' routes the rows that fail it to its failure records, and pipeline lossy does not write them: those rows would be lost unseen"]]);
  });

  it("a restore test refuses unique on other columns of the same type: the state would be read under another key", () => {
    const Keyed = t.row({ order_id: t.string(), customer: t.string(), at: t.timestamp(3) });
    const keyed = source("keyed", { topic: "keyed", schema: Keyed }).eventTime("at").watermark("5s");
    const on = (column: "order_id" | "customer", within: "1h" | "2h") => {
      const c = keyed.check("uq", { unique: { columns: [column], within } }, { onFail: "drop" });
      return pipeline("p", { stateTtl: "1d" }).write(c.toKafka("valid")).definition;
    };
    const mismatch = stateMismatch(on("order_id", "1h"), on("customer", "1h"));
    expect([mismatch?.before.keyedBy, mismatch?.after.keyedBy]).toEqual(["partition (order_id STRING NOT NULL), last 2 rows by at", "partition (customer STRING NOT NULL), last 2 rows by at"]);
    // A longer within keeps the same state: the last row per key.
    expect(stateMismatch(on("order_id", "1h"), on("order_id", "2h"))).toBeNull();
  });
});
