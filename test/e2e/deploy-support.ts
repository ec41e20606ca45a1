/**
 * What the deploy tests on the dev cluster share: the windowed count they deploy and upgrade, the events
 * they produce and the windows they read back.
 */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { main } from "../../packages/streamt-sdk/src/cli/main.js";
import type { ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";

export interface CountsPipeline {
  readonly name: string;
  readonly input: string;
  readonly output: string;
  /** The group key: "k", or "v" for an incompatible change. */
  readonly groupKey?: "k" | "v";
  /** Appended to the aggregate, e.g. a filter (a compatible change). */
  readonly after?: string;
  readonly transactionTimeout?: string;
  /** More options of the sink, e.g. `, partitions: 2`. */
  readonly sinkOptions?: string;
}

/**
 * Writes the pipeline module `<file>` into the project: a count per key and minute, written exactly-once.
 * Each version must be a new file (a CLI run in this process imports its entry once).
 */
export function writeCountsPipeline(project: string, file: string, p: CountsPipeline): void {
  writeFileSync(
    path.join(project, file),
    `import { count, pipeline, source, t } from "streamt-sdk";
const Ev = t.row({ k: t.string(), v: t.int(), ts: t.timestamp(3) });
const perMinute = source("events", { topic: "${p.input}", schema: Ev }).eventTime("ts").watermark("1s").idleTimeout("5m")
  .tumble("1m").groupBy("${p.groupKey ?? "k"}").aggregate({ n: count() })${p.after ?? ""};
export default pipeline("${p.name}", { parallelism: 1, checkpointInterval: "1s" })
  .write(perMinute.toKafka("${p.output}", { delivery: "exactly-once", transactionTimeout: "${p.transactionTimeout ?? "5m"}"${p.sinkOptions ?? ""} }));
`,
  );
}

/** Runs the CLI in this process, in the project folder, on `entry`. */
export async function deployCli(project: string, entry: string, argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...argv, entry, "--no-typecheck"], { out: (t) => (out += t), err: (t) => (err += t), cwd: project });
  return { code, out, err };
}

/** An event of key `k` at 2024-01-01T<ts>. */
export const ev = (k: string, ts: string) => ({ value: { k, v: 1, ts: `2024-01-01T${ts}` } });

/** The output read so far, in window and key order (within a window Flink's order varies). */
export const windows = (records: readonly ConsumedRecord[]) =>
  records
    .map((r) => r.value as { window_start: string; k: string })
    .sort((a, b) => (a.window_start === b.window_start ? (a.k < b.k ? -1 : 1) : a.window_start < b.window_start ? -1 : 1));

/** The output row of minute `minute` (10:0m) for key `k`. */
export const window = (minute: number, k: string, n: number) => ({
  window_start: `2024-01-01T10:0${minute}:00`,
  window_end: `2024-01-01T10:0${minute + 1}:00`,
  k,
  window_time: `2024-01-01T10:0${minute}:59.999`,
  n,
});

/**
 * Every file under a folder, leaving out the folders in `skip` (e.g. the broker's data, whose files go while
 * topics are deleted). A folder that goes while it is walked is skipped, not an error.
 */
export function filesUnder(dir: string, skip: readonly string[] = []): string[] {
  if (skip.includes(dir)) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return entries.flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(full, skip) : d.isFile() ? [full] : [];
  });
}
