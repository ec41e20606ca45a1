import { BuildErrorCode, StreamtError } from "../errors.js";

// Names and Flink configuration durations are target-neutral (the job plan decides them); SQL uses them as they are.
export { objectName as tableName } from "../ir/job-plan.js";
export { configDuration } from "../ir/config-duration.js";

/**
 * Quotes an identifier with backticks, doubling any backtick inside. Every identifier the emitter
 * writes goes through here, so user-given names can never change the meaning of a statement.
 */
export function quoteIdent(name: string): string {
  // Flink's parser rejects control characters and empty names even when quoted.
  if (name.length === 0 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new StreamtError({
      code: BuildErrorCode.invalidName,
      message: `${JSON.stringify(name)} cannot be a Flink identifier`,
      hint: "use a non-empty name without control characters",
    });
  }
  return "`" + name.replace(/`/g, "``") + "`";
}

/**
 * A `--` comment line. Flink's parser ends such a comment at a line break, so user text in it (a step
 * or sink name, a file path) must not hold one: it would end the comment and start a statement.
 */
export function comment(text: string): string {
  return `-- ${text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " ")}`;
}

/** A SQL string literal: single quotes, doubled inside (Flink reads backslashes literally). */
export function quoteString(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}


const UNITS = [
  ["DAY", 86_400_000],
  ["HOUR", 3_600_000],
  ["MINUTE", 60_000],
  ["SECOND", 1000],
] as const;

/**
 * An interval literal in the largest exact unit. Sub-second parts stay exact as fractional seconds
 * (`INTERVAL '0.5' SECOND`), never rounded away; more than two leading digits get a precision.
 */
export function intervalLiteral(ms: number): string {
  if (ms === 0) return "INTERVAL '0' SECOND";
  const abs = Math.abs(ms);
  const sign = ms < 0 ? "-" : "";
  for (const [unit, size] of UNITS) {
    if (abs >= size && abs % size === 0) {
      const n = String(abs / size);
      return `INTERVAL '${sign}${n}' ${unit}${n.length > 2 ? `(${n.length})` : ""}`;
    }
  }
  const whole = Math.floor(abs / 1000);
  const frac = String(abs % 1000).padStart(3, "0").replace(/0+$/, "");
  const digits = String(whole).length;
  return `INTERVAL '${sign}${whole}.${frac}' SECOND${digits > 2 ? `(${digits}, 3)` : ""}`;
}

