import { Kafka, logLevel, type Admin, type ConfigResourceTypes, type KafkaConfig } from "kafkajs";
import { StreamtError } from "../errors.js";
import type { TopicEntry } from "../synth/topics.js";
import { RuntimeErrorCode } from "../runtime/toolchain.js";
import type { ResolvedEnvironment } from "./config.js";

/**
 * The topic half of `plan` / `apply`: the topics synth lists (topics.json) against the environment's
 * Kafka cluster, read and changed with kafkajs's admin client.
 */

export interface TopicChange {
  readonly topic: string;
  /** create: missing; alter: more partitions or other settings wanted; unchanged; conflict: cannot be changed here (fewer partitions wanted). */
  readonly action: "create" | "alter" | "unchanged" | "conflict";
  /** Live and wanted partition counts (live null: the topic does not exist; wanted null: any). */
  readonly partitions: { readonly live: number | null; readonly wanted: number | null };
  /** Topic settings whose live value differs from the wanted one. */
  readonly config: readonly { readonly name: string; readonly live: string | null; readonly wanted: string }[];
  /** Why a conflict cannot be applied, and what to do. */
  readonly reason?: string;
}

/** The kafkajs client settings of an environment's Kafka properties (the Java client's names). */
export function kafkaClientConfig(bootstrap: string, properties: Readonly<Record<string, string>>): KafkaConfig {
  const protocol = (properties["security.protocol"] ?? "PLAINTEXT").toUpperCase();
  const config: KafkaConfig = { clientId: "streamt-sdk-deploy", brokers: bootstrap.split(","), logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 200 }, connectionTimeout: 10_000, requestTimeout: 60_000 };
  if (protocol === "SSL" || protocol === "SASL_SSL") Object.assign(config, { ssl: true });
  if (protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL") {
    const mechanism = (properties["sasl.mechanism"] ?? "PLAIN").toLowerCase();
    const jaas = properties["sasl.jaas.config"] ?? "";
    const username = /username="([^"]*)"/.exec(jaas)?.[1];
    const password = /password="([^"]*)"/.exec(jaas)?.[1];
    if ((mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") || username === undefined || password === undefined) {
      throw new StreamtError({
        code: RuntimeErrorCode.topicsFailed,
        message: `the SDK's Kafka admin client supports SASL PLAIN and SCRAM-SHA-256/512 with sasl.jaas.config holding username="..." password="..."; this environment sets sasl.mechanism=${properties["sasl.mechanism"] ?? "(none)"}`,
        hint: "use one of those mechanisms for the account that deploys, or create the topics yourself before apply",
      });
    }
    Object.assign(config, { sasl: { mechanism, username, password } });
  }
  return config;
}

async function withAdmin<T>(env: ResolvedEnvironment, properties: Readonly<Record<string, string>>, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka(kafkaClientConfig(env.kafka.bootstrapServers, properties)).admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new StreamtError({
      code: RuntimeErrorCode.clusterUnreachable,
      message: `the Kafka cluster of environment '${env.name}' (${env.kafka.bootstrapServers}) did not answer: ${e instanceof Error ? e.message : String(e)}`,
      hint: env.name === "dev" ? "start the local cluster with `streamt-sdk dev up`" : `check kafka.bootstrapServers of '${env.name}' in streamt.config.ts and that this machine reaches it`,
    });
  }
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs's ConfigResourceTypes.TOPIC (the enum is not an ES export of the CommonJS package). */
const TOPIC = 2 as ConfigResourceTypes;

/** The topic settings synth decides (others are the cluster's business). */
function wantedConfig(t: TopicEntry): Record<string, string> {
  return { "cleanup.policy": t.cleanupPolicy };
}

/** Each topic of topics.json against the live cluster. Writes nothing. */
export async function planTopics(env: ResolvedEnvironment, properties: Readonly<Record<string, string>>, topics: readonly TopicEntry[]): Promise<TopicChange[]> {
  if (topics.length === 0) return [];
  return withAdmin(env, properties, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t.name));
    const metadata = present.length === 0 ? { topics: [] } : await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    const configs = present.length === 0 ? { resources: [] } : await admin.describeConfigs({ includeSynonyms: false, resources: present.map((t) => ({ type: TOPIC, name: t.name, configNames: Object.keys(wantedConfig(t)) })) });
    return [...topics]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t): TopicChange => {
        const wanted = wantedConfig(t);
        if (!existing.has(t.name)) return { topic: t.name, action: "create", partitions: { live: null, wanted: t.partitions }, config: Object.entries(wanted).map(([name, value]) => ({ name, live: null, wanted: value })) };
        const live = metadata.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
        const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
        const config = Object.entries(wanted)
          .map(([name, value]) => ({ name, live: entries.find((e) => e.configName === name)?.configValue ?? null, wanted: value }))
          .filter((c) => c.live !== c.wanted);
        const partitions = { live, wanted: t.partitions };
        if (t.partitions !== null && t.partitions < live) {
          return { topic: t.name, action: "conflict", partitions, config, reason: `it has ${live} partitions and the pipelines declare ${t.partitions}; Kafka cannot remove partitions (declare ${live}, or recreate the topic yourself)` };
        }
        return { topic: t.name, action: (t.partitions !== null && t.partitions > live) || config.length > 0 ? "alter" : "unchanged", partitions, config };
      });
  });
}

