/**
 * The benchmarks of issue 5 (and the user-facing synth figures of issues 14 and 17), written to
 * bench/results/<section>.json and rendered into bench/RESULTS.md (bench/render-results.ts).
 *
 *   npm run bench               full run (about 16 minutes on 2 cores, 14 of them the job-speed section)
 *   npm run bench -- --quick    fewer repetitions, for a quick look
 *   options: --no-validate (skip the planner validation, sections 4 and 5), --no-profile (skip the CPU
 *            profile of a missed target), --no-jobs (skip section 3, the speed of generated jobs on the
 *            local broker and MiniCluster: bench/job-speed.ts, which also runs on its own),
 *            --synth-only (section 1 alone, synth at scale and synth --watch; the others keep their JSON)
 *            --tests-only (section 6 alone: a 20-test streamt-sdk/testing suite, bench/testing-bench.ts)
 *            --streamt <dir> (section 7: side by side with streamt's compile, from a checkout of
 *            github conduktor/streamt; bench/streamt-side.ts; skipped with a note without it)
 *            --streamt-only (section 7 alone), --streamt-sizes 100,1000 (its sizes; default 100,1000,3000)
 *
 * A section that is skipped keeps its previous JSON, so RESULTS.md shows it with its own date and commit.
 * Every measurement is repeated and reported as median/min/max over the runs that succeeded, with the
 * count of those that did not. Comparisons (3,000 vs 1,000 pipelines, typed DSL vs `any`) are runs
 * interleaved in the same session, and their ratios are taken per repetition (paired), because this
 * machine is shared and noisy.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { editFilterThreshold, generateProject, installSdkSnapshot, GENERATED_DIR, BENCH_DIR, SDK_SNAPSHOT, type GeneratedProject } from "./generate.js";
import { profileFiles, summariseProfile } from "./profile.js";
import {
  f0,
  KIND_LABEL,
  LoadSampler,
  renderResults,
  STAGES,
  synthTargets,
  writeSection,
  type RandomSection,
  type RandomTargetResult,
  type RunnerFirstUse,
  type Stage,
  type SynthKind,
  type SynthRun,
  type SynthSection,
  type WatchRun,
  type TscRun,
  type TypecheckSection,
  type ValidationSection,
} from "./render-results.js";

const REPO = path.resolve(BENCH_DIR, "..");
const CLI = path.join(SDK_SNAPSHOT, "bin/streamt-sdk.js");
const TSC = path.join(REPO, "node_modules/typescript/lib/tsc.js");

const argv = process.argv.slice(2);
const OPTIONS = ["--quick", "--no-validate", "--no-profile", "--no-jobs", "--synth-only", "--tests-only", "--streamt-only"];
const VALUE_OPTIONS = ["--streamt", "--streamt-sizes"];
function usageError(message: string): never {
  console.error(`bench: ${message}; the options are ${[...OPTIONS, ...VALUE_OPTIONS.map((o) => `${o} <value>`)].join(", ")}`);
  process.exit(2);
}
const values = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (VALUE_OPTIONS.includes(a)) {
    const v = argv[++i];
    if (v === undefined || v.startsWith("--")) usageError(`${a} needs a value`);
    values.set(a, v);
  } else if (!OPTIONS.includes(a)) usageError(`unknown option ${a}`);
}
const QUICK = argv.includes("--quick");
const VALIDATE = !argv.includes("--no-validate");
const PROFILE = !argv.includes("--no-profile");
const JOBS = !argv.includes("--no-jobs");
const SYNTH_ONLY = argv.includes("--synth-only");
const TESTS_ONLY = argv.includes("--tests-only");
/** Section 7 runs only when given a checkout of streamt (github conduktor/streamt). */
const STREAMT_CHECKOUT = values.get("--streamt") ?? null;
const STREAMT_ONLY = argv.includes("--streamt-only");
const STREAMT_SIZES = (values.get("--streamt-sizes") ?? "100,1000,3000").split(",").map(Number);
if (STREAMT_SIZES.some((n) => !Number.isInteger(n) || n < 1)) usageError(`--streamt-sizes takes pipeline counts separated by commas, e.g. 100,1000 (got ${values.get("--streamt-sizes")})`);
if (STREAMT_ONLY && STREAMT_CHECKOUT === null) usageError("--streamt-only needs --streamt <checkout of github conduktor/streamt>");
if (STREAMT_CHECKOUT !== null && (argv.includes("--synth-only") || argv.includes("--tests-only"))) usageError("--streamt adds section 7, which --synth-only and --tests-only leave out: add --streamt-only to run it alone");
if (STREAMT_CHECKOUT !== null && !existsSync(STREAMT_CHECKOUT)) usageError(`--streamt ${STREAMT_CHECKOUT}: no such folder`);
const COMMAND = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const SIZES = [10, 100, 1000, 3000] as const;
// --synth-only: three repetitions of everything (the medians of issue 14's targets), the section in ~15 minutes.
// A watch process times many saves: each is short, and its median is the target's figure.
const REPS = QUICK ? { synth: 2, synthTypecheck: 1, tsc: 1, watchSaves: 3 } : SYNTH_ONLY ? { synth: 3, synthTypecheck: 3, tsc: 0, watchSaves: 12 } : { synth: 7, synthTypecheck: 3, tsc: 5, watchSaves: 12 };
/** Section 7: each repetition is a cold, an edit and an unchanged run of each of the three commands. */
const STREAMT_REPS = QUICK ? 1 : 3;

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

