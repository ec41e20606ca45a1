import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { BuildErrorCode, JS_OPERATOR_HINT } from "../errors.js";
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
  const checker = program.getTypeChecker();
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || isSdkOrDependencyFile(path.resolve(sf.fileName))) continue;
    for (const d of ts.getPreEmitDiagnostics(program, sf)) report(d, sf.fileName, "fix the type error (your editor shows it too); synth refuses code that does not type-check");
    out.push(...jsOperatorsOnExprs(sf, checker, path.relative(root, path.resolve(sf.fileName)).split(path.sep).join("/")));
  }
  // A file reached from two entries, and a global error, report once.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.site?.file}:${d.site?.line}:${d.site?.column}:${d.code}:${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** What each JavaScript operator does to a streamt expression, which is an object and always truthy. */
const OPERATOR_EFFECT: Partial<Record<ts.SyntaxKind, string>> = {
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
function jsOperatorsOnExprs(sf: ts.SourceFile, checker: ts.TypeChecker, file: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const reported = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    ts.forEachChild(node, visit);
    let operand: ts.Expression | undefined;
    let operator: ts.SyntaxKind | undefined;
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

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Every member of the type is a streamt expression (`ExprBase`'s phantom `__col`): never undefined, null or false. */
function isStreamtExpr(type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.every((m) => m.getProperty("__col")?.declarations?.some(isExprBaseMember) === true);
}

function isExprBaseMember(d: ts.Declaration): boolean {
  return ts.isPropertySignature(d) && ts.isInterfaceDeclaration(d.parent) && d.parent.name.text === "ExprBase";
}
