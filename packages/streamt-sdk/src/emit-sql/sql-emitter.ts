import { formatType, withNullable } from "../ir/data-type.js";
import { envPlaceholder } from "../ir/secret.js";
import type { Column, SourceSite } from "../ir/node-base.js";
import { visit, type PlanNode } from "../ir/plan-node.js";
import type { PipelineDef } from "../ir/plan.js";
import type { WindowSpec } from "../ir/window-spec.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { KeyPair, JoinType } from "../ir/nodes/join-common.js";
import type { ProjectedColumn } from "../ir/nodes/project-node.js";
import type { AggregateCall } from "../ir/aggregate-call.js";
import { DEFAULT_FLINK_VERSION, dialectFor, type FlinkDialect } from "./dialect.js";
import { countsUnreadable, lowerPipeline, type JobPlan } from "../ir/job-plan.js";
import type { EmittedArtifact } from "../artifact.js";
import { contractViewQuery, notNullPlaceholder, sourceContract, tableColumnType, TEXT_COLUMN, textMetadata, unreadableQuery, violationColumns, violationsQuery, type SourceContract } from "./source-contract.js";
import { aggregateCallSql, exprSql, type ColumnRenderer } from "./expr-sql.js";
import { sinkOptions, sourceOptions, textSourceOptions, violationsOptions, type ConnectorOption, type OptionValue } from "./connector-options.js";
import { comment, configDuration, intervalLiteral, quoteIdent as q, quoteString } from "./sql-text.js";
import { headersColumnSql, notHeartbeat, takesHeartbeats, testSourceOptions } from "./test-run.js";

export interface SqlEmitOptions {
  /** Kafka bootstrap servers written into every Kafka table. */
  readonly bootstrapServers: string;
  /** The Flink version line; the pipeline's own flinkVersion wins. */
  readonly flinkVersion?: string;
  /** The SDK version, for the header comment. */
  readonly sdkVersion?: string;
  /** Overrides every pipeline's parallelism (local runs use 1, matching one partition per topic). */
  readonly parallelismOverride?: number;
}

const ROW_NUMBER = "__streamt_row_num";

/** One statement of an emitted script: where it is, and the step and user code it comes from. */
export interface SqlStatement {
  /** 1-based, in the order Flink runs them; an EXECUTE STATEMENT SET block is one statement. */
  readonly index: number;
  /** 1-based line of the script where the statement starts. */
  readonly line: number;
  readonly kind: "set" | "create-table" | "create-view" | "insert" | "statement-set";
  /** The plan path of the step it comes from (the pipeline's name for SET statements and statement sets). */
  readonly path: string;
  readonly site: SourceSite | null;
  /** The INSERTs of a statement set, each with its line, sink path and call site. */
  readonly parts?: readonly { readonly line: number; readonly path: string; readonly site: SourceSite | null }[];
}

/** A pipeline's script and the map of its statements (validate and runs point errors back with it). */
export interface RenderedSql {
  readonly script: string;
  readonly statements: readonly SqlStatement[];
}

/**
 * Emits one self-contained Flink SQL script for a pipeline: SET statements, CREATE TEMPORARY TABLE for
 * sources and sinks, a CREATE TEMPORARY VIEW per intermediate step (views keep time attributes, where
 * a table per step would lose them), then INSERT INTO, or EXECUTE STATEMENT SET for several sinks.
 */
export function emitPipelineSql(pipeline: PipelineDef, options: SqlEmitOptions): string {
  return renderPipelineSql(lowerPipeline(pipeline, { flinkVersion: options.flinkVersion ?? DEFAULT_FLINK_VERSION, ...(options.parallelismOverride !== undefined ? { parallelismOverride: options.parallelismOverride } : {}) }), options).script;
}

/** The SQL output of a pipeline as synth assembles it: one script file and its statement map. */
export function sqlArtifact(plan: JobPlan, options: SqlEmitOptions): EmittedArtifact {
  const { script, statements } = renderPipelineSql(plan, options);
  const name = plan.pipeline.name;
  return { id: `sql:${name}`, type: "sql-script", pipeline: name, flinkVersion: plan.flinkVersion, files: [{ path: `${name}.sql`, content: script }], dependsOn: [], statements };
}

