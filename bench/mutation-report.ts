/**
 * Turns Stryker's JSON reports into bench/MUTATION.md: the score per folder against the goals, every
 * surviving mutant with its place and replacement, and which of them are equivalent (no test can tell them
 * apart from the code), with why.
 *
 *   node --import tsx bench/mutation-report.ts [report.json ...] [--sample reports/mutation/sample-<seed>.json]
 *
 * What the runs measured is kept in bench/mutation-results.json (Stryker's reports hold every source and are
 * too large for the repository, and reports/ is not kept): each file's counts, its survivors and its mutants
 * in brief. A report given here replaces the stored results of the files it measured; with no report the
 * stored results are rendered again, so explaining or killing a survivor needs no new run to show. Several
 * reports (scoped runs, e.g. one per folder) are merged file by file, a later report's file replacing an
 * earlier one's; when both hold the same source (a re-run of some lines of an unchanged file, `--mutate
 * file.ts:10-20`), mutant by mutant, the later run's result winning. `--sample` stores a sampled run
 * (bench/mutation-sample.ts, run by Stryker or by bench/mutation-process.ts) in place of the stored sample
 * of the same folders.
 *
 * Equivalent mutants are explained in bench/mutation-equivalents*.json, each matched by file, mutator,
 * replacement and the code of its line (not the line number, which moves as the file is edited). A survivor
 * a new test kills after the run, checked by hand (mutation applied, test fails) but not yet measured by a
 * Stryker run, is listed in bench/mutation-killed*.json the same way, with the test: it is shown as such and
 * still counts as survived. STRYKER_NOTE sets the sentence of the header that says which commit each report
 * is from (kept with the results).
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }>;
}
/** One explained mutant of bench/mutation-equivalents*.json. */
interface Equivalent {
  readonly file: string;
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  /** Where two mutants of one line share mutator and replacement: the column of the one meant. */
  readonly column?: number;
  readonly reason: string;
}
/** One survivor of bench/mutation-killed*.json: killed by `test` since the run, checked by hand. */
interface HandKilled {
  readonly file: string;
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  readonly test: string;
}

/** A surviving mutant as stored: its line's code whole (explanations are matched by it). */
interface StoredSurvivor {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly mutator: string;
  readonly replacement: string;
  readonly code: string;
  /** Survived or NoCoverage; null where the run's status was not kept (explained when the results were first stored). */
  readonly status: string | null;
}
/** A mutant in brief, for merging a re-run of some lines: start line, start column, end line, end column, mutator, replacement, status. */
type BriefMutant = [number, number, number, number, string, string, string];
interface StoredFile {
  readonly reports: readonly string[];
  /** Killed or timed out. */
  readonly detected: number;
  /** Survived or not covered. */
  readonly undetected: number;
  readonly survivors: readonly Omit<StoredSurvivor, "file">[];
  /** The measured source's hash and every mutant, or null where only the counts were kept. */
  readonly sourceHash: string | null;
  readonly mutants: readonly BriefMutant[] | null;
}
/** A sampled folder's drawn mutants: killed, survived, and drawn but without a test result. */
interface Stratum {
  population: number;
  drawn: number;
  detected: number;
  undetected: number;
  notRun: number;
}
interface StoredSample {
  /** How its mutants ran: Stryker in its test process, or bench/mutation-process.ts in a scratch checkout. */
  readonly method: "in-process" | "process";
  /** bench/mutation-process.ts: test files left out because they fail unmutated in a scratch checkout. */
  readonly testFilesLeftOut: readonly string[];
  /** bench/mutation-process.ts: the test/flink/ tests importing a module ran against its mutants too (since 12-01). */
  readonly engineTests?: boolean;
  /** bench/mutation-process.ts: unit tests that ran a mutant's code unmutated (coverage) ran against it too (since 12-02). */
  readonly coverageTests?: boolean;
  readonly seed: number;
  readonly commit: string;
  readonly strata: Record<string, Stratum>;
  readonly notMeasured: Record<string, number>;
  readonly survivors: readonly StoredSurvivor[];
}
interface StoredResults {
  readonly note: string;
  readonly files: Record<string, StoredFile>;
  /** Files a run measured that are no longer in the repository: left out. */
  readonly gone: readonly string[];
  /** Sampled runs, of folders no two share. */
  readonly samples: readonly StoredSample[];
}

