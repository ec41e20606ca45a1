/**
 * Turns Stryker's JSON report (reports/mutation/mutation.json, from `npm run mutate`) into
 * bench/MUTATION.md: the score per folder against the goals, and every surviving mutant with its place
 * and replacement, so each can be killed by a test or explained as equivalent.
 *
 *   node --import tsx bench/mutation-report.ts [reports/mutation/mutation.json]
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

const REPO = path.resolve(import.meta.dirname, "..");
const input = path.resolve(REPO, process.argv[2] ?? "reports/mutation/mutation.json");
const report = JSON.parse(readFileSync(input, "utf8")) as Report;
const GOALS: Record<string, number> = { "emit-sql": 90, analysis: 90, overall: 80 };

/** Killed and timed-out mutants count as detected; those that do not compile or crash the run are not mutants at all. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

function folderOf(file: string): string {
  const m = /packages\/streamt-sdk\/src\/([^/]+)\//.exec(file.split(path.sep).join("/"));
  return m ? m[1]! : "(other)";
}

const byFolder = new Map<string, { detected: number; undetected: number }>();
const survivors: { file: string; line: number; column: number; mutator: string; replacement: string; original: string; status: string }[] = [];
for (const [file, f] of Object.entries(report.files)) {
  const folder = folderOf(file);
  const tally = byFolder.get(folder) ?? { detected: 0, undetected: 0 };
  const lines = f.source.split("\n");
  for (const m of f.mutants) {
    if (DETECTED.has(m.status)) tally.detected++;
    else if (UNDETECTED.has(m.status)) {
      tally.undetected++;
      survivors.push({
        file: path.relative(REPO, path.resolve(REPO, file)),
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        replacement: (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 80),
        original: (lines[m.location.start.line - 1] ?? "").trim().slice(0, 100),
        status: m.status,
      });
    }
  }
  byFolder.set(folder, tally);
}

const score = (t: { detected: number; undetected: number }) => (t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected));
const total = [...byFolder.values()].reduce((a, t) => ({ detected: a.detected + t.detected, undetected: a.undetected + t.undetected }), { detected: 0, undetected: 0 });
// The commit the mutants were made from (STRYKER_COMMIT when the run was made in another checkout).
const commit = process.env.STRYKER_COMMIT ?? (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();

const md = [
  "# Mutation testing results",
  "",
  `StrykerJS (vitest runner, TypeScript checker) over the folders in stryker.config.json; run by \`npm run mutate\`, then \`npm run mutate:report\`. Commit ${commit}, ${new Date().toISOString().slice(0, 10)}. Score = killed (or timed out) / (killed + survived + not covered); mutants that do not compile are not counted.`,
  "",
  "| folder | mutants | killed | survived or not covered | score | goal | |",
  "|---|---:|---:|---:|---:|---:|---|",
  ...[...byFolder].sort(([a], [b]) => a.localeCompare(b)).map(([folder, t]) => {
    const goal = GOALS[folder];
    return `| ${folder} | ${t.detected + t.undetected} | ${t.detected} | ${t.undetected} | ${score(t).toFixed(1)}% | ${goal === undefined ? "-" : `${goal}%`} | ${goal === undefined ? "" : score(t) >= goal ? "PASS" : "FAIL"} |`;
  }),
  `| **overall** | ${total.detected + total.undetected} | ${total.detected} | ${total.undetected} | ${score(total).toFixed(1)}% | ${GOALS.overall}% | ${score(total) >= GOALS.overall! ? "PASS" : "FAIL"} |`,
  "",
  `## Surviving mutants (${survivors.length})`,
  "",
  "Each is to be killed by a new test or explained as equivalent.",
  "",
  "| place | mutator | status | original line | replacement |",
  "|---|---|---|---|---|",
  ...survivors
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
    .map((s) => `| ${s.file}:${s.line}:${s.column} | ${s.mutator} | ${s.status} | \`${s.original.replace(/\|/g, "\\|").replace(/`/g, "'")}\` | \`${s.replacement.replace(/\|/g, "\\|").replace(/`/g, "'")}\` |`),
  "",
];
writeFileSync(path.join(REPO, "bench/MUTATION.md"), md.join("\n"));
console.log(`score ${score(total).toFixed(1)}% (${total.detected} of ${total.detected + total.undetected}); ${survivors.length} survivors; wrote bench/MUTATION.md`);
