/**
 * stepQuerySql: the SELECT of one step, which the Java output runs through `sqlQuery` where the Table API has
 * no equivalent. It must be the query of the step's view in the SQL script, word for word, so both outputs of
 * a pipeline compute the same thing.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";
import { renderPipelineSql, stepQuerySql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.double(), at: t.timestamp(3) });

describe("stepQuerySql", () => {
  it("is the query of each step's view in the script", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("at").watermark("5s");
    const top = orders
      .filter((o) => o.amount.gt(0))
      .tumble("1m")
      .topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 2 })
      .deduplicate({ key: ["customer_id"], keep: "last", ttl: "1h" });
    const plan = lowerPipeline(pipeline("p").write(top.toPrint()).definition, { flinkVersion: "2.2" });
    const { script } = renderPipelineSql(plan, { bootstrapServers: "b:9092" });
    const steps = plan.objects.filter((o) => o.role === "step");
    expect(steps.map((o) => o.name)).toEqual(["orders__filter", "orders__filter__tumble_top_n", "orders__filter__tumble_top_n__deduplicate"]);
    expect(stepQuerySql(plan, steps[0]!.node)).toBe("SELECT * FROM `orders`\nWHERE (`amount` > CAST(0 AS DOUBLE))");
    for (const o of steps) expect(script).toContain(`CREATE TEMPORARY VIEW \`${o.name}\` AS\n${stepQuerySql(plan, o.node)};\n`);
  });
});
