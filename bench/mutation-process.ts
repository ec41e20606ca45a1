/**
 * Runs a drawn sample (bench/mutation-sample.ts) of the mutants of the CLI, synth, deploy, runtime and
 * testing code, whose tests start processes: the CLI, a type-check, a browser. Stryker switches mutants
 * inside its own test process, which a spawned CLI never sees; here each mutant is written into the source
 * of a scratch checkout instead, so whatever the tests start runs it too (the CLI runs the SDK's sources
 * through tsx when they are newer than its dist/).
 *
 *   node --import tsx bench/mutation-process.ts reports/mutation/sample-<seed>.json [--until HH:MM] [--workers N]
 *
 * First, each unit test file runs once alone, unmutated, under V8 coverage: the tests that ran a mutant's code
 * (coveringTests). Then for each drawn mutant, in the sample's (random) order: the unit tests and the
 * test/flink/ tests (one shared broker and job JVM) that import its module, for the CLI's own code and synth the
 * CLI's end-to-end unit tests, and the fastest of the unit tests that ran its code (up to 90 s of them), run
 * with the mutant in place (`vitest run --bail=1`); a test failing kills it, a run past three times the
 * tests' unmutated time is a timeout (detected, as in Stryker), all passing is a survivor. A mutant that
 * would not type-check runs anyway (tsx does not check): it counts as survived when its tests pass, so the
 * score is a lower bound, as in the in-process sample. Test files that fail unmutated in the scratch
 * checkout (they need a built Flink runner or the packed SDK) are left out, and listed. Mutants not run by
 * --until are written as NotRun: the run is then a prefix of a random order, itself a uniform sample. A
 * kill is checked: the test files that failed must pass unmutated right after, or the mutant is NotRun
 * (a test that fails under load is no kill); so is a timeout: its tests must finish unmutated in that time.
 *
 * Writes reports/mutation/sample-<seed>-run.json in the shape of Stryker's report, which
 * `mutation-report.ts --sample reports/mutation/sample-<seed>.json` reads as it reads a Stryker run; it is
 * written after every mutant, and a later call with the same sample goes on where it stopped (keeping the
 * baseline), so a long run can be spread over several.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { SampleFile, SampledMutant } from "./mutation-sample.js";

const REPO = path.resolve(import.meta.dirname, "..");
const SRC = "packages/streamt-sdk/src";
/** Test files never run here: the packed-SDK install (a minute of npm pack and install per mutant). */
const NEVER = new Set(["test/package/installed.test.ts"]);
/** The CLI's end-to-end unit tests: they drive synth and every command through the real CLI. */
const CLI_TESTS = ["test/cli/cli.test.ts", "test/cli/output-folder.test.ts"];

interface Options {
  readonly sampleFile: string;
  readonly until: Date | null;
  readonly workers: number;
}

function parseArgs(argv: readonly string[]): Options {
  let sampleFile: string | undefined;
  let until: Date | null = null;
  let workers = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--until") {
      const m = /^(\d\d):(\d\d)$/.exec(argv[++i] ?? "");
      if (!m) throw new Error("--until takes a time of day, HH:MM (UTC)");
      until = new Date();
      until.setUTCHours(Number(m[1]), Number(m[2]), 0, 0);
      // A time of day already past is tomorrow's (23:30 --until 01:00 runs through midnight).
      if (until.getTime() <= Date.now()) until.setUTCDate(until.getUTCDate() + 1);
    } else if (a === "--workers") workers = Number(argv[++i]);
    else sampleFile = a;
  }
  if (!sampleFile) throw new Error("usage: mutation-process.ts reports/mutation/sample-<seed>.json [--until HH:MM] [--workers N]");
  if (!Number.isInteger(workers) || workers < 1) throw new Error("--workers takes a whole number from 1");
  return { sampleFile, until, workers };
}

/**
 * Every unit test file of the repository, and those of test/flink/ (the shared broker and job JVM, started
 * once per vitest run of them): selected only when they import the module. The e2e tests (a cluster, a
 * Maven build, minutes each) are left to CI.
 */