// MUTATION_REPO: another checkout to report on (the tests use a small one of their own).
const REPO = path.resolve(process.env.MUTATION_REPO ?? path.join(import.meta.dirname, ".."));
const RESULTS_FILE = path.join(REPO, "bench/mutation-results.json");
const args = process.argv.slice(2);
const sampleAt = args.indexOf("--sample");
/** A drawn sample (bench/mutation-sample.ts); its run's report is the `-run.json` beside it. */
const sampleFile = sampleAt >= 0 ? args.splice(sampleAt, 2)[1] : undefined;
const stored: StoredResults = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as StoredResults) : { note: "", files: {}, gone: [], samples: [] };

/** Killed and timed-out mutants count as detected; those that do not compile or crash the run are not mutants at all. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();
const repoPath = (file: string): string => path.relative(REPO, path.resolve(REPO, file)).split(path.sep).join("/");
const hashOf = (source: string): string => createHash("sha256").update(source).digest("hex").slice(0, 16);

/** The reports' files, merged as the header says; a file no longer in the repository is set aside. */
function readReports(inputs: readonly string[]): { files: Map<string, StoredFile>; gone: Set<string> } {
  const files = new Map<string, StoredFile>();
  const gone = new Set<string>();
  for (const input of inputs) {
    const report = JSON.parse(readFileSync(path.resolve(REPO, input), "utf8")) as Report;
    for (const [file, f] of Object.entries(report.files)) {
      const name = repoPath(file);
      if (!existsSync(path.join(REPO, name))) {
        gone.add(name);
        continue;
      }
      files.set(name, measured(f, path.basename(input), files.get(name) ?? stored.files[name]));
    }
  }
  return { files, gone };
}

/** A report's file as stored; merged mutant by mutant into `earlier` when both measured the same source. */
function measured(f: Report["files"][string], report: string, earlier: StoredFile | undefined): StoredFile {
  const sourceHash = hashOf(f.source);
  const brief = f.mutants.map((m): BriefMutant => [m.location.start.line, m.location.start.column, m.location.end.line, m.location.end.column, m.mutatorName, m.replacement ?? "", m.status]);
  const sameSource = earlier !== undefined && earlier.sourceHash === sourceHash && earlier.mutants !== null;
  const mutants = sameSource ? [...new Map([...earlier.mutants!, ...brief].map((m) => [m.slice(0, 6).join("\u0000"), m])).values()] : brief;
  const lines = f.source.split("\n");
  return {
    reports: [...(sameSource ? earlier.reports : []), report],
    detected: mutants.filter((m) => DETECTED.has(m[6])).length,
    undetected: mutants.filter((m) => UNDETECTED.has(m[6])).length,
    survivors: mutants
      .filter((m) => UNDETECTED.has(m[6]))
      .map((m) => ({ line: m[0], column: m[1], mutator: m[4], replacement: m[5], code: (lines[m[0] - 1] ?? "").trim(), status: m[6] })),
    sourceHash,
    mutants,
  };
}

/**
 * A sampled run: only the drawn mutants count (a drawn mutant's range can hold nested mutants too; those
 * ran but are not part of the uniform draw). Stryker's report is 1-based in line and column, the
 * instrumenter's draw 0-based.
 */
