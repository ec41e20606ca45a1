import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aggregatorPom, buildJars, jarBuildLog, jarBuildSteps, mavenOpts, relevantMavenLines } from "../../packages/streamt-sdk/src/runtime/jar-build.js";

describe("jar-build: where its log goes and what of it a failure shows", () => {
  it("the log is outside the output folder, named after it and a hash of its absolute path", () => {
    // sha256("/work/project/streamt.out") begins 277cf73a
    expect(jarBuildLog("/work/project/streamt.out/")).toBe(path.join(tmpdir(), "streamt-sdk", "streamt.out-277cf73a-jar-build.log"));
  });

  it("two output folders of one name in two projects: two logs (builds at once on one machine do not mix)", () => {
    expect(jarBuildLog("/work/a/dist")).not.toBe(jarBuildLog("/work/b/dist"));
    expect(jarBuildLog("dist")).toBe(jarBuildLog(path.join(process.cwd(), "dist")));
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

/**
 * A Maven project that builds with the real Maven without fetching a plugin: packaging "pom" binds nothing
 * to `package`, so its JAR is one the project already holds (2.5 MB).
 */
function prebuiltJarProject(): { pom: string; jar: string } {
  return {
    pom: '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>io.streamt.test</groupId><artifactId>counts</artifactId><version>1</version><packaging>pom</packaging></project>\n',
    jar: "x".repeat(2_500_000),
  };
}

describe("jar-build: Maven's JVM flags", () => {
  it("the JIT's first tier and the serial collector, then the user's MAVEN_OPTS, which win", () => {
    expect(mavenOpts({})).toBe("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    expect(mavenOpts({ MAVEN_OPTS: "  " })).toBe("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    expect(mavenOpts({ MAVEN_OPTS: " -Xmx2g -XX:+UseG1GC " })).toBe("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx2g -XX:+UseG1GC");
  });
});

describe("buildJars with the real Maven", () => {
  const before = process.env.STREAMT_M2_REPO;
  const dirs: string[] = [];
  afterEach(() => {
    if (before === undefined) delete process.env.STREAMT_M2_REPO;
    else process.env.STREAMT_M2_REPO = before;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("each JAR with its sha256 and size, said when built; the folder keeps only the projects; Maven's local repository is STREAMT_M2_REPO's when set, else Maven's own", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "streamt-jar-build-test-"));
    dirs.push(root);
    const { pom, jar } = prebuiltJarProject();
    const build = async (out: string) => {
      mkdirSync(path.join(root, out, "counts"), { recursive: true });
      writeFileSync(path.join(root, out, "counts/pom.xml"), pom);
      writeFileSync(path.join(root, out, "counts/counts.jar"), jar);
      const progress: string[] = [];
      const log = path.join(root, `${out}.log`);
      const built = await buildJars(path.join(root, out), [{ pipeline: "counts", flinkVersion: "2.2", projectDir: "counts", jar: "counts/counts.jar", mainClass: "io.streamt.generated.CountsJob" }], { logFile: log, progress: (l) => progress.push(l) });
      return { built, progress, log, left: readdirSync(path.join(root, out)).sort() };
    };
    const expected = [{ pipeline: "counts", jar: "counts/counts.jar", sha256: createHash("sha256").update(jar).digest("hex"), bytes: 2_500_000 }];

    delete process.env.STREAMT_M2_REPO;
    const first = await build("out");
    expect(first.built).toEqual(expected);
    expect(first.progress).toEqual([`building 1 JAR with Maven (log: ${first.log})...`, "  building counts.jar (1/1)", expect.stringMatching(/^built 1 JAR in \d+ s: counts\/counts\.jar \(2\.5 MB\)$/)]);
    // Nothing but the project: the reactor's pom is removed, and no local repository is made in the folder.
    expect(first.left).toEqual(["counts"]);

    process.env.STREAMT_M2_REPO = path.join(root, "m2");
    const second = await build("out2");
    expect([second.built, second.left, existsSync(path.join(root, "m2"))]).toEqual([expected, ["counts"], true]);
  }, 120_000);
});
