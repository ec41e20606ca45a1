/**
 * Property: random pipelines built with the real DSL (chains of filters, selects, windows, aggregates,
 * joins, dedup and Top-N, with or without TTLs, into random sinks) never make analysis throw, and
 * every pipeline analysis accepts (no error finding) has bounded state by construction: each operator
 * is stateless or bounded by a window, an interval or a positive TTL, or the pipeline has a stateTtl.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { count, isStreamtError, lit, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { analysePlan } from "../../packages/streamt-sdk/src/analysis/analyse.js";
import { topologicalOrder, type PlanNode } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import type { Plan } from "../../packages/streamt-sdk/src/ir/plan.js";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

// The DSL's static types are bypassed on purpose: the chains are random, and analysis is what is tested.
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyStream = any;

const SOURCES: Record<string, AnyStream> = {
  orders: source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s").idleTimeout("1m"),
  lateOrders: source("late-orders", { topic: "late.v1", schema: Order }).eventTime("ts").watermark("2h"),
  payments: source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s"),
  customers: source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s"),
  customerEvents: source("customer-events", { topic: "customer-events.v1", schema: Customer }),
  rawOrders: source("raw-orders", { topic: "raw.v1", schema: Order }).eventTime("ts"),
};
const SOURCE_NAMES = Object.keys(SOURCES);

const nodeOf = (s: AnyStream): PlanNode => s.node as PlanNode;
const columns = (s: AnyStream): string[] => nodeOf(s).schema.map((c) => c.name);
const stringColumns = (s: AnyStream): string[] => nodeOf(s).schema.filter((c) => c.type.kind === "STRING").map((c) => c.name);
const pick = <X>(xs: readonly X[], i: number): X | undefined => xs[i % Math.max(xs.length, 1)];

const ttlArb = fc.option(fc.constantFrom("0ms", "1m", "1h", "1d"), { nil: undefined });
const sizeArb = fc.constantFrom("1m", "10m", "1h");

type Step = (s: AnyStream) => AnyStream;

/** One random step; it may be refused by the DSL (a StreamtError), in which case the chain skips it. */
const stepArb: fc.Arbitrary<{ name: string; run: Step }> = fc.oneof(
  fc.constant({ name: "filter", run: (s: AnyStream) => s.filter(() => lit(true)) }),
  fc.nat().map((i) => ({ name: "select", run: (s: AnyStream) => s.select(...columns(s).filter((_, j) => j !== i % (columns(s).length + 2))) })),
  fc.tuple(fc.constantFrom("tumble", "hop", "session", "cumulate"), sizeArb, fc.boolean(), fc.nat()).map(([kind, size, keyed, i]) => ({
    name: `${kind}`,
    run: (s: AnyStream) => {
      const w = kind === "hop" ? s.hop(size, "1m") : kind === "cumulate" ? s.cumulate("1m", size) : s[kind](size);
      const key = pick(stringColumns(s), i);
      return keyed && key ? w.groupBy(key).count() : w.count();
    },
  })),
  fc.tuple(sizeArb, fc.nat(), fc.boolean()).map(([size, i, top]) => ({
    name: top ? "window-top-n" : "window-dedup",
    run: (s: AnyStream) => {
      const key = pick(stringColumns(s), i)!;
      return top ? s.tumble(size).topN({ partitionBy: [key], orderBy: [{ column: key }], n: 2 }) : s.tumble(size).deduplicate({ key: [key] });
    },
  })),
  fc.tuple(fc.nat(), ttlArb).map(([i, ttl]) => ({
    name: "aggregate",
    run: (s: AnyStream) => s.groupBy(pick(stringColumns(s), i)).aggregate({ n: count() }, ttl === undefined ? undefined : { ttl }),
  })),
  ttlArb.map((ttl) => ({ name: "distinct", run: (s: AnyStream) => s.distinct(ttl === undefined ? undefined : { ttl }) })),
  fc.tuple(fc.nat(), ttlArb, fc.constantFrom("first", "last")).map(([i, ttl, keep]) => ({
    name: "deduplicate",
    run: (s: AnyStream) => s.deduplicate({ key: [pick(stringColumns(s), i)], keep, ...(ttl === undefined ? {} : { ttl }) }),
  })),
  fc.tuple(fc.nat(), ttlArb).map(([i, ttl]) => ({
    name: "top-n",
    run: (s: AnyStream) => {
      const key = pick(stringColumns(s), i)!;
      return s.topN({ partitionBy: [key], orderBy: [{ column: key, direction: "desc" }], n: 3, ...(ttl === undefined ? {} : { ttl }) });
    },
  })),
  fc.tuple(fc.constantFrom(...SOURCE_NAMES), fc.constantFrom("inner", "left", "full"), ttlArb, fc.nat()).map(([other, type, ttl, i]) => ({
    name: "join",
    run: (s: AnyStream) => {
      const right = SOURCES[other];
      const l = pick(stringColumns(s), i)!;
      const r = pick(stringColumns(right), i)!;
      return s.join(right, {
        on: { [l]: r },
        type,
        ...(ttl === undefined ? {} : { ttl }),
        select: (a: any, b: any) => ({ ...Object.fromEntries(columns(s).map((c) => [c, a[c]])), right_key: b[r] }),
      });
    },
  })),
  fc.tuple(fc.constantFrom(["0s", "10m"], ["-5m", "5m"], ["0s", "2h"]), fc.constantFrom("orders", "payments", "lateOrders")).map(([between, other]) => ({
    name: "interval-join",
    run: (s: AnyStream) => {
      const right = SOURCES[other];
      const l = stringColumns(s)[0]!;
      return s.intervalJoin(right, {
        on: { [l]: "order_id" },
        between,
        select: (a: any, b: any) => ({ ...Object.fromEntries(columns(s).map((c) => [c, a[c]])), right_id: b.order_id }),
      });
    },
  })),
  fc.constant({
    name: "temporal-join",
    run: (s: AnyStream) =>
      s.temporalJoin(SOURCES.customers, {
        on: { customer_id: "customer_id" },
        select: (a: any, b: any) => ({ ...Object.fromEntries(columns(s).map((c) => [c, a[c]])), customer_name: b.name }),
      }),
  }),
  fc.constantFrom("orders", "payments").map((other) => ({
    name: "window-join",
    run: (s: AnyStream) =>
      s.tumble("5m").join(SOURCES[other].tumble("5m"), {
        on: { [stringColumns(s)[0]!]: "order_id" },
        select: (a: any, b: any) => ({ left_id: a[stringColumns(s)[0]!], right_id: b.order_id, window_start: a.window_start }),
      }),
  })),
  fc.constant({ name: "union", run: (s: AnyStream) => s.union(s) }),
);