function readSample(file: string): StoredSample {
  const sample = JSON.parse(readFileSync(path.resolve(REPO, file), "utf8")) as {
    seed: number;
    commit: string;
    population: Record<string, number>;
    notMeasured: Record<string, number>;
    mutants: { file: string; mutatorName: string; replacement: string; location: Mutant["location"] }[];
  };
  const runFile = path.resolve(REPO, file.replace(/\.json$/, "-run.json"));
  const run = JSON.parse(readFileSync(runFile, "utf8")) as Report & { testFilesLeftOut?: string[]; engineTests?: boolean; baseline?: { covering?: object } };
  const runFiles = new Map(Object.entries(run.files).map(([name, f]) => [repoPath(name), f]));
  const strata: Record<string, Stratum> = {};
  for (const [folder, population] of Object.entries(sample.population)) strata[folder] = { population, drawn: 0, detected: 0, undetected: 0, notRun: 0 };
  const survivors: StoredSurvivor[] = [];
  for (const d of sample.mutants) {
    const f = runFiles.get(d.file);
    const m = f?.mutants.find(
      (x) =>
        x.location.start.line === d.location.start.line + 1 &&
        x.location.start.column === d.location.start.column + 1 &&
        x.location.end.line === d.location.end.line + 1 &&
        x.location.end.column === d.location.end.column + 1 &&
        x.mutatorName === d.mutatorName &&
        (x.replacement ?? "") === d.replacement,
    );
    if (!f || !m) throw new Error(`${d.file}:${d.location.start.line + 1}:${d.location.start.column + 1} (${d.mutatorName}) was drawn but is not in ${path.relative(REPO, runFile)}: was the sample drawn from other sources than the run?`);
    const stratum = strata[folderOf(d.file)]!;
    stratum.drawn++;
    if (DETECTED.has(m.status)) stratum.detected++;
    else if (UNDETECTED.has(m.status)) {
      stratum.undetected++;
      const code = (f.source.split("\n")[m.location.start.line - 1] ?? "").trim();
      survivors.push({ file: d.file, line: m.location.start.line, column: m.location.start.column, mutator: m.mutatorName, replacement: m.replacement ?? "", code, status: m.status });
    } else stratum.notRun++;
  }
  const method = run.testFilesLeftOut ? "process" : "in-process";
  return { method, testFilesLeftOut: run.testFilesLeftOut ?? [], ...(run.engineTests ? { engineTests: true } : {}), ...(run.baseline?.covering ? { coverageTests: true } : {}), seed: sample.seed, commit: sample.commit, strata, notMeasured: sample.notMeasured, survivors };
}

/** The stored samples with `sample` in place of those that measured any of its folders. */
function withSample(samples: readonly StoredSample[], sample: StoredSample): StoredSample[] {
  const folders = new Set(Object.keys(sample.strata));
  return [...samples.filter((s) => !Object.keys(s.strata).some((f) => folders.has(f))), sample].sort((a, b) => a.method.localeCompare(b.method) || a.seed - b.seed);
}

function folderOf(file: string): string {
  const m = /packages\/streamt-sdk\/src\/([^/]+)\//.exec(file);
  if (m) return m[1]!;
  // The files directly in src/ (errors.ts, index.ts, ...): the sample's "(top level)".
  return /packages\/streamt-sdk\/src\/[^/]+$/.test(file) ? "(top level)" : "(other)";
}

