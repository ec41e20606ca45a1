import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/*
 * The cache's file format and the stamps of files, apart from cache.ts: the fast path of an unchanged
 * synth (last-run.ts) reads its record with these before the CLI loads anything heavy, so this module
 * imports nothing but Node's own modules.
 */

/**
 * synth's cache folder in a project: node_modules/.cache/streamt-sdk/. The folder every Node tool
 * uses for this (Babel, ESLint, webpack, Prettier): ignored wherever node_modules is, removed with
 * it, and never mistaken for the user's source or synth's output. Deleting it only costs time.
 */
export function cacheFolder(root: string): string {
  return path.join(root, "node_modules", ".cache", "streamt-sdk");
}

/**
 * What a cache entry was made by. An entry is used only if every field equals the current one; a
 * differing SDK or TypeScript version, or SDK code, means another version wrote it.
 */
export interface CacheKey {
  readonly sdkVersion: string;
  /** Stamp of the SDK's own code (size and modification time of the module that wrote the entry). */
  readonly sdkBuild: string;
  readonly typescript: string;
  /** Hash of everything else the entry depends on as a whole (compiler options, entries). */
  readonly inputs: string;
}

const FORMAT = "streamt-sdk-cache/1";

export type CacheRead = { readonly data: string; readonly note: null } | { readonly data: null; readonly note: string | null };

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Reads a cache entry. A missing file, or one whose inputs differ (an edited tsconfig.json, SDK
 * code rebuilt under the same version), is a plain miss; a file that does not parse, fails its checksum, or was written by another version is
 * ignored with a note, never trusted.
 */
export function readCache(file: string, key: CacheKey): CacheRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { data: null, note: null };
  }
  const rel = path.basename(file);
  let entry: { format?: unknown; key?: Partial<CacheKey>; sha256?: unknown; data?: unknown };
  try {
    entry = JSON.parse(text) as typeof entry;
  } catch {
    return { data: null, note: `cache file ${rel} is corrupt (not JSON): ignored, rebuilt from scratch` };
  }
  if (entry.format !== FORMAT || typeof entry.data !== "string" || typeof entry.key !== "object" || entry.key === null) {
    return { data: null, note: `cache file ${rel} is not a streamt-sdk cache of this format: ignored, rebuilt from scratch` };
  }
  if (entry.sha256 !== sha256(entry.data)) return { data: null, note: `cache file ${rel} is corrupt (checksum mismatch): ignored, rebuilt from scratch` };
  const written = entry.key;
  if (written.sdkVersion !== key.sdkVersion || written.typescript !== key.typescript) {
    return {
      data: null,
      note: `cache file ${rel} was written by streamt-sdk ${String(written.sdkVersion)} with TypeScript ${String(written.typescript)}, not streamt-sdk ${key.sdkVersion} with TypeScript ${key.typescript}: ignored, rebuilt`,
    };
  }
  // Other SDK code of the same version (a development build) or other inputs: a plain miss.
  if (written.sdkBuild !== key.sdkBuild || written.inputs !== key.inputs) return { data: null, note: null };
  return { data: entry.data, note: null };
}

/**
 * Writes a cache entry atomically (a temporary file renamed over it), so a concurrent synth reads
 * either the old entry or the new one, never half of one. Returns a note if it could not be written:
 * a cache that cannot be saved slows the next run but never fails this one.
 */
export function writeCache(file: string, key: CacheKey, data: string): string | null {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify({ format: FORMAT, key, sha256: sha256(data), data }));
    renameSync(temp, file);
    return null;
  } catch (e) {
    rmSync(temp, { force: true });
    return `could not write the cache file ${file} (${e instanceof Error ? e.message : String(e)}): the next synth starts from scratch`;
  }
}

/** The hash of a file that does not exist (or cannot be read). */
export const MISSING = "";

export function fileHash(file: string): string {
  try {
    return sha256(readFileSync(file, "utf8"));
  } catch {
    return MISSING;
  }
}

/** A file's inode, size and modification time ("" if it cannot be read): it changes when the file is written or replaced. */
export function fileStamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}-${s.size}-${s.mtimeMs}`;
  } catch {
    return "";
  }
}

// ---- the SDK's own code ---------------------------------------------------------------------------

/** This SDK's package folder (this module is in its src/synth or dist/synth). */
export const SDK_ROOT = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

export function isSdkPackage(packageJson: string): boolean {
  return path.basename(path.dirname(packageJson)) === "streamt-sdk";
}

const stamps = new Map<string, string>();

/** Every file under a folder, relative to it (readdirSync's `recursive` is ~50x slower in Node 20). */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(folder, rel), { withFileTypes: true })) {
      const name = rel === "" ? e.name : path.join(rel, e.name);
      if (e.isDirectory()) walk(name);
      else found.push(name);
    }
  };
  walk("");
  return found;
}

/** The files that are code: what runs (declarations are part of the type-check's own fingerprint, maps never count). */
const CODE_FILE = /(?<!\.d)\.[cm]?[jt]s$/;

/**
 * The size and modification time of every code file of an SDK package (dist/ and src/), hashed: an
 * SDK rebuilt under the same version number (a development build) is another SDK. Once per process.
 */
export function packageStamp(dir: string): string {
  let stamp = stamps.get(dir);
  if (stamp !== undefined) return stamp;
  const parts: string[] = [];
  for (const sub of ["package.json", "dist", "src"]) {
    const top = path.join(dir, sub);
    let names: string[];
    try {
      names = statSync(top).isDirectory() ? filesUnder(top).filter((n) => CODE_FILE.test(n)).map((n) => path.join(sub, n)) : [sub];
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      try {
        const s = statSync(path.join(dir, n));
        if (s.isFile()) parts.push(`${n} ${s.size} ${Math.round(s.mtimeMs)}`);
      } catch {
        parts.push(`${n} -`);
      }
    }
  }
  stamps.set(dir, (stamp = sha256(parts.join("\n"))));
  return stamp;
}

