import type { Plan } from "../ir/plan.js";
import { DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { finding, nodesOf, type PassContext } from "./pass-support.js";

/** Kafka's rule for topic names (kafka.common.internals.Topic). */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export function isValidTopic(topic: unknown): boolean {
  return typeof topic === "string" && TOPIC.test(topic) && topic !== "." && topic !== "..";
}

/**
 * Refuses topic names Kafka does not accept (STREAMT-E013): letters, digits, '.', '_' and '-', 1 to
 * 249 characters, and not '.' or '..'. Checks the topics of sources and sinks.
 */
export const topicNamesPass = (plan: Plan, _ctx: PassContext): Diagnostic[] =>
  plan.pipelines.flatMap((p) =>
    nodesOf(p).flatMap((n) => {
      const topic = n.kind === "source" ? n.kafka.topic : n.kind === "sink" && (n.connector.kind === "kafka" || n.connector.kind === "upsert-kafka") ? n.connector.topic : null;
      if (topic === null || isValidTopic(topic)) return [];
      return [finding(DiagnosticCode.invalidTopicName, p, n,
        `invalid Kafka topic name ${JSON.stringify(topic)} on ${n.kind} ${n.path}`,
        "Kafka topic names use letters, digits, '.', '_' and '-' (1 to 249 characters, not '.' or '..')")];
    }),
  );