/** Renders a job plan (ir/job-plan.ts) as a Flink SQL script with its statement map. */
export function renderPipelineSql(plan: JobPlan, options: SqlEmitOptions): RenderedSql {
  return new PipelineSqlWriter(plan, options).write();
}

/**
 * The SELECT of one step of a job plan, reading its inputs under their job-plan names: what the Java output
 * runs through `sqlQuery` for the few steps Flink's Table API cannot express (see docs/java-target.md).
 */
export function stepQuerySql(plan: JobPlan, node: PlanNode): string {
  return new PipelineSqlWriter(plan, { bootstrapServers: "" }).query(node);
}

/** A piece of the script: text, and when it is a statement, what the statement map says of it. */
interface Chunk {
  readonly text: string;
  readonly statement?: Omit<SqlStatement, "index" | "line">;
}

class PipelineSqlWriter {
  private readonly dialect: FlinkDialect;
  private readonly pipeline: PipelineDef;
  /** Sources whose NOT NULL columns a view enforces: the Kafka table's name and the violations sink's. */
  private readonly contracts = new Map<SourceNode, { readonly contract: SourceContract; readonly table: string; readonly violations: string }>();

  constructor(
    private readonly plan: JobPlan,
    private readonly options: SqlEmitOptions,
  ) {
    this.pipeline = plan.pipeline;
    this.dialect = dialectFor(plan.flinkVersion);
    for (const o of plan.objects) {
      if (o.role !== "source-contract" || o.node.kind !== "source") continue;
      const n = o.node;
      const table = plan.objects.find((x) => x.node === n && x.role === "source")!.name;
      const violations = plan.objects.find((x) => x.node === n && x.role === "contract-violations")!.name;
      this.contracts.set(n, { contract: sourceContract(n)!, table, violations });
    }
  }

