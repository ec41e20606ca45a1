import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { formatDiagnostic, formatSummary } from "../analysis/format.js";
import type { Diagnostic } from "../analysis/diagnostic.js";
import { isStreamtError } from "../errors.js";
import { missingEntries } from "../synth/load.js";
import { check, synth, writeOutput, type SynthOptions } from "../synth/synth.js";
import { writeOutputAfter } from "../synth/output-folder.js";
import { SDK_VERSION } from "../version.js";
import { parseCommand, UsageError, type Command } from "./args.js";

export const ExitCode = { ok: 0, pipelineErrors: 1, usage: 2 } as const;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  /**
   * Makes the process able to import the user's TypeScript modules (the bin registers tsx here), called
   * just before they are loaded: commands that load none do not pay for it, and the type-check runs
   * before the loader's thread exists.
   */
  readonly beforeLoad?: () => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

const HELP = `streamt-sdk ${SDK_VERSION}: typed TypeScript pipelines for Apache Flink

Usage: streamt-sdk <command> [entry.ts ...] [options]

Commands:
  synth [entry ...]     type-check, analyse and write Flink SQL, plan.json, topics.json, manifest.json
      --out <dir>                 output folder (default streamt.out; replaced as a whole, and only if synth wrote it)
      --target <sql|java|jar|all|k8s> sql: a Flink SQL script per pipeline (default); java: a Flink Table API Maven
                                  project per pipeline; jar: those projects built into deployable JARs (needs
                                  Java 17+ and Maven); all: the scripts, the projects and the JARs; k8s: the
                                  scripts and Flink Kubernetes Operator resources (k8s/<pipeline>.yaml) for --env
      --env <name>                with --target k8s: the environment of streamt.config.ts (its kubernetes section)
      --flink <2.2|1.20>          Flink version line to target (default 2.2)
      --bootstrap-servers <h:p>   Kafka bootstrap servers in the SQL (default $STREAMT_KAFKA_BOOTSTRAP or localhost:9092)
      --strict                    fail on open warnings too
      --no-typecheck              skip the TypeScript type-check (faster; types are still enforced by your editor)
      --no-cache                  neither read nor write the type-check cache (node_modules/.cache/streamt-sdk/)
      --json                      print a machine-readable summary
      --watch                     stay running and synthesise again on every save under the project folder,
                                  printing findings as they change; a save is written first, its type errors
                                  are reported after it (Ctrl-C stops; see docs/synth-speed.md)
      --openlineage <file|url>    OpenLineage events (a JobEvent per pipeline: its topics as datasets with schema
                                  and column lineage) written to a JSON Lines file, or POSTed to an http(s) URL
      --openlineage-namespace <ns> the jobs' namespace in those events (default streamt)
  check [entry ...]     type-check and analyse only; print every finding
      --strict, --no-typecheck, --no-cache, --flink, --json as above
  lineage [entry ...]   the graph of sources, steps, sinks and topics, and for every sink column the source
                        columns it comes from, through which steps and how (see docs/lineage.md)
      --json                      print it in the documented JSON shape (version 1)
      --no-typecheck, --no-cache as above
  docs [entry ...]      a static HTML site (no external resources) of the pipelines: the lineage graph, each
                        pipeline's sources and sinks with their schemas, settings, findings, SQL and column
                        lineage (see docs/docs-site.md)
      --out <dir>                 output folder (default streamt.docs; replaced as a whole, and only if docs wrote it)
      --flink, --no-typecheck, --no-cache as above
  validate [dir]        check every synthesised script with Flink's own planner (default dir streamt.out)
      --json
  test [filter ...]     run the project's pipeline tests (streamt-sdk/testing) with its vitest, on an
                        embedded Kafka broker and Flink MiniCluster (see docs/testing.md)
  run <entry> --local   run the pipelines on an embedded Kafka broker and Flink MiniCluster
      --input <topic>=<file.jsonl>   produce these events first (repeatable)
      --timeout <seconds>            stop after this long (default: until Ctrl-C)
      --target <sql|jar>             run each pipeline's SQL script (default), or its Table API JAR (built first)
      --flink, --strict, --no-typecheck as above
  dev <up|down|status>  a local Flink session cluster (JobManager with web UI, a TaskManager), a SQL Gateway
                        and a Kafka broker, each its own JVM on 127.0.0.1; ports, logs, checkpoints and
                        savepoints in .streamt/dev/ (see docs/dev-cluster.md)
      --json                      print the parts (address, pid, up/down) as JSON
  status --env <name>   each pipeline's job on an environment's Flink cluster (dev, or one of streamt.config.ts):
                        state, restarts, last checkpoint and savepoint, found by the pipeline's name
      --json
  plan --env <name> [entry ...]   what apply would change there: topics to create or alter, jobs to start,
                        upgrade or stop, and for an upgrade each stateful operator's state: kept, dropped or
                        new (see docs/deploy.md); writes nothing
      --json, --no-typecheck
  apply --env <name> [entry ...]  creates/alters the topics, starts the jobs through the SQL Gateway, upgrades a
                        changed job from a savepoint, stops jobs of removed pipelines; a second apply does nothing
      --allow-state-loss          apply an upgrade that drops state (refused without it, STREAMT-R021)
      --yes                       confirm a change of a protected environment
      --no-typecheck
  destroy --env <name> [entry ...] stops the project's jobs with a final savepoint (printed)
      --delete-topics             also delete the project's topics
      --yes, --no-typecheck

Entries default to "streamt": { "entries": [...] } in ./package.json.
Exit codes: 0 ok, 1 pipeline errors (findings, type errors, Flink errors), 2 usage errors.
`;

