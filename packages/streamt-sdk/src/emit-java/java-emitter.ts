import { withNullable } from "../ir/data-type.js";
import type { ExprNode } from "../ir/expr-node.js";
import type { Column, SourceSite } from "../ir/node-base.js";
import { visit, type PlanNode } from "../ir/plan-node.js";
import { countsUnreadable, type JobObject, type JobPlan } from "../ir/job-plan.js";
import type { SourceNode } from "../ir/nodes/source-node.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { KeyPair, JoinType } from "../ir/nodes/join-common.js";
import type { ProjectedColumn } from "../ir/nodes/project-node.js";
import type { WindowSpec } from "../ir/window-spec.js";
import { SAMPLE_STATISTICS, type AggregateCall } from "../ir/aggregate-call.js";
import type { EmittedArtifact } from "../artifact.js";
import { dialectFor } from "../emit-sql/dialect.js";
import { intervalLiteral, quoteIdent } from "../emit-sql/sql-text.js";
import { stepQuerySql } from "../emit-sql/sql-emitter.js";
import { formatsOf, sinkOptions, sourceOptions, textSourceOptions, violationsOptions, type ConnectorOption } from "../emit-sql/connector-options.js";
import { sourceContract, tableColumnType, recordType, TEXT_COLUMN, textMetadata, violationColumns, type SourceContract } from "../emit-sql/source-contract.js";
import { dataTypeJava } from "./java-types.js";
import { exprJava, intervalJava, nullOfJava, plainColumn, sameNames, type JavaColumnNames } from "./java-expr.js";
import { javaClassName, javaComment, JavaNames, javaString } from "./java-text.js";
import { notNullPlaceholderJava } from "./placeholders.js";
import { renderJavaProject, type JavaProjectModel } from "./templates.js";

export interface JavaEmitOptions {
  /** The SDK version, for the header comment and the project's version. */
  readonly sdkVersion: string;
}

/** The Java package of every generated job (one project per pipeline, so class names never meet). */
export { templatesKey, templatesOnDisk } from "./templates.js";

export const JAVA_PACKAGE = "io.streamt.generated";

/** Where a pipeline's Maven project goes in the output folder, and its JAR inside it. */
export function javaProjectDir(pipeline: string): string {
  return pipeline;
}

export function jarPath(pipeline: string): string {
  return `${javaProjectDir(pipeline)}/target/${pipeline}.jar`;
}

export function mainClassOf(pipeline: string): string {
  return `${JAVA_PACKAGE}.${javaClassName(pipeline)}Job`;
}

/** One statement of the generated `plan` method: the comments above it and its code. */
export interface JavaStep {
  readonly comments: readonly string[];
  readonly code: string;
}

/** A step run through `tEnv.sqlQuery`, and why the Table API could not express it. */
export interface SqlStep {
  readonly path: string;
  readonly why: string;
}

/** The Java program of a job plan: the pieces the Job.java template puts together. */
export interface RenderedJava {
  readonly className: string;
  readonly settings: readonly JavaStep[];
  readonly steps: readonly JavaStep[];
  readonly inserts: readonly JavaStep[];
  /** The steps written as SQL (`sqlQuery`), each with the reason. */
  readonly sqlSteps: readonly SqlStep[];
  /** Environment variables the job reads its secrets from. */
  readonly env: readonly string[];
  /** The formats its tables read and write (which format jars the JAR carries). */
  readonly formats: readonly string[];
  readonly usesKafka: boolean;
}

/** The Java output of a pipeline as synth assembles it: the Maven project's files. */
export function javaArtifact(plan: JobPlan, options: JavaEmitOptions): EmittedArtifact {
  const java = renderPipelineJava(plan);
  const name = plan.pipeline.name;
  const model: JavaProjectModel = { plan, java, sdkVersion: options.sdkVersion, packageName: JAVA_PACKAGE, mainClass: mainClassOf(name), jarName: name };
  const files = renderJavaProject(model).map((f) => ({ path: `${javaProjectDir(name)}/${f.path}`, content: f.content }));
  return { id: `java:${name}`, type: "java-project", pipeline: name, flinkVersion: plan.flinkVersion, files, dependsOn: [], mainClass: model.mainClass, sqlSteps: java.sqlSteps.map((s) => s.path) };
}

