/**
 * The local runtime: Flink's planner and MiniCluster and a Kafka broker in child JVMs (from
 * packages/flink-runner, built from Maven Central on first use), and kafkajs helpers around them.
 * Every process started here is tracked and stopped when Node exits.
 */
export { findToolchain, RuntimeErrorCode, type Toolchain } from "./toolchain.js";
export { buildRunner, runnerTargetFor, runnerDir, spawnRunner, type BuiltRunner, type RunnerTarget, type ProgressSink } from "./flink-runner.js";
export { PlannerValidator, type ValidationResult, type ValidationOk, type ValidationFailure, type ValidateOptions } from "./planner-validator.js";
export { startLocalKafka, type LocalKafka, type LocalKafkaOptions } from "./local-kafka.js";
export { startLocalJob, jobFailureError, type LocalJob, type LocalJobOptions, type JobEvent, type JobFailedEvent, type JobRestartingEvent, type JobEnd } from "./local-job.js";
export { createTopics, topicsOfJson, readJsonl, produce, watchTopics, consumeUntil, latestByKey, type TopicSpec, type ConsumedRecord, type ProduceRecord, type JsonlRecord, type TopicWatcher } from "./kafka-io.js";
export { checkInputs, sourcesByTopic, type InputFile } from "./input-check.js";
export { freePort } from "./free-port.js";
export { trackChild, onShutdown, runCleanups, liveChildren, stopChild } from "./process-registry.js";
