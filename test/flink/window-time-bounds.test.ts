/**
 * Finding D8 of the differential test: after a window aggregate, bounds on window_start that meet at one
 * instant (`eq(t)`, or `ge(t)` and `le(t)`, `in(t, u)` and `ge(t)` with u < t, `ne(t).not()`, in one filter or in
 * two filter steps, which Calcite merges) let Calcite pull that constant out of the GROUP BY, and Flink
 * then plans an updating aggregate that an append sink refuses (51 of these 192 filters on 2.2 and on
 * 1.20 when only `=` was written half-open; none since ir/planner-safe.ts writes every bound of a
 * millisecond time half-open). Every pair of eight comparisons with the same instant, joined by AND, by
 * OR, and as two filter steps, must plan with an append sink on Flink 2.2 and 1.20.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";

const Ev = t.row({ k: t.string(), ts: t.timestamp(3) });
const T = new Date("2024-03-15T10:00:10Z");
const BEFORE = new Date("2024-03-15T10:00:00Z");

/* eslint-disable @typescript-eslint/no-explicit-any -- the comparisons are built over window_start */
const BOUNDS: Readonly<Record<string, (x: any) => any>> = {
  eq: (x) => x.eq(T),
  "ne.not": (x) => x.ne(T).not(),
  gt: (x) => x.gt(T),
  ge: (x) => x.ge(T),
  lt: (x) => x.lt(T),
  le: (x) => x.le(T),
  "in(t, before)": (x) => x.in(T, BEFORE),
  "between(before, t)": (x) => x.between(BEFORE, T),
};

function scripts(flinkVersion: string): { id: string; script: string }[] {
  const out: { id: string; script: string }[] = [];
  for (const [a, boundA] of Object.entries(BOUNDS))
    for (const [b, boundB] of Object.entries(BOUNDS))
      for (const join of ["and", "or", "two filters"] as const) {
        const windows = source("ev", { topic: "ev", schema: Ev }).eventTime("ts").watermark("5s").tumble("10s").aggregate({ n: count() });
        const kept = join === "two filters"
          ? windows.filter((o: any) => boundA(o.window_start)).filter((o: any) => boundB(o.window_start))
          : windows.filter((o: any) => boundA(o.window_start)[join](boundB(o.window_start)));
        const p = pipeline("window-bounds").write(kept.select((o: any) => ({ window_start: o.window_start, n: o.n })).toKafka("out"));
        out.push({ id: `${a} ${join} ${b}`, script: emitPipelineSql(p.definition, { bootstrapServers: "127.0.0.1:9092", flinkVersion }) });
      }
  return out;
}

describe.each([
  ["2", "2.2"],
  ["1.20", "1.20"],
] as const)("bounds on a window's start plan with an append sink on Flink %s", (target, flinkVersion) => {
  let validator: ScriptValidator;
  beforeAll(async () => {
    validator = await sharedValidator(target);
  });
  afterAll(async () => {
    await validator?.close();
  });

  it("every pair of bounds with the same instant, joined by AND, OR, or as two filters", async () => {
    const all = scripts(flinkVersion);
    const results = await validator.validateAll(all);
    expect(all.length).toBe(192);
    expect(results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.ok ? "" : r.error.split("\n")[0]}`)).toEqual([]);
  }, 300_000);
});