function candidateTests(dir = "test"): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? (["e2e", "fixtures"].includes(e.name) ? [] : candidateTests(`${dir}/${e.name}`)) : e.name.endsWith(".test.ts") ? [`${dir}/${e.name}`] : []))
    .filter((f) => !NEVER.has(f))
    .sort();
}
/** test/flink/ files run in vitest's "flink" project (its global setup starts the broker); the rest in "unit". */
const projectOf = (file: string): "unit" | "flink" => (file.startsWith("test/flink/") ? "flink" : "unit");

/**
 * The tests run against a mutant of `file`: those named after its module (synth/last-run.ts: any
 * last-run.test.ts), those that import it (themselves or through a helper module of test/ they import)
 * or the module beside it that starts it as a thread,
 * and for the CLI's own code and synth, the CLI's end-to-end tests. Not those that reach it only through
 * other modules: nearly every test reaches synth that way, and a survivor would then cost many minutes.
 */
export function testsFor(file: string, tests: readonly string[], text: (test: string) => string, sources: readonly string[] = []): string[] {
  const module = file.slice(SRC.length + 1).replace(/\.ts$/, "");
  // A folder's index is imported by its package path too: "streamt-sdk/testing" is testing/index.ts.
  const byPackage = module.endsWith("/index") ? `|["']streamt-sdk/${escape(module.slice(0, -"/index".length))}["']` : "";
  const importers = (m: string, extra = ""): RegExp => new RegExp(`src/${escape(m)}\\.(?:js|ts)["'\`]${extra}`);
  // A module that runs as a thread is started by name by one beside it (watch.ts: startThread("import-worker")):
  // the tests of that starter run it too.
  const name = path.basename(module);
  const starters = sources
    .filter((s) => s !== file && path.dirname(s) === path.dirname(file) && new RegExp(`["'\`]${escape(name)}["'\`]`).test(text(s)))
    .map((s) => s.slice(SRC.length + 1).replace(/\.ts$/, ""));
  const patterns = [importers(module, byPackage), ...starters.map((m) => importers(m))];
  const named = tests.filter((t) => path.basename(t) === `${name}.test.ts` || patterns.some((p) => p.test(withHelpers(t, text))));
  const viaCli = /^(cli|synth)\//.test(module) ? CLI_TESTS : [];
  return [...new Set([...named, ...viaCli])].sort();
}

/** One source file's entry of an istanbul coverage-final.json (what @vitest/coverage-v8 writes). */
export interface FileCoverage {
  readonly statementMap: Record<string, IstanbulRange>;
  readonly s: Record<string, number>;
  readonly fnMap: Record<string, { readonly loc: IstanbulRange }>;
  readonly f: Record<string, number>;
}
/** 1-based lines, 0-based columns; an end column of null is the line's end. */
interface IstanbulRange {
  readonly start: { readonly line: number; readonly column: number | null };
  readonly end: { readonly line: number; readonly column: number | null };
}

/**
 * Whether a test ran the code of a mutant: the innermost statement or function around the mutant's start ran
 * at least once. A mutant outside every statement and function (a type, an import) counts as not run.
 */
export function covers(coverage: FileCoverage, m: SampledMutant): boolean {
  const at = { line: m.location.start.line + 1, column: m.location.start.column };
  const ranges = [
    ...Object.entries(coverage.statementMap).map(([id, r]) => ({ r, count: coverage.s[id] ?? 0 })),
    ...Object.entries(coverage.fnMap).map(([id, fn]) => ({ r: fn.loc, count: coverage.f[id] ?? 0 })),
  ].filter(({ r }) => comparePosition(r.start, at) <= 0 && comparePosition(at, r.end) <= 0);
  // The innermost: the one that starts last, and of those the one that ends first.
  const inner = ranges.sort((a, b) => comparePosition(b.r.start, a.r.start) || comparePosition(a.r.end, b.r.end))[0];
  return inner !== undefined && inner.count > 0;
}

function comparePosition(a: { line: number; column: number | null }, b: { line: number; column: number | null }): number {
  return a.line - b.line || (a.column ?? Infinity) - (b.column ?? Infinity) || 0;
}

