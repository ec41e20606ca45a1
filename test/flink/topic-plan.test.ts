import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedEnvironment } from "../../packages/streamt-sdk/src/deploy/config.js";
import { applyTopics, planTopics, type TopicChange } from "../../packages/streamt-sdk/src/deploy/topic-plan.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import type { TopicEntry } from "../../packages/streamt-sdk/src/synth/topics.js";
import { kafkaBootstrap, runId } from "../e2e/support.js";

// plan's and apply's topic half on the shared test broker: each test its own topics.
let env: ResolvedEnvironment;
let admin: Admin;
beforeAll(async () => {
  const bootstrap = await kafkaBootstrap();
  env = { name: "staging", kafka: { bootstrapServers: bootstrap, properties: {} }, flink: { restUrl: "http://flink:8081", sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null }, protected: false, kubernetes: null };
  admin = new Kafka({ clientId: "topic-plan-test", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
});

const topic = (name: string) => `topic-plan-${runId}-${name}`;
const entry = (name: string, cleanupPolicy: "delete" | "compact", partitions: number | null = null, replicationFactor: number | null = null): TopicEntry => ({ name, partitions, replicationFactor, cleanupPolicy, key: null, format: "json", readBy: [], writtenBy: ["p"] });

/** The settings a topic overrides (configSource 1: DYNAMIC_TOPIC_CONFIG), sorted by name. */
async function overrides(name: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name }] });
  const own = (described.resources[0]?.configEntries ?? []).filter((e) => e.configSource === 1).map((e): [string, string] => [e.configName, e.configValue]);
  return Object.fromEntries(own.sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe("planTopics and applyTopics on a real broker", () => {
  it("plan: a missing topic is created; a topic whose cleanup policy differs is altered, one as wanted is unchanged", async () => {
    const [missing, other, same] = [topic("missing"), topic("other-policy"), topic("same-policy")];
    await admin.createTopics({ topics: [{ topic: other, numPartitions: 2 }, { topic: same, numPartitions: 1, configEntries: [{ name: "cleanup.policy", value: "compact" }] }] });
    const plan = await planTopics(env, {}, [entry(same, "compact"), entry(missing, "delete", 3), entry(other, "compact", 2)]);
    expect(plan).toEqual([
      { topic: missing, action: "create", partitions: { live: null, wanted: 3 }, config: [{ name: "cleanup.policy", live: null, wanted: "delete" }] },
      { topic: other, action: "alter", partitions: { live: 2, wanted: 2 }, config: [{ name: "cleanup.policy", live: "delete", wanted: "compact" }] },
      { topic: same, action: "unchanged", partitions: { live: 1, wanted: null }, config: [] },
    ]);
  });

  it("apply: altering the cleanup policy keeps the topic's other overrides, and adds no setting of its own", async () => {
    const t = topic("alter");
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1, configEntries: [{ name: "retention.ms", value: "3600000" }] }] });
    expect(await overrides(t)).toEqual({ "retention.ms": "3600000" });
    const topics = [entry(t, "compact")];
    const plan = await planTopics(env, {}, topics);
    const done: string[] = [];
    await applyTopics(env, {}, topics, plan, (line) => done.push(line));
    expect(done).toEqual([`topic ${t}: cleanup.policy delete -> compact`]);
    expect(await overrides(t)).toEqual({ "cleanup.policy": "compact", "retention.ms": "3600000" });
    expect(await planTopics(env, {}, topics)).toEqual([{ topic: t, action: "unchanged", partitions: { live: 1, wanted: null }, config: [] }]);
  });

  it("apply: missing topics are created with their partitions and cleanup policy, each said in one line, with a leader for every partition when it returns", async () => {
    const [one, three] = [topic("create-one"), topic("create-three")];
    const topics = [entry(one, "compact"), entry(three, "delete", 3)];
    const plan = await planTopics(env, {}, topics);
    expect(plan.map((c) => c.action)).toEqual(["create", "create"]);
    const done: string[] = [];
    await applyTopics(env, {}, topics, plan, (line) => done.push(line));
    expect(done).toEqual([`created topic ${one} (1 partition)`, `created topic ${three} (3 partitions)`]);
    const metadata = await admin.fetchTopicMetadata({ topics: [one, three] });
    expect(metadata.topics.map((m) => [m.name, m.partitions.length, m.partitions.every((p) => p.leader >= 0)]).sort()).toEqual([[one, 1, true], [three, 3, true]].sort());
    expect(await overrides(one)).toEqual({ "cleanup.policy": "compact" });
    expect(await overrides(three)).toEqual({ "cleanup.policy": "delete" });
  });

  it("plan and apply: a topic with fewer partitions than declared (its cleanup policy as wanted) is altered, and then has the declared count", async () => {
    const t = topic("grow");
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const topics = [entry(t, "delete", 3)];
    const plan = await planTopics(env, {}, topics);
    expect(plan).toEqual([{ topic: t, action: "alter", partitions: { live: 1, wanted: 3 }, config: [] }]);
    const done: string[] = [];
    await applyTopics(env, {}, topics, plan, (line) => done.push(line));
    expect(done).toEqual([`topic ${t}: partitions 1 -> 3`]);
    const metadata = await admin.fetchTopicMetadata({ topics: [t] });
    expect(metadata.topics.map((m) => [m.name, m.partitions.length])).toEqual([[t, 3]]);
    expect(await planTopics(env, {}, topics)).toEqual([{ topic: t, action: "unchanged", partitions: { live: 3, wanted: 3 }, config: [] }]);
  });

  it("apply: a change Kafka refuses is STREAMT-R018 naming the change, the topic and Kafka's reason (a refused creation: the reason kafkajs aggregates)", async () => {
    const t = topic("refused");
    const topics = [entry(t, "delete", 1, 3)];
    const plan: TopicChange[] = await planTopics(env, {}, topics);
    const e = await applyTopics(env, {}, topics, plan, () => {}).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    expect([e.code, e.message, e.hint]).toEqual([
      "STREAMT-R018",
      `Kafka refused to create topic ${t}: Topic creation errors (Replication-factor is invalid)`,
      "check the deploying account's ACLs (create, alter, alter-configs on the topic) and the broker's limits; nothing after this topic was changed",
    ]);
  });
});
