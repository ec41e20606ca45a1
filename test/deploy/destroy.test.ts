import { describe, expect, it, vi } from "vitest";
import type { ResolvedEnvironment } from "../../packages/streamt-sdk/src/deploy/config.js";
import { destroyDeploy } from "../../packages/streamt-sdk/src/deploy/deploy.js";
import type { TopicEntry } from "../../packages/streamt-sdk/src/synth/topics.js";
import { fakeEndpoint } from "../fake-endpoint.js";

/**
 * The Kafka cluster as kafkajs's admin client sees it: the topics it lists, and each deleteTopics asked of
 * it. Stands in for a broker (destroy against a real one: test/e2e/deploy*.test.ts).
 */
const cluster = vi.hoisted(() => ({ topics: [] as string[], deleted: [] as unknown[] }));
vi.mock("kafkajs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("kafkajs")>()),
  Kafka: class {
    admin() {
      return {
        connect: async () => {},
        disconnect: async () => {},
        listTopics: async () => cluster.topics,
        deleteTopics: async (request: unknown) => void cluster.deleted.push(request),
      };
    }
  },
}));

const topic = (name: string): TopicEntry => ({ name, partitions: null, replicationFactor: null, cleanupPolicy: "delete", key: null, format: "json", readBy: [], writtenBy: ["orders-copy"] });

describe("destroyDeploy --delete-topics", () => {
  it("deletes the project's topics the cluster has, by name and sorted, and says which; others' topics and missing ones are left", async () => {
    const rest = await fakeEndpoint((request) => (request === "GET /jobs/overview" ? { jobs: [] } : { status: 404, json: { errors: [`no ${request}`] } }));
    try {
      const env: ResolvedEnvironment = { name: "staging", kafka: { bootstrapServers: "kafka:9092", properties: {} }, flink: { restUrl: rest.url, sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null }, protected: false, kubernetes: null };
      cluster.topics = ["orders.copy", "clicks", "orders"];
      const done: string[] = [];
      await destroyDeploy({ env, project: "shop", pipelines: [], topics: [topic("orders.copy"), topic("payments"), topic("orders")], kafkaProperties: {} }, { deleteTopics: true, done: (l) => done.push(l) });
      expect(cluster.deleted).toEqual([{ topics: ["orders", "orders.copy"], timeout: 30_000 }]);
      expect(done).toEqual(["no job of this project runs on 'staging'", "deleted topics orders, orders.copy"]);
    } finally {
      await rest.close();
    }
  });
});
