/**
 * Where a refusal says the user's call is: the stack-text path reads frames as Node prints them on every
 * platform, so a Windows path (C:\...) names the call as well as a POSIX one does.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callSite, setSiteRoot } from "../../packages/streamt-sdk/src/dsl/call-site.js";

/** Runs `read` while every stack trace formats as the given frames (what Node prints on that platform). */
function withStack(frames: readonly string[], read: () => unknown): unknown {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = () => ["Error", ...frames.map((f) => `    at ${f}`)].join("\n");
  try {
    return read();
  } finally {
    Error.prepareStackTrace = saved;
  }
}

describe("call sites from stack text", () => {
  afterEach(() => setSiteRoot(process.cwd()));

  it("a Windows frame, with and without a function name", () => {
    // The file as the platform's path module makes it relative to the root (on Windows: pipelines/orders.ts).
    const relative = (file: string) => path.relative(process.cwd(), file).split(path.sep).join("/");
    expect(withStack(["build (C:\\work\\app\\pipelines\\orders.ts:12:5)"], callSite)).toEqual({ file: relative("C:\\work\\app\\pipelines\\orders.ts"), line: 12, column: 5 });
    expect(withStack(["D:\\a\\b.ts:3:14"], callSite)).toEqual({ file: relative("D:\\a\\b.ts"), line: 3, column: 14 });
  });

  it("a POSIX frame and a file URL, relative to the project root", () => {
    setSiteRoot("/work/app");
    expect(withStack(["build (/work/app/pipelines/orders.ts:12:5)"], callSite)).toEqual({ file: "pipelines/orders.ts", line: 12, column: 5 });
    expect(withStack(["file:///work/app/pipelines/orders.ts:7:1"], callSite)).toEqual({ file: "pipelines/orders.ts", line: 7, column: 1 });
  });

  it("a frame whose location is no file (a data: URL module) is skipped, even when its text holds ' at /path:line:col'", () => {
    // Node prints a data: URL module's location as the URL itself, source text and all.
    setSiteRoot("/work/app");
    expect(withStack(["data:text/javascript,look at /work/app/fake.ts:1:1", "main (/work/app/run.ts:4:2)"], callSite)).toEqual({ file: "run.ts", line: 4, column: 2 });
  });

  it("no user frame: no site (Node's own frames, with or without a function name, are not the user's)", () => {
    expect(withStack(["node:internal/modules/run_main:123:26", "process.processTicksAndRejections (node:internal/process/task_queues:95:5)", "/work/app/node_modules/x/index.js:1:1"], callSite)).toBeNull();
    expect(withStack(["node:internal/modules/run_main:123:26", "main (/work/app/run.ts:4:2)"], callSite)).toEqual({ file: path.relative(process.cwd(), "/work/app/run.ts").split(path.sep).join("/"), line: 4, column: 2 });
  });
});
