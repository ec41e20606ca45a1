import { formatType, INTEGER_KINDS, type DataType } from "../ir/data-type.js";
import { enforcedColumns, type SourceNode } from "../ir/nodes/source-node.js";
import type { Plan } from "../ir/plan.js";
import { topologicalOrder } from "../ir/plan-node.js";
import { StreamtError } from "../errors.js";
import type { JsonlRecord } from "./kafka-io.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** At most this many bad lines are listed per source (the rest are counted). */
const SHOWN = 20;

/** The source nodes of a plan, by the topic they read (a topic may be read by several sources). */
export function sourcesByTopic(plan: Plan): Map<string, SourceNode[]> {
  const byTopic = new Map<string, SourceNode[]>();
  const seen = new Set<SourceNode>();
  for (const p of plan.pipelines) {
    for (const n of topologicalOrder(p.sinks)) {
      if (n.kind !== "source" || seen.has(n)) continue;
      seen.add(n);
      byTopic.set(n.kafka.topic, [...(byTopic.get(n.kafka.topic) ?? []), n]);
    }
  }
  return byTopic;
}

/** One `--input` file, read by readJsonl, for the topic it is produced to. */
export interface InputFile {
  readonly topic: string;
  /** The path as the user wrote it (messages show it). */
  readonly file: string;
  readonly records: readonly JsonlRecord[];
}

/**
 * Refuses `--input` records that a source reading their topic could not read as a row, before anything
 * starts: STREAMT-R010 listing every bad line as `<file>:<line>: <why>`, under the source it does not
 * fit. Flink would otherwise fail the job on them (for ever, when checkpointing makes it restart).
 * Sources in the `json` format are checked field by field (the JSON type Flink can read as the
 * column's type). A record without a value in a NOT NULL column the source's contract enforces is
 * not refused: the job drops it or writes it to the dead-letter topic, and the returned notes say
 * so, one per such line (a primary-key column must have its value: refused). A source that skips parse
 * errors (`json: { onParseError: "skip" }`) gets a note, not a refusal, for a line it cannot parse (the job
 * drops and counts it, or dead-letters it, as a contract violation: a value it cannot read breaks a NOT
 * NULL column, and a value that is not a JSON object is caught by the source's text table), and
 * timestamps are read in the source's form (ISO-8601 or SQL). `debezium-json`
 * values must be objects (change events); other formats are not checked (csv, raw: a JSON string line
 * is produced as it is; avro). A null value (a tombstone) is always allowed: Flink skips it.
 *
 * @example
 * checkInputs([{ topic: "orders.raw.v1", file: "orders.jsonl", records: readJsonl(path, "orders.jsonl") }], plan);
 * // STREAMT-R010: --input orders.raw.v1=orders.jsonl does not fit source orders (format json, defined at src/p.ts:8):
 * //   orders.jsonl:3: missing NOT NULL field "amount" (DECIMAL(10, 2) NOT NULL)
 */
export function checkInputs(inputs: readonly InputFile[], plan: Plan): string[] {
  const byTopic = sourcesByTopic(plan);
  const notes: string[] = [];
  const blocks = inputs.flatMap((i) => inputProblems(i, byTopic.get(i.topic) ?? [], notes));
  if (blocks.length === 0) return notes;
  throw new StreamtError({
    code: RuntimeErrorCode.invalidInput,
    message: blocks.join("\n"),
    hint: "write each line as a JSON object with every NOT NULL column of the source, each value of its column's type; nothing was started",
  });
}

