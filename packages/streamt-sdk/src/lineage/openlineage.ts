/**
 * OpenLineage events for the pipelines synth writes (`synth --openlineage <file|url>`, docs/lineage.md): a
 * JobEvent per pipeline (spec 2-0-2; design-time lineage, as no run exists yet), its Kafka topics as input and
 * output datasets with their schema, and the column lineage of each output from the typed plan (column-lineage.ts).
 */
import { writeFileSync } from "node:fs";
import { formatType } from "../ir/data-type.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { topicUse } from "../ir/topic-use.js";
import type { Column } from "../ir/node-base.js";
import { OutputCode } from "../synth/output-folder.js";
import { StreamtError } from "../errors.js";
import { lineageOf, type ColumnTrace, type RowInfluence } from "./column-lineage.js";

const SPEC = "https://openlineage.io/spec";
/** The schema versions the events are written against (test/fixtures/openlineage holds these files). */
export const OPENLINEAGE_SCHEMAS = {
  event: `${SPEC}/2-0-2/OpenLineage.json#/$defs/JobEvent`,
  jobType: `${SPEC}/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  sql: `${SPEC}/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet`,
  schema: `${SPEC}/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  columnLineage: `${SPEC}/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet`,
  jobDocumentation: `${SPEC}/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet`,
  jobOwnership: `${SPEC}/facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet`,
  datasetDocumentation: `${SPEC}/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet`,
  datasetOwnership: `${SPEC}/facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet`,
} as const;

export interface OpenLineageOptions {
  /** The jobs' namespace (`--openlineage-namespace`, default "streamt"). */
  readonly namespace: string;
  /** The Kafka bootstrap servers the SQL names: the datasets' namespace is `kafka://<first host:port>`. */
  readonly bootstrapServers: string;
  /** A URI naming what produced the events (the SDK and its version). */
  readonly producer: string;
  /** ISO-8601 time of the events. */
  readonly eventTime: string;
  /** Each pipeline's SQL script, by pipeline name (the job's `sql` facet; none under synth --target java). */
  readonly sql: ReadonlyMap<string, string>;
}

interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations: { type: "DIRECT" | "INDIRECT"; subtype: string; description: string }[];
}

export interface OpenLineageJobEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  job: { namespace: string; name: string; facets: Record<string, object> };
  inputs: { namespace: string; name: string; facets: Record<string, object> }[];
  outputs: { namespace: string; name: string; facets: Record<string, object> }[];
}

/** How a step changes a column's value, strongest last: a path through an aggregate is an aggregation. */
const DIRECT_SUBTYPES = ["IDENTITY", "TRANSFORMATION", "AGGREGATION"] as const;
function directSubtype(how: ColumnTrace["how"]): (typeof DIRECT_SUBTYPES)[number] {
  if (how === "aggregated") return "AGGREGATION";
  if (how === "computed" || how === "window bound" || how === "rank") return "TRANSFORMATION";
  return "IDENTITY";
}

/** What a column that decides which rows reach the output does, in OpenLineage's INDIRECT subtypes. */
const INDIRECT_SUBTYPE: Record<RowInfluence["role"], string> = {
  filter: "FILTER",
  check: "FILTER",
  "source contract": "FILTER",
  "join key": "JOIN",
  "time bound": "JOIN",
  "version time": "JOIN",
  "group by": "GROUP_BY",
  "session partition": "GROUP_BY",
  "dedup key": "GROUP_BY",
  partition: "GROUP_BY",
  "window time": "WINDOW",
  "dedup order": "SORT",
  order: "SORT",
};

