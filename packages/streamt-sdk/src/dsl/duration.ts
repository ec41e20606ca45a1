import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";

/** A duration: `"500ms"`, `"5s"`, `"10m"` / `"10min"`, `"1h"`, `"7d"`, or a number of milliseconds. */
export type Duration = `${number}${DurationUnit}` | number;
export type DurationUnit = "ms" | "s" | "m" | "min" | "h" | "d";

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration: 999,999 days, the largest day-time interval Flink's SQL types hold (DAY(6)).
 * Also keeps every duration an exact integer in JS and in plain digits (no exponent notation).
 */
export const MAX_DURATION_MS = 999_999 * 86_400_000;

/**
 * Parses a duration to whole milliseconds. Rejects anything else with an error that says what is
 * accepted, rather than guessing (a "5" with no unit would be ambiguous). `path` is the pipeline path
 * the refusal names (the source or pipeline the option belongs to), when the caller knows it.
 */
export function parseDuration(input: unknown, what: string, path: string | null = null): number {
  const ms = parseAnyDuration(input, what, path);
  if (ms > MAX_DURATION_MS) throw durationError(shown(input), what, path, "it is longer than 999999 days, the longest interval Flink holds");
  return ms;
}

/** The value as the user wrote it: strings and objects as JSON (not "[object Object]"). */
function shown(input: unknown): string {
  if (typeof input === "string" || (typeof input === "object" && input !== null)) {
    try {
      return JSON.stringify(input) ?? String(input);
    } catch {
      return String(input);
    }
  }
  return String(input);
}

function parseAnyDuration(input: unknown, what: string, path: string | null): number {
  if (typeof input === "number") {
    if (Number.isInteger(input) && input >= 0) return input;
    throw durationError(String(input), what, path);
  }
  if (typeof input !== "string") throw durationError(shown(input), what, path);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)\s*$/.exec(input);
  if (!m) throw durationError(shown(input), what, path);
  const ms = Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
  if (!Number.isInteger(ms)) throw durationError(shown(input), what, path, "it is not a whole number of milliseconds");
  return ms;
}

function durationError(text: string, what: string, path: string | null, why = "it is not a duration"): StreamtError {
  return new StreamtError({
    code: BuildErrorCode.invalidDuration,
    message: `invalid duration ${text} for ${what}: ${why}`,
    hint: 'write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds',
    path,
    site: callSite(),
  });
}

/**
 * A duration that must be longer than zero: for TTLs, timeouts and intervals, where Flink reads 0 as
 * "off" (a TTL of 0 means state never expires), so accepting it would silently mean the opposite.
 */
export function parsePositiveDuration(input: unknown, what: string, path: string | null = null): number {
  const ms = parseDuration(input, what, path);
  if (ms === 0) {
    throw new StreamtError({
      code: BuildErrorCode.invalidDuration,
      message: `${what} must be longer than 0`,
      hint: "Flink reads 0 as \"off\" here; give a positive duration such as \"1d\", or leave the option out",
      path,
      site: callSite(),
    });
  }
  return ms;
}

/** Formats milliseconds in the largest exact unit, e.g. 3_600_000 -> "1h" (used in messages and plan.json). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
