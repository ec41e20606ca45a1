/**
 * The project's rules (streamt.config.ts `rules`, STREAMT-W012..W019) asserted whole: every finding
 * analysePlan returns for each rule, at the declaration it asks to change, with the rule's place in the
 * config. The rules come from resolveRules, as loadConfig makes them; the config file's lines are
 * pinned by test/cli/project-rules.test.ts.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, sum, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import type { Diagnostic } from "../../packages/streamt-sdk/src/analysis/diagnostic.js";
import { resolveRules, rulesSchema, type RulesInput } from "../../packages/streamt-sdk/src/deploy/rules-config.js";
import type { PipelineDef } from "../../packages/streamt-sdk/src/ir/plan.js";
import { lineHere } from "../helpers.js";

const FILE = "test/analysis/project-rules.test.ts";
const at = (line: number) => ({ file: FILE, line, column: expect.any(Number) });

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const orders = source("orders", { topic: "shop.orders.v1", schema: Order });

/** Rules as the config gives them; each rule's line is its key's position in RULE_LINES (a stand-in for the file's). */
const RULE_LINES = ["topics", "pattern", "minPartitions", "minReplication", "pipelines", "requireDescription", "requireOwner", "maxStateTtl", "sinks", "forbiddenFormats"];
function rules(input: RulesInput) {
  return resolveRules(rulesSchema.parse(input), "streamt.config.ts", (path) => RULE_LINES.indexOf(path.at(-1)!) + 1);
}
const findings = (input: RulesInput, ...ps: { definition: PipelineDef }[]): Diagnostic[] =>
  analysePlan({ version: 1, pipelines: ps.map((p) => p.definition) }, { rules: rules(input) });

