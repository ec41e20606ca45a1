/**
 * What the manifest records of a pipeline's description and owner and its sinks': only what was given, and
 * the described sinks in one order (by path), whatever order the pipeline writes them in.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { aboutOf } from "../../packages/streamt-sdk/src/synth/manifest.js";

const Order = t.row({ order_id: t.string(), status: t.string() });
const orders = source("orders", { topic: "orders.v1", schema: Order });

describe("aboutOf", () => {
  it("a pipeline that describes nothing records nothing", () => {
    expect(aboutOf(pipeline("plain").write(orders.toKafka("copy.v1")).definition)).toEqual({});
  });

  it("described sinks sorted by path, each with only the fields given; undescribed sinks left out", () => {
    const p = pipeline("fan-out", { description: "orders by status", owner: "team-data" }).write(
      orders.filter((o) => o.status.eq("paid")).toKafka("c.paid.v1", { owner: "team-pay" }),
      orders.toKafka("b.all.v1"),
      orders.toKafka("a.all.v1", { description: "every order", owner: "team-data" }),
      orders.toPrint({ description: "for a look" }),
    );
    expect(aboutOf(p.definition)).toEqual({
      description: "orders by status",
      owner: "team-data",
      describedSinks: [
        { sink: "orders/a.all.v1", topic: "a.all.v1", description: "every order", owner: "team-data" },
        { sink: "orders/filter/c.paid.v1", topic: "c.paid.v1", owner: "team-pay" },
        { sink: "orders/print", topic: null, description: "for a look" },
      ],
    });
  });
});
