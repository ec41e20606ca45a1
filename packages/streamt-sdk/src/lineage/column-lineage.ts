/**
 * Column-level lineage, derived from the typed IR: for every sink column, the tree of steps its value
 * passes through back to the source columns it is made of, and how each step makes it. Pure functions
 * over the plan; nothing in the SDK reads their result back.
 *
 * Two kinds of dependency are kept apart: a column's value *flows from* the input columns its trace
 * names; the columns that only decide *which rows* reach the sink (filter conditions, join keys on the
 * other side, group-by keys, dedup and Top-N orders, the source contract) are listed per sink as
 * `rowInfluences`, never as flowing into a column.
 */
import { formatDuration } from "../dsl/duration.js";
import { exprSql } from "../emit-sql/expr-sql.js";
import type { AggregateCall } from "../ir/aggregate-call.js";
import { formatType } from "../ir/data-type.js";
import { walkExpr, type ExprNode } from "../ir/expr-node.js";
import { inputsOf, topologicalOrder, type NodeKind, type PlanNode } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import { enforcedColumns, type SourceNode } from "../ir/nodes/source-node.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { KeyPair } from "../ir/nodes/join-common.js";
import type { ProjectedColumn } from "../ir/nodes/project-node.js";
import type { WindowSpec } from "../ir/window-spec.js";
import { windowColumns } from "../ir/nodes/window-aggregate-node.js";
import { topicUse } from "../ir/topic-use.js";

export const LINEAGE_VERSION = 1;

/**
 * How a step makes an output column from its inputs.
 * - read: a source reads it from its topic (detail: the topic), continued into the writers of that topic among the entries
 * - processing time: a source's processing-time attribute (no input)
 * - copied: passed on unchanged (a filter, dedup, Top-N, a select of the bare column, a value-preserving cast)
 * - renamed: a select of a bare column under another name
 * - computed: an expression over the inputs (detail: the expression)
 * - aggregated: an aggregate function over the group's rows (detail: the call, e.g. SUM(amount), COUNT(*))
 * - group key: a group-by column of an aggregate, one value per group
 * - window bound: window_start / window_end / window_time of a window (detail: the window)
 * - join key: a join's key column, copied from the side the select names (detail: the key it equals)
 * - merged: a union column, one input per union input
 * - rank: a Top-N's row number, computed from the order columns
 * - written: the sink writes its input column
 */
export type Derivation =
  | "read"
  | "processing time"
  | "copied"
  | "renamed"
  | "computed"
  | "aggregated"
  | "group key"
  | "window bound"
  | "join key"
  | "merged"
  | "rank"
  | "written";

export interface ColumnTrace {
  readonly pipeline: string;
  /** The step's path (source name, step names, sink name). */
  readonly step: string;
  readonly kind: NodeKind;
  readonly column: string;
  readonly type: string;
  readonly how: Derivation;
  readonly detail: string | null;
  /** The columns this one is made from, each traced back in turn. */
  readonly inputs: readonly ColumnTrace[];
}

/** A column a sink column ultimately comes from: a source column whose topic no given pipeline writes. */
export interface ColumnOrigin {
  readonly pipeline: string;
  readonly source: string;
  readonly topic: string;
  readonly column: string;
}

/** Columns that decide which rows reach a sink (or in which group or order), traced to their origins. */
export interface RowInfluence {
  readonly pipeline: string;
  readonly step: string;
  readonly role: "filter" | "check" | "join key" | "time bound" | "version time" | "group by" | "window time" | "session partition" | "dedup key" | "dedup order" | "partition" | "order" | "source contract";
  /** Each column as the step reads it (named on its input; a join's on both sides), with its origins. */
  readonly columns: readonly { readonly column: string; readonly origins: readonly ColumnOrigin[] }[];
}

export interface SinkColumnLineage {
  readonly name: string;
  readonly type: string;
  readonly origins: readonly ColumnOrigin[];
  readonly trace: ColumnTrace;
}

export interface SinkLineage {
  readonly pipeline: string;
  readonly sink: string;
  /** The topic written, or null for print and blackhole sinks. */
  readonly topic: string | null;
  readonly columns: readonly SinkColumnLineage[];
  readonly rowInfluences: readonly RowInfluence[];
}

export interface GraphNode {
  readonly path: string;
  readonly kind: NodeKind;
  /** Paths of the node's inputs, left before right. */
  readonly inputs: readonly string[];
  /** The topic a source reads or a sink writes. */
  readonly topic: string | null;
  readonly site: string | null;
}