// The stored results, updated by what this call was given, and written back.
const fromReports = readReports(args);
const results: StoredResults = {
  note: process.env.STRYKER_NOTE ?? stored.note,
  files: Object.fromEntries(
    Object.entries({ ...stored.files, ...Object.fromEntries(fromReports.files) })
      .filter(([file]) => existsSync(path.join(REPO, file)))
      .sort(([a], [b]) => a.localeCompare(b)),
  ),
  gone: [...new Set([...stored.gone, ...fromReports.gone, ...Object.keys(stored.files).filter((f) => !existsSync(path.join(REPO, f)))])].sort(),
  samples: sampleFile ? withSample(stored.samples, readSample(sampleFile)) : stored.samples,
};
writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 1)}\n`);

/**
 * Every list of one kind in bench/: mutation-equivalents.json and mutation-equivalents-<part>.json (so people
 * working on different folders at once each keep their own file), in name order.
 */
function listsOf<T>(kind: "equivalents" | "killed"): T[] {
  const bench = path.join(REPO, "bench");
  const names = readdirSync(bench).filter((n) => new RegExp(`^mutation-${kind}(-[a-z0-9]+)?\\.json$`).test(n)).sort();
  return names.flatMap((n) => JSON.parse(readFileSync(path.join(bench, n), "utf8")) as T[]);
}
const equivalents = listsOf<Equivalent>("equivalents");
const GOALS: Record<string, number> = { "emit-sql": 90, analysis: 90, overall: 80 };

const keyOf = (file: string, mutator: string, replacement: string, code: string): string => [file, mutator, oneLine(replacement), oneLine(code)].join("\u0000");
const explained = new Map<string, Equivalent[]>();
for (const e of equivalents) {
  const key = keyOf(e.file, e.mutator, e.replacement, e.code);
  explained.set(key, [...(explained.get(key) ?? []), e]);
}
/** The explanation of a mutant: one for its column if given, else one for any column of its line. */
const explanationOf = (key: string, column: number): Equivalent | undefined => explained.get(key)?.find((e) => e.column === undefined || e.column === column);
const handKilled = new Map(listsOf<HandKilled>("killed").map((k) => [keyOf(k.file, k.mutator, k.replacement, k.code), k]));
const used = new Set<Equivalent>();

interface Survivor {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly mutator: string;
  readonly replacement: string;
  readonly original: string;
  readonly status: string;
  readonly equivalent: Equivalent | undefined;
  readonly killedBy: HandKilled | undefined;
}

/** A surviving mutant as the tables list it, with its explanation or hand kill if it has one. */
function survivorOf(s: StoredSurvivor, sampled: boolean): Survivor {
  const key = keyOf(s.file, s.mutator, s.replacement, s.code);
  const equivalent = explanationOf(key, s.column);
  if (equivalent) used.add(equivalent);
  const status = s.status ?? "Survived or NoCoverage";
  return {
    file: s.file,
    line: s.line,
    column: s.column,
    mutator: s.mutator,
    replacement: oneLine(s.replacement).slice(0, 80),
    original: s.code.slice(0, 100),
    status: sampled ? `${status} (sampled)` : status,
    equivalent,
    killedBy: equivalent ? undefined : handKilled.get(key),
  };
}

const byFolder = new Map<string, { detected: number; undetected: number; equivalent: number }>();
const survivors: Survivor[] = [];
for (const [file, f] of Object.entries(results.files)) {
  const folder = folderOf(file);
  const tally = byFolder.get(folder) ?? { detected: 0, undetected: 0, equivalent: 0 };
  tally.detected += f.detected;
  tally.undetected += f.undetected;
  for (const s of f.survivors) {
    const survivor = survivorOf({ file, ...s }, false);
    if (survivor.equivalent) tally.equivalent++;
    survivors.push(survivor);
  }
  byFolder.set(folder, tally);
}
const strata = new Map(results.samples.flatMap((s) => Object.entries(s.strata)));
// What no whole run and no sample measured.
const notMeasured = Object.fromEntries(results.samples.flatMap((s) => Object.entries(s.notMeasured)).filter(([folder]) => !strata.has(folder) && !byFolder.has(folder)));
for (const s of results.samples.flatMap((x) => x.survivors)) survivors.push(survivorOf(s, true));
/** Wilson's 95% interval of a proportion, in percent. */
function wilson(hits: number, n: number): [number, number] {
  if (n === 0) return [0, 100];
  const z = 1.96;
  const p = hits / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // Clamped: rounding can put a bound of 0 or 100 a hair outside (shown as -0.0%).
  return [Math.max(0, 100 * (centre - half)), Math.min(100, 100 * (centre + half))];
}

const score = (t: { detected: number; undetected: number }) => (t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected));
const total = [...byFolder.values()].reduce((a, t) => ({ detected: a.detected + t.detected, undetected: a.undetected + t.undetected, equivalent: a.equivalent + t.equivalent }), { detected: 0, undetected: 0, equivalent: 0 });
const commit = process.env.STRYKER_COMMIT ?? (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const cell = (text: string): string => `\`${text.replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
const unexplained = survivors.filter((s) => !s.equivalent && !s.killedBy);
const killedByHand = survivors.filter((s) => s.killedBy);
// Explanations for a file these reports cover that matched no survivor: the code changed, or a test kills it now.
const stale = equivalents.filter((e) => !used.has(e) && e.file in results.files);

/**
 * The sampled folders' table and the estimate over everything measured (whole runs plus the sampled
 * folders, each stratum weighted by its population of compiling mutants), with a 95% interval.
 */
function sampledSection(): string[] {
  if (strata.size === 0) return [];
  const rows = [...strata].sort(([a], [b]) => a.localeCompare(b)).map(([folder, t]) => {
    const n = t.detected + t.undetected;
    const [lo, hi] = wilson(t.detected, n);
    return `| ${folder} | ${t.population} | ${t.drawn} | ${t.notRun} | ${t.detected} | ${t.undetected} | ${(100 * (n === 0 ? 1 : t.detected / n)).toFixed(1)}% | ${lo.toFixed(1)}-${hi.toFixed(1)}% |`;
  });
  const all = estimateOver(results.samples);
  const inProcess = results.samples.filter((x) => x.method === "in-process");
  // With a process sample, also the figure without it: its lower bound counts every mutant no unit test reaches.
  const withoutProcess = inProcess.length < results.samples.length ? estimateOver(inProcess) : null;
  const rest = Object.entries(notMeasured).sort(([a], [b]) => a.localeCompare(b));
  const restTotal = rest.reduce((a, [, n]) => a + n, 0);
  return [
    ...results.samples.flatMap((s) => [describeSample(s), ""]),
    "Score and Wilson 95% interval of the drawn mutants:",
    "",
    "| folder | mutants | drawn | drawn, not run (no test result) | killed | survived or not covered | score | 95% interval |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `**Everything measured** (${[...byFolder.keys()].sort().join(", ")} whole; ${[...strata.keys()].sort().join(", ")} by the samples, weighted by their populations; a process sample's mutants not yet run are left out of its score, not of its population): ${estimateText(all)}.`,
    ...(withoutProcess ? ["", `Without the process sample (${[...byFolder.keys()].sort().join(", ")} whole; ${inProcess.flatMap((x) => Object.keys(x.strata)).sort().join(", ")} by Stryker's sample): ${estimateText(withoutProcess)}.`] : []),
    "",
    ...(rest.length > 0
      ? [`Not measured: ${rest.map(([f, n]) => `${f} (${n})`).join(", ")}: ${restTotal} mutants in no whole run and no sample${rest.some(([f]) => PROCESS_FOLDERS.has(f)) ? ": code whose tests start processes (the CLI, Maven, the Flink runner, a Kafka broker), which a Stryker run cannot switch mutants in; bench/mutation-process.ts samples them" : ""}.`, ""]
      : []),
  ];
}

