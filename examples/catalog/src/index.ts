/**
 * A catalog package: the sources and schemas one team owns, shared with other repositories as an npm
 * package. Importing it registers the sources, and the `declare module` block gives
 * `source("orders")` the catalog's full types wherever the package is imported.
 */
import { registerSources, source, t } from "streamt-sdk";

export const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  status: t.string().nullable(),
  event_timestamp: t.timestamp(3),
});

export const Shipment = t.row({
  shipment_id: t.string(),
  order_id: t.string(),
  carrier: t.string(),
  shipped_at: t.timestamp(3),
});

export const catalog = registerSources({
  orders: source("orders", { topic: "orders.raw.v1", schema: Order, idleTimeout: "1m" }),
  shipments: source("shipments", { topic: "logistics.shipments.v1", schema: Shipment, idleTimeout: "1m" }),
});

declare module "streamt-sdk" {
  interface SourceCatalog {
    orders: typeof catalog.orders;
    shipments: typeof catalog.shipments;
  }
}
