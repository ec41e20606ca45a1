import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { checkInputs } from "../../packages/streamt-sdk/src/runtime/input-check.js";
import { lineHere, refusal } from "../helpers.js";

const FILE = "test/runtime/input-check-values.test.ts";
const records = (...values: unknown[]) => values.map((value, i) => ({ line: i + 1, value }));

describe("run --local's input check: FLOAT, DOUBLE and MAP values, and a source that skips what it cannot parse", () => {
  it("FLOAT and DOUBLE take JSON numbers and number text with or without an exponent sign; other text is refused", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("s", { topic: "s.v1", schema: t.row({ f: t.float(), d: t.double() }) }).toKafka("o1")).definition] };
    const line = lineHere() - 1;
    expect(checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ f: 1.5, d: 2 }, { f: "1e3", d: "-2.5E+2" }, { f: " .5 ", d: "NaN" }) }], plan)).toEqual([]);
    expect(refusal(() => checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ f: "abc", d: 1 }, { f: 1, d: "1e" }) }], plan)).message.split("\n")).toEqual([
      `--input s.v1=s.jsonl does not fit source s (format json, defined at ${FILE}:${line}):`,
      '  s.jsonl:1: field "f" is "abc", not a number (FLOAT NOT NULL)',
      '  s.jsonl:2: field "d" is "1e", not a number (DOUBLE NOT NULL)',
    ]);
  });

  it("BYTES takes a base64 string; a number or an array is refused as not one", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("b", { topic: "b.v1", schema: t.row({ id: t.string(), payload: t.bytes() }) }).toKafka("o1")).definition] };
    const line = lineHere() - 1;
    expect(checkInputs([{ topic: "b.v1", file: "b.jsonl", records: records({ id: "a", payload: "aGVsbG8=" }) }], plan)).toEqual([]);
    expect(refusal(() => checkInputs([{ topic: "b.v1", file: "b.jsonl", records: records({ id: "a", payload: 5 }, { id: "b", payload: [104, 105] }) }], plan)).message.split("\n")).toEqual([
      `--input b.v1=b.jsonl does not fit source b (format json, defined at ${FILE}:${line}):`,
      '  b.jsonl:1: field "payload" is 5, not a base64 string (BYTES NOT NULL)',
      '  b.jsonl:2: field "payload" is [104,105], not a base64 string (BYTES NOT NULL)',
    ]);
  });

  it("up to 20 problems are listed whole; past 20, the rest are counted", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("n", { topic: "n.v1", schema: t.row({ n: t.int() }) }).toKafka("o1")).definition] };
    const lines = (count: number) => refusal(() => checkInputs([{ topic: "n.v1", file: "n.jsonl", records: records(...Array.from({ length: count }, () => ({ n: "x" }))) }], plan)).message.split("\n");
    const twenty = lines(20);
    expect([twenty.length, twenty.at(-1)]).toEqual([21, '  n.jsonl:20: field "n" is "x", not an integer (INT NOT NULL)']);
    const more = lines(23);
    expect([more.length, more.at(-2), more.at(-1)]).toEqual([22, '  n.jsonl:20: field "n" is "x", not an integer (INT NOT NULL)', "  ... and 3 more"]);
  });

  it("every value of a MAP is checked, not only the first", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("m", { topic: "m.v1", schema: t.row({ id: t.string(), counts: t.map(t.string(), t.int()) }) }).toKafka("o1")).definition] };
    const line = lineHere() - 1;
    expect(checkInputs([{ topic: "m.v1", file: "m.jsonl", records: records({ id: "a", counts: { x: 1, y: 2 } }) }], plan)).toEqual([]);
    expect(refusal(() => checkInputs([{ topic: "m.v1", file: "m.jsonl", records: records({ id: "a", counts: { x: 1, y: "two" } }) }], plan)).message.split("\n")).toEqual([
      `--input m.v1=m.jsonl does not fit source m (format json, defined at ${FILE}:${line}):`,
      '  m.jsonl:1: field "counts.y" is "two", not an integer (INT)',
    ]);
  });

  it("every element of an ARRAY is checked, each named by its index", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("a", { topic: "a.v1", schema: t.row({ id: t.string(), sizes: t.array(t.int()) }) }).toKafka("o1")).definition] };
    const line = lineHere() - 1;
    expect(checkInputs([{ topic: "a.v1", file: "a.jsonl", records: records({ id: "a", sizes: [1, 2] }) }], plan)).toEqual([]);
    expect(refusal(() => checkInputs([{ topic: "a.v1", file: "a.jsonl", records: records({ id: "a", sizes: ["one"] }, { id: "b", sizes: [1, 2, "three"] }) }], plan)).message.split("\n")).toEqual([
      `--input a.v1=a.jsonl does not fit source a (format json, defined at ${FILE}:${line}):`,
      '  a.jsonl:1: field "sizes[0]" is "one", not an integer (INT)',
      '  a.jsonl:2: field "sizes[2]" is "three", not an integer (INT)',
    ]);
  });

  it("a source that skips parse errors reads a bad record as nulls, which its NOT NULL contract drops: a note, not a refusal", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("k", { topic: "k.v1", schema: t.row({ id: t.string(), ok: t.boolean() }), json: { onParseError: "skip" } }).toKafka("o1")).definition] };
    expect(checkInputs([{ topic: "k.v1", file: "k.jsonl", records: records({ id: "a", ok: 1 }, "not an object") }], plan)).toEqual([
      'k.jsonl:1: field "ok" is 1, not true or false (BOOLEAN NOT NULL): source k drops this record (its NOT NULL contract; counted by Flink)',
      'k.jsonl:2: not a JSON object: "not an object": source k drops this record (not a JSON object; counted by Flink)',
    ]);
  });
});