/** Renders a job plan as the body of a Table API program. */
export function renderPipelineJava(plan: JobPlan): RenderedJava {
  return new PipelineJavaWriter(plan).write();
}

const INDENT = "        ";

class PipelineJavaWriter {
  private readonly names = new JavaNames();
  /** The Java variable holding each object's Table, by object name. */
  private readonly vars = new Map<string, string>();
  private readonly contracts = new Map<SourceNode, SourceContract>();
  private readonly sqlSteps: SqlStep[] = [];
  private readonly options: ConnectorOption[] = [];

  constructor(private readonly plan: JobPlan) {
    for (const o of plan.objects) if (o.role === "source-contract") this.contracts.set(o.node as SourceNode, sourceContract(o.node as SourceNode)!);
  }

  write(): RenderedJava {
    const p = this.plan.pipeline;
    const settings = this.plan.settings.map((s) => ({
      comments: [javaComment(s.why)],
      code: `tEnv.getConfig().set(${javaString(s.key)}, ${javaString(s.value)});`,
    }));
    const steps = this.plan.objects.map((o) => this.object(o));
    const inserts = this.plan.inserts.map((i) => {
      const what = i.into.role === "sink" ? "sink" : i.from.role === "source-text" ? "unreadable records (not a JSON object) of" : "contract violations of";
      const rows = i.into.role === "sink" ? this.sinkInput(i.into.node as SinkNode, i.from) : i.from.role === "source-text" ? this.unreadable(i.into.node as SourceNode, i.from) : this.violations(i.into.node as SourceNode, i.from);
      return { comments: [javaComment(`${what} ${i.into.path}${siteNote(i.into.site)}`)], code: `job.addInsert(${javaString(i.into.name)}, ${rows});` };
    });
    const env = [...new Set(this.options.flatMap(([, v]) => (typeof v === "object" && "env" in v ? [v.env] : [])))].sort();
    return {
      className: `${javaClassName(p.name)}Job`,
      settings,
      steps,
      inserts,
      sqlSteps: this.sqlSteps,
      env,
      formats: [...new Set(formatsOf(this.options))].sort(),
      usesKafka: this.options.some(([k, v]) => k === "connector" && (v === "kafka" || v === "upsert-kafka")),
    };
  }

  private varOf(name: string): string {
    const v = this.vars.get(name);
    if (!v) throw new Error(`internal: no Java variable for ${name}`);
    return v;
  }

  private input(n: PlanNode): string {
    return this.varOf(this.plan.nameOf(n));
  }

