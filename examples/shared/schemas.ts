/** Schemas shared by the examples: the topics of a small shop. */
import { t } from "streamt-sdk";

export const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  status: t.string().nullable(),
  event_timestamp: t.timestamp(3),
});

export const Payment = t.row({
  payment_id: t.string(),
  order_id: t.string(),
  amount: t.decimal(10, 2),
  paid_at: t.timestamp(3),
});

export const Customer = t.row({
  customer_id: t.string(),
  name: t.string(),
  tier: t.string(),
  updated_at: t.timestamp(3),
});

export const PageView = t.row({
  user_id: t.string(),
  url: t.string(),
  viewed_at: t.timestamp(3),
});

export const CardTransaction = t.row({
  tx_id: t.string(),
  card_id: t.string(),
  amount: t.decimal(12, 2),
  merchant: t.string(),
  tx_time: t.timestamp(3),
});

export const ClickEvent = t.row({
  event_id: t.string(),
  user_id: t.string(),
  action: t.string(),
  event_time: t.timestamp(3),
});
