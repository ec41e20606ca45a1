import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  consumedRecord,
  kafkaMessage,
  latestByKey,
  leadersKnown,
  readJsonl,
  readTimeoutError,
  recordCount,
  topicsOfJson,
  uncommittedOf,
  type ConsumedRecord,
} from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
import { refusal } from "../helpers.js";

const partitions = (...leaders: number[]) => leaders.map((leader) => ({ leader }));

describe("leadersKnown: whether freshly created topics can be used", () => {
  it("every topic listed, each with partitions that all have a leader", () => {
    expect(leadersKnown({ topics: [{ partitions: partitions(1, 1) }, { partitions: partitions(0) }] }, ["a", "b"])).toBe(true);
  });

  it("not while a partition has no leader yet (-1)", () => {
    expect(leadersKnown({ topics: [{ partitions: partitions(1, -1) }] }, ["a"])).toBe(false);
    expect(leadersKnown({ topics: [{ partitions: partitions(1) }, { partitions: partitions(-1) }] }, ["a", "b"])).toBe(false);
  });

  it("not while a topic is listed without partitions, or not listed at all", () => {
    expect(leadersKnown({ topics: [{ partitions: [] }] }, ["a"])).toBe(false);
    expect(leadersKnown({ topics: [{ partitions: partitions(1) }] }, ["a", "b"])).toBe(false);
  });
});

describe("topicsOfJson: the topics of a synthesised topics.json", () => {
  it("name, partitions and cleanup policy of each; none when it lists none", () => {
    const json = JSON.stringify({ version: 1, topics: [{ name: "orders.v1", partitions: 3, cleanupPolicy: "delete", extra: 1 }, { name: "totals", partitions: null, cleanupPolicy: "compact" }] });
    expect(topicsOfJson(json)).toEqual([
      { name: "orders.v1", partitions: 3, cleanupPolicy: "delete" },
      { name: "totals", partitions: null, cleanupPolicy: "compact" },
    ]);
    expect(topicsOfJson("{}")).toEqual([]);
  });
});

describe("readJsonl: an --input file of records", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-jsonl-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("one value per line with its line number; blank lines and // comments skipped; {key, value} alone is a keyed record", () => {
    const f = file(
      "orders.jsonl",
      ['// orders', '{"id": 1}', "", '  {"key": "k1", "value": {"id": 2}}  ', '{"key": null, "value": null}', '{"key": 7, "value": {"id": 3}}', '{"key": "k", "value": 1, "extra": true}', '{"key": "only"}', "null", '"text"'].join("\n"),
    );
    expect(readJsonl(f)).toEqual([
      { line: 2, value: { id: 1 } },
      { line: 4, key: "k1", value: { id: 2 } },
      { line: 5, key: null, value: null },
      { line: 6, key: "7", value: { id: 3 } },
      { line: 7, value: { key: "k", value: 1, extra: true } },
      { line: 8, value: { key: "only" } },
      { line: 9, value: null },
      { line: 10, value: "text" },
    ]);
  });

  it("a line that is not JSON is STREAMT-R010 at <shown>:<line>", () => {
    const f = file("bad.jsonl", '{"id": 1}\n{id: 2}\n');
    let parseMessage = "";
    try {
      JSON.parse("{id: 2}");
    } catch (e) {
      parseMessage = (e as Error).message;
    }
    expect(refusal(() => readJsonl(f, "input/bad.jsonl"))).toEqual({ code: "STREAMT-R010", message: `input/bad.jsonl:2: not JSON: ${parseMessage}`, hint: "write one JSON object per line", site: null });
    expect(refusal(() => readJsonl(f)).message).toBe(`${f}:2: not JSON: ${parseMessage}`);
  });
});

describe("latestByKey: an upsert topic's latest value per key", () => {
  const record = (key: string | null, value: unknown): ConsumedRecord => ({ topic: "t", partition: 0, offset: "0", key, value, text: value === null ? null : JSON.stringify(value), timestamp: "0" });

  it("a later value replaces an earlier one, a tombstone removes the key, no key counts as the empty key", () => {
    const m = latestByKey([record("a", 1), record("b", 2), record("a", 3), record("b", null), record(null, 4), record("c", 5), record("c", null), record("c", 6)]);
    expect([...m.entries()]).toEqual([
      ["a", 3],
      ["", 4],
      ["c", 6],
    ]);
  });
});