interface Estimate {
  readonly percent: number;
  readonly half: number;
  readonly mutants: number;
}

/**
 * The whole runs plus the given samples' folders, each weighted by its population of compiling mutants, with a
 * 95% interval. A drawn mutant Stryker ran without a test result did not compile or crashed the run: not a
 * mutant, so the population is scaled by the share that ran; one bench/mutation-process.ts did not reach before
 * its deadline is a mutant all the same.
 */
function estimateOver(samples: readonly StoredSample[]): Estimate {
  let detected = total.detected;
  let mutants = total.detected + total.undetected;
  let variance = 0;
  for (const [method, t] of samples.flatMap((x) => Object.values(x.strata).map((t) => [x.method, t] as const))) {
    const n = t.detected + t.undetected;
    const p = n === 0 ? 1 : t.detected / n;
    const compiling = t.drawn === 0 || n === 0 ? 0 : method === "process" ? t.population : (t.population * n) / t.drawn;
    detected += compiling * p;
    mutants += compiling;
    if (n > 0) variance += ((compiling * compiling * p * (1 - p)) / n) * Math.max(0, 1 - n / compiling);
  }
  return { percent: (100 * detected) / mutants, half: (196 * Math.sqrt(variance)) / mutants, mutants };
}

function estimateText(e: Estimate): string {
  const verdict = e.percent - e.half >= GOALS.overall! ? "PASS (the whole interval is above it)" : e.percent >= GOALS.overall! ? "PASS on the estimate, the interval reaches below" : "FAIL";
  return `**${e.percent.toFixed(1)}%** (95% interval ${(e.percent - e.half).toFixed(1)}-${(e.percent + e.half).toFixed(1)}%) of ~${Math.round(e.mutants)} compiling mutants; goal ${GOALS.overall}%: ${verdict}`;
}

