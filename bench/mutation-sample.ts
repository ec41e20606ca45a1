/**
 * A random sample of the mutants of folders too large for a whole Stryker run (`npm run mutate` measures
 * the SQL path whole; dsl/, ir/, emit-java/ and lineage/ are ~6,000 mutants, ~7 hours on this machine).
 *
 *   node --import tsx bench/mutation-sample.ts [--size 700] [--seed 17] [folder ...]
 *
 * A folder is one under packages/streamt-sdk/src/, or "(top level)" for the files directly in it.
 *
 * Lists every mutant of the folders with Stryker's own instrumenter (the same mutators and the same
 * `// Stryker disable` comments as a run), draws `size` of them uniformly with a seeded shuffle, and writes
 *   reports/mutation/sample-<seed>.json          the drawn mutants and each folder's population
 *   reports/mutation/stryker.sample-<seed>.json  a Stryker config whose `mutate` is one range per drawn mutant
 * Run the config (`npx stryker run reports/mutation/stryker.sample-<seed>.json`); a range can hold other,
 * nested mutants too, so `mutation-report.ts --sample reports/mutation/sample-<seed>.json` counts only the
 * drawn ones and gives each folder's score with its 95% interval.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { Instrumenter } from "@stryker-mutator/instrumenter";

const REPO = path.resolve(import.meta.dirname, "..");
const SRC = "packages/streamt-sdk/src";
/** Measured whole by `npm run mutate` (stryker.config.json): not sampled again. */
const MEASURED_WHOLE = new Set([`${SRC}/ir/planner-safe.ts`, `${SRC}/ir/time-literal.ts`]);

export interface SampledMutant {
  readonly file: string;
  readonly mutatorName: string;
  readonly replacement: string;
  /** Stryker's location: 0-based lines, 0-based columns. */
  readonly location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
export interface SampleFile {
  readonly seed: number;
  readonly commit: string;
  /** Mutants per folder (all of them, before the draw). */
  readonly population: Record<string, number>;
  /** Mutants per folder of the rest of src/ (neither drawn from nor measured whole): not measured. */
  readonly notMeasured: Record<string, number>;
  readonly mutants: readonly SampledMutant[];
}

function parseArgs(argv: readonly string[]): { size: number; seed: number; folders: string[] } {
  let size = 400;
  let seed = 17;
  const folders: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--size") size = Number(argv[++i]);
    else if (a === "--seed") seed = Number(argv[++i]);
    else folders.push(a);
  }
  if (!Number.isInteger(size) || size <= 0 || !Number.isInteger(seed)) throw new Error("--size and --seed take whole numbers");
  return { size, seed, folders: folders.length > 0 ? folders : ["dsl", "ir", "emit-java", "lineage"] };
}

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** A folder's code files; "(top level)" is the files directly in src/ (errors.ts, index.ts, ...). */
function filesOf(folder: string): string[] {
  if (folder !== TOP_LEVEL) return tsFiles(`${SRC}/${folder}`);
  return readdirSync(path.join(REPO, SRC), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => `${SRC}/${e.name}`)
    .sort();
}

/** mulberry32: a small seeded generator, so the same seed draws the same mutants. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOP_LEVEL = "(top level)";
export const folderOf = (file: string): string => {
  const parts = file.slice(SRC.length + 1).split("/");
  return parts.length > 1 ? parts[0]! : TOP_LEVEL;
};
/** Measured whole by `npm run mutate`. */
const WHOLE_FOLDERS = new Set(["analysis", "emit-sql"]);

async function listMutants(instrumenter: Instrumenter, files: readonly string[]): Promise<SampledMutant[]> {
  const { mutants } = await instrumenter.instrument(
    files.map((name) => ({ name: path.join(REPO, name), mutate: true, content: readFileSync(path.join(REPO, name), "utf8") })),
    { plugins: null, excludedMutations: [], ignorers: [] },
  );
  return mutants
    .filter((m) => m.status !== "Ignored")
    .map((m) => ({ file: path.relative(REPO, m.fileName).split(path.sep).join("/"), mutatorName: m.mutatorName, replacement: m.replacement, location: m.location }));
}
const tally = (mutants: readonly SampledMutant[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const m of mutants) counts[folderOf(m.file)] = (counts[folderOf(m.file)] ?? 0) + 1;
  return counts;
};

async function main(): Promise<void> {
  const { size, seed, folders } = parseArgs(process.argv.slice(2));
  const quiet = { isDebugEnabled: () => false, debug() {}, info() {}, warn() {}, error() {}, isInfoEnabled: () => false, isTraceEnabled: () => false, trace() {}, fatal() {}, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false };
  const instrumenter = new Instrumenter(quiet as never);
  const files = folders.flatMap(filesOf).filter((f) => !MEASURED_WHOLE.has(f));
  const all = await listMutants(instrumenter, files);
  const population = tally(all);
  const rest = tsFiles(SRC).filter((f) => !files.includes(f) && !MEASURED_WHOLE.has(f) && !WHOLE_FOLDERS.has(folderOf(f)));
  const notMeasured = tally(await listMutants(instrumenter, rest));

  const random = seeded(seed);
  const pool = [...all];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const drawn = pool.slice(0, Math.min(size, pool.length));
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  const outDir = path.join(REPO, "reports/mutation");
  mkdirSync(outDir, { recursive: true });
  const sample: SampleFile = { seed, commit, population, notMeasured, mutants: drawn };
  writeFileSync(path.join(outDir, `sample-${seed}.json`), `${JSON.stringify(sample, null, 1)}\n`);

  const base = JSON.parse(readFileSync(path.join(REPO, "stryker.config.json"), "utf8")) as Record<string, unknown>;
  const range = (m: SampledMutant): string => `${m.file}:${m.location.start.line + 1}:${m.location.start.column}-${m.location.end.line + 1}:${m.location.end.column}`;
  const config = {
    ...base,
    $schema: undefined,
    mutate: drawn.map(range),
    vitest: { configFile: "vitest.mutate-sample.config.ts" },
    jsonReporter: { fileName: `reports/mutation/sample-${seed}-run.json` },
    tempDirName: `.stryker-tmp-sample-${seed}`,
    // TypeScript's checker crashed on a mutant of the DSL's overloads ("Debug Failure. No error for last
    // overload signature") and took the run down with it: the sample runs without it, so a mutant that
    // would not compile runs its tests anyway and counts as survived when they pass (conservative).
    checkers: [],
  };
  writeFileSync(path.join(outDir, `stryker.sample-${seed}.json`), `${JSON.stringify(config, null, 1)}\n`);
  const per = Object.entries(population).map(([f, n]) => `${f} ${drawn.filter((m) => folderOf(m.file) === f).length} of ${n}`).join(", ");
  console.log(`drew ${drawn.length} of ${all.length} mutants (${per}) at ${commit}, seed ${seed}`);
  console.log(`run: npx stryker run reports/mutation/stryker.sample-${seed}.json`);
}

await main();
