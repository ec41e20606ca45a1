import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { checkInputs } from "../../packages/streamt-sdk/src/runtime/input-check.js";
import { lineHere, refusal } from "../helpers.js";

const FILE = "test/runtime/input-check-boolean.test.ts";

describe("run --local's input check: BOOLEAN fields", () => {
  const records = (...values: unknown[]) => values.map((value, i) => ({ line: i + 1, value }));

  it("JSON booleans and the strings true/false (any case, spaces around) are read; a number or another string is refused", () => {
    const plan: Plan = { version: PLAN_VERSION, pipelines: [pipeline("p").write(source("s", { topic: "s.v1", schema: t.row({ id: t.string(), ok: t.boolean() }) }).toKafka("o1")).definition] };
    const line = lineHere() - 1;
    expect(checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ id: "a", ok: true }, { id: "b", ok: false }, { id: "c", ok: " TRUE " }, { id: "d", ok: "false" }) }], plan)).toEqual([]);
    expect(refusal(() => checkInputs([{ topic: "s.v1", file: "s.jsonl", records: records({ id: "a", ok: 1 }, { id: "b", ok: "yes" }) }], plan)).message.split("\n")).toEqual([
      `--input s.v1=s.jsonl does not fit source s (format json, defined at ${FILE}:${line}):`,
      '  s.jsonl:1: field "ok" is 1, not true or false (BOOLEAN NOT NULL)',
      '  s.jsonl:2: field "ok" is "yes", not true or false (BOOLEAN NOT NULL)',
    ]);
  });
});
