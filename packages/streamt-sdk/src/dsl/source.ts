import { z } from "zod";
import type { Column } from "../ir/node-base.js";
import { isChangelogFormat, isJsonFormat, sourceNode, usesSchemaRegistry, type ChangelogFormat, type ContractViolation, type JsonReadOptions, type KafkaSourceConfig, type SourceFormat, type SourceNode, type StartFrom, type UpstreamSink, type WatermarkSpec } from "../ir/nodes/source-node.js";
import type { SourceSite } from "../ir/node-base.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";
import { planProperties, propertiesSchema, registryUrl, type SecretRef } from "./secret.js";
import { parseDuration, parsePositiveDuration, type Duration } from "./duration.js";
import { durationSchema, jsonTimestampFormatSchema, parseOptions, refuseJsonOptions, refuseOwnedKeys, SDK_OWNED } from "./options.js";
import { isRowSchema, type Col, type Row, type RowSchema, type TimestampKind } from "./schema.js";
import { checkTopic, isSink, writerOf, type Sink } from "./sink.js";
import { checkName, StreamImpl, type Append, type PlainRow, type RowtimeKey, type Stream, type Traits } from "./stream.js";
import type { StreamtTypeError } from "./type-error.js";
import { isZodObject, zodFields, type ZodRow } from "./zod-schema.js";

export type SchemaInput = RowSchema | z.ZodObject;
export type RowOf<S> = S extends RowSchema<infer R> ? R : S extends z.ZodObject ? ZodRow<S> : never;

export interface SourceOptions<S extends SchemaInput, K extends string = string, F extends SourceFormat = SourceFormat> {
  /** The Kafka topic to read. */
  readonly topic: string;
  /** The row schema: `t.row({...})` or a zod object. */
  readonly schema: S;
  /**
   * json (default), csv, avro-confluent (needs schemaRegistryUrl), raw, debezium-json,
   * debezium-avro-confluent (needs schemaRegistryUrl). The debezium formats are changelogs (CDC): the
   * stream is updating, so it goes to toUpsertKafka(), not toKafka().
   */
  readonly format?: F;
  /**
   * A primary key makes the topic a changelog read with upsert-kafka (the latest row per key): what a
   * versioned table for a temporal join needs. On a CDC format (debezium-json) it is the key of the
   * change events, declared as `PRIMARY KEY ... NOT ENFORCED`.
   */
  readonly primaryKey?: readonly K[];
  /** Where to start reading when the job has no committed offsets: "group-offsets" (default, falling back to earliest), "earliest", "latest", or { timestamp }. */
  readonly startFrom?: "group-offsets" | "earliest" | "latest" | { readonly timestamp: number | Date };
  /** Extra Kafka consumer properties. */
  readonly properties?: Readonly<Record<string, string | SecretRef>>;
  /** Partitions to create the topic with (topics.json). */
  readonly partitions?: number;
  readonly schemaRegistryUrl?: string;
  /** Partitions idle this long stop holding the watermark back (same as `.idleTimeout()`). */
  readonly idleTimeout?: Duration;
  /**
   * The schema is a contract the topic does not check: a record may miss a NOT NULL field or hold null
   * there. Such a record never reaches the pipeline's steps (so NOT NULL holds downstream), and is
   * - `"drop"` (default): dropped and counted: the script writes it to a blackhole sink
   *   `<source>__violations`, whose `numRecordsIn` metric in Flink is the count;
   * - `{ deadLetter: "topic" }`: written to that topic as JSON `{ pipeline, source, topic, partition,
   *   offset, reason, record }`, with the source's Kafka properties (append-only sources only).
   *
   * @example source("orders", { topic: "orders.raw.v1", schema: Order, onContractViolation: { deadLetter: "orders.raw.v1.dlq" } })
   */
  readonly onContractViolation?: "drop" | { readonly deadLetter: string };
  /** Options of the JSON format (json, debezium-json); another format given them is an error. */
  readonly json?: [F] extends ["json" | "debezium-json"] ? JsonSourceOptions : never;
}

