import { formatType, withNullable, type DataType } from "../ir/data-type.js";
import type { Column } from "../ir/node-base.js";
import { countsUnreadable } from "../ir/job-plan.js";
import { enforcedColumns, type SourceNode } from "../ir/nodes/source-node.js";
import { quoteIdent as q, quoteString } from "./sql-text.js";

/**
 * How a source's script enforces the NOT NULL columns of its schema (see enforcedColumns): the source
 * table declares them nullable, and a view over it keeps the records with a value in each, presenting
 * them NOT NULL to every later step; the other records go to the violations sink (a blackhole that
 * counts them, or the dead-letter topic).
 */
export interface SourceContract {
  readonly enforced: readonly Column[];
  /**
   * The computed column that is the table's rowtime when the event-time column is enforced, else null.
   * Flink derives NOT NULL only from an expression (COALESCE), and an expression over a rowtime is no
   * longer a time attribute; a computed column in the table, with the WATERMARK on it, stays one.
   */
  readonly rowtime: string | null;
  /** The table's metadata columns a dead-letter record names the record by; null when dropping. */
  readonly metadata: { readonly partition: string; readonly offset: string } | null;
}

/** The contract of a source, or null when it has nothing to enforce (every column nullable or a key). */
export function sourceContract(n: SourceNode): SourceContract | null {
  const enforced = enforcedColumns(n);
  if (enforced.length === 0) return null;
  const taken = new Set([...n.physical.map((c) => c.name), ...(n.processingTime ? [n.processingTime] : [])]);
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const time = n.eventTime;
  const rowtime = time?.watermark && enforced.some((c) => c.name === time.column) ? fresh("__streamt_rowtime") : null;
  const metadata = n.kafka.onContractViolation.kind === "dead-letter" ? { partition: fresh("__streamt_partition"), offset: fresh("__streamt_offset") } : null;
  return { enforced, rowtime, metadata };
}

/** The source table's type of a physical column: nullable when the contract enforces its NOT NULL. */
export function tableColumnType(c: Column, contract: SourceContract | null): DataType {
  return contract?.enforced.includes(c) ? withNullable(c.type, true) : c.type;
}

/** A SQL null of a type (nested types nullable, as a source reads them). */
const nullOf = (t: DataType): string => `CAST(NULL AS ${formatType(withNullable(t, true), q)})`;

/**
 * A NOT NULL value of the type, for `COALESCE(column, value)`: after `WHERE column IS NOT NULL` it is
 * never used, but it makes Flink's planner derive the column NOT NULL, as the plan has it (a WHERE alone
 * does not narrow a column's type, and Flink has no `CAST(... AS ... NOT NULL)`).
 */
export function notNullPlaceholder(t: DataType): string {
  switch (t.kind) {
    case "STRING":
      return "''";
    case "BOOLEAN":
      return "FALSE";
    case "INT":
      return "0";
    case "TINYINT":
    case "SMALLINT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return `CAST(0 AS ${formatType(withNullable(t, true))})`;
    case "DATE":
      return "DATE '1970-01-01'";
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return `CAST(TIMESTAMP '1970-01-01 00:00:00' AS ${formatType(withNullable(t, true))})`;
    case "BYTES":
      return "X''";
    case "ARRAY":
      return `ARRAY[${nullOf(t.element)}]`;
    case "MAP":
      return `MAP[${nullOf(t.key)}, ${nullOf(t.value)}]`;
    case "ROW":
      return `ROW(${t.fields.map((f) => nullOf(f.type)).join(", ")})`;
  }
}

/** The conjunction `a IS NOT NULL AND b IS NOT NULL ...` (or its negation, for the violations). */
function present(contract: SourceContract): string {
  return contract.enforced.map((c) => `${q(c.name)} IS NOT NULL`).join(" AND ");
}

/**
 * The view's query: the records that keep the contract, with its columns NOT NULL for Flink too. `keep`
 * is a further condition on the table's records (a test run's heartbeat filter).
 */
export function contractViewQuery(n: SourceNode, table: string, contract: SourceContract, keep?: string): string {
  const columns = n.schema.map((c) => {
    if (contract.rowtime !== null && c.name === n.eventTime?.column) return `${q(contract.rowtime)} AS ${q(c.name)}`;
    const enforced = contract.enforced.find((e) => e.name === c.name);
    return enforced ? `COALESCE(${q(c.name)}, ${notNullPlaceholder(enforced.type)}) AS ${q(c.name)}` : q(c.name);
  });
  return `SELECT ${columns.join(", ")}\nFROM ${q(table)}\nWHERE ${present(contract)}${keep ? ` AND ${keep}` : ""}`;
}