export interface TopicEdges {
  readonly topic: string;
  readonly writers: readonly { readonly pipeline: string; readonly sink: string }[];
  readonly readers: readonly { readonly pipeline: string; readonly source: string }[];
}

export interface Lineage {
  readonly version: typeof LINEAGE_VERSION;
  readonly pipelines: readonly { readonly name: string; readonly site: string | null; readonly nodes: readonly GraphNode[] }[];
  readonly topics: readonly TopicEdges[];
  readonly sinks: readonly SinkLineage[];
}

const siteText = (n: { site: { file: string; line: number } | null }): string | null => (n.site ? `${n.site.file}:${n.site.line}` : null);

/** The whole lineage of a plan: graph, topics and the lineage of every sink column. */
export function lineageOf(plan: Plan): Lineage {
  const writers = topicWriters(plan);
  const tracer = new Tracer(writers);
  const pipelines = [...plan.pipelines].sort((a, b) => a.name.localeCompare(b.name));
  return {
    version: LINEAGE_VERSION,
    pipelines: pipelines.map((p) => ({ name: p.name, site: siteText(p), nodes: topologicalOrder(p.sinks).map(graphNode) })),
    topics: topicEdges(pipelines),
    sinks: pipelines.flatMap((p) => p.sinks.map((s) => tracer.sink(p.name, s))),
  };
}

function graphNode(n: PlanNode): GraphNode {
  const topic = n.kind === "source" ? n.kafka.topic : n.kind === "sink" && (n.connector.kind === "kafka" || n.connector.kind === "upsert-kafka") ? n.connector.topic : null;
  return { path: n.path, kind: n.kind, inputs: inputsOf(n).map((i) => i.path), topic, site: siteText(n) };
}

function topicEdges(pipelines: readonly PipelineDef[]): TopicEdges[] {
  const byTopic = new Map<string, { writers: { pipeline: string; sink: string }[]; readers: { pipeline: string; source: string }[] }>();
  const entry = (t: string) => byTopic.get(t) ?? byTopic.set(t, { writers: [], readers: [] }).get(t)!;
  for (const p of pipelines) {
    const use = topicUse(p);
    for (const w of use.writes) entry(w.topic).writers.push({ pipeline: p.name, sink: w.node.path });
    for (const r of use.reads) entry(r.topic).readers.push({ pipeline: p.name, source: r.node.path });
  }
  return [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topic, e]) => ({ topic, ...e }));
}

interface Writer {
  readonly pipeline: string;
  readonly sink: SinkNode;
}

function topicWriters(plan: Plan): Map<string, Writer[]> {
  const writers = new Map<string, Writer[]>();
  for (const p of plan.pipelines) {
    for (const w of topicUse(p).writes) writers.set(w.topic, [...(writers.get(w.topic) ?? []), { pipeline: p.name, sink: w.node }]);
  }
  return writers;
}

/** The input columns an expression reads, each once, in order of appearance. */
function columnsOf(expr: ExprNode): { name: string; input: 0 | 1 }[] {
  const refs: { name: string; input: 0 | 1 }[] = [];
  walkExpr(expr, (e) => {
    if (e.kind === "column" && !refs.some((r) => r.name === e.name && r.input === e.input)) refs.push({ name: e.name, input: e.input });
  });
  return refs;
}

/** A cast to the type kind (and precision) a column already has changes no value: a join materialising a time attribute. */
function bareColumn(expr: ExprNode): Extract<ExprNode, { kind: "column" }> | null {
  if (expr.kind === "column") return expr;
  if (expr.kind === "cast" && expr.expr.kind === "column" && formatType({ ...expr.type, nullable: true }) === formatType({ ...expr.expr.type, nullable: true })) return expr.expr;
  return null;
}

function windowText(w: WindowSpec): string {
  switch (w.kind) {
    case "tumble":
      return `TUMBLE(${w.timeColumn}, ${formatDuration(w.sizeMs)})`;
    case "hop":
      return `HOP(${w.timeColumn}, slide ${formatDuration(w.slideMs)}, size ${formatDuration(w.sizeMs)})`;
    case "session":
      return `SESSION(${w.timeColumn}, gap ${formatDuration(w.gapMs)}${w.partitionBy.length > 0 ? `, partition by ${w.partitionBy.join(", ")}` : ""})`;
    case "cumulate":
      return `CUMULATE(${w.timeColumn}, step ${formatDuration(w.stepMs)}, max ${formatDuration(w.maxSizeMs)})`;
  }
}