/** How a source reads JSON. */
export interface JsonSourceOptions {
  /**
   * How TIMESTAMP values are written in the topic: "ISO-8601" (default) `2024-01-01T10:00:00.5`, or "SQL"
   * `2024-01-01 10:00:00.5`; a TIMESTAMP_LTZ has a trailing `Z` in both ('json.timestamp-format.standard').
   */
  readonly timestampFormat?: "ISO-8601" | "SQL";
  /**
   * A record Flink cannot parse:
   * - `"fail"` (default): the job fails ("Failed to deserialize JSON"), and fails again on restart;
   * - `"skip"` ('json.ignore-parse-errors'): a value that cannot be read as its column's type reads as null,
   *   so the record breaks the source's NOT NULL contract and goes where `onContractViolation` says (dropped
   *   and counted, or the dead-letter topic). Every column where that could happen must be NOT NULL, and the
   *   source append-only (STREAMT-B013). A record that is not a JSON object, which Flink skips, is read again
   *   as text and goes there too (the dead-letter record's `text`); a record without a value is skipped.
   */
  readonly onParseError?: "fail" | "skip";
}

type TimestampColumn<R extends Row> = { [K in keyof R]: R[K]["__kind"] extends TimestampKind ? K : never }[keyof R] & string;
type WithRowtime<R extends Row, E extends string> = {
  readonly [K in keyof R]: K extends E ? Col<R[K]["__kind"], R[K]["__nullable"], "rowtime"> : R[K];
};

/**
 * A Kafka topic read as a stream. Event time and its watermark are declared here, on the source, so
 * Flink can carry the time attribute through every later step.
 */
export interface SourceStream<R extends Row, T extends Traits = Append, E extends string = never> extends Stream<R, T> {
  /** The source's name (its table name and path). */
  readonly name: string;
  /**
   * The column holding each event's time. Only TIMESTAMP(p) / TIMESTAMP_LTZ(p) columns qualify.
   * @example source(...).eventTime("event_timestamp").watermark("5s")
   */
  eventTime<K extends keyof R & string>(
    column: K & (K extends TimestampColumn<R> ? unknown : StreamtTypeError<`eventTime() needs a TIMESTAMP or TIMESTAMP_LTZ column; '${K}' is ${R[K]["__kind"]}`>),
  ): SourceStream<R, T, K>;
  /**
   * How late events may arrive: a bounded delay ("5s" gives `WATERMARK FOR ts AS ts - INTERVAL '5' SECOND`)
   * or "monotonous" (`WATERMARK FOR ts AS ts`).
   */
  watermark(
    delay: [E] extends [never] ? StreamtTypeError<"watermark() needs eventTime(column) first"> : Duration | "monotonous",
  ): SourceStream<WithRowtime<R, E>, T, E>;
  /**
   * Marks partitions idle after this long without data, so an idle partition does not hold the
   * watermark (and every window) back: `'scan.watermark.idle-timeout'`.
   */
  idleTimeout(timeout: Duration): SourceStream<R, T, E>;
  /** Adds a processing-time attribute column: `name AS PROCTIME()`. */
  processingTime<N extends string>(name: N): SourceStream<R & { readonly [P in N]: Col<"TIMESTAMP_LTZ", false, "proctime"> }, T, E>;
}

interface SourceSpec {
  readonly name: string;
  readonly kafka: KafkaSourceConfig;
  readonly physical: readonly Column[];
  readonly eventTime: SourceNode["eventTime"];
  readonly processingTime: string | null;
  readonly idleTimeoutMs: number | null;
  readonly site: SourceSite | null;
  readonly upstream?: UpstreamSink;
  /** The writer's event-time column, which watermark() uses when eventTime() did not choose one. */
  readonly carriedEventTime?: string;
}

