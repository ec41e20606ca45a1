/**
 * Flink's planner on the nullability the typed DSL promises (issue 15), in pipelines no example has:
 * a union of inputs whose columns differ in nullability or numeric kind (a plain UNION ALL, no CAST), the outer
 * side of a LEFT join in expressions, and a CASE with a plain ELSE value. Every view's columns must be
 * the ones the plan says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t, when } from "streamt-sdk";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";
import { formatType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { topologicalOrder } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import { tableName } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { scriptOf } from "../helpers.js";

const A = t.row({ id: t.string(), n: t.int().nullable(), amount: t.decimal(10, 2), at: t.timestamp(3) });
const B = t.row({ id: t.string().nullable(), n: t.int(), amount: t.int(), at: t.timestamp(3) });
const Product = t.row({ id: t.string(), name: t.string(), price: t.decimal(10, 2) });
const a = source("a", { topic: "a", schema: A }).eventTime("at").watermark("1s");
const b = source("b", { topic: "b", schema: B }).eventTime("at").watermark("1s");
const products = source("products", { topic: "products", schema: Product });

const union = a.union(b);
const joined = union
  .select((r) => ({ id: r.id, n: r.n, paid: when(r.n.gt(0), r.amount).otherwise(0) }))
  .join(products, {
    on: { id: "id" },
    type: "left",
    ttl: "1d",
    select: (r, p) => ({ id: r.id, n: r.n, paid: r.paid, name: p.name, expensive: p.price.gt(r.paid), label: p.name.upper(), missing: p.name.isNull() }),
  });
const p = pipeline("nullability").write(union.toKafka("unioned"), joined.toUpsertKafka("joined", { key: ["id"] }));

/** Every step's view (sources aside) with its columns as the plan types them, written as Flink's planner prints them. */
function plannedViews(): Record<string, string[]> {
  const views: Record<string, string[]> = {};
  for (const n of topologicalOrder(p.definition.sinks)) {
    if (n.kind === "sink" || n.kind === "source") continue;
    views[tableName(n.path)] = n.schema.map((c) => `${c.name} ${formatType(c.type)}${c.time === "rowtime" ? " *ROWTIME*" : c.time === "proctime" ? " *PROCTIME*" : ""}`);
  }
  return views;
}

for (const [flinkVersion, target] of [["2.2", "2"], ["1.20", "1.20"]] as const) {
  describe(`nullability the types promise, on Flink ${flinkVersion}`, () => {
    let validator: ScriptValidator;
    beforeAll(async () => {
      validator = await sharedValidator(target);
    }, 300_000);
    afterAll(async () => validator?.close());

    it("plans, with every view's columns as the plan types them", async () => {
      const r = await validator.validate("nullability", scriptOf(p, flinkVersion), { viewSchemas: true });
      expect(r.ok, r.ok ? "" : `${r.error}\n${r.statement}`).toBe(true);
      if (!r.ok) return;
      expect(r.viewSchemas?.["a__union"]).toEqual(["id STRING", "n INT", "amount DECIMAL(12, 2) NOT NULL", "at TIMESTAMP(3) NOT NULL *ROWTIME*"]);
      const planned = plannedViews();
      expect(Object.keys(planned)).toEqual(["a__union", "a__union__select", "a__union__select__join"]);
      expect(Object.fromEntries(Object.keys(planned).map((v) => [v, r.viewSchemas?.[v]]))).toEqual(planned);
    }, 120_000);
  });
}