  write(): RenderedSql {
    const p = this.pipeline;
    const chunks: Chunk[] = [
      { text: comment(`Generated by streamt-sdk${this.options.sdkVersion ? ` ${this.options.sdkVersion}` : ""}. Do not edit: change the pipeline and synthesise again.`) },
      { text: comment(`pipeline: ${p.name}${siteNote(p.site)}; Flink ${this.dialect.version}`) },
      { text: "" },
    ];
    for (const s of this.plan.settings) {
      if (s.derived) chunks.push({ text: comment(s.why) });
      chunks.push({ text: `SET ${quoteString(s.key)} = ${quoteString(s.value)};`, statement: { kind: "set", path: p.name, site: p.site } });
    }
    chunks.push({ text: "" });
    for (const o of this.plan.objects) {
      const at = { path: o.path, site: o.site };
      const n = o.node;
      switch (o.role) {
        case "source":
          chunks.push({ text: comment(`source ${n.path}${siteNote(n.site)}`) }, { text: this.sourceTable(n as SourceNode), statement: { kind: "create-table", ...at } }, { text: "" });
          break;
        case "source-contract": {
          const c = this.contracts.get(n as SourceNode)!;
          chunks.push(
            { text: comment(`source ${n.path}${siteNote(n.site)}: its NOT NULL columns enforced; a record with null there goes to ${c.violations}, and COALESCE, never applied after the WHERE, tells Flink the column is NOT NULL`) },
            { text: `CREATE TEMPORARY VIEW ${q(o.name)} AS\n${contractViewQuery(n as SourceNode, c.table, c.contract, this.heartbeatFilter(n as SourceNode))};`, statement: { kind: "create-view", ...at } },
            { text: "" },
          );
          break;
        }
        case "source-text":
          chunks.push(
            { text: comment(`source ${n.path}${siteNote(n.site)}: its topic read as text, for the records that are not a JSON object (skipped by onParseError "skip") to go to its violations`) },
            { text: this.textTable(n as SourceNode, o.name), statement: { kind: "create-table", ...at } },
            { text: "" },
          );
          break;
        case "contract-violations": {
          const src = n as SourceNode;
          const v = src.kafka.onContractViolation;
          const what = v.kind === "drop" ? "dropped, counted by this sink's numRecordsIn" : `written to the dead-letter topic ${v.topic}`;
          const which = [...(this.contracts.has(src) ? ["records with null in a NOT NULL column"] : []), ...(countsUnreadable(src) ? ["records that are not a JSON object"] : [])].join(" and ");
          chunks.push(
            { text: comment(`source ${n.path}${siteNote(n.site)}: ${which}, ${what}`) },
            { text: this.violationsTable(src, o.name), statement: { kind: "create-table", ...at } },
            { text: "" },
          );
          break;
        }
        case "step":
          chunks.push({ text: comment(`${n.path}${siteNote(n.site)}`) }, { text: `CREATE TEMPORARY VIEW ${q(o.name)} AS\n${this.query(n)};`, statement: { kind: "create-view", ...at } }, { text: "" });
          break;
        case "sink":
          chunks.push({ text: comment(`sink ${n.path}${siteNote(n.site)}`) }, { text: this.sinkTable(n as SinkNode, o.name), statement: { kind: "create-table", ...at } }, { text: "" });
          break;
      }
    }
    const inserts = this.plan.inserts.map((i) => {
      const n = i.into.node;
      const sql = i.into.role === "sink"
        ? `INSERT INTO ${q(i.into.name)}\nSELECT ${sinkColumns(n as SinkNode)} FROM ${q(i.from.name)}`
        : i.from.role === "source-text"
          ? `INSERT INTO ${q(i.into.name)}\n${unreadableQuery(p.name, n as SourceNode, i.from.name)}`
          : `INSERT INTO ${q(i.into.name)}\n${violationsQuery(p.name, n as SourceNode, i.from.name, this.contracts.get(n as SourceNode)!.contract, this.heartbeatFilter(n as SourceNode))}`;
      return { sql, path: i.into.path, site: i.into.site };
    });
    if (inserts.length === 1) chunks.push({ text: `${inserts[0]!.sql};`, statement: { kind: "insert", path: inserts[0]!.path, site: inserts[0]!.site } });
    else chunks.push({ text: `EXECUTE STATEMENT SET\nBEGIN\n${inserts.map((i) => `${i.sql};`).join("\n")}\nEND;`, statement: { kind: "statement-set", path: p.name, site: p.site } });

    const statements: SqlStatement[] = [];
    let line = 1;
    for (const c of chunks) {
      if (c.statement?.kind === "statement-set") {
        // Each INSERT of the block, two lines (EXECUTE STATEMENT SET, BEGIN) below the block's start.
        let at = line + 2;
        const parts = inserts.map((i) => {
          const part = { line: at, path: i.path, site: i.site };
          at += i.sql.split("\n").length;
          return part;
        });
        statements.push({ index: statements.length + 1, line, ...c.statement, parts });
      } else if (c.statement) statements.push({ index: statements.length + 1, line, ...c.statement });
      line += c.text.split("\n").length;
    }
    return { script: chunks.map((c) => c.text).join("\n") + "\n", statements };
  }

  private ref(n: PlanNode): string {
    return q(this.plan.nameOf(n));
  }

  // ---- tables ------------------------------------------------------------------------------

  private sourceTable(n: SourceNode): string {
    const contract = this.contracts.get(n)?.contract ?? null;
    const cols = n.physical.map((c) => `  ${q(c.name)} ${formatType(tableColumnType(c, contract), q)}`);
    if (n.processingTime) cols.push(`  ${q(n.processingTime)} AS PROCTIME()`);
    const wm = n.eventTime?.watermark;
    if (contract?.rowtime) {
      const type = n.physical.find((c) => c.name === n.eventTime?.column)!.type;
      cols.push(`  ${q(contract.rowtime)} AS COALESCE(${q(n.eventTime!.column)}, ${notNullPlaceholder(type)})`);
    }
    if (contract?.metadata) {
      cols.push(`  ${q(contract.metadata.partition)} INT METADATA FROM 'partition' VIRTUAL`, `  ${q(contract.metadata.offset)} BIGINT METADATA FROM 'offset' VIRTUAL`);
    }
    if (this.heartbeatFilter(n)) cols.push(`  ${headersColumnSql(n)}`);
    if (n.eventTime && wm) {
      const ts = q(contract?.rowtime ?? n.eventTime.column);
      cols.push(`  WATERMARK FOR ${ts} AS ${wm.kind === "monotonous" ? ts : `${ts} - ${intervalLiteral(wm.delayMs)}`}`);
    }
    const pk = n.kafka.primaryKey;
    if (pk) cols.push(`  PRIMARY KEY (${pk.map(q).join(", ")}) NOT ENFORCED`);
    const opts = sourceOptions(n, this.pipeline.name, this.dialect);
    if (this.plan.testRun) opts.push(...testSourceOptions(n, this.plan.boundedTestSources));
    return `CREATE TEMPORARY TABLE ${q(this.contracts.get(n)?.table ?? this.plan.nameOf(n))} (\n${cols.join(",\n")}\n) WITH (\n${this.withClause(opts)}\n);`;
  }

