/**
 * A vitest globalSetup for pipeline tests: starts one local Kafka broker and one warm Flink JVM (the
 * job server, on the first test's job) for the whole test run, and tells every test worker where they are. In vitest.config.ts:
 *
 * @example
 * export default defineConfig({ test: { globalSetup: ["streamt-sdk/testing/global-setup"], testTimeout: 120_000 } });
 */
import { shareJobServer } from "../runtime/job-server.js";
import { startLocalKafka } from "../runtime/local-kafka.js";
import { JOB_SERVER_ENV, KAFKA_ENV } from "./engine.js";

export default async function setup(): Promise<() => Promise<void>> {
  const progress = (line: string) => process.stderr.write(`[streamt-sdk] ${line}\n`);
  const [kafka, jobs] = await Promise.all([startLocalKafka({ progress }), shareJobServer("2", { progress })]);
  // Test workers are started after this and inherit the environment.
  process.env[KAFKA_ENV] = kafka.bootstrap;
  process.env[JOB_SERVER_ENV] = jobs.address;
  return async () => {
    delete process.env[KAFKA_ENV];
    delete process.env[JOB_SERVER_ENV];
    await Promise.all([jobs.close(), kafka.stop()]);
  };
}
