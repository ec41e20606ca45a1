import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage, type Message, type Producer } from "kafkajs";
import { StreamtError } from "../errors.js";
import { RuntimeErrorCode } from "./toolchain.js";

/** A topic to create: topics.json entries fit (partitions null means 1). */
export interface TopicSpec {
  readonly name: string;
  readonly partitions?: number | null;
  readonly cleanupPolicy?: "delete" | "compact";
}

/** A record read back: the value parsed as JSON (null for a tombstone). */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: unknown;
  /** The value's bytes as text, as they are in the topic (null for a tombstone): what `run --local` prints. */
  readonly text: string | null;
  readonly timestamp: string;
}

/** A record to produce: `value` is serialised as JSON unless it is already a string. */
export interface ProduceRecord {
  readonly key?: string | null;
  readonly value: unknown;
  readonly partition?: number;
  /** Kafka record timestamp (ms). */
  readonly timestamp?: number;
  /** Kafka record headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

function client(bootstrap: string): Kafka {
  return new Kafka({ clientId: "streamt-sdk", brokers: bootstrap.split(","), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
}

async function withAdmin<T>(bootstrap: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the topics that do not exist yet (partitions default 1; replication 1 on the local broker)
 * and waits for their leaders.
 *
 * @example
 * await createTopics(kafka.bootstrap, [{ name: "orders.v1", partitions: 2 }, { name: "totals", cleanupPolicy: "compact" }]);
 */
export async function createTopics(bootstrap: string, topics: readonly TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  await withAdmin(bootstrap, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions ?? 1,
        replicationFactor: 1,
        configEntries: t.cleanupPolicy === "compact" ? [{ name: "cleanup.policy", value: "compact" }] : [],
      })),
    });
    await waitForLeaders(admin, missing.map((t) => t.name));
  });
}

/**
 * Waits until every partition of the topics has a leader that serves it. kafkajs' own wait (waitForLeaders)
 * gives up when the broker does not list a topic it has just created yet (UNKNOWN_TOPIC_OR_PARTITION, seen
 * on a loaded machine); that answer is retriable, as is a leader's NOT_LEADER_FOR_PARTITION for a partition
 * it does not serve yet, so this wait goes on until its deadline.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (leadersKnown(meta, topics)) {
        // A leader the metadata names may not serve its partition yet (NOT_LEADER_FOR_PARTITION, retriable, seen
        // by a ListOffsets right after): done once every partition answers for its offsets.
        await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)));
        return;
      }
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(", ")} still have no leader ${timeoutMs / 1000} s after they were created`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether the metadata lists every topic asked for, each with partitions that all have a leader (leader -1: none yet). */
export function leadersKnown(meta: { readonly topics: readonly { readonly partitions: readonly { readonly leader: number }[] }[] }, topics: readonly string[]): boolean {
  return meta.topics.length === topics.length && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
}

/** The topics of a synthesised topics.json. */
export function topicsOfJson(json: string): TopicSpec[] {
  const parsed = JSON.parse(json) as { topics?: { name: string; partitions: number | null; cleanupPolicy: "delete" | "compact" }[] };
  return (parsed.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitions, cleanupPolicy: t.cleanupPolicy }));
}

/** A record read from a JSONL file, with its 1-based line number (for messages). */
export interface JsonlRecord extends ProduceRecord {
  readonly line: number;
}

/**
 * Reads a JSONL file: one record value per line (blank lines and lines starting with // skipped).
 * A line `{"key": ..., "value": {...}}` with exactly those fields gives a keyed record. A line that is
 * not JSON is refused with STREAMT-R010 and `<shown>:<line>`; whether a value fits the topic is
 * checked against the sources that read it (input-check.ts).
 */
export function readJsonl(file: string, shown: string = file): JsonlRecord[] {
  const records: JsonlRecord[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const line = i + 1;
      text = text.trim();
      if (text === "" || text.startsWith("//")) return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new StreamtError({ code: RuntimeErrorCode.invalidInput, message: `${shown}:${line}: not JSON: ${(e as Error).message}`, hint: "write one JSON object per line" });
      }
      const keys = value !== null && typeof value === "object" ? Object.keys(value) : [];
      if (keys.length === 2 && keys.includes("key") && keys.includes("value")) {
        const v = value as { key: unknown; value: unknown };
        records.push({ line, key: v.key === null ? null : typeof v.key === "string" ? v.key : JSON.stringify(v.key), value: v.value });
      } else records.push({ line, value });
    });
  return records;
}

/** Produces records to a topic (acks from all replicas; idempotent producer), then disconnects. */
export async function produce(bootstrap: string, topic: string, records: readonly ProduceRecord[]): Promise<void> {
  const producer: Producer = client(bootstrap).producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records.map(kafkaMessage) });
  } finally {
    await producer.disconnect();
  }
}

/** A record as kafkajs sends it: the value as JSON text unless it is a string already (null: a tombstone). */
export function kafkaMessage(r: ProduceRecord): Message {
  return {
    key: r.key ?? null,
    value: r.value === null ? null : typeof r.value === "string" ? r.value : JSON.stringify(r.value),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
    ...(r.headers !== undefined ? { headers: { ...r.headers } } : {}),
  };
}