  private object(o: JobObject): JavaStep {
    const n = o.node;
    const v = this.names.claim(o.name);
    this.vars.set(o.name, v);
    const comments = [javaComment(`${o.role === "step" ? "" : `${o.role.replace("-", " ")} `}${o.path}${siteNote(o.site)}`)];
    switch (o.role) {
      case "source": {
        const src = n as SourceNode;
        return { comments, code: `${this.table(o.name, this.sourceSchema(src), this.remember(sourceOptions(src, this.plan.pipeline.name, dialectFor(this.plan.flinkVersion))))}\n${INDENT}Table ${v} = tEnv.from(${javaString(o.name)});` };
      }
      case "source-contract":
        comments.push(javaComment(`records with a null in a NOT NULL column are kept out (see its contract violations); COALESCE tells Flink the column is NOT NULL`));
        return { comments, code: this.view(o.name, v, this.contractView(n as SourceNode)) };
      case "source-text": {
        // The topic read as text (format 'raw'): the records its JSON format skips as not a JSON object go to the violations.
        const src = n as SourceNode;
        const lines = [`.column(${javaString(TEXT_COLUMN)}, DataTypes.STRING())`, ...textMetadata(src).map((m) => `.columnByMetadata(${javaString(m)}, DataTypes.${m === "partition" ? "INT" : "BIGINT"}(), ${javaString(m)}, true)`)];
        const options = this.remember(textSourceOptions(src, this.plan.pipeline.name, dialectFor(this.plan.flinkVersion)));
        return { comments, code: `${this.table(o.name, schemaBuilder(lines), options)}\n${INDENT}Table ${v} = tEnv.from(${javaString(o.name)});` };
      }
      case "contract-violations": {
        const src = n as SourceNode;
        return { comments, code: this.table(o.name, schemaJava(violationColumns(src), []), this.remember(violationsOptions(src))) };
      }
      case "sink": {
        const s = n as SinkNode;
        const key = s.connector.kind === "upsert-kafka" ? s.connector.key : [];
        // As the SQL output: sink columns nullable except the key (Flink checks NOT NULL when it writes).
        const cols = s.schema.map((c) => ({ name: c.name, type: withNullable(c.type, !key.includes(c.name)) }));
        return { comments, code: this.table(o.name, schemaJava(cols, key), this.remember(sinkOptions(s, this.plan.pipeline.name))) };
      }
      case "step": {
        const { java, sqlWhy } = this.step(n);
        if (sqlWhy !== null) {
          this.sqlSteps.push({ path: n.path, why: sqlWhy });
          comments.push(javaComment(`Flink SQL here: ${sqlWhy}`));
        }
        return { comments, code: this.view(o.name, v, java) };
      }
    }
  }

  private remember(options: ConnectorOption[]): ConnectorOption[] {
    this.options.push(...options);
    return options;
  }

  private view(name: string, v: string, java: string): string {
    return `Table ${v} = ${java};\n${INDENT}tEnv.createTemporaryView(${javaString(name)}, ${v});`;
  }

  private table(name: string, schema: string, options: readonly ConnectorOption[]): string {
    const [connector, ...rest] = options;
    const lines = rest.map(([k, v]) => `.option(${javaString(k)}, ${optionValue(v)})`);
    const kafka = connector![1] === "kafka" || connector![1] === "upsert-kafka";
    const descriptor = [`TableDescriptor.forConnector(${javaString(connector![1] as string)})`, `.schema(${schema})`, ...lines].join(`\n${INDENT}        `);
    // Kafka client properties given at run time (--kafka-property, --kafka-properties-file) fill in what the
    // table does not set itself, as a deploy's environment properties do on a SQL script (deploy/kafka-properties.ts).
    const own = rest.map(([k]) => k).filter((k) => k.startsWith("properties.")).map((k) => `, ${javaString(k)}`).join("");
    const built = kafka ? `options.withKafkaProperties(${descriptor}${own})\n${INDENT}        .build()` : `${descriptor}\n${INDENT}        .build()`;
    return `tEnv.createTemporaryTable(${javaString(name)}, ${built});`;
  }