// ---- running a process: wall time and peak RSS --------------------------------------------------

interface ProcessRun {
  readonly code: number | null;
  readonly wallMs: number;
  /** Peak resident set size of the process, MB (null if it could not be measured). */
  readonly peakRssMb: number | null;
  /** User + system CPU time of the process, ms (GNU time only): less inflated than wall time on a busy machine. */
  readonly cpuMs: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = ["/usr/bin/time"].find((p) => existsSync(p) && spawnSync(p, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0) ?? null;
const RSS_METHOD = GNU_TIME ? "GNU time (%M, maximum resident set size; CPU time from %U + %S)" : process.platform === "linux" ? "polling /proc/<pid>/status VmHWM every 5 ms (CPU time not measured)" : "not measured";

/** Runs a command to its end; peak RSS and CPU time from GNU time when installed, else RSS by polling VmHWM. */
function runProcess(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<ProcessRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "streamt-bench-"));
  const timeFile = path.join(tmp, "time.txt");
  const [file, fileArgs] = GNU_TIME ? [GNU_TIME, ["-f", "%M %U %S", "-o", timeFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, fileArgs, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let polledKb = 0;
    const poll = GNU_TIME
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (m) polledKb = Math.max(polledKb, Number(m[1]));
          } catch {
            // The process has exited between polls.
          }
        }, 5);
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      if (poll) clearInterval(poll);
      let peakKb: number | null = polledKb > 0 ? polledKb : null;
      let cpuMs: number | null = null;
      if (GNU_TIME) {
        // The last line (GNU time writes "Command exited with non-zero status" above it on a failure).
        const m = existsSync(timeFile) ? /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, "utf8").trim()) : null;
        peakKb = m ? Number(m[1]) : null;
        cpuMs = m ? (Number(m[2]) + Number(m[3])) * 1000 : null;
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, wallMs, peakRssMb: peakKb === null ? null : peakKb / 1024, cpuMs, stdout, stderr });
    });
  });
}

// ---- 1. synth at scale ----------------------------------------------------------------------------

/** The TMPDIR of the warm runs: its tsx transform cache is filled once, unmeasured, at the start. */
const WARM_TMPDIR = mkdtempSync(path.join(os.tmpdir(), "streamt-bench-warm-"));

interface SynthOptions {
  readonly kind: SynthKind;
  readonly rep: number;
  readonly extraNodeArgs?: readonly string[];
  /** Made before the run; the run counts only if the pipeline's script shows it. */
  readonly edit?: ReturnType<typeof editFilterThreshold>;
}

/**
 * One `streamt-sdk synth` process. A cold run gets an empty output folder, a new, empty TMPDIR
 * (tsx caches its transforms in $TMPDIR/tsx-<uid>) and no type-check cache; the others run over the
 * previous output with the warm TMPDIR and the type-check cache the previous run left.
 */
