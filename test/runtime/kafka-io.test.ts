import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { latestByKey, leadersKnown, readJsonl, topicsOfJson, type ConsumedRecord } from "../../packages/streamt-sdk/src/runtime/kafka-io.js";
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