  /** In a test run, the condition that leaves a source's heartbeat records out of its contract view and violations. */
  private heartbeatFilter(n: SourceNode): string | undefined {
    return this.plan.testRun && takesHeartbeats(n, this.contracts.has(n)) ? notHeartbeat(n) : undefined;
  }

  /** A source's topic read as text (format 'raw'), with the metadata a dead-letter record names it by; bounded in a test run as the source is. */
  private textTable(n: SourceNode, name: string): string {
    const cols = [`  ${q(TEXT_COLUMN)} STRING`, ...textMetadata(n).map((m) => `  ${q(m)} ${m === "partition" ? "INT" : "BIGINT"} METADATA FROM ${quoteString(m)} VIRTUAL`)];
    const opts = textSourceOptions(n, this.pipeline.name, this.dialect);
    if (this.plan.boundedTestSources) opts.push(["scan.bounded.mode", "latest-offset"]);
    return `CREATE TEMPORARY TABLE ${q(name)} (\n${cols.join(",\n")}\n) WITH (\n${this.withClause(opts)}\n);`;
  }

  /** Where the records that break a source's contract go: a blackhole that counts them, or the dead-letter topic. */
  private violationsTable(n: SourceNode, name: string): string {
    const cols = violationColumns(n).map((c) => `  ${q(c.name)} ${formatType(c.type, q)}`);
    return `CREATE TEMPORARY TABLE ${q(name)} (\n${cols.join(",\n")}\n) WITH (\n${this.withClause(violationsOptions(n))}\n);`;
  }

  private sinkTable(s: SinkNode, name: string): string {
    const c = s.connector;
    const key = c.kind === "upsert-kafka" ? c.key : [];
    // Sink columns are nullable except the key: Flink checks NOT NULL at run time, and a result column
    // Flink considers nullable must still be writable.
    const cols = s.schema.map((col: Column) => `  ${q(col.name)} ${formatType(withNullable(col.type, !key.includes(col.name)), q)}`);
    if (key.length > 0) cols.push(`  PRIMARY KEY (${key.map(q).join(", ")}) NOT ENFORCED`);
    return `CREATE TEMPORARY TABLE ${q(name)} (\n${cols.join(",\n")}\n) WITH (\n${this.withClause(sinkOptions(s, this.pipeline.name))}\n);`;
  }

  /** The WITH clause: the bootstrap servers given to synth, a secret as a placeholder the runtime fills in at job start. */
  private withClause(opts: readonly ConnectorOption[]): string {
    const text = (v: OptionValue): string => (typeof v === "string" ? v : "env" in v ? envPlaceholder(v.env) : this.options.bootstrapServers);
    return opts.map(([k, v]) => `  ${quoteString(k)} = ${quoteString(text(v))}`).join(",\n");
  }

  // ---- queries -----------------------------------------------------------------------------