async function synthOnce(p: GeneratedProject, typecheck: boolean, o: SynthOptions): Promise<SynthRun> {
  const out = path.join(p.dir, "streamt.out");
  const coldTmp = o.kind === "cold" ? mkdtempSync(path.join(os.tmpdir(), "streamt-bench-cold-")) : null;
  if (o.kind === "cold") {
    rmSync(out, { recursive: true, force: true });
    // A fresh clone has no type-check cache (node_modules/.cache/streamt-sdk/, synth/cache.ts).
    rmSync(path.join(p.dir, "node_modules", ".cache"), { recursive: true, force: true });
  }
  const args = [...(o.extraNodeArgs ?? []), CLI, "synth", ...p.entries, "--out", "streamt.out", "--json", ...(typecheck ? [] : ["--no-typecheck"])];
  const r = await runProcess(process.execPath, args, p.dir, { TMPDIR: coldTmp ?? WARM_TMPDIR });
  if (coldTmp) rmSync(coldTmp, { recursive: true, force: true });
  let json: { ok?: boolean; pipelines?: string[]; diagnostics?: { code: string }[]; timingsMs?: Partial<Record<Stage, number>> } = {};
  let failure: string | undefined;
  try {
    json = JSON.parse(r.stdout) as typeof json;
  } catch {
    failure = `printed no JSON (exit ${r.code}): ${r.stderr.trim().split("\n").find((l) => /error/i.test(l))?.slice(0, 200) ?? "no message"}`;
  }
  const diagnostics: Record<string, number> = {};
  for (const d of json.diagnostics ?? []) diagnostics[d.code] = (diagnostics[d.code] ?? 0) + 1;
  if (!failure && (r.code !== 0 || json.ok !== true)) failure = `exit ${r.code}${Object.keys(diagnostics).length ? `; ${Object.keys(diagnostics).join(", ")}` : ""}`;
  if (!failure && o.edit) {
    const script = path.join(out, `${o.edit.pipeline}.sql`);
    const text = existsSync(script) ? readFileSync(script, "utf8") : "";
    if (!text.includes(o.edit.expectedSql)) failure = `the edit of ${o.edit.module} did not reach ${o.edit.pipeline}.sql (no "${o.edit.expectedSql}")`;
  }
  const run: SynthRun = {
    size: p.size,
    typecheck,
    kind: o.kind,
    rep: o.rep,
    ok: failure === undefined,
    ...(failure ? { failure } : {}),
    wallMs: r.wallMs,
    cpuMs: r.cpuMs,
    peakRssMb: r.peakRssMb,
    stages: Object.fromEntries(STAGES.map((s) => [s, json.timingsMs?.[s] ?? 0])) as Record<Stage, number>,
    pipelines: json.pipelines?.length ?? 0,
    diagnostics,
    ...(o.edit ? { edit: { module: o.edit.module, pipeline: o.edit.pipeline, threshold: o.edit.threshold } } : {}),
  };
  if (failure) log(`synth of ${p.size} pipelines (${o.kind}${typecheck ? ", with type-check" : ""}) FAILED: ${failure}`);
  return run;
}

/**
 * The disk's share of a first synth: writes the files that synth just wrote, with the same calls and
 * no synth, into a new folder beside them. Creating files costs from 0.03 to 1 ms each on this
 * machine depending on the folder and the moment, so it is measured next to every first synth.
 */
function fileWriteProbe(p: GeneratedProject): { files: number; ms: number } {
  const out = path.join(p.dir, "streamt.out");
  const files = readdirSync(out).map((f) => ({ f, content: readFileSync(path.join(out, f), "utf8") }));
  const probe = path.join(p.dir, "streamt.out.io-probe");
  rmSync(probe, { recursive: true, force: true });
  mkdirSync(probe);
  const t = performance.now();
  for (const { f, content } of files) writeFileSync(path.join(probe, f), content);
  const ms = performance.now() - t;
  rmSync(probe, { recursive: true, force: true });
  return { files: files.length, ms };
}

function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return (r.stdout || r.stderr || "").trim().split("\n")[0] ?? "?";
}

