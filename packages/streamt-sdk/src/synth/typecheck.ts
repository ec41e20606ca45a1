import { createRequire } from "node:module";
import path from "node:path";
import type { ts as TS } from "ts-morph";
import { typescript } from "./compiler-cache.js";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { BuildErrorCode, JS_OPERATOR_HINT } from "../errors.js";
import { isSdkOrDependencyFile } from "../sdk-location.js";
import { SDK_VERSION } from "../version.js";
import { findTsconfig, fingerprint, readCache, recordTypecheck, sdkBuildStamp, sha256, typecheckInputs, writeCache, type CacheKey, type Fingerprint } from "./cache.js";

const ts = typescript();

export function compilerOptions(tsconfig: string | undefined): { options: TS.CompilerOptions; errors: readonly TS.Diagnostic[]; configFiles: string[] } {
  const defaults: TS.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
  };
  if (!tsconfig) return { options: defaults, errors: [], configFiles: [] };
  const errors: TS.Diagnostic[] = [];
  // Every file the configuration is read from (tsconfig.json and what it extends): part of the result.
  const configFiles = new Set<string>();
  const host: TS.ParseConfigFileHost = {
    ...ts.sys,
    readFile: (f) => (configFiles.add(path.resolve(f)), ts.sys.readFile(f)),
    onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, host);
  if (!parsed) return { options: defaults, errors, configFiles: [...configFiles] };
  return { options: withConfigFile({ ...parsed.options, noEmit: true }, parsed.options), errors: [...errors, ...ts.getConfigFileParsingDiagnostics(parsed).filter((e) => e.code !== NO_INPUTS)], configFiles: [...configFiles] };
}

/**
 * `options` with the parsed tsconfig.json of `from` attached as TypeScript attaches it: not enumerable, so a
 * spread copy drops it. The compiler places an option's error (a deprecated or conflicting option) at the
 * option's line in tsconfig.json through it; without it the error has no file.
 */
function withConfigFile(options: TS.CompilerOptions, from: TS.CompilerOptions): TS.CompilerOptions {
  if (from.configFile !== undefined) Object.defineProperty(options, "configFile", { value: from.configFile, enumerable: false });
  return options;
}

const CONFIG_HINT = "fix tsconfig.json there; synth type-checks with your project's settings";

/** "No inputs were found in config file": synth's inputs are its entries, not the tsconfig's include. */
const NO_INPUTS = 18003;

/** Where the compiler looks for its standard library: ts-morph's copy, served from memory. */
const LIB_FOLDER = "/node_modules/typescript/lib";
let libFiles: Map<string, string> | undefined;

/** The lib .d.ts files bundled with ts-morph's TypeScript (it has no lib folder on disk). */
function standardLibrary(): Map<string, string> {
  if (!libFiles) {
    const fromTsMorph = createRequire(createRequire(import.meta.url).resolve("ts-morph"));
    const { getLibFiles } = fromTsMorph("@ts-morph/common") as { getLibFiles(): { fileName: string; text: string }[] };
    libFiles = new Map(getLibFiles().map((f) => [`${LIB_FOLDER}/${f.fileName}`, f.text]));
  }
  return libFiles;
}

export interface TypecheckOptions {
  /** The folder to keep the compiler's incremental state in (synth/cache.ts); none: check everything. */
  readonly cacheDir?: string;
  /**
   * Keep the program in this process for the next check (synth --watch): the next one parses only the
   * files whose text changed and checks only what they affect, as tsc --watch does.
   */
  readonly keepInMemory?: boolean;
}

/** The last check's builder program, its parsed files and B009 findings, kept by `keepInMemory`. */
interface InMemory {
  readonly key: string;
  readonly builder: TS.SemanticDiagnosticsBuilderProgram;
  readonly sourceFiles: Map<string, TS.SourceFile>;
  readonly operatorFindings: Record<string, Diagnostic[]>;
}
let inMemory: InMemory | null = null;

export interface TypecheckResult {
  readonly diagnostics: Diagnostic[];
  /** What the cache did that the user should know (a corrupt or foreign cache ignored). */
  readonly notes: string[];
  /** The user files the compiler checked in this run (the others' results came from the cache), sorted. */
  readonly checked: string[];
  /** What the check read (with a cache folder): the result holds while the disk still shows it. */
  readonly read?: Fingerprint;
}