/** One block of text per source the file does not fit: a header, then a line per bad record. */
function inputProblems(input: InputFile, sources: readonly SourceNode[], notes: string[]): string[] {
  const { topic, file, records } = input;
  const blocks: string[] = [];
  for (const source of sources) {
    const format = source.kafka.format;
    if (format !== "json" && format !== "debezium-json") continue;
    const problems: string[] = [];
    for (const r of records) {
      if (r.value === null) continue;
      const problem = format === "json" ? rowProblem(source, r.value) : isObject(r.value) ? null : `not a JSON object: ${snippet(r.value)}`;
      if (problem !== null && source.kafka.json?.ignoreParseErrors) {
        // The job reads it (json: { onParseError: "skip" }): say what becomes of it instead of refusing it.
        notes.push(`${file}:${r.line}: ${problem}: source ${source.name} ${whereViolationsGo(source, isObject(r.value) ? "its NOT NULL contract" : "not a JSON object")}`);
      } else if (problem !== null) problems.push(`${file}:${r.line}: ${problem}`);
      else if (format === "json") {
        const broken = contractBreach(source, r.value as Record<string, unknown>);
        if (broken !== null) notes.push(`${file}:${r.line}: ${broken}: source ${source.name} ${whereViolationsGo(source)}`);
      }
    }
    if (problems.length === 0) continue;
    const site = source.site ? `, defined at ${source.site.file}:${source.site.line}` : "";
    const more = problems.length > SHOWN ? [`... and ${problems.length - SHOWN} more`] : [];
    blocks.push(
      [`--input ${topic}=${file} does not fit source ${source.name} (format ${format}${site}):`, ...[...problems.slice(0, SHOWN), ...more].map((p) => `  ${p}`)].join("\n"),
    );
  }
  return blocks;
}

/**
 * Why Flink could not read the record as a row of the source, or null. A NOT NULL column the source's
 * contract enforces may be missing or null: the job itself routes such a record (see contractBreach).
 */
export function rowProblem(source: SourceNode, value: unknown): string | null {
  if (!isObject(value)) return `not a JSON object: ${snippet(value)}`;
  const enforced = new Set(enforcedColumns(source).map((c) => c.name));
  for (const c of source.physical) {
    const v = value[c.name];
    if ((v === null || v === undefined) && enforced.has(c.name)) continue;
    const problem = valueProblem(c.type, v, c.name, timestampForms(source), c.name in value, true);
    if (problem !== null) return problem;
  }
  return null;
}

/** The first enforced NOT NULL column the record lacks, said as a note, or null. */
function contractBreach(source: SourceNode, value: Record<string, unknown>): string | null {
  for (const c of enforcedColumns(source)) {
    const v = value[c.name];
    if (v === undefined) return `missing NOT NULL field "${c.name}"`;
    if (v === null) return `field "${c.name}" is null`;
  }
  return null;
}

/** What the job does with a record that breaks the source's contract, or (onParseError "skip") that is not a JSON object. */
function whereViolationsGo(source: SourceNode, why = "its NOT NULL contract"): string {
  const v = source.kafka.onContractViolation;
  return v.kind === "dead-letter" ? `writes this record to its dead-letter topic ${v.topic}` : `drops this record (${why}; counted by Flink)`;
}