  private sourceSchema(n: SourceNode): string {
    const contract = this.contracts.get(n) ?? null;
    const lines = n.physical.map((c) => `.column(${javaString(c.name)}, ${dataTypeJava(tableColumnType(c, contract))})`);
    // PROCTIME() has no Table API expression: a Schema takes it as its documented SQL expression.
    if (n.processingTime) lines.push(`.columnByExpression(${javaString(n.processingTime)}, "PROCTIME()")`);
    if (contract?.rowtime) {
      const type = n.physical.find((c) => c.name === n.eventTime?.column)!.type;
      lines.push(`.columnByExpression(${javaString(contract.rowtime)}, coalesce(${plainColumn(n.eventTime!.column, 0)}, ${notNullPlaceholderJava(type)}))`);
    }
    if (contract?.metadata) {
      lines.push(`.columnByMetadata(${javaString(contract.metadata.partition)}, DataTypes.INT(), "partition", true)`, `.columnByMetadata(${javaString(contract.metadata.offset)}, DataTypes.BIGINT(), "offset", true)`);
    }
    const wm = n.eventTime?.watermark;
    if (n.eventTime && wm) {
      // Schema.Builder's SQL form of the watermark, the one Flink documents: with it the watermark's delay is
      // the SQL output's INTERVAL literal to the type (an Expression's lit(5).seconds() is INTERVAL DAY TO SECOND).
      const ts = contract?.rowtime ?? n.eventTime.column;
      lines.push(`.watermark(${javaString(ts)}, ${javaString(wm.kind === "monotonous" ? quoteIdent(ts) : `${quoteIdent(ts)} - ${intervalLiteral(wm.delayMs)}`)})`);
    }
    if (n.kafka.primaryKey) lines.push(`.primaryKey(${n.kafka.primaryKey.map(javaString).join(", ")})`);
    return schemaBuilder(lines);
  }

  /** The checked view of a source: only records with every enforced column, those columns NOT NULL. */
  private contractView(n: SourceNode): string {
    const contract = this.contracts.get(n)!;
    const raw = this.varOf(this.plan.objects.find((x) => x.node === n && x.role === "source")!.name);
    const present = allOf(contract.enforced.map((c) => `${plainColumn(c.name, 0)}.isNotNull()`), "and");
    const columns = n.schema.map((c) => {
      if (contract.rowtime !== null && c.name === n.eventTime?.column) return `${plainColumn(contract.rowtime, 0)}.as(${javaString(c.name)})`;
      const enforced = contract.enforced.find((e) => e.name === c.name);
      return enforced ? `coalesce(${plainColumn(c.name, 0)}, ${notNullPlaceholderJava(enforced.type)}).as(${javaString(c.name)})` : plainColumn(c.name, 0);
    });
    return `${raw}\n${INDENT}        .filter(${present})\n${INDENT}        .select(${columns.join(`,\n${INDENT}                `)})`;
  }

  /** The records that break a source's contract, with the reason (and, for a dead-letter topic, where they came from). */
  private violations(n: SourceNode, from: JobObject): string {
    const contract = this.contracts.get(n)!;
    // The null typed as the SQL output's CASE types it (CHAR of the name's length).
    const missing = contract.enforced.map((c) => `ifThenElse(${plainColumn(c.name, 0)}.isNull(), lit(${javaString(c.name)}), nullOf(DataTypes.CHAR(${[...c.name].length})))`);
    const reason = `concat(lit("NOT NULL column(s) missing or null: "), concatWs(lit(", "), ${missing.join(", ")})).as("reason")`;
    const select = contract.metadata === null
      ? [reason]
      : [
          `lit(${javaString(this.plan.pipeline.name)}).as("pipeline")`,
          `lit(${javaString(n.name)}).as("source")`,
          `lit(${javaString(n.kafka.topic)}).as("topic")`,
          `${plainColumn(contract.metadata.partition, 0)}.as("partition")`,
          `${plainColumn(contract.metadata.offset, 0)}.as("offset")`,
          reason,
          `row(${n.physical.map((c) => plainColumn(c.name, 0)).join(", ")}).as("record")`,
          ...(countsUnreadable(n) ? [`nullOf(DataTypes.STRING()).as("text")`] : []),
        ];
    const absent = allOf(contract.enforced.map((c) => `${plainColumn(c.name, 0)}.isNull()`), "or");
    return `${this.varOf(from.name)}\n${INDENT}        .filter(${absent})\n${INDENT}        .select(${select.join(`,\n${INDENT}                `)})`;
  }

