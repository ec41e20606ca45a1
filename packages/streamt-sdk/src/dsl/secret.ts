import { z } from "zod";
import { userKeyedRecord } from "./record-schema.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { ENV_NAME, type EnvReference } from "../ir/secret.js";
import { callSite } from "./call-site.js";

const SECRET = Symbol.for("streamt-sdk.secret");

/** A value read from an environment variable when a job starts; made by `env(name)`. */
export interface SecretRef extends EnvReference {
  readonly [SECRET]: true;
}

/**
 * References an environment variable for a secret (a SASL JAAS line, a keystore password): synth writes
 * only the variable's name; `run --local` (and deploy) read the value when the job starts, and mask it in
 * everything they print.
 *
 * @example
 * source("orders", { ..., properties: { "security.protocol": "SASL_SSL", "sasl.jaas.config": env("KAFKA_JAAS") } })
 * // 'properties.sasl.jaas.config' = '${env:KAFKA_JAAS}'
 */
export function env(name: string): SecretRef {
  if (typeof name !== "string" || !ENV_NAME.test(name)) {
    throw new StreamtError({
      code: BuildErrorCode.invalidArgument,
      message: `env(${JSON.stringify(name)}): not an environment variable name`,
      hint: "use letters, digits and '_', not starting with a digit, e.g. env(\"KAFKA_SASL_JAAS_CONFIG\")",
      site: callSite(),
    });
  }
  return Object.freeze({ [SECRET]: true as const, env: name });
}

export function isSecretRef(v: unknown): v is SecretRef {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[SECRET] === true;
}

/**
 * Kafka client properties: literals, or env() references, under Kafka's property names (dotted words:
 * sasl.jaas.config).
 */
const NOT_A_PROPERTY_NAME = "a Kafka property name is letters, digits, '.', '_' and '-', starting with a letter or digit (as sasl.jaas.config)";
export const propertiesSchema = userKeyedRecord(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, NOT_A_PROPERTY_NAME),
  z.union([z.string(), z.custom<SecretRef>(isSecretRef, "a string or env(\"NAME\")")]),
  NOT_A_PROPERTY_NAME,
);

/**
 * Keys whose values are secrets by their name. Kafka's and the schema registry's credentials all have
 * one of these words in their key (sasl.jaas.config, ssl.keystore.password, basic.auth.user.info, ...).
 */
const SENSITIVE_KEY = /password|passwd|secret|token|jaas|credential|user\.info|api[._-]?key|private[._-]?key/i;

/**
 * The properties as the plan keeps them: env() references as plain `{ env }`. A literal value under a
 * secret's key is refused (it would be written into the script, plan.json and logs), and so is a literal
 * that looks like a placeholder (it would be filled in from the environment).
 */
export function planProperties(given: Readonly<Record<string, string | SecretRef>>, where: string, path: string | null): Record<string, string | EnvReference> {
  const out: [string, string | EnvReference][] = [];
  for (const [key, value] of Object.entries(given)) {
    if (isSecretRef(value)) {
      out.push([key, { env: value.env }]);
      continue;
    }
    if (SENSITIVE_KEY.test(key)) {
      throw new StreamtError({
        code: BuildErrorCode.secretInPipeline,
        message: `${where}: '${key}' holds a secret, and a value written here would end up in the SQL script, plan.json and logs`,
        hint: `read it from the environment when the job starts: { "${key}": env("${envNameFor(key)}") }`,
        path,
        site: callSite(),
      });
    }
    if (value.includes("${env:")) {
      throw new StreamtError({
        code: BuildErrorCode.invalidArgument,
        message: `${where}: the value of '${key}' contains '\${env:', which marks an environment reference in scripts`,
        hint: `use env("NAME") for the whole value instead`,
        path,
        site: callSite(),
      });
    }
    out.push([key, value]);
  }
  return Object.fromEntries(out);
}

function envNameFor(key: string): string {
  return `KAFKA_${key.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}

/** A schema registry URL, refused when it carries a user name or password (it would be written into the script). */
export function registryUrl(url: string | undefined, where: string, path: string | null): string | null {
  if (url === undefined) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL Node can parse: Flink reports it when the job starts; no credentials can be taken from it here.
  }
  if (parsed !== null && (parsed.username !== "" || parsed.password !== "")) {
    throw new StreamtError({
      code: BuildErrorCode.secretInPipeline,
      message: `${where}: schemaRegistryUrl carries credentials, which would end up in the SQL script, plan.json and logs`,
      hint: `give the URL without user and password (${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}); registry credentials from the environment are not supported yet`,
      path,
      site: callSite(),
    });
  }
  return url;
}
