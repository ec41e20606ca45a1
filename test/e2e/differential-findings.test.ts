/**
 * The findings of the differential test from D9 on (see differential.test.ts), each as the smallest
 * pipeline, run on the engine with exact records: on Flink 2.2 and on 1.20, one job per version (a
 * statement set of every case, each on its own topics). Windows fire when the far-future event every
 * source gets last moves the watermark past them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import type { LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import type { TopicWatcher } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { at, runId, send, sorted, startPipeline, valuesAfter, watch } from "./support.js";

const Ev = t.row({ k: t.string(), s: t.string().nullable(), m: t.int().nullable(), ts: t.timestamp(3) });
type Row = { readonly k: string; readonly s?: string | null; readonly m?: number | null; readonly ts: string };
const FLUSH: Row = { k: "zz", s: "zz", m: 0, ts: at("12:00") };

/* eslint-disable @typescript-eslint/no-explicit-any -- each case's source, built per Flink version */
interface Case {
  readonly name: string;
  /** The records of each source of the case (most have one, `in`). */
  readonly inputs: Readonly<Record<string, readonly Row[]>>;
  /** The stream the case writes, from its sources by name. */
  readonly build: (src: (side: string) => any) => any;
  /** Every row the sink must hold once the flush event went through, in any order. */
  readonly rows: readonly Record<string, unknown>[];
}

const CASES: readonly Case[] = [
  // D9: a session window grouped by two columns (SESSION(... PARTITION BY (k, s), ...)); a row exactly
  // one gap after the last row of its session (10:00:15 after 10:00:05) extends it.
  {
    name: "d9",
    inputs: {
      in: [
        { k: "a", s: "x", ts: at("10:00:00") },
        { k: "a", s: "x", ts: at("10:00:05") },
        { k: "a", s: "y", ts: at("10:00:07") },
        { k: "b", s: "x", ts: at("10:00:10") },
        { k: "a", s: "x", ts: at("10:00:15") },
        { k: "a", s: "x", ts: at("10:00:40") },
      ],
    },
    build: (src) =>
      src("in")
        .session("10s")
        .groupBy("k", "s")
        .aggregate({ n: count() })
        .select((o: any) => ({ window_start: o.window_start, window_end: o.window_end, k: o.k, s: o.s, n: o.n })),
    rows: [
      { window_start: at("10:00:00"), window_end: at("10:00:25"), k: "a", s: "x", n: 3 },
      { window_start: at("10:00:07"), window_end: at("10:00:17"), k: "a", s: "y", n: 1 },
      { window_start: at("10:00:10"), window_end: at("10:00:20"), k: "b", s: "x", n: 1 },
      { window_start: at("10:00:40"), window_end: at("10:00:50"), k: "a", s: "x", n: 1 },
    ],
  },
  // D10: an outer window join reading the event time (and window_time) of the side it pads: the job
  // failed on the padded row's NULL rowtime ("TimestampData.getMillisecond() ... is null").
  {
    name: "d10",
    inputs: { l: [{ k: "a", ts: at("10:00:01") }], r: [{ k: "a", ts: at("10:00:02") }, { k: "b", ts: at("10:00:03") }] },
    build: (src) =>
      src("l")
        .tumble("10s")
        .join(src("r").tumble("10s"), { on: { k: "k" }, type: "right", select: (l: any, r: any) => ({ lk: l.k, lts: l.ts, lwt: l.window_time, rk: r.k, rts: r.ts }) }),
    rows: [
      { lk: "a", lts: at("10:00:01"), lwt: at("10:00:09.999"), rk: "a", rts: at("10:00:02") },
      { lk: null, lts: null, lwt: null, rk: "b", rts: at("10:00:03") },
    ],
  },
];

describe.each(["2.2", "1.20"])("differential test findings on Flink %s, exact records", (version) => {
  const tag = version.replace(".", "");
  const topic = (name: string) => `e2e.df.${tag}.${name}.${runId}`;
  const sinks = CASES.map((c) =>
    c.build((side) => source(`${c.name}_${side}_${tag}`, { topic: topic(`${c.name}_${side}`), schema: Ev }).eventTime("ts").watermark("1s")).toKafka(topic(`${c.name}_out`)),
  );
  let job: LocalJob;
  const watchers = new Map<string, TopicWatcher>();

  beforeAll(async () => {
    const inputs = CASES.flatMap((c) => Object.entries(c.inputs).map(([side, rows]) => [topic(`${c.name}_${side}`), [...rows, FLUSH]] as const));
    const outputs = CASES.map((c) => topic(`${c.name}_out`));
    job = await startPipeline(pipeline(`e2e-diff-findings-${tag}-${runId}`, { parallelism: 1 }).write(...sinks), [...inputs.map(([name]) => name), ...outputs].map((name) => ({ name })), { flinkVersion: version });
    for (const c of CASES) watchers.set(c.name, await watch(topic(`${c.name}_out`)));
    for (const [name, rows] of inputs) await send(name, rows.map((value) => ({ value, partition: 0 })));
  }, 180_000);

  afterAll(async () => {
    for (const w of watchers.values()) await w.stop();
    await job?.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const values = await valuesAfter(watchers.get(c.name)!, c.rows.length);
    expect(sorted(values)).toEqual(sorted(c.rows));
  }, 90_000);
});
