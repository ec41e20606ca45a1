/**
 * The suite of bench section 6: 20 pipeline tests written with streamt-sdk/testing, as a user writes
 * them, over three example pipelines (an upsert aggregate, an event-time window with a watermark step,
 * an interval join), after one first test that pays the start (broker, warm JVM, MiniCluster). Each
 * test's rows differ (by its number) and its expectation is exact. Run by bench/testing-bench.ts.
 */
import { describe, it } from "vitest";
import { testPipeline } from "streamt-sdk/testing";
import customerTotals, { orders as totalsOrders, totals } from "../../examples/customer-totals.js";
import hourly, { hourlyRevenue, orders as hourlyOrders } from "../../examples/hourly-revenue.js";
import ordersPayments, { orders as joinOrders, paidOrders, payments } from "../../examples/orders-payments.js";

const totalsOut = totals.toUpsertKafka("customers.totals.v1", { key: ["customer_id"] });
const revenueOut = hourlyRevenue.toKafka("orders.hourly.v1");
const paidOut = paidOrders.toKafka("orders.paid.v1");

const order = (order_id: string, customer_id: string, amount: number, time = "10:00", status: string | null = "paid") => ({ order_id, customer_id, amount, status, event_timestamp: `2024-01-01T${time}:00` });
const window10 = { window_start: "2024-01-01T10:00:00", window_end: "2024-01-01T11:00:00", window_time: "2024-01-01T10:59:59.999" };

/** Test i of the upsert aggregate: two paid orders of one customer, one cancelled. */
async function totalsTest(i: number): Promise<void> {
  await testPipeline(customerTotals)
    .given(totalsOrders, [order(`a${i}`, "c1", i), order(`b${i}`, "c1", 2.5), order(`c${i}`, "c2", 100, "10:00", "cancelled")])
    .expect(totalsOut, [{ customer_id: "c1", orders: 2, total: i + 2.5 }]);
}

/** Test i of the hourly window: the watermark step closes the 10:00 window; a late order after it is dropped. */
async function hourlyTest(i: number): Promise<void> {
  await testPipeline(hourly)
    .given(hourlyOrders, [order(`a${i}`, "c1", i, "10:05"), order(`b${i}`, "c1", 1, "10:50")])
    .advanceWatermarkTo(hourlyOrders, "2024-01-01T11:00")
    .given(hourlyOrders, [order(`late${i}`, "c1", 1000, "10:59")])
    .expect(revenueOut, [{ ...window10, customer_id: "c1", orders: 2, revenue: i + 1 }]);
}

/** Test i of the interval join: a payment 30 minutes after its order matches; one 90 minutes after does not. */
async function joinTest(i: number): Promise<void> {
  await testPipeline(ordersPayments)
    .given(joinOrders, [order(`o${i}`, "c1", i, "10:00", "new"), order(`x${i}`, "c2", 1, "10:00", "new")])
    .given(payments, [
      { payment_id: `p${i}`, order_id: `o${i}`, amount: i, paid_at: "2024-01-01T10:30:00" },
      { payment_id: `q${i}`, order_id: `x${i}`, amount: 1, paid_at: "2024-01-01T11:30:00" },
    ])
    .expect(paidOut, [{ order_id: `o${i}`, customer_id: "c1", order_amount: i, paid_amount: i, ordered_at: "2024-01-01T10:00:00", paid_at: "2024-01-01T10:30:00" }]);
}

const kinds = [totalsTest, hourlyTest, joinTest] as const;

describe("bench: 20 pipeline tests after a first start", { timeout: 600_000 }, () => {
  it("first test (starts the warm JVM and its MiniCluster)", () => totalsTest(100));
  for (let i = 1; i <= 20; i++) it(`test ${i}`, () => kinds[i % kinds.length]!(i));
});
