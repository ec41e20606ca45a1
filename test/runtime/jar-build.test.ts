import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aggregatorPom, jarBuildLog, jarBuildSteps, relevantMavenLines } from "../../packages/streamt-sdk/src/runtime/jar-build.js";

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

describe("jar-build: the reactor pom and the progress of a build", () => {
  it("one module per project, its path escaped for XML", () => {
    expect(aggregatorPom(["../hourly-revenue", "../a&b<c>\"d'"])).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<project xmlns="http://maven.apache.org/POM/4.0.0">',
        "  <modelVersion>4.0.0</modelVersion>",
        "  <groupId>io.streamt.generated</groupId>",
        "  <artifactId>streamt-build</artifactId>",
        "  <version>1</version>",
        "  <packaging>pom</packaging>",
        "  <modules>",
        "    <module>../hourly-revenue</module>",
        "    <module>../a&#38;b&#60;c&#62;&#34;d&#39;</module>",
        "  </modules>",
        "</project>",
        "",
      ].join("\n"),
    );
  });

  it("a line per pipeline's project as Maven starts it, with the downloads so far when they grew", () => {
    const shown: string[] = [];
    const step = jarBuildSteps([{ pipeline: "orders" }, { pipeline: "hourly-revenue" }], (l) => shown.push(l));
    for (const line of [
      "[INFO] Scanning for projects...",
      "[INFO] Downloaded from central: https://repo/a.jar (1 MB at 1 MB/s)",
      "Downloaded from central: https://repo/b.jar (1 MB at 1 MB/s)",
      "[INFO] Downloading from central: https://repo/c.jar",
      "[INFO] Building streamt-build 1   [3/3]",
      "[INFO] Building orders 0.1.0   [1/3]",
      "[WARNING] Building orders 0.1.0   [1/3]",
      "[INFO] Building hourly-revenue 0.1.0 [2/3]",
      "[INFO] Downloaded from central: https://repo/d.jar (1 MB at 1 MB/s)",
      "[INFO] Building orders 0.1.0   [1/3]",
    ])
      step(line);
    expect(shown).toEqual(["  building orders.jar (1/2); 2 artifacts downloaded so far", "  building hourly-revenue.jar (2/2)", "  building orders.jar (1/2); 3 artifacts downloaded so far"]);
  });
});