describe("project rules: one finding per rule broken, at the declaration to change", () => {
  it("no rules, or rules all kept: no finding", () => {
    const kept = pipeline("orders-copy", { description: "orders for the warehouse", owner: "team-data", stateTtl: "1d" })
      .write(orders.toKafka("shop.orders-copy.v1", { partitions: 6, replicationFactor: 3, description: "every order", owner: "team-data" }));
    expect(analysePlan({ version: 1, pipelines: [kept.definition] })).toEqual([]);
    expect(findings({
      topics: { pattern: /[a-z]+\.[a-z-]+\.v\d+/, minPartitions: 6, minReplication: 3 },
      pipelines: { pattern: "[a-z][a-z0-9-]*", requireDescription: true, requireOwner: true, maxStateTtl: "7d" },
      sinks: { requireDescription: true, requireOwner: true },
      forbiddenFormats: ["csv"],
    }, kept)).toEqual([]);
  });

  it("STREAMT-W012: a written topic the pattern does not match as a whole; W013: a pipeline name", () => {
    const line = lineHere() + 1;
    const p = pipeline("OrdersCopy").write(orders.toKafka("shop.orders.v1.copy"));
    expect(findings({ topics: { pattern: /[a-z]+\.[a-z-]+\.v\d+/ }, pipelines: { pattern: "[a-z][a-z0-9-]*" } }, p)).toEqual([
      {
        code: "STREAMT-W012", severity: "warning", pipeline: "OrdersCopy", path: "orders/shop.orders.v1.copy", site: at(line),
        message: "topic 'shop.orders.v1.copy' of sink orders/shop.orders.v1.copy does not match the project's topic pattern /[a-z]+\\.[a-z-]+\\.v\\d+/ (rules.topics.pattern, streamt.config.ts:2)",
        hint: 'name the topic to match /[a-z]+\\.[a-z-]+\\.v\\d+/; or, if this one is an agreed exception, acknowledge it: pipeline("OrdersCopy", { acknowledge: { "STREAMT-W012": "the topic\'s consumers expect this name" } })',
      },
      {
        code: "STREAMT-W013", severity: "warning", pipeline: "OrdersCopy", path: "OrdersCopy", site: at(line),
        message: "pipeline name 'OrdersCopy' does not match the project's pipeline pattern \"[a-z][a-z0-9-]*\" (rules.pipelines.pattern, streamt.config.ts:2)",
        hint: 'rename the pipeline to match "[a-z][a-z0-9-]*" (the name is also the Flink job name and consumer group: a new name starts a new job, reading from its startFrom); or, if this one is an agreed exception, acknowledge it: pipeline("OrdersCopy", { acknowledge: { "STREAMT-W013": "named before the rule" } })',
      },
    ]);
  });

  it("STREAMT-W012 for a dead-letter topic too, at its source", () => {
    const line = lineHere() + 1;
    const checked = source("checked-orders", { topic: "shop.orders.v1", schema: Order, onContractViolation: { deadLetter: "orders_dlq" } });
    const p = pipeline("orders-checked").write(checked.toKafka("shop.orders-checked.v1"));
    expect(findings({ topics: { pattern: "[a-z]+\\.[a-z-]+\\.v\\d+" } }, p)).toEqual([{
      code: "STREAMT-W012", severity: "warning", pipeline: "orders-checked", path: "checked-orders", site: at(line),
      message: "dead-letter topic 'orders_dlq' of source checked-orders does not match the project's topic pattern \"[a-z]+\\\\.[a-z-]+\\\\.v\\\\d+\" (rules.topics.pattern, streamt.config.ts:2)",
      hint: 'name it to match "[a-z]+\\\\.[a-z-]+\\\\.v\\\\d+": source("checked-orders", { onContractViolation: { deadLetter: "..." } }); or, if this one is an agreed exception, acknowledge it: pipeline("orders-checked", { acknowledge: { "STREAMT-W012": "why" } })',
    }]);
  });

  it("STREAMT-W014 / W015: fewer partitions or replicas than the minimum, or none declared", () => {
    const line = lineHere() + 2;
    const p = pipeline("orders-copy").write(
      orders.toKafka("shop.orders-copy.v1", { partitions: 2, replicationFactor: 3 }),
      orders.toUpsertKafka("shop.orders-latest.v1", { key: ["order_id"] }),
    );
    expect(findings({ topics: { minPartitions: 3, minReplication: 3 } }, p)).toEqual([
      {
        code: "STREAMT-W014", severity: "warning", pipeline: "orders-copy", path: "orders/shop.orders-copy.v1", site: at(line),
        message: "sink orders/shop.orders-copy.v1 (topic 'shop.orders-copy.v1') has 2 partitions, fewer than the project's minimum of 3 (rules.topics.minPartitions, streamt.config.ts:3)",
        hint: 'toKafka("shop.orders-copy.v1", { partitions: 3, ... }); or, if this one is an agreed exception, acknowledge it: pipeline("orders-copy", { acknowledge: { "STREAMT-W014": "why fewer are enough here" } })',
      },
      {
        code: "STREAMT-W014", severity: "warning", pipeline: "orders-copy", path: "orders/shop.orders-latest.v1", site: at(line + 1),
        message: "sink orders/shop.orders-latest.v1 (topic 'shop.orders-latest.v1') declares no partitions (it is created with the cluster's default), fewer than the project's minimum of 3 (rules.topics.minPartitions, streamt.config.ts:3)",
        hint: 'toUpsertKafka("shop.orders-latest.v1", { partitions: 3, ... }); or, if this one is an agreed exception, acknowledge it: pipeline("orders-copy", { acknowledge: { "STREAMT-W014": "why fewer are enough here" } })',
      },
      {
        code: "STREAMT-W015", severity: "warning", pipeline: "orders-copy", path: "orders/shop.orders-latest.v1", site: at(line + 1),
        message: "sink orders/shop.orders-latest.v1 (topic 'shop.orders-latest.v1') declares no replication factor (it is created with the cluster's default), fewer than the project's minimum of 3 (rules.topics.minReplication, streamt.config.ts:4)",
        hint: 'toUpsertKafka("shop.orders-latest.v1", { replicationFactor: 3, ... }); or, if this one is an agreed exception, acknowledge it: pipeline("orders-copy", { acknowledge: { "STREAMT-W015": "why fewer are enough here" } })',
      },
    ]);
  });

  it("partitions a reading source declares count for its topic, as in topics.json", () => {
    const copies = source("copies", { topic: "shop.orders-copy.v1", schema: Order, partitions: 4 });
    const writer = pipeline("orders-copy").write(orders.toKafka("shop.orders-copy.v1", { replicationFactor: 3 }));
    const reader = pipeline("copies-out").write(copies.toBlackhole());
    expect(findings({ topics: { minPartitions: 4 } }, writer, reader)).toEqual([]);
    expect(findings({ topics: { minPartitions: 5 } }, writer, reader).map((d) => d.message)).toEqual([
      "sink orders/shop.orders-copy.v1 (topic 'shop.orders-copy.v1') has 4 partitions, fewer than the project's minimum of 5 (rules.topics.minPartitions, streamt.config.ts:3)",
    ]);
  });

  it("STREAMT-W016 / W017: a pipeline or Kafka sink without the description or owner required (print sinks are not asked)", () => {
    const line = lineHere() + 1;
    const p = pipeline("orders-copy", { owner: "team-data" }).write(orders.toKafka("shop.orders-copy.v1", { description: "every order" }), orders.toPrint());
    expect(findings({ pipelines: { requireDescription: true, requireOwner: true }, sinks: { requireDescription: true, requireOwner: true } }, p)).toEqual([
      {
        code: "STREAMT-W016", severity: "warning", pipeline: "orders-copy", path: "orders-copy", site: at(line),
        message: "pipeline 'orders-copy' has no description, which the project requires (rules.pipelines.requireDescription, streamt.config.ts:6)",
        hint: 'say what the job computes and for whom: pipeline("orders-copy", { description: "..." })',
      },
      {
        code: "STREAMT-W017", severity: "warning", pipeline: "orders-copy", path: "orders/shop.orders-copy.v1", site: at(line),
        message: "sink orders/shop.orders-copy.v1 (topic 'shop.orders-copy.v1') has no owner, which the project requires (rules.sinks.requireOwner, streamt.config.ts:7)",
        hint: 'name who answers for its data: toKafka("shop.orders-copy.v1", { owner: "team-payments", ... })',
      },
    ]);
  });

  it("STREAMT-W018: a source read or a sink written in a forbidden format", () => {
    const line = lineHere() + 1;
    const lines = source("order-lines", { topic: "shop.order-lines.v1", schema: Order, format: "csv" });
    const p = pipeline("orders-csv").write(lines.toKafka("shop.orders-csv.v1", { format: "csv" }));
    expect(findings({ forbiddenFormats: ["csv", "raw"] }, p)).toEqual([
      {
        code: "STREAMT-W018", severity: "warning", pipeline: "orders-csv", path: "order-lines", site: at(line),
        message: "source order-lines reads topic 'shop.order-lines.v1' as csv, a format the project forbids (rules.forbiddenFormats, streamt.config.ts:10)",
        hint: 'read the topic in another format (its producers decide which); or, if this one is an agreed exception, acknowledge it: pipeline("orders-csv", { acknowledge: { "STREAMT-W018": "its producers write only this format" } })',
      },
      {
        code: "STREAMT-W018", severity: "warning", pipeline: "orders-csv", path: "order-lines/shop.orders-csv.v1", site: at(line + 1),
        message: "sink order-lines/shop.orders-csv.v1 (topic 'shop.orders-csv.v1') is written as csv, a format the project forbids (rules.forbiddenFormats, streamt.config.ts:10)",
        hint: 'write it in another format (toKafka("shop.orders-csv.v1", { format: ... })); or, if this one is an agreed exception, acknowledge it: pipeline("orders-csv", { acknowledge: { "STREAMT-W018": "its consumers read only this format" } })',
      },
    ]);
  });

  it("STREAMT-W019: a pipeline's stateTtl or a step's ttl above the maximum", () => {
    const line = lineHere() + 1;
    const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "30d" });
    const p = pipeline("customer-totals", { stateTtl: "14d" }).write(totals.toUpsertKafka("shop.customer-totals.v1", { key: ["customer_id"] }));
    expect(findings({ pipelines: { maxStateTtl: "7d" } }, p)).toEqual([
      {
        code: "STREAMT-W019", severity: "warning", pipeline: "customer-totals", path: "customer-totals", site: at(line + 1),
        message: "pipeline 'customer-totals' keeps state for 14d (its stateTtl), longer than the project's maximum of 7d (rules.pipelines.maxStateTtl, streamt.config.ts:8)",
        hint: 'give it stateTtl: "7d" or less; or, if this one is an agreed exception, acknowledge it: pipeline("customer-totals", { acknowledge: { "STREAMT-W019": "why this job needs the longer state" } })',
      },
      {
        code: "STREAMT-W019", severity: "warning", pipeline: "customer-totals", path: "orders/aggregate", site: at(line),
        message: "aggregate at orders/aggregate keeps state for 30d (its ttl), longer than the project's maximum of 7d (rules.pipelines.maxStateTtl, streamt.config.ts:8)",
        hint: 'give it ttl: "7d" or less; or, if this one is an agreed exception, acknowledge it: pipeline("customer-totals", { acknowledge: { "STREAMT-W019": "why this step needs the longer state" } })',
      },
    ]);
  });

  it("a pipeline acknowledges a rule's finding with its reason; acknowledging a rule nothing breaks is W005", () => {
    const p = pipeline("OrdersCopy", { acknowledge: { "STREAMT-W013": "the job predates the naming rule", "STREAMT-W016": "described elsewhere" } }).write(orders.toBlackhole());
    const found = findings({ pipelines: { pattern: "[a-z-]+" } }, p);
    expect(found.map((d) => [d.code, d.acknowledged ?? null, d.message])).toEqual([
      ["STREAMT-W005", null, "pipeline 'OrdersCopy' acknowledges STREAMT-W016 but nothing raises it"],
      ["STREAMT-W013", { reason: "the job predates the naming rule" }, "pipeline name 'OrdersCopy' does not match the project's pipeline pattern \"[a-z-]+\" (rules.pipelines.pattern, streamt.config.ts:2)"],
    ]);
  });
});