class SourceImpl extends StreamImpl {
  constructor(readonly spec: SourceSpec) {
    const { carriedEventTime: _, ...init } = spec;
    super(sourceNode({ path: spec.name, site: spec.site }, init));
  }
  get name(): string {
    return this.spec.name;
  }
  private with(change: Partial<SourceSpec>): SourceImpl {
    try {
      return new SourceImpl({ ...this.spec, ...change });
    } catch (e) {
      if (e instanceof StreamtError) throw new StreamtError({ code: e.code, message: e.message, hint: e.hint, path: this.spec.name, site: callSite() });
      throw e;
    }
  }
  eventTime(column: string): SourceImpl {
    return this.with({ eventTime: { column, watermark: this.spec.eventTime?.watermark ?? null } });
  }
  watermark(delay: unknown): SourceImpl {
    const column = this.spec.eventTime?.column ?? this.spec.carriedEventTime;
    if (column === undefined) {
      throw new StreamtError({ code: BuildErrorCode.missingTimeAttribute, message: `watermark() on source '${this.spec.name}' needs eventTime(column) first`, hint: "call .eventTime('your_timestamp_column').watermark('5s')", path: this.spec.name, site: callSite() });
    }
    const watermark: WatermarkSpec = delay === "monotonous" ? { kind: "monotonous" } : { kind: "bounded", delayMs: parseDuration(delay, `watermark of source '${this.spec.name}'`) };
    return this.with({ eventTime: { column, watermark } });
  }
  idleTimeout(timeout: unknown): SourceImpl {
    return this.with({ idleTimeoutMs: parsePositiveDuration(timeout, `idleTimeout of source '${this.spec.name}'`, this.spec.name) });
  }
  processingTime(name: string): SourceImpl {
    return this.with({ processingTime: checkName(name, "processing-time column") });
  }
}

const sourceOptions = z.strictObject({
  topic: z.string(),
  schema: z.custom<SchemaInput>((v) => isRowSchema(v) || isZodObject(v), { message: "must be t.row({...}) or a zod object schema" }),
  format: z.enum(["json", "csv", "avro-confluent", "raw", "debezium-json", "debezium-avro-confluent"]).optional(),
  primaryKey: z.array(z.string()).min(1).optional(),
  startFrom: z.union([z.enum(["group-offsets", "earliest", "latest"]), z.strictObject({ timestamp: z.union([z.number().int(), z.date()]) })]).optional(),
  properties: propertiesSchema.optional(),
  partitions: z.number().int().min(1).optional(),
  schemaRegistryUrl: z.string().optional(),
  idleTimeout: durationSchema.optional(),
  onContractViolation: z.union([z.literal("drop"), z.strictObject({ deadLetter: z.string() })]).optional(),
  json: z.strictObject({ timestampFormat: jsonTimestampFormatSchema.optional(), onParseError: z.enum(["fail", "skip"]).optional() }).optional(),
});

/** The source's JSON options: the defaults for a JSON format, null for another (which must not be given them). */
function jsonOptions(given: z.infer<typeof sourceOptions>["json"], format: SourceFormat, name: string): JsonReadOptions | null {
  if (!isJsonFormat(format)) {
    refuseJsonOptions(given, format, `source('${name}')`, name);
    return null;
  }
  return { timestampFormat: given?.timestampFormat ?? "ISO-8601", ignoreParseErrors: given?.onParseError === "skip" };
}

function startFrom(v: z.infer<typeof sourceOptions>["startFrom"]): StartFrom {
  if (v === undefined || v === "group-offsets") return { kind: "group-offsets" };
  if (v === "earliest" || v === "latest") return { kind: v };
  return { kind: "timestamp", millis: v.timestamp instanceof Date ? v.timestamp.getTime() : v.timestamp };
}

function contractViolation(
  v: z.infer<typeof sourceOptions>["onContractViolation"],
  read: { readonly topic: string; readonly changelog: boolean },
  name: string,
  site: SourceSite | null,
): ContractViolation {
  if (v === undefined || v === "drop") return { kind: "drop" };
  checkTopic(v.deadLetter, name);
  const refuse = (message: string, hint: string): never => {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `source('${name}'): ${message}`, hint, site, path: name });
  };
  if (v.deadLetter === read.topic) refuse(`the dead-letter topic is the topic it reads, '${read.topic}'`, `give the dead-letter records a topic of their own, e.g. '${read.topic}.dlq'`);
  if (read.changelog) {
    refuse("a dead-letter topic needs an append-only source; this one is a changelog (primaryKey or a CDC format), whose broken updates have no place in an append-only topic",
      'leave onContractViolation at "drop" (a broken update then removes the key\'s row downstream), or declare the column nullable');
  }
  return { kind: "dead-letter", topic: v.deadLetter };
}

