import type { TestProject } from "vitest/node";
import { buildRunner } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { startLocalKafka } from "../../packages/streamt-sdk/src/runtime/local-kafka.js";
import { shareJobServer } from "../../packages/streamt-sdk/src/runtime/job-server.js";
import { JOB_SERVER_ENV, KAFKA_ENV } from "../../packages/streamt-sdk/src/testing/engine.js";
import { shareValidators, VALIDATORS_ENV } from "../flink/shared-validator.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** host:port of the one broker every e2e test shares (unique topic names per test). */
    kafkaBootstrap: string;
  }
}

/**
 * Starts the shared Kafka broker once for the whole e2e run, and builds the Flink runner targets the
 * tests use (the first use downloads them through Maven; later runs are no-ops). Shares one warm job
 * server and one planner validator per Flink target with the test files (each started by its first use).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = (line: string) => process.stderr.write(`[flink-runner] ${line}\n`);
  const [kafka] = await Promise.all([startLocalKafka({ progress }), buildRunner("2", progress)]);
  project.provide("kafkaBootstrap", kafka.bootstrap);
  // What streamt-sdk/testing reads (its own global setup sets them for users): the same broker, and one
  // warm Flink JVM for the pipeline tests (started by the first test job).
  const jobs = await shareJobServer("2", { progress });
  process.env[KAFKA_ENV] = kafka.bootstrap;
  process.env[JOB_SERVER_ENV] = jobs.address;
  // One planner validator JVM per Flink target for every file that validates scripts (started by the first).
  const validators = await shareValidators();
  process.env[VALIDATORS_ENV] = validators.address;
  return async () => {
    await Promise.all([jobs.close(), kafka.stop(), validators.close()]);
  };
}
