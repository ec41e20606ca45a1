import { z } from "zod";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";

/**
 * Validates an options object strictly: an unknown or misspelt key is an error naming the keys there
 * are, never silently ignored.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, where: string, path: string | null = null): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
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
