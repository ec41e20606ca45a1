/**
 * What the docs site shows, gathered from one synth run: per pipeline its settings, sources and sinks with
 * their schemas, its SQL script, its findings and its column lineage; and the graph the page draws. Plain
 * data: render-html.ts escapes every string of it for the page.
 */
import type { Diagnostic } from "../analysis/diagnostic.js";
import { formatDuration } from "../dsl/duration.js";
import { formatType } from "../ir/data-type.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { topicUse } from "../ir/topic-use.js";
import type { Lineage } from "../lineage/column-lineage.js";
import { lineageText } from "../lineage/render.js";

export interface SiteColumn {
  readonly name: string;
  readonly type: string;
}

export interface SitePipeline {
  readonly name: string;
  /** The page anchor: an index, never the name, so a name cannot change the page's structure. */
  readonly anchor: string;
  readonly site: string | null;
  /** The pipeline's description and owner options (null when not given). */
  readonly description: string | null;
  readonly owner: string | null;
  readonly settings: readonly { readonly key: string; readonly value: string }[];
  readonly sources: readonly { readonly path: string; readonly topic: string; readonly format: string; readonly site: string | null; readonly columns: readonly SiteColumn[] }[];
  readonly sinks: readonly { readonly path: string; readonly writes: string; readonly site: string | null; readonly description: string | null; readonly owner: string | null; readonly columns: readonly (SiteColumn & { readonly from: string })[]; readonly lineage: string }[];
  readonly findings: readonly Diagnostic[];
  readonly sql: string;
}

/** What the page script draws: the lineage graph's pipelines, nodes and topics (docs/docs-site.md). */
export interface SiteGraph {
  readonly pipelines: readonly { readonly name: string; readonly anchor: string; readonly nodes: readonly { readonly path: string; readonly kind: string; readonly inputs: readonly string[]; readonly topic: string | null }[] }[];
  readonly topics: readonly { readonly topic: string; readonly writers: readonly { readonly pipeline: string; readonly sink: string }[]; readonly readers: readonly { readonly pipeline: string; readonly source: string }[] }[];
}

export interface SiteData {
  readonly sdkVersion: string;
  readonly flinkVersion: string;
  readonly pipelines: readonly SitePipeline[];
  /** Findings about no pipeline in particular. */
  readonly projectFindings: readonly Diagnostic[];
  readonly graph: SiteGraph;
}

const siteText = (s: { file: string; line: number } | null): string | null => (s ? `${s.file}:${s.line}` : null);

function settingsOf(p: PipelineDef, flinkVersion: string): { key: string; value: string }[] {
  const s = p.settings;
  const ms = (v: number | null): string | null => (v === null ? null : formatDuration(v));
  const rows: [string, string | null][] = [
    ["Flink version", s.flinkVersion ?? flinkVersion],
    ["parallelism", s.parallelism === null ? null : String(s.parallelism)],
    ["checkpoint interval", ms(s.checkpointIntervalMs)],
    ["state TTL", ms(s.stateTtlMs)],
    ["state backend", s.stateBackend],
    ["source idle timeout", ms(s.sourceIdleTimeoutMs)],
    ...Object.entries(s.config).map(([k, v]): [string, string] => [k, v]),
    ...s.acknowledge.map((a): [string, string] => [`acknowledged ${a.code}`, a.reason]),
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null).map(([key, value]) => ({ key, value }));
}

/** Builds the site's data from a synth run: its plan, lineage, SQL scripts by pipeline and findings. */
export function siteData(input: { plan: Plan; lineage: Lineage; sql: ReadonlyMap<string, string>; diagnostics: readonly Diagnostic[]; sdkVersion: string; flinkVersion: string }): SiteData {
  const { plan, lineage } = input;
  const anchors = new Map(lineage.pipelines.map((p, i) => [p.name, `pipeline-${i + 1}`]));
  const byName = new Map(plan.pipelines.map((p) => [p.name, p]));
  const pipelines = lineage.pipelines.map((lp): SitePipeline => {
    const p = byName.get(lp.name)!;
    const sinks = lineage.sinks.filter((s) => s.pipeline === p.name);
    return {
      name: p.name,
      anchor: anchors.get(p.name)!,
      site: siteText(p.site),
      description: p.description ?? null,
      owner: p.owner ?? null,
      settings: settingsOf(p, input.flinkVersion),
      sources: topicUse(p).reads.map(({ topic, node }) => ({
        path: node.path,
        topic,
        format: node.kafka.format,
        site: siteText(node.site),
        columns: node.schema.map((c) => ({ name: c.name, type: formatType(c.type) + (c.time ? ` (${c.time} attribute)` : "") })),
      })),
      sinks: p.sinks.map((node) => {
        const s = sinks.find((l) => l.sink === node.path)!;
        const c = node.connector;
        return {
          path: node.path,
          writes: c.kind === "kafka" || c.kind === "upsert-kafka" ? `topic ${c.topic} (${c.kind}, ${c.format})` : c.kind,
          site: siteText(node.site),
          description: node.description ?? null,
          owner: node.owner ?? null,
          columns: s.columns.map((col) => ({ name: col.name, type: col.type, from: col.origins.map((o) => `${o.pipeline}: ${o.source}.${o.column} (topic ${o.topic})`).join(", ") })),
          // The terminal's tree of every column, without its heading line (the page has its own).
          lineage: lineageText({ ...lineage, pipelines: [], topics: [], sinks: [s] }).split("\n").slice(2).join("\n"),
        };
      }),
      findings: input.diagnostics.filter((d) => d.pipeline === p.name),
      sql: input.sql.get(p.name) ?? "",
    };
  });
  return {
    sdkVersion: input.sdkVersion,
    flinkVersion: input.flinkVersion,
    pipelines,
    projectFindings: input.diagnostics.filter((d) => d.pipeline === null || !anchors.has(d.pipeline)),
    graph: {
      pipelines: lineage.pipelines.map((p) => ({ name: p.name, anchor: anchors.get(p.name)!, nodes: p.nodes.map((n) => ({ path: n.path, kind: n.kind, inputs: n.inputs, topic: n.topic })) })),
      topics: lineage.topics,
    },
  };
}
