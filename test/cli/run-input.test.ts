/**
 * `run --local --input <topic>=<file.jsonl>` refuses lines the sources reading the topic could not read
 * (STREAMT-R010, with file:line), before anything starts: no broker, no JVM. And the check itself,
 * against the schema of each source reading the topic.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pipeline, source, t, type Pipeline } from "streamt-sdk";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { checkInputs } from "../../packages/streamt-sdk/src/runtime/input-check.js";
import { readJsonl } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-run-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes lines to a file under the temp folder; returns its path relative to the repository root. */
function inputFile(name: string, lines: readonly string[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, lines.join("\n") + "\n");
  return path.relative(root, file);
}

async function run(file: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), cwd: root };
  const code = await main(["run", "test/fixtures/runtime/order-lines.ts", "--local", "--no-typecheck", "--input", `order.lines.v1=${file}`, "--timeout", "5"], io);
  return { code, out, err };
}

const good = '{"line_id":"l1","qty":2,"price":"9.90","note":null,"placed_at":"2024-01-01T10:00:00","item":{"sku":"A","tags":["x"]}}';
const FIX = "  fix: write each line as a JSON object with every NOT NULL column of the source, each value of its column's type; nothing was started\n";

describe("run --local refuses --input lines that do not fit the source", () => {
  it("a line that is not a JSON object: file:line, exit 1, nothing started (lines without NOT NULL fields are noted, not refused)", async () => {
    const file = inputFile("shapes.jsonl", [good, "[1,2]", '"text"', '{"line_id":"l3","price":1,"placed_at":"2024-01-01T10:00:00","item":{"sku":"A"}}', '{"line_id":"l4","qty":1,"price":1,"placed_at":"2024-01-01T10:00:00"}']);
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      `error STREAMT-R010: --input order.lines.v1=${file} does not fit source order_lines (format json, defined at test/fixtures/runtime/order-lines.ts:13):\n` +
        `  ${file}:2: not a JSON object: [1,2]\n` +
        `  ${file}:3: not a JSON object: "text"\n` +
        FIX,
    );
    expect(liveChildren()).toEqual([]);
  });

  it("values Flink would fail on or misread: wrong JSON types, nulls, nested fields, out of range", async () => {
    const base = { line_id: "l", qty: 1, price: 1, placed_at: "2024-01-01T10:00:00", item: { sku: "A" } };
    const line = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o });
    const file = inputFile("types.jsonl", [
      line({ qty: 1.5 }),
      line({ qty: "2" }), // Flink parses an integer in a string: fine
      line({ qty: 2 ** 31 }),
      line({ price: "abc" }),
      line({ price: 123456789 }),
      line({ placed_at: "2024-01-01 10:00:00" }),
      line({ placed_at: 1704103200000 }),
      line({ line_id: null }),
      line({ item: { sku: "A", n: "x" } }),
      line({ item: { tags: "x" } }),
      line({ item: "A" }),
      line({ note: 7 }), // a STRING column reads any JSON value as text
      "",
      "// a comment, then a tombstone and a keyed record",
      '{"key":"l","value":null}',
      `{"key":"l","value":${line({ qty: true })}}`,
    ]);
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error STREAMT-R010: --input order.lines.v1=${file} does not fit source order_lines (format json, defined at test/fixtures/runtime/order-lines.ts:13):\n` +
        `  ${file}:1: field "qty" is 1.5, not an integer (INT NOT NULL)\n` +
        `  ${file}:3: field "qty" is 2147483648, out of the range of INT\n` +
        `  ${file}:4: field "price" is "abc", not a number (DECIMAL(10, 2) NOT NULL)\n` +
        `  ${file}:5: field "price" is 123456789, too large for DECIMAL(10, 2) NOT NULL\n` +
        `  ${file}:6: field "placed_at" is "2024-01-01 10:00:00", not a timestamp "yyyy-MM-ddTHH:mm:ss[.SSS]" (TIMESTAMP(3) NOT NULL)\n` +
        `  ${file}:7: field "placed_at" is 1704103200000, not a timestamp "yyyy-MM-ddTHH:mm:ss[.SSS]" (TIMESTAMP(3) NOT NULL)\n` +

        `  ${file}:9: field "item.n" is "x", not an integer (INT)\n` +
        `  ${file}:10: field "item.tags" is "x", not a JSON array (ARRAY<STRING>)\n` +
        `  ${file}:11: field "item" is "A", not a JSON object (ROW<sku STRING, n INT, tags ARRAY<STRING>> NOT NULL)\n` +
        `  ${file}:16: field "qty" is true, not an integer (INT NOT NULL)\n` +
        FIX,
    );
    expect(liveChildren()).toEqual([]);
  });

  it("a line without a value in a NOT NULL column is noted: the source's contract drops it in the job", async () => {
    const file = inputFile("contract.jsonl", [good, '{"line_id":"l2","price":1,"placed_at":"2024-01-01T10:00:00","item":{"sku":"A"}}', '{"line_id":null,"qty":1,"price":1,"placed_at":"2024-01-01T10:00:00","item":{"sku":null,"n":null}}']);
    const job = (await import("../fixtures/runtime/order-lines.js")).default;
    const notes = checkInputs([{ topic: "order.lines.v1", file, records: readJsonl(path.join(root, file), file) }], { version: PLAN_VERSION, pipelines: [job.definition] });
    expect(notes).toEqual([
      `${file}:2: missing NOT NULL field "qty": source order_lines drops this record (its NOT NULL contract; counted by Flink)`,
      `${file}:3: field "line_id" is null: source order_lines drops this record (its NOT NULL contract; counted by Flink)`,
    ]);
  });

  it("a line that is not JSON at all", async () => {
    const file = inputFile("syntax.jsonl", [good, "{line_id: 1}"]);
    const r = await run(file);
    expect(r.code).toBe(1);
    // The rest of the line is V8's message, which Node versions word differently.
    expect(r.err.startsWith(`error STREAMT-R010: ${file}:2: not JSON: Expected property name or '}' in JSON at position 1`)).toBe(true);
    expect(r.err.endsWith("\n  fix: write one JSON object per line\n")).toBe(true);
    expect(r.err.split("\n")).toHaveLength(3);
    expect(liveChildren()).toEqual([]);
  });
});

describe("checkInputs", () => {
  const Row = t.row({ id: t.string(), n: t.int().nullable() });
  const plan = (...pipelines: Pipeline[]): Plan => ({ version: PLAN_VERSION, pipelines: pipelines.map((p) => p.definition) });
  const records = (...values: unknown[]) => values.map((value, i) => ({ line: i + 1, value }));

  it("checks only the topics a json source reads; a missing nullable field and a tombstone are fine", () => {
    const p = plan(pipeline("p").write(source("a", { topic: "a.v1", schema: Row }).toKafka("o1"), source("raw", { topic: "raw.v1", schema: Row, format: "csv" }).toKafka("o2")));
    expect(() => checkInputs([{ topic: "a.v1", file: "a.jsonl", records: records({ id: "x" }, null, { id: "y", n: "3" }) }], p)).not.toThrow();
    expect(() => checkInputs([{ topic: "raw.v1", file: "raw.jsonl", records: records("x,1", [1]) }], p)).not.toThrow();
    expect(() => checkInputs([{ topic: "other", file: "o.jsonl", records: records([1, 2]) }], p)).not.toThrow();
  });

  it("reports every input file and every source of a topic, at most 20 lines each", () => {
    const wide = t.row({ id: t.string(), n: t.int() });
    const p = plan(pipeline("p").write(source("a", { topic: "a.v1", schema: Row }).toKafka("o1")), pipeline("q").write(source("b", { topic: "a.v1", schema: wide }).toKafka("o2")));
    let error: unknown;
    try {
      checkInputs(
        [
          { topic: "a.v1", file: "one.jsonl", records: records({ id: "x" }) },
          { topic: "a.v1", file: "many.jsonl", records: records(...Array.from({ length: 23 }, () => 5)) },
        ],
        p,
      );
    } catch (e) {
      error = e;
    }
    expect(isStreamtError(error)).toBe(true);
    const lines = (error as Error).message.split("\n");
    // one.jsonl lacks b's NOT NULL n: not refused (b's contract drops it in the job), so only many.jsonl is listed.
    expect(lines[0]).toMatch(/^--input a\.v1=many\.jsonl does not fit source a /);
    expect(lines.slice(1, 3)).toEqual(["  many.jsonl:1: not a JSON object: 5", "  many.jsonl:2: not a JSON object: 5"]);
    expect(lines[21]).toBe("  ... and 3 more");
    expect(lines[22]).toMatch(/^--input a\.v1=many\.jsonl does not fit source b /);
    expect(lines).toHaveLength(22 + 22);
  });

  it("readJsonl gives each record its line number", () => {
    const file = path.join(tmp, "lines.jsonl");
    writeFileSync(file, '{"id":"a"}\n\n// note\n{"key":{"id":"a"},"value":null}\n"raw text"\n');
    expect(readJsonl(file, "lines.jsonl")).toEqual([
      { line: 1, value: { id: "a" } },
      { line: 4, key: '{"id":"a"}', value: null },
      { line: 5, value: "raw text" },
    ]);
  });
});