/** Every source file of the SDK (to find the modules that start another as a thread). */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** A test's text with that of the helper modules of test/ it imports (e.g. test/synth/fixture.ts). */
function withHelpers(test: string, text: (file: string) => string): string {
  const own = text(test);
  const helpers = [...own.matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((m) => path.join(path.dirname(test), `${m[1]}.ts`)).filter((f) => f.startsWith("test/") && !f.endsWith(".test.ts"));
  return [own, ...helpers.map((h) => text(h))].join("\n");
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A scratch checkout of the sample's commit, its node_modules the repository's but for the SDK itself. */
export function scratchCheckout(commit: string, name: string): string {
  const dir = path.join(os.tmpdir(), name);
  rmSync(dir, { recursive: true, force: true });
  execFileSync("git", ["worktree", "prune"], { cwd: REPO });
  execFileSync("git", ["worktree", "add", "--detach", "--force", dir, commit], { cwd: REPO, stdio: "ignore" });
  linkModules(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  // The SDK's dist/, unmutated: a user's module imports "streamt-sdk" from it, as an installed user's does.
  // The CLI itself runs the (mutated, so newer) sources through tsx (bin/streamt-sdk.js).
  execFileSync(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", "packages/streamt-sdk/tsconfig.build.json"], { cwd: dir, stdio: "ignore" });
  return dir;
}

/**
 * `to` as a folder of links to what `from` holds, but for the workspace's own packages (the SDK, the
 * example catalog): those links are copied as they are, relative, so they lead into the scratch checkout,
 * not back to the repository's unmutated sources.
 */
function linkModules(from: string, to: string): void {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.name.startsWith("@") && entry.isDirectory()) linkModules(source, path.join(to, entry.name));
    else if (entry.isSymbolicLink() && !readlinkSync(source).includes("node_modules")) symlinkSync(readlinkSync(source), path.join(to, entry.name));
    else symlinkSync(source, path.join(to, entry.name));
  }
}

interface TestRun {
  readonly passed: boolean;
  readonly timedOut: boolean;
  readonly ms: number;
  /** The files whose tests failed (from vitest's JSON report). */
  readonly failedFiles: readonly string[];
  /** Each file's time, from the same report. */
  readonly fileMs: ReadonlyMap<string, number>;
}

/**
 * vitest on `files` in `dir`: the unit project's, then (unless bailing on a failure already) the flink
 * project's; each run killed (with every process it started) past `timeoutMs`.
 */
async function runTests(dir: string, files: readonly string[], timeoutMs: number, bail: boolean): Promise<TestRun> {
  const unit = files.filter((f) => projectOf(f) === "unit");
  const flink = files.filter((f) => projectOf(f) === "flink");
  const first = unit.length > 0 ? await runProject(dir, "unit", unit, timeoutMs, bail) : null;
  if (flink.length === 0 || (first && bail && !first.passed)) return first!;
  const second = await runProject(dir, "flink", flink, timeoutMs, bail);
  if (!first) return second;
  return {
    passed: first.passed && second.passed,
    timedOut: first.timedOut || second.timedOut,
    ms: first.ms + second.ms,
    failedFiles: [...first.failedFiles, ...second.failedFiles],
    fileMs: new Map([...first.fileMs, ...second.fileMs]),
  };
}

function runProject(dir: string, project: "unit" | "flink", files: readonly string[], timeoutMs: number, bail: boolean, extraArgs: readonly string[] = []): Promise<TestRun> {
  const out = path.join(dir, `.mutation-process-report-${project}.json`);
  rmSync(out, { force: true });
  const args = [path.join(REPO, "node_modules/vitest/vitest.mjs"), "run", "--project", project, "--reporter=json", `--outputFile=${out}`, ...(bail ? ["--bail=1"] : []), ...extraArgs, ...files];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: "ignore", detached: true, env: { ...process.env, CI: "true" } });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      let failedFiles: string[] = [];
      const fileMs = new Map<string, number>();
      try {
        const report = JSON.parse(readFileSync(out, "utf8")) as { testResults: { name: string; status: string; startTime: number; endTime: number }[] };
        failedFiles = report.testResults.filter((r) => r.status !== "passed").map((r) => path.relative(dir, r.name));
        for (const r of report.testResults) fileMs.set(path.relative(dir, r.name), r.endTime - r.startTime);
      } catch {
        // No report: vitest did not get as far (a mutant that breaks its start counts as killed below).
      }
      resolve({ passed: code === 0 && !timedOut, timedOut, ms: Date.now() - started, failedFiles, fileMs });
    });
  });
}