/** Folders whose tests start processes: sampled by bench/mutation-process.ts, not by a Stryker run. */
const PROCESS_FOLDERS = new Set(["cli", "deploy", "docs-site", "runtime", "synth", "testing"]);

/** How a sample was drawn and run, and why its scores are lower bounds. */
function describeSample(s: StoredSample): string {
  const folders = Object.keys(s.strata).sort();
  const drawn = Object.values(s.strata).reduce((a, t) => a + t.drawn, 0);
  const population = Object.values(s.strata).reduce((a, t) => a + t.population, 0);
  const head = `Sampled: ${folders.join(", ")} (seed ${s.seed}, drawn at ${s.commit}, ${drawn} of ${population} mutants; \`node --import tsx bench/mutation-sample.ts\`), a uniform random draw of their mutants`;
  if (s.method === "in-process") {
    return `${head}, each run by Stryker against the in-process tests of vitest.mutate-sample.config.ts, without the TypeScript checker (it crashed on a DSL mutant and ended a run): a drawn mutant that would not compile counts as survived when its tests pass, so these scores are lower bounds.`;
  }
  const leftOut = s.testFilesLeftOut.length > 0 ? ` Test files left out, as they fail unmutated in a scratch checkout: ${s.testFilesLeftOut.join(", ")}.` : "";
  const tests = s.engineTests ? "the unit tests and the test/flink/ tests (one shared broker and job JVM) that import its module (or the module that starts it as a thread) or are named after it" : "the unit tests that import its module or are named after it";
  const missing = s.engineTests ? "in the e2e tests (a cluster, a Maven build)" : "on the engine (the e2e tests)";
  if (s.coverageTests) {
    return `${head}, each written into the source of a scratch checkout and run against ${tests} (for cli/ and synth/, the CLI's end-to-end tests too), and the unit tests that ran its code unmutated (V8 coverage of each unit test file alone; of those, the fastest first, up to 90 s of their time), with every process they start (bench/mutation-process.ts). No type-check; not run: a unit test that reaches the mutant only in a process or thread it starts (unless it imports the module), a covering test past the 90 s, and the tests only ${missing}: these scores are lower bounds.${leftOut}`;
  }
  return `${head}, each written into the source of a scratch checkout and run against ${tests} (for cli/ and synth/, the CLI's end-to-end tests too), with every process they start (bench/mutation-process.ts). No type-check, and no test that reaches the module only through others or only ${missing}: these scores are lower bounds.${leftOut}`;
}

