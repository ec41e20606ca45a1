import { BuildErrorCode, StreamtError } from "../errors.js";
import { configDuration } from "./config-duration.js";
import { jobStateTtl } from "./job-state-ttl.js";
import type { SourceSite } from "./node-base.js";
import { enforcedColumns, type SourceNode } from "./nodes/source-node.js";
import type { SinkNode } from "./nodes/sink-node.js";
import { topologicalOrder, type PlanNode } from "./plan-node.js";
import type { PipelineDef } from "./plan.js";

/**
 * The job a pipeline becomes, whatever the output (a SQL script, a Table API program, a deployment):
 * the Flink configuration with the reason for each entry, every object the job creates with a stable
 * name, its node and the user's call site, and what is inserted where. Every emitter renders this, so
 * two outputs of one pipeline cannot disagree on a name, a setting or an order.
 */
export interface JobPlan {
  readonly pipeline: PipelineDef;
  /** The Flink version line the job targets ("2.2", "1.20"). */
  readonly flinkVersion: string;
  readonly settings: readonly JobSetting[];
  /** In the order a job creates them: sources (with their contract view), steps, contract sinks, sinks. */
  readonly objects: readonly JobObject[];
  /** One per sink, then one per source contract's violations sink, then one per source's text table. */
  readonly inserts: readonly JobInsert[];
  /** The name later steps read a node's rows under (a source with a contract: its checked view). */
  nameOf(node: PlanNode): string;
  /** A test run's job (streamt-sdk/testing): bounded sources that leave heartbeat records out (emit-sql/test-run.ts). */
  readonly testRun: boolean;
  /** In a test run, whether the sources end with their input (false for a restore test's jobs, which the test stops with a savepoint). */
  readonly boundedTestSources: boolean;
}

/** One Flink configuration entry and why it is set. */
export interface JobSetting {
  readonly key: string;
  readonly value: string;
  readonly why: string;
  /**
   * True when the value is not an option the user wrote as is (a local run's parallelism, a TTL taken
   * from a step): outputs say why next to it.
   */
  readonly derived: boolean;
}

export type JobObjectRole =
  /** A Kafka (or other connector) table a source reads. */
  | "source"
  /** The view over a source's table that keeps only records with a value in every NOT NULL column. */
  | "source-contract"
  /** Where the records that break a source's NOT NULL contract go (and, with `onParseError: "skip"`, the unreadable ones). */
  | "contract-violations"
  /**
   * A source's topic read again as text (format 'raw'), under `json: { onParseError: "skip" }`: the records
   * that are not a JSON object, which the JSON format skips, go from here to the violations sink.
   */
  | "source-text"
  /** An intermediate step (a view). */
  | "step"
  /** A table a sink writes. */
  | "sink";

export interface JobObject {
  readonly name: string;
  readonly role: JobObjectRole;
  readonly node: PlanNode;
  readonly path: string;
  readonly site: SourceSite | null;
}

export interface JobInsert {
  readonly into: JobObject;
  /**
   * What the rows come from: the sink's input, or for a source's violations the source's table (records
   * breaking its contract) or its text table (records that are not a JSON object).
   */
  readonly from: JobObject;
}

export interface LowerOptions {
  /** The Flink version line when the pipeline names none. */
  readonly flinkVersion: string;
  /** Overrides the pipeline's parallelism (local runs: 1, for one partition per topic). */
  readonly parallelismOverride?: number;
  /** Lower for a test run (streamt-sdk/testing). */
  readonly testRun?: boolean;
  /** A test run whose sources read on past their input (a restore test stops its jobs itself); default false. */
  readonly unboundedTestSources?: boolean;
}