const WINDOW_COLUMNS = new Set(["window_start", "window_end", "window_time"]);

/** An aggregate call as the user reads it (the emitter's sample-statistics guard left out). */
function aggregateText(a: AggregateCall): string {
  const [value] = a.args;
  if (!value) return "COUNT(*)";
  const arg = exprSql(value, plainName);
  if (a.fn === "COUNT_DISTINCT") return `COUNT(DISTINCT ${arg})`;
  if (a.fn === "LISTAGG") return `LISTAGG(${a.args.map((e) => exprSql(e, plainName)).join(", ")})`;
  return `${a.fn}(${arg})`;
}

const plainName = (name: string): string => name;
const sideName = (name: string, input: 0 | 1): string => `${input === 0 ? "left" : "right"}.${name}`;

type JoinLike = Extract<PlanNode, { kind: "join" | "intervalJoin" | "temporalJoin" | "windowJoin" }>;

class Tracer {
  /** Traces by node, then by pipeline and column. */
  private readonly memo = new Map<PlanNode, Map<string, ColumnTrace>>();
  /** Sinks whose traces are being built: a topic loop stops where it would enter one again. */
  private readonly open = new Set<SinkNode>();
  /** How many times a loop was cut so far. */
  private cuts = 0;

  constructor(private readonly writers: Map<string, Writer[]>) {}

  sink(pipeline: string, sink: SinkNode): SinkLineage {
    this.open.add(sink);
    try {
      const columns = sink.schema.map((c) => {
        const trace = this.column(pipeline, sink, c.name);
        return { name: c.name, type: trace.type, origins: originsOf(trace), trace };
      });
      return {
        pipeline,
        sink: sink.path,
        topic: sink.connector.kind === "kafka" || sink.connector.kind === "upsert-kafka" ? sink.connector.topic : null,
        columns,
        rowInfluences: this.rowInfluences(pipeline, sink),
      };
    } finally {
      this.open.delete(sink);
    }
  }

  /** The trace of output column `name` of `node`. */
  column(pipeline: string, node: PlanNode, name: string): ColumnTrace {
    // By pipeline too: a node shared by two pipelines (one source object both import) has a trace in each.
    const key = `${pipeline}\u0000${name}`;
    const cached = this.memo.get(node)?.get(key);
    if (cached) return cached;
    const cutsBefore = this.cuts;
    const trace = this.derive(pipeline, node, name);
    // A trace cut short by a topic loop depends on where the walk entered the loop: never reused.
    if (this.cuts === cutsBefore) {
      if (!this.memo.has(node)) this.memo.set(node, new Map());
      this.memo.get(node)!.set(key, trace);
    }
    return trace;
  }

  private derive(pipeline: string, node: PlanNode, name: string): ColumnTrace {
    const col = node.schema.find((c) => c.name === name);
    if (!col) throw new Error(`lineage: ${node.path} has no column ${name}`);
    const make = (how: Derivation, detail: string | null, inputs: readonly ColumnTrace[]): ColumnTrace =>
      ({ pipeline, step: node.path, kind: node.kind, column: name, type: formatType(col.type), how, detail, inputs });
    const from = (input: PlanNode, column: string): ColumnTrace => this.column(pipeline, input, column);
    switch (node.kind) {
      case "source":
        if (col.time === "proctime") return make("processing time", null, []);
        return make("read", node.kafka.topic, this.writtenInto(node, name));
      case "sink":
        return make("written", null, [from(node.input, name)]);
      case "filter":
        return make("copied", null, [from(node.input, name)]);
      case "union":
        return make("merged", null, node.inputs.map((i) => from(i, i.schema[node.schema.indexOf(col)]!.name)));
      case "project":
        return this.projected(make, node.columns, name, (ref) => from(node.input, ref.name), plainName, () => null);
      case "aggregate":
      case "windowAggregate": {
        if (node.kind === "windowAggregate" && WINDOW_COLUMNS.has(name)) return make("window bound", windowText(node.window), [from(node.input, node.window.timeColumn)]);
        if (node.groupBy.includes(name)) return make("group key", null, [from(node.input, name)]);
        const call = node.aggregates.find((a) => a.name === name)!;
        const inputs = call.args.slice(0, 1).flatMap(columnsOf).map((r) => from(node.input, r.name));
        return make("aggregated", aggregateText(call), inputs);
      }
      case "deduplicate":
      case "topN": {
        if (node.window && WINDOW_COLUMNS.has(name)) return make("window bound", windowText(node.window), [from(node.input, node.window.timeColumn)]);
        if (node.kind === "topN" && name === node.rankColumn) {
          const order = node.orderBy.map((o) => `${o.column} ${o.direction}`).join(", ");
          const partition = node.partitionBy.length > 0 ? `partition by ${node.partitionBy.join(", ")} ` : "";
          return make("rank", `ROW_NUMBER() over (${partition}order by ${order}) <= ${node.n}`, node.orderBy.map((o) => from(node.input, o.column)));
        }
        return make("copied", null, [from(node.input, name)]);
      }
      case "overAggregate": {
        const call = node.aggregates.find((a) => a.name === name);
        if (!call) return make("copied", null, [from(node.input, name)]);
        const partition = node.partitionBy.length > 0 ? `partition by ${node.partitionBy.join(", ")} ` : "";
        const over = `${aggregateText(call)} over (${partition}order by ${node.orderBy} rows ${node.precedingRows} preceding)`;
        return make("aggregated", over, call.args.slice(0, 1).flatMap(columnsOf).map((r) => from(node.input, r.name)));
      }
      case "join":
      case "intervalJoin":
      case "temporalJoin":
      case "windowJoin":
        return this.projected(make, node.columns, name, (ref) => this.joinInput(pipeline, node, ref), sideName, (ref) => joinKeyDetail(node, ref));
    }
  }