/** A keyed (primaryKey) or CDC source: updating, with no state of its own. */
type SourceChangelog = { readonly changelog: "updating"; readonly state: "bounded" };

// ---- another pipeline's sink as a source ---------------------------------------------------------

/**
 * Reading the topic another pipeline writes, through that pipeline's sink: `source(name, { from: sink })`.
 * The topic, columns (with their nullability), format and its options, schema registry and upsert key
 * are the writer's; the reader states only how it reads (where to start, client properties, idle
 * timeout, what to do with a record that breaks the contract) and, if it needs event time, the watermark.
 */
export interface FromSinkOptions<Snk> {
  /** The writer's sink, made by `toKafka()` or `toUpsertKafka()` (exported by its module or package). */
  readonly from: Snk & ReadableSink<Snk>;
  readonly startFrom?: SourceOptions<RowSchema>["startFrom"];
  readonly properties?: SourceOptions<RowSchema>["properties"];
  readonly idleTimeout?: Duration;
  readonly onContractViolation?: SourceOptions<RowSchema>["onContractViolation"];
}

type SinkRow<Snk> = Snk extends Sink<any, infer R, any> ? R : never;
type SinkKey<Snk> = Snk extends Sink<any, any, infer K> ? K : never;
type ReadableSink<Snk> = [SinkRow<Snk>] extends [never] ? StreamtTypeError<"from: needs a sink that writes a topic (toKafka or toUpsertKafka); toPrint() and toBlackhole() write none"> : unknown;
type IsUnion<U, All = U> = U extends unknown ? ([All] extends [U] ? false : true) : never;
/** The writer's event-time column, when its rows had exactly one. */
type CarriedEventTime<R extends Row> = [RowtimeKey<R>] extends [never] ? never : true extends IsUnion<RowtimeKey<R>> ? never : RowtimeKey<R> & string;

/**
 * The stream a sink's topic is read back as: the writer's columns (time attributes become plain
 * timestamps until the reader's watermark), append-only from toKafka(), a changelog keyed by the
 * upsert key from toUpsertKafka(). `watermark()` may be called directly: it uses the writer's
 * event-time column.
 */
export type SourceFromSink<Snk> = SourceStream<PlainRow<SinkRow<Snk>>, [SinkKey<Snk>] extends [never] ? Append : SourceChangelog, CarriedEventTime<SinkRow<Snk>>>;

/** What the sink decides, which a reader of its topic does not repeat. */
const CARRIED = ["topic", "schema", "format", "primaryKey", "schemaRegistryUrl", "partitions", "json"] as const;

const fromSinkOptions = z.strictObject({
  from: z.unknown(),
  startFrom: sourceOptions.shape.startFrom,
  properties: sourceOptions.shape.properties,
  idleTimeout: sourceOptions.shape.idleTimeout,
  onContractViolation: sourceOptions.shape.onContractViolation,
});

