import { quoteString } from "../emit-sql/sql-text.js";
import { envPlaceholder, type PropertyValue } from "../ir/secret.js";

/**
 * An environment's Kafka properties (streamt.config.ts `kafka.properties`: security settings, secrets as
 * env("NAME")) reach the jobs' Kafka connectors as `properties.*` options of every Kafka table of the
 * script deployed there, next to its `properties.bootstrap.servers` (the environment's too). A secret is
 * written as its '${env:NAME}' placeholder, like a pipeline's own secrets: the gateway session gets the
 * value (resolveSecrets, in memory), the plan folder, the job's record and every printed line do not.
 * A property the pipeline sets on a table itself is the table's: the environment's is not added there.
 */

const BOOTSTRAP_LINE = /^\s*'properties\.bootstrap\.servers' = '(?:[^']|'')*',?$/;
const OPTION_KEY = /^\s*'((?:[^']|'')*)' = /;

/**
 * The script with the environment's properties added to each Kafka table, on the line of its bootstrap
 * servers: no line is added, so the statement map's line numbers stay right.
 */
export function withEnvironmentProperties(script: string, properties: Readonly<Record<string, PropertyValue>>): string {
  const entries = Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return script;
  const lines = script.split("\n");
  return lines
    .map((line, i) => {
      if (!BOOTSTRAP_LINE.test(line)) return line;
      const own = tableOptionKeys(lines, i);
      const added = entries
        .filter(([key]) => !own.has(`properties.${key}`))
        .map(([key, value]) => `${quoteString(`properties.${key}`)} = ${typeof value === "string" ? quoteString(value) : `'${envPlaceholder(value.env)}'`}`);
      if (added.length === 0) return line;
      const comma = line.endsWith(",");
      return `${comma ? line.slice(0, -1) : line}, ${added.join(", ")}${comma ? "," : ""}`;
    })
    .join("\n");
}

/** The option keys of the WITH (...) block around line `at`: from its `WITH (` line to its closing `)`. */
function tableOptionKeys(lines: readonly string[], at: number): Set<string> {
  let start = at;
  while (start > 0 && !/\bWITH \($/.test(lines[start - 1]!)) start--;
  const keys = new Set<string>();
  for (let i = start; i < lines.length && !/^\)/.test(lines[i]!); i++) {
    const key = OPTION_KEY.exec(lines[i]!)?.[1];
    if (key !== undefined) keys.add(key.replace(/''/g, "'"));
  }
  return keys;
}
