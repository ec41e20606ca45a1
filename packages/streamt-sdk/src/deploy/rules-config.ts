import { z } from "zod";
import type { NamePattern, ProjectRules } from "../analysis/project-rules-pass.js";
import { parsePositiveDuration } from "../dsl/duration.js";
import type { SourceFormat } from "../ir/nodes/source-node.js";

/**
 * The `rules` section of streamt.config.ts: what a platform team asks of every pipeline of the project.
 * Each rule broken is a warning at the user's declaration (STREAMT-W012..W019, analysis/project-rules-pass.ts),
 * which `synth --strict` fails on and a pipeline can acknowledge with its reason. This module holds the
 * schema (part of the config's, deploy/define-config.ts) and turns a parsed section into ProjectRules.
 */

const FORMATS = ["json", "csv", "avro-confluent", "raw", "debezium-json", "debezium-avro-confluent"] as const satisfies readonly SourceFormat[];

/** A name pattern: a RegExp or its source as a string; the whole name must match it. */
const patternSchema = z.union([z.instanceof(RegExp), z.string()]).superRefine((value, ctx) => {
  if (value instanceof RegExp) return;
  try {
    new RegExp(value, "u");
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `not a regular expression: ${(e as Error).message}` });
  }
});

const stateTtlSchema = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  try {
    parsePositiveDuration(value, "maxStateTtl");
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
  }
});

const requirements = {
  /** Every one must have a `description` option. */
  requireDescription: z.boolean().optional(),
  /** Every one must have an `owner` option. */
  requireOwner: z.boolean().optional(),
};

export const rulesSchema = z.strictObject({
  topics: z
    .strictObject({
      /** The topics the project writes (sinks, dead-letter topics): the whole name must match. */
      pattern: patternSchema.optional(),
      /** Each written topic declares at least this many partitions. */
      minPartitions: z.number().int().min(1, "write a whole number of partitions, 1 or more").optional(),
      /** Each written topic declares at least this replication factor. */
      minReplication: z.number().int().min(1, "write a whole replication factor, 1 or more").optional(),
    })
    .optional(),
  pipelines: z
    .strictObject({
      /** Pipeline names (also the Flink job names and consumer groups): the whole name must match. */
      pattern: patternSchema.optional(),
      ...requirements,
      /** The longest state TTL a pipeline (stateTtl) or a step (ttl) may have, e.g. "7d". */
      maxStateTtl: stateTtlSchema.optional(),
    })
    .optional(),
  /** Sinks that write a topic (toKafka, toUpsertKafka). */
  sinks: z.strictObject(requirements).optional(),
  /** Formats no source may read and no sink may write, e.g. ["csv", "raw"]. */
  forbiddenFormats: z.array(z.enum(FORMATS, { message: `a format is one of ${FORMATS.map((f) => `"${f}"`).join(", ")}` })).optional(),
});

export type RulesInput = z.input<typeof rulesSchema>;

function namePattern(value: RegExp | string | undefined): NamePattern | null {
  if (value === undefined) return null;
  const source = value instanceof RegExp ? value.source : value;
  // Anchored, so a pattern cannot pass a name by matching a part of it; g and y would make test() stateful.
  const flags = value instanceof RegExp ? value.flags.replace(/[gy]/g, "") : "u";
  return { regex: new RegExp(`^(?:${source})$`, flags), shown: value instanceof RegExp ? String(value) : JSON.stringify(value) };
}

/**
 * The rules a parsed `rules` section asks for. `lineOf` finds a rule's line in the config file (shown as
 * `file:line` in the findings), asked only when a finding names the rule: parsing the file needs the
 * TypeScript compiler, which a project keeping its rules never loads.
 */
export function resolveRules(rules: z.infer<typeof rulesSchema>, file: string, lineOf: (path: readonly string[]) => number | null): ProjectRules {
  const lines = new Map<string, number | null>();
  const where = (key: string): string => {
    if (!lines.has(key)) lines.set(key, lineOf(["rules", ...key.split(".")]));
    const line = lines.get(key);
    return line === null || line === undefined ? file : `${file}:${line}`;
  };
  const ttl = rules.pipelines?.maxStateTtl;
  return {
    topicPattern: namePattern(rules.topics?.pattern),
    minPartitions: rules.topics?.minPartitions ?? null,
    minReplication: rules.topics?.minReplication ?? null,
    pipelinePattern: namePattern(rules.pipelines?.pattern),
    maxStateTtlMs: ttl === undefined ? null : parsePositiveDuration(ttl, "maxStateTtl"),
    pipelines: { requireDescription: rules.pipelines?.requireDescription ?? false, requireOwner: rules.pipelines?.requireOwner ?? false },
    sinks: { requireDescription: rules.sinks?.requireDescription ?? false, requireOwner: rules.sinks?.requireOwner ?? false },
    forbiddenFormats: rules.forbiddenFormats ?? [],
    where,
  };
}
