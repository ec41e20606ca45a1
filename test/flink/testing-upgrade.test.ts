/**
 * testUpgrade on the engine (the flink project's shared broker and warm Flink JVM): each job is stopped
 * with its savepoint only once its sources have committed the end of their input (testing/upgrade-run.ts),
 * so every record given before and after the savepoint is counted, however many there are.
 */
import { describe, it } from "vitest";
import { count, pipeline, source, t } from "streamt-sdk";
import { testUpgrade } from "streamt-sdk/testing";
import { runId } from "../e2e/support.js";

const Click = t.row({ k: t.string() });
const clicks = source("clicks", { topic: `testing-upgrade.clicks.${runId}`, schema: Click });
const perKey = clicks.groupBy("k").aggregate({ n: count() }, { ttl: "1d" }).toUpsertKafka(`testing-upgrade.per-key.${runId}`, { key: ["k"] });
const counts = pipeline("click-counts").write(perKey);

// Enough records that a job stopped as soon as it runs would not have read them all: a Kafka source reads
// them over many polls, and the savepoint's barrier passes between them (kept small: one produce request).
const MANY = 20_000;

describe("testUpgrade on the engine", { timeout: 480_000 }, () => {
  it("counts every record of both stages: each job reads all its input before it is stopped", async () => {
    await testUpgrade(counts, counts, { timeout: "4m" })
      .given(clicks, [{ k: "a" }, { k: "b" }])
      .savepoint()
      .given(clicks, Array.from({ length: MANY }, (_, i) => ({ k: i % 2 === 0 ? "a" : "b" })))
      .expect(perKey, [
        { k: "a", n: 1 + MANY / 2 },
        { k: "b", n: 1 + MANY / 2 },
      ]);
  });
});