function fromSink(name: string, options: object, site: SourceSite | null): SourceImpl {
  const refuse = (message: string, hint: string): never => {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `source('${name}'): ${message}`, hint, site, path: name });
  };
  const repeated = CARRIED.filter((k) => k in options);
  if (repeated.length > 0) {
    refuse(`${repeated.map((k) => `'${k}'`).join(", ")} ${repeated.length > 1 ? "come" : "comes"} from the sink given in 'from'`,
      `remove ${repeated.length > 1 ? "them" : "it"}: the writer's sink decides the topic, columns, format (with its JSON options) and key`);
  }
  const o = parseOptions(fromSinkOptions, options, `source('${name}')`, name);
  if (!isSink(o.from)) refuse("'from' is not a sink", "pass the writer's sink, e.g. { from: revenue.toKafka('orders.hourly.v1') } exported by its module");
  const sink = (o.from as Sink).node;
  const c = sink.connector;
  if (c.kind !== "kafka" && c.kind !== "upsert-kafka") {
    return refuse(`'from' is a ${c.kind} sink (${sink.path}), which writes no topic`, "read a sink made by toKafka() or toUpsertKafka()");
  }
  refuseOwnedKeys(o.properties ?? {}, SDK_OWNED.sourceProperties, `source('${name}') properties`, name);
  const primaryKey = c.kind === "upsert-kafka" ? c.key : null;
  const rowtimes = sink.schema.filter((col) => col.time === "rowtime");
  const upstream: UpstreamSink = { sink: sink.path, pipeline: writerOf(sink), site: sink.site };
  return new SourceImpl({
    name,
    site,
    // The rows as the writer's plan types them; time attributes are the reader's to declare.
    physical: sink.schema.map((col) => ({ name: col.name, type: col.type })),
    eventTime: null,
    processingTime: null,
    idleTimeoutMs: o.idleTimeout === undefined ? null : parsePositiveDuration(o.idleTimeout, `idleTimeout of source '${name}'`, name),
    kafka: {
      topic: c.topic,
      format: c.format,
      properties: planProperties(o.properties ?? {}, `source('${name}') properties`, name),
      startFrom: startFrom(o.startFrom),
      primaryKey,
      schemaRegistryUrl: c.schemaRegistryUrl,
      partitions: c.partitions,
      onContractViolation: contractViolation(o.onContractViolation, { topic: c.topic, changelog: primaryKey !== null }, name, site),
      // The writer's timestamp format; what Flink wrote, it can read.
      json: c.json === null ? null : { timestampFormat: c.json.timestampFormat, ignoreParseErrors: false },
    },
    upstream,
    ...(rowtimes.length === 1 ? { carriedEventTime: rowtimes[0]!.name } : {}),
  });
}

// ---- the typed catalog -----------------------------------------------------------------------

/**
 * Sources known by name. Catalog packages extend it by declaration merging, so that `source("orders")`
 * in another repository has the catalog's full types:
 *
 * @example
 * declare module "streamt-sdk" { interface SourceCatalog { orders: typeof orders } }
 * registerSources({ orders });
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SourceCatalog {}

const REGISTRY_KEY = Symbol.for("streamt-sdk.source-catalog");
type Registry = Map<string, SourceImpl>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY_KEY] ??= new Map());
}

/** Registers sources so `source(name)` finds them at run time; the keys must be the sources' names. */
export function registerSources<S extends Record<string, SourceStream<any, any, any>>>(sources: S): S {
  for (const [key, s] of Object.entries(sources)) {
    if (!(s instanceof SourceImpl)) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `registerSources(): '${key}' is not a source`, hint: "register values made by source(name, {...})", site: callSite() });
    }
    if (s.name !== key) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `registerSources(): key '${key}' names source '${s.name}'`, hint: `register it as { ${s.name}: ... } so source("${s.name}") finds it`, site: callSite() });
    }
    const existing = registry().get(key);
    if (existing && existing !== s && JSON.stringify(existing.node) !== JSON.stringify(s.node)) {
      throw new StreamtError({ code: BuildErrorCode.duplicateName, message: `source '${key}' is registered twice with different definitions`, hint: "give one of them another name", site: callSite(), path: key });
    }
    registry().set(key, s);
  }
  return sources;
}

/** Forgets registered sources (tests). */
export function clearSourceCatalog(): void {
  registry().clear();
}

/**
 * A Kafka topic as a typed stream; or, with only a name, a source from the catalog.
 *
 * @example
 * const orders = source("orders", { topic: "orders.raw.v1", schema: Order })
 *   .eventTime("event_timestamp")
 *   .watermark("5s");
 * // CREATE TABLE `orders` (..., WATERMARK FOR `event_timestamp` AS `event_timestamp` - INTERVAL '5' SECOND)
 * // WITH ('connector' = 'kafka', 'topic' = 'orders.raw.v1', 'format' = 'json', ...)
 */
