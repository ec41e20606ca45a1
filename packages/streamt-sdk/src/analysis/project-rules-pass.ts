import type { PlanNode } from "../ir/plan-node.js";
import type { PipelineDef, Plan } from "../ir/plan.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { SourceFormat } from "../ir/nodes/source-node.js";
import { topicUse } from "../ir/topic-use.js";
import { collectTopics } from "../synth/topics.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, ms, nodesOf, positiveOrNull, type PassContext } from "./pass-support.js";

/** A naming rule: the whole name must match `regex`; `shown` is the pattern as the config writes it. */
export interface NamePattern {
  readonly regex: RegExp;
  readonly shown: string;
}

/**
 * The project's rules (streamt.config.ts `rules`, resolved by deploy/rules-config.ts). A rule left out
 * is null or false and checks nothing. `where` says where a rule is written, by its key
 * ("topics.pattern" -> "streamt.config.ts:5"), so a finding names the rule it breaks.
 */
export interface ProjectRules {
  readonly topicPattern: NamePattern | null;
  readonly minPartitions: number | null;
  readonly minReplication: number | null;
  readonly pipelinePattern: NamePattern | null;
  readonly maxStateTtlMs: number | null;
  readonly pipelines: { readonly requireDescription: boolean; readonly requireOwner: boolean };
  readonly sinks: { readonly requireDescription: boolean; readonly requireOwner: boolean };
  readonly forbiddenFormats: readonly SourceFormat[];
  where(rule: string): string;
}

/**
 * The project's rules (STREAMT-W012..W019), when streamt.config.ts has them. Every finding is about one
 * pipeline, at the declaration it asks to change (the pipeline, the sink, the source or the step), so
 * the pipeline can acknowledge an exception with its reason. Topics are checked where the project
 * writes them (sinks; names also for dead-letter topics): a topic the project only reads is another's.
 */
export const projectRulesPass = (plan: Plan, ctx: PassContext): Diagnostic[] => {
  const rules = ctx.rules;
  if (rules === null) return [];
  const topics = new Map(collectTopics(plan).map((t) => [t.name, t]));
  return plan.pipelines.flatMap((p) => [
    ...pipelineRules(p, rules),
    ...p.sinks.flatMap((s) => sinkRules(p, s, rules, topics.get(topicOf(s) ?? "") ?? null)),
    ...deadLetterNames(p, rules),
    ...forbiddenSources(p, rules),
    ...stepTtls(p, rules),
  ]);
};

function rule(rules: ProjectRules, key: string): string {
  return `rules.${key}, ${rules.where(key)}`;
}

function acknowledgeHint(code: string, pipeline: PipelineDef, why: string): string {
  return `or, if this one is an agreed exception, acknowledge it: pipeline("${pipeline.name}", { acknowledge: { "${code}": "${why}" } })`;
}

function topicOf(sink: SinkNode): string | null {
  return sink.connector.kind === "kafka" || sink.connector.kind === "upsert-kafka" ? sink.connector.topic : null;
}

function pipelineRules(p: PipelineDef, rules: ProjectRules): Diagnostic[] {
  const at = { path: p.name, site: p.site };
  const found: Diagnostic[] = [];
  const pattern = rules.pipelinePattern;
  if (pattern && !pattern.regex.test(p.name)) {
    found.push(finding(DiagnosticCode.pipelineNameRule, p, at,
      `pipeline name '${p.name}' does not match the project's pipeline pattern ${pattern.shown} (${rule(rules, "pipelines.pattern")})`,
      `rename the pipeline to match ${pattern.shown} (the name is also the Flink job name and consumer group: a new name starts a new job, reading from its startFrom); ${acknowledgeHint(DiagnosticCode.pipelineNameRule, p, "named before the rule")}`));
  }
  if (rules.pipelines.requireDescription && p.description === undefined) {
    found.push(finding(DiagnosticCode.missingDescription, p, at,
      `pipeline '${p.name}' has no description, which the project requires (${rule(rules, "pipelines.requireDescription")})`,
      `say what the job computes and for whom: pipeline("${p.name}", { description: "..." })`));
  }
  if (rules.pipelines.requireOwner && p.owner === undefined) {
    found.push(finding(DiagnosticCode.missingOwner, p, at,
      `pipeline '${p.name}' has no owner, which the project requires (${rule(rules, "pipelines.requireOwner")})`,
      `name who answers for the job: pipeline("${p.name}", { owner: "team-payments" })`));
  }
  const max = rules.maxStateTtlMs;
  const ttl = positiveOrNull(p.settings.stateTtlMs);
  if (max !== null && ttl !== null && ttl > max) {
    found.push(finding(DiagnosticCode.stateTtlAboveRule, p, at,
      `pipeline '${p.name}' keeps state for ${ms(ttl)} (its stateTtl), longer than the project's maximum of ${ms(max)} (${rule(rules, "pipelines.maxStateTtl")})`,
      `give it stateTtl: "${ms(max)}" or less; ${acknowledgeHint(DiagnosticCode.stateTtlAboveRule, p, "why this job needs the longer state")}`));
  }
  return found;
}

