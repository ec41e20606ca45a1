/**
 * Issue 14's side-by-side section: the SDK's `synth` against streamt's `compile`
 * (github conduktor/streamt, the Python/YAML tool users would otherwise pick) on the same machine,
 * over the same four shapes at the same sizes, in paired, interleaved runs.
 *
 * streamt is not on PyPI: the bench runs it from a checkout the user names (`--streamt <dir>`), with
 * its dependencies installed into a throwaway virtual environment in bench/generated/ (gitignored),
 * so none of streamt's code enters this repository. Its sources are copied out of the checkout first
 * (a work tree's src/, or `git archive` of a bare mirror), so the bench's byte-code caches never land
 * in the user's checkout and a first compile can be made cold by deleting them.
 *
 * The streamt projects mirror bench/generate.ts: the same pipelines, one model per pipeline, 100 per
 * YAML file in models/, each file's two sources (event time and a 5 s watermark) in sources/. What
 * streamt cannot express is listed in STREAMT_DIFFERENCES and printed in RESULTS.md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { editFilterThreshold, generateProject, GENERATED_DIR, PIPELINES_PER_MODULE, SHAPES, type GeneratedProject, type ModuleEdit } from "./generate.js";
import { f0, type PlannedShape, type StreamtInstall, type StreamtSideRun, type StreamtSideSection, type StreamtTool, type SynthKind, type SynthRun } from "./render-results.js";

const SIDE_DIR = path.join(GENERATED_DIR, "streamt-side");
const VENV = path.join(SIDE_DIR, "venv");
const PYTHON = path.join(VENV, "bin", "python");
/** The copy of the checkout's src/ that the bench runs (its __pycache__ folders are the cache a cold run deletes). */
const SOURCES = path.join(SIDE_DIR, "src");

/**
 * Only `streamt apply`'s Kafka deployer imports confluent-kafka (streamt/deployer/kafka.py); `compile`
 * never loads it, so it is left out of the environment (the compile's success shows it is not needed).
 */
const NOT_NEEDED_BY_COMPILE = ["confluent-kafka"];

/** How the streamt models differ from the SDK's pipelines: what streamt cannot express, what they add (shown with the results). */
export const STREAMT_DIFFERENCES = [
  "No source idle timeout: the SDK's `.idleTimeout(\"1m\")` (`scan.watermark.idle-timeout`) has no streamt field, so a streamt job's watermark stalls while one partition is idle.",
  "No NOT NULL contract: the SDK's sources drop (and count) records with a null in a non-nullable column before any operator; streamt reads every column as nullable.",
  "Non-windowed aggregate: streamt writes every model to a plain `kafka` (append-only) table, which Flink's planner refuses for an updating GROUP BY result (see the planner check below); the SDK writes `upsert-kafka` keyed on `customer_id`. The TTL is `advanced.flink.state_ttl_ms` (a job-wide `table.exec.state.ttl`) where the SDK puts a STATE_TTL hint on the aggregate alone.",
  "Filter + projection: declared `materialized: flink` (streamt would otherwise infer a Gateway virtual topic and, with no Gateway configured, warn on each model before falling back to a Flink job); the SDK writes a Flink job.",
  "Interval join: the model casts `paid_at` to a plain TIMESTAMP(3), as the SDK's script does; without it Flink's planner refuses the sink (two time attributes in one row), and streamt's compile does not say so.",
  "Types: streamt infers the output columns' types from the SELECT with sqlglot (e.g. `amount * 100` and `SUM(amount)` as DECIMAL(10, 2)), the SDK from its typed DSL and Flink's rules (DECIMAL(21, 2), DECIMAL(38, 2)).",
];

// ---- the checkout and its environment ------------------------------------------------------------------------

