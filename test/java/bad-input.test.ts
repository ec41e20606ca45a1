/**
 * The Java output's bad input: a broken template, a Maven build that fails (a real Maven run: a template
 * whose Flink version does not exist). Each is a coded error; nothing is replaced.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { jarBuildLog } from "../../packages/streamt-sdk/src/runtime/jar-build.js";

const root = path.resolve(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(tmpdir(), "streamt-java-bad-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.STREAMT_TEMPLATES_DIR;
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd: root };
  const code = await main(argv, io);
  return { code, out, err };
}

/** Every file of a folder with its content (folders with none). */
const snapshot = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort().map((f) => [f, statSync(path.join(dir, f)).isDirectory() ? null : readFileSync(path.join(dir, f), "utf8")]);

describe("synth --target jar without the toolchain", () => {
  const saved = { MVN: process.env.MVN, JAVA_HOME: process.env.JAVA_HOME };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("no Maven: STREAMT-R003 saying what to install, exit 1, nothing written", async () => {
    process.env.MVN = "/nonexistent/mvn";
    const out = path.join(work, "out-r003");
    const r = await cli("synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck", "--target", "jar");
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toBe("error STREAMT-R003: Maven was not found (/nonexistent/mvn): it downloads Flink and Kafka from Maven Central on first use");
    expect(existsSync(out)).toBe(false);
  });

  it("no Java: STREAMT-R001 saying what to install, exit 1, nothing written", async () => {
    process.env.JAVA_HOME = "/nonexistent";
    const out = path.join(work, "out-r001");
    const r = await cli("synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck", "--target", "jar");
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toBe("error STREAMT-R001: Java was not found (/nonexistent/bin/java): running Flink and Kafka locally needs a JDK 17 or newer");
    expect(existsSync(out)).toBe(false);
  });
});

describe("synth --target java|jar with broken templates or a failing build", () => {
  it("a missing template is STREAMT-B012, naming the file; nothing is written", async () => {
    process.env.STREAMT_TEMPLATES_DIR = path.join(work, "no-templates");
    const out = path.join(work, "out-b012");
    const r = await cli("synth", "examples/hourly-revenue.ts", "--out", out, "--no-typecheck", "--target", "java");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`STREAMT-B012`);
    expect(r.err).toContain(`the Java project template ${path.join(work, "no-templates", "java", "Job.java.hbs")} cannot be read (ENOENT)`);
    expect(existsSync(out)).toBe(false);
  });

  it("a Maven failure is STREAMT-R013 with the log's path and Maven's ERROR lines, and the previous output stays as it was", async () => {
    const out = path.join(work, "out-r013");
    expect((await cli("synth", "examples/hourly-revenue.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const before = snapshot(out);
    const templates = path.join(work, "templates");
    cpSync(path.join(root, "templates"), templates, { recursive: true });
    const pom = path.join(templates, "java", "pom.xml.hbs");
    writeFileSync(pom, readFileSync(pom, "utf8").replace("<flink.version>{{flink}}</flink.version>", "<flink.version>{{flink}}-no-such-version</flink.version>"));
    process.env.STREAMT_TEMPLATES_DIR = templates;
    const r = await cli("synth", "examples/hourly-revenue.ts", "--out", out, "--no-typecheck", "--target", "jar");
    expect(r.code).toBe(1);
    const log = jarBuildLog(out);
    const lines = r.err.split("\n");
    expect(lines[0]).toBe(`building 1 JAR with Maven (log: ${log})...`);
    const error = lines.findIndex((l) => l.startsWith("error STREAMT-R013"));
    expect(lines[error]).toBe(`error STREAMT-R013: Maven could not build the JARs (exit code 1); nothing was replaced. Maven's full log: ${log}`);
    expect(lines[error + 1]).toMatch(/^\[ERROR\] Failed to execute goal on project hourly-revenue: Could not resolve dependencies .*org\.apache\.flink:flink-table-api-java:jar:2\.2\.0-no-such-version/);
    expect(readFileSync(log, "utf8")).toContain("[ERROR] Failed to execute goal on project hourly-revenue");
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(work).filter((f) => f.startsWith("out-r013."))).toEqual([]);
  }, 180_000);
});
