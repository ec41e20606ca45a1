import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildRunner, buildSteps, flinkJvmOptions, onJsonLines, runnerDir, runnerTargetFor, stderrTail } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { refusal } from "../helpers.js";
import { fakeToolchain, type FakeToolchain } from "./fake-toolchain.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the runner's folder and its JVM options", () => {
  const before = process.env.STREAMT_RUNNER_DIR;
  const dirs: string[] = [];
  afterEach(() => {
    if (before === undefined) delete process.env.STREAMT_RUNNER_DIR;
    else process.env.STREAMT_RUNNER_DIR = before;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const runnerFolder = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-runner-test-"));
    dirs.push(dir);
    process.env.STREAMT_RUNNER_DIR = dir;
    return dir;
  };

  it("in this repository the runner is packages/flink-runner; $STREAMT_RUNNER_DIR overrides it", () => {
    delete process.env.STREAMT_RUNNER_DIR;
    expect(runnerDir()).toBe(path.join(ROOT, "packages/flink-runner"));
    const dir = runnerFolder();
    expect(runnerDir()).toBe(dir);
  });

  it("jvm-options.txt gives one option per line, trimmed, without blank lines and # comments", () => {
    const dir = runnerFolder();
    writeFileSync(path.join(dir, "jvm-options.txt"), "# Flink's flags\n--add-opens=java.base/java.lang=ALL-UNNAMED\n\n  --add-exports=java.base/sun.net.util=ALL-UNNAMED  \n");
    expect(flinkJvmOptions()).toEqual(["--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.net.util=ALL-UNNAMED"]);
  });

  it("without jvm-options.txt there are no options", () => {
    runnerFolder();
    expect(flinkJvmOptions()).toEqual([]);
  });
});

describe("runnerTargetFor: the runner of a Flink version line", () => {
  it("1.20 and its patch versions run on 1.20; 2, 2.x on 2", () => {
    expect(["1.20", "1.20.1", "2", "2.2", "2.1.0"].map(runnerTargetFor)).toEqual(["1.20", "1.20", "2", "2", "2"]);
  });

  it("any other version is refused with the versions there are", () => {
    expect(refusal(() => runnerTargetFor("1.19"))).toEqual({ code: "STREAMT-R005", message: "no local Flink runner for Flink 1.19", hint: 'use flinkVersion "2.2" or "1.20"', site: null });
    expect(refusal(() => runnerTargetFor("20")).message).toBe("no local Flink runner for Flink 20");
    expect(refusal(() => runnerTargetFor("1.200")).message).toBe("no local Flink runner for Flink 1.200");
  });
});

/** A node process writing `stdout` and `stderr` (line by line), then exiting. */
function child(stdout: string, stderr = "") {
  return spawn(process.execPath, ["-e", `process.stdout.write(${JSON.stringify(stdout)}); process.stderr.write(${JSON.stringify(stderr)});`], { stdio: ["ignore", "pipe", "pipe"] });
}
const exited = (c: ReturnType<typeof child>) => new Promise<void>((resolve) => c.once("close", () => resolve()));

describe("the runner's stdout (JSON lines) and stderr (kept tail)", () => {
  it("each JSON object line is an event; other lines, JSON that is not an object included, are not; blank lines are dropped", async () => {
    const c = child('{"event":"ready"}\nlog line\n\n  {"id":"a","n":1}  \n42\n"text"\nnull\n');
    const events: unknown[] = [];
    const others: string[] = [];
    onJsonLines(c, (e) => events.push(e), (l) => others.push(l));
    await exited(c);
    expect(events).toEqual([{ event: "ready" }, { id: "a", n: 1 }]);
    expect(others).toEqual(["log line", "42", '"text"', "null"]);
  });

  it("stderrTail keeps the last n lines and forwards every line", async () => {
    const c = child("", "one\ntwo\nthree\nfour\n");
    const forwarded: string[] = [];
    const tail = stderrTail(c, 2, (l) => forwarded.push(l));
    await exited(c);
    expect(tail()).toBe("three\nfour");
    expect(forwarded).toEqual(["one", "two", "three", "four"]);
  });
});