  /**
   * A column of one side of a join. A window join adds window_start, window_end and window_time to each
   * side itself (its inputs do not have them): those are that side's window bounds.
   */
  private joinInput(pipeline: string, node: JoinLike, ref: { name: string; input: 0 | 1 }): ColumnTrace {
    const side = ref.input === 0 ? node.left : node.right;
    if (node.kind === "windowJoin" && WINDOW_COLUMNS.has(ref.name) && !side.schema.some((c) => c.name === ref.name)) {
      const window = ref.input === 0 ? node.leftWindow : node.rightWindow;
      const type = windowColumns(side, window).find((c) => c.name === ref.name)!.type;
      return {
        pipeline, step: node.path, kind: node.kind, column: ref.name, type: formatType(type), how: "window bound",
        detail: `${windowText(window)} of the ${ref.input === 0 ? "left" : "right"} side`, inputs: [this.column(pipeline, side, window.timeColumn)],
      };
    }
    return this.column(pipeline, side, ref.name);
  }

  /** A select (or a join's select): a bare column is copied or renamed, anything else computed. */
  private projected(
    make: (how: Derivation, detail: string | null, inputs: readonly ColumnTrace[]) => ColumnTrace,
    columns: readonly ProjectedColumn[],
    name: string,
    from: (ref: { name: string; input: 0 | 1 }) => ColumnTrace,
    render: (name: string, input: 0 | 1) => string,
    keyDetail: (ref: { name: string; input: 0 | 1 }) => string | null,
  ): ColumnTrace {
    const expr = columns.find((c) => c.name === name)!.expr;
    const bare = bareColumn(expr);
    if (bare) {
      const key = keyDetail(bare);
      if (key) return make("join key", key, [from(bare)]);
      return make(bare.name === name ? "copied" : "renamed", render === sideName ? `from the ${bare.input === 0 ? "left" : "right"} side` : null, [from(bare)]);
    }
    return make("computed", exprSql(expr, render), columnsOf(expr).map(from));
  }

  /** A source column read from a topic that given pipelines write: continued into each writer's column of that name. */
  private writtenInto(source: SourceNode, name: string): ColumnTrace[] {
    return (this.writers.get(source.kafka.topic) ?? []).flatMap(({ pipeline, sink }) => {
      if (!sink.schema.some((c) => c.name === name)) return [];
      if (this.open.has(sink)) {
        this.cuts++;
        return [];
      }
      this.open.add(sink);
      try {
        return [this.column(pipeline, sink, name)];
      } finally {
        this.open.delete(sink);
      }
    });
  }

