import { describe, expect, it } from "vitest";
import { compareOperators, stabilisePlan, type SessionTable } from "../../packages/streamt-sdk/src/deploy/stable-plan.js";

/**
 * Stable operator ids for compiled plans: the shape of Flink 2.2's COMPILE PLAN output (as the SQL Gateway
 * wrote it on the dev cluster), with the node ids the gateway's counter happened to give.
 */
const table = (name: string) => ({ table: { identifier: `\`default_catalog\`.\`default_database\`.\`${name}\`` } });
const source = (id: number) => ({ id, type: "stream-exec-table-source-scan_1", scanTableSource: table("ev__raw"), outputType: "ROW<`k` VARCHAR(2147483647), `ts` TIMESTAMP(3)>", description: "TableSourceScan(table=[[default_catalog, default_database, ev__raw]], fields=[k, ts])" });
const aggregate = (id: number, key = "k") => ({ id, type: "stream-exec-group-aggregate_1", grouping: [key === "k" ? 0 : 1], description: `GroupAggregate(groupBy=[${key}], select=[${key}, COUNT(*) AS n])` });
const calc = (id: number, where: string) => ({ id, type: "stream-exec-calc_1", condition: where, description: `Calc(where=[${where}])` });
const sink = (id: number) => ({ id, type: "stream-exec-sink_1", dynamicTableSink: table("out"), description: "Sink(table=[default_catalog.default_database.out], fields=[k, n])" });
const edge = (source: number, target: number) => ({ source, target, shuffle: { type: "FORWARD" }, shuffleMode: "PIPELINED" });
const plan = (nodes: object[], edges: object[]) => JSON.stringify({ flinkVersion: "2.2", nodes, edges });

const tables = (sourceTopic = "ev.in"): Map<string, SessionTable> =>
  new Map([
    ["ev__raw", { ddl: `CREATE TEMPORARY TABLE \`ev__raw\` (...) WITH ('topic' = '${sourceTopic}')`, step: "ev" }],
    ["out", { ddl: "CREATE TEMPORARY TABLE `out` (...) WITH ('topic' = 'out')", step: "ev/group-by/aggregate/out" }],
  ]);

const v1 = (base: number) => plan([source(base), aggregate(base + 1), sink(base + 2)], [edge(base, base + 1), edge(base + 1, base + 2)]);
const ids = (json: string) => (JSON.parse(json) as { nodes: { id: number; type: string }[] }).nodes.map((n) => [n.type, n.id] as const);

describe("stabilisePlan", () => {
  it("gives the same ids whatever ids the gateway's counter gave (1..3 or 10..12)", () => {
    const a = stabilisePlan(v1(1), tables());
    const b = stabilisePlan(v1(10), tables());
    expect(a.json).toBe(b.json);
    expect(a.sha256).toBe(b.sha256);
    const [s, g, k] = ids(a.json).map(([, id]) => id);
    expect(JSON.parse(a.json).edges).toEqual([edge(s!, g!), edge(g!, k!)]);
    expect(new Set([s, g, k]).size).toBe(3);
    // Every node here keeps state; each names its step where it has one (sources and sinks).
    const byId = new Map(a.stateful.map((o) => [o.id, [o.type, o.step]]));
    expect([byId.get(s!), byId.get(g!), byId.get(k!)]).toEqual([
      ["stream-exec-table-source-scan_1", "ev"],
      ["stream-exec-group-aggregate_1", null],
      ["stream-exec-sink_1", "ev/group-by/aggregate/out"],
    ]);
  });

  it("a filter added after the aggregate keeps every stateful id; the calc is not stateful", () => {
    const before = stabilisePlan(v1(1), tables());
    const after = stabilisePlan(plan([source(20), aggregate(21), calc(22, "n > 1"), sink(23)], [edge(20, 21), edge(21, 22), edge(22, 23)]), tables());
    expect(after.stateful).toEqual(before.stateful);
    expect(compareOperators(before.stateful, after.stateful).map((o) => o.fate)).toEqual(["kept", "kept", "kept"]);
  });

  it("another group key is another aggregate: dropped and new; the source and sink are kept", () => {
    const before = stabilisePlan(v1(1), tables());
    const after = stabilisePlan(plan([source(1), aggregate(2, "ts"), sink(3)], [edge(1, 2), edge(2, 3)]), tables());
    const fates = compareOperators(before.stateful, after.stateful).map((o) => `${o.fate} ${o.description}`).sort();
    expect(fates).toEqual([
      "dropped GroupAggregate(groupBy=[k], select=[k, COUNT(*) AS n])",
      "kept Sink(table=[default_catalog.default_database.out], fields=[k, n])",
      "kept TableSourceScan(table=[[default_catalog, default_database, ev__raw]], fields=[k, ts])",
      "new GroupAggregate(groupBy=[ts], select=[ts, COUNT(*) AS n])",
    ]);
  });

  it("a source reading another topic is another source, and what is built on it is new too", () => {
    const before = stabilisePlan(v1(1), tables("ev.in"));
    const after = stabilisePlan(v1(1), tables("ev.in.v2"));
    const fates = compareOperators(before.stateful, after.stateful).map((o) => `${o.fate} ${o.type}`).sort();
    expect(fates).toEqual([
      "dropped stream-exec-group-aggregate_1",
      "dropped stream-exec-table-source-scan_1",
      "kept stream-exec-sink_1",
      "new stream-exec-group-aggregate_1",
      "new stream-exec-table-source-scan_1",
    ]);
  });

  it("a node type it does not know is treated as stateful", () => {
    const p = stabilisePlan(plan([source(1), { id: 2, type: "stream-exec-something-new_1", description: "SomethingNew()" }, sink(3)], [edge(1, 2), edge(2, 3)]), tables());
    expect(p.stateful.map((o) => o.description).sort()).toEqual(["Sink(table=[default_catalog.default_database.out], fields=[k, n])", "SomethingNew()", "TableSourceScan(table=[[default_catalog, default_database, ev__raw]], fields=[k, ts])"]);
  });
});

describe("stabilisePlan: two nodes whose keys share their first 31 bits", () => {
  // Found by search: the keys of these two calc nodes (no inputs, no table) begin a4a22b89... and 24a22b89...,
  // the same 31 bits (614607753). The node of the smaller key takes the id, the other the next one, in
  // whatever order the plan lists them.
  const low = { type: "stream-exec-calc_1", condition: "v = 15053" };
  const high = { type: "stream-exec-calc_1", condition: "v = 7399" };
  const idsByCondition = (nodes: object[]) =>
    Object.fromEntries((JSON.parse(stabilisePlan(plan(nodes, []), new Map()).json) as { nodes: { id: number; condition: string }[] }).nodes.map((n) => [n.condition, n.id]));

  it("resolve the collision by key, not by the plan's order of nodes", () => {
    const expected = { "v = 15053": 614607753, "v = 7399": 614607754 };
    expect(idsByCondition([{ id: 1, ...low }, { id: 2, ...high }])).toEqual(expected);
    expect(idsByCondition([{ id: 1, ...high }, { id: 2, ...low }])).toEqual(expected);
  });
});
