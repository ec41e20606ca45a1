/**
 * Turns Stryker's JSON reports (reports/mutation/mutation.json, from `npm run mutate`) into
 * bench/MUTATION.md: the score per folder against the goals, every surviving mutant with its place and
 * replacement, and which of them are equivalent (no test can tell them apart from the code), with why.
 *
 *   node --import tsx bench/mutation-report.ts [report.json ...]
 *
 * Several reports (scoped runs, e.g. one per folder) are merged file by file, a later report's file
 * replacing an earlier one's; when both hold the same source (a re-run of some lines of an unchanged
 * file, `--mutate file.ts:10-20`), mutant by mutant, the later run's result winning. Equivalent mutants
 * are explained in bench/mutation-equivalents.json, each matched by file, mutator, replacement and the
 * code of its line (not the line number, which moves as the file is edited). A survivor a new test kills
 * after the run, checked by hand (mutation applied, test fails) but not yet measured by a Stryker run, is
 * listed in bench/mutation-killed.json the same way, with the test: it is shown as such and still counts
 * as survived. STRYKER_NOTE adds a sentence to the header (which commit each report is from).
 */
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
/** One explained mutant of bench/mutation-equivalents.json. */
interface Equivalent {
  readonly file: string;
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  /** Where two mutants of one line share mutator and replacement: the column of the one meant. */
  readonly column?: number;
  readonly reason: string;
}
/** One survivor of bench/mutation-killed.json: killed by `test` since the run, checked by hand. */
interface HandKilled {
  readonly file: string;
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  readonly test: string;
}

const REPO = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const sampleAt = args.indexOf("--sample");
/** A drawn sample (bench/mutation-sample.ts); its run's report is the `-run.json` beside it. */
const sampleFile = sampleAt >= 0 ? args.splice(sampleAt, 2)[1] : undefined;
const inputs = args.length > 0 ? args : ["reports/mutation/mutation.json"];
const files = new Map<string, Report["files"][string]>();
/** The reports each file's figures come from, for the per-file table. */
const origins = new Map<string, string[]>();
/** Files a report measured that are no longer in the repository (moved or deleted since): left out. */
const gone = new Set<string>();
const mutantKey = (m: Mutant): string => [m.location.start.line, m.location.start.column, m.location.end.line, m.location.end.column, m.mutatorName, m.replacement ?? ""].join("\u0000");
for (const input of inputs) {
  const report = JSON.parse(readFileSync(path.resolve(REPO, input), "utf8")) as Report;
  for (const [file, f] of Object.entries(report.files)) {
    const name = path.relative(REPO, path.resolve(REPO, file)).split(path.sep).join("/");
    if (!existsSync(path.join(REPO, name))) {
      gone.add(name);
      continue;
    }
    const earlier = files.get(name);
    const sameSource = earlier !== undefined && earlier.source === f.source;
    const mutants = sameSource ? [...new Map([...earlier.mutants, ...f.mutants].map((m) => [mutantKey(m), m])).values()] : f.mutants;
    files.set(name, { source: f.source, mutants });
    origins.set(name, [...(sameSource ? origins.get(name)! : []), path.basename(input)]);
  }
}
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