/** Waits until every partition of a new topic has a leader (jobs cannot write to it before), up to 60 s. */
export async function awaitLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch((e: unknown) => (Date.now() < deadline ? null : Promise.reject(e)));
    const partitions = metadata?.topics.find((t) => t.name === topic)?.partitions ?? [];
    if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() >= deadline) throw new Error(`its partitions have no leader after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Applies the create and alter changes of `changes` (conflicts are refused before this runs). */
export async function applyTopics(env: ResolvedEnvironment, properties: Readonly<Record<string, string>>, topics: readonly TopicEntry[], changes: readonly TopicChange[], done: (line: string) => void): Promise<void> {
  const todo = changes.filter((c) => c.action === "create" || c.action === "alter");
  if (todo.length === 0) return;
  await withAdmin(env, properties, async (admin) => {
    for (const change of todo) {
      const entry = topics.find((t) => t.name === change.topic)!;
      try {
        if (change.action === "create") {
          await admin.createTopics({
            // kafkajs's own wait for leaders fails on a broker that has not propagated the topic's metadata yet
            // ("This server does not host this topic-partition"): awaitLeaders below retries instead.
            waitForLeaders: false,
            timeout: 60_000,
            topics: [{ topic: entry.name, numPartitions: entry.partitions ?? 1, replicationFactor: entry.replicationFactor ?? -1, configEntries: Object.entries(wantedConfig(entry)).map(([name, value]) => ({ name, value })) }],
          });
          await awaitLeaders(admin, entry.name);
          done(`created topic ${entry.name} (${entry.partitions ?? 1} partition${(entry.partitions ?? 1) === 1 ? "" : "s"})`);
          continue;
        }
        if (change.partitions.wanted !== null && change.partitions.live !== null && change.partitions.wanted > change.partitions.live) {
          await admin.createPartitions({ timeout: 60_000, topicPartitions: [{ topic: entry.name, count: change.partitions.wanted }] });
          done(`topic ${entry.name}: partitions ${change.partitions.live} -> ${change.partitions.wanted}`);
        }
        if (change.config.length > 0) {
          // AlterConfigs replaces a topic's whole set of overrides: send the ones it has, with ours changed.
          const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: entry.name }] });
          const overrides = Object.fromEntries((described.resources[0]?.configEntries ?? []).filter((e) => !e.isDefault && !e.isSensitive && !e.readOnly && e.configSource === 1).map((e) => [e.configName, e.configValue]));
          for (const c of change.config) overrides[c.name] = c.wanted;
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: entry.name, configEntries: Object.entries(overrides).map(([name, value]) => ({ name, value })) }] });
          done(`topic ${entry.name}: ${change.config.map((c) => `${c.name} ${c.live ?? "(default)"} -> ${c.wanted}`).join(", ")}`);
        }
      } catch (e) {
        throw new StreamtError({
          code: RuntimeErrorCode.topicsFailed,
          message: `Kafka refused to ${change.action} topic ${entry.name}: ${kafkaReason(e)}`,
          hint: "check the deploying account's ACLs (create, alter, alter-configs on the topic) and the broker's limits; nothing after this topic was changed",
        });
      }
    }
  });
}

/**
 * A kafkajs error's message with the causes it aggregates: a refused createTopics throws "Topic creation
 * errors", the broker's reason for each topic being among its `errors`.
 */
function kafkaReason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const causes = (e as { errors?: unknown }).errors;
  if (!Array.isArray(causes) || causes.length === 0) return e.message;
  return `${e.message} (${causes.map((c) => (c instanceof Error ? c.message : String(c))).join("; ")})`;
}

/** Deletes topics (destroy --delete-topics). */
export async function deleteTopics(env: ResolvedEnvironment, properties: Readonly<Record<string, string>>, names: readonly string[]): Promise<string[]> {
  return withAdmin(env, properties, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n)).sort();
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 });
    return present;
  });
}
