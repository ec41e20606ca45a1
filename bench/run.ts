/**
 * The benchmarks of issue 5, written to bench/RESULTS.md.
 *
 *   npm run bench               full run (about 16 minutes on 2 cores, 14 of them the job-speed section)
 *   npm run bench -- --quick    fewer repetitions, for a quick look
 *   options: --no-validate (skip the planner validation), --no-profile (skip the CPU profile of a missed target),
 *            --no-jobs (skip section 3, the speed of generated jobs on the local broker and MiniCluster:
 *            bench/job-speed.ts, which also runs on its own: node --import tsx bench/job-speed.ts)
 *
 * Every measurement is repeated and reported as median/min/max. Comparisons (3,000 vs 1,000 pipelines,
 * typed DSL vs `any`) are runs interleaved in the same session, and their ratios are taken per
 * repetition (paired), because this machine is shared and noisy.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateProject, GENERATED_DIR, BENCH_DIR, type GeneratedProject } from "./generate.js";
import { profileFiles, profileMarkdown, summariseProfile } from "./profile.js";
import { jobSpeedBench, jobSpeedMarkdown, type JobSpeedResult } from "./job-speed.js";

const REPO = path.resolve(BENCH_DIR, "..");
const CLI = path.join(REPO, "packages/streamt-sdk/bin/streamt-sdk.js");
const TSC = path.join(REPO, "node_modules/typescript/lib/tsc.js");
const RESULTS = path.join(BENCH_DIR, "RESULTS.md");

const argv = process.argv.slice(2);
const OPTIONS = ["--quick", "--no-validate", "--no-profile", "--no-jobs"];
const unknown = argv.filter((a) => !OPTIONS.includes(a));
if (unknown.length > 0) {
  console.error(`bench: unknown option ${unknown.join(", ")}; the options are ${OPTIONS.join(", ")}`);
  process.exit(2);
}
const QUICK = argv.includes("--quick");
const VALIDATE = !argv.includes("--no-validate");
const PROFILE = !argv.includes("--no-profile");
const JOBS = !argv.includes("--no-jobs");
const SIZES = [10, 100, 1000, 3000] as const;
const REPS = QUICK ? { synth: 2, synthTypecheck: 1, tsc: 1 } : { synth: 7, synthTypecheck: 3, tsc: 5 };

const TARGETS = {
  wall1000Ms: 1000,
  growth3000: 3.3,
  rss1000Mb: 300,
  typedVsAny: 2,
} as const;

// ---- small statistics ------------------------------------------------------------------------

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "n/a");
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");
const cell = (s: Stats, fmt = f0) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const pass = (ok: boolean) => (ok ? "**pass**" : "**FAIL**");

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

// ---- running a process: wall time and peak RSS --------------------------------------------------

interface ProcessRun {
  readonly code: number | null;
  readonly wallMs: number;
  /** Peak resident set size of the process, MB (null if it could not be measured). */
  readonly peakRssMb: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = ["/usr/bin/time"].find((p) => existsSync(p) && spawnSync(p, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0) ?? null;
const RSS_METHOD = GNU_TIME ? "GNU time (%M, maximum resident set size)" : process.platform === "linux" ? "polling /proc/<pid>/status VmHWM every 5 ms" : "not measured";

/** Runs a command to its end; peak RSS from GNU time when installed, else by polling VmHWM. */
function runProcess(cmd: string, args: readonly string[], cwd: string): Promise<ProcessRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "streamt-bench-"));
  const timeFile = path.join(tmp, "time.txt");
  const [file, fileArgs] = GNU_TIME ? [GNU_TIME, ["-f", "%M", "-o", timeFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, fileArgs, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
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
      if (GNU_TIME) {
        const m = existsSync(timeFile) ? /(\d+)\s*$/.exec(readFileSync(timeFile, "utf8").trim()) : null;
        peakKb = m ? Number(m[1]) : null;
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, wallMs, peakRssMb: peakKb === null ? null : peakKb / 1024, stdout, stderr });
    });
  });
}

// ---- 1. synth at scale ----------------------------------------------------------------------------