export function source<N extends keyof SourceCatalog & string>(name: N): SourceCatalog[N];
export function source<Snk extends Sink<Traits, Row, string>>(name: string, options: FromSinkOptions<Snk>): SourceFromSink<Snk>;
export function source<S extends SchemaInput, K extends keyof RowOf<S> & string = never, F extends SourceFormat = "json">(
  name: string,
  options: SourceOptions<S, K, F>,
): SourceStream<RowOf<S>, [K] extends [never] ? ([F] extends [ChangelogFormat] ? SourceChangelog : Append) : SourceChangelog>;
export function source(name: string, options?: unknown): unknown {
  checkName(name, "source name");
  const site = callSite();
  if (options === undefined) {
    const found = registry().get(name);
    if (!found) {
      const known = [...registry().keys()].sort();
      throw new StreamtError({
        code: BuildErrorCode.unknownCatalogSource,
        message: `source '${name}' is not in the catalog`,
        hint: known.length > 0
          ? `known sources: ${known.join(", ")}; or pass { topic, schema } to define it here`
          : "import the package that registers it (registerSources), or pass { topic, schema } to define it here",
        site,
      });
    }
    return found;
  }
  if (typeof options === "object" && options !== null && "from" in options) {
    try {
      return fromSink(name, options, site);
    } catch (e) {
      if (e instanceof StreamtError) throw new StreamtError({ code: e.code, message: e.message, hint: e.hint, path: name, site });
      throw e;
    }
  }
  const o = parseOptions(sourceOptions, options, `source('${name}')`, name);
  checkTopic(o.topic, name);
  const physical: Column[] = (isRowSchema(o.schema) ? o.schema.fields : zodFields(o.schema as z.ZodObject)).map((f) => ({ name: f.name, type: f.type }));
  if (physical.length === 0) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `source('${name}'): the schema has no columns`, hint: "declare the topic's fields, e.g. t.row({ id: t.string() }) or z.object({ id: z.string() })", site, path: name });
  }
  if (o.format !== undefined && usesSchemaRegistry(o.format) && !o.schemaRegistryUrl) {
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `source('${name}'): format ${o.format} needs schemaRegistryUrl`, hint: "pass schemaRegistryUrl: 'http://registry:8081'", site, path: name });
  }
  if (o.schemaRegistryUrl !== undefined && !usesSchemaRegistry(o.format ?? "json")) {
    // Only the registry formats read it: anywhere else it would be silently ignored.
    throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: `source('${name}'): schemaRegistryUrl is read by the avro-confluent and debezium-avro-confluent formats only, and this source reads ${o.format ?? "json"}`, hint: "remove schemaRegistryUrl, or set format: 'avro-confluent'", site, path: name });
  }
  refuseOwnedKeys(o.properties ?? {}, SDK_OWNED.sourceProperties, `source('${name}') properties`, name);
  const spec: SourceSpec = {
    name,
    site,
    physical,
    eventTime: null,
    processingTime: null,
    idleTimeoutMs: o.idleTimeout === undefined ? null : parsePositiveDuration(o.idleTimeout, `idleTimeout of source '${name}'`, name),
    kafka: {
      topic: o.topic,
      format: o.format ?? "json",
      properties: planProperties(o.properties ?? {}, `source('${name}') properties`, name),
      startFrom: startFrom(o.startFrom),
      primaryKey: o.primaryKey ?? null,
      schemaRegistryUrl: registryUrl(o.schemaRegistryUrl, `source('${name}')`, name),
      partitions: o.partitions ?? null,
      onContractViolation: contractViolation(o.onContractViolation, { topic: o.topic, changelog: o.primaryKey !== undefined || (o.format !== undefined && isChangelogFormat(o.format)) }, name, site),
      json: jsonOptions(o.json, o.format ?? "json", name),
    },
  };
  try {
    return new SourceImpl(spec);
  } catch (e) {
    if (e instanceof StreamtError) throw new StreamtError({ code: e.code, message: e.message, hint: e.hint, path: name, site });
    throw e;
  }
}
