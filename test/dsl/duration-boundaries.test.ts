/**
 * Durations at their edges: what parses to which milliseconds, and the exact refusal of everything else
 * (a unit missing, a fraction of a millisecond, a negative or non-finite number, beyond Flink's longest
 * interval), and how milliseconds print back.
 */
import { describe, expect, it } from "vitest";
import { formatDuration, MAX_DURATION_MS, parseDuration, parsePositiveDuration } from "../../packages/streamt-sdk/src/dsl/duration.js";
import { lineHere, refusal } from "../helpers.js";

const FILE = "test/dsl/duration-boundaries.test.ts";
const HINT = 'write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds';

describe("parseDuration", () => {
  it.each([
    ["0ms", 0], ["0s", 0], [0, 0], [1, 1], ["1ms", 1], ["5s", 5000], [" 5s ", 5000], ["5 s", 5000], ["1.5s", 1500], ["0.001s", 1],
    ["10m", 600_000], ["10min", 600_000], ["1.5m", 90_000], ["2h", 7_200_000], ["7d", 604_800_000], ["999999d", MAX_DURATION_MS], [MAX_DURATION_MS, MAX_DURATION_MS],
  ] as const)("%j is %i ms", (input, ms) => {
    expect(parseDuration(input, "x")).toBe(ms);
  });

  const notADuration = "it is not a duration";
  it.each([
    ["5", '"5"', notADuration], ["", '""', notADuration], ["5S", '"5S"', notADuration], ["-5s", '"-5s"', notADuration], ["1e3ms", '"1e3ms"', notADuration],
    ["5 seconds", '"5 seconds"', notADuration], [".5s", '".5s"', notADuration], ["5s5", '"5s5"', notADuration],
    [-1, "-1", notADuration], [1.5, "1.5", notADuration], [Number.NaN, "NaN", notADuration], [Number.POSITIVE_INFINITY, "Infinity", notADuration],
    [null, "null", notADuration], [undefined, "undefined", notADuration], [true, "true", notADuration],
    ["0.5ms", '"0.5ms"', "it is not a whole number of milliseconds"], ["1.0005s", '"1.0005s"', "it is not a whole number of milliseconds"],
    ["1000000d", '"1000000d"', "it is longer than 999999 days, the longest interval Flink holds"],
    [MAX_DURATION_MS + 1, String(MAX_DURATION_MS + 1), "it is longer than 999999 days, the longest interval Flink holds"],
  ] as const)("%j is refused", (input, shown, why) => {
    const line = lineHere() + 1;
    expect(refusal(() => parseDuration(input, "tumble size"))).toEqual({ code: "STREAMT-B003", message: `invalid duration ${shown} for tumble size: ${why}`, hint: HINT, site: { file: FILE, line, column: expect.any(Number) } });
  });

  it("a positive duration refuses zero, in every spelling, and takes the smallest step above it", () => {
    for (const zero of [0, "0s", "0ms", "0.0h"]) {
      const line = lineHere() + 1;
      expect(refusal(() => parsePositiveDuration(zero, "state ttl"))).toEqual({
        code: "STREAMT-B003",
        message: "state ttl must be longer than 0",
        hint: 'Flink reads 0 as "off" here; give a positive duration such as "1d", or leave the option out',
        site: { file: FILE, line, column: expect.any(Number) },
      });
    }
    expect(parsePositiveDuration("1ms", "state ttl")).toBe(1);
    expect(parsePositiveDuration(1, "state ttl")).toBe(1);
  });
});

describe("formatDuration: the largest exact unit", () => {
  it.each([
    [0, "0ms"], [1, "1ms"], [999, "999ms"], [1000, "1s"], [1500, "1500ms"], [59_000, "59s"], [60_000, "1m"], [90_000, "90s"],
    [3_600_000, "1h"], [5_400_000, "90m"], [86_400_000, "1d"], [90_000_000, "25h"], [MAX_DURATION_MS, "999999d"],
  ] as const)("%i ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text, "x")).toBe(ms);
  });
});