  /** As the SQL output's unreadableQuery: the records of a source's text table that are not a JSON object, and why. */
  private unreadable(n: SourceNode, from: JobObject): string {
    const text = plainColumn(TEXT_COLUMN, 0);
    const reason = `ifThenElse(${text}.isJson(), lit("JSON, but not an object", DataTypes.STRING().notNull()), lit("not JSON", DataTypes.STRING().notNull())).as("reason")`;
    const select = n.kafka.onContractViolation.kind === "drop"
      ? [reason]
      : [
          `lit(${javaString(this.plan.pipeline.name)}).as("pipeline")`,
          `lit(${javaString(n.name)}).as("source")`,
          `lit(${javaString(n.kafka.topic)}).as("topic")`,
          plainColumn("partition", 0),
          plainColumn("offset", 0),
          reason,
          `nullOf(${dataTypeJava(recordType(n))}).as("record")`,
          text,
        ];
    const unreadable = `${text}.isNotNull().and(${text}.isJson(org.apache.flink.table.api.JsonType.OBJECT).not())`;
    return `${this.varOf(from.name)}\n${INDENT}        .filter(${unreadable})\n${INDENT}        .select(${select.join(`,\n${INDENT}                `)})`;
  }

  /** What a sink writes: its input, with extra rowtime columns cast to plain timestamps as the SQL output does. */
  private sinkInput(s: SinkNode, from: JobObject): string {
    const table = this.varOf(from.name);
    const rowtimes = s.input.schema.filter((c) => c.time === "rowtime");
    if (rowtimes.length <= 1) return table;
    const keep = s.input.time.rowtime ?? rowtimes[0]!.name;
    const cols = s.input.schema.map((c) => (c.time === "rowtime" && c.name !== keep ? `${plainColumn(c.name, 0)}.cast(${dataTypeJava({ ...c.type, nullable: true })}).as(${javaString(c.name)})` : plainColumn(c.name, 0)));
    return `${table}.select(${cols.join(", ")})`;
  }

  // ---- steps -------------------------------------------------------------------------------