/** The part of the cache beside TypeScript's own build info: B009 findings of each user file. */
interface CachedState {
  readonly buildInfo: string;
  readonly operatorFindings: Record<string, Diagnostic[]>;
}

/**
 * Type-checks the entry modules and the project files they import with the TypeScript compiler, the
 * same errors the editor shows. Library files are checked only as far as the user's code uses them.
 *
 * With a cache folder, TypeScript's own incremental builder keeps what it learnt (its build info:
 * each file's hash, the signatures of what it exports, its diagnostics) between runs, so a file is
 * checked again only if it, or the signature of something it imports, changed. The B009 findings of
 * each file are kept beside it in the same cache file, and recomputed exactly for the files the
 * builder checks again. The program is kept only inside this function: it is the largest thing synth
 * holds in memory, and it is garbage before the pipeline modules are loaded.
 */
export function typecheckEntries(entries: readonly string[], root: string, typecheckOptions: TypecheckOptions = {}): TypecheckResult {
  const files = entries.map((e) => path.resolve(root, e));
  const tsconfig = findTsconfig(files[0]!, root);
  const { options: projectOptions, errors, configFiles } = compilerOptions(tsconfig);
  const out: Diagnostic[] = [];
  const notes: string[] = [];
  const relative = (file: string): string => path.relative(root, path.resolve(file)).split(path.sep).join("/");
  const report = (d: TS.Diagnostic, fallbackFile: string, hint: string): void => {
    if (d.category !== ts.DiagnosticCategory.Error) return;
    const file = d.file?.fileName ?? fallbackFile;
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    const rel = relative(file);
    out.push({
      code: `TS${d.code}`,
      severity: "error",
      pipeline: null,
      path: rel,
      site: { file: rel, line: pos.line + 1, column: pos.character + 1 },
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n  "),
      hint,
    });
  };
  for (const d of errors) report(d, tsconfig ?? files[0]!, CONFIG_HINT);
  if (out.length > 0) return { diagnostics: out, notes, checked: [] };

  const { cacheDir } = typecheckOptions;
  const buildInfoFile = path.join(cacheDir ?? root, "typecheck.tsbuildinfo");
  // The build info lives in synth's cache file, never where the project's own tsconfig puts it.
  const { tsBuildInfoFile: _ownBuildInfo, ...ownOptions } = projectOptions;
  const options = withConfigFile(cacheDir !== undefined ? { ...ownOptions, noEmit: true, incremental: true, tsBuildInfoFile: buildInfoFile } : { ...ownOptions, noEmit: true, incremental: false }, projectOptions);
  // One cache file per tsconfig and entry list, so checking other entries does not evict this state.
  const inputs = typecheckInputs(files, tsconfig);
  const cacheFile = cacheDir ? path.join(cacheDir, `typecheck-${inputs.slice(0, 16)}.json`) : undefined;
  const key: CacheKey = { sdkVersion: SDK_VERSION, sdkBuild: sdkBuildStamp(), typescript: ts.version, inputs: sha256(JSON.stringify({ inputs, options })) };
  const kept = typecheckOptions.keepInMemory && inMemory?.key === key.inputs ? inMemory : null;
  let previous: CachedState | null = kept ? { buildInfo: "", operatorFindings: kept.operatorFindings } : null;
  if (cacheFile && !kept) {
    const read = readCache(cacheFile, key);
    if (read.note) notes.push(read.note);
    previous = read.data === null ? null : parseState(read.data);
    if (read.data !== null && previous === null) notes.push(`cache file ${path.basename(cacheFile)} holds no type-check state: ignored, rebuilt from scratch`);
  }

  const lib = standardLibrary();
  let buildInfo = kept ? undefined : previous?.buildInfo;
  const system: TS.System = {
    ...ts.sys,
    getExecutingFilePath: () => `${LIB_FOLDER}/typescript.js`,
    fileExists: (f) => lib.has(f) || (f === buildInfoFile ? buildInfo !== undefined : ts.sys.fileExists(f)),
    readFile: (f, encoding) => lib.get(f) ?? (f === buildInfoFile ? buildInfo : ts.sys.readFile(f, encoding)),
    directoryExists: (d) => d === LIB_FOLDER || ts.sys.directoryExists(d),
    // The program writes nothing (noEmit); the build info is captured through emit()'s callback.
    writeFile: () => {},
  };
  const host = ts.createIncrementalCompilerHost(options, system);
  const sourceFiles = kept?.sourceFiles ?? new Map<string, TS.SourceFile>();
  if (typecheckOptions.keepInMemory) {
    // A file whose text is unchanged is the same parsed file: the new program reuses it, and its checks.
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (name, target, onError, shouldCreate) => {
      const known = sourceFiles.get(name);
      if (known && system.readFile(name) === known.text) return known;
      const parsed = parse(name, target, onError, shouldCreate);
      if (parsed) sourceFiles.set(name, parsed);
      return parsed;
    };
  }
  const builder = kept
    ? ts.createSemanticDiagnosticsBuilderProgram(files, options, host, kept.builder)
    : ts.createIncrementalProgram({ rootNames: files, options, host, createProgram: ts.createSemanticDiagnosticsBuilderProgram });
  const program = builder.getProgram();
  const isUsers = (sf: TS.SourceFile): boolean => !sf.isDeclarationFile && !isSdkOrDependencyFile(path.resolve(sf.fileName));

  // The files the builder must check (all at first; then those changed or importing a changed
  // signature), walked first: checking a file before the walk reaches it would be undone by the walk.
  // Their B009 findings are recomputed; every other user file's come from the cache. The SDK's and
  // libraries' files are not checked in full (only as far as user code uses them).
  const recheck = new Set<TS.SourceFile>();
  for (;;) {
    const next = builder.getSemanticDiagnosticsOfNextAffectedFile(undefined, (sf) => !isUsers(sf));
    if (!next) break;
    if (next.affected !== program) recheck.add(next.affected as TS.SourceFile);
    // With outFile the builder checks the whole program as one: every user file is then checked again.
    else for (const sf of program.getSourceFiles()) if (isUsers(sf)) recheck.add(sf);
  }
  const checker = program.getTypeChecker();
  const operatorFindings: Record<string, Diagnostic[]> = {};
  const hint = "fix the type error (your editor shows it too); synth refuses code that does not type-check";
  for (const d of builder.getOptionsDiagnostics()) report(d, tsconfig ?? files[0]!, CONFIG_HINT);
  for (const d of builder.getGlobalDiagnostics()) report(d, tsconfig ?? files[0]!, hint);
  for (const sf of program.getSourceFiles()) {
    if (!isUsers(sf)) continue;
    const rel = relative(sf.fileName);
    for (const d of builder.getSyntacticDiagnostics(sf)) report(d, sf.fileName, hint);
    for (const d of builder.getSemanticDiagnostics(sf)) report(d, sf.fileName, hint);
    if (options.declaration || options.composite) for (const d of builder.getDeclarationDiagnostics(sf)) report(d, sf.fileName, hint);
    const cached = previous?.operatorFindings[rel];
    const findings = cached && !recheck.has(sf) ? cached : jsOperatorsOnExprs(sf, checker, rel);
    operatorFindings[rel] = findings;
    out.push(...findings);
  }

  inMemory = typecheckOptions.keepInMemory ? { key: key.inputs, builder, sourceFiles, operatorFindings } : null;
  if (cacheFile) {
    builder.emit(undefined, (name, text) => {
      if (name === buildInfoFile) buildInfo = text;
    });
    if (buildInfo !== undefined) {
      const note = writeCache(cacheFile, key, JSON.stringify({ buildInfo, operatorFindings } satisfies CachedState));
      if (note) notes.push(note);
    }
  }
  // A file reached from two entries, and a global error, report once.
  const seen = new Set<string>();
  const diagnostics = out.filter((d) => {
    const key = `${d.site?.file}:${d.site?.line}:${d.site?.column}:${d.code}:${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  let checkedFiles: Fingerprint | undefined;
  if (cacheDir) {
    // What the next run compares with the disk to reuse this result without starting the compiler.
    const texts = new Map(program.getSourceFiles().filter((sf) => !lib.has(sf.fileName)).map((sf) => [path.resolve(sf.fileName), sf.text]));
    checkedFiles = fingerprint(texts, configFiles);
    const note = recordTypecheck(cacheDir, inputs, diagnostics, checkedFiles);
    if (note) notes.push(note);
  }
  return { diagnostics, notes, checked: [...recheck].map((sf) => relative(sf.fileName)).sort(), ...(checkedFiles ? { read: checkedFiles } : {}) };
}

function parseState(data: string): CachedState | null {
  try {
    const state = JSON.parse(data) as Partial<CachedState>;
    return typeof state.buildInfo === "string" && typeof state.operatorFindings === "object" && state.operatorFindings !== null ? (state as CachedState) : null;
  } catch {
    return null;
  }
}

/** What each JavaScript operator does to a streamt expression, which is an object and always truthy. */
const OPERATOR_EFFECT: Partial<Record<TS.SyntaxKind, string>> = {
  [ts.SyntaxKind.AmpersandAmpersandToken]: "&& returns its right operand and drops this one",
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken]: "&&= assigns its right operand and drops this one",
  [ts.SyntaxKind.BarBarToken]: "|| returns this operand and drops the right one",
  [ts.SyntaxKind.BarBarEqualsToken]: "||= keeps this operand and drops the right one",
  [ts.SyntaxKind.QuestionQuestionToken]: "?? returns this operand and drops the right one (SQL's COALESCE is .orElse())",
  [ts.SyntaxKind.QuestionQuestionEqualsToken]: "??= keeps this operand and drops the right one (SQL's COALESCE is .orElse())",
  [ts.SyntaxKind.ExclamationToken]: "! makes it the value false, not SQL's NOT",
  [ts.SyntaxKind.QuestionToken]: "?: always takes its first branch (SQL's CASE is when(...).otherwise(...))",
};

/**
 * STREAMT-B009: JavaScript's &&, ||, ??, ! or ?: testing a streamt expression, a silent wrong result
 * (`a.gt(1) && b.eq(2)` is `b.eq(2)`). The run time catches most of these when synth runs the
 * callback; the checker also sees `a || b` (b is never evaluated) and tests of a bare column. Cheap:
 * the walk asks the checker only for the tested operand of those operators, a type it has already
 * computed for the file's type errors. An operand that may be undefined or null (`extra ?? o.a.gt(0)`
 * on an optional expression) is JavaScript-level composition, and not reported. A chain
 * `a && b && c` is reported once, at its innermost misuse (children are visited first).
 */
function jsOperatorsOnExprs(sf: TS.SourceFile, checker: TS.TypeChecker, file: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const reported = new Set<TS.Node>();
  const visit = (node: TS.Node): void => {
    ts.forEachChild(node, visit);
    let operand: TS.Expression | undefined;
    let operator: TS.SyntaxKind | undefined;
    if (ts.isBinaryExpression(node) && OPERATOR_EFFECT[node.operatorToken.kind] !== undefined) {
      operand = node.left;
      operator = node.operatorToken.kind;
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      operand = node.operand;
      operator = node.operator;
    } else if (ts.isConditionalExpression(node)) {
      operand = node.condition;
      operator = ts.SyntaxKind.QuestionToken;
    }
    if (operand && operator !== undefined && !reported.has(skipParens(operand)) && isStreamtExpr(checker.getTypeAtLocation(operand))) {
      reported.add(node);
      const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const text = operand.getText(sf).replace(/\s+/g, " ");
      found.push({
        code: BuildErrorCode.jsOperatorOnExpr,
        severity: "error",
        pipeline: null,
        path: file,
        site: { file, line: pos.line + 1, column: pos.character + 1 },
        message: `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` is a streamt expression, always truthy in JavaScript: ${OPERATOR_EFFECT[operator]}`,
        hint: JS_OPERATOR_HINT,
      });
    }
  };
  visit(sf);
  return found;
}

function skipParens(e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Every member of the type is a streamt expression (`ExprBase`'s phantom `__col`): never undefined, null or false. */
function isStreamtExpr(type: TS.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.every((m) => m.getProperty("__col")?.declarations?.some(isExprBaseMember) === true);
}

function isExprBaseMember(d: TS.Declaration): boolean {
  return ts.isPropertySignature(d) && ts.isInterfaceDeclaration(d.parent) && d.parent.name.text === "ExprBase";
}
