import { StreamtError } from "../errors.js";
import { startLocalKafka, type LocalKafka } from "../runtime/local-kafka.js";
import { connectJobServer, startJobServer, type JobOptions, type JobService, type ServedJob } from "../runtime/job-server.js";
import { jobFailureError } from "../runtime/local-job.js";
import { TestingErrorCode } from "./codes.js";

/** Set by streamt-sdk/testing/global-setup: the broker every test of the run shares. */
export const KAFKA_ENV = "STREAMT_TEST_KAFKA";
/** Set by streamt-sdk/testing/global-setup: the address of the job server every test of the run shares. */
export const JOB_SERVER_ENV = "STREAMT_TEST_JOB_SERVER";

let ownBroker: Promise<LocalKafka> | null = null;

/**
 * The broker tests use: the one the global setup started for the whole run, else one this process
 * starts on first use (stopped when the process exits).
 */
export async function testBroker(): Promise<string> {
  const shared = process.env[KAFKA_ENV];
  if (shared) return shared;
  ownBroker ??= startLocalKafka();
  ownBroker.catch(() => (ownBroker = null));
  return (await ownBroker).bootstrap;
}

export interface TestJob {
  readonly name: string;
  readonly script: string;
  readonly target: "2" | "1.20";
  readonly timeoutMs: number;
}

const services = new Map<string, Promise<JobService>>();

/**
 * The warm JVM that runs this process's test jobs: the one the global setup shares for the whole run
 * (its target, Flink 2.2), else one this process starts on first use.
 */
function jobService(target: "2" | "1.20"): Promise<JobService> {
  let s = services.get(target);
  if (!s) {
    const shared = target === "2" ? process.env[JOB_SERVER_ENV] : undefined;
    s = shared ? connectJobServer(shared) : startJobServer(target);
    services.set(target, s);
    s.catch(() => services.delete(target));
  }
  return s;
}

/**
 * Runs a test's bounded job to its end. A job that fails is STREAMT-R007 (with Flink's cause); one
 * that has not ended within the timeout is cancelled and STREAMT-T005.
 */
export async function runTestJob(job: TestJob): Promise<void> {
  const end = await (await jobService(job.target)).run(job.script, { timeoutMs: job.timeoutMs });
  if (end.state === "finished") return;
  if (end.state === "timeout") {
    throw new StreamtError({
      code: TestingErrorCode.timeout,
      message: `the test job of pipeline ${job.name} did not end within ${job.timeoutMs} ms; it was cancelled`,
      hint: "a test job ends when its sources have read their input, and waits for a free task slot while other tests' jobs hold them all: give testPipeline(p, { timeout }) more time on a slow or busy machine, or run fewer test files at once",
    });
  }
  // Nothing stops or cancels a bounded test job but its timeout.
  if (end.state === "stopped" || end.state === "cancelled") throw new Error(`the bounded test job of ${job.name} was ${end.state === "stopped" ? "stopped with a savepoint" : "cancelled"}`);
  throw jobFailureError(job.name, { event: "failed", ...end });
}

/** Starts a test's job that the test stops itself (a restore test's: with a savepoint), on the warm JVM. */
export async function startTestJob(job: TestJob, options: Omit<JobOptions, "timeoutMs">): Promise<ServedJob> {
  return (await jobService(job.target)).start(job.script, { ...options, timeoutMs: job.timeoutMs });
}
