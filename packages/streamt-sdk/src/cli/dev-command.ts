import path from "node:path";
import { devDown, devPaths, devStatus, devUp, type DevStatus } from "../runtime/dev-cluster.js";
import type { Command } from "./args.js";
import type { Io } from "./main.js";

type DevCommand = Extract<Command, { command: "dev" }>;
type StatusCommand = Extract<Command, { command: "status" }>;

/** `dev up | down | status`: progress on stderr, the result on stdout (as JSON with --json). */
export async function devCommand(cmd: DevCommand, io: Io): Promise<number> {
  const write = (text: string) => io.err(text);
  switch (cmd.action) {
    case "up": {
      const status = await devUp(io.cwd, { write });
      printUp(io, status, cmd.json);
      return 0;
    }
    case "down": {
      const { stopped } = await devDown(io.cwd, { write });
      if (cmd.json) io.out(JSON.stringify({ stopped }, null, 2) + "\n");
      else io.out(stopped.length === 0 ? "the dev cluster was not running\n" : `stopped ${stopped.length} process${stopped.length === 1 ? "" : "es"}; checkpoints and savepoints are kept in ${shown(io, devPaths(io.cwd).root)}/\n`);
      return 0;
    }
    case "status":
      printStatus(io, await devStatus(io.cwd), cmd.json);
      return 0;
  }
}

function shown(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel.startsWith("..") ? file : rel;
}

/** What `dev up` prints on stdout once the cluster runs: its status, and (not as JSON) how to stop it. */
export function printUp(io: Io, status: DevStatus, json: boolean): void {
  printStatus(io, status, json);
  if (!json) io.out(`stop it with: streamt-sdk dev down\n`);
}

function printStatus(io: Io, status: DevStatus, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(status, null, 2) + "\n");
    return;
  }
  const width = Math.max(...status.parts.map((p) => p.label.length));
  for (const p of status.parts) {
    io.out(`${p.label.padEnd(width)}  ${p.state.padEnd(8)}  ${p.pid === null ? "".padEnd(8) : `pid ${p.pid}`.padEnd(8)}  ${p.address}\n`);
  }
  if (status.restUrl) io.out(`web UI: ${status.restUrl}\n`);
  io.out(`logs, checkpoints and savepoints: ${shown(io, status.dir)}/\n`);
}

/** `status --env <name>`: each pipeline's job on the environment's cluster (the newest job of its name). */
export async function statusCommand(cmd: StatusCommand, io: Io): Promise<number> {
  const { environmentOf, loadConfig } = await import("../deploy/config.js");
  const { pipelineStatus } = await import("../deploy/status.js");
  // streamt.config.ts is TypeScript: the loader must be in place before it is imported.
  io.beforeLoad?.();
  const env = environmentOf(await loadConfig(io.cwd), cmd.env, io.cwd);
  const pipelines = await pipelineStatus(env);
  if (cmd.json) {
    io.out(JSON.stringify({ environment: env.name, restUrl: env.flink.restUrl, pipelines }, null, 2) + "\n");
    return 0;
  }
  io.out(`environment ${env.name}: ${env.flink.restUrl}\n`);
  if (pipelines.length === 0) io.out("no jobs\n");
  for (const p of pipelines) {
    const checkpoint = p.lastCheckpoint ? `#${p.lastCheckpoint.id} at ${p.lastCheckpoint.completedAt}` : "none";
    const savepoint = p.lastSavepoint ? `${p.lastSavepoint.path ?? `#${p.lastSavepoint.id}`} at ${p.lastSavepoint.completedAt}` : "none";
    io.out(`${p.pipeline}  ${p.state}  job ${p.jobId} since ${p.startedAt}  restarts ${p.restarts ?? "?"}\n`);
    io.out(`  last checkpoint: ${checkpoint}; last savepoint: ${savepoint}${p.earlierJobs > 0 ? `; ${p.earlierJobs} earlier job${p.earlierJobs === 1 ? "" : "s"} of this name` : ""}\n`);
  }
  return 0;
}
