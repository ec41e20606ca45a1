/**
 * The SQL written for findings D9 and D10 of the differential test (test/e2e/differential.test.ts);
 * test/e2e/differential-findings.test.ts runs both on Flink 2.2 and 1.20 with exact records.
 */
import { describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";

const Ev = t.row({ k: t.string(), s: t.string().nullable(), ts: t.timestamp(3) });
const src = (name: string) => source(name, { topic: `${name}.v1`, schema: Ev }).eventTime("ts").watermark("1s");
/** The query of the view a step writes, by the view's name. */
const view = (sink: unknown, name: string): string => {
  const script = emitPipelineSql(pipeline("p", { parallelism: 1 }).write(sink as never).definition, { bootstrapServers: "b", flinkVersion: "2.2" });
  const start = script.indexOf(`CREATE TEMPORARY VIEW \`${name}\` AS\n`);
  return script.slice(start, script.indexOf(";", start));
};

describe("SQL of the differential test's findings", () => {
  it("D9: a session window of several keys is the group window SESSION(ts, gap)", () => {
    expect(view(src("in").session("10s").groupBy("k", "s").aggregate({ n: count() }).toKafka("out"), "in__session")).toBe(
      "CREATE TEMPORARY VIEW `in__session` AS\n" +
        "SELECT SESSION_START(`ts`, INTERVAL '10' SECOND) AS `window_start`, SESSION_END(`ts`, INTERVAL '10' SECOND) AS `window_end`, `k`, `s`, SESSION_ROWTIME(`ts`, INTERVAL '10' SECOND) AS `window_time`, COUNT(*) AS `n`\n" +
        "FROM `in`\nGROUP BY SESSION(`ts`, INTERVAL '10' SECOND), `k`, `s`",
    );
  });

  it("D10: a window join reads each side's event time and window_time as plain timestamps", () => {
    const joined = src("l")
      .tumble("10s")
      .join(src("r").tumble("10s"), { on: { k: "k" }, type: "right", select: (l, r) => ({ lk: l.k, lts: l.ts, lwt: l.window_time, rk: r.k, rts: r.ts }) });
    expect(view(joined.toKafka("out"), "l__tumble_join").split("\n")[1]).toBe(
      "SELECT `l`.`k` AS `lk`, CAST(`l`.`ts` AS TIMESTAMP(3)) AS `lts`, CAST(`l`.`window_time` AS TIMESTAMP(3)) AS `lwt`, `r`.`k` AS `rk`, CAST(`r`.`ts` AS TIMESTAMP(3)) AS `rts`",
    );
  });

  it("D10: each side's event time is cast to its own type, found by its own name (a TIMESTAMP side joined with a TIMESTAMP_LTZ side)", () => {
    const Pay = t.row({ k: t.string(), ts: t.timestamp(3), paid_at: t.timestampLtz(3) });
    const payments = source("r", { topic: "r.v1", schema: Pay }).eventTime("paid_at").watermark("1s");
    const joined = src("l")
      .tumble("10s")
      .join(payments.tumble("10s"), { on: { k: "k" }, select: (l, r) => ({ lts: l.ts, lwt: l.window_time, rts: r.ts, rpaid: r.paid_at, rwt: r.window_time }) });
    // r.ts is not the right side's event time (paid_at is): it is read as it is, as l.ts would be if it were not the left's.
    expect(view(joined.toKafka("out"), "l__tumble_join").split("\n")[1]).toBe(
      "SELECT CAST(`l`.`ts` AS TIMESTAMP(3)) AS `lts`, CAST(`l`.`window_time` AS TIMESTAMP(3)) AS `lwt`, `r`.`ts` AS `rts`, CAST(`r`.`paid_at` AS TIMESTAMP_LTZ(3)) AS `rpaid`, CAST(`r`.`window_time` AS TIMESTAMP_LTZ(3)) AS `rwt`",
    );
  });
});
