import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// bench/mutation-report.ts on a small checkout of its own: Stryker reports in, bench/MUTATION.md and the
// stored results (bench/mutation-results.json) out, and the stored results rendered again without a report.
const SCRIPT = path.resolve(import.meta.dirname, "../../bench/mutation-report.ts");
const repo = mkdtempSync(path.join(os.tmpdir(), "streamt-mutation-report-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const EMIT = "packages/streamt-sdk/src/emit-sql/a.ts";
const DSL = "packages/streamt-sdk/src/dsl/b.ts";
const emitSource = ["export const a = 1 > 0;", "export const b = `x`;", "export const c = [1];", "export const d = true;"].join("\n");
const dslSource = "export const e = 2 + 3;\n";

type Status = "Killed" | "Survived" | "NoCoverage" | "CompileError" | "Timeout";
/** A Stryker report mutant (1-based lines and columns, as its JSON report writes them). */
const mutant = (id: string, line: number, column: number, mutatorName: string, replacement: string, status: Status) => ({
  id,
  mutatorName,
  replacement,
  status,
  location: { start: { line, column }, end: { line, column: column + 5 } },
});

function write(file: string, content: unknown): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), typeof content === "string" ? content : JSON.stringify(content));
}
function report(...args: string[]): { out: string; md: string; stored: Record<string, any> } {
  const out = execFileSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { cwd: path.dirname(path.dirname(SCRIPT)), env: { ...process.env, MUTATION_REPO: repo, STRYKER_NOTE: "" }, encoding: "utf8" });
  return { out, md: readFileSync(path.join(repo, "bench/MUTATION.md"), "utf8"), stored: JSON.parse(readFileSync(path.join(repo, "bench/mutation-results.json"), "utf8")) };
}
const row = (md: string, start: string): string | undefined => md.split("\n").find((l) => l.startsWith(start));

write(EMIT, emitSource);
write(DSL, dslSource);
write("bench/mutation-equivalents.json", [{ file: EMIT, code: "export const c = [1];", mutator: "ArrayDeclaration", replacement: "[]", reason: "no reader looks at c" }]);
write("bench/mutation-killed-x.json", [{ file: EMIT, code: "export const b = `x`;", mutator: "StringLiteral", replacement: "``", test: "test/x.test.ts (\"b\")" }]);
write("reports/first.json", {
  files: {
    [EMIT]: {
      source: emitSource,
      mutants: [
        mutant("1", 1, 18, "EqualityOperator", "1 >= 0", "Killed"),
        mutant("2", 2, 18, "StringLiteral", "``", "NoCoverage"),
        mutant("3", 3, 18, "ArrayDeclaration", "[]", "Survived"),
        mutant("4", 4, 18, "BooleanLiteral", "false", "Survived"),
        mutant("5", 1, 18, "EqualityOperator", "1 < 0", "CompileError"),
      ],
    },
  },
});

