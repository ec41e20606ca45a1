import { timestampText } from "../ir/time-literal.js";
import type { Column } from "../ir/node-base.js";
import type { Row, ValueOf } from "../dsl/schema.js";
import type { Simplify } from "../dsl/type-error.js";

// ---- row types -----------------------------------------------------------------------------------

/** The columns a row carries as data (a processing-time attribute is computed by Flink, never given). */
type DataKeys<R extends Row> = { [K in keyof R]: R[K]["__time"] extends "proctime" ? never : K }[keyof R];
type NotNullKeys<R extends Row> = { [K in DataKeys<R>]: R[K]["__nullable"] extends true ? never : K }[DataKeys<R>];

/**
 * A row as a test writes it: every NOT NULL column, nullable ones optional (absent is null), timestamps
 * as ISO-8601 text ("2024-01-01T10:00:00", "…Z" for TIMESTAMP_LTZ), numbers for every numeric type.
 *
 * @example
 * const row: TestRow<typeof orders> = { order_id: "o1", customer_id: "c1", amount: 12.5, status: "paid", event_timestamp: "2024-01-01T10:00:00" };
 */
export type RowValues<R extends Row> = Simplify<
  { readonly [K in NotNullKeys<R>]: ValueOf<R[K]> } & { readonly [K in Exclude<DataKeys<R>, NotNullKeys<R>>]?: ValueOf<R[K]> }
>;

/** The row type of a sink, when its type carries one (a sink made by toKafka or toUpsertKafka). */
export type SinkRowOf<S> = S extends { readonly __row?: infer R } ? (0 extends 1 & R ? never : R extends Row ? R : never) : never;

/** A row a sink is expected to receive: typed by the sink's row where its type has one. */
export type ExpectedRow<S> = [SinkRowOf<S>] extends [never] ? Readonly<Record<string, unknown>> : RowValues<SinkRowOf<S>>;

/**
 * One change an upsert topic holds, in order per key: `+I` a key's first row (or its first after a
 * delete), `+U` a later row of the key, `-D` a tombstone (`row` is the row the key had). Flink's
 * upsert-kafka sink writes no `-U` (UPDATE_BEFORE) records: a `+U` replaces the key's row.
 */
export interface Change<Rw = Readonly<Record<string, unknown>>> {
  readonly op: "+I" | "+U" | "-D";
  readonly row: Rw;
}

// ---- canonical values ----------------------------------------------------------------------------

function isWallClockTime(text: string): boolean {
  try {
    timestampText(text);
    return true;
  } catch {
    return false;
  }
}

const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z?)$/;

/**
 * A timestamp as one text whatever its spelling: "2024-01-01 10:00" and "2024-01-01T10:00:00.000" are
 * both "2024-01-01T10:00:00" (what Flink's ISO-8601 JSON writes: seconds always, a fraction when not zero).
 */
export function canonicalTimestamp(text: string): string | null {
  const m = TIMESTAMP_TEXT.exec(text);
  // A day its month does not have, or 24:00, is no timestamp (Date.parse would roll it into the next day).
  if (!m || !isWallClockTime(`${m[1]} ${m[2]}:${m[3] ?? "00"}`)) return null;
  const fraction = (m[4] ?? "").replace(/0+$/, "");
  return `${m[1]}T${m[2]}:${m[3] ?? "00"}${fraction ? `.${fraction}` : ""}${m[5]}`;
}

/** A value compared by its column's type: timestamps in one spelling, numbers as numbers, absent as null. */
function canonicalValue(column: Column, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (column.type.kind) {
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return typeof v === "string" ? (canonicalTimestamp(v) ?? v) : v;
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : v;
    default:
      return v;
  }
}

/** A row with the sink's columns in their order, each value canonical. */
export function canonicalRow(columns: readonly Column[], row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c.name, canonicalValue(c, row[c.name])]));
}

/** The row as one line of JSON, its columns in the sink's order. */
export function rowText(row: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(row);
}

// ---- differences ---------------------------------------------------------------------------------

/** A record expected and one received that are the same row with some columns changed. */
export interface ChangedRow {
  readonly expected: Record<string, unknown>;
  readonly actual: Record<string, unknown>;
  readonly columns: readonly string[];
}

export interface RowDiff {
  readonly missing: readonly Record<string, unknown>[];
  readonly unexpected: readonly Record<string, unknown>[];
  readonly changed: readonly ChangedRow[];
}

/**
 * The difference of two multisets of canonical rows. With a key (see pairingKey), a missing and an
 * unexpected row of the same key are one changed row; without one, rows are only missing or unexpected.
 */
export function diffRows(expected: readonly Record<string, unknown>[], actual: readonly Record<string, unknown>[], key: readonly string[] | null): RowDiff {
  const left = [...actual];
  const missing: Record<string, unknown>[] = [];
  for (const e of expected) {
    const i = left.findIndex((a) => rowText(a) === rowText(e));
    if (i >= 0) left.splice(i, 1);
    else missing.push(e);
  }
  const unexpected = left;
  const changed: ChangedRow[] = [];
  if (key === null || key.length === 0) return { missing, unexpected, changed };
  const keyText = (r: Record<string, unknown>) => rowText(Object.fromEntries(key.map((k) => [k, r[k]])));
  for (const e of [...missing]) {
    const i = unexpected.findIndex((a) => keyText(a) === keyText(e));
    if (i < 0) continue;
    const a = unexpected[i]!;
    changed.push({ expected: e, actual: a, columns: Object.keys(e).filter((c) => JSON.stringify(e[c]) !== JSON.stringify(a[c])) });
    missing.splice(missing.indexOf(e), 1);
    unexpected.splice(i, 1);
  }
  return { missing, unexpected, changed };
}

/** The diff as text: changed, then missing, then unexpected rows, one per line. */
export function diffText(d: RowDiff): string {
  const lines: string[] = [];
  if (d.changed.length > 0) {
    lines.push(`  changed (${d.changed.length}):`);
    for (const c of d.changed) {
      lines.push(`    expected ${rowText(c.expected)}`, `    got      ${rowText(c.actual)}`, `      (${c.columns.join(", ")} differ${c.columns.length === 1 ? "s" : ""})`);
    }
  }
  if (d.missing.length > 0) lines.push(`  missing (${d.missing.length}):`, ...d.missing.map((r) => `    ${rowText(r)}`));
  if (d.unexpected.length > 0) lines.push(`  unexpected (${d.unexpected.length}):`, ...d.unexpected.map((r) => `    ${rowText(r)}`));
  return lines.join("\n");
}

export function isEmptyDiff(d: RowDiff): boolean {
  return d.missing.length === 0 && d.unexpected.length === 0 && d.changed.length === 0;
}