describe("buildSteps: what a runner build shows of build.sh's output", () => {
  function shown(lines: readonly string[]): string[] {
    const out: string[] = [];
    const steps = buildSteps((l) => out.push(l));
    for (const l of lines) steps.line(l);
    steps.end();
    return out;
  }

  it("its own lines are steps; Maven's lines and blank lines are not shown", () => {
    expect(
      shown([
        "downloading Flink 2.2.0 dependencies via Maven (first use only)...",
        "[INFO] Scanning for projects...",
        "[WARNING] a warning",
        "[WARN] another",
        "[ERROR] an error",
        "[DEBUG] details",
        "Downloading from central: https://repo/x.pom",
        "Progress (1): 2.1 kB",
        "   ",
        "",
        "compiling the runner for Flink 2.2.0...",
      ]),
    ).toEqual(["downloading Flink 2.2.0 dependencies via Maven (first use only)...", "compiling the runner for Flink 2.2.0..."]);
  });

  it("downloads are counted and summed in MB, shown before the next step and at the end", () => {
    expect(
      shown([
        "downloading Flink 2.2.0 dependencies via Maven (first use only)...",
        "[INFO] Downloaded from central: https://repo/flink-core.jar (2.5 MB at 3.1 MB/s)",
        "Downloaded from central: https://repo/big.jar (1,500 kB at 2 MB/s)",
        "Downloaded from central: https://repo/x.pom (600,000 B at 1 MB/s)",
        "Downloaded from central: https://repo/huge.tar (0.5 GB at 9 MB/s)",
        "Downloaded from central: https://repo/small.pom (2.0 KB at 1 MB/s)",
        "compiling the runner for Flink 2.2.0...",
        "[INFO] Downloaded from central: https://repo/last.jar (1.4 MB at 1 MB/s)",
      ]),
    ).toEqual([
      "downloading Flink 2.2.0 dependencies via Maven (first use only)...",
      // 2.5 + 1.5 + 0.6 + 500 + 0.002 MB
      "  downloaded 5 artifacts (505 MB)",
      "compiling the runner for Flink 2.2.0...",
      "  downloaded 1 artifact (1 MB)",
    ]);
  });

  it("nothing downloaded, nothing said about downloads", () => {
    expect(shown(["step one", "step two"])).toEqual(["step one", "step two"]);
    expect(shown([])).toEqual([]);
  });
});

describe("buildRunner: each target built once per process", () => {
  let fake: FakeToolchain;
  beforeAll(() => {
    fake = fakeToolchain();
  });
  afterAll(() => fake.remove());

  it("a second use of a target gets the first build, without running build.sh again", async () => {
    const progress: string[] = [];
    const first = buildRunner("kafka", (l) => progress.push(l));
    expect(buildRunner("kafka", (l) => progress.push(l))).toBe(first);
    expect(await first).toEqual({ target: "kafka", classes: path.join(fake.runnerDir, "target-kafka", "classes"), classpath: "/m2/flink-kafka.jar" });
    expect(await buildRunner("kafka", (l) => progress.push(l))).toBe(await first);
    expect(fake.builds()).toEqual(["kafka"]);
    expect(progress).toEqual(["compiling the runner for target kafka..."]);
  });

  it("the folder of a target built before is used again: build.sh's stderr goes to its build.log", async () => {
    mkdirSync(path.join(fake.runnerDir, "target-1.20"));
    expect((await buildRunner("1.20", () => {})).classpath).toBe("/m2/flink-1.20.jar");
    expect(readFileSync(path.join(fake.runnerDir, "target-1.20", "build.log"), "utf8")).toBe("compiling the runner for target 1.20...\n");
    expect(fake.builds()).toEqual(["kafka", "1.20"]);
  });
});
