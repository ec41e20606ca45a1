/**
 * STREAMT-E018 (analysis/check-failures-pass.ts): a check's failure records count as written only when they
 * are the same check's, on the same input.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";

const Order = t.row({ order_id: t.string(), customer: t.string().nullable(), amount: t.double() });
const orders = source("orders", { topic: "orders", schema: Order });
const e018 = (...sinks: unknown[]) =>
  analysePlan({ version: 1, pipelines: [pipeline("p").write(...(sinks as [never])).definition] })
    .filter((d) => d.code === "STREAMT-E018")
    .map((d) => `${d.path}: ${d.message.slice(0, d.message.indexOf(" routes"))}`);

describe("STREAMT-E018: whose failure records are written", () => {
  it("another check's failures on the same input do not count", () => {
    const named = orders.check("named", { notNull: ["customer"] });
    const priced = orders.check("priced", { range: { amount: { min: 0 } } });
    expect(e018(named.toKafka("named"), named.failures.toKafka("named.failures"), priced.toKafka("priced"))).toEqual(["orders/check-priced: check 'priced'"]);
  });

  it("the same check's failures on another input do not count", () => {
    const direct = orders.check("q", { notNull: ["customer"] });
    const filtered = orders.filter((o) => o.amount.gt(0)).check("q", { notNull: ["customer"] });
    expect(e018(direct.toKafka("direct"), direct.failures.toKafka("direct.failures"), filtered.toKafka("filtered"))).toEqual(["orders/filter/check-q: check 'q'"]);
  });
});
