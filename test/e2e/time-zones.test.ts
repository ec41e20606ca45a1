/**
 * A filter on a TIMESTAMP_LTZ column against a Date means the same instant on every cluster: the SDK
 * writes it as epoch milliseconds (TO_TIMESTAMP_LTZ), not as a TIMESTAMP literal Flink would read in the
 * session's time zone. Run on a MiniCluster whose JVM is in Asia/Tokyo (the bug kept a row from 09:00Z).
 */
import { afterAll, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { emitPipelineSql } from "../../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import { startLocalJob, type LocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { createTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { complete, events, kafkaBootstrap, runId, send, watch } from "./support.js";

const topic = (name: string) => `e2e.tz.${name}.${runId}`;
const jobs: LocalJob[] = [];
afterAll(async () => {
  await Promise.all(jobs.map((j) => j.stop()));
});

it("a Date compared with a TIMESTAMP_LTZ column selects the same rows in any session time zone", async () => {
  const Seen = t.row({ id: t.string(), at: t.timestampLtz(3) });
  const late = source("tz_in", { topic: topic("in"), schema: Seen }).filter((o) => o.at.ge(new Date(Date.UTC(2024, 0, 1, 10))));
  const p = pipeline(`e2e-tz-${runId}`, { parallelism: 1 }).write(late.toKafka(topic("out")));
  const bootstrap = await kafkaBootstrap();
  await createTopics(bootstrap, [{ name: topic("in") }, { name: topic("out") }]);
  const out = await watch(topic("out"));
  const job = await startLocalJob({ name: p.definition.name, script: emitPipelineSql(p.definition, { bootstrapServers: bootstrap }), jvmArgs: ["-Xmx1g", "-Duser.timezone=Asia/Tokyo"] });
  jobs.push(job);
  await job.submitted;
  await send(topic("in"), events([
    { id: "early", at: "2024-01-01T09:00:00Z" },
    { id: "exact", at: "2024-01-01T10:00:00Z" },
    { id: "late", at: "2024-01-01T11:00:00Z" },
  ]));
  const rows = await complete(out, (r) => r.length >= 2);
  expect(rows.map((r) => (r.value as { id: string }).id)).toEqual(["exact", "late"]);
}, 180_000);
