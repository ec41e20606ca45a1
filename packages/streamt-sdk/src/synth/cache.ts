import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { SDK_VERSION } from "../version.js";
import type { TypecheckResult } from "./typecheck.js";
import { isSynthOutput } from "./output-folder.js";
import type { RunInputs } from "./last-run.js";
import { fileHash, MISSING, readCache, sha256, writeCache, type CacheKey } from "./cache-file.js";

export { cacheFolder, readCache, sha256, writeCache, type CacheKey, type CacheRead } from "./cache-file.js";

/**
 * Stamp of the SDK's own cache and checker code (size and modification time of this module and of
 * typecheck's): a changed checker must not reuse findings the old one made.
 */
export function sdkBuildStamp(): string {
  const self = fileURLToPath(import.meta.url);
  return [self, path.join(path.dirname(self), `typecheck${path.extname(self)}`)]
    .map((f) => {
      try {
        const s = statSync(f);
        return `${s.size}-${Math.round(s.mtimeMs)}`;
      } catch {
        return "none";
      }
    })
    .join("/");
}

/** The project's tsconfig.json for an entry: the nearest one up to the root. */
export function findTsconfig(from: string, root: string): string | undefined {
  let dir = path.dirname(from);
  for (;;) {
    const candidate = path.join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir || !dir.startsWith(root)) return undefined;
    dir = parent;
  }
}

/** What names a type-check's cache files: its tsconfig and its entries. */
export function typecheckInputs(files: readonly string[], tsconfig: string | undefined): string {
  return sha256(JSON.stringify({ tsconfig: tsconfig ?? null, entries: [...files].sort() }));
}

// ---- the last type-check's result, reused while nothing it read has changed ---------------------

/**
 * What a type-check read, as the disk shows it: the hash of every file of the program (the user's,
 * the SDK's and the libraries' declarations) and of the configuration files; and the names in
 * every folder holding one, and in each node_modules and node_modules/@types above them, and the
 * package.json files there, where module resolution looks (a file or package added there can change
 * what an import resolves to). Names, not modification times, and not the names of synth's own output
 * folders (isSynthOutput): the first synth writing its output folder beside the modules must not make
 * the second check again.
 */
export interface Fingerprint {
  readonly files: [string, string][];
  readonly folders: [string, string][];
}

interface LastTypecheck {
  readonly fingerprint: Fingerprint;
  readonly diagnostics: Diagnostic[];
}

function folderNames(folder: string): string {
  try {
    const names = readdirSync(folder, { withFileTypes: true })
      .filter((e) => !(e.isDirectory() && isSynthOutput(path.join(folder, e.name))))
      .map((e) => e.name);
    return sha256(names.sort().join("\n"));
  } catch {
    return MISSING;
  }
}

export function fingerprint(texts: ReadonlyMap<string, string>, configFiles: readonly string[]): Fingerprint {
  const files = new Map<string, string>([...texts].map(([f, text]) => [f, sha256(text)]));
  for (const f of configFiles) files.set(f, fileHash(f));
  const folders = new Set<string>();
  const lookups = new Set<string>();
  for (const f of files.keys()) {
    folders.add(path.dirname(f));
    for (let dir = path.dirname(f); !lookups.has(dir); dir = path.dirname(dir)) {
      lookups.add(dir);
      if (path.dirname(dir) === dir) break;
    }
  }
  for (const dir of lookups) {
    folders.add(path.join(dir, "node_modules"));
    folders.add(path.join(dir, "node_modules", "@types"));
    if (!files.has(path.join(dir, "package.json"))) files.set(path.join(dir, "package.json"), fileHash(path.join(dir, "package.json")));
  }
  return { files: [...files].sort(), folders: [...folders].sort().map((d) => [d, folderNames(d)]) };
}

/**
 * Whether the disk still shows what the fingerprint recorded. `seen` remembers hashes across the
 * fingerprints of one run (every module's fingerprint holds the shared schema module and packages).
 */
export function fingerprintHolds(f: Fingerprint, seen = new Map<string, string>()): boolean {
  const memo = (key: string, compute: () => string): string => {
    let v = seen.get(key);
    if (v === undefined) seen.set(key, (v = compute()));
    return v;
  };
  return f.folders.every(([dir, names]) => memo(`dir:${dir}`, () => folderNames(dir)) === names) && f.files.every(([file, hash]) => memo(`file:${file}`, () => fileHash(file)) === hash);
}

function lastTypecheckKey(inputs: string): { file: (cacheDir: string) => string; key: CacheKey } {
  const tsMorph = (createRequire(import.meta.url)("ts-morph/package.json") as { version: string }).version;
  return {
    file: (cacheDir) => path.join(cacheDir, `last-typecheck-${inputs.slice(0, 16)}.json`),
    key: { sdkVersion: SDK_VERSION, sdkBuild: sdkBuildStamp(), typescript: `ts-morph ${tsMorph}`, inputs },
  };
}

/** Records a type-check's findings with what they were computed from (see reuseTypecheck). */
export function recordTypecheck(cacheDir: string, inputs: string, diagnostics: Diagnostic[], read: Fingerprint): string | null {
  const { file, key } = lastTypecheckKey(inputs);
  return writeCache(file(cacheDir), key, JSON.stringify({ fingerprint: read, diagnostics } satisfies LastTypecheck));
}

/** A fingerprint as what a run read (last-run.ts). */
export function inputsOf(f: Fingerprint): RunInputs {
  return { files: new Map(f.files), folders: new Set(f.folders.map(([dir]) => dir)) };
}

/**
 * The last type-check's findings if nothing it read has changed since, checked without starting
 * the compiler (which alone costs ~0.5 s to load): an unchanged re-synth then type-checks in the
 * time it takes to hash the program's files. Otherwise null, and the incremental check runs.
 */
export function reuseTypecheck(entries: readonly string[], root: string, cacheDir: string): { result: TypecheckResult | null; notes: string[] } {
  const files = entries.map((e) => path.resolve(root, e));
  const { file, key } = lastTypecheckKey(typecheckInputs(files, findTsconfig(files[0]!, root)));
  const read = readCache(file(cacheDir), key);
  const notes = read.note ? [read.note] : [];
  if (read.data === null) return { result: null, notes };
  let last: Partial<LastTypecheck>;
  try {
    last = JSON.parse(read.data) as Partial<LastTypecheck>;
  } catch {
    return { result: null, notes };
  }
  if (!last.fingerprint || !Array.isArray(last.diagnostics) || !fingerprintHolds(last.fingerprint)) return { result: null, notes };
  return { result: { diagnostics: last.diagnostics, notes, checked: [], read: last.fingerprint }, notes };
}
