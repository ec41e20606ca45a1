import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { buildRunner, onJsonLines, spawnRunner } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
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

  it("plans scripts side by side on its threads and answers each in the order it came, a slow one before the quick ones after it", async () => {
    const v = await PlannerValidator.start("2", { progress: () => {} });
    validators.push(v);
    // A statement set of 40 windowed aggregates takes the planner far longer than a bare INSERT: on more
    // than one thread, the quick scripts sent after it are planned first.
    const slow = [
      "CREATE TABLE src (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');",
      ...Array.from({ length: 40 }, (_, i) => `CREATE TABLE out${i} (ws TIMESTAMP(3), k STRING, n BIGINT) WITH ('connector' = 'blackhole');`),
      "EXECUTE STATEMENT SET BEGIN",
      ...Array.from({ length: 40 }, (_, i) => `INSERT INTO out${i} SELECT window_start, k, COUNT(*) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '${i + 1}' MINUTE)) WHERE v > ${i} GROUP BY window_start, window_end, k;`),
      "END;",
    ].join("\n");
    const quick = (i: number) => [source, sink, `INSERT INTO nowhere SELECT n + ${i} FROM numbers;`].join("\n");
    const scripts = [{ id: "slow", script: slow }, ...Array.from({ length: 6 }, (_, i) => ({ id: `quick-${i}`, script: i === 3 ? sink + "\nINSERT INTO nowhere SELECT x FROM numbers;" : quick(i) }))];
    const results = await v.validateAll(scripts);
    expect(results.map((r) => [r.id, r.ok, r.ok ? r.statements : r.statementIndex])).toEqual([
      ["slow", true, 42],
      ["quick-0", true, 3],
      ["quick-1", true, 3],
      ["quick-2", true, 3],
      ["quick-3", false, 2],
      ["quick-4", true, 3],
      ["quick-5", true, 3],
    ]);
  });

  it("a --threads that is not a count of 1 to 999 is refused with the options, exit 2; --threads 1 answers", async () => {
    const runner = await buildRunner("2");
    for (const bad of [["--threads", "0"], ["--threads"], ["--threads", "two"], ["--thread", "2"]]) {
      const jvm = spawnRunner(runner, ["validate", ...bad], { validateFlags: true });
      let stderr = "";
      jvm.stderr!.on("data", (d) => (stderr += d));
      const [code] = await once(jvm, "close");
      expect([code, stderr.trim().split("\n").at(-1)]).toEqual([2, `validate: unknown option ${bad[0]} (options: --warmup, --threads <1-999>)`]);
    }
    const one = spawnRunner(runner, ["validate", "--threads", "1"], { validateFlags: true });
    const answers: Record<string, unknown>[] = [];
    onJsonLines(one, (e) => answers.push(e));
    one.stdin!.end(JSON.stringify({ id: "a", script: [source, sink, "INSERT INTO nowhere SELECT n FROM numbers;"].join("\n") }) + "\n" + "[]\n");
    const [code] = await once(one, "close");
    expect([code, answers.map((a) => [a.id, a.ok, a.ok ? a.statements : a.error])]).toEqual([0, [["a", true, 3], [null, false, "bad request: request must be a JSON object"]]]);
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
