import { z } from "zod";
import type { PlanNode } from "../ir/plan-node.js";
import type { SourceSite } from "../ir/node-base.js";
import { sinkNode, type SinkConnector, type SinkNode } from "../ir/nodes/sink-node.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";
import { planProperties, propertiesSchema, registryUrl, type SecretRef } from "./secret.js";
import { parseDuration, type Duration } from "./duration.js";
import { about, aboutOptions, type About, durationSchema, jsonTimestampFormatSchema, nameSchema, parseOptions, refuseJsonOptions, refuseOwnedKeys, SDK_OWNED } from "./options.js";
import type { Row } from "./schema.js";
import type { Traits } from "./stream.js";

const SINK = Symbol.for("streamt-sdk.sink");

/**
 * A destination of a pipeline, made by `stream.toKafka(...)` and friends; pass it to `pipeline(...).write()`.
 * A Kafka sink is also a typed handle on its topic: `source(name, { from: sink })` reads it in another
 * pipeline, module or package with the row type `R` written here, and the upsert key `K`.
 */
// The row and key default to any, so that `Sink<Traits>` (what write() takes) accepts every sink without
// comparing its row column by column: that comparison doubled the type-check cost of each pipeline.
export interface Sink<T extends Traits = Traits, R extends Row = any, K extends string = any> {
  readonly [SINK]: true;
  readonly node: SinkNode;
  /** Phantom: the traits of the stream written. */
  readonly __traits?: T;
  /** Phantom: the row written (time attributes as the stream had them). */
  readonly __row?: R;
  /** Phantom: the upsert key's columns (never for an append-only topic). */
  readonly __key?: K;
}

const WRITERS_KEY = Symbol.for("streamt-sdk.sink-writers");

/** Which pipeline writes each sink: shared through globalThis, as a catalog package may load its own copy of the SDK. */
function writers(): WeakMap<SinkNode, string> {
  const g = globalThis as unknown as Record<symbol, WeakMap<SinkNode, string> | undefined>;
  return (g[WRITERS_KEY] ??= new WeakMap());
}

/** Records that pipeline `name` writes the sink (the first pipeline wins; two writers of a topic are STREAMT-E012). */
export function recordWriter(sink: SinkNode, pipeline: string): void {
  if (!writers().has(sink)) writers().set(sink, pipeline);
}

/** The pipeline that writes the sink, if one has been declared. */
export function writerOf(sink: SinkNode): string | null {
  return writers().get(sink) ?? null;
}

export function isSink(v: unknown): v is Sink {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[SINK] === true;
}

export interface SinkOptions {
  /** Sink name (its table name and path segment). Default: the topic, or print / blackhole. */
  readonly name?: string;
  /** What the sink's data is, in a sentence (manifest.json; the project's rules may require it). */
  readonly description?: string;
  /** Who answers for the data it writes: a team, a person or an address (manifest.json; the project's rules may require it). */
  readonly owner?: string;
}

export interface KafkaSinkOptions extends SinkOptions {
  readonly format?: "json" | "csv" | "avro-confluent" | "raw";
  /** at-least-once (default), exactly-once (transactional; needs checkpointing), or none. */
  readonly delivery?: "none" | "at-least-once" | "exactly-once";
  /** Producer transaction timeout for exactly-once (default "15m", the broker's default maximum). */
  readonly transactionTimeout?: Duration;
  /** Extra Kafka producer properties. */
  readonly properties?: Readonly<Record<string, string | SecretRef>>;
  /** Partitions to create the topic with (topics.json). */
  readonly partitions?: number;
  /** Replication factor to create the topic with (topics.json; the local single broker always uses 1). */
  readonly replicationFactor?: number;
  readonly schemaRegistryUrl?: string;
  /** Options of the JSON format; a sink in another format given them is an error. */
  readonly json?: JsonSinkOptions;
}

/** How a sink writes JSON. */
export interface JsonSinkOptions {
  /**
   * How TIMESTAMP values are written: "ISO-8601" (default) `2024-01-01T10:00:00.5`, or "SQL"
   * `2024-01-01 10:00:00.5`; a TIMESTAMP_LTZ has a trailing `Z` in both ('json.timestamp-format.standard').
   * A source made from this sink (`source(name, { from })`) reads it the same way.
   */
  readonly timestampFormat?: "ISO-8601" | "SQL";
}

export interface UpsertKafkaSinkOptions<K extends string> extends Omit<KafkaSinkOptions, "format"> {
  /** The message key and primary key: one row per key survives compaction. */
  readonly key: readonly K[];
  readonly format?: "json" | "csv" | "avro-confluent";
}

/** The broker's default `transaction.max.timeout.ms`; a longer producer timeout is refused by Kafka. */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60_000;

