import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { emitPipelineSql } from "../packages/streamt-sdk/src/emit-sql/sql-emitter.js";
import type { Pipeline } from "../packages/streamt-sdk/src/dsl/pipeline.js";
import { isStreamtError } from "../packages/streamt-sdk/src/errors.js";

/** The whole SQL script of a pipeline, for the local test broker address. */
export function scriptOf(p: Pipeline, flinkVersion = "2.2"): string {
  return emitPipelineSql(p.definition, { bootstrapServers: "127.0.0.1:9092", flinkVersion });
}

/** One statement of the script: the CREATE ... VIEW/TABLE whose name is given, up to its semicolon. */
export function statementOf(p: Pipeline, name: string): string {
  const script = scriptOf(p);
  const start = script.search(new RegExp(`CREATE TEMPORARY (VIEW|TABLE) \`${name}\``));
  if (start < 0) throw new Error(`no statement for ${name} in:\n${script}`);
  return script.slice(start, script.indexOf(";\n", start) + 1);
}

/** The line number of the caller in its test file (for asserting reported call sites). */
export function lineHere(): number {
  const frame = new Error().stack!.split("\n")[2]!;
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

/** Runs `build`, which must throw a StreamtError (what a user gets), and returns what it says. */
export function refusal(build: () => unknown): { code: string; message: string; hint: string | null; site: unknown } {
  try {
    build();
  } catch (e) {
    if (!isStreamtError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint, site: e.site };
  }
  throw new Error("expected a StreamtError");
}

/** Runs the enclosing describe's tests in another time zone (text without an offset must still read as UTC). */
export function inTimeZone(zone: string): void {
  const before = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
}

/** Every file under a folder (not its folders), by its path in it, with its text. */
export function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${n.name}` : n.name;
      if (n.isDirectory()) walk(path.join(d, n.name), r);
      else files[r] = readFileSync(path.join(d, n.name), "utf8");
    }
  };
  walk(dir, "");
  return files;
}