/** Killed and timed-out mutants count as detected; those that do not compile or crash the run are not mutants at all. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();
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

function folderOf(file: string): string {
  const m = /packages\/streamt-sdk\/src\/([^/]+)\//.exec(file);
  return m ? m[1]! : "(other)";
}

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
function survivorOf(file: string, m: Mutant, code: string, status: string): Survivor {
  const key = keyOf(file, m.mutatorName, m.replacement ?? "", code);
  const equivalent = explanationOf(key, m.location.start.column);
  if (equivalent) used.add(equivalent);
  return {
    file,
    line: m.location.start.line,
    column: m.location.start.column,
    mutator: m.mutatorName,
    replacement: oneLine(m.replacement ?? "").slice(0, 80),
    original: code.trim().slice(0, 100),
    status,
    equivalent,
    killedBy: equivalent ? undefined : handKilled.get(key),
  };
}

const byFolder = new Map<string, { detected: number; undetected: number; equivalent: number }>();
const survivors: Survivor[] = [];
for (const [file, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const folder = folderOf(file);
  const tally = byFolder.get(folder) ?? { detected: 0, undetected: 0, equivalent: 0 };
  const lines = f.source.split("\n");
  for (const m of f.mutants) {
    if (DETECTED.has(m.status)) tally.detected++;
    else if (UNDETECTED.has(m.status)) {
      tally.undetected++;
      const survivor = survivorOf(file, m, lines[m.location.start.line - 1] ?? "", m.status);
      if (survivor.equivalent) tally.equivalent++;
      survivors.push(survivor);
    }
  }
  byFolder.set(folder, tally);
}

/**
 * The sampled folders: only the drawn mutants count (a drawn mutant's range can hold nested mutants
 * too; those ran but are not part of the uniform draw). Stryker's report is 1-based in line and column,
 * the instrumenter's draw 0-based.
 */