/** The source columns of this pipeline a trace reads, each with the strongest step on its way and that step's text. */
function directInputs(trace: ColumnTrace): { source: string; column: string; subtype: string; description: string }[] {
  const found: { source: string; column: string; subtype: string; description: string }[] = [];
  const rank = (x: ColumnTrace | null) => (x === null ? -1 : DIRECT_SUBTYPES.indexOf(directSubtype(x.how)));
  // The step named is the first (from the output) of the strongest kind; writing and reading change nothing.
  const walk = (t: ColumnTrace, strongest: ColumnTrace | null): void => {
    const next = t.how !== "written" && t.how !== "read" && rank(t) > rank(strongest) ? t : strongest;
    if (t.how === "read") {
      const description = next === null ? "copied" : `${next.how}${next.detail ? ` ${next.detail}` : ""} at ${next.step}`;
      found.push({ source: t.step, column: t.column, subtype: next === null ? "IDENTITY" : directSubtype(next.how), description });
      return;
    }
    for (const input of t.inputs) walk(input, next);
  };
  walk(trace, null);
  return found;
}

/** Adds a transformation to the input field of (topic, column), one entry per field, no transformation twice. */
function addInput(fields: Map<string, InputField>, namespace: string, topic: string, column: string, t: InputField["transformations"][number]): void {
  const id = `${topic}\u0000${column}`;
  const field = fields.get(id) ?? fields.set(id, { namespace, name: topic, field: column, transformations: [] }).get(id)!;
  if (!field.transformations.some((x) => x.type === t.type && x.subtype === t.subtype && x.description === t.description)) field.transformations.push(t);
}

/** The `documentation` and `ownership` facets of a pipeline's or sink's description and owner options, when given. */
function aboutFacets(about: { description?: string; owner?: string }, producer: string, job: boolean): Record<string, object> {
  return {
    ...(about.description !== undefined ? { documentation: { _producer: producer, _schemaURL: job ? OPENLINEAGE_SCHEMAS.jobDocumentation : OPENLINEAGE_SCHEMAS.datasetDocumentation, description: about.description } } : {}),
    ...(about.owner !== undefined ? { ownership: { _producer: producer, _schemaURL: job ? OPENLINEAGE_SCHEMAS.jobOwnership : OPENLINEAGE_SCHEMAS.datasetOwnership, owners: [{ name: about.owner }] } } : {}),
  };
}

const sorted = (fields: Map<string, InputField>): InputField[] => [...fields.values()].sort((a, b) => a.name.localeCompare(b.name) || a.field.localeCompare(b.field));

function schemaFacet(columns: readonly Column[], producer: string): object {
  return { _producer: producer, _schemaURL: OPENLINEAGE_SCHEMAS.schema, fields: columns.map((c, i) => ({ name: c.name, type: formatType(c.type), ordinal_position: i + 1 })) };
}

/** The datasets' namespace: OpenLineage names a Kafka topic by `kafka://<bootstrap host:port>` and the topic. */
export function kafkaNamespace(bootstrapServers: string): string {
  return `kafka://${bootstrapServers.split(",")[0]!.trim()}`;
}

/** One JobEvent per pipeline, sorted by name. Print and blackhole sinks write no dataset and are left out. */
export function openLineageEvents(plan: Plan, options: OpenLineageOptions): OpenLineageJobEvent[] {
  const kafka = kafkaNamespace(options.bootstrapServers);
  return [...plan.pipelines].sort((a, b) => a.name.localeCompare(b.name)).map((p) => jobEvent(p, plan, kafka, options));
}

