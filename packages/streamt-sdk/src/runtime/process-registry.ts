import type { ChildProcess } from "node:child_process";

/**
 * Every JVM streamt-sdk starts is registered here, so that none outlives the Node process: on
 * 'exit' (normal end, uncaught error) the survivors get SIGKILL, and SIGINT/SIGTERM first run the
 * registered async cleanups (graceful stops) before exiting.
 *
 * The children also watch their stdin (the runner's `--watch-stdin` and the broker's default), so even
 * a SIGKILL of Node itself, which runs no handler, closes their pipes and they stop on their own.
 */
const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();
const exitCleanups = new Set<() => void>();
let installed = false;
let signalled = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          c.kill("SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    for (const c of exitCleanups) {
      try {
        c();
      } catch {
        // best effort at exit
      }
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // Someone else (the CLI's run command) handles the signal itself: leave it to them.
      if (process.listenerCount(signal) > 1) return;
      if (signalled) process.exit(130);
      signalled = true;
      void runCleanups()
        .then(killChildren)
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}

/**
 * SIGKILL to every child still running, resolved once each has exited (at most 5 s): the exit cleanups
 * then remove folders no dying child still writes into (a Maven build's, say).
 */
async function killChildren(): Promise<void> {
  const exited = Promise.allSettled(liveChildren().map((c) => stopChild(c, { signal: "SIGKILL" })));
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
}

/** Tracks a child process until it exits; it is killed if Node exits first. */
export function trackChild(child: ChildProcess): ChildProcess {
  install();
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Registers a graceful stop run on SIGINT/SIGTERM; returns a function that unregisters it. */
export function onShutdown(cleanup: () => Promise<void>): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Registers synchronous work for process exit (e.g. removing a temp folder); returns an unregister function. */
export function onExitSync(cleanup: () => void): () => void {
  install();
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

/** Runs every registered graceful stop (in parallel), e.g. from a signal handler of the caller. */
export async function runCleanups(): Promise<void> {
  const all = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(all.map((c) => c()));
}

/** The processes still running (for tests asserting nothing is left behind). */
export function liveChildren(): readonly ChildProcess[] {
  return [...children].filter((c) => c.exitCode === null && c.signalCode === null);
}

/**
 * Stops a child: `signal` (SIGTERM by default), then SIGKILL if it has not exited within `timeoutMs`.
 * Resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, options: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(options.signal ?? "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs ?? 20_000);
  });
  const r = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (r === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}