interface Stratum {
  population: number;
  drawn: number;
  detected: number;
  undetected: number;
  notRun: number;
}
const strata = new Map<string, Stratum>();
let sampleNote = "";
let notMeasured: Record<string, number> = {};
if (sampleFile) {
  const sample = JSON.parse(readFileSync(path.resolve(REPO, sampleFile), "utf8")) as {
    seed: number;
    commit: string;
    population: Record<string, number>;
    notMeasured: Record<string, number>;
    mutants: { file: string; mutatorName: string; replacement: string; location: Mutant["location"] }[];
  };
  const runFile = path.resolve(REPO, sampleFile.replace(/\.json$/, "-run.json"));
  const run = JSON.parse(readFileSync(runFile, "utf8")) as Report;
  const runFiles = new Map(Object.entries(run.files).map(([file, f]) => [path.relative(REPO, path.resolve(REPO, file)).split(path.sep).join("/"), f]));
  for (const [folder, population] of Object.entries(sample.population)) strata.set(folder, { population, drawn: 0, detected: 0, undetected: 0, notRun: 0 });
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
    const stratum = strata.get(folderOf(d.file))!;
    stratum.drawn++;
    if (DETECTED.has(m.status)) stratum.detected++;
    else if (UNDETECTED.has(m.status)) {
      stratum.undetected++;
      survivors.push(survivorOf(d.file, m, f.source.split("\n")[m.location.start.line - 1] ?? "", `${m.status} (sampled)`));
    } else stratum.notRun++;
  }
  notMeasured = sample.notMeasured;
  sampleNote = `seed ${sample.seed}, drawn at ${sample.commit}, ${sample.mutants.length} of ${Object.values(sample.population).reduce((a, b) => a + b, 0)} mutants`;
}
/** Wilson's 95% interval of a proportion, in percent. */
function wilson(hits: number, n: number): [number, number] {
  if (n === 0) return [0, 100];
  const z = 1.96;
  const p = hits / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [100 * (centre - half), 100 * (centre + half)];
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
const stale = equivalents.filter((e) => !used.has(e) && files.has(e.file));

/**
 * The sampled folders' table and the estimate over everything measured (whole runs plus the sampled
 * folders, each stratum weighted by its population of compiling mutants), with a 95% interval.
 */
function sampledSection(): string[] {
  if (strata.size === 0) return [];
  let estDetected = total.detected;
  let estTotal = total.detected + total.undetected;
  let variance = 0;
  const rows = [...strata].sort(([a], [b]) => a.localeCompare(b)).map(([folder, t]) => {
    const n = t.detected + t.undetected;
    const p = n === 0 ? 1 : t.detected / n;
    const compiling = t.drawn === 0 ? 0 : (t.population * n) / t.drawn;
    estDetected += compiling * p;
    estTotal += compiling;
    if (n > 0) variance += ((compiling * compiling * p * (1 - p)) / n) * Math.max(0, 1 - n / compiling);
    const [lo, hi] = wilson(t.detected, n);
    return `| ${folder} | ${t.population} | ${t.drawn} | ${t.notRun} | ${t.detected} | ${t.undetected} | ${(100 * p).toFixed(1)}% | ${lo.toFixed(1)}-${hi.toFixed(1)}% |`;
  });
  const estimate = (100 * estDetected) / estTotal;
  const half = (196 * Math.sqrt(variance)) / estTotal;
  const rest = Object.entries(notMeasured).sort(([a], [b]) => a.localeCompare(b));
  const restTotal = rest.reduce((a, [, n]) => a + n, 0);
  return [
    `Sampled folders (${sampleNote}; \`node --import tsx bench/mutation-sample.ts\`, run with the Stryker config it writes): a uniform random draw of their mutants, each run against the in-process tests of vitest.mutate-sample.config.ts, without the TypeScript checker (it crashed on a DSL mutant and ended a run): a drawn mutant that would not compile counts as survived when its tests pass, so these scores are lower bounds. Score and Wilson 95% interval of the drawn mutants:`,
    "",
    "| folder | mutants | drawn | drawn, not run (no test result) | killed | survived or not covered | score | 95% interval |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `**Everything measured** (${[...byFolder.keys()].sort().join(", ")} whole; ${[...strata.keys()].sort().join(", ")} by the sample, weighted by their populations): **${estimate.toFixed(1)}%** (95% interval ${(estimate - half).toFixed(1)}-${(estimate + half).toFixed(1)}%) of ~${Math.round(estTotal)} compiling mutants; goal ${GOALS.overall}%: ${estimate - half >= GOALS.overall! ? "PASS (the whole interval is above it)" : estimate >= GOALS.overall! ? "PASS on the estimate, the interval reaches below" : "FAIL"}.`,
    "",
    `Not measured: ${rest.map(([f, n]) => `${f} (${n})`).join(", ")}: ${restTotal} mutants of the CLI, deploy, runtime, synth and testing code, whose tests start processes (the CLI, Maven, the Flink runner, a Kafka broker) that Stryker's in-process runner cannot switch mutants in; at the seconds to minutes each such test takes, a run over them is not feasible here. They are covered by the e2e tests in CI instead.`,
    "",
  ];
}

const md = [
  "# Mutation testing results",
  "",
  `StrykerJS (vitest runner, TypeScript checker) over the folders in stryker.config.json; run by \`npm run mutate\` (or scoped: \`npx stryker run --mutate <files>\`), then \`npm run mutate:report [report.json ...]\`; \`npm run mutate:ci\` runs the small scoped set of stryker.ci.config.mjs and fails below its break threshold. Commit ${commit}, ${new Date().toISOString().slice(0, 10)}.${process.env.STRYKER_NOTE ? ` ${process.env.STRYKER_NOTE}` : ""} Score = killed (or timed out) / (killed + survived + not covered); mutants that do not compile are not counted. Equivalent survivors (explained below) still count as survived in the score.`,
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
  ...(gone.size > 0 ? [`Left out: ${[...gone].sort().join(", ")} (measured, but no longer in the repository).`, ""] : []),
  "Per file:",
  "",
  "| file | mutants | killed | score | report(s) |",
  "|---|---:|---:|---:|---|",
  ...[...files].sort(([a], [b]) => a.localeCompare(b)).map(([file, f]) => {
    const detected = f.mutants.filter((m) => DETECTED.has(m.status)).length;
    const counted = detected + f.mutants.filter((m) => UNDETECTED.has(m.status)).length;
    return `| ${file.replace("packages/streamt-sdk/src/", "")} | ${counted} | ${detected} | ${score({ detected, undetected: counted - detected }).toFixed(1)}% | ${origins.get(file)!.join(" + ")} |`;
  }),
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
