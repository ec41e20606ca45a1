/**
 * Flink's planner on the functions of issue 15 (hashes, time arithmetic, JSON construction, a declared
 * built-in, STDDEV/VAR/LISTAGG/ARRAY_AGG and aggregates over expressions), on Flink 2.2 and 1.20: every
 * script plans, and every view's columns are the types the plan gives them. Flink types the hashes
 * CHAR(n) / VARCHAR(n), which the plan writes STRING (a STRING sink column takes them as they are).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  arrayAgg,
  avg,
  count,
  fn,
  jsonObject,
  jsonString,
  listagg,
  max,
  pipeline,
  source,
  stddevPop,
  stddevSamp,
  sum,
  t,
  timestampDiff,
  varPop,
  varSamp,
} from "streamt-sdk";
import { sharedValidator, type ScriptValidator } from "./shared-validator.js";
import { formatType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { topologicalOrder } from "../../packages/streamt-sdk/src/ir/plan-node.js";
import { tableName } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { scriptOf } from "../helpers.js";

const Row = t.row({
  k: t.string(),
  s: t.string(),
  note: t.string().nullable(),
  n: t.int(),
  big: t.bigint(),
  maybe: t.int().nullable(),
  price: t.decimal(10, 2),
  ratio: t.double(),
  flag: t.boolean(),
  day: t.date(),
  at: t.timestamp(3),
  ltz: t.timestampLtz(3),
  ts: t.timestamp(3),
});
const rows = source("rows", { topic: "rows", schema: Row }).eventTime("ts").watermark("1s");
const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });
const power = fn("POWER", { args: [t.double(), t.double()], returns: t.double() });

const scalars = rows
  .select((o) => ({
    md5: o.s.md5(),
    md5_null: o.note.md5(),
    sha1: o.s.sha1(),
    sha256: o.s.sha256(),
    sha2_512: o.note.sha2(512),
    diff_minutes: timestampDiff("MINUTE", o.at, o.ts),
    diff_days: timestampDiff("DAY", o.day, o.at),
    diff_ltz: timestampDiff("HOUR", o.ltz, o.ltz),
    diff_months: timestampDiff("MONTH", o.at, o.ts),
    diff_years_date: timestampDiff("YEAR", o.day, o.at),
    ts_plus: o.ts.plus("90m"),
    at_minus: o.at.minus("1d"),
    ltz_plus: o.ltz.plus("0.5s"),
    day_plus: o.day.plus("2d"),
    day_minus_col: o.day.minus(o.n, "DAY"),
    at_months: o.at.plus(3, "MONTH"),
    ltz_years: o.ltz.minus(o.maybe, "YEAR"),
    row_json: jsonObject(o),
    error_json: jsonObject({ k: o.k, note: o.note, reason: "bad", nested: jsonObject({ n: o.n }) }, { onNull: "absent" }),
    note_json: jsonString(o.note),
    price_json: jsonString(o.price),
    extracted: regexpExtract(o.s, "a(.*)", 1),
    squared: power(o.ratio, 2),
  }))
  .as("scalars");

const windowed = rows
  .tumble("1m")
  .groupBy("k")
  .aggregate((o) => ({
    revenue: sum(o.price.mul(o.n)),
    mean_double: avg(o.n.cast(t.double())),
    sd_pop: stddevPop("n"),
    sd_samp: stddevSamp(o.price),
    var_pop: varPop(o.ratio),
    var_samp: varSamp("big"),
    names: listagg("s"),
    notes: listagg(o.note, "; "),
    ns: arrayAgg("n"),
    maybes: arrayAgg("maybe"),
    longest: max(o.s.length()),
    n: count(),
  }))
  .as("windowed");

const grouped = rows
  .groupBy("k")
  .aggregate((o) => ({ var_samp: varSamp(o.maybe), names: listagg(o.s.upper(), ","), amounts: sum(o.price.mul(o.n)), sd: stddevSamp("ratio") }), { ttl: "1d" })
  .as("grouped");

const p = pipeline("functions").write(scalars.toKafka("scalars"), windowed.toKafka("windowed"), grouped.toUpsertKafka("grouped", { key: ["k"] }));

/** Every step's view with its columns as the plan types them, as Flink's planner prints them. */
function plannedViews(): Record<string, string[]> {
  const views: Record<string, string[]> = {};
  for (const n of topologicalOrder(p.definition.sinks)) {
    if (n.kind === "sink" || n.kind === "source") continue;
    views[tableName(n.path)] = n.schema.map((c) => `${c.name} ${formatType(c.type)}${c.time === "rowtime" ? " *ROWTIME*" : ""}`);
  }
  return views;
}

const asString = (column: string) => column.replace(/ (VAR)?CHAR\(\d+\)/, " STRING");

for (const [flinkVersion, target] of [["2.2", "2"], ["1.20", "1.20"]] as const) {
  describe(`issue 15's functions on Flink ${flinkVersion}`, () => {
    let validator: ScriptValidator;
    beforeAll(async () => {
      validator = await sharedValidator(target);
    }, 300_000);
    afterAll(async () => validator?.close());

    it("plan, with every view's columns as the plan types them", async () => {
      const r = await validator.validate("functions", scriptOf(p, flinkVersion), { viewSchemas: true });
      expect(r.ok, r.ok ? "" : `${r.error}\n${r.statement}`).toBe(true);
      if (!r.ok) return;
      expect(r.viewSchemas?.["rows__scalars"]?.slice(0, 5)).toEqual(["md5 CHAR(32) NOT NULL", "md5_null CHAR(32)", "sha1 CHAR(40) NOT NULL", "sha256 CHAR(64) NOT NULL", "sha2_512 VARCHAR(128)"]);
      const planned = plannedViews();
      expect(Object.keys(planned)).toEqual(["rows__scalars", "rows__windowed", "rows__grouped"]);
      expect(Object.fromEntries(Object.keys(planned).map((v) => [v, r.viewSchemas?.[v]?.map(asString)]))).toEqual(planned);
    }, 120_000);
  });
}
