import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

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