/** The source with the mutant's range (0-based lines and columns, as the instrumenter gives) replaced. */
export function mutated(source: string, m: SampledMutant): string {
  const lines = source.split("\n");
  const offset = (line: number, column: number): number => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  return source.slice(0, offset(m.location.start.line, m.location.start.column)) + m.replacement + source.slice(offset(m.location.end.line, m.location.end.column));
}

/**
 * Test time a mutant may spend on the tests that reach it only through other modules (found by coverage): the
 * fastest of them first, up to this much of their unmutated time. Those named after or importing its module
 * always run. Without a bound, a survivor in synth's main path would run most of the suite.
 */
const COVERAGE_BUDGET_MS = 90_000;

/**
 * For each drawn mutant, the unit test files that ran its code: each unit test file run once, alone and
 * unmutated, under @vitest/coverage-v8 (V8's counts mapped back to the TypeScript sources), spread over the
 * scratch checkouts. Only code run in vitest's own process is seen: a CLI a test spawns and a thread the SDK
 * starts are not (testsFor's rules select those tests). A test file failing unmutated selects nothing.
 */
export async function coveringTests(dirs: readonly string[], tests: readonly string[], mutants: readonly SampledMutant[]): Promise<Record<string, readonly string[]>> {
  const found = new Map<string, { test: string; ms: number }[]>();
  let next = 0;
  const worker = async (dir: string): Promise<void> => {
    for (;;) {
      const test = tests[next++];
      if (test === undefined) return;
      const out = path.join(dir, ".mutation-coverage");
      rmSync(out, { recursive: true, force: true });
      const coverageArgs = ["--coverage.enabled", "--coverage.provider=v8", "--coverage.reporter=json", `--coverage.reportsDirectory=${out}`, `--coverage.include=${SRC}/**`];
      const run = await runProject(dir, "unit", [test], 10 * 60_000, false, coverageArgs);
      const file = path.join(out, "coverage-final.json");
      if (!run.passed || !existsSync(file)) {
        console.log(`  ${test}: fails unmutated, selects nothing`);
        continue;
      }
      const coverage = JSON.parse(readFileSync(file, "utf8")) as Record<string, FileCoverage>;
      const ms = run.fileMs.get(test) ?? run.ms;
      for (const m of mutants) {
        const c = coverage[path.join(dir, m.file)];
        if (c && covers(c, m)) found.set(mutantKey(m), [...(found.get(mutantKey(m)) ?? []), { test, ms }]);
      }
    }
  };
  await Promise.all(dirs.map(worker));
  const selected: Record<string, readonly string[]> = {};
  for (const [key, hits] of found) {
    let spent = 0;
    selected[key] = hits
      .sort((a, b) => a.ms - b.ms || a.test.localeCompare(b.test))
      .filter((h) => (spent += h.ms) <= COVERAGE_BUDGET_MS)
      .map((h) => h.test)
      .sort();
  }
  return selected;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sample = JSON.parse(readFileSync(path.resolve(REPO, options.sampleFile), "utf8")) as SampleFile;
  const tests = candidateTests();
  const texts = new Map<string, string>();
  const text = (file: string): string => {
    if (!texts.has(file)) texts.set(file, existsSync(path.join(REPO, file)) ? readFileSync(path.join(REPO, file), "utf8") : "");
    return texts.get(file)!;
  };
  const sources = sourceFiles();
  const named = new Map(sample.mutants.map((m) => [m, testsFor(m.file, tests, text, sources)]));

  const runFile = path.resolve(REPO, options.sampleFile.replace(/\.json$/, "-run.json"));
  const earlier = readEarlierRun(runFile, sample);
  const dirs = Array.from({ length: options.workers }, (_, i) => scratchCheckout(sample.commit, `streamt-mutation-${sample.seed}-${i}`));
  let baseline = earlier?.baseline;
  if (baseline) console.log(`continuing ${path.relative(REPO, runFile)}: ${earlier!.statuses.size} mutants run before, its baseline kept`);
  else {
    const unitTests = tests.filter((t) => projectOf(t) === "unit");
    console.log(`coverage: ${unitTests.length} unit test files, each run alone, unmutated...`);
    const covering = await coveringTests(dirs, unitTests, sample.mutants);
    // Unmutated, once: the files that fail here cannot judge a mutant; each file's time sets the timeouts.
    const needed = [...new Set(sample.mutants.flatMap((m) => [...named.get(m)!, ...(covering[mutantKey(m)] ?? [])]))].sort();
    console.log(`baseline: ${needed.length} test files, unmutated...`);
    const run = await runTests(dirs[0]!, needed, 60 * 60_000, false);
    baseline = { fileMs: Object.fromEntries(run.fileMs), leftOut: run.failedFiles, covering };
  }
  const plan = sample.mutants.map((m) => ({ mutant: m, tests: [...new Set([...named.get(m)!, ...(baseline!.covering?.[mutantKey(m)] ?? [])])].sort() }));
  const broken = new Set(baseline.leftOut);
  if (broken.size > 0) console.log(`left out (they fail unmutated in a scratch checkout): ${[...broken].join(", ")}`);

  const results = new Map<SampledMutant, string>();
  for (const { mutant } of plan) {
    const status = earlier?.statuses.get(mutantKey(mutant));
    if (status) results.set(mutant, status);
  }
  // Written after every mutant, so a run that is stopped keeps what it measured, and a later call goes on from it.
  const save = (): void => writeFileSync(runFile, `${JSON.stringify(runReport(sample, plan.map((p) => p.mutant), results, baseline!), null, 1)}\n`);
  let next = 0;
  const worker = async (dir: string): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= plan.length) return;
      const { mutant, tests: mapped } = plan[i]!;
      const files = mapped.filter((f) => !broken.has(f));
      // Run before, unless it had no test then and has one now (the selection of tests grew since).
      if (results.has(mutant) && !(results.get(mutant) === "NoCoverage" && files.length > 0)) continue;
      const where = `${mutant.file}:${mutant.location.start.line + 1}:${mutant.location.start.column + 1} ${mutant.mutatorName}`;
      if (files.length === 0) {
        results.set(mutant, "NoCoverage");
        continue;
      }
      if (options.until && Date.now() > options.until.getTime()) continue;
      const file = path.join(dir, mutant.file);
      const original = readFileSync(file, "utf8");
      // Three times what its files took unmutated (run one after another), a minute for vitest's start, and two
      // more for the flink project's broker and job JVM.
      const timeout = 3 * files.reduce((ms, f) => ms + (baseline!.fileMs[f] ?? 300_000), 0) + 60_000 + (files.some((f) => projectOf(f) === "flink") ? 120_000 : 0);
      writeFileSync(file, mutated(original, mutant));
      let run: TestRun;
      try {
        run = await runTests(dir, files, timeout, true);
      } finally {
        writeFileSync(file, original);
      }
      let status = run.timedOut ? "Timeout" : run.passed ? "Survived" : "Killed";
      // A test that fails under load would count as a kill: the failing files must pass unmutated now.
      if (status === "Killed" && run.failedFiles.length > 0 && !(await runTests(dir, run.failedFiles, timeout, false)).passed) status = "Inconclusive";
      // So would a machine too busy to finish them in time: unmutated, they must finish within the same time now.
      if (status === "Timeout" && !(await runTests(dir, files, timeout, true)).passed) status = "Inconclusive";
      if (status !== "Inconclusive") results.set(mutant, status);
      save();
      console.log(`${i + 1}/${plan.length} ${status === "Inconclusive" ? "inconclusive (its tests fail or time out unmutated too)" : status} ${where} (${files.length} test files, ${Math.round(run.ms / 1000)} s)`);
    }
  };
  await Promise.all(dirs.map(worker));
  save();
  for (const dir of dirs) execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: REPO });
  const tally = [...results.values()].reduce<Record<string, number>>((a, s) => ({ ...a, [s]: (a[s] ?? 0) + 1 }), {});
  console.log(`${Object.entries(tally).map(([s, n]) => `${s} ${n}`).join(", ")}, not run ${plan.length - results.size}; wrote ${path.relative(REPO, runFile)}`);
}