function defaultEntries(cwd: string): string[] {
  const pkg = path.join(cwd, "package.json");
  if (!existsSync(pkg)) return [];
  try {
    const entries = (JSON.parse(readFileSync(pkg, "utf8")) as { streamt?: { entries?: unknown } }).streamt?.entries;
    return Array.isArray(entries) ? entries.filter((e): e is string => typeof e === "string") : [];
  } catch {
    return [];
  }
}

function printDiagnostics(io: Pick<Io, "err">, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d) + "\n");
  if (diagnostics.length > 0) io.err(formatSummary(diagnostics) + "\n");
}

/** Runs the CLI; returns the exit code. Never throws for bad input: prints what, where and how to fix. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv, { entries: defaultEntries(io.cwd) });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`streamt-sdk: ${e.message}\nRun 'streamt-sdk --help' for usage.\n`);
      return ExitCode.usage;
    }
    throw e;
  }
  try {
    return await dispatch(cmd, io, argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`streamt-sdk: ${e.message}\n`);
      return ExitCode.usage;
    }
    if (isStreamtError(e)) {
      io.err(`error ${e.code}: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ""}`);
      return ExitCode.pipelineErrors;
    }
    // Anything else is a bug in streamt-sdk: say so, with the stack for the report.
    io.err(`streamt-sdk: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.pipelineErrors;
  }
}

/** A short list for the summary line: a project of thousands of pipelines must not print them all. */
function nameList(names: readonly string[], shown = 8): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown - 1).join(", ")} and ${names.length - shown + 1} more`;
}

async function dispatch(cmd: Command, io: Io, argv: readonly string[]): Promise<number> {
  switch (cmd.command) {
    case "help":
      io.out(HELP);
      return ExitCode.ok;
    case "version":
      io.out(`${SDK_VERSION}\n`);
      return ExitCode.ok;
    case "synth":
    case "check": {
      const missing = missingEntries(cmd.entries, io.cwd);
      if (missing.length > 0) throw new UsageError(`entry file not found: ${missing.join(", ")} (relative to ${io.cwd})`);
      // synth --target k8s: the environment's Kubernetes settings and Kafka, from streamt.config.ts.
      const kubernetes = cmd.command === "synth" && cmd.env !== null ? await (await import("./k8s-target.js")).kubernetesTarget(cmd.env, io.cwd, io.beforeLoad) : null;
      // A synth whose output depends on files alone is recorded, to be replayed while they are unchanged
      // (synth/last-run.ts, asked by bin/streamt-sdk.js before anything else loads): SQL, Java projects, and
      // JARs (Maven builds them from those projects alone; an unchanged synth builds none again).
      const record = cmd.command === "synth" && cmd.cache && !cmd.watch && cmd.openlineage === null && cmd.target !== "k8s";
      const options: SynthOptions = {
        entries: cmd.entries,
        root: io.cwd,
        typecheck: cmd.typecheck,
        cache: cmd.cache,
        moduleCache: cmd.cache,
        flinkVersion: cmd.flink,
        bootstrapServers: kubernetes?.bootstrapServers ?? (cmd.command === "synth" ? cmd.bootstrapServers : "localhost:9092"),
        strict: cmd.strict,
        ...(cmd.command === "synth" ? { target: cmd.target } : {}),
        ...(kubernetes ? { kubernetes } : {}),
        ...(io.beforeLoad ? { beforeLoad: io.beforeLoad } : {}),
        ...(record ? { recordInputs: true } : {}),
      };
      if (cmd.command === "synth" && cmd.watch) {
        const { untilStopped, watchSynth } = await import("../synth/watch.js");
        return watchSynth({ synth: options, out: cmd.out, guard: { cwd: io.cwd, entries: cmd.entries }, print: io.out, err: io.err, stop: untilStopped() });
      }
      const result = cmd.command === "synth" ? await synth(options) : { ...(await check(options)), files: [], jars: [] };
      for (const note of result.notes) io.err(`note: ${note}\n`);
      // What the run prints from here on is what a replay prints (notes are about this run's caches).
      const shown = { stdout: "", stderr: "" };
      const show = { out: (t: string) => ((shown.stdout += t), io.out(t)), err: (t: string) => ((shown.stderr += t), io.err(t)) };
      if (cmd.command === "synth" && result.ok) {
        const guard = { cwd: io.cwd, entries: cmd.entries };
        if (result.jars.length === 0) writeOutput(cmd.out, result.files, guard);
        else {
          // The JARs are built in synth's temporary folder: a failed build leaves the previous output as it was.
          const { buildJars, jarBuildLog, recordJars } = await import("../runtime/jar-build.js");
          const { onExitSync } = await import("../runtime/process-registry.js");
          const progress = (line: string) => io.err(`${line}\n`);
          await writeOutputAfter(cmd.out, result.files, guard, async (staging) => {
            // Ctrl-C stops Maven and exits: the temporary folder goes too (the output folder is as it was).
            const unregister = onExitSync(() => rmSync(staging, { recursive: true, force: true }));
            try {
              recordJars(staging, result.jars, await buildJars(staging, result.jars, { logFile: jarBuildLog(path.resolve(io.cwd, cmd.out)), progress }));
            } finally {
              unregister();
            }
          });
        }
      }
      if (cmd.command === "synth" && result.ok && result.plan && cmd.openlineage !== null) {
        // After the output folder is written: the events describe what synth wrote.
        const { deliverOpenLineage, openLineageEvents } = await import("../lineage/openlineage.js");
        const { sqlByPipeline } = await import("../lineage/sql-scripts.js");
        const events = openLineageEvents(result.plan, {
          namespace: cmd.openlineageNamespace,
          bootstrapServers: options.bootstrapServers,
          producer: `urn:streamt-sdk:${SDK_VERSION}`,
          eventTime: new Date().toISOString(),
          sql: sqlByPipeline(result.files),
        });
        // A file is relative to where synth runs, as --out is.
        await deliverOpenLineage(events, /^https?:\/\//i.test(cmd.openlineage) ? cmd.openlineage : path.resolve(io.cwd, cmd.openlineage));
      }
      if (cmd.json) {
        const summary = (timings: Record<string, number>): string =>
          JSON.stringify(
            {
              ok: result.ok,
              command: cmd.command,
              ...(cmd.command === "synth" ? { out: cmd.out, files: result.files.map((f) => f.path).sort() } : {}),
              pipelines: result.plan?.pipelines.map((p) => p.name).sort() ?? [],
              diagnostics: result.diagnostics,
              timingsMs: timings,
            },
            null,
            2,
          ) + "\n";
        io.out(summary(Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)]))));
        // A replay runs no stage.
        shown.stdout = summary(Object.fromEntries(Object.keys(result.timings).map((k) => [k, 0])));
      } else {
        printDiagnostics(show, result.diagnostics);
        if (result.ok) {
          const names = result.plan?.pipelines.map((p) => p.name).sort() ?? [];
          show.out(cmd.command === "synth"
            ? `synthesised ${names.length} pipeline${names.length === 1 ? "" : "s"} (${nameList(names)}) into ${cmd.out}\n`
            : `checked ${names.length} pipeline${names.length === 1 ? "" : "s"} (${nameList(names)}): no failing findings\n`);
        }
      }
      const code = result.ok ? ExitCode.ok : ExitCode.pipelineErrors;
      if (record && result.read) {
        const { recordLastRun } = await import("../synth/last-run.js");
        const run = { ...result.read, out: result.ok ? cmd.out : null, ...shown, exitCode: code };
        const note = recordLastRun(argv, io.cwd, run);
        if (note) io.err(`note: ${note}\n`);
      }
      return code;
    }
    case "lineage": {
      const { lineageCommand } = await import("./lineage-command.js");
      return lineageCommand(cmd, io);
    }
    case "docs": {
      const { docsCommand } = await import("./docs-command.js");
      return docsCommand(cmd, io);
    }
    case "test": {
      const { runTests } = await import("./test-command.js");
      return runTests(cmd.filters, io);
    }
    case "dev": {
      const { devCommand } = await import("./dev-command.js");
      return devCommand(cmd, io);
    }
    case "status": {
      const { statusCommand } = await import("./dev-command.js");
      return statusCommand(cmd, io);
    }
    case "plan":
    case "apply":
    case "destroy": {
      const { deployCommand } = await import("./deploy-command.js");
      return deployCommand(cmd, io);
    }
    case "validate":
    case "run": {
      const { runRuntimeCommand } = await import("./runtime-commands.js");
      return runRuntimeCommand(cmd, io);
    }
  }
}
