import type { PlanNode } from "../ir/plan-node.js";
import { topologicalOrder, visit, type NodeVisitor } from "../ir/plan-node.js";
import type { PipelineDef } from "../ir/plan.js";
import type { SinkNode } from "../ir/nodes/sink-node.js";
import type { SourceNode } from "../ir/nodes/source-node.js";

/**
 * The pipeline a test runs: the same steps, on topics of its own. Every topic (sources, sinks,
 * dead-letter topics) is renamed by `topicOf`; Kafka client properties are left out (they configure the
 * connection to a real cluster; a test's is the local broker); sources read from the earliest offset (a
 * test's input is all in its fresh topics); Kafka sinks deliver at least once (a bounded test job takes no checkpoint,
 * which an exactly-once sink needs to commit what it wrote). The pipeline's checkpoint interval is left out:
 * a bounded job that checkpoints waits, once its input is read, for the next checkpoint before it
 * ends (Flink's final checkpoint), up to a whole interval; a restore test's jobs checkpoint as the test
 * runs them (testing/upgrade-run.ts). The steps themselves are untouched, so the script differs from
 * the deployed one only in topics and these options (and in what the lowering adds for a test run:
 * bounded reads and the heartbeat filter, see emit-sql/test-run.ts).
 */
export function testVariant(def: PipelineDef, topicOf: (topic: string) => string): PipelineDef {
  const copies = new Map<PlanNode, PlanNode>();
  const copy = (n: PlanNode): PlanNode => copies.get(n)!;
  for (const n of topologicalOrder(def.sinks)) copies.set(n, visit(n, rebuild(copy, topicOf)));
  return { ...def, settings: { ...def.settings, checkpointIntervalMs: null }, sinks: def.sinks.map((s) => copy(s) as SinkNode) };
}

/** Each node copied with its inputs replaced by their copies (sources and sinks on their test topics). */
function rebuild(copy: (n: PlanNode) => PlanNode, topicOf: (topic: string) => string): NodeVisitor<PlanNode> {
  return {
    source: (n): SourceNode => {
      const v = n.kafka.onContractViolation;
      return {
        ...n,
        kafka: {
          ...n.kafka,
          topic: topicOf(n.kafka.topic),
          properties: {},
          startFrom: { kind: "earliest" },
          onContractViolation: v.kind === "dead-letter" ? { kind: "dead-letter", topic: topicOf(v.topic) } : v,
        },
      };
    },
    sink: (n): SinkNode => {
      const c = n.connector;
      const connector = c.kind === "kafka" || c.kind === "upsert-kafka" ? { ...c, topic: topicOf(c.topic), properties: {}, delivery: c.delivery === "none" ? c.delivery : ("at-least-once" as const) } : c;
      return { ...n, input: copy(n.input), connector };
    },
    filter: (n) => ({ ...n, input: copy(n.input) }),
    project: (n) => ({ ...n, input: copy(n.input) }),
    union: (n) => ({ ...n, inputs: n.inputs.map(copy) }),
    windowAggregate: (n) => ({ ...n, input: copy(n.input) }),
    aggregate: (n) => ({ ...n, input: copy(n.input) }),
    deduplicate: (n) => ({ ...n, input: copy(n.input) }),
    topN: (n) => ({ ...n, input: copy(n.input) }),
    overAggregate: (n) => ({ ...n, input: copy(n.input) }),
    intervalJoin: (n) => ({ ...n, left: copy(n.left), right: copy(n.right) }),
    temporalJoin: (n) => ({ ...n, left: copy(n.left), right: copy(n.right) }),
    windowJoin: (n) => ({ ...n, left: copy(n.left), right: copy(n.right) }),
    join: (n) => ({ ...n, left: copy(n.left), right: copy(n.right) }),
  };
}

/** Every topic a pipeline reads or writes (sources, their dead-letter topics, Kafka sinks), each once. */
export function topicsOf(def: PipelineDef): string[] {
  const topics = new Set<string>();
  for (const n of topologicalOrder(def.sinks)) {
    if (n.kind === "source") {
      topics.add(n.kafka.topic);
      if (n.kafka.onContractViolation.kind === "dead-letter") topics.add(n.kafka.onContractViolation.topic);
    } else if (n.kind === "sink" && (n.connector.kind === "kafka" || n.connector.kind === "upsert-kafka")) topics.add(n.connector.topic);
  }
  return [...topics];
}