  private rowInfluences(pipeline: string, sink: SinkNode): RowInfluence[] {
    const influences: RowInfluence[] = [];
    const add = (node: PlanNode, role: RowInfluence["role"], refs: readonly { input: PlanNode; name: string }[]): void => {
      if (refs.length === 0) return;
      influences.push({ pipeline, step: node.path, role, columns: refs.map((r) => ({ column: r.name, origins: originsOf(this.column(pipeline, r.input, r.name)) })) });
    };
    const refsOf = (input: PlanNode, names: readonly string[]) => names.map((name) => ({ input, name }));
    for (const node of topologicalOrder([sink])) {
      switch (node.kind) {
        case "source":
          add(node, "source contract", refsOf(node, enforcedColumns(node).map((c) => c.name)));
          // Rows an upstream pipeline dropped never reach its topic: its influences are this sink's too.
          for (const writer of this.writers.get(node.kafka.topic) ?? []) {
            if (this.open.has(writer.sink)) continue;
            this.open.add(writer.sink);
            try {
              influences.push(...this.rowInfluences(writer.pipeline, writer.sink));
            } finally {
              this.open.delete(writer.sink);
            }
          }
          break;
        case "filter":
          add(node, node.check ? "check" : "filter", refsOf(node.input, columnsOf(node.predicate).map((r) => r.name)));
          break;
        case "aggregate":
          add(node, "group by", refsOf(node.input, node.groupBy));
          break;
        case "windowAggregate":
          add(node, "window time", refsOf(node.input, [node.window.timeColumn]));
          if (node.window.kind === "session") add(node, "session partition", refsOf(node.input, node.window.partitionBy));
          add(node, "group by", refsOf(node.input, node.groupBy));
          break;
        case "deduplicate":
          if (node.window) add(node, "window time", refsOf(node.input, [node.window.timeColumn]));
          add(node, "dedup key", refsOf(node.input, node.key));
          add(node, "dedup order", refsOf(node.input, [node.orderBy]));
          break;
        case "topN":
          if (node.window) add(node, "window time", refsOf(node.input, [node.window.timeColumn]));
          add(node, "partition", refsOf(node.input, node.partitionBy));
          add(node, "order", refsOf(node.input, node.orderBy.map((o) => o.column)));
          break;
        case "overAggregate":
          add(node, "partition", refsOf(node.input, node.partitionBy));
          add(node, "order", refsOf(node.input, [node.orderBy]));
          break;
        case "join":
        case "intervalJoin":
        case "temporalJoin":
        case "windowJoin":
          add(node, "join key", joinKeyRefs(node));
          if (node.kind === "intervalJoin") add(node, "time bound", [{ input: node.left, name: node.left.time.rowtime! }, { input: node.right, name: node.right.time.rowtime! }]);
          if (node.kind === "temporalJoin") add(node, "version time", [{ input: node.left, name: node.left.time.rowtime! }, { input: node.right, name: node.right.time.rowtime! }]);
          if (node.kind === "windowJoin") add(node, "window time", [{ input: node.left, name: node.leftWindow.timeColumn }, { input: node.right, name: node.rightWindow.timeColumn }]);
          break;
        case "project":
        case "union":
        case "sink":
          break;
      }
    }
    return influences;
  }
}

function joinKeyRefs(node: JoinLike): { input: PlanNode; name: string }[] {
  return node.on.flatMap((p: KeyPair) => [{ input: node.left, name: p.left }, { input: node.right, name: p.right }]);
}

/** For a bare join-key column: the key of the other side it is matched with. */
function joinKeyDetail(node: JoinLike, ref: { name: string; input: 0 | 1 }): string | null {
  const pair = node.on.find((p) => (ref.input === 0 ? p.left : p.right) === ref.name);
  if (!pair) return null;
  return ref.input === 0 ? `left.${pair.left} = right.${pair.right}` : `right.${pair.right} = left.${pair.left}`;
}

/**
 * The leaves of a trace that read a topic: a topic no given pipeline writes, or, in a topic loop, the
 * topic where the trace would enter a sink it is already inside. Each once, sorted.
 */
export function originsOf(trace: ColumnTrace): ColumnOrigin[] {
  const found = new Map<string, ColumnOrigin>();
  const walk = (t: ColumnTrace): void => {
    if (t.how === "read" && t.inputs.length === 0) {
      const origin = { pipeline: t.pipeline, source: t.step, topic: t.detail!, column: t.column };
      found.set(`${origin.pipeline}\u0000${origin.source}\u0000${origin.column}`, origin);
    }
    t.inputs.forEach(walk);
  };
  walk(trace);
  return [...found].sort(([a], [b]) => a.localeCompare(b)).map(([, o]) => o);
}
