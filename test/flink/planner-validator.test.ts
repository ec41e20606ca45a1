import { afterAll, describe, expect, it } from "vitest";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { PlannerValidator } from "../../packages/streamt-sdk/src/runtime/planner-validator.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

const sink = "CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');";
const source = "CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen');";

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isStreamtError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a rejection");
}

const validators: PlannerValidator[] = [];
afterAll(async () => {
  await Promise.all(validators.map((v) => v.close()));
});

describe("the planner validator JVM", () => {
  it("answers scripts in order; once closed it validates nothing more", async () => {
    const v = await PlannerValidator.start("2", { progress: () => {} });
    validators.push(v);
    const [ok, failed] = await v.validateAll([
      { id: "good", script: [source, sink, "INSERT INTO nowhere SELECT n FROM numbers;"].join("\n") },
      { id: "bad", script: [sink, "INSERT INTO nowhere SELECT n FROM missing_table;"].join("\n") },
    ]);
    expect(ok).toEqual({ id: "good", ok: true, statements: 3, ms: expect.any(Number) });
    expect(failed).toMatchObject({ id: "bad", ok: false, statementIndex: 2, statement: "INSERT INTO nowhere SELECT n FROM missing_table", line: 2 });
    expect((failed as { error: string }).error).toContain("missing_table");
    await v.close();
    await v.close();
    expect(await rejection(v.validate("late", sink))).toEqual({ code: "STREAMT-R005", message: "the Flink 2 validator is not running" });
  });

  it("a validator JVM that dies fails the scripts it had not answered, naming the signal", async () => {
    const before = new Set(liveChildren());
    const v = await PlannerValidator.start("2", { progress: () => {} });
    validators.push(v);
    const jvm = liveChildren().find((c) => !before.has(c))!;
    const pending = v.validate("never", [source, sink, "INSERT INTO nowhere SELECT n FROM numbers;"].join("\n"));
    jvm.kill("SIGKILL");
    const e = await rejection(pending);
    expect(e.code).toBe("STREAMT-R005");
    expect(e.message.split("\n")[0]).toBe("the Flink 2 validator exited (SIGKILL) with 1 script(s) unanswered:");
  });
}, 180_000);
