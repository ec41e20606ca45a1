import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { ResolvedEnvironment } from "../../packages/streamt-sdk/src/deploy/config.js";
import { destroyDeploy } from "../../packages/streamt-sdk/src/deploy/deploy.js";
import type { TopicEntry } from "../../packages/streamt-sdk/src/synth/topics.js";
import { kafkaBootstrap, runId } from "../e2e/support.js";
import { fakeEndpoint } from "../fake-endpoint.js";

const topic = (name: string) => `destroy-${runId}-${name}`;
const entry = (name: string): TopicEntry => ({ name, partitions: null, replicationFactor: null, cleanupPolicy: "delete", key: null, format: "json", readBy: [], writtenBy: ["orders-copy"] });

// The topic half of destroy on the shared test broker; Flink's REST API answers that no job runs
// (destroy with jobs on a real cluster: test/e2e/deploy*.test.ts).
describe("destroyDeploy --delete-topics on a real broker", () => {
  it("deletes the project's topics the cluster has, sorted, and says which; another's topic and a missing one are left", async () => {
    const bootstrap = await kafkaBootstrap();
    const admin = new Kafka({ clientId: "destroy-test", brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    const rest = await fakeEndpoint((request) => (request === "GET /jobs/overview" ? { jobs: [] } : { status: 404, json: { errors: [`no ${request}`] } }));
    try {
      await admin.connect();
      const [copy, orders, others, missing] = [topic("orders.copy"), topic("orders"), topic("clicks"), topic("payments")];
      await admin.createTopics({ topics: [copy, others, orders].map((t) => ({ topic: t })), waitForLeaders: true });
      const env: ResolvedEnvironment = { name: "staging", kafka: { bootstrapServers: bootstrap, properties: {} }, flink: { restUrl: rest.url, sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null }, protected: false, kubernetes: null };
      const done: string[] = [];
      await destroyDeploy({ env, project: "shop", pipelines: [], topics: [entry(copy), entry(missing), entry(orders)], kafkaProperties: {} }, { deleteTopics: true, done: (l) => done.push(l) });
      expect(done).toEqual(["no job of this project runs on 'staging'", `deleted topics ${orders}, ${copy}`]);
      expect((await admin.listTopics()).filter((t) => t.startsWith(topic(""))).sort()).toEqual([others]);
      // Again: none of them is left, and nothing is asked of Kafka.
      const again: string[] = [];
      await destroyDeploy({ env, project: "shop", pipelines: [], topics: [entry(copy), entry(missing), entry(orders)], kafkaProperties: {} }, { deleteTopics: true, done: (l) => again.push(l) });
      expect(again).toEqual(["no job of this project runs on 'staging'", "no topic to delete"]);
    } finally {
      await admin.disconnect();
      await rest.close();
    }
  });
});