function sinkRules(p: PipelineDef, sink: SinkNode, rules: ProjectRules, entry: { readonly partitions: number | null; readonly replicationFactor: number | null } | null): Diagnostic[] {
  const topic = topicOf(sink);
  if (topic === null || entry === null) return [];
  const call = sink.connector.kind === "upsert-kafka" ? "toUpsertKafka" : "toKafka";
  const format = (sink.connector as { readonly format: SourceFormat }).format;
  const what = `sink ${sink.path} (topic '${topic}')`;
  const found: Diagnostic[] = [];
  const pattern = rules.topicPattern;
  if (pattern && !pattern.regex.test(topic)) {
    found.push(finding(DiagnosticCode.topicNameRule, p, sink,
      `topic '${topic}' of sink ${sink.path} does not match the project's topic pattern ${pattern.shown} (${rule(rules, "topics.pattern")})`,
      `name the topic to match ${pattern.shown}; ${acknowledgeHint(DiagnosticCode.topicNameRule, p, "the topic's consumers expect this name")}`));
  }
  const minimum = (code: string, key: string, option: string, noun: string, has: (n: number) => string, have: number | null, min: number | null): void => {
    if (min === null || (have !== null && have >= min)) return;
    const declared = have === null ? `declares no ${noun} (it is created with the cluster's default)` : has(have);
    found.push(finding(code, p, sink,
      `${what} ${declared}, fewer than the project's minimum of ${min} (${rule(rules, key)})`,
      `${call}("${topic}", { ${option}: ${min}, ... }); ${acknowledgeHint(code, p, "why fewer are enough here")}`));
  };
  minimum(DiagnosticCode.topicPartitionsRule, "topics.minPartitions", "partitions", "partitions", (n) => `has ${n} partition${n === 1 ? "" : "s"}`, entry.partitions, rules.minPartitions);
  minimum(DiagnosticCode.topicReplicationRule, "topics.minReplication", "replicationFactor", "replication factor", (n) => `has replication factor ${n}`, entry.replicationFactor, rules.minReplication);
  if (rules.sinks.requireDescription && sink.description === undefined) {
    found.push(finding(DiagnosticCode.missingDescription, p, sink,
      `${what} has no description, which the project requires (${rule(rules, "sinks.requireDescription")})`,
      `say what its records are: ${call}("${topic}", { description: "...", ... })`));
  }
  if (rules.sinks.requireOwner && sink.owner === undefined) {
    found.push(finding(DiagnosticCode.missingOwner, p, sink,
      `${what} has no owner, which the project requires (${rule(rules, "sinks.requireOwner")})`,
      `name who answers for its data: ${call}("${topic}", { owner: "team-payments", ... })`));
  }
  if (rules.forbiddenFormats.includes(format)) {
    found.push(finding(DiagnosticCode.forbiddenFormat, p, sink,
      `${what} is written as ${format}, a format the project forbids (${rule(rules, "forbiddenFormats")})`,
      `write it in another format (${call}("${topic}", { format: ... })); ${acknowledgeHint(DiagnosticCode.forbiddenFormat, p, "its consumers read only this format")}`));
  }
  return found;
}

/** Dead-letter topics are written by the project too: their names follow the topic pattern. */
function deadLetterNames(p: PipelineDef, rules: ProjectRules): Diagnostic[] {
  const pattern = rules.topicPattern;
  if (pattern === null) return [];
  return topicUse(p).deadLetters.filter((d) => !pattern.regex.test(d.topic)).map((d) =>
    finding(DiagnosticCode.topicNameRule, p, d.node,
      `dead-letter topic '${d.topic}' of source ${d.node.name} does not match the project's topic pattern ${pattern.shown} (${rule(rules, "topics.pattern")})`,
      `name it to match ${pattern.shown}: source("${d.node.name}", { onContractViolation: { deadLetter: "..." } }); ${acknowledgeHint(DiagnosticCode.topicNameRule, p, "why")}`));
}

function forbiddenSources(p: PipelineDef, rules: ProjectRules): Diagnostic[] {
  if (rules.forbiddenFormats.length === 0) return [];
  return topicUse(p).reads.filter((r) => rules.forbiddenFormats.includes(r.node.kafka.format)).map((r) =>
    finding(DiagnosticCode.forbiddenFormat, p, r.node,
      `source ${r.node.name} reads topic '${r.topic}' as ${r.node.kafka.format}, a format the project forbids (${rule(rules, "forbiddenFormats")})`,
      `read the topic in another format (its producers decide which); ${acknowledgeHint(DiagnosticCode.forbiddenFormat, p, "its producers write only this format")}`));
}

/** A step's own ttl above the maximum: joins and group aggregates keep it (the STATE_TTL hint); dedup/Top-N may make it job-wide. */
function stepTtls(p: PipelineDef, rules: ProjectRules): Diagnostic[] {
  const max = rules.maxStateTtlMs;
  if (max === null) return [];
  return nodesOf(p).flatMap((n) => {
    const ttl = Math.max(...ownTtls(n).map((t) => positiveOrNull(t) ?? 0));
    if (ttl <= max) return [];
    return [finding(DiagnosticCode.stateTtlAboveRule, p, n,
      `${n.kind} at ${n.path} keeps state for ${ms(ttl)} (its ttl), longer than the project's maximum of ${ms(max)} (${rule(rules, "pipelines.maxStateTtl")})`,
      `give it ttl: "${ms(max)}" or less; ${acknowledgeHint(DiagnosticCode.stateTtlAboveRule, p, "why this step needs the longer state")}`)];
  });
}

function ownTtls(n: PlanNode): readonly (number | null)[] {
  switch (n.kind) {
    case "join":
      return n.ttl ? [n.ttl.leftMs, n.ttl.rightMs] : [];
    case "aggregate":
    case "deduplicate":
    case "topN":
      return [n.ttlMs];
    default:
      return [];
  }
}
