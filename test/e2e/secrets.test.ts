/**
 * Secrets on the engine: the runner fills '${env:NAME}' in from its environment, in memory (the script
 * file it reads holds only the placeholder), and refuses a variable that is not set.
 */
import { describe, expect, it } from "vitest";
import { startLocalJob } from "../../packages/streamt-sdk/src/runtime/local-job.js";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const script = (variable: string) => `SET 'pipeline.name' = 'secret-print';
SET 'parallelism.default' = '1';
CREATE TEMPORARY TABLE src (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '2');
CREATE TEMPORARY TABLE sink_out (n INT) WITH ('connector' = 'print', 'print-identifier' = '\${env:${variable}}');
INSERT INTO sink_out SELECT n FROM src;
`;

describe("env() references on the engine", () => {
  it("the runner fills a reference in from its environment", async () => {
    process.env.STREAMT_TEST_PRINT_ID = "id-from-env";
    const lines: string[] = [];
    try {
      const job = await startLocalJob({ name: "secret-print", script: script("STREAMT_TEST_PRINT_ID"), onStderr: (l) => lines.push(l) });
      expect(await job.ended).toEqual({ state: "finished" });
    } finally {
      delete process.env.STREAMT_TEST_PRINT_ID;
    }
    expect(lines.filter((l) => l.includes("+I[")).sort()).toEqual(["id-from-env> +I[1]", "id-from-env> +I[2]"]);
  }, 120_000);

  it("a reference to a variable that is not set fails before the job is built", async () => {
    const job = await startLocalJob({ name: "secret-print", script: script("STREAMT_TEST_NOT_SET") });
    await expect(job.submitted).rejects.toThrow("the script reads the environment variable STREAMT_TEST_NOT_SET, which is not set");
    await job.ended;
  }, 120_000);

  it("run --local refuses an unset env() before anything starts (STREAMT-R012)", async () => {
    let out = "";
    let err = "";
    const io: Io = { out: (s) => (out += s), err: (s) => (err += s), cwd: root };
    const code = await main(["run", "test/fixtures/runtime/secret-client.ts", "--local", "--no-typecheck", "--timeout", "5"], io);
    expect({ code, out, err }).toEqual({
      code: 1,
      out: "",
      err:
        "error STREAMT-R012: pipeline 'secret-client' reads a secret from the environment variable STREAMT_TEST_UNSET_CLIENT_ID, which is not set\n" +
        "  fix: set STREAMT_TEST_UNSET_CLIENT_ID=... in the environment that starts the job (never in the pipeline's code)\n",
    });
    expect(liveChildren()).toEqual([]);
  }, 60_000);
});
