import { readFileSync } from "node:fs";
import path from "node:path";
import type { ts as TS } from "ts-morph";
import { typescript } from "./compiler-cache.js";
import { compilerOptions } from "./typecheck.js";

const ts = typescript();

/**
 * What importing an entry module reads: the project files its imports reach (followed to the end),
 * and for each package it imports, the file the import resolves to and the package's package.json (a
 * new version of the package changes it). Loaded only when a module must be imported again: it needs
 * the compiler's scanner and resolver, the same rules the type-check follows.
 */
export interface ModuleGraph {
  /** Every file read, with its text. */
  readonly texts: Map<string, string>;
  /** The configuration files the compiler options came from (tsconfig.json and what it extends). */
  readonly configFiles: string[];
  /** Why the module's result cannot be cached (an import not resolved statically), or null. */
  readonly uncacheable: string | null;
}

export function moduleGraph(entry: string, tsconfig: string | undefined): ModuleGraph {
  const { options, configFiles } = compilerOptions(tsconfig);
  const texts = new Map<string, string>();
  let uncacheable: string | null = null;
  const read = (file: string): string | null => {
    const known = texts.get(file);
    if (known !== undefined) return known;
    try {
      const text = readFileSync(file, "utf8");
      texts.set(file, text);
      return text;
    } catch {
      return null;
    }
  };
  // The first reason wins; the walk goes on past it, so `texts` holds every file the imports reach (what
  // synth --watch watches), even of a module that cannot be cached.
  const cannotCache = (reason: string): void => void (uncacheable ??= reason);
  const pending = [path.resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (texts.has(file)) continue;
    const text = read(file);
    if (text === null) {
      cannotCache(`${file} cannot be read`);
      continue;
    }
    const scanned = ts.preProcessFile(text, true, true);
    // What a module reads from the environment or from files at load time is not known here.
    if (/\bprocess\s*\.\s*(env|argv)\b/.test(text)) cannotCache(`${file} reads process.env or process.argv`);
    for (const ref of [...scanned.importedFiles, ...scanned.referencedFiles]) {
      if (/^(node:)?fs(\/promises)?$/.test(ref.fileName)) {
        cannotCache(`${file} imports ${ref.fileName}`);
        continue;
      }
      const resolved = ts.resolveModuleName(ref.fileName, file, options, ts.sys).resolvedModule;
      if (!resolved) {
        cannotCache(`the import "${ref.fileName}" in ${file} does not resolve`);
        continue;
      }
      const target = path.resolve(resolved.resolvedFileName);
      if (resolved.isExternalLibraryImport) {
        // A package: what the import resolves to and its package.json; its own imports are its business.
        read(target);
        const pkg = packageJsonOf(target);
        if (pkg) read(pkg);
      } else if (!texts.has(target)) pending.push(target);
    }
    // A dynamic import of a computed name cannot be followed.
    if (/\bimport\s*\(\s*[^'"`\s)]/.test(text)) cannotCache(`${file} imports a module by a computed name`);
  }
  return { texts, configFiles, uncacheable };
}

/** The package.json of the package a file belongs to (the first one up from it). */
function packageJsonOf(file: string): string | null {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (ts.sys.fileExists(candidate)) return candidate;
    if (path.basename(dir) === "node_modules") return null;
  }
  return null;
}
