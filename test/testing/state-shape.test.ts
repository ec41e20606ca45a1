/**
 * The restore test's own check (testing/state-shape.ts): a stateful step in the same place but keyed
 * differently is a mismatch; the same keys, or a change in the number or kind of stateful steps (Flink's
 * to refuse), is not.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t, type Sink } from "streamt-sdk";
import { stateMismatch } from "../../packages/streamt-sdk/src/testing/state-shape.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), region: t.string(), amount: t.int(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders", schema: Order }).eventTime("ts").watermark("5s");
const def = (sink: Sink) => pipeline("p").write(sink).definition;

const totalsBy = (key: "customer_id" | "region") => def(orders.groupBy(key).aggregate({ n: count() }).toUpsertKafka("out", { key: [key] }));
const hourly = (size: "1h" | "30m") => def(orders.tumble(size).groupBy("customer_id").aggregate({ revenue: sum("amount") }).toKafka("out"));
const keyedBy = (m: ReturnType<typeof stateMismatch>) => m && [m.before.node.path, m.before.keyedBy, m.after.node.path, m.after.keyedBy];

describe("stateMismatch", () => {
  it("another group key of the same type", () => {
    expect(keyedBy(stateMismatch(totalsBy("customer_id"), totalsBy("region")))).toEqual(["orders/aggregate", "group (customer_id STRING NOT NULL)", "orders/aggregate", "group (region STRING NOT NULL)"]);
  });

  it("another window size with the same key", () => {
    expect(keyedBy(stateMismatch(hourly("1h"), hourly("30m")))).toEqual([
      "orders/tumble",
      "tumble 3600000 ms on ts, group (customer_id STRING NOT NULL)",
      "orders/tumble",
      "tumble 1800000 ms on ts, group (customer_id STRING NOT NULL)",
    ]);
  });

  it("a Top-N partitioned by another column: each side said with its order", () => {
    const top = (by: "customer_id" | "region") => def(orders.topN({ partitionBy: [by], orderBy: [{ column: "amount", direction: "desc" }, { column: "order_id", direction: "asc" }], n: 3 }).toUpsertKafka("out", { key: [by, "order_id"] }));
    expect(keyedBy(stateMismatch(top("customer_id"), top("region")))).toEqual([
      "orders/top-n",
      "partition (customer_id STRING NOT NULL), top 3 by amount desc, order_id asc",
      "orders/top-n",
      "partition (region STRING NOT NULL), top 3 by amount desc, order_id asc",
    ]);
  });

  it("another session gap: the window's partition keys are said only when it has any", () => {
    const sessions = (gap: "10m" | "5m") => def(orders.session(gap).aggregate({ n: count() }).toKafka("out"));
    expect(keyedBy(stateMismatch(sessions("10m"), sessions("5m")))).toEqual(["orders/session", "session gap 600000 ms on ts, group ()", "orders/session", "session gap 300000 ms on ts, group ()"]);
    const perCustomer = (gap: "10m" | "5m") => def(orders.session(gap).groupBy("customer_id").aggregate({ n: count() }).toKafka("out"));
    expect(keyedBy(stateMismatch(perCustomer("10m"), perCustomer("5m")))).toEqual([
      "orders/session",
      "session gap 600000 ms on ts partition customer_id, group (customer_id STRING NOT NULL)",
      "orders/session",
      "session gap 300000 ms on ts partition customer_id, group (customer_id STRING NOT NULL)",
    ]);
  });

  it("none for the same pipeline, a stateless change, or stateful steps of another kind", () => {
    expect(stateMismatch(totalsBy("region"), totalsBy("region"))).toBeNull();
    const filtered = def(orders.filter((o) => o.amount.gt(0)).groupBy("region").aggregate({ n: count() }).toUpsertKafka("out", { key: ["region"] }));
    expect(stateMismatch(totalsBy("region"), filtered)).toBeNull();
    expect(stateMismatch(totalsBy("region"), hourly("1h"))).toBeNull();
  });
});