const md = [
  "# Mutation testing results",
  "",
  `StrykerJS (vitest runner, TypeScript checker) over the folders in stryker.config.json; run by \`npm run mutate\` (or scoped: \`npx stryker run --mutate <files>\`), then \`npm run mutate:report [report.json ...]\`; \`npm run mutate:ci\` runs the small scoped set of stryker.ci.config.mjs and fails below its break threshold. Commit ${commit}, ${new Date().toISOString().slice(0, 10)}.${results.note ? ` ${results.note}` : ""} Score = killed (or timed out) / (killed + survived + not covered); mutants that do not compile are not counted. Equivalent survivors (explained below) still count as survived in the score.`,
  "",
  "| folder | mutants | killed | survived or not covered | of them equivalent | score | goal | |",
  "|---|---:|---:|---:|---:|---:|---:|---|",
  ...[...byFolder].sort(([a], [b]) => a.localeCompare(b)).map(([folder, t]) => {
    const goal = GOALS[folder];
    return `| ${folder} | ${t.detected + t.undetected} | ${t.detected} | ${t.undetected} | ${t.equivalent} | ${score(t).toFixed(1)}% | ${goal === undefined ? "-" : `${goal}%`} | ${goal === undefined ? "" : score(t) >= goal ? "PASS" : "FAIL"} |`;
  }),
  `| **overall** | ${total.detected + total.undetected} | ${total.detected} | ${total.undetected} | ${total.equivalent} | ${score(total).toFixed(1)}% | ${GOALS.overall}% | ${score(total) >= GOALS.overall! ? "PASS" : "FAIL"} |`,
  "",
  ...sampledSection(),
  ...(results.gone.length > 0 ? [`Left out: ${results.gone.join(", ")} (measured, but no longer in the repository).`, ""] : []),
  "Per file:",
  "",
  "| file | mutants | killed | score | report(s) |",
  "|---|---:|---:|---:|---|",
  ...Object.entries(results.files).map(([file, f]) => `| ${file.replace("packages/streamt-sdk/src/", "")} | ${f.detected + f.undetected} | ${f.detected} | ${score(f).toFixed(1)}% | ${f.reports.join(" + ")} |`),
  "",
  `## Surviving mutants (${survivors.length}: ${survivors.length - unexplained.length - killedByHand.length} equivalent, ${killedByHand.length} killed since the run by a test checked by hand, ${unexplained.length} unexplained)`,
  "",
  "Each is to be killed by a new test or explained as equivalent in bench/mutation-equivalents*.json. \"Killed by ... (checked by hand)\": a test added after the run fails with the mutation applied by hand (bench/mutation-killed*.json); no Stryker run has measured it yet, so it counts as survived above.",
  "",
  "| place | mutator | status | original line | replacement |",
  "|---|---|---|---|---|",
  ...survivors
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
    .map((s) => `| ${s.file}:${s.line}:${s.column} | ${s.mutator} | ${s.equivalent ? `equivalent: ${s.equivalent.reason.replace(/\|/g, "\\|")}` : s.killedBy ? `${s.status}; killed by ${s.killedBy.test} (checked by hand)` : s.status} | ${cell(s.original)} | ${cell(s.replacement)} |`),
  "",
  `## Equivalent mutants (${survivors.length - unexplained.length - killedByHand.length})`,
  "",
  "Mutants no test can kill: the replacement cannot change anything a user of the SDK observes. Kept in bench/mutation-equivalents*.json and matched by file, mutator, replacement and the code of the line.",
  "",
  "| place | replacement | why equivalent |",
  "|---|---|---|",
  ...survivors.filter((s) => s.equivalent).map((s) => `| ${s.file}:${s.line}:${s.column} | ${cell(s.replacement)} | ${s.equivalent!.reason.replace(/\|/g, "\\|")} |`),
  "",
  ...(stale.length > 0
    ? [`Explanations that matched no survivor in these reports (the code changed, or the mutant is now killed): ${stale.length}.`, ""]
    : []),
];
writeFileSync(path.join(REPO, "bench/MUTATION.md"), md.join("\n"));
console.log(`score ${score(total).toFixed(1)}% (${total.detected} of ${total.detected + total.undetected}); ${survivors.length} survivors, ${unexplained.length} unexplained; wrote bench/MUTATION.md`);
