import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jarBuildLog, relevantMavenLines } from "../../packages/streamt-sdk/src/runtime/jar-build.js";

describe("jar-build: where its log goes and what of it a failure shows", () => {
  it("the log is outside the output folder, named after it", () => {
    expect(jarBuildLog("/work/project/streamt.out/")).toBe(path.join(tmpdir(), "streamt-sdk", "streamt.out-jar-build.log"));
  });

  it("Maven's ERROR lines without its boilerplate", () => {
    const lines = [
      "[INFO] Building orders 0.1.0 [1/2]",
      "[ERROR] /p/src/main/java/Job.java:[12,5] cannot find symbol",
      "[ERROR] ",
      "[ERROR]",
      "[ERROR] -> [Help 1]",
      "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
      "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
      "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
      "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException",
      "[WARNING] something else",
      "[ERROR] Failed to execute goal compile on project orders",
    ];
    expect(relevantMavenLines(lines)).toEqual(["[ERROR] /p/src/main/java/Job.java:[12,5] cannot find symbol", "[ERROR] Failed to execute goal compile on project orders"]);
  });

  it("at most the last 20; with no ERROR line, the log's last 20 lines", () => {
    const errors = Array.from({ length: 25 }, (_, i) => `[ERROR] e${i}`);
    expect(relevantMavenLines(errors)).toEqual(errors.slice(5));
    const info = Array.from({ length: 30 }, (_, i) => `[INFO] i${i}`);
    expect(relevantMavenLines(info)).toEqual(info.slice(10));
    expect(relevantMavenLines(["Killed"])).toEqual(["Killed"]);
  });
});
