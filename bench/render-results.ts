/**
 * bench/RESULTS.md is rendered from the raw results of each section, kept as JSON in bench/results/
 * (checked in): a section that was not re-run keeps its own figures, date, commit, command and machine
 * load, instead of being copied forward from the previous Markdown.
 *
 *   bench/run.ts and bench/job-speed.ts write their sections' JSON, then call renderResults()
 *   node --conditions=streamt-source --import tsx bench/render-results.ts
 *                                                  re-renders RESULTS.md (e.g. after editing ANALYSIS.md)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { profileMarkdown, type ProfileSummary } from "./profile.js";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH_DIR, "..");
export const RESULTS_DIR = path.join(BENCH_DIR, "results");
const RESULTS_MD = path.join(BENCH_DIR, "RESULTS.md");

// ---- small statistics (shared by every section) -----------------------------------------------------

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median, min and max of the finite values (a failed run's missing figure is never a number here). */
export function stats(xs: readonly (number | null | undefined)[]): Stats {
  const s = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

export const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en") : "n/a");
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");
export const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");
export const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : "n/a");
export const cell = (s: Stats, fmt: (n: number) => string = f0) => (s.n === 0 ? "n/a" : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`);
/** "n of m runs ok", the count every figure states next to its median. */
export const okOf = (ok: number, all: number) => `${ok} of ${all}`;

// ---- a section's record --------------------------------------------------------------------------------

export type SectionName = "synth" | "typecheck" | "job-speed" | "validation" | "random-pipelines" | "pipeline-tests" | "streamt-side";

export interface MachineLoad {
  /** 1-minute load averages sampled every 5 s while the section ran (with the first and last). */
  readonly start: number;
  readonly end: number;
  readonly median: number;
  readonly max: number;
}

export interface Machine {
  readonly cores: number;
  readonly model: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly load: MachineLoad;
}

export interface SectionRecord<T> {
  readonly section: SectionName;
  /** ISO time the section finished. */
  readonly date: string;
  readonly commit: string;
  readonly command: string;
  readonly wallMs: number;
  readonly machine: Machine;
  readonly data: T;
}

/** Samples the machine's load average while a section runs. */
export class LoadSampler {
  private readonly samples: number[] = [os.loadavg()[0]!];
  private readonly timer = setInterval(() => this.samples.push(os.loadavg()[0]!), 5000);
  private readonly began = performance.now();
  constructor() {
    this.timer.unref();
  }
  finish(): { load: MachineLoad; wallMs: number } {
    clearInterval(this.timer);
    this.samples.push(os.loadavg()[0]!);
    const s = stats(this.samples);
    return { load: { start: this.samples[0]!, end: this.samples[this.samples.length - 1]!, median: s.median, max: s.max }, wallMs: performance.now() - this.began };
  }
}

export function gitCommit(): string {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "packages/streamt-sdk/src"], { cwd: REPO, encoding: "utf8" }).stdout.trim() ? " + uncommitted changes in packages/streamt-sdk/src" : "";
  return r.status === 0 ? r.stdout.trim() + dirty : "unknown";
}

/** Writes bench/results/<section>.json; `commit` when the section measured a build of a given commit (else HEAD and the state of src/). */
export function writeSection<T>(section: SectionName, command: string, sampler: LoadSampler, data: T, commit = gitCommit()): SectionRecord<T> {
  const { load, wallMs } = sampler.finish();
  const cpus = os.cpus();
  const record: SectionRecord<T> = {
    section,
    date: new Date().toISOString(),
    commit,
    command,
    wallMs,
    machine: { cores: cpus.length, model: cpus[0]?.model.trim() ?? "?", memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)), os: `${os.type()} ${os.release()}`, node: process.version, load },
    data,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${section}.json`), JSON.stringify(record, null, 1) + "\n");
  return record;
}

