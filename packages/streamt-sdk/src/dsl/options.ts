import { z } from "zod";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";

const noOptions = new WeakMap<z.ZodType, unknown>();

/**
 * Validates an options object strictly: an unknown or misspelt key is an error naming the keys there
 * are, never silently ignored.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, where: string, path: string | null = null): z.infer<S> {
  // Most calls pass no options at all: their parsed defaults are computed once per schema.
  if (value === undefined && noOptions.has(schema)) return noOptions.get(schema) as z.infer<S>;
  const result = schema.safeParse(value ?? {});
  if (result.success) {
    if (value === undefined) noOptions.set(schema, Object.freeze(result.data));
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const at = issue.path.length > 0 ? `'${issue.path.join(".")}'` : "options";
  // A record key's own check (e.g. config keys' pattern) is nested: zod's outer message is only "Invalid key in record".
  const said = issue.code === "invalid_key" && issue.issues.length > 0 ? issue.issues[0]!.message : issue.message;
  let message = `${where}: ${at}: ${said}`;
  let hint = "check the option names and values in the README's API reference";
  if (issue.code === "unrecognized_keys") {
    message = `${where}: unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
    const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
    if (shape) hint = `known options: ${Object.keys(shape).join(", ")}`;
  }
  throw new StreamtError({ code: BuildErrorCode.invalidArgument, message, hint, path, site: callSite() });
}

export const durationSchema = z.union([z.string(), z.number()]);

/**
 * Keys the SDK writes itself, each with what to use instead. A user value for one would be a second
 * entry for the same key, and the later silently wins: refused instead.
 */
export const SDK_OWNED = {
  sourceProperties: {
    "bootstrap.servers": "the brokers come from synth --bootstrap-servers (or STREAMT_KAFKA_BOOTSTRAP), so one pipeline runs against every environment",
    "group.id": "the consumer group is the pipeline name, so committed offsets follow the job",
  },
  sinkProperties: {
    "bootstrap.servers": "the brokers come from synth --bootstrap-servers (or STREAMT_KAFKA_BOOTSTRAP), so one pipeline runs against every environment",
    "transaction.timeout.ms": "use the sink's transactionTimeout option (checked against the checkpoint interval, STREAMT-E015)",
    "transactional.id": "Flink derives transactional ids from the prefix the SDK sets per pipeline and sink",
  },
  pipelineConfig: {
    "pipeline.name": "the job name is the pipeline's name: pipeline('name', ...)",
    "parallelism.default": "use the pipeline's parallelism option",
    "table.exec.state.ttl": "use the pipeline's stateTtl option (or a step's ttl): the TTL checks read only those",
    "state.backend.type": "use the pipeline's stateBackend option",
  },
  /** Config keys the analysis reads as well as the option: refused only beside that option (two values). */
  pipelineConfigWithOption: {
    "execution.checkpointing.interval": "the pipeline's checkpointInterval option sets it already: give one of the two",
    "table.exec.source.idle-timeout": "the pipeline's sourceIdleTimeout option sets it already: give one of the two",
  },
} as const satisfies Record<string, Record<string, string>>;

/** Refuses a key of `given` that the SDK owns (see SDK_OWNED), naming the option to use instead. */
export function refuseOwnedKeys(given: Readonly<Record<string, unknown>>, owned: Readonly<Record<string, string>>, where: string, path: string | null): void {
  for (const key of Object.keys(given).sort()) {
    const instead = owned[key];
    if (instead === undefined) continue;
    throw new StreamtError({
      code: BuildErrorCode.invalidArgument,
      message: `${where}: '${key}' is set by streamt-sdk and cannot be overridden`,
      hint: `remove it: ${instead}`,
      path,
      site: callSite(),
    });
  }
}

/** A user-given name that becomes part of a table name and a script comment. */
export const nameSchema = z
  .string()
  .max(100, "names have at most 100 characters")
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "names use letters, digits, '_', '.', '-', starting with a letter, digit or '_'");

/** How a JSON table writes and reads timestamps: 'json.timestamp-format.standard'. */
export const jsonTimestampFormatSchema = z.enum(["ISO-8601", "SQL"]);

/**
 * Refuses JSON options on a table in another format: they would otherwise be silently ignored.
 * `where` names the call, e.g. `source('orders')`.
 */
export function refuseJsonOptions(given: object | undefined, format: string, where: string, path: string | null): void {
  if (given === undefined) return;
  throw new StreamtError({
    code: BuildErrorCode.invalidArgument,
    message: `${where}: 'json' options are for the JSON format, and this table's format is '${format}'`,
    hint: `remove 'json', or read and write the topic as format: "json"`,
    path,
    site: callSite(),
  });
}

/**
 * The description and owner a pipeline or sink may carry: written to plan.json and manifest.json (never
 * into a script), and required by the project's rules when streamt.config.ts says so.
 */
export const aboutOptions = {
  description: z.string().trim().min(1, "write what it is for, or leave the option out").max(2000, "a description has at most 2000 characters").optional(),
  owner: z.string().trim().min(1, "name a team, a person or an address, or leave the option out").max(200, "an owner has at most 200 characters").optional(),
};

export interface About {
  readonly description?: string;
  readonly owner?: string;
}

/** The description and owner given, without keys for those left out (plan.json and the manifest omit them). */
export function about(o: About): About {
  return { ...(o.description !== undefined ? { description: o.description } : {}), ...(o.owner !== undefined ? { owner: o.owner } : {}) };
}
