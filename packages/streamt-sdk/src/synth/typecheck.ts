import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import type { Diagnostic } from "../analysis/diagnostic.js";

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

/**
 * Type-checks the entry modules and the project files they import with the TypeScript compiler, the
 * same errors the editor shows. Library files are checked only as far as the user's code uses them.
 */
export function typecheckEntries(entries: readonly string[], root: string): Diagnostic[] {
  const files = entries.map((e) => path.resolve(root, e));
  const tsconfig = findTsconfig(files[0]!, root);
  const project = tsconfig
    ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true })
    : new Project({ compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true } });
  for (const f of files) project.addSourceFileAtPath(f);
  project.resolveSourceFileDependencies();
  const userFiles = project.getSourceFiles().filter((sf) => {
    const p = sf.getFilePath();
    return !p.includes("/node_modules/") && !sf.isDeclarationFile() && !p.includes("/packages/streamt-sdk/src/");
  });
  const out: Diagnostic[] = [];
  for (const sf of userFiles) {
    for (const d of sf.getPreEmitDiagnostics()) {
      if (d.getCategory() !== ts.DiagnosticCategory.Error) continue;
      const file = d.getSourceFile();
      const start = d.getStart();
      const pos = file && start !== undefined ? file.getLineAndColumnAtPos(start) : { line: 1, column: 1 };
      const rel = path.relative(root, file?.getFilePath() ?? sf.getFilePath()).split(path.sep).join("/");
      out.push({
        code: `TS${d.getCode()}`,
        severity: "error",
        pipeline: null,
        path: rel,
        site: { file: rel, line: pos.line, column: pos.column },
        message: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n  "),
        hint: "fix the type error (your editor shows it too); synth refuses code that does not type-check",
      });
    }
  }
  // A file reached from two entries reports once.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.site?.file}:${d.site?.line}:${d.site?.column}:${d.code}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