describe("mutation-report", () => {
  let first: ReturnType<typeof report>;

  it("counts a report's mutants per folder, lists each survivor with its explanation or hand kill, and stores the results", () => {
    first = report("reports/first.json");
    expect(first.out).toBe("score 25.0% (1 of 4); 3 survivors, 1 unexplained; wrote bench/MUTATION.md\n");
    expect(row(first.md, "| emit-sql |")).toBe("| emit-sql | 4 | 1 | 3 | 1 | 25.0% | 90% | FAIL |");
    expect(row(first.md, "| emit-sql/a.ts |")).toBe("| emit-sql/a.ts | 4 | 1 | 25.0% | first.json |");
    expect(row(first.md, "## Surviving")).toBe("## Surviving mutants (3: 1 equivalent, 1 killed since the run by a test checked by hand, 1 unexplained)");
    expect(row(first.md, `| ${EMIT}:2:18 |`)).toBe(`| ${EMIT}:2:18 | StringLiteral | NoCoverage; killed by test/x.test.ts ("b") (checked by hand) | \`export const b = 'x';\` | \`''\` |`);
    expect(row(first.md, `| ${EMIT}:3:18 |`)).toBe(`| ${EMIT}:3:18 | ArrayDeclaration | equivalent: no reader looks at c | \`export const c = [1];\` | \`[]\` |`);
    expect(row(first.md, `| ${EMIT}:4:18 |`)).toBe(`| ${EMIT}:4:18 | BooleanLiteral | Survived | \`export const d = true;\` | \`false\` |`);
    const a = first.stored.files[EMIT];
    expect({ reports: a.reports, detected: a.detected, undetected: a.undetected, survivors: a.survivors.length, mutants: a.mutants.length }).toEqual({ reports: ["first.json"], detected: 1, undetected: 3, survivors: 3, mutants: 5 });
    expect(a.survivors[2]).toEqual({ line: 4, column: 18, mutator: "BooleanLiteral", replacement: "false", code: "export const d = true;", status: "Survived" });
  });

  it("renders the stored results again, byte for byte, when no report is given (the reports need not be kept)", () => {
    rmSync(path.join(repo, "reports/first.json"));
    expect(report().md).toBe(first.md);
  });

  it("merges a re-run of some lines of the same source mutant by mutant, the later result winning", () => {
    write("reports/rerun.json", { files: { [EMIT]: { source: emitSource, mutants: [mutant("4", 4, 18, "BooleanLiteral", "false", "Killed")] } } });
    const { md } = report("reports/rerun.json");
    expect(row(md, "| emit-sql |")).toBe("| emit-sql | 4 | 2 | 2 | 1 | 50.0% | 90% | FAIL |");
    expect(row(md, "| emit-sql/a.ts |")).toBe("| emit-sql/a.ts | 4 | 2 | 50.0% | first.json + rerun.json |");
    expect(row(md, `| ${EMIT}:4:18 |`)).toBe(undefined);
  });

  it("stores a sampled run's drawn mutants only, and estimates everything measured from both", () => {
    write("reports/sample-5.json", {
      seed: 5,
      commit: "abc1234",
      population: { dsl: 10 },
      notMeasured: { cli: 7 },
      // The instrumenter's draw is 0-based: this is the report's 1:18.
      mutants: [{ file: DSL, mutatorName: "ArithmeticOperator", replacement: "2 - 3", location: { start: { line: 0, column: 17 }, end: { line: 0, column: 22 } } }],
    });
    write("reports/sample-5-run.json", {
      files: {
        [DSL]: {
          source: dslSource,
          mutants: [
            { ...mutant("1", 1, 18, "ArithmeticOperator", "2 - 3", "Survived"), location: { start: { line: 1, column: 18 }, end: { line: 1, column: 23 } } },
            // Nested in the drawn range but not drawn: not counted.
            { ...mutant("2", 1, 18, "ArithmeticOperator", "2 * 3", "Killed"), location: { start: { line: 1, column: 18 }, end: { line: 1, column: 23 } } },
          ],
        },
      },
    });
    const { md, stored } = report("--sample", "reports/sample-5.json");
    expect(row(md, "| dsl |")).toBe("| dsl | 10 | 1 | 0 | 0 | 1 | 0.0% | 0.0-79.3% |");
    expect(row(md, `| ${DSL}:1:18 |`)).toBe(`| ${DSL}:1:18 | ArithmeticOperator | Survived (sampled) | \`export const e = 2 + 3;\` | \`2 - 3\` |`);
    expect(row(md, "Not measured:")).toBe("Not measured: cli (7): 7 mutants in no whole run and no sample: code whose tests start processes (the CLI, Maven, the Flink runner, a Kafka broker), which a Stryker run cannot switch mutants in; bench/mutation-process.ts samples them.");
    // 2 of 4 whole, and the sampled folder's 10 at 0%: 2 of 14.
    expect(row(md, "**Everything measured**")).toMatch(/^\*\*Everything measured\*\* \(emit-sql whole; dsl by the samples, weighted by their populations; a process sample's mutants not yet run are left out of its score, not of its population\): \*\*14\.3%\*\* .* of ~14 compiling mutants; goal 80%: FAIL\.$/);
    expect(stored.samples).toEqual([{
      method: "in-process",
      testFilesLeftOut: [],
      seed: 5,
      commit: "abc1234",
      strata: { dsl: { population: 10, drawn: 1, detected: 0, undetected: 1, notRun: 0 } },
      notMeasured: { cli: 7 },
      survivors: [{ file: DSL, line: 1, column: 18, mutator: "ArithmeticOperator", replacement: "2 - 3", code: "export const e = 2 + 3;", status: "Survived" }],
    }]);
  });

  it("keeps a sample run by mutation-process.ts beside the in-process one, and replaces a sample of the same folders", () => {
    const CLI = "packages/streamt-sdk/src/cli/c.ts";
    const cliSource = "export const f = 1 === 1;\n";
    write(CLI, cliSource);
    const drawn = (seed: number) => ({
      seed,
      commit: "def5678",
      population: { cli: 7 },
      notMeasured: { dsl: 10 },
      mutants: [{ file: CLI, mutatorName: "EqualityOperator", replacement: "1 !== 1", location: { start: { line: 0, column: 17 }, end: { line: 0, column: 22 } } }],
    });
    const run = (status: Status) => ({ testFilesLeftOut: ["test/cli/needs-a-runner.test.ts"], files: { [CLI]: { source: cliSource, mutants: [mutant("0", 1, 18, "EqualityOperator", "1 !== 1", status)] } } });
    write("reports/sample-6.json", drawn(6));
    write("reports/sample-6-run.json", run("Survived"));
    const { md, stored } = report("--sample", "reports/sample-6.json");
    expect(stored.samples.map((s: { method: string; seed: number }) => [s.method, s.seed])).toEqual([["in-process", 5], ["process", 6]]);
    expect(row(md, "| cli |")).toBe("| cli | 7 | 1 | 0 | 0 | 1 | 0.0% | 0.0-79.3% |");
    expect(row(md, "Sampled: cli ")).toBe(
      "Sampled: cli (seed 6, drawn at def5678, 1 of 7 mutants; `node --import tsx bench/mutation-sample.ts`), a uniform random draw of their mutants, each written into the source of a scratch checkout and run against the unit tests that import its module or are named after it (for cli/ and synth/, the CLI's end-to-end tests too), with every process they start (bench/mutation-process.ts). No type-check, and no test that reaches the module only through others or only on the engine (the e2e tests): these scores are lower bounds. Test files left out, as they fail unmutated in a scratch checkout: test/cli/needs-a-runner.test.ts.",
    );
    expect(row(md, "Without the process sample")).toBe("Without the process sample (emit-sql whole; dsl by Stryker's sample): **14.3%** (95% interval 14.3-14.3%) of ~14 compiling mutants; goal 80%: FAIL.");
    // Both samples measure what the other left out: nothing is left unmeasured.
    expect(row(md, "Not measured:")).toBe(undefined);
    write("reports/sample-7.json", drawn(7));
    write("reports/sample-7-run.json", run("Killed"));
    const again = report("--sample", "reports/sample-7.json");
    expect(again.stored.samples.map((s: { method: string; seed: number }) => [s.method, s.seed])).toEqual([["in-process", 5], ["process", 7]]);
    expect(row(again.md, "| cli |")).toBe("| cli | 7 | 1 | 0 | 1 | 0 | 100.0% | 20.7-100.0% |");
  });

  it("replaces a file's results when its source changed, and leaves out a measured file no longer in the repository", () => {
    const changed = emitSource.replace("true", "false");
    write(EMIT, changed);
    write("reports/changed.json", { files: { [EMIT]: { source: changed, mutants: [mutant("1", 4, 18, "BooleanLiteral", "true", "Killed")] } } });
    const { md } = report("reports/changed.json");
    expect(row(md, "| emit-sql/a.ts |")).toBe("| emit-sql/a.ts | 1 | 1 | 100.0% | changed.json |");
    rmSync(path.join(repo, EMIT));
    const { md: after, stored } = report();
    expect(row(after, "Left out:")).toBe(`Left out: ${EMIT} (measured, but no longer in the repository).`);
    expect(Object.keys(stored.files)).toEqual([]);
  });
});
