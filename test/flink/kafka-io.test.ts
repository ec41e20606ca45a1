import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { consumeUntil, createTopics, produce, readTopics, uncommittedRecords, watchTopics } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { kafkaBootstrap, runId } from "../e2e/support.js";

// kafka-io on the shared test broker: each test its own topics (and consumer groups).
let bootstrap = "";
let admin: Admin;
beforeAll(async () => {
  bootstrap = await kafkaBootstrap();
  admin = new Kafka({ clientId: "kafka-io-test", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
});

const topic = (name: string) => `kafka-io-${runId}-${name}`;

/** Deletes a partition's records before `offset` (its low offset moves there), as retention would. */
async function deleteBefore(t: string, partition: number, offset: number): Promise<void> {
  await admin.fetchTopicMetadata({ topics: [t] }); // the admin client deletes only on topics it has metadata of
  await admin.deleteTopicRecords({ topic: t, partitions: [{ partition, offset: String(offset) }] });
}

describe("kafka-io on a real broker", () => {
  it("createTopics: the partitions and cleanup policy asked for, leaders ready; an existing topic is left as it is", async () => {
    const [orders, totals] = [topic("orders"), topic("totals")];
    await createTopics(bootstrap, [{ name: orders, partitions: 3 }, { name: totals, cleanupPolicy: "compact" }]);
    const meta = await admin.fetchTopicMetadata({ topics: [orders, totals] });
    expect(meta.topics.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader >= 0)]).sort()).toEqual([
      [orders, 3, true],
      [totals, 1, true],
    ]);
    const policy = async (name: string) => {
      const c = await admin.describeConfigs({ resources: [{ type: 2, name, configNames: ["cleanup.policy"] }], includeSynonyms: false });
      return c.resources[0]!.configEntries.find((e) => e.configName === "cleanup.policy")?.configValue;
    };
    expect([await policy(orders), await policy(totals)]).toEqual(["delete", "compact"]);
    // Asked again with other settings: nothing changes (and no error for the existing topic).
    await createTopics(bootstrap, [{ name: orders, partitions: 5, cleanupPolicy: "compact" }]);
    expect((await admin.fetchTopicMetadata({ topics: [orders] })).topics[0]!.partitions.length).toBe(3);
    await createTopics(bootstrap, []);
  });

  it("produce and read back: keys, JSON and text values, tombstones, partitions, timestamps and headers", async () => {
    const t = topic("records");
    await createTopics(bootstrap, [{ name: t, partitions: 2 }]);
    await produce(bootstrap, t, [
      { key: "k1", value: { id: 1, name: "a" }, partition: 0, timestamp: 1_700_000_000_000, headers: { source: "test" } },
      { value: "not json", partition: 1, timestamp: 1_700_000_000_001 },
      { key: "k1", value: null, partition: 0, timestamp: 1_700_000_000_002 },
      { key: null, value: [1, 2], partition: 0, timestamp: 1_700_000_000_003 },
    ]);
    const records = await readTopics(bootstrap, [t]);
    const byPartition = (p: number) => records.filter((r) => r.partition === p).map(({ topic: _, ...r }) => r);
    expect(byPartition(0)).toEqual([
      { partition: 0, offset: "0", key: "k1", value: { id: 1, name: "a" }, text: '{"id":1,"name":"a"}', timestamp: "1700000000000" },
      { partition: 0, offset: "1", key: "k1", value: null, text: null, timestamp: "1700000000002" },
      { partition: 0, offset: "2", key: null, value: [1, 2], text: "[1,2]", timestamp: "1700000000003" },
    ]);
    expect(byPartition(1)).toEqual([{ partition: 1, offset: "0", key: null, value: "not json", text: "not json", timestamp: "1700000000001" }]);
    expect(records.every((r) => r.topic === t)).toBe(true);
  });

  it("readTopics reads what each partition holds now: high minus low offset, after older records were deleted", async () => {
    const t = topic("deleted");
    await createTopics(bootstrap, [{ name: t, partitions: 2 }]);
    await produce(bootstrap, t, [0, 1, 2, 3, 4].map((n) => ({ value: { n }, partition: 0 })).concat([{ value: { n: 5 }, partition: 1 }]));
    await deleteBefore(t, 0, 3);
    const records = await readTopics(bootstrap, [t], 5_000);
    expect(records.map((r) => [r.partition, r.offset, r.value]).sort()).toEqual([
      [0, "3", { n: 3 }],
      [0, "4", { n: 4 }],
      [1, "0", { n: 5 }],
    ]);
  });

  it("topics createTopics made are served at once: their offsets can be read right after it (20 times over)", async () => {
    // Before the fix, a ListOffsets right after createTopics failed about one time in four with
    // NOT_LEADER_FOR_PARTITION: the metadata named a leader that did not serve the partition yet.
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [a, b] = [topic(`fresh-${i}-a`), topic(`fresh-${i}-b`)];
      await createTopics(bootstrap, [{ name: a }, { name: b, partitions: 2 }]);
      await readTopics(bootstrap, [a, b], 1_000).catch((e: Error) => failures.push(`${i}: ${e.message}`));
    }
    expect(failures).toEqual([]);
  });

  it("readTopics of empty topics is empty at once", async () => {
    const [a, b] = [topic("empty-a"), topic("empty-b")];
    await createTopics(bootstrap, [{ name: a }, { name: b, partitions: 2 }]);
    expect(await readTopics(bootstrap, [a, b], 1_000)).toEqual([]);
  });

  it("uncommittedRecords: end offset minus the group's committed offset, from the start where it never committed", async () => {
    const [a, b] = [topic("lag-a"), topic("lag-b")];
    await createTopics(bootstrap, [{ name: a, partitions: 2 }, { name: b }]);
    await produce(bootstrap, a, [
      ...[1, 2, 3, 4].map((n) => ({ value: n, partition: 0 })),
      ...[5, 6].map((n) => ({ value: n, partition: 1 })),
    ]);
    await produce(bootstrap, b, [1, 2, 3].map((n) => ({ value: n })));
    const group = `kafka-io-${runId}-group`;
    await admin.setOffsets({ groupId: group, topic: a, partitions: [{ partition: 0, offset: "3" }] });
    // a: partition 0 has 1 left (4 - 3), partition 1 was never committed: 2; b: never read by the group: 3.
    expect(await uncommittedRecords(bootstrap, [{ group, topic: a }])).toBe(3);
    expect(await uncommittedRecords(bootstrap, [{ group, topic: a }, { group, topic: b }])).toBe(6);
    await deleteBefore(b, 0, 1);
    expect(await uncommittedRecords(bootstrap, [{ group, topic: b }])).toBe(2);
    expect(await uncommittedRecords(bootstrap, [])).toBe(0);
  });

  it("watchTopics: until() resolves once the records arrived, and rejects with what came when they do not", async () => {
    const t = topic("watched");
    await createTopics(bootstrap, [{ name: t }]);
    const seen: unknown[] = [];
    const w = await watchTopics(bootstrap, [t], (r) => seen.push(r.value));
    try {
      await produce(bootstrap, t, [{ key: "a", value: { n: 1 } }, { value: { n: 2 } }]);
      const two = await w.until((rs) => rs.length >= 2, 30_000);
      expect(two.map((r) => r.value)).toEqual([{ n: 1 }, { n: 2 }]);
      expect((await w.until((rs) => rs.length >= 1)).length).toBe(2); // holds already: at once
      let error: unknown = null;
      await w.until((rs) => rs.length >= 3, 500).catch((e: unknown) => (error = e));
      expect(isStreamtError(error) ? { code: error.code, message: error.message } : error).toEqual({
        code: "STREAMT-R008",
        message: `timed out after 500 ms reading ${t}; received 2 record(s):\n${t} a {"n":1}\n${t}  {"n":2}`,
      });
      expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await w.stop();
      await w.stop();
    }
  });

  it("consumeUntil reads until the predicate holds", async () => {
    const t = topic("until");
    await createTopics(bootstrap, [{ name: t }]);
    await produce(bootstrap, t, [{ value: 1 }, { value: 2 }, { value: 3 }]);
    const records = await consumeUntil(bootstrap, [t], (rs) => rs.some((r) => r.value === 3), 30_000);
    expect(records.map((r) => r.value)).toEqual([1, 2, 3]);
  });
}, 180_000);
