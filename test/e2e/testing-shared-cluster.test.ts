/**
 * The job server's shared MiniCluster (one per warm JVM, every test job of the run on it): a job's
 * settings stay its own, and a job that fails, or does not end and is cancelled, leaves the cluster
 * fit for the next. These jobs run on the run's shared job server (test/e2e/global-setup.ts), beside
 * the other test files' jobs, as a user's test jobs do.
 */
import { describe, expect, it } from "vitest";
import { connectJobServer, type JobService } from "../../packages/streamt-sdk/src/runtime/job-server.js";
import { JOB_SERVER_ENV } from "../../packages/streamt-sdk/src/testing/engine.js";

let service: Promise<JobService> | null = null;
const jobs = (): Promise<JobService> => (service ??= connectJobServer(process.env[JOB_SERVER_ENV]!));

/** Three rows, a = 0, 1, 2; the job writes null for a = 1 into a NOT NULL column. */
const nullIntoNotNull = (set: string) => `${set}
CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.a.kind' = 'sequence', 'fields.a.start' = '0', 'fields.a.end' = '2');
CREATE TABLE dst (b INT NOT NULL) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT IF(a = 1, CAST(NULL AS INT), a) FROM src;
`;
const NOT_NULL_ERROR = "Column 'b' is NOT NULL, however, a null value is being written into it.";

/** A job that never ends by itself: one generated row a second, for ever. */
const endless = `
CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1');
CREATE TABLE dst (a INT) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT a FROM src;
`;

/** 100 / a for a = 2, 1, 0: the third row fails its task (division by zero). */
const divideByZero = `
CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.a.kind' = 'sequence', 'fields.a.start' = '0', 'fields.a.end' = '2');
CREATE TABLE dst (b INT) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT 100 / (2 - a) FROM src;
`;

const bounded = `
CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '5');
CREATE TABLE dst (a INT) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT a FROM src;
`;

const minutes = 120_000;

describe("one MiniCluster for every test job of the run", { timeout: 600_000 }, () => {
  it("a job's SET reaches that job only: the next job on the cluster runs with Flink's default again", async () => {
    const server = await jobs();
    // Flink's default fails a job that writes null into a NOT NULL column...
    expect(await server.run(nullIntoNotNull(""), { timeoutMs: minutes })).toMatchObject({ state: "failed", error: expect.stringContaining(NOT_NULL_ERROR) });
    // ...this job drops such rows instead...
    expect(await server.run(nullIntoNotNull("SET 'table.exec.sink.not-null-enforcer' = 'DROP';"), { timeoutMs: minutes })).toMatchObject({ state: "finished" });
    // ...and the job after it runs with the default again.
    expect(await server.run(nullIntoNotNull(""), { timeoutMs: minutes })).toMatchObject({ state: "failed", error: expect.stringContaining(NOT_NULL_ERROR) });
  });

  it("a job that checkpoints fails at its first error too: the restart strategy is the job's own, not the cluster's", async () => {
    // With checkpoints on and no restart strategy of its own, Flink would restart the job for ever.
    const end = await (await jobs()).run(divideByZero, { timeoutMs: minutes, checkpointMs: 100 });
    expect(end).toMatchObject({ state: "failed", error: expect.stringContaining("/ by zero") });
  });

  it("a job that does not end is cancelled at its timeout, a failing one fails, and the next job runs to its end on the same cluster", async () => {
    const server = await jobs();
    expect(await server.run(endless, { timeoutMs: 15_000 })).toEqual({ state: "timeout" });
    expect(await server.run(divideByZero, { timeoutMs: minutes })).toMatchObject({ state: "failed", error: expect.stringContaining("/ by zero") });
    expect(await server.run(bounded, { timeoutMs: minutes })).toMatchObject({ state: "finished" });
  });

  it("jobs submitted together run side by side, each in a task slot of its own", async () => {
    const server = await jobs();
    const ends = await Promise.all([1, 2, 3, 4].map(() => server.run(bounded, { timeoutMs: minutes })));
    expect(ends.map((e) => e.state)).toEqual(["finished", "finished", "finished", "finished"]);
  });
});