describe("the rules section's schema", () => {
  const issue = (input: unknown): string => {
    const r = rulesSchema.safeParse(input);
    return r.success ? "ok" : `${r.error.issues[0]!.path.join(".")}: ${r.error.issues[0]!.message}`;
  };
  it("refuses what it cannot check, saying what is wrong", () => {
    expect(issue({ topics: { pattern: "orders.(" } })).toBe("topics.pattern: not a regular expression: Invalid regular expression: /orders.(/u: Unterminated group");
    expect(issue({ pipelines: { maxStateTtl: "7 days" } })).toBe('pipelines.maxStateTtl: invalid duration "7 days" for maxStateTtl: it is not a duration');
    expect(issue({ forbiddenFormats: ["protobuf"] })).toBe('forbiddenFormats.0: a format is one of "json", "csv", "avro-confluent", "raw", "debezium-json", "debezium-avro-confluent"');
    expect(issue({ topics: { minPartitions: 0 } })).toBe("topics.minPartitions: write a whole number of partitions, 1 or more");
    expect(issue({ sinks: { requireOwners: true } })).toBe('sinks: Unrecognized key: "requireOwners"');
  });

  it("a RegExp's g and y flags do not make matching depend on the previous name", () => {
    const r = rules({ pipelines: { pattern: /[a-z-]+/gy } });
    expect([r.pipelinePattern!.regex.test("orders-copy"), r.pipelinePattern!.regex.test("orders-copy"), r.pipelinePattern!.regex.test("Orders")]).toEqual([true, true, false]);
    expect(r.pipelinePattern!.shown).toBe("/[a-z-]+/gy");
  });
});
