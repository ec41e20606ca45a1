import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import type { ts as TS } from "ts-morph";

/*
 * The TypeScript compiler is ~9 MB of JavaScript that V8 compiles again in every synth that type-checks
 * or follows imports (~0.45 s, more than an edited module's whole plan and emit). V8 can save what it
 * compiled (a code cache) and take it back in the next process. Node 22 does this for every module
 * (module.enableCompileCache); Node 20, which the SDK supports, does not, so synth does it for this one
 * file: it loads the compiler itself, with the cache, before anything requires it, and saves the cache
 * after the compiler's first work, when it also holds the functions that work compiled lazily.
 *
 * V8 refuses a cache made from other source or by another V8 and compiles from the source instead; the
 * file also carries its own checksum, so a corrupt or foreign file is ignored with a note, never used.
 */

const MAGIC = "streamt-sdk v8 code cache 1\n";

interface Header {
  /** What the cache was made from: the compiler file (path, size, modification time) and this V8. */
  readonly source: string;
  readonly sha256: string;
}

let loaded: { readonly script: vm.Script; readonly cacheFile: string; readonly source: string; readonly fromCache: boolean; readonly save: boolean } | null = null;
const notes: string[] = [];

/** The compiler file ts-morph loads (its bundled TypeScript). */
function compilerFile(): string {
  const tsMorph = createRequire(import.meta.url).resolve("ts-morph");
  return createRequire(tsMorph).resolve("@ts-morph/common/dist/typescript.js");
}

/**
 * The TypeScript compiler, required as ts-morph's own file: the type-check and the import graph need only
 * the compiler, not ts-morph's project API (~4 MB more JavaScript to compile), and requiring it skips what
 * Node's ESM loader does for `import { ts } from "ts-morph"` (it parses that CommonJS code again to find
 * its named exports): ~0.15 s of each synth that loads the compiler. Loaded with the code cache when
 * loadCompilerWithCodeCache ran first.
 */
export function typescript(): typeof TS {
  return createRequire(import.meta.url)(compilerFile()) as typeof TS;
}

function stampOf(file: string): string {
  const s = statSync(file);
  return `${file}|${s.size}|${Math.round(s.mtimeMs)}|${process.versions.v8}|${process.arch}`;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The cache's bytes if the file holds a whole cache made from this compiler file; else null and why. */
function readCodeCache(cacheFile: string, source: string): { data: Buffer | null; note: string | null } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return { data: null, note: null };
  }
  const name = path.basename(cacheFile);
  const headerEnd = bytes.indexOf("\n", MAGIC.length);
  if (bytes.subarray(0, MAGIC.length).toString("latin1") !== MAGIC || headerEnd < 0) {
    return { data: null, note: `cache file ${name} is not a streamt-sdk code cache: ignored, rebuilt` };
  }
  let header: Partial<Header>;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length, headerEnd).toString("utf8")) as Partial<Header>;
  } catch {
    return { data: null, note: `cache file ${name} is corrupt (its header is not JSON): ignored, rebuilt` };
  }
  const data = bytes.subarray(headerEnd + 1);
  if (header.sha256 !== sha256(data)) return { data: null, note: `cache file ${name} is corrupt (checksum mismatch): ignored, rebuilt` };
  // Made from another compiler file or by another V8 (an upgrade of either): a plain miss.
  if (header.source !== source) return { data: null, note: null };
  return { data, note: null };
}

/**
 * Loads the TypeScript compiler with the code cache in `cacheDir` (synth's cache folder), unless something
 * has loaded it already.
 */
export function loadCompilerWithCodeCache(cacheDir: string): void {
  if (loaded) return;
  const file = compilerFile();
  const requireCache = createRequire(import.meta.url).cache;
  if (requireCache[file]) return;
  const source = stampOf(file);
  const cacheFile = path.join(cacheDir, "typescript.v8cache");
  const read = readCodeCache(cacheFile, source);
  if (read.note) notes.push(read.note);
  // A CommonJS module as Node's loader would run it: the same wrapper, `require` and `module`.
  const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(read.data ? { cachedData: read.data } : {}) });
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  requireCache[file] = module;
  const usedCache = read.data !== null && !script.cachedDataRejected;
  loaded = { script, cacheFile, source, fromCache: usedCache, save: !usedCache };
}

/**
 * Saves the code cache if V8 took none this run: after the compiler's work, so that it holds the functions
 * the work compiled too, and before anything changes V8's flags (synth's collectGarbage does), since V8
 * refuses a cache made under other flags.
 */
export function saveCompilerCodeCache(): void {
  if (!loaded?.save) return;
  const { script, cacheFile, source } = loaded;
  loaded = { ...loaded, save: false };
  const data = script.createCachedData();
  const header: Header = { source, sha256: sha256(data) };
  const temp = `${cacheFile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(temp, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, "utf8"), data]));
    renameSync(temp, cacheFile);
  } catch {
    // A cache that cannot be saved only costs the next run its ~0.3 s.
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder is not one (a file in its place): there is no temporary file either.
    }
  }
}

/** What loading found wrong with the cache file (each once), for synth's notes. */
export function codeCacheNotes(): string[] {
  return notes.splice(0);
}


/** How this process got its compiler: from the code cache, compiled here, or not through this module. */
export function compilerOrigin(): "code cache" | "compiled" | "not loaded here" {
  return loaded === null ? "not loaded here" : loaded.fromCache ? "code cache" : "compiled";
}