  /** A step as Table API code, or as `sqlQuery` with the reason when the Table API has no equivalent. */
  private step(node: PlanNode): { java: string; sqlWhy: string | null } {
    const api = (java: string) => ({ java, sqlWhy: null });
    const sql = (why: string) => ({ java: `tEnv.sqlQuery(${sqlText(stepQuerySql(this.plan, node))})`, sqlWhy: why });
    const dialect = dialectFor(this.plan.flinkVersion);
    const chain = (input: PlanNode, ...calls: string[]) => [this.input(input), ...calls].join(`\n${INDENT}        `);
    return visit<{ java: string; sqlWhy: string | null }>(node, {
      source: () => {
        throw new Error("internal: a source is not a step");
      },
      sink: () => {
        throw new Error("internal: a sink is not a step");
      },
      filter: (n) => api(chain(n.input, `.filter(${exprJava(n.predicate, sameNames)})`)),
      project: (n) => api(chain(n.input, `.select(${selectList(n.columns, sameNames)})`)),
      union: (n) => {
        const branch = (i: PlanNode) => `${this.input(i)}.select(${n.schema.map((c) => unionColumn(c, i)).join(", ")})`;
        const [first, ...rest] = n.inputs.map(branch);
        return api([first!, ...rest.map((b) => `.unionAll(${b})`)].join(`\n${INDENT}        `));
      },
      windowAggregate: (n) => {
        const w = n.window;
        if (w.kind === "cumulate") return sql("the Table API has no cumulating window (CUMULATE exists only as a SQL window function)");
        if (w.kind === "session" && !sameSet(w.partitionBy, n.groupBy)) {
          return sql("a session window partitioned by other columns than it groups by: Table API session windows are per group key");
        }
        const alias = freshName("w", n.input.schema);
        const wRef = plainColumn(alias, 0);
        const select = [
          `${wRef}.start().as("window_start")`,
          `${wRef}.end().as("window_end")`,
          ...n.groupBy.map((k) => plainColumn(k, 0)),
          `${wRef}.rowtime().as("window_time")`,
          ...n.aggregates.map((a) => aggregateJava(a, n.input)),
        ];
        return api(chain(
          n.input,
          `.window(${groupWindow(w)}.as(${javaString(alias)}))`,
          `.groupBy(${[wRef, ...n.groupBy.map((k) => plainColumn(k, 0))].join(", ")})`,
          `.select(${select.join(`,\n${INDENT}                `)})`,
        ));
      },
      aggregate: (n) => {
        if (n.ttlMs !== null && dialect.stateTtlHint) return sql("its state TTL is a STATE_TTL hint, which only SQL can give");
        const select = [...n.groupBy.map((k) => plainColumn(k, 0)), ...n.aggregates.map((a) => aggregateJava(a, n.input))].join(`,\n${INDENT}                `);
        return api(n.groupBy.length > 0 ? chain(n.input, `.groupBy(${n.groupBy.map((k) => plainColumn(k, 0)).join(", ")})`, `.select(${select})`) : chain(n.input, `.select(${select})`));
      },
      overAggregate: (n) => {
        // Over is written in full: the Job template imports the group windows, not Over.
        const alias = freshName("w", n.input.schema);
        const partition = n.partitionBy.length > 0 ? `.partitionBy(${n.partitionBy.map((k) => plainColumn(k, 0)).join(", ")})` : "";
        const window = `org.apache.flink.table.api.Over${partition}.orderBy(${plainColumn(n.orderBy, 0)}).preceding(rowInterval(${n.precedingRows}L)).following(CURRENT_ROW).as(${javaString(alias)})`;
        const over = `.over(${plainColumn(alias, 0)})`;
        const select = [...n.input.schema.map((c) => plainColumn(c.name, 0)), ...n.aggregates.map((a) => aggregateJava(a, n.input, over))];
        return api(chain(n.input, `.window(${window})`, `.select(${select.join(`,\n${INDENT}                `)})`));
      },
      deduplicate: () => sql("deduplication is ROW_NUMBER() OVER (...) = 1, which the Table API cannot write"),
      topN: () => sql("Top-N is ROW_NUMBER() OVER (...) <= N, which the Table API cannot write"),
      temporalJoin: () => sql("a join FOR SYSTEM_TIME AS OF a versioned table has no Table API form (temporal table functions need an append-only history)"),
      windowJoin: () => sql("a window join exists only on SQL window functions"),
      intervalJoin: (n) => {
        const j = this.joinSides(n.left, n.right);
        const lt = plainColumn(n.left.time.rowtime!, 0);
        const rt = plainColumn(j.column(n.right.time.rowtime!, 1));
        const bound = (ms: number): string => (ms === 0 ? lt : `${lt}.${ms < 0 ? "minus" : "plus"}(${intervalJava(Math.abs(ms))})`);
        const cond = [...j.keys(n.on), `${rt}.between(${bound(n.lowerMs)}, ${bound(n.upperMs)})`];
        return api(j.join(n.joinType, cond, selectList(n.columns, j.column)));
      },
      join: (n) => {
        if (n.ttl && dialect.stateTtlHint) return sql("its per-side state TTL is a STATE_TTL hint, which only SQL can give");
        const j = this.joinSides(n.left, n.right);
        return api(j.join(n.joinType, j.keys(n.on), selectList(n.columns, j.column)));
      },
    });
  }