  /** The SELECT of one step, reading its inputs under their job-plan names. */
  query(node: PlanNode): string {
    return visit<string>(node, {
      source: (n) => `SELECT * FROM ${this.ref(n)}`,
      sink: (n) => `SELECT * FROM ${this.ref(n.input)}`,
      filter: (n) => `SELECT * FROM ${this.ref(n.input)}\nWHERE ${exprSql(n.predicate)}`,
      project: (n) => `SELECT ${selectList(n.columns)}\nFROM ${this.ref(n.input)}`,
      union: (n) => n.inputs.map((i) => `SELECT ${materialisedColumns({ input: i, schema: n.schema })} FROM ${this.ref(i)}`).join("\nUNION ALL\n"),
      windowAggregate: (n) => {
        const keys = n.groupBy.map(q);
        const w = n.window;
        if (w.kind === "session" && w.partitionBy.length > 1) {
          // Finding D9 of the differential test: Flink keeps a view's query as text and writes
          // SESSION(TABLE t PARTITION BY (a, b), ...) back without the parentheses, so a view over a session
          // window of several keys cannot be read ("Column 'b' not found"). The group-window form has the same windows.
          const call = (fn: string) => `${fn}(${q(w.timeColumn)}, ${intervalLiteral(w.gapMs)})`;
          const select = [`${call("SESSION_START")} AS ${q("window_start")}`, `${call("SESSION_END")} AS ${q("window_end")}`, ...keys, `${call("SESSION_ROWTIME")} AS ${q("window_time")}`];
          return `SELECT ${select.concat(n.aggregates.map((a) => aggregateSql(a, n.input))).join(", ")}\nFROM ${this.ref(n.input)}\nGROUP BY ${[call("SESSION"), ...keys].join(", ")}`;
        }
        const select = ["window_start", "window_end", ...n.groupBy, "window_time"].map((c) => q(c)).concat(n.aggregates.map((a) => aggregateSql(a, n.input)));
        return `SELECT ${select.join(", ")}\nFROM ${this.windowTvf(this.ref(n.input), n.window)}\nGROUP BY ${[q("window_start"), q("window_end"), q("window_time"), ...keys].join(", ")}`;
      },
      aggregate: (n) => {
        const alias = this.plan.nameOf(n.input);
        const hint = n.ttlMs !== null && this.dialect.stateTtlHint ? `/*+ STATE_TTL(${quoteString(alias)} = ${quoteString(configDuration(n.ttlMs))}) */ ` : "";
        const select = [...n.groupBy.map(q), ...n.aggregates.map((a) => aggregateSql(a, n.input))];
        const groupBy = n.groupBy.length > 0 ? `\nGROUP BY ${n.groupBy.map(q).join(", ")}` : "";
        return `SELECT ${hint}${select.join(", ")}\nFROM ${this.ref(n.input)}${groupBy}`;
      },
      deduplicate: (n) => {
        const from = n.window ? this.windowTvf(this.ref(n.input), n.window) : this.ref(n.input);
        const partition = [...(n.window ? ["window_start", "window_end"] : []), ...n.key].map(q).join(", ");
        const dir = n.keep === "first" ? "ASC" : "DESC";
        const inner = `SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${q(n.orderBy)} ${dir}) AS ${q(ROW_NUMBER)}\n  FROM ${from}`;
        return `SELECT ${materialisedColumns(n)}\nFROM (\n  ${inner}\n)\nWHERE ${q(ROW_NUMBER)} = 1`;
      },
      topN: (n) => {
        const from = n.window ? this.windowTvf(this.ref(n.input), n.window) : this.ref(n.input);
        const partition = [...(n.window ? ["window_start", "window_end"] : []), ...n.partitionBy].map(q);
        const over = `${partition.length > 0 ? `PARTITION BY ${partition.join(", ")} ` : ""}ORDER BY ${n.orderBy.map((o) => `${q(o.column)} ${o.direction.toUpperCase()}`).join(", ")}`;
        const inner = `SELECT *, ROW_NUMBER() OVER (${over}) AS ${q(n.rankColumn)}\n  FROM ${from}`;
        return `SELECT ${materialisedColumns(n)}\nFROM (\n  ${inner}\n)\nWHERE ${q(n.rankColumn)} <= ${n.n}`;
      },
      overAggregate: (n) => {
        const partition = n.partitionBy.length > 0 ? `PARTITION BY ${n.partitionBy.map(q).join(", ")} ` : "";
        const over = ` OVER (${partition}ORDER BY ${q(n.orderBy)} ROWS BETWEEN ${n.precedingRows} PRECEDING AND CURRENT ROW)`;
        return `SELECT *,\n  ${n.aggregates.map((a) => aggregateSql(a, n.input, over)).join(",\n  ")}\nFROM ${this.ref(n.input)}`;
      },
      intervalJoin: (n) => {
        const lt = `${q("l")}.${q(n.left.time.rowtime!)}`;
        const rt = `${q("r")}.${q(n.right.time.rowtime!)}`;
        const bound = (ms: number): string => (ms === 0 ? lt : `${lt} ${ms < 0 ? "-" : "+"} ${intervalLiteral(Math.abs(ms))}`);
        const cond = [...equiKeys(n.on), `${rt} BETWEEN ${bound(n.lowerMs)} AND ${bound(n.upperMs)}`];
        return `SELECT ${selectList(n.columns, sideColumn)}\nFROM ${this.ref(n.left)} AS ${q("l")}\n${joinKeyword(n.joinType)} ${this.ref(n.right)} AS ${q("r")}\n  ON ${cond.join("\n  AND ")}`;
      },
      temporalJoin: (n) =>
        `SELECT ${selectList(n.columns, sideColumn)}\nFROM ${this.ref(n.left)} AS ${q("l")}\n${joinKeyword(n.joinType)} ${this.ref(n.right)} FOR SYSTEM_TIME AS OF ${q("l")}.${q(n.left.time.rowtime!)} AS ${q("r")}\n  ON ${equiKeys(n.on).join("\n  AND ")}`,
      windowJoin: (n) => {
        const side = (input: PlanNode, w: WindowSpec): string => `(\n  SELECT * FROM ${this.windowTvf(this.ref(input), w)}\n)`;
        const cond = [`${q("l")}.${q("window_start")} = ${q("r")}.${q("window_start")}`, `${q("l")}.${q("window_end")} = ${q("r")}.${q("window_end")}`, ...equiKeys(n.on)];
        // Finding D10 of the differential test: Flink keeps a side's event time as a time attribute through a
        // window join, so an outer join's padded row carries a NULL rowtime, and the sink's timestamp inserter
        // fails the job on it (reading two, Flink refuses the script). The plan keeps none: each is a plain timestamp.
        const column: ColumnRenderer = (name, input) => {
          const side = input === 0 ? n.left : n.right;
          if (name !== side.time.rowtime && name !== "window_time") return sideColumn(name, input);
          const ltz = side.schema.find((c) => c.name === side.time.rowtime)?.type.kind === "TIMESTAMP_LTZ";
          return `CAST(${sideColumn(name, input)} AS ${ltz ? "TIMESTAMP_LTZ(3)" : "TIMESTAMP(3)"})`;
        };
        return `SELECT ${selectList(n.columns, column)}\nFROM ${side(n.left, n.leftWindow)} ${q("l")}\n${joinKeyword(n.joinType)} ${side(n.right, n.rightWindow)} ${q("r")}\n  ON ${cond.join("\n  AND ")}`;
      },
      join: (n) => {
        const hint = n.ttl && this.dialect.stateTtlHint
          ? `/*+ STATE_TTL(${quoteString("l")} = ${quoteString(configDuration(n.ttl.leftMs))}, ${quoteString("r")} = ${quoteString(configDuration(n.ttl.rightMs))}) */ `
          : "";
        return `SELECT ${hint}${selectList(n.columns, sideColumn)}\nFROM ${this.ref(n.left)} AS ${q("l")}\n${joinKeyword(n.joinType)} ${this.ref(n.right)} AS ${q("r")}\n  ON ${equiKeys(n.on).join("\n  AND ")}`;
      },
    });
  }

