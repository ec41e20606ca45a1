/**
 * Issue 15: what pushed users to `any`. Regular joins keep their row (and type an outer side nullable
 * in their select, expressions included); CASE takes plain values after a column; unions take columns
 * that differ only in nullability; hop/cumulate catch swapped arguments and take an options object.
 */
import { describe, expect, it } from "vitest";
import { lit, pipeline, source, t, when } from "streamt-sdk";
import type { PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import { formatType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { statementOf } from "../helpers.js";

const nodeOf = (s: unknown): PlanNode => (s as { node: PlanNode }).node;
const schemaOf = (s: unknown): string[] => nodeOf(s).schema.map((c) => `${c.name} ${formatType(c.type)}`);

const Stock = t.row({ sku: t.string(), qty: t.int(), at: t.timestamp(3) });
const Product = t.row({ sku: t.string(), name: t.string(), min_qty: t.int() });
const stock = source("stock", { topic: "stock", schema: Stock }).eventTime("at").watermark("1s");
const products = source("products", { topic: "products", schema: Product });

describe("regular joins", () => {
  it("type the outer side's columns, and expressions over them, nullable in the plan", () => {
    const select = (s: any, p: any) => ({ sku: s.sku, qty: s.qty, name: p.name, twice: p.min_qty.mul(2), low: s.qty.lt(p.min_qty), missing: p.name.isNull() });
    const byType = (type: "inner" | "left" | "right" | "full") => schemaOf(stock.join(products, { on: { sku: "sku" }, type, ttl: "1d", select }));
    expect(byType("inner")).toEqual(["sku STRING NOT NULL", "qty INT NOT NULL", "name STRING NOT NULL", "twice INT NOT NULL", "low BOOLEAN NOT NULL", "missing BOOLEAN NOT NULL"]);
    expect(byType("left")).toEqual(["sku STRING NOT NULL", "qty INT NOT NULL", "name STRING", "twice INT", "low BOOLEAN", "missing BOOLEAN NOT NULL"]);
    expect(byType("right")).toEqual(["sku STRING", "qty INT", "name STRING NOT NULL", "twice INT NOT NULL", "low BOOLEAN", "missing BOOLEAN NOT NULL"]);
    expect(byType("full")).toEqual(["sku STRING", "qty INT", "name STRING", "twice INT", "low BOOLEAN", "missing BOOLEAN NOT NULL"]);
  });

  it("type the right side nullable in LEFT interval, temporal and window joins too", () => {
    const Payment = t.row({ sku: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
    const payments = source("payments", { topic: "payments", schema: Payment }).eventTime("paid_at").watermark("1s");
    const interval = stock.intervalJoin(payments, { on: { sku: "sku" }, between: ["0s", "1h"], type: "left", select: (s, p) => ({ at: s.at, large: p.paid.gt(100) }) });
    expect(schemaOf(interval)).toEqual(["at TIMESTAMP(3) NOT NULL", "large BOOLEAN"]);
    const windowed = stock.tumble("5m").join(payments.tumble("5m"), { on: { sku: "sku" }, type: "left", select: (s, p) => ({ sku: s.sku, large: p.paid.gt(100) }) });
    expect(schemaOf(windowed)).toEqual(["sku STRING NOT NULL", "large BOOLEAN"]);
  });

  it("feeds a typed filter and an upsert sink keyed by a joined column", () => {
    const joined = stock
      .join(products, { on: { sku: "sku" }, type: "left", ttl: "1d", select: (s, p) => ({ sku: s.sku, qty: s.qty, min_qty: p.min_qty }) })
      .filter((r) => r.qty.lt(10));
    const p = pipeline("p").write(joined.toUpsertKafka("low", { key: ["sku"] }));
    expect(statementOf(p, "stock__join")).toBe(
      "CREATE TEMPORARY VIEW `stock__join` AS\nSELECT /*+ STATE_TTL('l' = '1 d', 'r' = '1 d') */ `l`.`sku` AS `sku`, `l`.`qty` AS `qty`, `r`.`min_qty` AS `min_qty`\nFROM `stock` AS `l`\nLEFT JOIN `products` AS `r`\n  ON `l`.`sku` = `r`.`sku`;",
    );
    expect(schemaOf(joined)).toEqual(["sku STRING NOT NULL", "qty INT NOT NULL", "min_qty INT"]);
  });
});

describe("CASE with plain values after a column", () => {
  const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), discount: t.decimal(10, 2).nullable(), status: t.string().nullable(), at: t.timestampLtz(3) });
  const orders = source("orders", { topic: "orders", schema: Order });

  it("emits the plain value as a literal, typed like Flink's common type", () => {
    const paid = orders.select((o) => ({
      paid_amount: when(o.status.eq("paid"), o.amount).otherwise(0),
      discount: when(o.status.eq("paid"), o.discount).when(o.amount.gt(100), 5).otherwise(lit(0)),
      label: when(o.amount.gt(100), o.order_id).otherwise("small"),
      seen: when(o.status.isNull(), o.at).otherwise(new Date("2024-01-02T03:04:05.000Z")),
    }));
    expect(statementOf(pipeline("p").write(paid.toPrint()), "orders__select")).toBe(
      "CREATE TEMPORARY VIEW `orders__select` AS\nSELECT CASE WHEN (`status` = 'paid') THEN `amount` ELSE 0 END AS `paid_amount`, " +
        "CASE WHEN (`status` = 'paid') THEN `discount` WHEN (`amount` > 100) THEN 5 ELSE 0 END AS `discount`, " +
        "CAST(CASE WHEN (`amount` > 100) THEN `order_id` ELSE 'small' END AS STRING) AS `label`, " +
        "CASE WHEN (`status` IS NULL) THEN `at` ELSE TO_TIMESTAMP_LTZ(1704164645000, 3) END AS `seen`\nFROM `orders`;",
    );
    expect(schemaOf(paid)).toEqual(["paid_amount DECIMAL(12, 2) NOT NULL", "discount DECIMAL(12, 2)", "label STRING NOT NULL", "seen TIMESTAMP_LTZ(3) NOT NULL"]);
  });

  it("refuses, from plain JavaScript, a value of another kind", () => {
    expect(() => orders.select((o) => ({ x: when(o.status.eq("paid"), o.amount).otherwise("none" as never) }))).toThrow(
      expect.objectContaining({ code: "STREAMT-B002", message: "CASE branches have incompatible types: 'amount' (DECIMAL(10, 2) NOT NULL), STRING NOT NULL" }),
    );
  });
});

describe("union of columns that differ in nullability or numeric kind", () => {
  const A = t.row({ id: t.string(), n: t.int().nullable(), at: t.timestamp(3) });
  const B = t.row({ id: t.string().nullable(), n: t.int(), at: t.timestamp(3) });
  const a = source("a", { topic: "a", schema: A }).eventTime("at").watermark("1s");
  const b = source("b", { topic: "b", schema: B }).eventTime("at").watermark("1s");

  it("is a plain UNION ALL whose columns are nullable where any input's is (Flink types it so, no CAST)", () => {
    const u = a.union(b);
    expect(statementOf(pipeline("p").write(u.toKafka("out")), "a__union")).toBe(
      "CREATE TEMPORARY VIEW `a__union` AS\nSELECT `id`, `n`, `at` FROM `a`\nUNION ALL\nSELECT `id`, `n`, `at` FROM `b`;",
    );
    expect(nodeOf(u).schema).toEqual([
      { name: "id", type: { kind: "STRING", nullable: true } },
      { name: "n", type: { kind: "INT", nullable: true } },
      { name: "at", type: { kind: "TIMESTAMP", precision: 3, nullable: false }, time: "rowtime" },
    ]);
  });

  it("widens numeric columns of different kinds to Flink's common type", () => {
    const dec = source("dec", { topic: "dec", schema: t.row({ id: t.string(), n: t.decimal(10, 2), at: t.timestamp(3) }) }).eventTime("at").watermark("1s");
    expect(schemaOf(a.union(dec))).toEqual(["id STRING NOT NULL", "n DECIMAL(12, 2)", "at TIMESTAMP(3) NOT NULL"]);
  });
});

describe("hop and cumulate by name", () => {
  it("emit the same window TVFs as the positional forms (Flink's order: slide/step first)", () => {
    const hop = stock.hop({ size: "1h", slide: "5m" }).count();
    expect(statementOf(pipeline("p").write(hop.toPrint()), "stock__hop")).toContain("FROM TABLE(HOP(TABLE `stock`, DESCRIPTOR(`at`), INTERVAL '5' MINUTE, INTERVAL '1' HOUR))");
    const cumulate = stock.cumulate({ step: "1h", maxSize: "1d" }).count();
    expect(statementOf(pipeline("p").write(cumulate.toPrint()), "stock__cumulate")).toContain("FROM TABLE(CUMULATE(TABLE `stock`, DESCRIPTOR(`at`), INTERVAL '1' HOUR, INTERVAL '1' DAY))");
  });
});