  /**
   * A join of two tables whose columns may share names: the Table API refuses that, so the right side's
   * clashing columns are renamed as Flink's planner names them in the join's row (`order_id` -> `order_id0`).
   */
  private joinSides(left: PlanNode, right: PlanNode) {
    const renamed = joinRowNames(left.schema.map((c) => c.name), right.schema.map((c) => c.name));
    const rightVar = this.input(right);
    const rightTable = renamed.some((r, i) => r !== right.schema[i]!.name)
      ? `${rightVar}.select(${right.schema.map((c, i) => (renamed[i] === c.name ? plainColumn(c.name, 0) : `${plainColumn(c.name, 0)}.as(${javaString(renamed[i]!)})`)).join(", ")})`
      : rightVar;
    const column: JavaColumnNames = (name, input) => (input === 0 ? name : renamed[right.schema.findIndex((c) => c.name === name)]!);
    return {
      column,
      keys: (on: readonly KeyPair[]) => on.map((k) => `${plainColumn(column(k.left, 0))}.isEqual(${plainColumn(column(k.right, 1))})`),
      join: (type: JoinType, cond: readonly string[], select: string) =>
        [this.input(left), `.${JOIN_METHOD[type]}(${rightTable}, ${allOf(cond, "and")})`, `.select(${select})`].join(`\n${INDENT}        `),
    };
  }
}

const JOIN_METHOD: Record<JoinType, string> = { inner: "join", left: "leftOuterJoin", right: "rightOuterJoin", full: "fullOuterJoin" };

/**
 * The names of a join's row as Flink's planner (Calcite) makes them unique: in order, a name already taken
 * gets the first free suffix 0, 1, ...; returns the right side's names.
 */