describe("records as kafkajs sends and reads them", () => {
  it("a value is sent as JSON text, a string as it is, null as a tombstone; key, partition, timestamp and headers only when given", () => {
    expect(kafkaMessage({ value: { id: 1, name: "a" } })).toEqual({ key: null, value: '{"id":1,"name":"a"}' });
    expect(kafkaMessage({ key: "k", value: "plain text", partition: 2, timestamp: 1_700_000_000_000, headers: { source: "test" } })).toEqual({
      key: "k",
      value: "plain text",
      partition: 2,
      timestamp: "1700000000000",
      headers: { source: "test" },
    });
    expect(kafkaMessage({ key: "k", value: null, partition: 0, timestamp: 0 })).toEqual({ key: "k", value: null, partition: 0, timestamp: "0" });
    expect(kafkaMessage({ key: null, value: 42 })).toEqual({ key: null, value: "42" });
  });

  it("a value read is parsed as JSON; text that is not JSON stays text; no value is a tombstone", () => {
    const message = (key: string | null, value: string | null) => ({ offset: "7", key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: "1700000000000" });
    expect(consumedRecord("orders", 1, message("k", '{"id":1}'))).toEqual({ topic: "orders", partition: 1, offset: "7", key: "k", value: { id: 1 }, text: '{"id":1}', timestamp: "1700000000000" });
    expect(consumedRecord("orders", 0, message(null, "not json"))).toEqual({ topic: "orders", partition: 0, offset: "7", key: null, value: "not json", text: "not json", timestamp: "1700000000000" });
    expect(consumedRecord("orders", 0, message("k", null))).toEqual({ topic: "orders", partition: 0, offset: "7", key: "k", value: null, text: null, timestamp: "1700000000000" });
    expect(consumedRecord("orders", 0, message("k", "null"))).toEqual({ topic: "orders", partition: 0, offset: "7", key: "k", value: null, text: "null", timestamp: "1700000000000" });
  });

  it("a read that timed out names the topics and lists every record that came, keyed or not", () => {
    const records = [
      { topic: "a", partition: 0, offset: "0", key: "k1", value: { n: 1 }, text: '{"n":1}', timestamp: "0" },
      { topic: "b", partition: 0, offset: "0", key: null, value: null, text: null, timestamp: "0" },
    ];
    const e = readTimeoutError(500, ["a", "b"], records);
    expect({ code: e.code, message: e.message }).toEqual({ code: "STREAMT-R008", message: 'timed out after 500 ms reading a, b; received 2 record(s):\na k1 {"n":1}\nb  null' });
    expect(readTimeoutError(60_000, ["a"], []).message).toBe("timed out after 60000 ms reading a; received 0 record(s):\n");
  });
});

describe("counting records from offsets", () => {
  it("recordCount: high minus low offset, summed over partitions", () => {
    expect(recordCount([{ high: "5", low: "3" }, { high: "1", low: "0" }, { high: "10", low: "10" }])).toBe(3);
    expect(recordCount([])).toBe(0);
  });

  it("uncommittedOf: end minus committed offset; a partition never committed (-1 or absent) counts from its low offset", () => {
    const ends = [
      { partition: 0, high: "4", low: "0" },
      { partition: 1, high: "6", low: "2" },
      { partition: 2, high: "9", low: "1" },
    ];
    expect(uncommittedOf(ends, [{ partition: 0, offset: "3" }, { partition: 1, offset: "-1" }])).toBe(1 + 4 + 8);
    expect(uncommittedOf(ends, [{ partition: 2, offset: "0" }])).toBe(4 + 4 + 9);
    expect(uncommittedOf(ends, undefined)).toBe(4 + 4 + 8);
    expect(uncommittedOf([], [])).toBe(0);
  });
});
