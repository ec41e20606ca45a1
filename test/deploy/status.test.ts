import { describe, expect, it } from "vitest";
import { checkpointInfo, restartsFrom } from "../../packages/streamt-sdk/src/deploy/status.js";

describe("status: a job's checkpoints and restarts as the REST API reports them", () => {
  it("checkpointInfo: the id, when it completed (ISO-8601) and where it is; none is null", () => {
    expect(checkpointInfo({ id: 12, latest_ack_timestamp: Date.UTC(2026, 11, 1, 9, 30, 5, 250), external_path: "s3://sp/clicks/savepoint-12" })).toEqual({ id: 12, completedAt: "2026-12-01T09:30:05.250Z", path: "s3://sp/clicks/savepoint-12" });
    // A checkpoint the job keeps only until the next one has no path.
    expect(checkpointInfo({ id: 13, latest_ack_timestamp: 0, external_path: "<checkpoint-not-externally-addressable>" })).toEqual({ id: 13, completedAt: "1970-01-01T00:00:00.000Z", path: null });
    expect(checkpointInfo({ id: 14, latest_ack_timestamp: 0 })).toEqual({ id: 14, completedAt: "1970-01-01T00:00:00.000Z", path: null });
    expect(checkpointInfo(null)).toBeNull();
    expect(checkpointInfo(undefined)).toBeNull();
  });

  /** The metrics request answering `answers` in turn (the last one again after), counting the requests. */
  const answering = (...answers: unknown[]) => {
    let asked = 0;
    return { metrics: () => Promise.resolve(answers[Math.min(asked++, answers.length - 1)]), asked: () => asked };
  };

  it("restartsFrom: the numRestarts metric, asked again while the JobManager has not fetched it yet", async () => {
    const now = answering([{ id: "numRestarts", value: "3" }]);
    expect(await restartsFrom(now.metrics, 0)).toBe(3);
    expect(now.asked()).toBe(1);
    const later = answering([], [{ id: "other", value: "1" }], [{ id: "numRestarts", value: "0" }]);
    expect(await restartsFrom(later.metrics, 0)).toBe(0);
    expect(later.asked()).toBe(3);
  });

  it("restartsFrom: null when four answers hold no value (an ended job), or are no list at all", async () => {
    const never = answering([{ id: "numRestarts" }]);
    expect(await restartsFrom(never.metrics, 0)).toBeNull();
    expect(never.asked()).toBe(4);
    expect(await restartsFrom(answering({ errors: ["not found"] }).metrics, 0)).toBeNull();
  });
});