export function joinRowNames(left: readonly string[], right: readonly string[]): string[] {
  const taken = new Set(left);
  return right.map((name) => {
    let unique = name;
    for (let i = 0; taken.has(unique); i++) unique = `${name}${i}`;
    taken.add(unique);
    return unique;
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** A name not among the columns (a window's alias must not hide one). */
function freshName(base: string, schema: readonly Column[]): string {
  let name = base;
  for (let i = 2; schema.some((c) => c.name === name); i++) name = `${base}${i}`;
  return name;
}

function allOf(conditions: readonly string[], op: "and" | "or"): string {
  return conditions.length === 1 ? conditions[0]! : `${op}(${conditions.join(", ")})`;
}

function unionColumn(c: Column, input: PlanNode): string {
  const from = input.schema.find((x) => x.name === c.name)!;
  // As the SQL output (finding D1): a time attribute of this input that the union's output lacks is cast to
  // a plain timestamp; Flink would keep it a rowtime and refuse a sink fed with two.
  if (from.time && !c.time) return `${plainColumn(c.name, 0)}.cast(${dataTypeJava(withNullable(c.type, true))}).as(${javaString(c.name)})`;
  // As SQL's UNION ALL does implicitly: every input widened to the union's column type.
  return dataTypeJava(withNullable(from.type, true)) === dataTypeJava(withNullable(c.type, true)) ? plainColumn(c.name, 0) : `${plainColumn(c.name, 0)}.cast(${dataTypeJava(c.type)}).as(${javaString(c.name)})`;
}

function selectList(columns: readonly ProjectedColumn[], column: JavaColumnNames): string {
  return columns
    .map((c) => {
      if (c.expr.kind === "column" && column(c.expr.name, c.expr.input) === c.name) return plainColumn(c.name, 0);
      return `${projected(c.expr, column)}.as(${javaString(c.name)})`;
    })
    .join(`,\n${INDENT}                `);
}

/** As the SQL output: a string literal or CASE of them is cast to STRING (Flink would type it CHAR(n)). */
function projected(expr: ExprNode, column: JavaColumnNames): string {
  const java = exprJava(expr, column);
  return expr.type.kind === "STRING" && (expr.kind === "literal" || expr.kind === "case") ? `${java}.cast(DataTypes.STRING())` : java;
}

/** One Table API aggregate per function the plan has: a new one without it is a compile error here. */
const AGGREGATES: Record<AggregateCall["fn"], (column: string, separator: string) => string> = {
  COUNT: (c) => `${c}.count()`,
  COUNT_DISTINCT: (c) => `${c}.count().distinct()`,
  SUM: (c) => `${c}.sum()`,
  AVG: (c) => `${c}.avg()`,
  MIN: (c) => `${c}.min()`,
  MAX: (c) => `${c}.max()`,
  FIRST_VALUE: (c) => `${c}.firstValue()`,
  LAST_VALUE: (c) => `${c}.lastValue()`,
  STDDEV_POP: (c) => `${c}.stddevPop()`,
  STDDEV_SAMP: (c) => `${c}.stddevSamp()`,
  VAR_POP: (c) => `${c}.varPop()`,
  VAR_SAMP: (c) => `${c}.varSamp()`,
  LISTAGG: (c, separator) => `${c}.listAgg(${separator})`,
  ARRAY_AGG: (c) => `${c}.arrayAgg()`,
};

/**
 * An aggregate as the SQL output writes it (emit-sql: aggregateCallSql, aggregateSql): the sample deviation
 * and variance guarded by the group's count (Flink computes -1 for a single NOT NULL value), and MIN, MAX,
 * FIRST_VALUE, LAST_VALUE of a time attribute cast to the plain timestamp the plan says (finding D6: Flink
 * would type it as a second rowtime). `over` makes it an OVER aggregate (`.over($("w"))`).
 */
function aggregateJava(a: AggregateCall, input: PlanNode, over = ""): string {
  // COUNT(*) is COUNT(1) in the Table API, which has no `*` argument.
  const value = a.args[0];
  const arg = value === undefined ? "lit(1)" : exprJava(value, sameNames);
  // LISTAGG's separator is a literal the Table API takes as a Java string.
  const separator = a.args[1]?.kind === "literal" ? javaString(String(a.args[1].value)) : "";
  let call = `${AGGREGATES[a.fn](arg, separator)}${over}`;
  if (SAMPLE_STATISTICS.has(a.fn)) call = `ifThenElse(${arg}.count()${over}.isGreater(lit(1)), ${call}, ${nullOfJava(a.type)})`;
  const ofTime = value?.kind === "column" && input.schema.find((c) => c.name === value.name)?.time !== undefined;
  if (ofTime) call = `${call}.cast(${dataTypeJava(withNullable(a.type, true))})`;
  return `${call}.as(${javaString(a.name)})`;
}

/** A group window over the plan's window (tumble, hop or session; cumulate has none). */
function groupWindow(w: Exclude<WindowSpec, { kind: "cumulate" }>): string {
  const on = `.on(${plainColumn(w.timeColumn, 0)})`;
  switch (w.kind) {
    case "tumble":
      return `Tumble.over(${intervalJava(w.sizeMs)})${on}`;
    case "hop":
      return `Slide.over(${intervalJava(w.sizeMs)}).every(${intervalJava(w.slideMs)})${on}`;
    case "session":
      return `Session.withGap(${intervalJava(w.gapMs)})${on}`;
  }
}

function schemaJava(columns: readonly { name: string; type: Column["type"] }[], key: readonly string[]): string {
  const lines = columns.map((c) => `.column(${javaString(c.name)}, ${dataTypeJava(c.type)})`);
  if (key.length > 0) lines.push(`.primaryKey(${key.map(javaString).join(", ")})`);
  return schemaBuilder(lines);
}

function schemaBuilder(lines: readonly string[]): string {
  return ["Schema.newBuilder()", ...lines, ".build()"].join(`\n${INDENT}                `);
}

function optionValue(v: ConnectorOption[1]): string {
  if (typeof v === "string") return javaString(v);
  return "env" in v ? `options.env(${javaString(v.env)})` : "options.bootstrapServers()";
}

/** A SQL query as a Java string expression, one literal per line joined with +. */
function sqlText(sql: string): string {
  const lines = sql.split("\n");
  return lines.map((l, i) => javaString(i < lines.length - 1 ? `${l}\n` : l)).join(`\n${INDENT}        + `);
}

function siteNote(site: SourceSite | null): string {
  return site ? ` (${site.file}:${site.line})` : "";
}

