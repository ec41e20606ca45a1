/**
 * Turns Stryker's JSON reports (reports/mutation/mutation.json, from `npm run mutate`) into
 * bench/MUTATION.md: the score per folder against the goals, every surviving mutant with its place and
 * replacement, and which of them are equivalent (no test can tell them apart from the code), with why.
 *
 *   node --import tsx bench/mutation-report.ts [report.json ...]
 *
 * Several reports (scoped runs, e.g. one per folder) are merged file by file, a later report's file
 * replacing an earlier one's. Equivalent mutants are explained in bench/mutation-equivalents.json, each
 * matched by file, mutator, replacement and the code of its line (not the line number, which moves as
 * the file is edited). STRYKER_NOTE adds a sentence to the header (which commit each report is from).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { start: { line: number; column: number } };
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
  readonly reason: string;
}

const REPO = path.resolve(import.meta.dirname, "..");
const inputs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["reports/mutation/mutation.json"];
const files = new Map<string, Report["files"][string]>();
for (const input of inputs) {
  const report = JSON.parse(readFileSync(path.resolve(REPO, input), "utf8")) as Report;
  for (const [file, f] of Object.entries(report.files)) files.set(path.relative(REPO, path.resolve(REPO, file)).split(path.sep).join("/"), f);
}
const equivalents = JSON.parse(readFileSync(path.join(REPO, "bench/mutation-equivalents.json"), "utf8")) as Equivalent[];
const GOALS: Record<string, number> = { "emit-sql": 90, analysis: 90, overall: 80 };

/** Killed and timed-out mutants count as detected; those that do not compile or crash the run are not mutants at all. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();
const keyOf = (file: string, mutator: string, replacement: string, code: string): string => [file, mutator, oneLine(replacement), oneLine(code)].join("\u0000");
const explained = new Map(equivalents.map((e) => [keyOf(e.file, e.mutator, e.replacement, e.code), e]));
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
      const code = lines[m.location.start.line - 1] ?? "";
      const equivalent = explained.get(keyOf(file, m.mutatorName, m.replacement ?? "", code));
      if (equivalent) {
        tally.equivalent++;
        used.add(equivalent);
      }
      survivors.push({
        file,
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        replacement: oneLine(m.replacement ?? "").slice(0, 80),
        original: code.trim().slice(0, 100),
        status: m.status,
        equivalent,
      });
    }
  }
  byFolder.set(folder, tally);
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
const unexplained = survivors.filter((s) => !s.equivalent);
// Explanations for a file these reports cover that matched no survivor: the code changed, or a test kills it now.
const stale = equivalents.filter((e) => !used.has(e) && files.has(e.file));

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
  "Per file:",
  "",
  "| file | mutants | killed | score |",
  "|---|---:|---:|---:|",
  ...[...files].sort(([a], [b]) => a.localeCompare(b)).map(([file, f]) => {
    const detected = f.mutants.filter((m) => DETECTED.has(m.status)).length;
    const counted = detected + f.mutants.filter((m) => UNDETECTED.has(m.status)).length;
    return `| ${file.replace("packages/streamt-sdk/src/", "")} | ${counted} | ${detected} | ${score({ detected, undetected: counted - detected }).toFixed(1)}% |`;
  }),
  "",
  `## Surviving mutants (${survivors.length}: ${survivors.length - unexplained.length} equivalent, ${unexplained.length} unexplained)`,
  "",
  "Each is to be killed by a new test or explained as equivalent in bench/mutation-equivalents.json.",
  "",
  "| place | mutator | status | original line | replacement |",
  "|---|---|---|---|---|",
  ...survivors
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
    .map((s) => `| ${s.file}:${s.line}:${s.column} | ${s.mutator} | ${s.equivalent ? `equivalent: ${s.equivalent.reason.replace(/\|/g, "\\|")}` : s.status} | ${cell(s.original)} | ${cell(s.replacement)} |`),
  "",
  `## Equivalent mutants (${survivors.length - unexplained.length})`,
  "",
  "Mutants no test can kill: the replacement cannot change anything a user of the SDK observes. Kept in bench/mutation-equivalents.json and matched by file, mutator, replacement and the code of the line.",
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
