import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jarBuildLog } from "../../packages/streamt-sdk/src/runtime/jar-build.js";
import type { ResolvedEnvironment } from "../../packages/streamt-sdk/src/deploy/config.js";
import { prepareJar, type JarSource } from "../../packages/streamt-sdk/src/deploy/jar-deploy.js";
import { stabilisePlan, type SessionTable } from "../../packages/streamt-sdk/src/deploy/stable-plan.js";
import { fakeToolchain, type FakeToolchain } from "../runtime/fake-toolchain.js";

// prepareJar with a stand-in for Maven and the JVM (its Maven errors, with the real Maven: jar-deploy.test.ts).
describe("prepareJar: a JAR pipeline's JAR and the stable plan it compiles", () => {
  let fake: FakeToolchain;
  beforeAll(() => {
    fake = fakeToolchain();
  });
  afterAll(() => fake.remove());

  const env: ResolvedEnvironment = {
    name: "staging",
    kafka: { bootstrapServers: "kafka:9092", properties: { "sasl.jaas.config": { env: "KAFKA_JAAS" } } },
    flink: { restUrl: "http://flink:8081", sqlGatewayUrl: null, savepointDir: "s3://sp", planDir: null },
    protected: false,
    kubernetes: null,
  };
  const source: JarSource = {
    build: { pipeline: "counts", flinkVersion: "2.2", projectDir: "counts", jar: "counts/target/counts.jar", mainClass: "io.streamt.generated.CountsJob" },
    files: [
      { path: "counts/pom.xml", content: "<project/>" },
      { path: "counts/src/main/java/io/streamt/generated/CountsJob.java", content: "class CountsJob {}\n" },
    ],
  };
  const table = (name: string) => ({ table: { identifier: `\`default_catalog\`.\`default_database\`.\`${name}\`` } });
  const compiled = JSON.stringify({
    flinkVersion: "2.2",
    nodes: [
      { id: 7, type: "stream-exec-table-source-scan_1", scanTableSource: table("orders"), description: "TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[id])" },
      { id: 8, type: "stream-exec-sink_1", dynamicTableSink: table("out"), description: "Sink(table=[default_catalog.default_database.out], fields=[id])" },
    ],
    edges: [{ source: 7, target: 8, shuffle: { type: "FORWARD" }, shuffleMode: "PIPELINED" }],
  });
  const tables: ReadonlyMap<string, SessionTable> = new Map([
    ["orders", { ddl: "CREATE TEMPORARY TABLE `orders` (...) WITH ('topic' = 'orders')", step: "counts" }],
    ["out", { ddl: "CREATE TEMPORARY TABLE `out` (...) WITH ('topic' = 'out')", step: "counts/out" }],
  ]);

  it("runs the built JAR's main with --compile-plan on the runner's Flink classpath (the JAR first) and the environment's Kafka settings; the plan it wrote gets stable ids", async () => {
    const workDir = mkdtempSync(path.join(tmpdir(), "streamt-prepare-jar-"));
    const flags = process.env.STREAMT_JVM_OPTIONS;
    process.env.STREAMT_JVM_OPTIONS = "-Xss2m";
    try {
      fake.mavenWrites(["counts/target/counts.jar"]);
      fake.java({ lastArgument: compiled, exit: 0 });
      const progress: string[] = [];
      const prepared = await prepareJar(env, "counts", source, tables, workDir, (line) => progress.push(line));
      const jar = path.join(workDir, "counts.jar");
      const planFile = path.join(workDir, "counts.compiled.json");
      expect(prepared).toEqual({ jar, mainClass: "io.streamt.generated.CountsJob", plan: stabilisePlan(compiled, tables) });
      expect(readFileSync(jar, "utf8")).toBe("built by the fake Maven\n");
      expect(fake.builds()).toEqual(["2"]);
      expect(fake.javaRuns()).toEqual([
        [
          "-Xmx1g",
          "-Xss2m", // STREAMT_JVM_OPTIONS, after the SDK's own flags
          "-cp",
          [jar, path.join(fake.runnerDir, "target-2", "classes"), "/m2/flink-2.jar"].join(path.delimiter),
          "io.streamt.generated.CountsJob",
          "--bootstrap-servers",
          "kafka:9092",
          "--kafka-secret",
          "sasl.jaas.config=KAFKA_JAAS",
          "--compile-plan",
          planFile,
        ],
      ]);
      expect(progress).toEqual([
        `building 1 JAR with Maven (log: ${jarBuildLog("deploy")})...`,
        expect.stringMatching(/^built 1 JAR in \d+ s: counts\/target\/counts\.jar \(0\.0 MB\)$/),
        "compiling the plan of pipeline 'counts' from its JAR...",
        "compiling the runner for target 2...",
      ]);
      expect(existsSync(planFile)).toBe(true);
    } finally {
      if (flags === undefined) delete process.env.STREAMT_JVM_OPTIONS;
      else process.env.STREAMT_JVM_OPTIONS = flags;
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
