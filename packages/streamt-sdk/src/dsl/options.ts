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
  let message = `${where}: ${at}: ${issue.message}`;
  let hint = "check the option names and values in the README's API reference";
  if (issue.code === "unrecognized_keys") {
    message = `${where}: unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
    const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
    if (shape) hint = `known options: ${Object.keys(shape).join(", ")}`;
  }
  throw new StreamtError({ code: BuildErrorCode.invalidArgument, message, hint, path, site: callSite() });
}

export const durationSchema = z.union([z.string(), z.number()]);
export const propertiesSchema = z.record(z.string(), z.string());