async function synthSection(sdk: string, projects: ReadonlyMap<number, GeneratedProject>): Promise<SynthSection> {
  const p1000 = projects.get(1000)!;
  // Fill the warm TMPDIR's transform cache with every project's modules, unmeasured.
  for (const size of SIZES) await synthOnce(projects.get(size)!, false, { kind: "unchanged", rep: -1 });

  // Every size, with and without the type-check, interleaved; order reversed on odd repetitions so
  // drift in the machine's load spreads over all sizes. At 1,000 each mode runs the three situations
  // a user meets: first synth in a fresh clone, one module edited, nothing changed.
  const runs: SynthRun[] = [];
  const startups: SynthSection["startups"][number][] = [];
  const writeProbes: SynthSection["writeProbes"][number][] = [];
  let edits = 0;
  const reps = Math.max(REPS.synth, REPS.synthTypecheck);
  for (let rep = 0; rep < reps; rep++) {
    const startup = await runProcess(process.execPath, [CLI, "--version"], REPO);
    startups.push({ ok: startup.code === 0, wallMs: startup.wallMs, peakRssMb: startup.peakRssMb });
    for (const size of rep % 2 === 0 ? [...SIZES] : [...SIZES].reverse()) {
      const p = projects.get(size)!;
      for (const typecheck of rep % 2 === 0 ? [false, true] : [true, false]) {
        if (rep >= (typecheck ? REPS.synthTypecheck : REPS.synth)) continue;
        const mode = typecheck ? " with type-check" : "";
        if (size === 1000) {
          const cold = await synthOnce(p, typecheck, { kind: "cold", rep });
          runs.push(cold);
          if (!typecheck && cold.ok) {
            const probe = fileWriteProbe(p);
            writeProbes.push({ ...probe, firstSynthMs: cold.wallMs });
            log(`synth 1000 pipelines, cold (rep ${rep + 1}): ${f0(cold.wallMs)} ms; writing its ${probe.files} files alone: ${f0(probe.ms)} ms`);
          } else log(`synth 1000 pipelines${mode}, cold (rep ${rep + 1}): ${f0(cold.wallMs)} ms${cold.ok ? "" : " FAILED"}`);
          const edit = editFilterThreshold(p, edits % p.entries.length, 100_000 + edits);
          edits++;
          const edited = await synthOnce(p, typecheck, { kind: "edit", rep, edit });
          runs.push(edited);
          log(`synth 1000 pipelines${mode} after editing ${edit.module} (rep ${rep + 1}): ${f0(edited.wallMs)} ms${edited.ok ? "" : " FAILED"}`);
        }
        const r = await synthOnce(p, typecheck, { kind: "unchanged", rep });
        runs.push(r);
        log(`synth ${size} pipelines${mode}, unchanged (rep ${rep + 1}): ${f0(r.wallMs)} ms wall, ${f0(r.peakRssMb ?? NaN)} MB peak RSS${r.ok ? "" : " FAILED"}`);
      }
    }
  }

  // synth --watch at 1,000 pipelines, each mode in one warm process: the time from a module's save to
  // its edit in the output folder.
  const watch: WatchRun[] = [];
  for (const typecheck of [false, true]) watch.push(...(await watchRuns(p1000, typecheck, REPS.watchSaves, () => edits++)));

  const section: SynthSection = {
    quick: QUICK,
    sizes: SIZES,
    reps: { synth: REPS.synth, synthTypecheck: REPS.synthTypecheck },
    rssMethod: RSS_METHOD,
    sdk,
    typescript: versionOf(process.execPath, [TSC, "--version"]).replace(/^Version /, ""),
    sdkVersion: versionOf(process.execPath, [CLI, "--version"]),
    runs,
    startups,
    writeProbes,
    watch,
    profile: null,
  };
  if (!PROFILE) return section;
  // Profile the first situation without type-check whose issue-5 target is missed.
  const missed = synthTargets(section).filter((t) => t.from === "issue 5" && t.ok === false);
  if (missed.length === 0) return section;
  const kind = missed.find((t) => t.synthKind !== undefined)?.synthKind ?? "unchanged";
  log(`profiling synth of 1,000 pipelines without type-check, ${kind} (node --cpu-prof)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "streamt-prof-"));
  const edit = kind === "edit" ? editFilterThreshold(p1000, edits % p1000.entries.length, 100_000 + edits) : undefined;
  await synthOnce(p1000, false, { kind, rep: -1, extraNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`], ...(edit ? { edit } : {}) });
  // The main thread's profile is the largest; the other is tsx's loader thread.
  const summaries = profileFiles(dir).map((f) => summariseProfile(f, 20)).sort((a, b) => b.sampledMs - a.sampledMs);
  rmSync(dir, { recursive: true, force: true });
  return { ...section, profile: { what: `\`streamt-sdk synth\` of the 1,000-pipeline project without type-check (${kind}: ${KIND_LABEL[kind]})`, summaries } };
}

/**
 * Waits until a process is idle: its CPU time (user + system, all threads, from /proc) unchanged for
 * 300 ms; at most 60 s. Where there is no /proc, a second instead.
 */
async function untilIdle(pid: number): Promise<void> {
  const cpu = (): number | null => {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  };
  if (cpu() === null) return void (await new Promise((r) => setTimeout(r, 1_000)));
  const deadline = performance.now() + 60_000;
  let last = cpu();
  let stillSince = performance.now();
  while (performance.now() - stillSince < 300 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const now = cpu();
    if (now !== last) [last, stillSince] = [now, performance.now()];
  }
}

/**
 * One `synth --watch` process over the project: after its first run and one untimed save (the first
 * re-synth compiles the code paths a save takes; a user meets it once per session), `reps` saves of one
 * module each (a new filter threshold, in turn in each module), each timed from the write of the file
 * until the pipeline's script in the output folder shows it (polled every 5 ms), the next save only after
 * the watch reported that run and went idle (untilIdle: the save's type-check done), then 200 ms. Then
 * SIGTERM, whose exit code must be 0.
 */