const sinkArb = fc.record({
  kind: fc.constantFrom("kafka", "upsert-kafka", "print", "blackhole"),
  topic: fc.constantFrom("out.a", "out.b", "out.c", "out.d", "out.e"),
  delivery: fc.constantFrom("at-least-once", "exactly-once", undefined),
  keyIndex: fc.nat(),
});

const pipelineArb = fc.record({
  source: fc.constantFrom(...SOURCE_NAMES),
  steps: fc.array(stepArb, { maxLength: 5 }),
  sinks: fc.array(sinkArb, { minLength: 1, maxLength: 2 }),
  stateTtl: fc.option(fc.constantFrom("1m", "1h", "1d"), { nil: undefined }),
  checkpointInterval: fc.option(fc.constant("1m"), { nil: undefined }),
  sourceIdleTimeout: fc.option(fc.constant("30s"), { nil: undefined }),
});

type PipelineSpec = typeof pipelineArb extends fc.Arbitrary<infer X> ? X : never;

/** Runs a step; a refusal by the DSL (StreamtError) skips it, anything else is a bug and fails. */
function tryStep(s: AnyStream, step: Step): AnyStream {
  try {
    return step(s);
  } catch (e) {
    if (isStreamtError(e)) return s;
    throw e;
  }
}

function build(spec: PipelineSpec, name: string): Pipeline | null {
  const s = spec.steps.reduce((acc, step) => tryStep(acc, step.run), SOURCES[spec.source]);
  const sinks = spec.sinks.flatMap((k, i) => {
    try {
      const options = { name: `sink${i}`, ...(k.delivery ? { delivery: k.delivery } : {}) };
      if (k.kind === "kafka") return [s.toKafka(k.topic, options)];
      if (k.kind === "upsert-kafka") {
        const changelog = nodeOf(s).changelog;
        const known = changelog.mode === "updating" ? changelog.key : null;
        const key = known && k.keyIndex % 2 === 0 ? known : [pick(columns(s), k.keyIndex)];
        return [s.toUpsertKafka(k.topic, { ...options, key })];
      }
      return [k.kind === "print" ? s.toPrint({ name: `sink${i}` }) : s.toBlackhole({ name: `sink${i}` })];
    } catch (e) {
      if (isStreamtError(e)) return [];
      throw e;
    }
  });
  if (sinks.length === 0) return null;
  const options = {
    ...(spec.stateTtl ? { stateTtl: spec.stateTtl } : {}),
    ...(spec.checkpointInterval ? { checkpointInterval: spec.checkpointInterval } : {}),
    ...(spec.sourceIdleTimeout ? { sourceIdleTimeout: spec.sourceIdleTimeout } : {}),
  };
  return (pipeline(name, options) as unknown as { write(...s: unknown[]): Pipeline }).write(...sinks);
}

/** Bounded by construction: no state, a window, an interval, a positive TTL, or a pipeline stateTtl. */
function boundedState(node: PlanNode, pipelineTtlMs: number | null): boolean {
  const s = node.state;
  if (s.kind === "none" || s.kind === "window" || s.kind === "interval") return true;
  if (pipelineTtlMs !== null && pipelineTtlMs > 0) return true;
  return s.kind === "ttl" && s.ms > 0;
}

describe("analysis over random DSL pipelines", () => {
  it("never throws, and accepts only pipelines with bounded state", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(pipelineArb, { minLength: 1, maxLength: 3 }), (specs) => {
        const pipelines = specs.flatMap((spec, i) => {
          const p = build(spec, `p${i}`);
          return p ? [p] : [];
        });
        const plan: Plan = { version: 1, pipelines: pipelines.map((p) => p.definition) };
        const ds = analysePlan(plan);
        expect(ds.filter((d) => d.code === "STREAMT-E000")).toEqual([]);
        for (const def of plan.pipelines) {
          if (ds.some((d) => d.pipeline === def.name && d.severity === "error")) {
            refused++;
            continue;
          }
          accepted++;
          for (const node of topologicalOrder(def.sinks)) {
            expect(boundedState(node, def.settings.stateTtlMs), `${def.name}: ${node.path} (${node.kind}) has ${JSON.stringify(node.state)}`).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
    // The generator must exercise both outcomes, or the property says nothing.
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });

  it("never throws on malformed plans either", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (pipelines, settings) => {
        const plan = { version: 1, pipelines } as unknown as Plan;
        expect(() => analysePlan(plan)).not.toThrow();
        const odd = { version: 1, pipelines: [{ name: "x", settings, sinks: [{ kind: "sink", input: pipelines }], site: null }] } as unknown as Plan;
        expect(() => analysePlan(odd)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});