  private windowTvf(input: string, w: WindowSpec): string {
    const d = `DESCRIPTOR(${q(w.timeColumn)})`;
    switch (w.kind) {
      case "tumble":
        return `TABLE(TUMBLE(TABLE ${input}, ${d}, ${intervalLiteral(w.sizeMs)}))`;
      case "hop":
        return `TABLE(HOP(TABLE ${input}, ${d}, ${intervalLiteral(w.slideMs)}, ${intervalLiteral(w.sizeMs)}))`;
      case "cumulate":
        return `TABLE(CUMULATE(TABLE ${input}, ${d}, ${intervalLiteral(w.stepMs)}, ${intervalLiteral(w.maxSizeMs)}))`;
      case "session": {
        const partition = w.partitionBy.length > 0 ? ` PARTITION BY ${w.partitionBy.map(q).join(", ")}` : "";
        return `TABLE(SESSION(TABLE ${input}${partition}, ${d}, ${intervalLiteral(w.gapMs)}))`;
      }
    }
  }
}

const sideColumn: ColumnRenderer = (name, input) => `${q(input === 0 ? "l" : "r")}.${q(name)}`;

function selectList(columns: readonly ProjectedColumn[], column?: ColumnRenderer): string {
  return columns
    .map((c) => (column === undefined && c.expr.kind === "column" && c.expr.name === c.name ? q(c.name) : `${projected(c, column)} AS ${q(c.name)}`))
    .join(", ");
}

