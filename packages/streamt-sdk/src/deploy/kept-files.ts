import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

/*
 * What apply keeps in an environment's flink.planDir for each plan it applies, to start that plan again
 * after a failed upgrade: a SQL pipeline's compiled plan (which the SQL Gateway executes from there) and
 * its script and statement map; a JAR pipeline's JAR and its plan. A JAR is tens of megabytes and every
 * apply of a changed pipeline keeps one, so apply also removes what no rollback can need any more: the
 * files of a pipeline's plans other than the one now running and the one it replaced.
 *
 * Environments may share one planDir, and apply knows only its own environment's jobs, so each keeps
 * its files in a folder of its own (planDir/<environment>/) and prunes only there. Files an earlier
 * version of the SDK kept at the top of planDir are still found for a rollback and never removed.
 */

export type KeptKind = "plan.json" | "pipeline.json" | "jar";

const KEPT_NAME = /^(.+)-([0-9a-f]{16})\.(plan\.json|pipeline\.json|jar)$/;

function folderOf(planDir: string, environment: string): string {
  return path.join(planDir, encodeURIComponent(environment));
}

function nameOf(pipeline: string, planSha: string, kind: KeptKind): string {
  return `${encodeURIComponent(pipeline)}-${planSha.slice(0, 16)}.${kind}`;
}

/** Where apply keeps a file of a plan it applies (the environment's folder is made here). */
export function keptFile(planDir: string, environment: string, pipeline: string, planSha: string, kind: KeptKind): string {
  const folder = folderOf(planDir, environment);
  mkdirSync(folder, { recursive: true });
  return path.join(folder, nameOf(pipeline, planSha, kind));
}

/** A kept file of a plan applied before, in the environment's folder or where earlier versions kept it; null if neither has it. */
export function findKept(planDir: string, environment: string, pipeline: string, planSha: string, kind: KeptKind): string | null {
  for (const folder of [folderOf(planDir, environment), planDir]) {
    const file = path.join(folder, nameOf(pipeline, planSha, kind));
    if (existsSync(file)) return file;
  }
  return null;
}

/**
 * Removes the pipeline's kept files in the environment's folder except those of the plans in `keep`
 * (each a plan's sha256); other files, and other pipelines' (`a` is not `a-b`), are left alone.
 * Returns the names removed, sorted.
 */
export function pruneKept(planDir: string, environment: string, pipeline: string, keep: readonly string[]): string[] {
  const folder = folderOf(planDir, environment);
  if (!existsSync(folder)) return [];
  const kept = new Set(keep.map((sha) => sha.slice(0, 16)));
  const removed: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const m = KEPT_NAME.exec(name);
    if (!m || m[1] !== encodeURIComponent(pipeline) || kept.has(m[2]!)) continue;
    rmSync(path.join(folder, name), { force: true });
    removed.push(name);
  }
  return removed;
}