/** The `dependencies = [...]` of streamt's pyproject.toml, as pip requirement strings. */
function requirementsOf(pyproject: string): string[] {
  const block = /^dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(pyproject)?.[1];
  if (!block) throw new Error("streamt's pyproject.toml has no [project] dependencies list");
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

const requirementName = (req: string) => /^[A-Za-z0-9_.-]+/.exec(req)![0].toLowerCase();

/**
 * Checks the checkout, copies its sources and pyproject.toml out, and installs streamt's dependencies
 * (the versions its pyproject.toml asks for) into a virtual environment, reused while the requirement
 * list is the same. One progress line per step; on a failure, the path of pip's full log.
 */
export function installStreamt(checkout: string, log: (line: string) => void): StreamtInstall {
  const dir = path.resolve(checkout);
  const git = spawnSync("git", ["-C", dir, "log", "-1", "--format=%H %cI"], { encoding: "utf8" });
  if (git.status !== 0) throw new Error(`--streamt ${checkout}: not a git checkout of streamt (git log -1 failed: ${git.stderr.trim()})`);
  const [commit, committedAt] = git.stdout.trim().split(" ") as [string, string];
  rmSync(SOURCES, { recursive: true, force: true });
  mkdirSync(SIDE_DIR, { recursive: true });
  let pyproject: string;
  if (existsSync(path.join(dir, "src", "streamt", "cli.py"))) {
    log(`streamt: copying ${dir}/src (commit ${commit.slice(0, 12)}) into ${path.relative(process.cwd(), SOURCES)}`);
    cpSync(path.join(dir, "src"), SOURCES, { recursive: true, filter: (f) => path.basename(f) !== "__pycache__" });
    pyproject = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
  } else {
    // A bare mirror (no work tree): its committed files.
    const tree = spawnSync("git", ["-C", dir, "cat-file", "-e", "HEAD:src/streamt/cli.py"]);
    if (tree.status !== 0) throw new Error(`--streamt ${checkout}: no src/streamt/cli.py in its work tree or at HEAD: not a checkout of conduktor/streamt`);
    log(`streamt: extracting src/ of commit ${commit.slice(0, 12)} (git archive) into ${path.relative(process.cwd(), SOURCES)}`);
    const extract = path.join(SIDE_DIR, "archive");
    rmSync(extract, { recursive: true, force: true });
    mkdirSync(extract);
    execFileSync("sh", ["-c", `git -C "$0" archive HEAD src | tar -x -C "$1"`, dir, extract]);
    cpSync(path.join(extract, "src"), SOURCES, { recursive: true });
    rmSync(extract, { recursive: true, force: true });
    pyproject = execFileSync("git", ["-C", dir, "show", "HEAD:pyproject.toml"], { encoding: "utf8" });
  }

  const all = requirementsOf(pyproject);
  const requirements = all.filter((r) => !NOT_NEEDED_BY_COMPILE.includes(requirementName(r)));
  const omitted = all.filter((r) => NOT_NEEDED_BY_COMPILE.includes(requirementName(r)));
  // streamt pins lower bounds only (sqlglot>=26.0), and later releases broke it (sqlglot 30.30 has no
  // TokenType.TIMESTAMP_SNAPSHOT, which streamt's Flink dialect names): install what those bounds
  // resolved to on the day of the measured commit (pip's --uploaded-prior-to, pip 26 and later).
  const marker = path.join(VENV, "streamt-requirements.txt");
  const wanted = [`uploaded prior to ${committedAt}`, ...requirements].join("\n") + "\n";
  if (existsSync(marker) && readFileSync(marker, "utf8") === wanted && existsSync(PYTHON)) {
    log(`streamt: reusing the virtual environment ${path.relative(process.cwd(), VENV)} (same ${requirements.length} requirements)`);
  } else {
    rmSync(VENV, { recursive: true, force: true });
    const pipLog = path.join(SIDE_DIR, "pip.log");
    log(`streamt: creating a virtual environment in ${path.relative(process.cwd(), VENV)} (python3 -m venv)`);
    const venv = spawnSync("python3", ["-m", "venv", VENV], { encoding: "utf8" });
    if (venv.status !== 0) throw new Error(`python3 -m venv failed (exit ${venv.status}): ${(venv.stderr || venv.stdout).trim().split("\n").pop()}`);
    const pip = (args: string[], what: string) => {
      const r = spawnSync(PYTHON, ["-m", "pip", "install", "--disable-pip-version-check", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      appendFileSync(pipLog, `$ pip install ${args.join(" ")}\n${r.stdout}\n${r.stderr}\n`);
      if (r.status !== 0) throw new Error(`pip install of ${what} failed (exit ${r.status}); its full log: ${pipLog}`);
    };
    writeFileSync(pipLog, "");
    log("streamt: pip install --upgrade pip (--uploaded-prior-to needs pip 26)");
    pip(["--upgrade", "pip>=26"], "a current pip");
    log(`streamt: pip install --uploaded-prior-to ${committedAt} ${requirements.join(" ")} (left out: ${omitted.join(", ") || "nothing"}, which compile never imports)`);
    pip(["--uploaded-prior-to", committedAt, ...requirements], "streamt's dependencies");
    writeFileSync(marker, wanted);
    log(`streamt: dependencies installed (pip's log: ${path.relative(process.cwd(), pipLog)})`);
  }
  const packages = execFileSync(PYTHON, ["-m", "pip", "freeze", "--disable-pip-version-check"], { encoding: "utf8" }).trim().split("\n");
  const python = execFileSync(PYTHON, ["--version"], { encoding: "utf8" }).trim();
  return { checkout: dir, commit, committedAt, python, packages, omitted };
}

// ---- the streamt projects --------------------------------------------------------------------------------------

export interface StreamtProject {
  readonly dir: string;
  readonly size: number;
  /** Model files, relative to dir, one per SDK module. */
  readonly modules: string[];
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

const ORDER_COLUMNS = [
  ["order_id", "STRING"],
  ["customer_id", "STRING"],
  ["amount", "DECIMAL(10, 2)"],
  ["status", "STRING"],
  ["event_timestamp", "TIMESTAMP(3)"],
] as const;
const PAYMENT_COLUMNS = [
  ["payment_id", "STRING"],
  ["order_id", "STRING"],
  ["amount", "DECIMAL(10, 2)"],
  ["paid_at", "TIMESTAMP(3)"],
] as const;

function sourceYaml(name: string, topic: string, columns: readonly (readonly [string, string])[], eventTime: string): string {
  return `  - name: ${name}
    topic: ${topic}
    columns:
${columns.map(([c, t]) => `      - name: ${c}\n        type: "${t}"`).join("\n")}
    event_time:
      column: ${eventTime}
      watermark:
        strategy: bounded_out_of_orderness
        max_out_of_orderness_ms: 5000
`;
}

/** The model of pipeline `i`, the same computation as bench/generate.ts's pipelineCode(i). */
export function modelYaml(i: number, width: number, orders: string, payments: string): string {
  const id = pad(i, width);
  const name = `bench-p${id}`;
  const v = `p${id}`;
  const sql = (lines: string[]) => `    sql: |\n${lines.map((l) => `      ${l}`).join("\n")}\n`;
  const topic = (t: string) => `      topic:\n        name: ${t}\n`;
  switch (SHAPES[i % SHAPES.length]) {
    case "filter-projection":
      return `  - name: ${name}
    materialized: flink
${sql([
  "SELECT order_id, customer_id, amount * 100 AS amount_cents, event_timestamp AS ordered_at",
  `FROM {{ source("${orders}") }}`,
  `WHERE amount > ${(i % 500) + 1} AND status = 'paid'`,
])}    advanced:
${topic(`bench.${v}.large-orders.v1`)}`;
    case "tumble-aggregate":
      return `  - name: ${name}
${sql([
  "SELECT window_start, window_end, customer_id, window_time, COUNT(*) AS orders, SUM(amount) AS revenue, MAX(amount) AS largest",
  `FROM TABLE(TUMBLE(TABLE {{ source("${orders}") }}, DESCRIPTOR(event_timestamp), INTERVAL '${(i % 59) + 1}' MINUTE))`,
  "WHERE status = 'paid'",
  "GROUP BY window_start, window_end, window_time, customer_id",
])}    advanced:
      flink:
        parallelism: 2
        checkpoint_interval_ms: 60000
${topic(`bench.${v}.revenue.v1`)}`;
    case "interval-join":
      return `  - name: ${name}
${sql([
  // The cast, as the SDK writes it: Flink refuses a sink row with two time attributes (ordered_at, paid_at).
  "SELECT o.order_id, o.customer_id, o.amount AS order_amount, p.amount AS paid_amount, o.event_timestamp AS ordered_at, CAST(p.paid_at AS TIMESTAMP(3)) AS paid_at",
  `FROM {{ source("${orders}") }} o`,
  `JOIN {{ source("${payments}") }} p`,
  "  ON o.order_id = p.order_id",
  `  AND p.paid_at BETWEEN o.event_timestamp AND o.event_timestamp + INTERVAL '${(i % 23) + 1}' HOUR`,
])}    advanced:
      flink:
        checkpoint_interval_ms: 60000
${topic(`bench.${v}.paid-orders.v1`)}`;
    case "ttl-aggregate":
      return `  - name: ${name}
${sql([
  "SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS total",
  `FROM {{ source("${orders}") }}`,
  `WHERE status = 'paid' AND amount >= ${i % 100}`,
  "GROUP BY customer_id",
])}    advanced:
      flink:
        checkpoint_interval_ms: 60000
        state_ttl_ms: ${((i % 30) + 1) * 86_400_000}
${topic(`bench.${v}.customer-totals.v1`)}`;
    default:
      throw new Error(`no streamt model for shape ${i % SHAPES.length}`);
  }
}

/** Writes (replacing) the streamt project of `size` pipelines in bench/generated/streamt-n<size>/. */
export function generateStreamtProject(size: number): StreamtProject {
  const dir = path.join(GENERATED_DIR, `streamt-n${size}`);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["sources", "models"]) mkdirSync(path.join(dir, sub), { recursive: true });
  // A Flink cluster must be configured for streamt to accept Flink models; compile never contacts it.
  writeFileSync(
    path.join(dir, "stream_project.yml"),
    `# Generated by bench/streamt-side.ts: the ${size} pipelines of bench/generate.ts as streamt models. Do not edit.
project:
  name: bench-n${size}
  version: "1.0.0"

runtime:
  kafka:
    bootstrap_servers: localhost:9092
  flink:
    default: local
    clusters:
      local:
        rest_url: http://localhost:8081
`,
  );
  const width = String(Math.max(size - 1, 1)).length;
  const modules: string[] = [];
  for (let m = 0; m * PIPELINES_PER_MODULE < size; m++) {
    const orders = `orders_m${pad(m, 3)}`;
    const payments = `payments_m${pad(m, 3)}`;
    const file = `pipelines-${pad(m, 3)}.yml`;
    writeFileSync(
      path.join(dir, "sources", file),
      `# Generated by bench/streamt-side.ts. Do not edit.\nsources:\n${sourceYaml(orders, `bench.orders.m${pad(m, 3)}.v1`, ORDER_COLUMNS, "event_timestamp")}${sourceYaml(payments, `bench.payments.m${pad(m, 3)}.v1`, PAYMENT_COLUMNS, "paid_at")}`,
    );
    let models = `# Generated by bench/streamt-side.ts: pipelines ${m * PIPELINES_PER_MODULE}..${Math.min(size, (m + 1) * PIPELINES_PER_MODULE) - 1}. Do not edit.\nmodels:\n`;
    for (let i = m * PIPELINES_PER_MODULE; i < Math.min(size, (m + 1) * PIPELINES_PER_MODULE); i++) models += modelYaml(i, width, orders, payments);
    writeFileSync(path.join(dir, "models", file), models);
    modules.push(`models/${file}`);
  }
  return { dir, size, modules };
}

/**
 * The same edit as bench/generate.ts's editFilterThreshold: the filter threshold of the first model of
 * module `m` (always a filter + projection) becomes `threshold`.
 */
export function editStreamtThreshold(p: StreamtProject, m: number, threshold: number): ModuleEdit {
  const module = p.modules[m]!;
  const file = path.join(p.dir, module);
  const text = readFileSync(file, "utf8");
  const edited = text.replace(/WHERE amount > \d+/, `WHERE amount > ${threshold}`);
  if (edited === text) throw new Error(`${module} has no filter threshold to edit`);
  writeFileSync(file, edited);
  const pipeline = `bench-p${pad(m * PIPELINES_PER_MODULE, String(Math.max(p.size - 1, 1)).length)}`;
  return { module, pipeline, threshold, expectedSql: `WHERE amount > ${threshold} ` };
}

// ---- one streamt compile -------------------------------------------------------------------------------------

/** What bench/run.ts lends this section: its process runner (GNU time), its synth run and its log. */
export interface SideHarness {
  readonly log: (line: string) => void;
  readonly runProcess: (cmd: string, args: readonly string[], cwd: string, env?: Record<string, string>) => Promise<{ code: number | null; wallMs: number; cpuMs: number | null; peakRssMb: number | null; stdout: string; stderr: string }>;
  readonly synthOnce: (p: GeneratedProject, typecheck: boolean, o: { kind: SynthKind; rep: number; edit?: ModuleEdit }) => Promise<SynthRun>;
}

function removePycache(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    if (entry.name === "__pycache__") rmSync(sub, { recursive: true, force: true });
    else removePycache(sub);
  }
}

/**
 * `python -m streamt compile` over the project. Cold: no output folder and no byte-code of streamt's
 * own modules (as in a fresh clone; the dependencies keep the byte-code pip compiled at install, as
 * after any `pip install`). A run counts only if it exits 0 and its manifest lists one Flink job and
 * one topic per pipeline, with a script for each, and, after an edit, the edited script shows it.
 */
async function compileOnce(h: SideHarness, p: StreamtProject, kind: SynthKind, rep: number, edit?: ModuleEdit): Promise<StreamtSideRun> {
  const out = path.join(p.dir, "generated");
  if (kind === "cold") {
    rmSync(out, { recursive: true, force: true });
    removePycache(SOURCES);
  }
  // PYTHONDONTWRITEBYTECODE emptied: this machine sets it, and a user's Python caches byte-code by default.
  const env = { PYTHONPATH: SOURCES, PYTHONDONTWRITEBYTECODE: "", NO_COLOR: "1", COLUMNS: "120" };
  const r = await h.runProcess(PYTHON, ["-m", "streamt", "compile", "--project-dir", p.dir, "--output", out], p.dir, env);
  let failure: string | undefined;
  let jobs = 0;
  if (r.code !== 0) {
    failure = `exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").filter((l) => l.trim()).slice(-2).join(" ").slice(0, 300)}`;
  } else {
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as { artifacts?: { flink_jobs?: unknown[]; topics?: unknown[] } };
    jobs = manifest.artifacts?.flink_jobs?.length ?? 0;
    const topics = manifest.artifacts?.topics?.length ?? 0;
    const scripts = readdirSync(path.join(out, "flink")).filter((f) => f.endsWith(".sql")).length;
    if (jobs !== p.size || topics !== p.size || scripts !== p.size) failure = `expected ${p.size} Flink jobs, topics and scripts; the manifest lists ${jobs} jobs and ${topics} topics, flink/ holds ${scripts} scripts`;
    else if (edit) {
      const script = readFileSync(path.join(out, "flink", `${edit.pipeline}.sql`), "utf8");
      if (!script.includes(edit.expectedSql)) failure = `the edit of ${edit.module} did not reach flink/${edit.pipeline}.sql (no "${edit.expectedSql.trim()}")`;
    }
  }
  return { tool: "streamt", size: p.size, kind, rep, ok: failure === undefined, ...(failure ? { failure } : {}), wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssMb: r.peakRssMb, artifacts: jobs };
}

const fromSynth = (r: SynthRun): StreamtSideRun => ({
  tool: r.typecheck ? "sdk" : "sdk-no-typecheck",
  size: r.size,
  kind: r.kind,
  rep: r.rep,
  ok: r.ok,
  ...(r.failure ? { failure: r.failure } : {}),
  wallMs: r.wallMs,
  cpuMs: r.cpuMs,
  peakRssMb: r.peakRssMb,
  artifacts: r.pipelines,
});

// ---- Flink's planner over one script of each shape -----------------------------------------------------------

/**
 * What the timings compare is only worth comparing if both outputs are jobs Flink would run: the
 * first pipeline of each shape, from each side's last output, goes through Flink's own planner
 * (PlannerValidator: DDL registered, every INSERT planned, nothing run), in one JVM.
 */
async function planShapes(sdkProject: GeneratedProject, streamtProject: StreamtProject, log: (line: string) => void): Promise<StreamtSideSection["planner"]> {
  const width = String(Math.max(sdkProject.size - 1, 1)).length;
  const scripts = SHAPES.map((shape, i) => {
    const pipeline = `bench-p${pad(i, width)}`;
    const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : null);
    return { shape, pipeline, sdk: read(path.join(sdkProject.dir, "streamt.out", `${pipeline}.sql`)), streamt: read(path.join(streamtProject.dir, "generated", "flink", `${pipeline}.sql`)) };
  });
  let runtime: typeof import("../packages/streamt-sdk/src/runtime/index.js");
  try {
    runtime = await import("../packages/streamt-sdk/src/runtime/index.js");
  } catch (e) {
    return { skipped: `the SDK's runtime does not load: ${(e as Error).message.split("\n")[0]}` };
  }
  log(`Flink's planner over one script of each shape from both sides (${sdkProject.size}-pipeline projects)`);
  let validator: Awaited<ReturnType<typeof runtime.PlannerValidator.start>>;
  try {
    validator = await runtime.PlannerValidator.start("2");
  } catch (e) {
    return { skipped: `the planner validator did not start: ${(e as Error).message.split("\n")[0]}` };
  }
  const verdict = async (id: string, script: string | null) => {
    if (script === null) return { ok: false, error: "no script in the output (the last run failed)" };
    const r = await validator.validate(id, script);
    return r.ok ? { ok: true } : { ok: false, error: r.error.split("\n")[0]! };
  };
  const shapes: PlannedShape[] = [];
  try {
    for (const s of scripts) {
      shapes.push({ shape: s.shape, pipeline: s.pipeline, sdk: await verdict(`sdk-${s.pipeline}`, s.sdk), streamt: await verdict(`streamt-${s.pipeline}`, s.streamt) });
      const last = shapes[shapes.length - 1]!;
      log(`planner, ${s.shape}: SDK ${last.sdk.ok ? "accepted" : `refused (${last.sdk.error})`}; streamt ${last.streamt.ok ? "accepted" : `refused (${last.streamt.error})`}`);
    }
  } finally {
    await validator.close();
  }
  return { flinkVersion: "2.2", shapes };
}

// ---- the section -------------------------------------------------------------------------------------------------

/**
 * For each size and repetition, the SDK with type-check, the SDK without, and streamt, in that order
 * (reversed on odd repetitions so drift in the machine's load spreads over all three); each one first
 * compiles cold, then after a one-module edit, then unchanged. The edit is the same in both projects.
 */
export async function streamtSideSection(h: SideHarness, install: StreamtInstall, sdk: string, sizes: readonly number[], reps: number): Promise<StreamtSideSection> {
  const { log } = h;
  const runs: StreamtSideRun[] = [];
  let planner: StreamtSideSection["planner"] = { skipped: "no size was measured" };
  for (const size of sizes) {
    log(`side by side at ${size} pipelines: writing the SDK project and the streamt project`);
    const sdkProject = generateProject(size);
    const streamtProject = generateStreamtProject(size);
    // As in §1, the warm runs' TMPDIR gets tsx's transforms of the modules first, unmeasured (a developer's
    // first synth leaves them there; a cold run's own TMPDIR is thrown away after it).
    await h.synthOnce(sdkProject, false, { kind: "unchanged", rep: -1 });
    for (let rep = 0; rep < reps; rep++) {
      const tools: StreamtTool[] = rep % 2 === 0 ? ["sdk", "sdk-no-typecheck", "streamt"] : ["streamt", "sdk-no-typecheck", "sdk"];
      const module = rep % sdkProject.entries.length;
      const threshold = 200_000 + size + rep;
      for (const tool of tools) {
        for (const kind of ["cold", "edit", "unchanged"] as const) {
          let run: StreamtSideRun;
          if (tool === "streamt") {
            const edit = kind === "edit" ? editStreamtThreshold(streamtProject, module, threshold) : undefined;
            run = await compileOnce(h, streamtProject, kind, rep, edit);
          } else {
            const edit = kind === "edit" ? editFilterThreshold(sdkProject, module, threshold + (tool === "sdk" ? 0 : 100_000)) : undefined;
            run = fromSynth(await h.synthOnce(sdkProject, tool === "sdk", { kind, rep, ...(edit ? { edit } : {}) }));
          }
          runs.push(run);
          log(`${size} pipelines, ${tool === "streamt" ? "streamt compile" : tool === "sdk" ? "synth" : "synth --no-typecheck"}, ${kind} (rep ${rep + 1}): ${f0(run.wallMs)} ms wall, ${run.cpuMs === null ? "?" : f0(run.cpuMs)} ms CPU, ${run.peakRssMb === null ? "?" : f0(run.peakRssMb)} MB${run.ok ? "" : ` FAILED: ${run.failure}`}`);
        }
      }
    }
    // Once, over the smallest projects' last outputs (the scripts of a shape do not change with the size).
    if (size === sizes[0]) planner = await planShapes(sdkProject, streamtProject, log);
  }
  return {
    sdk,
    streamt: install,
    planner,
    sizes,
    reps,
    differences: STREAMT_DIFFERENCES,
    runs,
  };
}