/**
 * A projected expression. Flink types a string literal, or a CASE of them, as CHAR(n) / VARCHAR(n)
 * by its longest value; the plan says STRING, so the column is cast to keep the two the same (and
 * a later, longer value in a sink column from truncation).
 */
function projected(c: ProjectedColumn, column?: ColumnRenderer): string {
  const sql = exprSql(c.expr, column);
  const sizedString = c.expr.type.kind === "STRING" && (c.expr.kind === "literal" || c.expr.kind === "case");
  return sizedString ? `CAST(${sql} AS STRING)` : sql;
}

/**
 * The output columns of a row-number step, or of one input of a union. Where the input has a time
 * attribute that the plan's output does not (a row-number step keeps only window_time; a union keeps
 * one only when every input has it), the column is cast: Flink would otherwise keep it as a rowtime,
 * and refuse a sink fed with two (finding D1 for a union).
 */
function materialisedColumns(n: { readonly input: PlanNode; readonly schema: readonly Column[] }): string {
  return n.schema
    .map((c) => {
      const before = n.input.schema.find((i) => i.name === c.name);
      return before?.time && !c.time ? `CAST(${q(c.name)} AS ${formatType(withNullable(c.type, true), q)}) AS ${q(c.name)}` : q(c.name);
    })
    .join(", ");
}

function equiKeys(on: readonly KeyPair[]): string[] {
  return on.map((k) => `${q("l")}.${q(k.left)} = ${q("r")}.${q(k.right)}`);
}

function joinKeyword(t: JoinType): string {
  return { inner: "JOIN", left: "LEFT JOIN", right: "RIGHT JOIN", full: "FULL OUTER JOIN" }[t];
}

/**
 * An aggregate of a GROUP BY. MIN, MAX, FIRST_VALUE and LAST_VALUE of a time attribute are a plain
 * timestamp in the plan, but Flink types them as a second rowtime; where it then prunes the aggregate
 * (a filter after it that is always false) the sink is refused for "more than one rowtime attribute
 * column" (finding D6), so they are cast to what the plan says. `over` makes it an OVER aggregate (` OVER (...)`).
 */
function aggregateSql(a: AggregateCall, input: PlanNode, over = ""): string {
  const call = `${aggregateCallSql(a)}${over}`;
  const value = a.args[0];
  const ofTime = value?.kind === "column" && input.schema.find((c) => c.name === value.name)?.time !== undefined;
  return `${ofTime ? `CAST(${call} AS ${formatType(withNullable(a.type, true), q)})` : call} AS ${q(a.name)}`;
}

/**
 * The select list of a sink's INSERT: `*`, unless the input has several rowtime columns (a bare copy of
 * the event-time column keeps its attribute), which Flink refuses to write ("more than one rowtime
 * attribute column"): then the copies are written as plain timestamps, the values unchanged.
 */
function sinkColumns(s: SinkNode): string {
  const rowtimes = s.input.schema.filter((c) => c.time === "rowtime");
  if (rowtimes.length <= 1) return "*";
  const keep = s.input.time.rowtime ?? rowtimes[0]!.name;
  return s.input.schema
    .map((c) => (c.time === "rowtime" && c.name !== keep ? `CAST(${q(c.name)} AS ${formatType({ ...c.type, nullable: true }, q)}) AS ${q(c.name)}` : q(c.name)))
    .join(", ");
}



/** The call-site note of a script comment, ` (file:line)`, for readers of the script (tools use the statement map). */
function siteNote(site: SourceSite | null): string {
  return site ? ` (${site.file}:${site.line})` : "";
}