/** Why `v` cannot be read as `type` by Flink's JSON format, or null. `name` is the field's path. */
function valueProblem(type: DataType, v: unknown, name: string, forms: TimestampForms, present = true, topLevel = false): string | null {
  if (v === null || v === undefined) {
    // Inside ARRAY, MAP and ROW values, a source reads every value as nullable (its contract).
    if (type.nullable || !topLevel) return null;
    return present ? `field "${name}" is null, but its type is ${formatType(type)}` : `missing NOT NULL field "${name}" (${formatType(type)})`;
  }
  const wrong = (): string => `field "${name}" is ${snippet(v)}, not ${expected(type, forms)}`;
  switch (type.kind) {
    case "STRING":
      return null; // Flink reads any JSON value as its text
    case "BOOLEAN":
      return typeof v === "boolean" || (typeof v === "string" && /^(true|false)$/i.test(v.trim())) ? null : wrong();
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT": {
      const n = typeof v === "number" ? v : typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return wrong();
      const max = 2 ** ({ TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 }[type.kind] - 1);
      return n >= -max && n < max ? null : `field "${name}" is ${snippet(v)}, out of the range of ${type.kind}`;
    }
    case "FLOAT":
    case "DOUBLE":
      return typeof v === "number" || (typeof v === "string" && (NUMBER.test(v.trim()) || /^[+-]?(NaN|Infinity)$/.test(v.trim()))) ? null : wrong();
    case "DECIMAL": {
      const n = typeof v === "number" ? v : typeof v === "string" && NUMBER.test(v.trim()) ? Number(v) : NaN;
      if (Number.isNaN(n)) return wrong();
      // Flink reads a value with more integer digits than the type allows as null.
      return Math.abs(n) < 10 ** (type.precision - type.scale) ? null : `field "${name}" is ${snippet(v)}, too large for ${formatType(type)}`;
    }
    case "DATE":
      return typeof v === "string" && DATE.test(v) ? null : wrong();
    case "TIMESTAMP":
      return typeof v === "string" && forms.timestamp.test(v) ? null : wrong();
    case "TIMESTAMP_LTZ":
      return typeof v === "string" && forms.timestampLtz.test(v) ? null : wrong();
    case "BYTES":
      return typeof v === "string" ? null : wrong(); // base64
    case "ARRAY":
      if (!Array.isArray(v)) return wrong();
      for (let i = 0; i < v.length; i++) {
        const p = valueProblem(type.element, v[i], `${name}[${i}]`, forms);
        if (p !== null) return p;
      }
      return null;
    case "MAP":
      if (!isObject(v)) return wrong();
      for (const [k, e] of Object.entries(v)) {
        const p = valueProblem(type.value, e, `${name}.${k}`, forms);
        if (p !== null) return p;
      }
      return null;
    case "ROW":
      if (!isObject(v)) return wrong();
      for (const f of type.fields) {
        const p = valueProblem(f.type, v[f.name], `${name}.${f.name}`, forms, f.name in v);
        if (p !== null) return p;
      }
      return null;
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The timestamps Flink's JSON format reads under the source's 'timestamp-format.standard': ISO-8601
 * `2024-01-01T10:00[:00[.5]]` (ISO_LOCAL_TIME), SQL `2024-01-01 10:00:00[.5]` (seconds required: `HH:mm:ss`);
 * a TIMESTAMP_LTZ ends in `Z` in both.
 */
interface TimestampForms {
  readonly separator: "T" | " ";
  readonly timestamp: RegExp;
  readonly timestampLtz: RegExp;
}

const formsWith = (separator: "T" | " ", time: string): TimestampForms => {
  const base = `^\\d{4}-\\d{2}-\\d{2}${separator}${time}`;
  return { separator, timestamp: new RegExp(`${base}$`), timestampLtz: new RegExp(`${base}Z$`) };
};
const ISO_FORMS = formsWith("T", "\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
const SQL_FORMS = formsWith(" ", "\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?");

function timestampForms(source: SourceNode): TimestampForms {
  return source.kafka.json?.timestampFormat === "SQL" ? SQL_FORMS : ISO_FORMS;
}

function expected(type: DataType, forms: TimestampForms): string {
  const t = formatType(type);
  if (INTEGER_KINDS.has(type.kind)) return `an integer (${t})`;
  switch (type.kind) {
    case "BOOLEAN":
      return `true or false (${t})`;
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return `a number (${t})`;
    case "DATE":
      return `a date "yyyy-MM-dd" (${t})`;
    case "TIMESTAMP":
      return `a timestamp "yyyy-MM-dd${forms.separator}HH:mm:ss[.SSS]" (${t})`;
    case "TIMESTAMP_LTZ":
      return `a UTC timestamp "yyyy-MM-dd${forms.separator}HH:mm:ss[.SSS]Z" (${t})`;
    case "BYTES":
      return `a base64 string (${t})`;
    case "ARRAY":
      return `a JSON array (${t})`;
    default:
      return `a JSON object (${t})`;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value as JSON text, cut at 60 characters. */
function snippet(v: unknown): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