interface Baseline {
  /** Each test file's unmutated time. */
  readonly fileMs: Record<string, number>;
  /** Test files that fail unmutated in a scratch checkout. */
  readonly leftOut: readonly string[];
  /** Per mutant (mutantKey), the unit test files that ran its code (coveringTests); absent in runs before it. */
  readonly covering?: Record<string, readonly string[]>;
}

const mutantKey = (m: SampledMutant): string => [m.file, m.location.start.line, m.location.start.column, m.location.end.line, m.location.end.column, m.mutatorName, m.replacement].join("\u0000");

const sources = new Map<string, string>();
/** A file as the sample's commit has it; read once, as the run file is written after every mutant. */
function sourceAt(commit: string, file: string): string {
  const key = `${commit}:${file}`;
  if (!sources.has(key)) sources.set(key, execFileSync("git", ["show", key], { cwd: REPO, encoding: "utf8" }));
  return sources.get(key)!;
}

/** Stryker's report shape (1-based lines and columns, one entry per file with its source), and the baseline. */
export function runReport(sample: SampleFile, mutants: readonly SampledMutant[], results: ReadonlyMap<SampledMutant, string>, baseline: Baseline): object {
  const files: Record<string, { source: string; mutants: object[] }> = {};
  mutants.forEach((m, id) => {
    const entry = (files[m.file] ??= { source: sourceAt(sample.commit, m.file), mutants: [] });
    entry.mutants.push({
      id: String(id),
      mutatorName: m.mutatorName,
      replacement: m.replacement,
      status: results.get(m) ?? "NotRun",
      location: { start: { line: m.location.start.line + 1, column: m.location.start.column + 1 }, end: { line: m.location.end.line + 1, column: m.location.end.column + 1 } },
    });
  });
  return { schemaVersion: "1", thresholds: {}, files, testFilesLeftOut: baseline.leftOut, engineTests: true, baseline };
}