function jobEvent(p: PipelineDef, plan: Plan, kafka: string, options: OpenLineageOptions): OpenLineageJobEvent {
  const { producer } = options;
  const use = topicUse(p);
  // The pipeline alone: its traces end at its own sources, the job's inputs (not at the pipelines upstream).
  const lineage = lineageOf({ ...plan, pipelines: [p] });
  const sourceTopic = new Map(use.reads.map((r) => [r.node.path, r.topic]));
  const inputs = [...new Map(use.reads.map((r) => [r.topic, r.node])).entries()].map(([topic, node]) => ({
    namespace: kafka,
    name: topic,
    facets: { schema: schemaFacet(node.physical, producer) },
  }));
  const outputs = use.writes.map(({ topic, node }) => {
    const sink = lineage.sinks.find((s) => s.sink === node.path)!;
    // Entries, not assignments: a column named "__proto__" is a field like any other.
    const columns = Object.fromEntries(
      sink.columns.map((c) => {
        const fields = new Map<string, InputField>();
        for (const i of directInputs(c.trace)) addInput(fields, kafka, sourceTopic.get(i.source)!, i.column, { type: "DIRECT", subtype: i.subtype, description: i.description });
        return [c.name, { inputFields: sorted(fields) }];
      }),
    );
    const dataset = new Map<string, InputField>();
    for (const r of sink.rowInfluences) {
      for (const c of r.columns) {
        for (const o of c.origins) addInput(dataset, kafka, o.topic, o.column, { type: "INDIRECT", subtype: INDIRECT_SUBTYPE[r.role], description: `${r.role} at ${r.step}` });
      }
    }
    return {
      namespace: kafka,
      name: topic,
      facets: {
        schema: schemaFacet(node.schema, producer),
        columnLineage: { _producer: producer, _schemaURL: OPENLINEAGE_SCHEMAS.columnLineage, fields: columns, dataset: sorted(dataset) },
        ...aboutFacets(node, producer, false),
      },
    };
  });
  return {
    eventTime: options.eventTime,
    producer,
    schemaURL: OPENLINEAGE_SCHEMAS.event,
    job: {
      namespace: options.namespace,
      name: p.name,
      facets: {
        jobType: { _producer: producer, _schemaURL: OPENLINEAGE_SCHEMAS.jobType, processingType: "STREAMING", integration: "FLINK", jobType: "JOB" },
        ...aboutFacets(p, producer, true),
        ...(options.sql.has(p.name) ? { sql: { _producer: producer, _schemaURL: OPENLINEAGE_SCHEMAS.sql, query: options.sql.get(p.name)!, dialect: "flink" } } : {}),
      },
    },
    inputs,
    outputs,
  };
}

/**
 * Delivers the events: POSTed one by one to an http(s) URL (OpenLineage's HTTP transport: a JSON body per
 * event), or written to a file as JSON Lines (its file transport: an event per line). A failure is STREAMT-O006.
 * A user and password in the URL are sent as HTTP Basic authentication (as curl does), and no message shows
 * the password or the query's values: either may be a secret.
 */
export async function deliverOpenLineage(events: readonly OpenLineageJobEvent[], target: string): Promise<void> {
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new StreamtError({
        code: OutputCode.openLineageNotDelivered,
        message: `--openlineage ${redactedUrlText(target)} is not a valid URL; the output folder is written`,
        hint: "pass an http(s) URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) or a file",
      });
    }
    const shown = redactedUrl(url);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (url.username !== "" || url.password !== "") {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
      url.username = "";
      url.password = "";
    }
    for (const event of events) {
      let status: string;
      try {
        const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(event), signal: AbortSignal.timeout(30_000) });
        if (response.ok) continue;
        status = `it answered ${response.status} ${response.statusText}`.trim();
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        status = `it could not be reached (${cause?.code ?? cause?.message ?? (e as Error).message})`;
      }
      throw new StreamtError({
        code: OutputCode.openLineageNotDelivered,
        message: `the OpenLineage event of job ${event.job.name} was not posted to ${shown}: ${status}; the output folder is written`,
        hint: "check the URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) and that the server is up, then run synth again",
      });
    }
    return;
  }
  try {
    writeFileSync(target, events.map((e) => JSON.stringify(e) + "\n").join(""));
  } catch (e) {
    throw new StreamtError({
      code: OutputCode.openLineageNotDelivered,
      message: `the OpenLineage events were not written to ${target}: ${(e as Error).message}; the output folder is written`,
      hint: "pass a file in a folder you can write, or an http(s) URL",
    });
  }
}

/** A URL as messages show it: the password and the query's values hidden. */
function redactedUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== "") shown.password = "***";
  for (const key of [...new Set(shown.searchParams.keys())]) shown.searchParams.set(key, "***");
  return shown.href.replace(/%2A%2A%2A/g, "***");
}

/** The same for text that does not parse as a URL: whatever stands between "//" and "@", and the query, hidden. */
function redactedUrlText(text: string): string {
  return text.replace(/^([a-z]+:\/\/)[^/@]*@/i, "$1***@").replace(/\?.*$/, "?***");
}
