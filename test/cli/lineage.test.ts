import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lineageSchema, type LineageJson } from "../../packages/streamt-sdk/src/lineage/render.js";
import { EXAMPLES, ROOT, runCli, type Run } from "./support.js";

const cli = (cwd: string, ...args: string[]): Promise<Run> => runCli(args, { cwd });

type Trace = LineageJson["sinks"][number]["columns"][number]["trace"];
const show = (t: Trace): string => {
  const head = `${t.how}${t.detail ? `[${t.detail}]` : ""} ${t.pipeline}:${t.step}.${t.column}`;
  return t.inputs.length === 0 ? head : t.inputs.length === 1 ? `${head} <- ${show(t.inputs[0]!)}` : `${head} <- (${t.inputs.map(show).join(" | ")})`;
};

describe("streamt-sdk lineage", () => {
  it("--json: the whole examples graph, in the documented shape, across the topic between pipelines", async () => {
    const r = await cli(ROOT, "lineage", ...EXAMPLES, "--json", "--no-typecheck");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lineage = lineageSchema.parse(JSON.parse(r.stdout));
    expect(lineage.version).toBe(1);
    expect(lineage.pipelines.map((p) => p.name)).toEqual([
      "big-spenders", "card-velocity", "customer-revenue", "customer-totals", "event-dedup", "hourly-revenue", "order-routing",
      "orders-enriched", "orders-latest-customer", "orders-payments", "orders-per-hour", "page-view-sessions", "top-spenders",
    ]);
    const column = (pipeline: string, sink: string, name: string) => lineage.sinks.find((s) => s.pipeline === pipeline && s.sink === sink)!.columns.find((c) => c.name === name)!;

    // big-spenders reads the topic customer-revenue writes: its revenue is customer-revenue's SUM(amount) of orders.raw.v1.
    const revenue = column("big-spenders", "customer_revenue/filter/select/orders.big-spenders.v1", "revenue");
    expect(revenue.origins).toEqual([{ pipeline: "customer-revenue", source: "orders", topic: "orders.raw.v1", column: "amount" }]);
    expect(show(revenue.trace)).toBe(
      "written big-spenders:customer_revenue/filter/select/orders.big-spenders.v1.revenue <- copied big-spenders:customer_revenue/filter/select.revenue"
        + " <- copied big-spenders:customer_revenue/filter.revenue <- read[orders.customer-revenue.v1] big-spenders:customer_revenue.revenue"
        + " <- written customer-revenue:orders/filter/tumble/orders.customer-revenue.v1.revenue <- aggregated[SUM(amount)] customer-revenue:orders/filter/tumble.revenue"
        + " <- copied customer-revenue:orders/filter.amount <- read[orders.raw.v1] customer-revenue:orders.amount",
    );
    expect(show(column("big-spenders", "customer_revenue/filter/select/orders.big-spenders.v1", "hour_end").trace.inputs[0]!)).toBe(
      "renamed big-spenders:customer_revenue/filter/select.hour_end <- copied big-spenders:customer_revenue/filter.window_end"
        + " <- read[orders.customer-revenue.v1] big-spenders:customer_revenue.window_end <- written customer-revenue:orders/filter/tumble/orders.customer-revenue.v1.window_end"
        + " <- window bound[TUMBLE(event_timestamp, 1h)] customer-revenue:orders/filter/tumble.window_end <- copied customer-revenue:orders/filter.event_timestamp"
        + " <- read[orders.raw.v1] customer-revenue:orders.event_timestamp",
    );
    // A temporal join: the name comes from the versioned side, renamed.
    expect(show(column("orders-enriched", "orders/temporal-join/orders.enriched.v1", "customer_name").trace.inputs[0]!)).toBe(
      "renamed[from the right side] orders-enriched:orders/temporal-join.customer_name <- read[customers.v1] orders-enriched:customers.name",
    );
    expect(show(column("order-routing", "orders/with-columns/paid/orders.paid-stream.v1", "amount_cents").trace.inputs[0]!.inputs[0]!)).toBe(
      "computed[CAST((amount * 100) AS BIGINT)] order-routing:orders/with-columns.amount_cents <- read[orders.raw.v1] order-routing:orders.amount",
    );
    expect(show(column("page-view-sessions", "page_views/session/web.sessions.v1", "distinct_pages").trace)).toBe(
      "written page-view-sessions:page_views/session/web.sessions.v1.distinct_pages <- aggregated[COUNT(DISTINCT url)] page-view-sessions:page_views/session.distinct_pages"
        + " <- read[web.page-views.v1] page-view-sessions:page_views.url",
    );
    expect(lineage.topics.find((t) => t.topic === "orders.customer-revenue.v1")).toEqual({
      topic: "orders.customer-revenue.v1",
      writers: [{ pipeline: "customer-revenue", sink: "orders/filter/tumble/orders.customer-revenue.v1" }],
      readers: [{ pipeline: "big-spenders", source: "customer_revenue" }],
    });
    expect(lineage.topics.find((t) => t.topic === "orders.raw.v1")!.readers.map((r) => r.pipeline)).toEqual([
      "customer-revenue", "customer-totals", "hourly-revenue", "order-routing", "orders-enriched", "orders-latest-customer", "orders-payments", "orders-per-hour", "top-spenders",
    ]);
  });

  it("text: the graph and a tree per sink column, exit 0", async () => {
    const r = await cli(ROOT, "lineage", "examples/customer-totals.ts", "--no-typecheck");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`pipeline customer-totals (examples/customer-totals.ts:16)
  source orders <- topic orders.raw.v1
  filter orders/filter <- orders
  aggregate orders/filter/aggregate <- orders/filter
  sink orders/filter/aggregate/customers.totals.v1 <- orders/filter/aggregate -> topic customers.totals.v1

sink customer-totals: orders/filter/aggregate/customers.totals.v1 -> topic customers.totals.v1
  customer_id STRING NOT NULL
    └─ customer_id group key at orders/filter/aggregate
       └─ customer_id copied at orders/filter
          └─ customer_id read by orders from topic orders.raw.v1
  orders BIGINT NOT NULL
    └─ orders aggregated as COUNT(*) at orders/filter/aggregate
  total DECIMAL(38, 2) NOT NULL
    └─ total aggregated as SUM(amount) at orders/filter/aggregate
       └─ amount copied at orders/filter
          └─ amount read by orders from topic orders.raw.v1
  rows decided by
    source contract at orders: order_id, customer_id, amount, event_timestamp
    filter at orders/filter: status
    group by at orders/filter/aggregate: customer_id
`);
  });

  it("bad input: an option it does not take, no entries, a missing entry (exit 2); a module with no pipeline or a failing finding (exit 1)", async () => {
    const strict = await cli(ROOT, "lineage", "examples/customer-totals.ts", "--strict");
    expect(strict.code).toBe(2);
    expect(strict.stderr).toBe("streamt-sdk: option --strict does not apply to 'lineage'; it takes --json, --no-typecheck, --no-cache\nRun 'streamt-sdk --help' for usage.\n");

    const empty = mkdtempSync(path.join(tmpdir(), "streamt-lineage-"));
    const none = await cli(empty, "lineage");
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("streamt-sdk: lineage needs an entry module: streamt-sdk lineage path/to/pipelines.ts (or set \"streamt\": { \"entries\": [...] } in package.json)\nRun 'streamt-sdk --help' for usage.\n");

    const missing = await cli(empty, "lineage", "nope.ts");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`streamt-sdk: entry file not found: nope.ts (relative to ${empty})\n`);

    const noPipeline = await cli(ROOT, "lineage", "test/fixtures/cli/bad-no-pipeline.ts", "--no-typecheck");
    expect(noPipeline.code).toBe(1);
    expect(noPipeline.stdout).toBe("");
    expect(noPipeline.stderr).toBe(`error STREAMT-L002 test/fixtures/cli/bad-no-pipeline.ts:1:1 test/fixtures/cli/bad-no-pipeline.ts
  test/fixtures/cli/bad-no-pipeline.ts exports no pipeline
  fix: export one: export default pipeline('name').write(stream.toKafka('topic'))
1 error, 0 warnings
`);
    // A plan with failing findings has no lineage to trust: the findings, exit 1.
    const refused = await cli(ROOT, "lineage", "test/fixtures/cli/bad-unbounded-join.ts", "--no-typecheck");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("error STREAMT-E001 test/fixtures/cli/bad-unbounded-join.ts:8:27 [unbounded-join] a/join\n");
  });
});
