import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { isSdkOrDependencyFile } from "../sdk-location.js";

function findTsconfig(from: string, root: string): string | undefined {
  let dir = path.dirname(from);
  for (;;) {
    const candidate = path.join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir || !dir.startsWith(root)) return undefined;
    dir = parent;
  }
}

function compilerOptions(tsconfig: string | undefined): { options: ts.CompilerOptions; errors: readonly ts.Diagnostic[] } {
  const defaults: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
  };
  if (!tsconfig) return { options: defaults, errors: [] };
  const errors: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d) };
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, host);
  if (!parsed) return { options: defaults, errors };
  return { options: { ...parsed.options, noEmit: true }, errors: [...errors, ...ts.getConfigFileParsingDiagnostics(parsed).filter((e) => e.code !== NO_INPUTS)] };
}

/** "No inputs were found in config file": synth's inputs are its entries, not the tsconfig's include. */
const NO_INPUTS = 18003;

/**
 * Type-checks the entry modules and the project files they import with the TypeScript compiler, the
 * same errors the editor shows. Library files are checked only as far as the user's code uses them.
 * The program is kept only inside this function: it is the largest thing synth holds in memory, and
 * it is garbage before the pipeline modules are loaded.
 */
export function typecheckEntries(entries: readonly string[], root: string): Diagnostic[] {
  const files = entries.map((e) => path.resolve(root, e));
  const tsconfig = findTsconfig(files[0]!, root);
  const { options, errors } = compilerOptions(tsconfig);
  const out: Diagnostic[] = [];
  const report = (d: ts.Diagnostic, fallbackFile: string, hint: string): void => {
    if (d.category !== ts.DiagnosticCategory.Error) return;
    const file = d.file?.fileName ?? fallbackFile;
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    const rel = path.relative(root, path.resolve(file)).split(path.sep).join("/");
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
  for (const d of errors) report(d, tsconfig ?? files[0]!, "fix tsconfig.json there; synth type-checks with your project's settings");
  if (out.length > 0) return out;
  // ts-morph's Project only to build the program (it supplies the standard library files); the
  // diagnostics come from the compiler's own objects, with no wrappers created.
  const project = new Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  for (const f of files) project.addSourceFileAtPath(f);
  const program = project.getProgram().compilerObject;
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || isSdkOrDependencyFile(path.resolve(sf.fileName))) continue;
    for (const d of ts.getPreEmitDiagnostics(program, sf)) report(d, sf.fileName, "fix the type error (your editor shows it too); synth refuses code that does not type-check");
  }
  // A file reached from two entries, and a global error, report once.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.site?.file}:${d.site?.line}:${d.site?.column}:${d.code}:${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
