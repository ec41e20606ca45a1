import type { TestProject } from "vitest/node";
import { buildRunner } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { startLocalKafka } from "../../packages/streamt-sdk/src/runtime/local-kafka.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** host:port of the one broker every e2e test shares (unique topic names per test). */
    kafkaBootstrap: string;
  }
}

/**
 * Starts the shared Kafka broker once for the whole e2e run, and builds the Flink runner targets the
 * tests use (the first use downloads them through Maven; later runs are no-ops).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = (line: string) => process.stderr.write(`[flink-runner] ${line}\n`);
  const [kafka] = await Promise.all([startLocalKafka({ progress }), buildRunner("2", progress)]);
  project.provide("kafkaBootstrap", kafka.bootstrap);
  return () => kafka.stop();
}