type Stage = "load" | "typecheck" | "plan" | "analyse" | "emit";
const STAGES: readonly Stage[] = ["load", "typecheck", "plan", "analyse", "emit"];

interface SynthRun {
  readonly size: number;
  readonly typecheck: boolean;
  /** Into an empty output folder (a first synth); otherwise over the previous run's output (a re-synth). */
  readonly fresh: boolean;
  readonly rep: number;
  readonly ok: boolean;
  readonly wallMs: number;
  readonly peakRssMb: number | null;
  readonly stages: Record<Stage, number>;
  readonly pipelines: number;
  readonly diagnostics: { code: string; severity: string }[];
}

async function synthOnce(p: GeneratedProject, typecheck: boolean, rep: number, extraNodeArgs: readonly string[] = [], fresh = false): Promise<SynthRun> {
  if (fresh) rmSync(path.join(p.dir, "streamt.out"), { recursive: true, force: true });
  const args = [...extraNodeArgs, CLI, "synth", ...p.entries, "--out", "streamt.out", "--json", ...(typecheck ? [] : ["--no-typecheck"])];
  let json: { ok?: boolean; pipelines?: string[]; diagnostics?: { code: string; severity: string }[]; timingsMs?: Partial<Record<Stage, number>> } = {};
  let r: ProcessRun;
  // A CLI that prints no JSON crashed before synth ran (e.g. node_modules being reinstalled by someone
  // else on this shared machine): retry a few times, then give up with its stderr.
  for (let attempt = 1; ; attempt++) {
    r = await runProcess(process.execPath, args, p.dir);
    try {
      json = JSON.parse(r.stdout) as typeof json;
      break;
    } catch {
      if (attempt >= 3) throw new Error(`synth of ${p.size} pipelines printed no JSON (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
      log(`synth of ${p.size} pipelines printed no JSON (exit ${r.code}; ${r.stderr.trim().split("\n").find((l) => l.startsWith("Error")) ?? "no message"}): retrying in 20 s`);
      await new Promise((done) => setTimeout(done, 20_000));
    }
  }
  const stages = Object.fromEntries(STAGES.map((s) => [s, json.timingsMs?.[s] ?? 0])) as Record<Stage, number>;
  const run: SynthRun = {
    size: p.size,
    typecheck,
    fresh,
    rep,
    ok: r.code === 0 && json.ok === true,
    wallMs: r.wallMs,
    peakRssMb: r.peakRssMb,
    stages,
    pipelines: json.pipelines?.length ?? 0,
    diagnostics: (json.diagnostics ?? []).map((d) => ({ code: d.code, severity: d.severity })),
  };
  if (!run.ok) {
    const codes = [...new Set(run.diagnostics.map((d) => d.code))].join(", ");
    log(`synth of ${p.size} pipelines${typecheck ? "" : " --no-typecheck"} failed (exit ${r.code}; ${codes}): ${r.stderr.slice(-500)}`);
  }
  return run;
}

/** The CLI's fixed cost: `streamt-sdk --version` (node start, tsx, the SDK's modules). */
async function startupOnce(): Promise<ProcessRun> {
  return runProcess(process.execPath, [CLI, "--version"], REPO);
}

// ---- 2. type-checking cost ------------------------------------------------------------------------

interface TscRun {
  readonly variant: "typed" | "any" | "sdk-only";
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

async function tscOnce(p: GeneratedProject): Promise<TscRun> {
  const r = await runProcess(process.execPath, [TSC, "--noEmit", "--extendedDiagnostics", "-p", path.join(p.dir, "tsconfig.json")], p.dir);
  const out = r.stdout + r.stderr;
  const num = (label: string): number => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+)(K|s)?`, "m").exec(out);
    if (!m) return NaN;
    return m[2] === "K" ? Number(m[1]) / 1024 : m[2] === "s" ? Number(m[1]) * 1000 : Number(m[1]);
  };
  return {
    variant: p.size === 0 ? "sdk-only" : p.variant,
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

// ---- 4. validation cost ----------------------------------------------------------------------------

interface ValidationBench {
  readonly skipped: string | null;
  readonly pipelines: number;
  readonly failed: string[];
  readonly startMs: number;
  readonly validateMs: number;
  readonly perPipelineMs: Stats;
  readonly cliWallMs: number | null;
}

function exampleEntries(): string[] {
  const ex = path.join(REPO, "examples");
  const entries = readdirSync(ex).filter((f) => f.endsWith(".ts")).sort().map((f) => `examples/${f}`);
  if (existsSync(path.join(ex, "catalog-app/src/pipelines.ts"))) entries.push("examples/catalog-app/src/pipelines.ts");
  return entries;
}

async function validationBench(): Promise<ValidationBench> {
  const skip = (why: string): ValidationBench => ({ skipped: why, pipelines: 0, failed: [], startMs: 0, validateMs: 0, perPipelineMs: stats([]), cliWallMs: null });
  if (!existsSync(path.join(REPO, "packages/streamt-sdk/src/runtime/planner-validator.ts"))) return skip("the runtime (src/runtime/planner-validator.ts) does not exist yet");
  let runtime: typeof import("../packages/streamt-sdk/src/runtime/index.js");
  let synthMod: typeof import("../packages/streamt-sdk/src/synth/synth.js");
  try {
    runtime = await import("../packages/streamt-sdk/src/runtime/index.js");
    synthMod = await import("../packages/streamt-sdk/src/synth/synth.js");
  } catch (e) {
    return skip(`the runtime does not load: ${(e as Error).message.split("\n")[0]}`);
  }
  // Every example in one output folder, as `streamt-sdk validate` reads it.
  const out = path.join(GENERATED_DIR, "examples.out");
  const result = await synthMod.synth({ entries: exampleEntries(), root: REPO, typecheck: false, flinkVersion: synthMod.DEFAULT_FLINK_VERSION, bootstrapServers: "localhost:9092", strict: false });
  if (!result.ok) return skip(`the examples do not synthesise together: ${result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`).join("; ").slice(0, 300)}`);
  synthMod.writeOutput(out, result.files);
  const scripts = result.files.filter((f) => f.path.endsWith(".sql")).map((f) => ({ id: f.path.replace(/\.sql$/, ""), script: f.content }));
  try {
    // Build (or find) the runner first, so its one-time Maven build is not counted as JVM start.
    await runtime.buildRunner("2", (line) => log(`runner: ${line}`));
    let t = performance.now();
    const validator = await runtime.PlannerValidator.start("2");
    // The first answer includes the JVM start and planner warm-up; time it separately with a trivial script.
    const warm = await validator.validate("warm-up", "SET 'pipeline.name' = 'warm-up';\n");
    const startMs = performance.now() - t;
    t = performance.now();
    const rs = await validator.validateAll(scripts);
    const validateMs = performance.now() - t;
    await validator.close();
    void warm;
    // The CLI end to end: node + tsx + JVM start + every script.
    const cli = await runProcess(process.execPath, [CLI, "validate", out, "--json"], REPO);
    return {
      skipped: null,
      pipelines: rs.length,
      failed: rs.filter((r) => !r.ok).map((r) => r.id),
      startMs,
      validateMs,
      perPipelineMs: stats(rs.map((r) => r.ms)),
      cliWallMs: cli.code === 0 ? cli.wallMs : null,
    };
  } catch (e) {
    return skip(`the planner validator failed: ${(e as Error).message.split("\n")[0]}`);
  }
}

// ---- 5. random pipelines: what synth accepts, Flink's planner accepts ---------------------------------

interface RandomTargetResult {
  readonly flinkVersion: string;
  readonly recipes: number;
  readonly buildErrors: number;
  readonly findings: number;
  readonly scripts: number;
  readonly accepted: number;
  readonly refused: { statement: string; error: string }[];
  readonly ms: number;
}

const RANDOM_PIPELINES = QUICK ? 200 : 1000;
const RANDOM_SEED = 20261130;

/** The generative test of test/flink at bench size: 1,000 random pipelines per Flink target, one JVM each. */
async function randomPipelinesBench(): Promise<RandomTargetResult[]> {
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
  return results;
}

function randomPipelinesMarkdown(results: readonly RandomTargetResult[]): string[] {
  const pct = (a: number, b: number): string => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
  const md = [
    `${RANDOM_PIPELINES} random pipelines per Flink target (test/flink/random-pipelines.ts, fast-check seed ${RANDOM_SEED}), built through the DSL as plain JavaScript, synthesised, and every script synth wrote validated by Flink's planner in one JVM per target. Target: 100% of the scripts synth writes are accepted.`,
    "",
    "| Flink | recipes | refused while building | refused by analysis | scripts | accepted by Flink's planner | acceptance | wall s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) md.push(`| ${r.flinkVersion} | ${r.recipes} | ${r.buildErrors} | ${r.findings} | ${r.scripts} | ${r.accepted} | ${pct(r.accepted, r.scripts)} ${r.accepted === r.scripts ? "PASS" : "FAIL"} | ${f0(r.ms / 1000)} |`);
  for (const r of results) for (const x of r.refused.slice(0, 10)) md.push("", `- Flink ${r.flinkVersion} refused \`${x.statement}\`: ${x.error}`);
  return md;
}

/** With --no-jobs, section 3 of the previous RESULTS.md stays (it carries its own date stamp). */
function previousJobSection(): string[] {
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "";
  const m = /## 3\. Generated job speed\n\n([\s\S]*?)\n## 4\. /.exec(previous);
  const kept = m?.[1]?.replace(/\n*_\(Kept from the previous run[^\n]*/g, "").trimEnd();
  return kept && !kept.startsWith("Skipped") ? [kept, "", "_(Kept from the previous run: this run was made with --no-jobs.)_"] : ["Skipped (--no-jobs)."];
}

// ---- the run ------------------------------------------------------------------------------------------

function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return (r.stdout || r.stderr || "").trim().split("\n")[0] ?? "?";
}

function gitCommit(): string {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "packages/streamt-sdk/src"], { cwd: REPO, encoding: "utf8" }).stdout.trim() ? " (with uncommitted changes in packages/streamt-sdk/src)" : "";
  return r.status === 0 ? r.stdout.trim() + dirty : "unknown";
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

async function main(): Promise<void> {
  const began = performance.now();
  const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
  log(`${command}: generating projects into ${path.relative(REPO, GENERATED_DIR)}/`);
  const projects = new Map(SIZES.map((n) => [n, generateProject(n)]));
  const anyProject = generateProject(1000, "any");
  const typed1000 = projects.get(1000)!;
  // No pipelines, only the schemas: what checking the SDK's own sources costs in both programs.
  const sdkOnly = generateProject(0);

  // Warm the file cache and tsx's transform cache once, unmeasured.
  await synthOnce(projects.get(10)!, false, -1);

  // 1. Synth at scale: every size, with and without the type-check, interleaved; order reversed on odd
  //    repetitions so drift in the machine's load spreads over all sizes.
  const runs: SynthRun[] = [];
  const startups: ProcessRun[] = [];
  const writeProbes: { files: number; ms: number; firstSynthMs: number }[] = [];
  const reps = Math.max(REPS.synth, REPS.synthTypecheck);
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? [...SIZES] : [...SIZES].reverse();
    startups.push(await startupOnce());
    for (const size of order) {
      for (const typecheck of rep % 2 === 0 ? [false, true] : [true, false]) {
        if (rep >= (typecheck ? REPS.synthTypecheck : REPS.synth)) continue;
        const r = await synthOnce(projects.get(size)!, typecheck, rep);
        runs.push(r);
        log(`synth ${size} pipelines${typecheck ? " with type-check" : ""} (rep ${rep + 1}): ${f0(r.wallMs)} ms wall, ${f0(r.peakRssMb ?? NaN)} MB peak RSS${r.ok ? "" : " FAILED"}`);
        if (size === 1000 && !typecheck) {
          // The same, into an empty output folder: every file created, none linked from the last run.
          const first = await synthOnce(projects.get(size)!, false, rep, [], true);
          runs.push(first);
          const probe = fileWriteProbe(projects.get(size)!);
          writeProbes.push({ ...probe, firstSynthMs: first.wallMs });
          log(`synth ${size} pipelines into an empty folder (rep ${rep + 1}): ${f0(first.wallMs)} ms wall${first.ok ? "" : " FAILED"}; writing its ${probe.files} files alone: ${f0(probe.ms)} ms`);
        }
      }
    }
  }

  // 2. tsc over the 1,000-pipeline project, typed vs any, interleaved.
  const tscRuns: TscRun[] = [];
  for (let rep = 0; rep < REPS.tsc; rep++) {
    for (const p of rep % 2 === 0 ? [typed1000, anyProject, sdkOnly] : [sdkOnly, anyProject, typed1000]) {
      const r = await tscOnce(p);
      tscRuns.push(r);
      log(`tsc ${r.variant} ${p.size} pipelines (rep ${rep + 1}): check ${f0(r.checkMs)} ms, ${r.instantiations} instantiations, ${r.errors} errors`);
    }
  }

  // 3. Generated job speed (one local broker, a MiniCluster per job).
  let jobSpeed: JobSpeedResult | null = null;
  if (JOBS) {
    log("measuring generated job speed against hand-written Flink SQL on the local broker and MiniCluster");
    jobSpeed = await jobSpeedBench({ quick: QUICK, log });
  }

  // 4. Validation cost.
  let validation: ValidationBench | null = null;
  if (VALIDATE) {
    log("validating every example with Flink's planner in one JVM");
    validation = await validationBench();
    log(validation.skipped ? `validation skipped: ${validation.skipped}` : `validated ${validation.pipelines} pipelines in ${f0(validation.validateMs)} ms after a ${f0(validation.startMs)} ms JVM start`);
  }

  // 5. Random pipelines against the planner.
  let randomPipelines: RandomTargetResult[] | null = null;
  if (VALIDATE) {
    log(`validating ${RANDOM_PIPELINES} random pipelines per Flink target`);
    randomPipelines = await randomPipelinesBench();
    for (const r of randomPipelines) log(`Flink ${r.flinkVersion}: ${r.accepted} of ${r.scripts} scripts accepted (${r.buildErrors} + ${r.findings} of ${r.recipes} recipes refused by the SDK)`);
  }

  // ---- evaluate the targets ----
  const sel = (size: number, typecheck: boolean) => runs.filter((r) => r.size === size && r.typecheck === typecheck && !r.fresh && r.rep >= 0);
  const firstSynth1000 = stats(runs.filter((r) => r.size === 1000 && r.fresh && r.rep >= 0).map((r) => r.wallMs));
  const wall = (size: number, tc: boolean) => stats(sel(size, tc).map((r) => r.wallMs));
  const rss = (size: number, tc: boolean) => stats(sel(size, tc).flatMap((r) => (r.peakRssMb === null ? [] : [r.peakRssMb])));
  const paired = (tc: boolean) => {
    const a = sel(1000, tc);
    const b = sel(3000, tc);
    return stats(a.flatMap((x) => b.filter((y) => y.rep === x.rep).map((y) => y.wallMs / x.wallMs)));
  };
  const growthNoTc = paired(false);
  const growthTc = paired(true);
  const startup = stats(startups.map((s) => s.wallMs));
  const startupRss = stats(startups.flatMap((s) => (s.peakRssMb === null ? [] : [s.peakRssMb])));
  const allOk = runs.every((r) => r.ok);
  const deepInSynth = runs.flatMap((r) => r.diagnostics).filter((d) => d.code === "TS2589").length;

  const typedRuns = tscRuns.filter((r) => r.variant === "typed");
  const anyRuns = tscRuns.filter((r) => r.variant === "any");
  const baseRuns = tscRuns.filter((r) => r.variant === "sdk-only");
  const tscRatio = stats(typedRuns.map((t, i) => t.checkMs / (anyRuns[i]?.checkMs ?? NaN)));
  // The same ratio with the SDK's own check time (the sdk-only run of the same repetition) taken out of both.
  const tscMarginalRatio = stats(typedRuns.map((t, i) => (t.checkMs - (baseRuns[i]?.checkMs ?? NaN)) / ((anyRuns[i]?.checkMs ?? NaN) - (baseRuns[i]?.checkMs ?? NaN))));
  const deepInTsc = tscRuns.reduce((n, r) => n + r.excessivelyDeep, 0);

  const w1000 = wall(1000, false);
  const r1000 = rss(1000, false);
  const r1000tc = rss(1000, true);
  const targets = [
    { what: "1,000 pipelines, synth without type-check, whole process, over the previous output (re-synth)", target: `< ${TARGETS.wall1000Ms} ms`, value: `${f0(w1000.median)} ms (median)`, ok: w1000.median < TARGETS.wall1000Ms },
    { what: "1,000 pipelines, synth without type-check, whole process, into an empty folder (first synth)", target: `< ${TARGETS.wall1000Ms} ms`, value: `${f0(firstSynth1000.median)} ms (median; writing its files alone: ${f0(stats(writeProbes.map((w) => w.ms)).median)} ms)`, ok: firstSynth1000.median < TARGETS.wall1000Ms },
    { what: "3,000 / 1,000 pipelines, synth without type-check (paired ratio)", target: `≤ ${TARGETS.growth3000}×`, value: `${f2(growthNoTc.median)}×`, ok: growthNoTc.median <= TARGETS.growth3000 },
    { what: "3,000 / 1,000 pipelines, synth with type-check (paired ratio)", target: `≤ ${TARGETS.growth3000}×`, value: `${f2(growthTc.median)}×`, ok: growthTc.median <= TARGETS.growth3000 },
    { what: "peak RSS at 1,000 pipelines, synth without type-check (max of the runs)", target: `< ${TARGETS.rss1000Mb} MB`, value: `${f0(r1000.max)} MB`, ok: r1000.max < TARGETS.rss1000Mb },
    { what: "peak RSS at 1,000 pipelines, synth with type-check (max of the runs)", target: `< ${TARGETS.rss1000Mb} MB`, value: `${f0(r1000tc.max)} MB`, ok: r1000tc.max < TARGETS.rss1000Mb },
    { what: "tsc check time, typed DSL / any (1,000 pipelines, paired ratio)", target: `≤ ${TARGETS.typedVsAny}×`, value: `${f2(tscRatio.median)}×`, ok: tscRatio.median <= TARGETS.typedVsAny },
    { what: `"excessively deep" (TS2589) errors: tsc at 1,000 and every synth type-check`, target: "0", value: String(deepInTsc + deepInSynth), ok: deepInTsc + deepInSynth === 0 },
    ...(randomPipelines ?? []).map((r) => ({
      what: `random pipelines: scripts synth writes that Flink ${r.flinkVersion}'s planner accepts (${r.recipes} recipes)`,
      target: "100%",
      value: `${r.accepted} of ${r.scripts}`,
      ok: r.accepted === r.scripts,
    })),
  ];
  const missed = targets.filter((t) => !t.ok);

  // Profile the whole-process synth when a synth target is missed.
  let profile = "";
  if (PROFILE && missed.some((t) => t.what.startsWith("1,000") || t.what.startsWith("3,000") || t.what.startsWith("peak"))) {
    log("profiling synth of 1,000 pipelines without type-check (node --cpu-prof)");
    const dir = mkdtempSync(path.join(os.tmpdir(), "streamt-prof-"));
    await synthOnce(typed1000, false, -1, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    const files = profileFiles(dir);
    // The main thread's profile is the largest; the other is tsx's loader thread.
    const summaries = files.map((f) => summariseProfile(f, 20)).sort((a, b) => b.sampledMs - a.sampledMs);
    profile = summaries.map((s, i) => `#### ${i === 0 ? "Main thread" : "Module loader thread (tsx hooks)"}\n\n${profileMarkdown(s, i === 0 ? 20 : 8)}`).join("\n\n");
    rmSync(dir, { recursive: true, force: true });
  }

  // ---- RESULTS.md ----
  const cpus = os.cpus();
  const md: string[] = [];
  md.push(
    "# streamt-sdk benchmarks",
    "",
    `Written by \`${command}\` (bench/run.ts) on ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC. Do not edit by hand: run it again.`,
    "",
    "## Machine",
    "",
    `- ${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")}`,
    `- node ${process.version}, TypeScript ${versionOf(process.execPath, [TSC, "--version"]).replace(/^Version /, "")}, streamt-sdk ${versionOf(process.execPath, [CLI, "--version"])}, commit ${gitCommit()}`,
    `- peak RSS measured with ${RSS_METHOD}`,
    `- repetitions: synth ${REPS.synth}× without type-check, ${REPS.synthTypecheck}× with; tsc ${REPS.tsc}× per variant${QUICK ? " (--quick)" : ""}`,
    `- this machine is shared: figures are median (min–max); comparisons are ratios of runs interleaved in this session, paired by repetition`,
    "",
    "## Targets",
    "",
    "| target | goal | measured | |",
    "|---|---|---|---|",
    ...targets.map((t) => `| ${t.what} | ${t.target} | ${t.value} | ${pass(t.ok)} |`),
    "",
    allOk ? "Every synth run succeeded." : `**Some synth runs failed**: ${runs.filter((r) => !r.ok).map((r) => `${r.size}${r.typecheck ? "+tc" : ""}#${r.rep + 1}`).join(", ")}.`,
    "",
    "## 1. Synth at scale",
    "",
    "Generated projects (bench/generate.ts): the four shapes in turn (filter + projection; tumbling-window aggregate on event time; interval join of two sources; non-windowed aggregate with a TTL over a filter), 100 pipelines per module, every module an entry: `streamt-sdk synth <modules> --out streamt.out --json [--no-typecheck]`.",
    "",
    `CLI fixed cost (\`streamt-sdk --version\`: node, tsx and the SDK's modules): ${cell(startup)} ms, ${cell(startupRss)} MB peak RSS.`,
    "",
    "| pipelines | type-check | wall ms | peak RSS MB | ms / pipeline (median) |",
    "|---:|---|---|---|---:|",
  );
  for (const size of SIZES) {
    for (const tc of [false, true]) {
      const w = wall(size, tc);
      md.push(`| ${size.toLocaleString("en")} | ${tc ? "yes" : "no"} | ${cell(w)} | ${cell(rss(size, tc))} | ${f2(w.median / size)} |`);
    }
  }
  md.push(
    "",
    `The rows above synthesise over the previous run's output, as a developer's repeated \`synth\` does (unchanged files are hard-linked, not rewritten). Into an empty folder (every file created), 1,000 pipelines without type-check: ${cell(firstSynth1000)} ms. Writing the same ${writeProbes[0]?.files ?? 0} files alone (\`writeFileSync\`, no synth, a new folder beside the output, right after each of those runs): ${cell(stats(writeProbes.map((w) => w.ms)))} ms; the first synth without that share (paired): ${cell(stats(writeProbes.map((w) => w.firstSynthMs - w.ms)))} ms.`,
    "",
    `Growth 3,000 / 1,000 (paired per repetition): ${cell(growthNoTc, f2)}× without type-check, ${cell(growthTc, f2)}× with.`,
    "",
    "In-process time per stage (the CLI's `timingsMs`), ms, median (min–max); \"other\" is the wall time the stages do not cover (node and tsx start-up, importing the SDK, writing the output folder, exit):",
    "",
    `| pipelines | type-check | ${STAGES.join(" | ")} | other |`,
    `|---:|---|${STAGES.map(() => "---").join("|")}|---|`,
  );
  for (const size of SIZES) {
    for (const tc of [false, true]) {
      const rs = sel(size, tc);
      const cols = STAGES.map((s) => (s === "typecheck" && !tc ? "–" : cell(stats(rs.map((r) => r.stages[s])))));
      const other = stats(rs.map((r) => r.wallMs - STAGES.reduce((n, s) => n + r.stages[s], 0)));
      md.push(`| ${size.toLocaleString("en")} | ${tc ? "yes" : "no"} | ${cols.join(" | ")} | ${cell(other)} |`);
    }
  }
  md.push(
    "",
    "## 2. Type-checking cost of the typed DSL",
    "",
    "`tsc --noEmit --extendedDiagnostics -p bench/generated/n1000/tsconfig.json` (1,000 pipelines) against the same code importing a shim that re-exports the DSL functions cast to `any` (bench/generated/n1000-any; `noImplicitAny` off there, since callbacks of an `any` function have untyped parameters), interleaved. Both programs read the SDK's declarations (\`dist/*.d.ts\`, as an installed user's project does), and a third program with the schemas and no pipelines (bench/generated/n0) measures that shared part.",
    "",
    "| variant | check time ms | total time ms | instantiations | types | memory MB | errors | TS2589 |",
    "|---|---|---|---:|---:|---:|---:|---:|",
  );
  for (const [name, rs] of [["typed DSL", typedRuns], ["any", anyRuns], ["SDK only (no pipelines)", baseRuns]] as const) {
    md.push(
      `| ${name} | ${cell(stats(rs.map((r) => r.checkMs)))} | ${cell(stats(rs.map((r) => r.totalMs)))} | ${f0(stats(rs.map((r) => r.instantiations)).median)} | ${f0(stats(rs.map((r) => r.types)).median)} | ${f0(stats(rs.map((r) => r.memoryMb)).median)} | ${Math.max(0, ...rs.map((r) => r.errors))} | ${Math.max(0, ...rs.map((r) => r.excessivelyDeep))} |`,
    );
  }
  md.push(
    "",
    `Check time typed / any (paired): ${cell(tscRatio, f2)}×. Without the SDK's own check time (the sdk-only run subtracted from both, per repetition), the pipelines alone: ${cell(tscMarginalRatio, f2)}× (ratio of the medians: ${f2((stats(typedRuns.map((r) => r.checkMs)).median - stats(baseRuns.map((r) => r.checkMs)).median) / (stats(anyRuns.map((r) => r.checkMs)).median - stats(baseRuns.map((r) => r.checkMs)).median))}×; noisy, since it is a difference of noisy times). Instantiations per pipeline (typed − any): ${f0((stats(typedRuns.map((r) => r.instantiations)).median - stats(anyRuns.map((r) => r.instantiations)).median) / 1000)}.`,
    "",
    "## 3. Generated job speed",
    "",
    ...(jobSpeed ? jobSpeedMarkdown(jobSpeed) : previousJobSection()),
    "",
    "## 4. Validation cost",
    "",
  );
  if (!validation) md.push("Skipped (--no-validate).");
  else if (validation.skipped) md.push(`Skipped: ${validation.skipped}.`);
  else {
    md.push(
      `Every example (${exampleEntries().length} modules, ${validation.pipelines} pipelines) synthesised together and validated by Flink 2.2's planner in one JVM (\`PlannerValidator\`):`,
      "",
      `- JVM start until the first answer: ${f0(validation.startMs)} ms`,
      `- all ${validation.pipelines} scripts: ${f0(validation.validateMs)} ms, ${f0(validation.validateMs / validation.pipelines)} ms per pipeline; per script as the JVM reports it: ${cell(validation.perPipelineMs)} ms`,
      `- \`streamt-sdk validate\` end to end (node, tsx, JVM, every script): ${validation.cliWallMs === null ? "failed" : `${f0(validation.cliWallMs)} ms`}`,
      validation.failed.length ? `- **rejected by the planner**: ${validation.failed.join(", ")}` : "- every script accepted",
    );
  }
  md.push("", "## 5. Random pipelines: what synth accepts, Flink accepts", "");
  md.push(...(randomPipelines ? randomPipelinesMarkdown(randomPipelines) : ["Skipped (--no-validate)."]));
  if (profile) {
    md.push("", "## Profile of a missed target", "", "`node --cpu-prof` on `streamt-sdk synth` of the 1,000-pipeline project without type-check. The SDK runs from its compiled \`dist/\`; the user's modules go through tsx.", "", profile);
  }
  const notes = path.join(BENCH_DIR, "ANALYSIS.md");
  if (existsSync(notes)) md.push("", readFileSync(notes, "utf8").trim());
  md.push("", `Benchmark wall time: ${f0((performance.now() - began) / 1000)} s.`, "");
  writeFileSync(RESULTS, md.join("\n"));
  log(`wrote ${path.relative(REPO, RESULTS)} (${missed.length === 0 ? "every target met" : `${missed.length} target(s) missed`}) in ${f0((performance.now() - began) / 1000)} s`);
}

await main();