export function readSection<T>(section: SectionName): SectionRecord<T> | null {
  const file = path.join(RESULTS_DIR, `${section}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SectionRecord<T>) : null;
}

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

/** The line under each section's heading: when, where and how it was measured, and how busy the machine was. */
function stampLine(r: SectionRecord<unknown>): string {
  const l = r.machine.load;
  const busy = l.median > r.machine.cores ? `busy: other work (other sessions' builds and tests) shared the ${r.machine.cores} cores, so absolute times are inflated and spread` : `load at or below the ${r.machine.cores} cores`;
  return `_Measured ${when(r.date)} at commit ${r.commit} by \`${r.command}\` (${f0(r.wallMs / 1000)} s). Load average ${f1(l.start)} at the start, median ${f1(l.median)}, max ${f1(l.max)}, ${f1(l.end)} at the end: ${busy}._`;
}

/** "§1, 2026-11-30 11:40 UTC, abc1234": where a target's figure comes from. */
const measuredIn = (n: number, r: SectionRecord<unknown>) => `§${n}, ${when(r.date)}, ${r.commit.split(" ")[0]}`;

// ---- targets --------------------------------------------------------------------------------------------

export interface TargetRow {
  readonly what: string;
  readonly goal: string;
  readonly measured: string;
  /** null: not measured (the row says why). */
  readonly ok: boolean | null;
  /** "n of m runs ok" behind the figure. */
  readonly runs: string;
  /** Which issue set the goal. */
  readonly from: string;
  /** For a synth row: the situation it measures (the bench profiles the first one missed). */
  readonly synthKind?: SynthKind;
}

const verdict = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "**pass**" : "**FAIL**");

// ---- section 1: synth at scale -------------------------------------------------------------------------

export type Stage = "load" | "typecheck" | "plan" | "analyse" | "emit";
export const STAGES: readonly Stage[] = ["load", "typecheck", "plan", "analyse", "emit"];

/**
 * What the user did before a synth: cold = first synth in a fresh clone (empty output folder, empty
 * transform cache); edit = one module edited since the last synth; unchanged = nothing changed.
 */
export type SynthKind = "cold" | "edit" | "unchanged";
export const SYNTH_KINDS: readonly SynthKind[] = ["cold", "edit", "unchanged"];
export const KIND_LABEL: Record<SynthKind, string> = {
  cold: "first synth in a fresh clone (cold caches)",
  edit: "edit one module, then synth",
  unchanged: "unchanged re-synth",
};

export interface SynthRun {
  readonly size: number;
  readonly typecheck: boolean;
  readonly kind: SynthKind;
  readonly rep: number;
  readonly ok: boolean;
  /** Why the run does not count (failed synth, no JSON, an edit that did not reach the output). */
  readonly failure?: string;
  readonly wallMs: number;
  /** User + system CPU time, ms (null when not measured). */
  readonly cpuMs: number | null;
  readonly peakRssMb: number | null;
  readonly stages: Record<Stage, number>;
  readonly pipelines: number;
  /** Count of each diagnostic code. */
  readonly diagnostics: Record<string, number>;
  /** The edit made before an `edit` run. */
  readonly edit?: { readonly module: string; readonly pipeline: string; readonly threshold: number };
}

/** One save under `synth --watch` at 1,000 pipelines: from the file's write to the edit in the output folder. */
export interface WatchRun {
  readonly typecheck: boolean;
  readonly rep: number;
  readonly ok: boolean;
  readonly failure?: string;
  readonly ms: number;
}

export interface SynthSection {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  readonly reps: { readonly synth: number; readonly synthTypecheck: number };
  readonly rssMethod: string;
  /** Which SDK build the CLI ran. */
  readonly sdk: string;
  readonly typescript: string;
  readonly sdkVersion: string;
  readonly runs: readonly SynthRun[];
  readonly startups: readonly { readonly ok: boolean; readonly wallMs: number; readonly peakRssMb: number | null }[];
  /** The same files written alone with writeFileSync, right after each cold synth without type-check. */
  readonly writeProbes: readonly { readonly files: number; readonly ms: number; readonly firstSynthMs: number }[];
  /** synth --watch saves (absent in results from before the watch mode). */
  readonly watch?: readonly WatchRun[];
  readonly profile: { readonly what: string; readonly summaries: readonly ProfileSummary[] } | null;
}

export const SYNTH_TARGETS = { wall1000Ms: 1000, growth3000: 3.3, rss1000Mb: 300, editTypecheckMs: 300, unchangedTypecheckMs: 200, coldTypecheckRssMb: 200 } as const;

const select = (d: SynthSection, size: number, typecheck: boolean, kind: SynthKind) => d.runs.filter((r) => r.size === size && r.typecheck === typecheck && r.kind === kind);
const okRuns = (rs: readonly SynthRun[]) => rs.filter((r) => r.ok);
const runsOk = (rs: readonly SynthRun[]) => okOf(okRuns(rs).length, rs.length);
const wallOf = (rs: readonly SynthRun[]) => stats(okRuns(rs).map((r) => r.wallMs));
const rssOf = (rs: readonly SynthRun[]) => stats(okRuns(rs).map((r) => r.peakRssMb));

/** 3,000 / 1,000 unchanged re-synth, paired by repetition, successful pairs only. */
function growth(d: SynthSection, typecheck: boolean): { s: Stats; pairs: number; all: number } {
  const a = select(d, 1000, typecheck, "unchanged");
  const b = select(d, 3000, typecheck, "unchanged");
  const all = a.filter((x) => b.some((y) => y.rep === x.rep));
  const ratios = okRuns(a).flatMap((x) => okRuns(b).filter((y) => y.rep === x.rep).map((y) => y.wallMs / x.wallMs));
  return { s: stats(ratios), pairs: ratios.length, all: all.length };
}

export function synthTargets(d: SynthSection): TargetRow[] {
  const rows: TargetRow[] = [];
  const t = SYNTH_TARGETS;
  for (const kind of SYNTH_KINDS) {
    const rs = select(d, 1000, false, kind);
    const w = wallOf(rs);
    rows.push({ what: `1,000 pipelines without type-check, whole process: ${KIND_LABEL[kind]}`, goal: `< ${f0(t.wall1000Ms)} ms`, measured: `${f0(w.median)} ms (median)`, ok: w.n > 0 && w.median < t.wall1000Ms, runs: runsOk(rs), from: "issue 5", synthKind: kind });
  }
  // The comparisons with streamt's compile are section 7's rows (streamtSideTargets).
  const coldTc = select(d, 1000, true, "cold");
  const coldTcRss = rssOf(coldTc);
  rows.push({ what: "1,000 pipelines, default synth (with type-check): first synth in a fresh clone, peak RSS (max)", goal: `≤ ${t.coldTypecheckRssMb} MB`, measured: `${f0(coldTcRss.max)} MB`, ok: coldTcRss.n > 0 && coldTcRss.max <= t.coldTypecheckRssMb, runs: runsOk(coldTc), from: "issue 14" });
  for (const [kind, goal] of [["edit", t.editTypecheckMs], ["unchanged", t.unchangedTypecheckMs]] as const) {
    const rs = select(d, 1000, true, kind);
    const w = wallOf(rs);
    rows.push({ what: `1,000 pipelines, default synth (with type-check): ${KIND_LABEL[kind]}`, goal: `≤ ${goal} ms`, measured: `${f0(w.median)} ms (median)`, ok: w.n > 0 && w.median <= goal, runs: runsOk(rs), from: "issue 14" });
  }
  for (const tc of [true, false]) {
    const ws = (d.watch ?? []).filter((w) => w.typecheck === tc);
    const s = stats(ws.filter((w) => w.ok).map((w) => w.ms));
    rows.push({
      what: `1,000 pipelines, \`synth --watch\`${tc ? "" : " --no-typecheck"}: one-module edit reflected in the output`,
      goal: "≤ 150 ms",
      measured: ws.length === 0 ? "not measured in this run" : `${f0(s.median)} ms (median; min ${f0(s.min)}, max ${f0(s.max)})`,
      ok: ws.length === 0 ? null : s.n > 0 && s.median <= 150,
      runs: ws.length === 0 ? "–" : okOf(s.n, ws.length),
      from: "issue 14",
    });
  }
  for (const tc of [false, true]) {
    const g = growth(d, tc);
    rows.push({ what: `3,000 / 1,000 pipelines, unchanged re-synth ${tc ? "with" : "without"} type-check (paired ratio)`, goal: `≤ ${t.growth3000}×`, measured: `${f2(g.s.median)}×`, ok: g.pairs > 0 && g.s.median <= t.growth3000, runs: `${g.pairs} of ${g.all} pairs`, from: "issue 5" });
  }
  for (const tc of [false, true]) {
    const rs = d.runs.filter((r) => r.size === 1000 && r.typecheck === tc);
    const r = rssOf(rs);
    rows.push({ what: `peak RSS at 1,000 pipelines, synth ${tc ? "with" : "without"} type-check (max of every run: cold, edit, unchanged)`, goal: `< ${t.rss1000Mb} MB`, measured: `${f0(r.max)} MB`, ok: r.n > 0 && r.max < t.rss1000Mb, runs: runsOk(rs), from: "issue 5" });
  }
  return rows;
}

export function synthDeepErrors(d: SynthSection): number {
  return d.runs.reduce((n, r) => n + (r.diagnostics["TS2589"] ?? 0), 0);
}

function synthMarkdown(d: SynthSection): string[] {
  const startup = stats(d.startups.filter((s) => s.ok).map((s) => s.wallMs));
  const startupRss = stats(d.startups.filter((s) => s.ok).map((s) => s.peakRssMb));
  const md: string[] = [
    `Generated projects (bench/generate.ts): the four shapes in turn (filter + projection; tumbling-window aggregate on event time; interval join of two sources; non-windowed aggregate with a TTL over a filter), 100 pipelines per module, every module an entry: \`streamt-sdk synth <modules> --out streamt.out --json [--no-typecheck]\`. Repetitions: ${d.reps.synth}× without type-check, ${d.reps.synthTypecheck}× with${d.quick ? " (--quick)" : ""}, sizes and modes interleaved, order reversed on odd repetitions. The CLI is ${d.sdk}; TypeScript ${d.typescript}, streamt-sdk ${d.sdkVersion}. Peak RSS measured with ${d.rssMethod}. Figures are median (min–max) over the runs that succeeded; every row says how many did.`,
    "",
    "### What a user meets at 1,000 pipelines",
    "",
    "| situation | type-check | wall ms | CPU ms (user + system) | peak RSS MB | runs ok |",
    "|---|---|---|---|---|---|",
  ];
  for (const tc of [false, true]) {
    for (const kind of SYNTH_KINDS) {
      const rs = select(d, 1000, tc, kind);
      md.push(`| ${KIND_LABEL[kind]} | ${tc ? "yes" : "no"} | ${cell(wallOf(rs))} | ${cell(stats(okRuns(rs).map((r) => r.cpuMs)))} | ${cell(rssOf(rs))} | ${runsOk(rs)} |`);
    }
  }
  const probe = stats(d.writeProbes.map((w) => w.ms));
  md.push(
    "",
    "- **First synth in a fresh clone (cold)**: the output folder does not exist, and the process gets a new, empty `TMPDIR`, so tsx's transform cache (`$TMPDIR/tsx-<uid>/`) is empty and every pipeline module is transformed by esbuild again, and the project's type-check cache (`node_modules/.cache/streamt-sdk/`: TypeScript's incremental build state and the last check's findings) is deleted. These are the only caches synth's path has: the SDK itself runs as compiled JavaScript (`dist/`, nothing to transform) and Node 20 keeps no compile cache. Not made cold: the operating system's file cache (dropping it needs root and would slow every other process on this shared machine; right after `git clone` and `npm install` the files are in it anyway).",
    "- **Edit one module, then synth**: before each run the filter threshold of one pipeline (`o.amount.gt(N)`, the first pipeline of one of the ten modules, a different module and a new value each time) is changed; the run counts as ok only if that pipeline's script in the output then contains the new threshold. The previous output folder, the warm transform cache and the type-check cache are there, as on a developer's machine: the type-check checks again only the edited module (and modules importing a changed signature).",
    "- **Unchanged re-synth**: synth again over its own output with nothing changed (unchanged files are hard-linked, not rewritten; the transform cache is warm; the type-check reuses the last check's findings, since no file it read changed).",
    "- The warm runs use a `TMPDIR` of the bench's own whose transform cache an unmeasured synth of every project filled at the start.",
    "- **`synth --watch`** (the watch rows of the targets): one watch process per mode over the 1,000-pipeline project; after its first run and one untimed save, each save changes one module (a new filter threshold, the modules in turn) and is timed from the file's write until the pipeline's script in the output folder shows it. The next save waits until the watch is idle (its CPU time unchanged for 300 ms: the save's type-check, in its thread, has finished), then 200 ms, as a user's saves come minutes apart.",
    "- CPU time is the process's own (main thread, tsx's loader thread, GC); other processes inflate it far less than wall time, so it is the figure to compare between runs made at different loads. The goals are on wall time.",
    "",
    `Writing the ${f0(d.writeProbes[0]?.files ?? NaN)} files of a first synth alone (\`writeFileSync\`, no synth, a new folder beside the output, right after each cold synth without type-check): ${cell(probe)} ms; the cold synth without that share (paired): ${cell(stats(d.writeProbes.map((w) => w.firstSynthMs - w.ms)))} ms.`,
    "",
    "### Unchanged re-synth at every size",
    "",
    `CLI fixed cost (\`streamt-sdk --version\`: node, tsx and the SDK's modules): ${cell(startup)} ms, ${cell(startupRss)} MB peak RSS (${okOf(startup.n, d.startups.length)} runs ok).`,
    "",
    "| pipelines | type-check | wall ms | peak RSS MB | ms / pipeline (median) | runs ok |",
    "|---:|---|---|---|---:|---|",
  );
  for (const size of d.sizes) {
    for (const tc of [false, true]) {
      const rs = select(d, size, tc, "unchanged");
      const w = wallOf(rs);
      md.push(`| ${size.toLocaleString("en")} | ${tc ? "yes" : "no"} | ${cell(w)} | ${cell(rssOf(rs))} | ${f2(w.median / size)} | ${runsOk(rs)} |`);
    }
  }
  const gNo = growth(d, false);
  const gTc = growth(d, true);
  md.push(
    "",
    `Growth 3,000 / 1,000 (unchanged re-synth, paired per repetition): ${cell(gNo.s, f2)}× without type-check, ${cell(gTc.s, f2)}× with.`,
    "",
    "In-process time per stage (the CLI's `timingsMs`), ms, median (min–max) of the successful runs; \"other\" is the wall time the stages do not cover (node and tsx start-up, importing the SDK, writing the output folder, exit):",
    "",
    `| pipelines | situation | type-check | ${STAGES.join(" | ")} | other |`,
    `|---:|---|---|${STAGES.map(() => "---").join("|")}|---|`,
  );
  const stageRow = (size: number, kind: SynthKind, tc: boolean) => {
    const rs = okRuns(select(d, size, tc, kind));
    const cols = STAGES.map((s) => (s === "typecheck" && !tc ? "–" : cell(stats(rs.map((r) => r.stages[s])))));
    const other = stats(rs.map((r) => r.wallMs - STAGES.reduce((n, s) => n + r.stages[s], 0)));
    md.push(`| ${size.toLocaleString("en")} | ${kind} | ${tc ? "yes" : "no"} | ${cols.join(" | ")} | ${cell(other)} |`);
  };
  for (const size of d.sizes) {
    for (const tc of [false, true]) {
      if (size === 1000) for (const kind of ["cold", "edit"] as const) stageRow(size, kind, tc);
      stageRow(size, "unchanged", tc);
    }
  }
  const failed = d.runs.filter((r) => !r.ok);
  md.push("", failed.length === 0 ? "Every synth run succeeded." : `**Failed runs** (not in any median): ${failed.map((r) => `${r.size} ${r.kind}${r.typecheck ? " with type-check" : ""} #${r.rep + 1}: ${r.failure ?? "failed"}`).join("; ")}.`);
  if (d.profile) {
    md.push("", "### Profile of a missed target", "", `\`node --cpu-prof\` on ${d.profile.what}. The SDK runs from its compiled \`dist/\`; the user's modules go through tsx.`);
    d.profile.summaries.forEach((s, i) => md.push("", `#### ${i === 0 ? "Main thread" : "Module loader thread (tsx hooks)"}`, "", profileMarkdown(s, i === 0 ? 20 : 8)));
  }
  return md;
}

// ---- section 2: type-checking cost ------------------------------------------------------------------------

export interface TscRun {
  readonly variant: "typed" | "any" | "sdk-only";
  readonly rep: number;
  readonly ok: boolean;
  readonly errors: number;
  readonly excessivelyDeep: number;
  readonly instantiations: number;
  readonly types: number;
  readonly checkMs: number;
  readonly totalMs: number;
  readonly memoryMb: number;
  readonly wallMs: number;
}

export interface TypecheckSection {
  readonly quick: boolean;
  readonly typescript: string;
  readonly runs: readonly TscRun[];
}

export const TYPED_VS_ANY_TARGET = 2;

/** typed / any check time per repetition, both runs ok; with `base`, the SDK-only run of the repetition is taken out of both. */
function tscRatio(d: TypecheckSection, marginal: boolean): { s: Stats; pairs: number; all: number } {
  const of = (v: TscRun["variant"], rep: number) => d.runs.find((r) => r.variant === v && r.rep === rep);
  const reps = [...new Set(d.runs.map((r) => r.rep))];
  const ratios = reps.flatMap((rep) => {
    const [t, a, b] = [of("typed", rep), of("any", rep), of("sdk-only", rep)];
    if (!t?.ok || !a?.ok || (marginal && !b?.ok)) return [];
    const base = marginal ? b!.checkMs : 0;
    return [(t.checkMs - base) / (a.checkMs - base)];
  });
  return { s: stats(ratios), pairs: ratios.length, all: reps.length };
}

export function typecheckTargets(d: TypecheckSection): TargetRow[] {
  const r = tscRatio(d, false);
  return [{ what: "tsc check time, typed DSL / any (1,000 pipelines, paired ratio)", goal: `≤ ${TYPED_VS_ANY_TARGET}×`, measured: `${f2(r.s.median)}×`, ok: r.pairs > 0 && r.s.median <= TYPED_VS_ANY_TARGET, runs: `${r.pairs} of ${r.all} pairs`, from: "issues 5, 14" }];
}

function typecheckMarkdown(d: TypecheckSection): string[] {
  const md = [
    `\`tsc --noEmit --extendedDiagnostics -p bench/generated/n1000/tsconfig.json\` (1,000 pipelines, TypeScript ${d.typescript}) against the same code importing a shim that re-exports the DSL functions cast to \`any\` (bench/generated/n1000-any; \`noImplicitAny\` off there, since callbacks of an \`any\` function have untyped parameters), interleaved. Both programs read the SDK's declarations (\`dist/*.d.ts\`, as an installed user's project does), and a third program with the schemas and no pipelines (bench/generated/n0) measures that shared part. A run is ok when tsc exits 0.`,
    "",
    "| variant | check time ms | total time ms | instantiations | types | memory MB | errors | TS2589 | runs ok |",
    "|---|---|---|---:|---:|---:|---:|---:|---|",
  ];
  const all = (v: TscRun["variant"]) => d.runs.filter((r) => r.variant === v);
  const ok = (v: TscRun["variant"]) => all(v).filter((r) => r.ok);
  for (const [name, v] of [["typed DSL", "typed"], ["any", "any"], ["SDK only (no pipelines)", "sdk-only"]] as const) {
    const rs = ok(v);
    md.push(
      `| ${name} | ${cell(stats(rs.map((r) => r.checkMs)))} | ${cell(stats(rs.map((r) => r.totalMs)))} | ${f0(stats(rs.map((r) => r.instantiations)).median)} | ${f0(stats(rs.map((r) => r.types)).median)} | ${f0(stats(rs.map((r) => r.memoryMb)).median)} | ${Math.max(0, ...all(v).map((r) => r.errors))} | ${Math.max(0, ...all(v).map((r) => r.excessivelyDeep))} | ${okOf(rs.length, all(v).length)} |`,
    );
  }
  const med = (v: TscRun["variant"]) => stats(ok(v).map((r) => r.checkMs)).median;
  md.push(
    "",
    `Check time typed / any (paired): ${cell(tscRatio(d, false).s, f2)}×. Without the SDK's own check time (the sdk-only run subtracted from both, per repetition), the pipelines alone: ${cell(tscRatio(d, true).s, f2)}× (ratio of the medians: ${f2((med("typed") - med("sdk-only")) / (med("any") - med("sdk-only")))}×; noisy, since it is a difference of noisy times). Instantiations per pipeline (typed − any): ${f0((stats(ok("typed").map((r) => r.instantiations)).median - stats(ok("any").map((r) => r.instantiations)).median) / 1000)}.`,
  );
  const failed = d.runs.filter((r) => !r.ok);
  if (failed.length) md.push("", `**Failed runs** (not in any median): ${failed.map((r) => `${r.variant} #${r.rep + 1} (${r.errors} errors)`).join(", ")}.`);
  return md;
}

// ---- section 3: generated job speed (measured by bench/job-speed.ts) ------------------------------------------

/** The SDK's job against the hand-written one, events/s (issue 5: the SDK adds no overhead). */
export const JOB_SPEED_TARGET = 0.95;

export type JobVariant = "sdk" | "hand" | "sdk-minibatch";

export interface JobRun {
  readonly query: QueryName;
  readonly variant: JobVariant;
  readonly rep: number;
  readonly ok: boolean;
  readonly error?: string;
  /** submitted -> finished, ms. */
  readonly runMs: number;
  /** JVM start -> submitted, ms (parse, plan, deploy). */
  readonly startMs: number;
  readonly eventsPerSec: number;
}

/** Flink's optimized execution plan of the SDK's script against the hand-written one, names normalised. */
export interface PlanComparison {
  readonly query: QueryName;
  readonly variant: "sdk" | "sdk-minibatch";
  readonly identical: boolean;
  /** Lines only in the SDK's plan ("- ...") or only in the hand-written one ("+ ..."). */
  readonly diff: readonly string[];
  readonly error?: string;
}

export interface JobSpeedResult {
  readonly skipped: string | null;
  readonly plans: readonly PlanComparison[];
  readonly events: number;
  readonly reps: number;
  readonly produceMs: Record<string, number>;
  readonly runs: readonly JobRun[];
  readonly wallMs: number;
}

export type QueryName = "tumble" | "interval-join" | "dedup" | "aggregate";
export const QUERIES: readonly QueryName[] = ["tumble", "interval-join", "dedup", "aggregate"];
export const TITLES: Record<QueryName, string> = {
  tumble: "tumbling count (1 min event-time windows, per user)",
  "interval-join": "interval join (orders ⋈ payments within [0, 1 h])",
  dedup: "deduplication (keep first per event_id, processing time)",
  aggregate: "non-windowed aggregate (COUNT, SUM per key; TTL 1 d)",
};

export const MINI_BATCH = {
  "table.exec.mini-batch.enabled": "true",
  "table.exec.mini-batch.allow-latency": "1 s",
  "table.exec.mini-batch.size": "5000",
  "table.optimizer.agg-phase-strategy": "TWO_PHASE",
} as const;

/** SDK / hand-written events/s of a query, paired by repetition, over the pairs where both jobs finished. */
function pairedRatio(r: JobSpeedResult, q: QueryName, a: JobVariant, b: JobVariant): { s: Stats; pairs: number; all: number } {
  const of = (v: JobVariant) => r.runs.filter((x) => x.query === q && x.variant === v);
  const all = of(a).filter((x) => of(b).some((y) => y.rep === x.rep));
  const ratios = of(a).flatMap((x) => of(b).filter((y) => y.rep === x.rep && x.ok && y.ok).map((y) => x.eventsPerSec / y.eventsPerSec));
  return { s: stats(ratios), pairs: ratios.length, all: all.length };
}

/** One target row per query: the paired SDK / hand-written ratio against JOB_SPEED_TARGET. */
export function jobSpeedTargets(r: JobSpeedResult | null): TargetRow[] {
  return QUERIES.map((q) => {
    if (r === null || r.skipped) {
      const why = r === null ? "no bench/results/job-speed.json yet: run bench/job-speed.ts" : `skipped: ${r.skipped}`;
      return { what: `job speed, SDK / hand-written events/s (paired ratio): ${TITLES[q]}`, goal: `≥ ${JOB_SPEED_TARGET}×`, measured: why, ok: null, runs: "–", from: "issue 5" };
    }
    const p = pairedRatio(r, q, "sdk", "hand");
    return {
      what: `job speed, SDK / hand-written events/s (paired ratio): ${TITLES[q]}${r.events < 1_000_000 ? ` — ${r.events.toLocaleString("en")} events, ${r.reps} repetitions` : ""}`,
      goal: `≥ ${JOB_SPEED_TARGET}×`,
      // Three decimals: a median of 0.948 must not read as the goal it misses.
      measured: `${f3(p.s.median)}× (${f2(p.s.min)}–${f2(p.s.max)})`,
      ok: p.pairs > 0 && p.s.median >= JOB_SPEED_TARGET,
      runs: `${p.pairs} of ${p.all} pairs`,
      from: "issue 5",
    };
  });
}

export function jobSpeedMarkdown(r: JobSpeedResult): string[] {
  if (r.skipped) return [`Skipped: ${r.skipped}.`];
  const md: string[] = [
    `One local broker (\`startLocalKafka\`, single-partition topics) for the section; per query ${r.events.toLocaleString("en")} events produced once (kafkajs, batches of 10,000, acks=1, no compression), then each job run ${r.reps}× on its own MiniCluster (\`startLocalJob\`, parallelism 1, -Xmx1g), SDK and hand-written alternating (order reversed on odd repetitions). The SDK's job is the DSL pipeline emitted by \`emitPipelineSql\`; the hand-written one is the same query as the Flink SQL documentation writes it (bench/job-speed.ts). Both are bounded — \`'scan.bounded.mode' = 'latest-offset'\` on every source table, added to the SDK's script by a string edit after emission and written into the hand-written script — and write to a \`blackhole\` sink, so each job ends after reading all the events. Time: from the runner's \`submitted\` event to its \`finished\` event (includes task deployment and the end of input; excludes JVM start and planning, shown separately). events/s = events / that time. Scripts of the first repetition: bench/generated/job-speed/.`,
    "",
    "| query | job | events/s | run s | JVM start → submitted s | runs ok |",
    "|---|---|---|---|---|---|",
  ];
  const label: Record<JobVariant, string> = { sdk: "SDK", hand: "hand-written", "sdk-minibatch": "SDK + mini-batch, two-phase" };
  for (const q of QUERIES) {
    for (const v of ["sdk", "hand", "sdk-minibatch"] as const) {
      const all = r.runs.filter((x) => x.query === q && x.variant === v);
      if (all.length === 0) continue;
      const rs = all.filter((x) => x.ok);
      md.push(
        `| ${TITLES[q]} | ${label[v]} | ${cell(stats(rs.map((x) => x.eventsPerSec)), f0)} | ${cell(stats(rs.map((x) => x.runMs / 1000)), f1)} | ${cell(stats(rs.map((x) => x.startMs / 1000)), f1)} | ${okOf(rs.length, all.length)} |`,
      );
    }
  }
  md.push("", `Paired ratio SDK / hand-written events/s per repetition, over the repetitions where both jobs finished (target ≥ ${JOB_SPEED_TARGET}; the targets table carries the verdict):`, "", "| query | SDK / hand-written | pairs ok |", "|---|---|---|");
  for (const q of QUERIES) {
    const p = pairedRatio(r, q, "sdk", "hand");
    md.push(`| ${TITLES[q]} | ${cell(p.s, f2)}× | ${okOf(p.pairs, p.all)} |`);
  }
  if (r.plans.length > 0) {
    md.push("", "Flink's optimized execution plan (`EXPLAIN` through the runner's validator, table names and scan options normalised) of the SDK's script against the hand-written one:", "", "| query | plans | what differs |", "|---|---|---|");
    for (const p of r.plans) {
      const what = p.error ?? (p.identical ? "nothing" : p.diff.map((l) => `\`${l.replaceAll("|", "\\|").slice(0, 160)}\``).join("<br>"));
      md.push(`| ${TITLES[p.query]}${p.variant === "sdk-minibatch" ? " (SDK with mini-batch, two-phase)" : ""} | ${p.error ? "not compared" : p.identical ? "**identical**" : "differ"} | ${what} |`);
    }
  }
  const mb = pairedRatio(r, "aggregate", "sdk-minibatch", "sdk");
  md.push(
    "",
    `Non-windowed aggregate, the same SDK pipeline with \`config\` { ${Object.entries(MINI_BATCH).map(([k, v]) => `'${k}' = '${v}'`).join(", ")} } over its plain form (paired, ${okOf(mb.pairs, mb.all)} pairs ok): **${cell(mb.s, f2)}×** events/s. The SDK does not set these by itself; a pipeline opts in with \`pipeline(name, { config })\`.`,
    "",
    `Producing the events: ${QUERIES.map((q) => `${q} ${f1((r.produceMs[q] ?? NaN) / 1000)} s`).join(", ")}. Section wall time: ${f0(r.wallMs / 1000)} s.`,
  );
  const failures = r.runs.filter((x) => !x.ok);
  if (failures.length) md.push("", `**Failed runs** (not in any median): ${failures.map((x) => `${x.query} ${x.variant} #${x.rep + 1}: ${x.error}`).join("; ")}`);
  return md;
}

// ---- section 4: validation cost ------------------------------------------------------------------------------

export interface RunnerFirstUse {
  /** built: this run built the runner; copy: built again in a temporary copy; not-measured: the reason is in `note`. */
  readonly how: "built" | "copy" | "not-measured";
  readonly ms: number | null;
  readonly ok: boolean;
  /** Artifacts Maven downloaded during that build. */
  readonly downloaded: number;
  readonly note: string;
}

export interface ValidationSection {
  readonly skipped: string | null;
  readonly modules: number;
  readonly pipelines: number;
  readonly failed: readonly string[];
  readonly runnerFirstUse: RunnerFirstUse | null;
  readonly startMs: number;
  readonly validateMs: number;
  readonly perScriptMs: readonly number[];
  /** `streamt-sdk validate` of the checkout; sdkFrom: its compiled dist/, or its sources through tsx (dist/ older than src/). */
  readonly cli: { readonly ok: boolean; readonly wallMs: number; readonly sdkFrom?: "dist" | "sources" } | null;
}

function validationMarkdown(v: ValidationSection): string[] {
  if (v.skipped) return [`Skipped: ${v.skipped}.`];
  const b = v.runnerFirstUse;
  const first =
    b === null
      ? "not recorded"
      : b.how === "not-measured"
        ? `not measured: ${b.note}`
        : !b.ok
          ? `the build failed: ${b.note}`
          : `${f0((b.ms ?? NaN) / 1000)} s (${b.how === "built" ? "this run built the runner" : "the runner was already built, so a temporary copy of packages/flink-runner was built"}; ${b.note}; Maven downloaded ${b.downloaded} artifacts)`;
  return [
    `Every example (${v.modules} modules, ${v.pipelines} pipelines) synthesised together and validated by Flink 2.2's planner in one JVM (\`PlannerValidator\`):`,
    "",
    `- first use, building the Flink runner (\`buildRunner\`: Maven resolves and compiles packages/flink-runner, once per machine): ${first}`,
    `- JVM start until the first answer (runner built): ${f0(v.startMs)} ms`,
    `- all ${v.pipelines} scripts: ${f0(v.validateMs)} ms, ${f0(v.validateMs / v.pipelines)} ms per pipeline; per script as the JVM reports it: ${cell(stats(v.perScriptMs))} ms`,
    `- \`streamt-sdk validate\` end to end (node, tsx, JVM, every script; runner built): ${v.cli === null ? "not run" : v.cli.ok ? `${f0(v.cli.wallMs)} ms` : `failed after ${f0(v.cli.wallMs)} ms`}${v.cli?.sdkFrom === "sources" ? " (the checkout's dist/ was older than an edit in src/, so its CLI ran the SDK's sources through tsx)" : ""}`,
    v.failed.length ? `- **rejected by the planner**: ${v.failed.join(", ")}` : "- every script accepted",
  ];
}

// ---- section 5: random pipelines --------------------------------------------------------------------------------

export interface RandomTargetResult {
  readonly flinkVersion: string;
  readonly recipes: number;
  readonly buildErrors: number;
  readonly findings: number;
  readonly scripts: number;
  readonly accepted: number;
  readonly refused: readonly { statement: string; error: string }[];
  readonly ms: number;
}

export interface RandomSection {
  readonly pipelines: number;
  readonly seed: number;
  readonly results: readonly RandomTargetResult[];
}

export function randomTargets(d: RandomSection): TargetRow[] {
  return d.results.map((r) => ({
    what: `random pipelines: scripts synth writes that Flink ${r.flinkVersion}'s planner accepts (${r.recipes} recipes)`,
    goal: "100%",
    measured: `${r.accepted} of ${r.scripts}`,
    ok: r.accepted === r.scripts,
    runs: "1 of 1",
    from: "bench §5",
  }));
}

function randomMarkdown(d: RandomSection): string[] {
  const pct = (a: number, b: number): string => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
  const md = [
    `${d.pipelines} random pipelines per Flink target (test/flink/random-pipelines.ts, fast-check seed ${d.seed}), built through the DSL as plain JavaScript, synthesised, and every script synth wrote validated by Flink's planner in one JVM per target. Target: 100% of the scripts synth writes are accepted.`,
    "",
    "| Flink | recipes | refused while building | refused by analysis | scripts | accepted by Flink's planner | acceptance | wall s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of d.results) md.push(`| ${r.flinkVersion} | ${r.recipes} | ${r.buildErrors} | ${r.findings} | ${r.scripts} | ${r.accepted} | ${pct(r.accepted, r.scripts)} ${r.accepted === r.scripts ? "PASS" : "FAIL"} | ${f0(r.ms / 1000)} |`);
  for (const r of d.results) for (const x of r.refused.slice(0, 10)) md.push("", `- Flink ${r.flinkVersion} refused \`${x.statement}\`: ${x.error}`);
  return md;
}

// ---- section 6: pipeline tests (streamt-sdk/testing) ------------------------------------------------------

export interface PipelineTestsSection {
  /** The tests after the first one, and how many passed. */
  readonly tests: number;
  readonly passed: number;
  readonly firstPassed: boolean;
  /** From vitest's launch until the first test had run its job (broker, warm JVM and its MiniCluster, first job). */
  readonly firstStartMs: number;
  /** The first test alone, as vitest reports it (the JVM and MiniCluster start, and its job). */
  readonly firstTestMs: number;
  /** From the end of the first test to the end of the last. */
  readonly suiteMs: number;
  /** Each of the tests after the first, as vitest reports it. */
  readonly perTestMs: readonly number[];
  /** The whole vitest process, including the broker's and the JVM's shut-down. */
  readonly wallMs: number;
  /** 1-minute load average just before vitest started and just after it ended. */
  readonly load: { readonly before: number; readonly after: number };
}

/** Issue 12: "a 20-test suite well under a minute after the first start". */
export const PIPELINE_TESTS_TARGET_MS = 60_000;

export function pipelineTestsTargets(d: PipelineTestsSection): TargetRow[] {
  return [
    {
      what: `${d.tests} pipeline tests (streamt-sdk/testing) after the first start: wall time`,
      goal: `well under ${f0(PIPELINE_TESTS_TARGET_MS / 1000)} s`,
      measured: `${f1(d.suiteMs / 1000)} s (${okOf(d.passed, d.tests)} passed)`,
      ok: d.passed === d.tests && d.suiteMs < PIPELINE_TESTS_TARGET_MS,
      runs: "1 of 1",
      from: "issue 12",
    },
  ];
}

function pipelineTestsMarkdown(d: PipelineTestsSection): string[] {
  return [
    `bench/testing-suite/pipeline-tests.test.ts: ${d.tests} tests written with streamt-sdk/testing over three example pipelines (an upsert aggregate, an hourly window with a watermark step and a late row, an interval join), each producing its rows, running one bounded job and comparing its sink's records exactly, after a first test that pays the start. vitest runs them as a user's project does (bench/testing-suite/vitest.config.ts: the SDK's global setup, one Kafka broker and one warm JVM whose single MiniCluster runs every test job), in one run. Load average ${f1(d.load.before)} when vitest started, ${f1(d.load.after)} when it ended.`,
    "",
    `- first start, from vitest's launch until the first test had run its job (vitest, the broker, the warm JVM and its MiniCluster, the first job): ${f1(d.firstStartMs / 1000)} s, of which the first test ${f1(d.firstTestMs / 1000)} s (${d.firstPassed ? "passed" : "**failed**"})`,
    `- the ${d.tests} tests after it: ${f1(d.suiteMs / 1000)} s wall, ${okOf(d.passed, d.tests)} passed; per test ${cell(stats(d.perTestMs), (n) => f2(n / 1000))} s (median (min–max))`,
    `- the whole vitest process, with the shut-down of the broker and the JVM: ${f1(d.wallMs / 1000)} s`,
  ];
}

// ---- section 7: side by side with streamt's compile -----------------------------------------------------------

/** The three commands compared: the SDK's synth with and without its type-check, and streamt's compile. */
export type StreamtTool = "sdk" | "sdk-no-typecheck" | "streamt";
const TOOLS: readonly StreamtTool[] = ["sdk", "sdk-no-typecheck", "streamt"];
const TOOL_LABEL: Record<StreamtTool, string> = { sdk: "`streamt-sdk synth`", "sdk-no-typecheck": "`streamt-sdk synth --no-typecheck`", streamt: "`streamt compile`" };

/** One run of one command: the figures of a synth run, plus which command it was. */
export type StreamtSideRun = Pick<SynthRun, "size" | "kind" | "rep" | "ok" | "failure" | "wallMs" | "cpuMs" | "peakRssMb"> & {
  readonly tool: StreamtTool;
  /** Pipelines the SDK synthesised, or Flink jobs in streamt's manifest. */
  readonly artifacts: number;
};

/** The streamt measured and the environment it ran in (bench/streamt-side.ts installStreamt). */
export interface StreamtInstall {
  readonly checkout: string;
  readonly commit: string;
  /** The commit's date: the dependencies are the releases uploaded before it. */
  readonly committedAt: string;
  readonly python: string;
  /** `pip freeze` of its virtual environment. */
  readonly packages: readonly string[];
  /** Requirements of its pyproject.toml left out (not imported by compile). */
  readonly omitted: readonly string[];
}

/** Flink's planner's verdict on one shape's script from each side. */
export interface PlannedShape {
  readonly shape: string;
  readonly pipeline: string;
  readonly sdk: { readonly ok: boolean; readonly error?: string };
  readonly streamt: { readonly ok: boolean; readonly error?: string };
}

export interface StreamtSideSection {
  /** Which SDK build the CLI ran. */
  readonly sdk: string;
  readonly streamt: StreamtInstall;
  readonly sizes: readonly number[];
  readonly reps: number;
  /** What the streamt models cannot express of the SDK's pipelines. */
  readonly differences: readonly string[];
  /** Flink's planner over the first pipeline of each shape from both outputs. */
  readonly planner: { readonly skipped: string } | { readonly flinkVersion: string; readonly shapes: readonly PlannedShape[] };
  readonly runs: readonly StreamtSideRun[];
}

/** Issue 14: at 1,000 pipelines, first run, the SDK at least this many times faster than streamt's compile. */
export const STREAMT_SPEEDUP_GOALS: readonly { readonly tool: Exclude<StreamtTool, "streamt">; readonly label: string; readonly goal: number }[] = [
  { tool: "sdk", label: "default synth (with type-check)", goal: 3 },
  { tool: "sdk-no-typecheck", label: "`--no-typecheck`", goal: 10 },
];

const sideRuns = (d: StreamtSideSection, size: number, tool: StreamtTool, kind: SynthKind) => d.runs.filter((r) => r.size === size && r.tool === tool && r.kind === kind);

/**
 * streamt's figure / the SDK's, per repetition, over the repetitions where both succeeded: how many
 * times faster (or lighter) the SDK is. `all` counts the repetitions that ran both.
 */
function sideRatio(d: StreamtSideSection, size: number, tool: StreamtTool, kind: SynthKind, metric: "wallMs" | "cpuMs" | "peakRssMb"): { s: Stats; pairs: number; all: number } {
  const ours = sideRuns(d, size, tool, kind);
  const theirs = sideRuns(d, size, "streamt", kind);
  const all = ours.filter((a) => theirs.some((b) => b.rep === a.rep)).length;
  const ratios = ours.flatMap((a) => theirs.filter((b) => b.rep === a.rep && a.ok && b.ok && a[metric] !== null && b[metric] !== null).map((b) => b[metric]! / a[metric]!));
  return { s: stats(ratios), pairs: ratios.length, all };
}

export function streamtSideTargets(d: StreamtSideSection | null): TargetRow[] {
  return STREAMT_SPEEDUP_GOALS.map(({ tool, label, goal }) => {
    const what = `1,000 pipelines, ${label}: first synth in a fresh clone, ≥ ${goal}× faster than streamt's compile (paired ratio of wall times, streamt / SDK)`;
    const row = { what, goal: `≥ ${goal}×`, from: "issue 14" };
    if (!d) return { ...row, measured: "not measured: needs a checkout of conduktor/streamt (`npm run bench -- --streamt <dir> --streamt-only`)", ok: null, runs: "–" };
    if (!d.sizes.includes(1000)) return { ...row, measured: `not measured at 1,000 pipelines (section 7 ran ${d.sizes.join(", ")})`, ok: null, runs: "–" };
    const r = sideRatio(d, 1000, tool, "cold", "wallMs");
    const ours = stats(sideRuns(d, 1000, tool, "cold").filter((x) => x.ok).map((x) => x.wallMs));
    const theirs = stats(sideRuns(d, 1000, "streamt", "cold").filter((x) => x.ok).map((x) => x.wallMs));
    const measured =
      r.pairs === 0
        ? "no repetition where both succeeded (section 7 lists the failures)"
        : `${cell(r.s, f2)}×: SDK ${f0(ours.median)} ms, streamt ${f0(theirs.median)} ms (medians); streamt commit ${d.streamt.commit.slice(0, 12)}`;
    return { ...row, measured, ok: r.pairs === 0 ? null : r.s.median >= goal, runs: `${r.pairs} of ${r.all} pairs` };
  });
}

function streamtSideMarkdown(d: StreamtSideSection): string[] {
  const st = d.streamt;
  const md: string[] = [
    `streamt (github conduktor/streamt, the Python/YAML tool) at commit ${st.commit} (${st.committedAt}), run from its sources (\`python -m streamt compile --project-dir <project> --output <project>/generated\`) with ${st.python} in a throwaway virtual environment (bench/generated/streamt-side/, gitignored): its pyproject.toml's requirements as they resolved on the commit's date (\`pip install --uploaded-prior-to\`: streamt pins lower bounds only, and a later sqlglot removed a token type its Flink dialect names); left out: ${st.omitted.join(", ") || "nothing"}, which only \`streamt apply\` imports. Installed: ${st.packages.join(", ")}. The SDK side runs ${d.sdk}.`,
    "",
    `The same pipelines on both sides: bench/generate.ts's four shapes in turn (filter + projection; tumbling-window aggregate on event time; interval join of two sources; non-windowed aggregate with a TTL over a filter), 100 per module; for streamt one model per pipeline with the same SQL meaning, 100 models per YAML file in models/, each file's two sources (columns, event time, 5 s bounded watermark) in sources/, one stream_project.yml. Per size and repetition, in turn (order reversed on odd repetitions): synth with type-check, synth --no-typecheck, streamt compile; each first cold, then after the same one-module edit (the filter threshold of the module's first pipeline), then unchanged. ${d.reps} repetition(s); figures are median (min–max) over the runs that succeeded, ratios are streamt / SDK per repetition (above 1: the SDK is faster or lighter).`,
    "",
    "- **Cold**: the SDK as in §1 (no output folder, no type-check cache, a new TMPDIR for tsx's transform cache); streamt with no output folder and no byte-code of its own modules (every `__pycache__` under its sources deleted; its dependencies keep the byte-code pip compiled when installing them, as after any install). Its warm runs have the byte-code its cold run wrote (the bench empties this machine's `PYTHONDONTWRITEBYTECODE`, as Python caches byte-code by default). Neither side's operating-system file cache is dropped.",
    "- **A run counts only when it produced its output**: the SDK's as in §1 (exit 0, `ok`, the edit in the edited pipeline's script); streamt's when it exits 0 and its manifest lists one Flink job and one topic per pipeline, with one script each in flink/, and after the edit the edited model's script holds the new threshold.",
    "- **Watch**: streamt has no watch mode (its commands are validate, compile, plan, apply, test, lineage, status, docs and envs; none watches files): every save is a new `streamt compile`, the *edit* rows below. The SDK's `synth --watch` is measured in §1.",
    "",
    "| pipelines | situation | command | wall ms | CPU ms | peak RSS MB | runs ok | streamt / SDK: wall | CPU | peak RSS |",
    "|---:|---|---|---|---|---|---|---|---|---|",
  ];
  for (const size of d.sizes) {
    for (const kind of SYNTH_KINDS) {
      for (const tool of TOOLS) {
        const rs = sideRuns(d, size, tool, kind);
        const ok = rs.filter((r) => r.ok);
        const ratio = (m: "wallMs" | "cpuMs" | "peakRssMb") => {
          const r = sideRatio(d, size, tool, kind, m);
          return r.pairs === 0 ? "n/a" : `${cell(r.s, f2)}× (${r.pairs} pairs)`;
        };
        const ratios = tool === "streamt" ? "– | – | –" : `${ratio("wallMs")} | ${ratio("cpuMs")} | ${ratio("peakRssMb")}`;
        md.push(`| ${size.toLocaleString("en")} | ${KIND_LABEL[kind]} | ${TOOL_LABEL[tool]} | ${cell(stats(ok.map((r) => r.wallMs)))} | ${cell(stats(ok.map((r) => r.cpuMs)))} | ${cell(stats(ok.map((r) => r.peakRssMb)))} | ${okOf(ok.length, rs.length)} | ${ratios} |`);
      }
    }
  }
  const failed = d.runs.filter((r) => !r.ok);
  if (failed.length > 0) md.push("", "Failed runs (counted, kept out of the medians):", "", ...failed.map((r) => `- ${r.size} pipelines, ${TOOL_LABEL[r.tool]}, ${r.kind}, repetition ${r.rep + 1}: ${r.failure ?? "failed"}`));
  md.push("", "How the streamt models differ from the SDK's pipelines (what streamt cannot express, and what the models add so Flink accepts them):", "", ...d.differences.map((x) => `- ${x}`));
  const planner = d.planner;
  if ("skipped" in planner) md.push("", `Flink's planner over both outputs: not run (${planner.skipped}).`);
  else {
    const verdict = (v: { ok: boolean; error?: string }) => (v.ok ? "accepted" : `**refused**: ${(v.error ?? "").replaceAll("|", "\\|").slice(0, 300)}`);
    md.push(
      "",
      `Is each output a job Flink would run? The first pipeline of each shape, from each side's last output at ${d.sizes[0]!.toLocaleString("en")} pipelines, through Flink ${planner.flinkVersion}'s own planner (the SDK's PlannerValidator: DDL registered, every INSERT planned, nothing run):`,
      "",
      "| shape | pipeline | SDK script | streamt script |",
      "|---|---|---|---|",
      ...planner.shapes.map((x) => `| ${x.shape} | ${x.pipeline} | ${verdict(x.sdk)} | ${verdict(x.streamt)} |`),
    );
  }
  return md;
}

// ---- RESULTS.md ------------------------------------------------------------------------------------------

const notMeasured = (section: SectionName, how: string) => [`Not measured yet: bench/results/${section}.json does not exist (${how}).`];

/** Renders bench/RESULTS.md from bench/results/*.json and bench/ANALYSIS.md. */
export function renderResults(): { missed: number } {
  const synth = readSection<SynthSection>("synth");
  const tsc = readSection<TypecheckSection>("typecheck");
  const jobs = readSection<JobSpeedResult>("job-speed");
  const validation = readSection<ValidationSection>("validation");
  const random = readSection<RandomSection>("random-pipelines");
  const pipelineTests = readSection<PipelineTestsSection>("pipeline-tests");
  const side = readSection<StreamtSideSection>("streamt-side");

  const targets: (TargetRow & { in: string })[] = [];
  const add = (n: number, r: SectionRecord<unknown>, rows: readonly TargetRow[]) => targets.push(...rows.map((t) => ({ ...t, in: measuredIn(n, r) })));
  if (synth) add(1, synth, synthTargets(synth.data));
  // Issue 14's comparisons with streamt's compile, next to §1's synth rows.
  if (side) add(7, side, streamtSideTargets(side.data));
  else targets.push(...streamtSideTargets(null).map((t) => ({ ...t, in: "–" })));
  if (tsc) add(2, tsc, typecheckTargets(tsc.data));
  const deep = (synth ? synthDeepErrors(synth.data) : 0) + (tsc ? tsc.data.runs.reduce((n, r) => n + r.excessivelyDeep, 0) : 0);
  if (synth && tsc) {
    targets.push({ what: `"excessively deep" (TS2589) errors: tsc at 1,000 and every synth type-check`, goal: "0", measured: String(deep), ok: deep === 0, runs: `${synth.data.runs.filter((r) => r.typecheck).length + tsc.data.runs.length} runs`, from: "issue 5", in: `§1 and §2` });
  }
  if (jobs) add(3, jobs, jobSpeedTargets(jobs.data));
  else targets.push(...jobSpeedTargets(null).map((t) => ({ ...t, in: "–" })));
  if (random) add(5, random, randomTargets(random.data));
  else targets.push({ what: "random pipelines: scripts synth writes that Flink's planner accepts", goal: "100%", measured: "no bench/results/random-pipelines.json yet: run `npm run bench` without --no-validate", ok: null, runs: "–", from: "bench §5", in: "–" });
  if (pipelineTests) add(6, pipelineTests, pipelineTestsTargets(pipelineTests.data));
  else targets.push({ what: "20 pipeline tests (streamt-sdk/testing) after the first start: wall time", goal: "well under 60 s", measured: "no bench/results/pipeline-tests.json yet: run `npm run bench -- --tests-only`", ok: null, runs: "–", from: "issue 12", in: "–" });
  const missed = targets.filter((t) => t.ok === false).length;

  const latest = [synth, tsc, jobs, validation, random, pipelineTests, side].filter((r) => r !== null).sort((a, b) => b.date.localeCompare(a.date))[0];
  const md: string[] = [
    "# streamt-sdk benchmarks",
    "",
    "Rendered by bench/render-results.ts from the raw results in bench/results/*.json, which `npm run bench` (bench/run.ts) and `bench/job-speed.ts` write, one file per section. Each section states when, at which commit and by which command it was measured, and how busy the machine was; a section that was not re-run keeps its own figures and stamp. Do not edit by hand: run the bench again, or `node --conditions=streamt-source --import tsx bench/render-results.ts` to re-render.",
    "",
    "## Machine",
    "",
    latest
      ? `- ${latest.machine.cores} cores (${latest.machine.model}), ${latest.machine.memoryGiB} GiB memory, ${latest.machine.os}, node ${latest.machine.node}`
      : "- no section measured yet",
    "- this machine is shared with other sessions' builds and tests: each section gives its load average; figures are median (min–max) over the runs that succeeded, and comparisons are ratios of runs interleaved in the same session, paired by repetition",
    "",
    "## Targets",
    "",
    `${missed} of ${targets.length} targets missed; ${targets.filter((t) => t.ok === null).length} not measured (the row says why).`,
    "",
    "| target | goal | measured | runs ok | | goal from | measured in |",
    "|---|---|---|---|---|---|---|",
    ...targets.map((t) => `| ${t.what} | ${t.goal} | ${t.measured} | ${t.runs} | ${verdict(t.ok)} | ${t.from} | ${t.in} |`),
    "",
    "## 1. Synth at scale",
    "",
    ...(synth ? [stampLine(synth), "", ...synthMarkdown(synth.data)] : notMeasured("synth", "run `npm run bench`")),
    "",
    "## 2. Type-checking cost of the typed DSL",
    "",
    ...(tsc ? [stampLine(tsc), "", ...typecheckMarkdown(tsc.data)] : notMeasured("typecheck", "run `npm run bench`")),
    "",
    "## 3. Generated job speed",
    "",
    ...(jobs ? [stampLine(jobs), "", ...jobSpeedMarkdown(jobs.data)] : notMeasured("job-speed", "run `npm run bench` without --no-jobs, or bench/job-speed.ts")),
    "",
    "## 4. Validation cost",
    "",
    ...(validation ? [stampLine(validation), "", ...validationMarkdown(validation.data)] : notMeasured("validation", "run `npm run bench` without --no-validate")),
    "",
    "## 5. Random pipelines: what synth accepts, Flink accepts",
    "",
    ...(random ? [stampLine(random), "", ...randomMarkdown(random.data)] : notMeasured("random-pipelines", "run `npm run bench` without --no-validate")),
    "",
    "## 6. Pipeline tests: a 20-test suite on one broker and one warm MiniCluster",
    "",
    ...(pipelineTests ? [stampLine(pipelineTests), "", ...pipelineTestsMarkdown(pipelineTests.data)] : notMeasured("pipeline-tests", "run `npm run bench -- --tests-only`")),
    "",
    "## 7. Side by side with streamt's compile",
    "",
    ...(side ? [stampLine(side), "", ...streamtSideMarkdown(side.data)] : notMeasured("streamt-side", "run `npm run bench -- --streamt <checkout of conduktor/streamt> --streamt-only`")),
  ];
  const notes = path.join(BENCH_DIR, "ANALYSIS.md");
  if (existsSync(notes)) md.push("", readFileSync(notes, "utf8").trim());
  md.push("");
  writeFileSync(RESULTS_MD, md.join("\n"));
  return { missed };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { missed } = renderResults();
  process.stderr.write(`wrote ${path.relative(process.cwd(), RESULTS_MD)} (${missed} target(s) missed)\n`);
}
