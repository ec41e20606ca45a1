/**
 * Finding D7 of the differential test: two bounds on a rowtime that Calcite folds into one multi-range
 * SEARCH (`ts <> t1 AND ts > t2`, `ts = t1 OR ts = t2`) crashed Flink's planner with a
 * ClassCastException, 18 of these 216 filters on 2.2 before the SDK compared a rowtime with a literal
 * as a plain timestamp. Every pair of the six comparisons, joined by AND, by OR, and as two filter
 * steps, on a TIMESTAMP and a TIMESTAMP_LTZ rowtime, must plan on Flink 2.2 and 1.20.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";

const Ev = t.row({ k: t.string(), ts: t.timestamp(3), ltz: t.timestampLtz(3) });
const T1 = new Date("2024-03-15T10:00:10Z");
const T2 = new Date("2024-03-15T10:00:00Z");
const OPS = ["eq", "ne", "gt", "ge", "lt", "le"] as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- the comparison is picked by name */
function scripts(flinkVersion: string): { id: string; script: string }[] {
  const out: { id: string; script: string }[] = [];
  for (const col of ["ts", "ltz"] as const)
    for (const a of OPS)
      for (const b of OPS)
        for (const join of ["and", "or", "two filters"] as const) {
          const src = source("ev", { topic: "ev", schema: Ev }).eventTime(col).watermark("5s");
          const kept = join === "two filters" ? src.filter((o: any) => o[col][a](T1)).filter((o: any) => o[col][b](T2)) : src.filter((o: any) => o[col][a](T1)[join](o[col][b](T2)));
          const p = pipeline("rowtime-bounds").write(kept.toKafka("out"));
          out.push({ id: `${col} ${a} ${join} ${b}`, script: emitPipelineSql(p.definition, { bootstrapServers: "127.0.0.1:9092", flinkVersion }) });
        }
  return out;
}

describe.each([
  ["2", "2.2"],
  ["1.20", "1.20"],
] as const)("two bounds on a rowtime plan on Flink %s", (target, flinkVersion) => {
  let validator: ScriptValidator;
  beforeAll(async () => {
    validator = await sharedValidator(target);
  });
  afterAll(async () => {
    await validator?.close();
  });

  it("every pair of comparisons with a literal, joined by AND, OR, or as two filters", async () => {
    const all = scripts(flinkVersion);
    const results = await validator.validateAll(all);
    expect(all.length).toBe(216);
    expect(results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.ok ? "" : r.error}`)).toEqual([]);
  }, 300_000);
});
