import { BuildErrorCode, StreamtError } from "../errors.js";

/**
 * The text of time literals, read one way for both outputs. Date.parse and Java's parsers each read text their own
 * way (Date.parse takes '2024-02-30' as 1 March and ignores the offset of '2024-01-01 10:00:00 +0100 (CET)'; Flink
 * refuses TIMESTAMP 'tomorrow' only when the job is planned), so text of any other shape, or a day its month does
 * not have, is refused when the pipeline is built (STREAMT-B002).
 */

/**
 * A literal instant's text: a day ('yyyy-MM-dd', or an expanded year '+yyyyyy-MM-dd'), then optionally a time
 * ('HH:mm[:ss[.fraction]]' after a space or a T), then optionally Z or an offset ('+hh:mm', '+hhmm').
 */
const INSTANT_TEXT = /^((?:[+-]\d{6}|\d{4})-\d{2}-(\d{2}))(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The epoch milliseconds of a literal instant (a TIMESTAMP_LTZ value): text without an offset is UTC. */
export function instantMillis(text: string): number {
  const m = INSTANT_TEXT.exec(text);
  const ms = m ? Date.parse(`${m[1]}T${m[3] ?? "00:00"}${m[4] ?? "Z"}`) : NaN;
  if (Number.isNaN(ms) || !sameDay(m![1]!, m![2]!) || !beforeMidnight(m![3])) throw timeTextError(`'${text}' is not an instant`, "write 'yyyy-MM-dd HH:mm:ss' (UTC) or ISO-8601 with an offset, or pass a Date");
  return ms;
}

/** A wall-clock time without a zone: a day, then a time to the second, then optionally a fraction of up to 9 digits. */
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-(\d{2}))[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?$/;

/**
 * A TIMESTAMP literal's text as Flink's TIMESTAMP '...' reads it, 'yyyy-MM-dd HH:mm:ss[.fraction]' (a T in place of
 * the space is taken and written as a space); anything else, an offset included (a TIMESTAMP has no zone), is refused.
 */
export function timestampText(text: string): string {
  const m = TIMESTAMP_TEXT.exec(text);
  const valid = m !== null && !Number.isNaN(Date.parse(`${m[1]}T${m[3]}Z`)) && sameDay(m[1]!, m[2]!) && beforeMidnight(m[3]);
  if (!valid) throw timeTextError(`'${text}' is not a TIMESTAMP value`, "write 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-dd HH:mm:ss.SSS' (no zone: compare a TIMESTAMP_LTZ column for an instant), or pass a Date");
  return `${m[1]} ${m[3]}${m[4] ?? ""}`;
}

/** Whether the day as written is the day parsed: Date.parse rolls a day past the month's end over into the next month. */
function sameDay(date: string, day: string): boolean {
  return new Date(Date.parse(`${date}T00:00Z`)).getUTCDate() === Number(day);
}

/** Whether a time of day is before 24:00, which Date.parse reads as the next day's midnight. */
function beforeMidnight(time: string | undefined): boolean {
  return time === undefined || Number(time.slice(0, 2)) < 24;
}

function timeTextError(message: string, hint: string): StreamtError {
  return new StreamtError({ code: BuildErrorCode.typeMismatch, message, hint });
}