/** What an earlier call wrote for this sample: each run mutant's status, and the baseline. */
export function readEarlierRun(runFile: string, sample: SampleFile): { statuses: Map<string, string>; baseline: Baseline } | null {
  if (!existsSync(runFile)) return null;
  const run = JSON.parse(readFileSync(runFile, "utf8")) as { baseline?: Baseline; testFilesLeftOut?: string[]; files: Record<string, { mutants: { mutatorName: string; replacement: string; status: string; location: SampledMutant["location"] }[] }> };
  // A run file of the first version holds the left-out files only: unknown times get generous timeouts.
  const baseline = run.baseline ?? (run.testFilesLeftOut ? { fileMs: {}, leftOut: run.testFilesLeftOut } : null);
  if (!baseline) return null;
  const statuses = new Map<string, string>();
  for (const [file, f] of Object.entries(run.files)) {
    for (const m of f.mutants) {
      if (m.status === "NotRun") continue;
      const location = { start: { line: m.location.start.line - 1, column: m.location.start.column - 1 }, end: { line: m.location.end.line - 1, column: m.location.end.column - 1 } };
      statuses.set(mutantKey({ file, mutatorName: m.mutatorName, replacement: m.replacement, location }), m.status);
    }
  }
  // Only a run of this very draw.
  return sample.mutants.some((m) => statuses.has(mutantKey(m))) || statuses.size === 0 ? { statuses, baseline } : null;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