const STRING: DataType = { kind: "STRING", nullable: true };
const deadLetter = (n: SourceNode): boolean => n.kafka.onContractViolation.kind === "dead-letter";
/** The dead-letter record's `record`: the row as read, every field nullable. */
export const recordType = (n: SourceNode): DataType => ({ kind: "ROW", nullable: true, fields: n.physical.map((c) => ({ name: c.name, type: withNullable(c.type, true) })) });

/**
 * The columns of the violations sink: a reason, and with a dead-letter topic where the record came from
 * and what it held (`record` as read; `text`, under onParseError "skip", the value of a record that is not
 * a JSON object, as it is in the topic).
 */
export function violationColumns(n: SourceNode): Column[] {
  const reason: Column = { name: "reason", type: STRING };
  if (!deadLetter(n)) return [reason];
  return [
    { name: "pipeline", type: STRING },
    { name: "source", type: STRING },
    { name: "topic", type: STRING },
    { name: "partition", type: { kind: "INT", nullable: true } },
    { name: "offset", type: { kind: "BIGINT", nullable: true } },
    reason,
    { name: "record", type: recordType(n) },
    ...(countsUnreadable(n) ? [{ name: "text", type: STRING }] : []),
  ];
}

/**
 * The INSERT's query of the violations sink: every record with a null in an enforced column, and why
 * (`NOT NULL column(s) missing or null: a, b`, the columns as the schema names them); `keep` as for
 * contractViewQuery.
 */
export function violationsQuery(pipeline: string, n: SourceNode, table: string, contract: SourceContract, keep?: string): string {
  const missing = contract.enforced.map((c) => `CASE WHEN ${q(c.name)} IS NULL THEN ${quoteString(c.name)} END`);
  const reason = `CONCAT(${quoteString("NOT NULL column(s) missing or null: ")}, CONCAT_WS(', ', ${missing.join(", ")})) AS ${q("reason")}`;
  const select = contract.metadata === null
    ? [reason]
    : [
        `${quoteString(pipeline)} AS ${q("pipeline")}`,
        `${quoteString(n.name)} AS ${q("source")}`,
        `${quoteString(n.kafka.topic)} AS ${q("topic")}`,
        `${q(contract.metadata.partition)} AS ${q("partition")}`,
        `${q(contract.metadata.offset)} AS ${q("offset")}`,
        reason,
        `ROW(${n.physical.map((c) => q(c.name)).join(", ")}) AS ${q("record")}`,
        ...(countsUnreadable(n) ? [`CAST(NULL AS STRING) AS ${q("text")}`] : []),
      ];
  const broken = contract.enforced.map((c) => `${q(c.name)} IS NULL`).join(" OR ");
  return `SELECT ${select.join(", ")}\nFROM ${q(table)}\nWHERE ${keep ? `(${broken}) AND ${keep}` : broken}`;
}

/** A source's text table (its topic read again with format 'raw', see countsUnreadable): the value as text. */
export const TEXT_COLUMN = "text";

/** The text table's metadata columns, named as Flink's metadata keys (the table has no other columns to clash with): a dead-letter record's partition and offset. */
export function textMetadata(n: SourceNode): readonly ("partition" | "offset")[] {
  return deadLetter(n) ? ["partition", "offset"] : [];
}

/**
 * The INSERT's query of the violations sink from a source's text table: the records the JSON format skips
 * (under onParseError "skip") because their value is not a JSON object (Flink's `IS JSON OBJECT` and the
 * format agree on every case tried on the engine: text, an empty value, an array, a number, a string,
 * `null`). A record without a value (a tombstone) is not one: the format skips it whatever onParseError
 * says, as it holds no row.
 */
export function unreadableQuery(pipeline: string, n: SourceNode, table: string): string {
  const text = q(TEXT_COLUMN);
  const reason = `CASE WHEN ${text} IS JSON THEN ${quoteString("JSON, but not an object")} ELSE ${quoteString("not JSON")} END AS ${q("reason")}`;
  const select = !deadLetter(n)
    ? [reason]
    : [
        `${quoteString(pipeline)} AS ${q("pipeline")}`,
        `${quoteString(n.name)} AS ${q("source")}`,
        `${quoteString(n.kafka.topic)} AS ${q("topic")}`,
        `${q("partition")} AS ${q("partition")}`,
        `${q("offset")} AS ${q("offset")}`,
        reason,
        `CAST(NULL AS ${formatType(recordType(n), q)}) AS ${q("record")}`,
        `${text} AS ${q("text")}`,
      ];
  return `SELECT ${select.join(", ")}\nFROM ${q(table)}\nWHERE ${text} IS NOT NULL AND NOT (${text} IS JSON OBJECT)`;
}
