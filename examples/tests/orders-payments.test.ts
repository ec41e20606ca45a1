/** The orders-payments example: an interval join of two sources, each given its own rows. */
import { describe, it } from "vitest";
import { testPipeline } from "streamt-sdk/testing";
import ordersPayments, { orders, paidOrders, payments } from "../orders-payments.js";

const paidOut = paidOrders.toKafka("orders.paid.v1");

// The first test of a run also starts the warm Flink JVM; each later one runs one bounded job.
describe("orders-payments", { timeout: 240_000 }, () => {
  it("matches an order with a payment within the hour after it, and no other", async () => {
    await testPipeline(ordersPayments)
      .given(orders, [
        { order_id: "o1", customer_id: "c1", amount: 20, status: "new", event_timestamp: "2024-01-01T10:00:00" },
        { order_id: "o2", customer_id: "c2", amount: 5, status: "new", event_timestamp: "2024-01-01T10:00:00" },
      ])
      .given(payments, [
        { payment_id: "p1", order_id: "o1", amount: 20, paid_at: "2024-01-01T10:30:00" },
        // More than an hour after its order: no match.
        { payment_id: "p2", order_id: "o2", amount: 5, paid_at: "2024-01-01T11:30:00" },
      ])
      .expect(paidOut, [{ order_id: "o1", customer_id: "c1", order_amount: 20, paid_amount: 20, ordered_at: "2024-01-01T10:00:00", paid_at: "2024-01-01T10:30:00" }]);
  });
});
