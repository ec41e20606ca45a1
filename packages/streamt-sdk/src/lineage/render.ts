/**
 * How lineage is shown: `lineageSchema` is the documented, stable shape of `streamt-sdk lineage --json`
 * (docs/lineage.md), and `lineageText` the terminal view, a tree per sink column.
 */
import { z } from "zod";
import { LINEAGE_VERSION, type ColumnTrace, type Lineage } from "./column-lineage.js";

const NODE_KINDS = ["source", "filter", "project", "union", "windowAggregate", "aggregate", "deduplicate", "topN", "overAggregate", "intervalJoin", "temporalJoin", "windowJoin", "join", "sink"] as const;
const DERIVATIONS = ["read", "processing time", "copied", "renamed", "computed", "aggregated", "group key", "window bound", "join key", "merged", "rank", "written"] as const;
const ROLES = ["filter", "check", "join key", "time bound", "version time", "group by", "window time", "session partition", "dedup key", "dedup order", "partition", "order", "source contract"] as const;

const origin = z.strictObject({ pipeline: z.string(), source: z.string(), topic: z.string(), column: z.string() });

type TraceShape = ColumnTrace;
const trace: z.ZodType<TraceShape> = z.lazy(() =>
  z.strictObject({
    pipeline: z.string(),
    step: z.string(),
    kind: z.enum(NODE_KINDS),
    column: z.string(),
    type: z.string(),
    how: z.enum(DERIVATIONS),
    detail: z.string().nullable(),
    inputs: z.array(trace),
  }),
);

/** The JSON document `streamt-sdk lineage --json` prints. Additions bump nothing; a change of meaning bumps `version`. */
export const lineageSchema = z.strictObject({
  version: z.literal(LINEAGE_VERSION),
  pipelines: z.array(
    z.strictObject({
      name: z.string(),
      site: z.string().nullable(),
      nodes: z.array(z.strictObject({ path: z.string(), kind: z.enum(NODE_KINDS), inputs: z.array(z.string()), topic: z.string().nullable(), site: z.string().nullable() })),
    }),
  ),
  topics: z.array(
    z.strictObject({
      topic: z.string(),
      writers: z.array(z.strictObject({ pipeline: z.string(), sink: z.string() })),
      readers: z.array(z.strictObject({ pipeline: z.string(), source: z.string() })),
    }),
  ),
  sinks: z.array(
    z.strictObject({
      pipeline: z.string(),
      sink: z.string(),
      topic: z.string().nullable(),
      columns: z.array(z.strictObject({ name: z.string(), type: z.string(), origins: z.array(origin), trace })),
      rowInfluences: z.array(
        z.strictObject({
          pipeline: z.string(),
          step: z.string(),
          role: z.enum(ROLES),
          columns: z.array(z.strictObject({ column: z.string(), origins: z.array(origin) })),
        }),
      ),
    }),
  ),
});

export type LineageJson = z.infer<typeof lineageSchema>;

export function lineageJson(lineage: Lineage): string {
  return JSON.stringify(lineageSchema.parse(lineage), null, 2) + "\n";
}

/** One line of a trace: what the step does to the column, and where. */
function traceLine(t: ColumnTrace, pipelineShown: string): string {
  const at = t.pipeline === pipelineShown ? t.step : `${t.pipeline}: ${t.step}`;
  switch (t.how) {
    case "read":
      return `${t.column} read by ${at} from topic ${t.detail}`;
    case "written":
      return `${t.column} written by ${at}`;
    case "computed":
    case "aggregated":
      return `${t.column} ${t.how} as ${t.detail} at ${at}`;
    case "window bound":
      return `${t.column} window bound of ${t.detail} at ${at}`;
    case "join key":
    case "rank":
      return `${t.column} ${t.how} (${t.detail}) at ${at}`;
    default:
      return `${t.column} ${t.how}${t.detail ? ` (${t.detail})` : ""} at ${at}`;
  }
}

function traceTree(t: ColumnTrace, pipelineShown: string, indent: string, out: string[]): void {
  // A sink's own line repeats its input's column: the tree starts at what made the value.
  t.inputs.forEach((input, i) => {
    const last = i === t.inputs.length - 1;
    out.push(`${indent}${last ? "└─ " : "├─ "}${traceLine(input, pipelineShown)}`);
    traceTree(input, pipelineShown, indent + (last ? "   " : "│  "), out);
  });
}

/** The terminal view: the graph per pipeline, the topics between pipelines, then a tree per sink column. */
export function lineageText(lineage: Lineage): string {
  const out: string[] = [];
  for (const p of lineage.pipelines) {
    out.push(`pipeline ${p.name}${p.site ? ` (${p.site})` : ""}`);
    for (const n of p.nodes) {
      const from = n.kind === "source" ? ` <- topic ${n.topic}` : ` <- ${n.inputs.join(", ")}`;
      const to = n.kind === "sink" && n.topic ? ` -> topic ${n.topic}` : "";
      out.push(`  ${n.kind} ${n.path}${from}${to}`);
    }
  }
  const shared = lineage.topics.filter((t) => t.writers.length > 0 && t.readers.length > 0);
  if (shared.length > 0) {
    out.push("", "topics between pipelines");
    for (const t of shared) {
      out.push(`  ${t.topic}: written by ${t.writers.map((w) => `${w.pipeline}: ${w.sink}`).join(", ")}; read by ${t.readers.map((r) => `${r.pipeline}: ${r.source}`).join(", ")}`);
    }
  }
  for (const s of lineage.sinks) {
    out.push("", `sink ${s.pipeline}: ${s.sink}${s.topic ? ` -> topic ${s.topic}` : ""}`);
    for (const c of s.columns) {
      out.push(`  ${c.name} ${c.type}`);
      traceTree(c.trace, s.pipeline, "    ", out);
    }
    if (s.rowInfluences.length > 0) {
      out.push("  rows decided by");
      for (const r of s.rowInfluences) {
        const at = r.pipeline === s.pipeline ? r.step : `${r.pipeline}: ${r.step}`;
        out.push(`    ${r.role} at ${at}: ${r.columns.map((c) => c.column).join(", ")}`);
      }
    }
  }
  return out.join("\n") + "\n";
}
