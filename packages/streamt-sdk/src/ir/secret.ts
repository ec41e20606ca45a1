/**
 * A value the pipeline takes from an environment variable when a job starts: in the plan, the SQL
 * script, plan.json and the manifest it is only the variable's name, never the value.
 */
export interface EnvReference {
  readonly env: string;
}

/** A Kafka client property: a literal, or a reference to an environment variable (secrets). */
export type PropertyValue = string | EnvReference;

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How an emitted script holds a reference: a whole string literal `'${env:NAME}'`, resolved at job start. */
export function envPlaceholder(name: string): string {
  return `\${env:${name}}`;
}

/** The environment variables a set of properties needs, sorted. */
export function envNames(properties: Readonly<Record<string, PropertyValue>>): string[] {
  return [...new Set(Object.values(properties).flatMap((v) => (typeof v === "string" ? [] : [v.env])))].sort();
}
