import type { Admin } from "kafkajs";
import { describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import type { ResolvedEnvironment } from "../../packages/streamt-sdk/src/deploy/config.js";
import { applyTopics, awaitLeaders, kafkaClientConfig, planTopics } from "../../packages/streamt-sdk/src/deploy/topic-plan.js";

// planTopics and applyTopics against a real broker: test/flink/topic-plan.test.ts.
describe("kafkaClientConfig: the deploy admin client's settings from an environment's Kafka properties", () => {
  const BASE = { clientId: "streamt-sdk-deploy", brokers: ["k1:9092", "k2:9092"], logLevel: 0, retry: { retries: 5, initialRetryTime: 200 }, connectionTimeout: 10_000, requestTimeout: 60_000 };

  it("plaintext: the brokers only", () => {
    expect(kafkaClientConfig("k1:9092,k2:9092", {})).toEqual(BASE);
  });

  it("SASL: the mechanism, and the username and password of sasl.jaas.config, whole", () => {
    const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="deployer" password="s3cr3t-pw";';
    expect(kafkaClientConfig("k1:9092,k2:9092", { "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": jaas })).toEqual({
      ...BASE,
      ssl: true,
      sasl: { mechanism: "scram-sha-512", username: "deployer", password: "s3cr3t-pw" },
    });
    expect(kafkaClientConfig("k1:9092,k2:9092", { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-256", "sasl.jaas.config": jaas })).toEqual({
      ...BASE,
      sasl: { mechanism: "scram-sha-256", username: "deployer", password: "s3cr3t-pw" },
    });
    // An empty username is one too (the broker decides).
    expect(kafkaClientConfig("k1:9092,k2:9092", { "security.protocol": "SASL_PLAINTEXT", "sasl.jaas.config": 'x required username="" password="p";' })).toEqual({ ...BASE, sasl: { mechanism: "plain", username: "", password: "p" } });
  });

  it("SASL without a username in sasl.jaas.config, or another mechanism, is refused", () => {
    const cases: Record<string, string>[] = [{ "security.protocol": "SASL_SSL", "sasl.jaas.config": 'x required password="p";' }, { "security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI", "sasl.jaas.config": 'x required username="u" password="p";' }];
    for (const properties of cases) {
      let error: unknown = null;
      try {
        kafkaClientConfig("k1:9092", properties);
      } catch (e) {
        error = e;
      }
      if (!isStreamtError(error)) throw new Error("expected a StreamtError");
      expect([error.code, error.message]).toEqual([
        "STREAMT-R018",
        `the SDK's Kafka admin client supports SASL PLAIN and SCRAM-SHA-256/512 with sasl.jaas.config holding username="..." password="..."; this environment sets sasl.mechanism=${properties["sasl.mechanism"] ?? "(none)"}`,
      ]);
    }
  });
});

describe("planTopics: a Kafka cluster that does not answer", () => {
  it("on an environment other than dev is STREAMT-R017 naming the environment and its brokers, with the hint to check its config", async () => {
    const env: ResolvedEnvironment = { name: "staging", kafka: { bootstrapServers: "127.0.0.1:1", properties: {} }, flink: { restUrl: "http://127.0.0.1:1", sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null }, protected: false, kubernetes: null };
    const e = await planTopics(env, {}, [{ name: "t", partitions: null, replicationFactor: null, cleanupPolicy: "delete", key: null, format: "json", readBy: [], writtenBy: ["p"] }]).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    expect([e.code, e.message, e.hint]).toEqual([
      "STREAMT-R017",
      "the Kafka cluster of environment 'staging' (127.0.0.1:1) did not answer: Connection error: connect ECONNREFUSED 127.0.0.1:1",
      "check kafka.bootstrapServers of 'staging' in streamt.config.ts and that this machine reaches it",
    ]);
  }, 60_000);
});

describe("applyTopics with nothing to create or alter", () => {
  it("does not connect to Kafka at all: an unreachable cluster is no error, and nothing is said", async () => {
    const env: ResolvedEnvironment = { name: "staging", kafka: { bootstrapServers: "127.0.0.1:1", properties: {} }, flink: { restUrl: "http://127.0.0.1:1", sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null }, protected: false, kubernetes: null };
    const topic = { name: "t", partitions: null, replicationFactor: null, cleanupPolicy: "delete" as const, key: null, format: "json" as const, readBy: [], writtenBy: ["p"] };
    const done: string[] = [];
    await applyTopics(env, {}, [topic], [{ topic: "t", action: "unchanged", partitions: { live: 1, wanted: null }, config: [] }], (line) => done.push(line));
    expect(done).toEqual([]);
  });
});

describe("awaitLeaders: a new topic is ready once every partition has a leader", () => {
  it("asks again while the broker does not know the topic (an error, or no partitions) or a partition has no leader (-1)", async () => {
    const replies: (() => Promise<unknown>)[] = [
      () => Promise.reject(new Error("This server does not host this topic-partition")),
      async () => ({ topics: [] }),
      async () => ({ topics: [{ name: "orders", partitions: [] }] }),
      async () => ({ topics: [{ name: "orders", partitions: [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: -1 }] }] }),
      async () => ({ topics: [{ name: "orders", partitions: [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 0 }] }] }),
    ];
    const asked: unknown[] = [];
    // The one call awaitLeaders makes of the admin client: the topic's metadata, answered in turn.
    const admin = { fetchTopicMetadata: (request: unknown) => (asked.push(request), replies.shift()!()) } as unknown as Admin;
    await awaitLeaders(admin, "orders");
    expect(asked).toEqual(Array.from({ length: 5 }, () => ({ topics: ["orders"] })));
  });
});
