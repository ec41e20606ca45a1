import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { processStartTime } from "../../packages/streamt-sdk/src/runtime/dev-cluster.js";
import { liveChildren, onShutdown, runCleanups, stopChild, trackChild } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

const REGISTRY = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/runtime/process-registry.ts");

/**
 * Runs `body` in a Node process of its own that imports the registry, sends it each signal once the
 * process has printed "ready" (and then, for the next, the line before), and returns how it ended and its stdout lines.
 */
function runWithRegistry(body: string, signals: NodeJS.Signals[]): Promise<{ code: number | null; signal: string | null; lines: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import * as registry from ${JSON.stringify(REGISTRY)};\n${body}`], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: path.dirname(REGISTRY),
  });
  const lines: string[] = [];
  let pending = [...signals];
  let buffered = "";
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      const next = pending[0];
      if (next !== undefined && (line === "ready" || line === "cleanup started")) {
        pending = pending.slice(1);
        child.kill(next);
      }
    }
  });
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, lines })));
}

const WAIT = "setTimeout(() => {}, 20000);";

describe("process-registry: nothing streamt-sdk starts outlives Node", () => {
  it("SIGINT runs the graceful stops, then exits 130", async () => {
    const r = await runWithRegistry(`registry.onShutdown(async () => console.log("stopped gracefully")); ${WAIT} console.log("ready");`, ["SIGINT"]);
    expect(r).toEqual({ code: 130, signal: null, lines: ["ready", "stopped gracefully"] });
  });

  it("on a signal, a child still running is killed and gone before the exit cleanups run (they remove what it wrote into)", async () => {
    const r = await runWithRegistry(
      `import { spawn } from "node:child_process";
       const child = registry.trackChild(spawn("sleep", ["30"], { stdio: "ignore" }));
       registry.onExitSync(() => { try { process.kill(child.pid, 0); console.log("child running at exit"); } catch { console.log("child gone at exit"); } });
       ${WAIT} console.log("ready");`,
      ["SIGINT"],
    );
    expect(r).toEqual({ code: 130, signal: null, lines: ["ready", "child gone at exit"] });
  });

  it("SIGTERM runs the graceful stops, then exits 143", async () => {
    const r = await runWithRegistry(`registry.onShutdown(async () => console.log("stopped gracefully")); ${WAIT} console.log("ready");`, ["SIGTERM"]);
    expect(r).toEqual({ code: 143, signal: null, lines: ["ready", "stopped gracefully"] });
  });

  it("a second signal while the graceful stops still run exits 130 at once", async () => {
    const r = await runWithRegistry(`registry.onShutdown(() => { console.log("cleanup started"); return new Promise(() => {}); }); ${WAIT} console.log("ready");`, ["SIGTERM", "SIGTERM"]);
    expect(r).toEqual({ code: 130, signal: null, lines: ["ready", "cleanup started"] });
  });

  it("an unregistered stop does not run; a signal the program handles itself is left to it", async () => {
    const r = await runWithRegistry(
      `const off = registry.onShutdown(async () => console.log("unregistered stop ran")); off();
       registry.onShutdown(async () => console.log("registry stop ran"));
       process.on("SIGINT", () => { console.log("the program's own handler"); process.exit(7); });
       ${WAIT} console.log("ready");`,
      ["SIGINT"],
    );
    expect(r).toEqual({ code: 7, signal: null, lines: ["ready", "the program's own handler"] });
  });

  it("on exit a tracked child still running is SIGKILLed and the exit work runs (not the unregistered)", async () => {
    const r = await runWithRegistry(
      `import { spawn } from "node:child_process";
       const child = registry.trackChild(spawn("sleep", ["60"], { stdio: "ignore" }));
       registry.onExitSync(() => console.log("exit work ran"));
       registry.onExitSync(() => { throw new Error("best effort"); });
       const off = registry.onExitSync(() => console.log("unregistered exit work ran")); off();
       console.log(String(child.pid));
       process.exit(3);`,
      [],
    );
    expect(r.code).toBe(3);
    expect(r.lines.slice(1)).toEqual(["exit work ran"]);
    const pid = Number(r.lines[0]);
    const deadline = Date.now() + 5_000;
    while (processStartTime(pid) !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processStartTime(pid)).toBeNull();
  });
});

describe("process-registry in this process: tracked children, stopping one, running the stops", () => {
  it("a tracked child is live until it exits", async () => {
    const child = trackChild(spawn("sleep", ["30"], { stdio: "ignore" }));
    expect(liveChildren()).toContain(child);
    await stopChild(child);
    expect([child.signalCode, liveChildren().includes(child)]).toEqual(["SIGTERM", false]);
    await stopChild(child); // already exited: nothing to do
  });

  it("stopChild sends the signal asked for, then SIGKILL when the child outlives the timeout", async () => {
    const ignoring = spawn(process.execPath, ["-e", `process.on("SIGTERM", () => {}); setTimeout(() => {}, 30000); console.log("ready");`], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((resolve) => ignoring.stdout.once("data", resolve));
    const started = Date.now();
    await stopChild(ignoring, { timeoutMs: 300 });
    expect([ignoring.signalCode, Date.now() - started >= 300]).toEqual(["SIGKILL", true]);
    const interrupted = spawn("sleep", ["30"], { stdio: "ignore" });
    await stopChild(interrupted, { signal: "SIGINT" });
    expect(interrupted.signalCode).toBe("SIGINT");
  });

  it("runCleanups runs every registered stop once, even when one fails", async () => {
    const ran: string[] = [];
    onShutdown(async () => {
      ran.push("a");
      throw new Error("a failed");
    });
    const off = onShutdown(async () => void ran.push("unregistered"));
    off();
    onShutdown(async () => void ran.push("b"));
    await runCleanups();
    await runCleanups();
    expect(ran.sort()).toEqual(["a", "b"]);
  });
});