async function watchRuns(p: GeneratedProject, typecheck: boolean, reps: number, nextEdit: () => number): Promise<WatchRun[]> {
  const mode = typecheck ? " with type-check" : "";
  const child = spawn(process.execPath, [CLI, "synth", ...p.entries, "--out", "streamt.out", "--watch", ...(typecheck ? [] : ["--no-typecheck"])], { cwd: p.dir, env: { ...process.env, TMPDIR: WARM_TMPDIR } });
  let lines = 0;
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (lines += d.toString().split("\n").length - 1));
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const until = async (done: () => boolean, ms: number): Promise<boolean> => {
    const deadline = performance.now() + ms;
    while (!done()) {
      if (performance.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  };
  const runs: WatchRun[] = [];
  const started = await until(() => lines >= 1, 300_000);
  for (let rep = -1; rep < reps && started; rep++) {
    const n = nextEdit();
    const before = lines;
    const t = performance.now();
    const edit = editFilterThreshold(p, n % p.entries.length, 100_000 + n);
    const script = path.join(p.dir, "streamt.out", `${edit.pipeline}.sql`);
    const seen = await until(() => existsSync(script) && readFileSync(script, "utf8").includes(edit.expectedSql), 120_000);
    const ms = performance.now() - t;
    await until(() => lines > before, 120_000);
    // What the save started is done (the type-check, in its thread, and the module cache's write): a user's
    // saves come minutes apart, not while the last one is still being checked.
    await untilIdle(child.pid!);
    // The warm-up save counts only when it fails.
    if (rep >= 0 || !seen) runs.push({ typecheck, rep, ok: seen, ...(seen ? {} : { failure: `the edit of ${edit.module} did not reach ${edit.pipeline}.sql in 120 s` }), ms });
    log(`synth --watch${mode} at ${p.size} pipelines: ${rep < 0 ? "warm-up save, " : ""}edit of ${edit.module} in the output after ${f0(ms)} ms${seen ? "" : " FAILED"}`);
    // A pause between saves, as between a user's.
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGTERM");
  const code = await exited;
  if (!started) runs.push({ typecheck, rep: -1, ok: false, failure: `no first run in 300 s: ${stderr.trim().split("\n").pop() ?? ""}`, ms: NaN });
  if (code !== 0) for (const r of runs) Object.assign(r, { ok: false, failure: `synth --watch exited with ${code} on SIGTERM` });
  return runs;
}

// ---- 2. type-checking cost ------------------------------------------------------------------------

async function tscOnce(p: GeneratedProject, rep: number): Promise<TscRun> {
  const r = await runProcess(process.execPath, [TSC, "--noEmit", "--extendedDiagnostics", "-p", path.join(p.dir, "tsconfig.json")], p.dir);
  const out = r.stdout + r.stderr;
  const num = (label: string): number => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+)(K|s)?`, "m").exec(out);
    if (!m) return NaN;
    return m[2] === "K" ? Number(m[1]) / 1024 : m[2] === "s" ? Number(m[1]) * 1000 : Number(m[1]);
  };
  return {
    variant: p.size === 0 ? "sdk-only" : p.variant,
    rep,
    ok: r.code === 0,
    errors: (out.match(/error TS\d+/g) ?? []).length,
    excessivelyDeep: (out.match(/TS2589|excessively deep/g) ?? []).length,
    instantiations: num("Instantiations"),
    types: num("Types"),
    checkMs: num("Check time"),
    totalMs: num("Total time"),
    memoryMb: num("Memory used"),
    wallMs: r.wallMs,
  };
}

async function typecheckSection(typed1000: GeneratedProject): Promise<TypecheckSection> {
  const anyProject = generateProject(1000, "any");
  // No pipelines, only the schemas: what checking the SDK's own declarations costs in both programs.
  const sdkOnly = generateProject(0);
  const runs: TscRun[] = [];
  for (let rep = 0; rep < REPS.tsc; rep++) {
    for (const p of rep % 2 === 0 ? [typed1000, anyProject, sdkOnly] : [sdkOnly, anyProject, typed1000]) {
      const r = await tscOnce(p, rep);
      runs.push(r);
      log(`tsc ${r.variant} ${p.size} pipelines (rep ${rep + 1}): check ${f0(r.checkMs)} ms, ${r.instantiations} instantiations, ${r.errors} errors${r.ok ? "" : " FAILED"}`);
    }
  }
  return { quick: QUICK, typescript: versionOf(process.execPath, [TSC, "--version"]).replace(/^Version /, ""), runs };
}

// ---- 4. validation cost ----------------------------------------------------------------------------

function exampleEntries(): string[] {
  const ex = path.join(REPO, "examples");
  const entries = readdirSync(ex).filter((f) => f.endsWith(".ts")).sort().map((f) => `examples/${f}`);
  if (existsSync(path.join(ex, "catalog-app/src/pipelines.ts"))) entries.push("examples/catalog-app/src/pipelines.ts");
  return entries;
}

type Runtime = typeof import("../packages/streamt-sdk/src/runtime/index.js");

const CHECKOUT_CLI = path.join(REPO, "packages/streamt-sdk/bin/streamt-sdk.js");

/** The checkout's CLI runs its compiled dist/ unless a file in src/ is newer (bin/streamt-sdk.js), then the sources through tsx. */
function checkoutDistIsCurrent(): boolean {
  const main = path.join(REPO, "packages/streamt-sdk/dist/cli/main.js");
  const src = path.join(REPO, "packages/streamt-sdk/src");
  if (!existsSync(main)) return false;
  const built = statSync(main).mtimeMs;
  return readdirSync(src, { recursive: true }).every((f) => statSync(path.join(src, String(f))).mtimeMs <= built);
}

/**
 * First use of the planner validator: the runner's Maven build. Timed when this run builds it; when it
 * is already built, a temporary copy of the runner's Maven project is built instead (Maven's local
 * repository is warm then, which the note says).
 */
async function runnerFirstUse(runtime: Runtime): Promise<RunnerFirstUse> {
  const lines: string[] = [];
  const t = performance.now();
  try {
    await runtime.buildRunner("2", (line) => {
      lines.push(line);
      log(`runner: ${line}`);
    });
  } catch (e) {
    return { how: "built", ms: performance.now() - t, ok: false, downloaded: 0, note: (e as Error).message.split("\n")[0]! };
  }
  const ms = performance.now() - t;
  const downloaded = lines.reduce((n, l) => n + Number(/downloaded (\d+) artifact/.exec(l)?.[1] ?? 0), 0);
  if (lines.some((l) => l.startsWith("compiling the runner"))) {
    return { how: "built", ms, ok: true, downloaded, note: downloaded > 0 ? "including Maven's downloads" : "Maven's local repository (~/.m2) already held Flink's jars, so nothing was downloaded" };
  }
  const copy = mkdtempSync(path.join(os.tmpdir(), "streamt-bench-runner-"));
  try {
    const dir = runtime.runnerDir();
    for (const f of readdirSync(dir)) if (!f.startsWith("target-")) cpSync(path.join(dir, f), path.join(copy, f), { recursive: true });
    log("runner already built: timing the build of a temporary copy (first use on a machine whose Maven repository is warm)");
    const r = await runProcess("bash", [path.join(copy, "build.sh"), "2"], copy, { MVN: runtime.findToolchain().mvn });
    return {
      how: "copy",
      ms: r.wallMs,
      ok: r.code === 0,
      downloaded: (r.stderr.match(/Downloaded from/g) ?? []).length,
      note: r.code === 0 ? "Maven's local repository (~/.m2) already held Flink's jars: this is Maven resolving and compiling, not the download a new machine makes first" : `exit ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`,
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function validationSection(): Promise<ValidationSection> {
  const skip = (why: string): ValidationSection => ({ skipped: why, modules: 0, pipelines: 0, failed: [], runnerFirstUse: null, startMs: 0, validateMs: 0, perScriptMs: [], cli: null });
  let runtime: Runtime;
  let synthMod: typeof import("../packages/streamt-sdk/src/synth/synth.js");
  try {
    runtime = await import("../packages/streamt-sdk/src/runtime/index.js");
    synthMod = await import("../packages/streamt-sdk/src/synth/synth.js");
  } catch (e) {
    return skip(`the runtime does not load: ${(e as Error).message.split("\n")[0]}`);
  }
  // Every example in one output folder, as `streamt-sdk validate` reads it.
  const out = path.join(GENERATED_DIR, "examples.out");
  const entries = exampleEntries();
  const result = await synthMod.synth({ entries, root: REPO, typecheck: false, flinkVersion: synthMod.DEFAULT_FLINK_VERSION, bootstrapServers: "localhost:9092", strict: false });
  if (!result.ok) return skip(`the examples do not synthesise together: ${result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`).join("; ").slice(0, 300)}`);
  synthMod.writeOutput(out, result.files);
  const scripts = result.files.filter((f) => f.path.endsWith(".sql")).map((f) => ({ id: f.path.replace(/\.sql$/, ""), script: f.content }));
  const firstUse = await runnerFirstUse(runtime);
  try {
    let t = performance.now();
    const validator = await runtime.PlannerValidator.start("2");
    // The first answer includes the JVM start and planner warm-up; time it separately with a trivial script.
    await validator.validate("warm-up", "SET 'pipeline.name' = 'warm-up';\n");
    const startMs = performance.now() - t;
    t = performance.now();
    const rs = await validator.validateAll(scripts);
    const validateMs = performance.now() - t;
    await validator.close();
    // The CLI end to end: node + tsx + JVM start + every script. The checkout's CLI, since the folder was
    // written by the checkout's sources (the bench's installed copy may be of an older commit).
    const fromDist = checkoutDistIsCurrent();
    const cli = await runProcess(process.execPath, [CHECKOUT_CLI, "validate", out, "--json"], REPO);
    if (cli.code !== 0) log(`streamt-sdk validate failed (exit ${cli.code}): ${cli.stderr.trim().split("\n").slice(-3).join(" ")}`);
    return {
      skipped: null,
      modules: entries.length,
      pipelines: rs.length,
      failed: rs.filter((r) => !r.ok).map((r) => r.id),
      runnerFirstUse: firstUse,
      startMs,
      validateMs,
      perScriptMs: rs.map((r) => r.ms),
      cli: { ok: cli.code === 0, wallMs: cli.wallMs, sdkFrom: fromDist ? "dist" : "sources" },
    };
  } catch (e) {
    return skip(`the planner validator failed: ${(e as Error).message.split("\n")[0]}`);
  }
}

// ---- 5. random pipelines: what synth accepts, Flink's planner accepts ---------------------------------

const RANDOM_PIPELINES = QUICK ? 200 : 1000;
const RANDOM_SEED = 20261130;

/** The generative test of test/flink at bench size: 1,000 random pipelines per Flink target, one JVM each. */
async function randomPipelinesSection(): Promise<RandomSection> {
  const fc = (await import("fast-check")).default;
  const { recipe, synthRecipe } = await import("../test/flink/random-pipelines.js");
  const runtime = await import("../packages/streamt-sdk/src/runtime/index.js");
  const results: RandomTargetResult[] = [];
  for (const [flinkVersion, target] of [["2.2", "2"], ["1.20", "1.20"]] as const) {
    await runtime.buildRunner(target, (line) => log(`runner: ${line}`));
    const t = performance.now();
    const cases = fc.sample(recipe(flinkVersion), { numRuns: RANDOM_PIPELINES, seed: RANDOM_SEED }).map(synthRecipe);
    const scripts = cases.flatMap((c, i) => (c.script !== undefined ? [{ id: `random-${i}`, script: c.script }] : []));
    const validator = await runtime.PlannerValidator.start(target);
    const rs = await validator.validateAll(scripts);
    await validator.close();
    results.push({
      flinkVersion,
      recipes: cases.length,
      buildErrors: cases.filter((c) => c.outcome === "build-error").length,
      findings: cases.filter((c) => c.outcome === "finding").length,
      scripts: scripts.length,
      accepted: rs.filter((r) => r.ok).length,
      refused: rs.flatMap((r) => (r.ok ? [] : [{ statement: r.statement.split("\n")[0]!, error: r.error.split("\n")[0]! }])),
      ms: performance.now() - t,
    });
  }
  return { pipelines: RANDOM_PIPELINES, seed: RANDOM_SEED, results };
}

// ---- the run ------------------------------------------------------------------------------------------

/** Section 6: the 20-test streamt-sdk/testing suite, one run. */
async function pipelineTestsSection(): Promise<void> {
  log("running a 20-test streamt-sdk/testing suite on one broker and one warm MiniCluster");
  const sampler = new LoadSampler();
  const { pipelineTestsBench } = await import("./testing-bench.js");
  const d = await pipelineTestsBench(log);
  writeSection("pipeline-tests", COMMAND, sampler, d);
  log(`first start ${f0(d.firstStartMs)} ms; ${d.passed} of ${d.tests} tests passed in ${f0(d.suiteMs)} ms after it`);
}

/**
 * Section 7: side by side with streamt's compile (bench/streamt-side.ts), when given a checkout.
 * Returns false when it could not run (the reason logged; its previous JSON kept).
 */
async function streamtSide(sdkBuild: () => { commit: string; description: string }): Promise<boolean> {
  if (STREAMT_CHECKOUT === null) {
    log("section 7 (side by side with streamt's compile) skipped: no --streamt <checkout of github conduktor/streamt> given; bench/results/streamt-side.json keeps the previous run");
    return true;
  }
  const { installStreamt, streamtSideSection } = await import("./streamt-side.js");
  let install: ReturnType<typeof installStreamt>;
  try {
    install = installStreamt(STREAMT_CHECKOUT, log);
  } catch (e) {
    log(`section 7 could not run: ${(e as Error).message}; bench/results/streamt-side.json keeps the previous run`);
    return false;
  }
  const sdk = sdkBuild();
  log(`section 7: the SDK against streamt ${install.commit.slice(0, 12)} at ${STREAMT_SIZES.join(", ")} pipelines, ${STREAMT_REPS} repetition(s); load average ${os.loadavg()[0]!.toFixed(1)}`);
  const sampler = new LoadSampler();
  const data = await streamtSideSection({ runProcess, synthOnce, log }, install, sdk.description, STREAMT_SIZES, STREAMT_REPS);
  const record = writeSection("streamt-side", COMMAND, sampler, data, sdk.commit);
  const l = record.machine.load;
  log(`section 7 done: load average ${l.start.toFixed(1)} at the start, median ${l.median.toFixed(1)}, max ${l.max.toFixed(1)}; ${data.runs.filter((r) => !r.ok).length} of ${data.runs.length} runs failed`);
  return true;
}

async function main(): Promise<void> {
  const began = performance.now();
  if (STREAMT_ONLY) {
    const ran = await streamtSide(() => {
      log("building the SDK of the commit checked out into bench/generated/node_modules/streamt-sdk");
      return installSdkSnapshot();
    });
    rmSync(WARM_TMPDIR, { recursive: true, force: true });
    const { missed } = renderResults();
    log(`done (--streamt-only) in ${f0((performance.now() - began) / 1000)} s; ${missed} target(s) missed; bench/RESULTS.md rendered`);
    if (!ran) process.exitCode = 1;
    return;
  }
  if (TESTS_ONLY) {
    await pipelineTestsSection();
    rmSync(WARM_TMPDIR, { recursive: true, force: true });
    const { missed } = renderResults();
    log(`done (--tests-only) in ${f0((performance.now() - began) / 1000)} s; ${missed} target(s) missed; bench/RESULTS.md rendered`);
    return;
  }
  log(`${COMMAND}: generating projects into ${path.relative(REPO, GENERATED_DIR)}/`);
  log("building the SDK of the commit checked out into bench/generated/node_modules/streamt-sdk");
  const sdk = installSdkSnapshot();
  const projects = new Map(SIZES.map((n) => [n, generateProject(n)]));

  // 1. Synth at scale.
  let sampler = new LoadSampler();
  const synth = await synthSection(sdk.description, projects);
  writeSection("synth", COMMAND, sampler, synth, sdk.commit);
  if (SYNTH_ONLY) {
    rmSync(WARM_TMPDIR, { recursive: true, force: true });
    const { missed } = renderResults();
    log(`done (--synth-only) in ${f0((performance.now() - began) / 1000)} s; ${missed} target(s) missed; bench/RESULTS.md rendered`);
    return;
  }

  // 2. tsc over the 1,000-pipeline project, typed vs any, interleaved. The project is written again:
  //    the edits of section 1 are gone.
  sampler = new LoadSampler();
  writeSection("typecheck", COMMAND, sampler, await typecheckSection(generateProject(1000)), sdk.commit);

  // 3. Generated job speed (one local broker, a MiniCluster per job).
  // Sections 3 to 5 run the SDK's sources in this process: one that cannot run (a checkout being edited,
  // no broker) is logged and keeps its previous JSON, which RESULTS.md shows with its own date.
  const optional = async (section: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (e) {
      log(`${section} could not run (${(e as Error).message.split("\n")[0]}): bench/results/${section}.json keeps the previous run`);
    }
  };
  if (JOBS) {
    await optional("job-speed", async () => {
      log("measuring generated job speed against hand-written Flink SQL on the local broker and MiniCluster");
      sampler = new LoadSampler();
      const { jobSpeedBench } = await import("./job-speed.js");
      const jobs = await jobSpeedBench({ quick: QUICK, log });
      if (jobs.skipped) throw new Error(jobs.skipped);
      writeSection("job-speed", COMMAND, sampler, jobs);
    });
  }
  if (VALIDATE) {
    await optional("validation", async () => {
      log("validating every example with Flink's planner in one JVM");
      sampler = new LoadSampler();
      const validation = await validationSection();
      if (validation.skipped) throw new Error(validation.skipped);
      writeSection("validation", COMMAND, sampler, validation);
      log(`validated ${validation.pipelines} pipelines in ${f0(validation.validateMs)} ms after a ${f0(validation.startMs)} ms JVM start`);
    });
    await optional("random-pipelines", async () => {
      log(`validating ${RANDOM_PIPELINES} random pipelines per Flink target`);
      sampler = new LoadSampler();
      const random = await randomPipelinesSection();
      writeSection("random-pipelines", COMMAND, sampler, random);
      for (const r of random.results) log(`Flink ${r.flinkVersion}: ${r.accepted} of ${r.scripts} scripts accepted (${r.buildErrors} + ${r.findings} of ${r.recipes} recipes refused by the SDK)`);
    });
  }

  await optional("pipeline-tests", pipelineTestsSection);
  await streamtSide(() => sdk);

  rmSync(WARM_TMPDIR, { recursive: true, force: true });
  const { missed } = renderResults();
  log(`wrote bench/results/*.json and bench/RESULTS.md (${missed === 0 ? "every target met" : `${missed} target(s) missed`}) in ${f0((performance.now() - began) / 1000)} s`);
}

await main();
