import type { PipelineDef, Plan } from "../ir/plan.js";
import type { Column, SourceSite } from "../ir/node-base.js";
import { formatType, nullableInside, withNullable, type DataType } from "../ir/data-type.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import { topicUse } from "../ir/topic-use.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, type PassContext } from "./pass-support.js";

const at = (site: SourceSite | null): string => (site ? ` (${site.file}:${site.line})` : "");

/**
 * A source that reads a topic another sink of the synth writes must read what that sink writes
 * (STREAMT-E017): the same format, the writer's upsert key, and each column with the writer's type, not
 * NOT NULL where the writer may write null. A mismatch otherwise fails only at run time ("Failed to
 * deserialize"), or silently: a missing column reads as null, a NOT NULL one drops the records, an
 * upsert topic read as append-only repeats every update and loses the deletes. One finding per
 * mismatch, at the reader's source() call; a source made from the sink's handle matches by construction.
 */
export const topicSchemaPass = (plan: Plan, _ctx: PassContext): Diagnostic[] => {
  // Each topic's writers, in plan order: looked up per read (comparing every read with every writer is quadratic).
  const writersOf = new Map<string, { pipeline: PipelineDef; sink: SinkNode; topic: string }[]>();
  for (const p of plan.pipelines) {
    for (const w of topicUse(p).writes) {
      const writer = { pipeline: p, sink: w.node, topic: w.topic };
      const same = writersOf.get(w.topic);
      if (same) same.push(writer);
      else writersOf.set(w.topic, [writer]);
    }
  }
  const found: Diagnostic[] = [];
  for (const p of plan.pipelines) {
    for (const read of topicUse(p).reads) {
      for (const w of writersOf.get(read.topic) ?? []) {
        for (const problem of mismatches(read.node, w.sink)) {
          found.push(finding(DiagnosticCode.topicSchemaMismatch, p, read.node,
            `source '${read.node.name}' reads topic '${read.topic}', written by sink ${w.sink.path} in pipeline '${w.pipeline.name}'${at(w.sink.site)}: ${problem.what}`,
            `${problem.fix}; or read the topic through the writer's sink, which carries its schema: source('${read.node.name}', { from: <that sink> })`));
        }
      }
    }
  }
  return found;
};

interface Mismatch {
  readonly what: string;
  readonly fix: string;
}

function mismatches(reader: SourceNode, sink: SinkNode): Mismatch[] {
  const c = sink.connector;
  if (c.kind !== "kafka" && c.kind !== "upsert-kafka") return [];
  if (reader.kafka.format !== c.format) {
    return [{ what: `the source reads format '${reader.kafka.format}', the sink writes '${c.format}'`, fix: `give the source format: '${c.format}'` }];
  }
  const found: Mismatch[] = [];
  // A timestamp written in one JSON form is unreadable in the other ("Failed to deserialize").
  const writesTimestamps = c.json?.timestampFormat;
  const readsTimestamps = reader.kafka.json?.timestampFormat;
  if (writesTimestamps !== undefined && readsTimestamps !== undefined && writesTimestamps !== readsTimestamps && reader.physical.some((col) => hasTimestamp(col.type))) {
    found.push({ what: `the sink writes timestamps in the ${writesTimestamps} form, the source reads them in the ${readsTimestamps} form`, fix: `give the source json: { timestampFormat: "${writesTimestamps}" }` });
  }
  const key = c.kind === "upsert-kafka" ? c.key : null;
  const readKey = reader.kafka.primaryKey;
  const list = (cols: readonly string[]): string => cols.map((k) => `'${k}'`).join(", ");
  if (key !== null && readKey === null) {
    found.push({ what: `the sink writes a changelog keyed by ${list(key)} (upsert-kafka), the source reads it as append-only: every update would be a new row and deletes would be lost`, fix: `give the source primaryKey: [${list(key)}]` });
  } else if (key === null && readKey !== null) {
    found.push({ what: `the sink writes append-only records without a key, the source reads a changelog keyed by ${list(readKey)}`, fix: "remove primaryKey from the source" });
  } else if (key !== null && readKey !== null && list(key) !== list(readKey)) {
    found.push({ what: `the sink's key is ${list(key)}, the source's primaryKey is ${list(readKey)}`, fix: `give the source primaryKey: [${list(key)}]` });
  }
  if (reader.kafka.format === "csv") {
    // CSV fields have no names: the source reads them by position.
    const written = sink.schema.map((col) => col.name);
    const read = reader.physical.map((col) => col.name);
    if (written.join("\u0000") !== read.join("\u0000")) {
      found.push({ what: `CSV is read by position, and the source's columns (${read.join(", ")}) are not the sink's (${written.join(", ")})`, fix: `declare the sink's columns in its order: ${written.join(", ")}` });
      return found;
    }
  }
  for (const col of reader.physical) {
    const w = sink.schema.find((s) => s.name === col.name);
    if (!w) {
      found.push({ what: `column '${col.name}' is not written (the sink writes ${sink.schema.map((s) => s.name).join(", ")})`, fix: `remove '${col.name}' from the source's schema, or write it in the sink's pipeline` });
      continue;
    }
    const written = writtenType(w, key);
    if (formatType(withNullable(col.type, true)) !== formatType(withNullable(written, true))) {
      found.push({ what: `column '${col.name}' is ${formatType(withNullable(col.type, true))} here and ${formatType(withNullable(written, true))} in the sink`, fix: `declare '${col.name}' as ${builder(withNullable(written, col.type.nullable))}` });
    } else if (!col.type.nullable && written.nullable) {
      found.push({ what: `column '${col.name}' is NOT NULL here, but the sink may write null there: those records would be dropped as contract violations`, fix: `declare '${col.name}' as ${builder(written)}` });
    }
  }
  return found;
}

/** Whether values of the type hold a TIMESTAMP or TIMESTAMP_LTZ, whose JSON text the timestamp format decides. */
function hasTimestamp(type: DataType): boolean {
  switch (type.kind) {
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return true;
    case "ARRAY":
      return hasTimestamp(type.element);
    case "MAP":
      return hasTimestamp(type.key) || hasTimestamp(type.value);
    case "ROW":
      return type.fields.some((f) => hasTimestamp(f.type));
    default:
      return false;
  }
}

/** A sink column's type as a reader can rely on it: nested values nullable (as a source reads them), a key column never null. */
function writtenType(col: Column, key: readonly string[] | null): DataType {
  const type = nullableInside(col.type);
  return key?.includes(col.name) ? withNullable(type, false) : type;
}

/** The `t.*` column type that declares `type`, e.g. `t.decimal(38, 2).nullable()`. */
export function builder(type: DataType): string {
  const base = ((): string => {
    switch (type.kind) {
      case "DECIMAL":
        return `t.decimal(${type.precision}, ${type.scale})`;
      case "TIMESTAMP":
        return `t.timestamp(${type.precision})`;
      case "TIMESTAMP_LTZ":
        return `t.timestampLtz(${type.precision})`;
      case "ARRAY":
        return `t.array(${builder(type.element)})`;
      case "MAP":
        return `t.map(${builder(type.key)}, ${builder(type.value)})`;
      case "ROW":
        return `t.row({ ${type.fields.map((f) => `${/^[A-Za-z_$][\w$]*$/.test(f.name) ? f.name : JSON.stringify(f.name)}: ${builder(f.type)}`).join(", ")} })`;
      default:
        return `t.${type.kind.toLowerCase()}()`;
    }
  })();
  return type.nullable ? `${base}.nullable()` : base;
}