/** A name for a table or view from a path or user name: letters, digits and '_' only. */
export function objectName(pathOrName: string): string {
  return pathOrName.replace(/\//g, "__").replace(/[^A-Za-z0-9_]/g, "_");
}

/** Lowers one pipeline to its job plan; a name two objects would share is STREAMT-B008 at the later one's call site. */
export function lowerPipeline(def: PipelineDef, options: LowerOptions): JobPlan {
  const nodes = topologicalOrder(def.sinks);
  const byName = new Map<string, PlanNode>();
  const claim = (name: string, n: PlanNode): string => {
    const clash = byName.get(name);
    if (clash && clash !== n) {
      throw new StreamtError({
        code: BuildErrorCode.duplicateName,
        message: clash.path === n.path
          ? `two different steps of pipeline '${def.name}' have the path ${n.path}`
          : `steps ${clash.path} and ${n.path} of pipeline '${def.name}' both become the name ${name}`,
        hint: n.kind === "sink" ? "give one sink another name: toKafka(topic, { name: '...' })" : n.kind === "source" ? "two different sources share a name: rename one" : "name one of the steps with .as('name')",
        path: n.path,
        site: n.site,
      });
    }
    byName.set(name, n);
    return name;
  };
  const object = (name: string, role: JobObjectRole, n: PlanNode): JobObject => ({ name: claim(name, n), role, node: n, path: n.path, site: n.site });

  const readAs = new Map<PlanNode, JobObject>();
  const sources: JobObject[] = [];
  const steps: JobObject[] = [];
  const violations: { sink: JobObject; table: JobObject }[] = [];
  const unreadable: { sink: JobObject; text: JobObject }[] = [];
  const sinks: JobObject[] = [];
  for (const n of nodes) {
    if (n.kind === "source") {
      const name = objectName(n.name);
      let sink: JobObject | null = null;
      if (hasContract(n)) {
        // Later steps read the checked view under the source's own name; the Kafka table is `<name>__raw`.
        const table = object(`${name}__raw`, "source", n);
        const view = object(name, "source-contract", n);
        sources.push(table, view);
        sink = object(`${name}__violations`, "contract-violations", n);
        violations.push({ sink, table });
        readAs.set(n, view);
      } else {
        const table = object(name, "source", n);
        sources.push(table);
        readAs.set(n, table);
      }
      if (countsUnreadable(n)) {
        const text = object(`${name}__text`, "source-text", n);
        sources.push(text);
        sink ??= object(`${name}__violations`, "contract-violations", n);
        unreadable.push({ sink, text });
      }
    } else if (n.kind === "sink") {
      sinks.push(object(objectName(n.name), "sink", n));
    } else {
      const step = object(objectName(n.path), "step", n);
      steps.push(step);
      readAs.set(n, step);
    }
  }
  const nameOf = (n: PlanNode): string => {
    const o = readAs.get(n) ?? sinks.find((s) => s.node === n);
    if (!o) throw new Error(`internal: ${n.path} is not part of pipeline ${def.name}`);
    return o.name;
  };
  const inserts: JobInsert[] = [
    ...sinks.map((s) => ({ into: s, from: readAs.get((s.node as SinkNode).input)! })),
    ...violations.map((v) => ({ into: v.sink, from: v.table })),
    ...unreadable.map((u) => ({ into: u.sink, from: u.text })),
  ];
  return {
    pipeline: def,
    flinkVersion: def.settings.flinkVersion ?? options.flinkVersion,
    settings: jobSettings(def, nodes, options),
    objects: [...sources, ...steps, ...new Set([...violations, ...unreadable].map((v) => v.sink)), ...sinks],
    inserts,
    nameOf,
    testRun: options.testRun ?? false,
    boundedTestSources: (options.testRun ?? false) && !options.unboundedTestSources,
  };
}

/** Whether a source's NOT NULL columns are enforced by a view over its table (see enforcedColumns). */
export function hasContract(n: SourceNode): boolean {
  return enforcedColumns(n).length > 0;
}

/**
 * Whether a source counts the records its JSON format skips as not a JSON object (`onParseError: "skip"`):
 * its topic is read a second time as text, and those records go to its violations sink.
 */
export function countsUnreadable(n: SourceNode): boolean {
  return n.kafka.json?.ignoreParseErrors === true;
}

/** The Flink configuration of a pipeline's job, in a fixed order, each entry with its reason. */
function jobSettings(def: PipelineDef, nodes: readonly PlanNode[], options: LowerOptions): JobSetting[] {
  const s = def.settings;
  const set = (key: string, value: string, why: string, derived = false): JobSetting => ({ key, value, why, derived });
  const out: JobSetting[] = [set("pipeline.name", def.name, "the pipeline's name: the Flink job's name and the Kafka consumer group")];
  const override = options.parallelismOverride;
  if (override !== undefined) {
    out.push(set("parallelism.default", String(override), `local run: parallelism ${override}${s.parallelism !== null ? ` instead of the pipeline's ${s.parallelism}` : ""}`, true));
  } else if (s.parallelism !== null) out.push(set("parallelism.default", String(s.parallelism), "the pipeline's parallelism"));
  if (s.checkpointIntervalMs !== null) out.push(set("execution.checkpointing.interval", configDuration(s.checkpointIntervalMs), "the pipeline's checkpointInterval"));
  const ttl = jobStateTtl(def, nodes);
  if (ttl !== null) {
    out.push(ttl.setBy.kind === "pipeline"
      ? set("table.exec.state.ttl", configDuration(ttl.ms), "the pipeline's stateTtl")
      : set("table.exec.state.ttl", configDuration(ttl.ms), `ttl of ${ttl.setBy.node.path}: Flink has no per-operator TTL for deduplication/Top-N, so it applies job-wide`, true));
  }
  if (s.stateBackend !== null) out.push(set("state.backend.type", s.stateBackend, "the pipeline's stateBackend"));
  if (s.sourceIdleTimeoutMs !== null) out.push(set("table.exec.source.idle-timeout", configDuration(s.sourceIdleTimeoutMs), "the pipeline's sourceIdleTimeout"));
  for (const [k, v] of Object.entries(s.config).sort(([a], [b]) => a.localeCompare(b))) out.push(set(k, v, "the pipeline's config"));
  return out;
}
