/**
 * startJarJob hands on what a job JAR's JVM prints line by line (run --local --target jar shows print-sink
 * rows from them): stdout arrives in chunks that can hold several lines or part of one. The JAR here is a
 * real one, compiled and packed with the JDK's own tools, its main printing as a print sink does; the flink
 * project's global setup has built the runner whose classpath the run uses.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startJarJob } from "../../packages/streamt-sdk/src/runtime/jar-run.js";
import { findToolchain } from "../../packages/streamt-sdk/src/runtime/toolchain.js";

const dir = mkdtempSync(path.join(tmpdir(), "streamt-jar-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two rows in one write, then a row whose line is split over two writes.
const MAIN = `public class PrintRows {
  public static void main(String[] args) throws Exception {
    System.out.print("+I[1, a]\\n-U[1, a]\\n");
    System.out.flush();
    System.out.print("+U[1, ");
    System.out.flush();
    Thread.sleep(300);
    System.out.print("b]\\n");
    System.out.flush();
  }
}
`;

function printRowsJar(): string {
  const bin = path.dirname(findToolchain().java);
  mkdirSync(path.join(dir, "classes"));
  writeFileSync(path.join(dir, "PrintRows.java"), MAIN);
  execFileSync(path.join(bin, "javac"), ["-d", path.join(dir, "classes"), path.join(dir, "PrintRows.java")]);
  const jar = path.join(dir, "print-rows.jar");
  execFileSync(path.join(bin, "jar"), ["--create", "--file", jar, "-C", path.join(dir, "classes"), "."]);
  return jar;
}

describe("startJarJob: what the job's JVM prints", () => {
  it("each stdout line on its own, whole, however the writes split them", async () => {
    const lines: string[] = [];
    const job = await startJarJob({ name: "print-rows", jar: printRowsJar(), mainClass: "PrintRows", target: "2", args: [], onStderr: (l) => lines.push(l) });
    expect(await job.ended).toEqual({ code: 0, signal: null, stderr: "" });
    expect(lines).toEqual(["+I[1, a]", "-U[1, a]", "+U[1, b]"]);
  }, 120_000);
});