const common = {
  name: nameSchema.optional(),
  delivery: z.enum(["none", "at-least-once", "exactly-once"]).optional(),
  transactionTimeout: durationSchema.optional(),
  properties: propertiesSchema.optional(),
  partitions: z.number().int().min(1).optional(),
  replicationFactor: z.number().int().min(1).max(32767).optional(),
  schemaRegistryUrl: z.string().optional(),
  json: z.strictObject({ timestampFormat: jsonTimestampFormatSchema.optional() }).optional(),
  ...aboutOptions,
};
const kafkaOptions = z.strictObject({ ...common, format: z.enum(["json", "csv", "avro-confluent", "raw"]).optional() });
const upsertOptions = z.strictObject({ ...common, key: z.array(z.string()).min(1), format: z.enum(["json", "csv", "avro-confluent"]).optional() });
const devOptions = z.strictObject({ name: nameSchema.optional(), ...aboutOptions });

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export function checkTopic(topic: unknown, path: string): string {
  if (typeof topic !== "string" || !TOPIC.test(topic) || topic === "." || topic === "..") {
    throw new StreamtError({
      code: BuildErrorCode.invalidName,
      message: `invalid Kafka topic name ${JSON.stringify(topic)}`,
      hint: "Kafka topic names use letters, digits, '.', '_' and '-' (1 to 249 characters)",
      path,
      site: callSite(),
    });
  }
  return topic;
}

type SinkRequest =
  | { kind: "kafka"; topic: unknown; options: unknown }
  | { kind: "upsert-kafka"; topic: unknown; options: unknown }
  | { kind: "print" | "blackhole"; options: unknown };

export function makeSink(input: PlanNode, req: SinkRequest): Sink<Traits> {
  const site = callSite();
  try {
    return buildSink(input, req, site);
  } catch (e) {
    // Option errors are found before the node exists: they get the user's call site here.
    if (e instanceof StreamtError && e.site === null) throw new StreamtError({ ...e, message: e.message, site });
    throw e;
  }
}

function buildSink(input: PlanNode, req: SinkRequest, site: SourceSite | null): Sink<Traits> {
  const where = req.kind === "kafka" ? "toKafka()" : req.kind === "upsert-kafka" ? "toUpsertKafka()" : req.kind === "print" ? "toPrint()" : "toBlackhole()";
  let connector: SinkConnector;
  let name: string;
  let described: About;
  if (req.kind === "kafka" || req.kind === "upsert-kafka") {
    const topic = checkTopic(req.topic, input.path);
    const o = req.kind === "kafka" ? parseOptions(kafkaOptions, req.options, where, input.path) : parseOptions(upsertOptions, req.options, where, input.path);
    refuseOwnedKeys(o.properties ?? {}, SDK_OWNED.sinkProperties, `${where} properties`, input.path);
    const delivery = o.delivery ?? "at-least-once";
    const format = o.format ?? "json";
    if (format !== "json") refuseJsonOptions(o.json, format, where, input.path);
    if (format === "avro-confluent" && !o.schemaRegistryUrl) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where}: format avro-confluent needs schemaRegistryUrl`, hint: "pass schemaRegistryUrl: 'http://registry:8081'", path: input.path });
    }
    if (format !== "avro-confluent" && o.schemaRegistryUrl !== undefined) {
      // Only avro-confluent reads it: for any other format it would be silently ignored.
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `${where}: schemaRegistryUrl is read by format avro-confluent only, and this sink writes ${format}`, hint: "remove schemaRegistryUrl, or set format: 'avro-confluent'", path: input.path });
    }
    const base = {
      topic,
      delivery,
      transactionTimeoutMs: delivery === "exactly-once" ? parseDuration(o.transactionTimeout ?? DEFAULT_TRANSACTION_TIMEOUT_MS, `${where} transactionTimeout`) : null,
      properties: planProperties(o.properties ?? {}, `${where} properties`, input.path),
      partitions: o.partitions ?? null,
      replicationFactor: o.replicationFactor ?? null,
      schemaRegistryUrl: registryUrl(o.schemaRegistryUrl, where, input.path),
      json: format === "json" ? { timestampFormat: o.json?.timestampFormat ?? "ISO-8601" } : null,
    };
    connector = "key" in o
      ? { kind: "upsert-kafka", ...base, format: format as "json" | "csv" | "avro-confluent", key: o.key as string[] }
      : { kind: "kafka", ...base, format };
    name = o.name ?? topic;
    described = about(o);
  } else {
    const o = parseOptions(devOptions, req.options, where, input.path);
    connector = { kind: req.kind };
    name = o.name ?? req.kind;
    described = about(o);
  }
  const path = `${input.path}/${name}`;
  // sinkNode's refusals carry this path and site already (its origin).
  return { [SINK]: true, node: sinkNode({ path, site }, input, name, connector, described) };
}