/** A record as read: its value parsed as JSON (text that is not JSON stays text; no value is a tombstone, null). */
export function consumedRecord(topic: string, partition: number, message: Pick<KafkaMessage, "offset" | "key" | "value" | "timestamp">): ConsumedRecord {
  const raw = message.value?.toString("utf8");
  let value: unknown = null;
  if (raw !== undefined) {
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
  }
  return { topic, partition, offset: message.offset, key: message.key?.toString("utf8") ?? null, value, text: raw ?? null, timestamp: message.timestamp };
}

/** A running consumer of some topics (read_committed, from the beginning). */
export interface TopicWatcher {
  /** Everything received so far, in arrival order. */
  readonly records: readonly ConsumedRecord[];
  /** Resolves when `predicate(records)` holds; rejects after `timeoutMs` with what arrived so far. */
  until(predicate: (records: readonly ConsumedRecord[]) => boolean, timeoutMs?: number): Promise<readonly ConsumedRecord[]>;
  stop(): Promise<void>;
}

/**
 * Consumes topics from the beginning with isolation level read_committed (only records of committed
 * transactions, as a downstream reader of an exactly-once sink sees them), calling `onRecord` for each.
 * `readUncommitted` also shows records of open or aborted transactions (to observe a crash mid-transaction).
 */
export async function watchTopics(
  bootstrap: string,
  topics: readonly string[],
  onRecord: (r: ConsumedRecord) => void = () => {},
  options: { readUncommitted?: boolean } = {},
): Promise<TopicWatcher> {
  const consumer: Consumer = client(bootstrap).consumer({ groupId: `streamt-watch-${randomUUID()}`, readUncommitted: options.readUncommitted ?? false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const records: ConsumedRecord[] = [];
  const waiters: (() => void)[] = [];
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const r = consumedRecord(topic, partition, message);
      records.push(r);
      onRecord(r);
      for (const w of [...waiters]) w();
    },
  });
  let stopped: Promise<void> | null = null;
  return {
    records,
    until(predicate, timeoutMs = 60_000) {
      if (predicate(records)) return Promise.resolve([...records]);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(records)) return;
          done();
          resolve([...records]);
        };
        const timer = setTimeout(() => {
          done();
          reject(readTimeoutError(timeoutMs, topics, records));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
        };
        waiters.push(check);
      });
    },
    stop() {
      stopped ??= consumer.disconnect();
      return stopped;
    },
  };
}

/** What `until` rejects with when its records did not come in time: the topics and every record that did come. */
export function readTimeoutError(timeoutMs: number, topics: readonly string[], records: readonly ConsumedRecord[]): StreamtError {
  return new StreamtError({ code: RuntimeErrorCode.timeout, message: `timed out after ${timeoutMs} ms reading ${topics.join(", ")}; received ${records.length} record(s):\n${records.map((r) => `${r.topic} ${r.key ?? ""} ${JSON.stringify(r.value)}`).join("\n")}` });
}

/** Reads topics (read_committed) until `predicate` holds on what arrived, or `timeoutMs` passes. */
export async function consumeUntil(
  bootstrap: string,
  topics: readonly string[],
  predicate: (records: readonly ConsumedRecord[]) => boolean,
  timeoutMs = 60_000,
): Promise<readonly ConsumedRecord[]> {
  const w = await watchTopics(bootstrap, topics);
  try {
    return await w.until(predicate, timeoutMs);
  } finally {
    await w.stop();
  }
}

/**
 * Everything the topics hold now (read_committed), in order per partition: reads until each partition's
 * end offset as it was when called, so it ends without waiting for quiet.
 */
export async function readTopics(bootstrap: string, topics: readonly string[], timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const ends = await withAdmin(bootstrap, (admin) => Promise.all(topics.map((t) => admin.fetchTopicOffsets(t))));
  const total = recordCount(ends.flat());
  if (total === 0) return [];
  return [...(await consumeUntil(bootstrap, topics, (records) => records.length >= total, timeoutMs))];
}

/** How many records partitions hold now: high minus low offset (kafkajs' strings), summed. */
export function recordCount(partitions: readonly { readonly high: string; readonly low: string }[]): number {
  return partitions.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
}

/**
 * How many records of a topic's partitions (their offsets) a group has not committed (its committed offsets):
 * end offset minus committed offset, from the low offset where it never committed (offset -1, or absent).
 */
export function uncommittedOf(
  ends: readonly { readonly partition: number; readonly high: string; readonly low: string }[],
  committed: readonly { readonly partition: number; readonly offset: string }[] | undefined,
): number {
  let behind = 0;
  for (const p of ends) {
    const at = Number(committed?.find((c) => c.partition === p.partition)?.offset ?? -1);
    behind += Number(p.high) - (at >= 0 ? at : Number(p.low));
  }
  return behind;
}

/**
 * How many records of each topic its consumer group has not committed yet (end offset minus committed
 * offset, summed over partitions; a partition the group never committed counts from its start).
 */
export async function uncommittedRecords(bootstrap: string, readers: readonly { readonly group: string; readonly topic: string }[]): Promise<number> {
  return withAdmin(bootstrap, async (admin) => {
    let behind = 0;
    for (const { group, topic } of readers) {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      behind += uncommittedOf(ends, committed?.partitions);
    }
    return behind;
  });
}

/** The latest value per key of an upsert topic (a tombstone removes the key), like compaction would. */
export function latestByKey(records: readonly ConsumedRecord[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const r of records) {
    const k = r.key ?? "";
    if (r.value === null) m.delete(k);
    else m.set(k, r.value);
  }
  return m;
}
