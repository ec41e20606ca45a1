import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { SDK_VERSION } from "../version.js";
import { cacheFolder, fileHash, packageStamp, readCache, SDK_ROOT, sha256, writeCache, type CacheKey } from "./cache-file.js";

/**
 * The record of the last synth (issue 14): what it read and what it did. When nothing it read has
 * changed since (every file of its entries' import graphs and type-check, the packages, tsconfig.json,
 * streamt.config.ts and what that imports, the SDK's code, the command line) and the output folder is
 * still what it wrote, an unchanged synth prints the same findings, exits with the same code and leaves
 * the folder as it is, without loading the compiler or the SDK's planner. The CLI asks before anything
 * else (bin/streamt-sdk.js), so this module imports nothing heavier than Node's own modules.
 *
 * Anything else runs the real synth: a changed, added or removed file, a changed folder listing where
 * module resolution looks, an edited, added or deleted file in the output folder, another SDK.
 */

/** What a synth read, as the disk showed it: each file's hash (MISSING when absent) and the folders whose names it depends on. */
export interface RunInputs {
  readonly files: ReadonlyMap<string, string>;
  readonly folders: ReadonlySet<string>;
}

interface RunRecord {
  readonly files: [string, string][];
  /** Each folder's names, hashed (every name, synth's own output folders too: stricter than the type-check cache). */
  readonly folders: [string, string][];
  /** The SDK packages whose code made the result, with their stamps. */
  readonly packages: [string, string][];
  /** The output folder (absolute) and the stamp of what is in it, when the run wrote it. */
  readonly out: { readonly dir: string; readonly stamp: string } | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * The record of a command line in a folder; the default Kafka address comes from the environment, and so
 * can the Java project templates' folder.
 */
function recordOf(argv: readonly string[], cwd: string): { file: string; key: CacheKey } {
  const inputs = sha256(JSON.stringify({ cwd, argv, bootstrap: process.env.STREAMT_KAFKA_BOOTSTRAP ?? null, templates: process.env.STREAMT_TEMPLATES_DIR ?? null }));
  return {
    file: path.join(cacheFolder(cwd), `last-run-${inputs.slice(0, 16)}.json`),
    key: { sdkVersion: SDK_VERSION, sdkBuild: packageStamp(SDK_ROOT), typescript: "-", inputs },
  };
}

/** The hash of a folder's names; MISSING when it does not exist. */
function folderNames(folder: string): string {
  try {
    return sha256(readdirSync(folder).sort().join("\n"));
  } catch {
    return "";
  }
}

/**
 * The stamp of everything in the output folder: each file's path, size, modification time and inode.
 * Synth replaces the folder whole and hard-links unchanged files, so any edit, deletion or addition by
 * someone else changes it.
 */
function folderStamp(dir: string): string {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel === "" ? e.name : `${rel}/${e.name}`;
      const s = statSync(path.join(dir, name));
      lines.push(`${name} ${e.isDirectory() ? "dir" : "file"} ${s.size} ${s.mtimeMs} ${s.ino}`);
      if (e.isDirectory()) walk(name);
    }
  };
  try {
    walk("");
  } catch {
    return "";
  }
  return sha256(lines.sort().join("\n"));
}

/**
 * Replays the last synth of this command line in this folder if nothing it read has changed: prints
 * what it printed and returns its exit code. Null when the real synth must run.
 */
export function replayLastRun(argv: readonly string[], cwd: string, io: { out: (t: string) => void; err: (t: string) => void }): number | null {
  if (argv[0] !== "synth" || argv.includes("--no-cache")) return null;
  const { file, key } = recordOf(argv, cwd);
  const read = readCache(file, key);
  if (read.data === null) return null;
  let last: RunRecord;
  try {
    last = JSON.parse(read.data) as RunRecord;
  } catch {
    return null;
  }
  const holds =
    last.packages.every(([dir, stamp]) => packageStamp(dir) === stamp) &&
    last.folders.every(([dir, names]) => folderNames(dir) === names) &&
    last.files.every(([f, hash]) => fileHash(f) === hash) &&
    (last.out === null || folderStamp(last.out.dir) === last.out.stamp);
  if (!holds) return null;
  io.err(last.stderr);
  io.out(last.stdout);
  return last.exitCode;
}

export interface FinishedRun {
  /** What the run read; null when its result cannot be reproduced from files (then no record). */
  readonly inputs: RunInputs | null;
  /** The SDK packages the entries import (besides the one running). */
  readonly packages: readonly string[];
  /** The output folder as given, if the run wrote it. */
  readonly out: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Records a finished synth for replayLastRun (or removes the record when it cannot be replayed). Returns a note if it could not be written. */
export function recordLastRun(argv: readonly string[], cwd: string, run: FinishedRun): string | null {
  const { file, key } = recordOf(argv, cwd);
  if (run.inputs === null) {
    rmSync(file, { force: true });
    return null;
  }
  // The default entries come from package.json; a missing one is a file whose absence counts.
  const files = new Map(run.inputs.files);
  const manifest = path.join(cwd, "package.json");
  if (!files.has(manifest)) files.set(manifest, fileHash(manifest));
  const record: RunRecord = {
    files: [...files].sort(),
    folders: [...run.inputs.folders].sort().map((d) => [d, folderNames(d)]),
    packages: [...new Set([SDK_ROOT, ...run.packages])].sort().map((d) => [d, packageStamp(d)]),
    out: run.out === null ? null : { dir: path.resolve(cwd, run.out), stamp: folderStamp(path.resolve(cwd, run.out)) },
    stdout: run.stdout,
    stderr: run.stderr,
    exitCode: run.exitCode,
  };
  return writeCache(file, key, JSON.stringify(record));
}

/** The union of what several stages read; null if one of them cannot be reproduced, or a file changed between two reads. */
export function joinInputs(parts: readonly (RunInputs | null)[]): RunInputs | null {
  const files = new Map<string, string>();
  const folders = new Set<string>();
  for (const part of parts) {
    if (part === null) return null;
    for (const [f, hash] of part.files) {
      if (files.has(f) && files.get(f) !== hash) return null;
      files.set(f, hash);
    }
    for (const d of part.folders) folders.add(d);
  }
  return { files, folders };
}
