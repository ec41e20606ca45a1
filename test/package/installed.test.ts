/**
 * What an installed user gets: the SDK packed as npm would publish it, installed from the tarball into a
 * new project, imported there, and its CLI run there (synth with the type-check, and validate, which
 * builds the Flink runner the package bundles).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-installed-"));
const project = path.join(tmp, "app");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd = project): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "" } });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

/**
 * The SDK package, copied with what its prepack reads (the root tsconfig.json, the runner's sources, the
 * Java templates) into a folder under the repository's .tmp/ (its tsc and @types resolve from the
 * repository's node_modules). npm pack builds dist/ where it packs: in the repository's own package, that
 * rebuild would change the SDK's stamp under the synth caches other test files check while this one runs.
 */
function stageSdk(): string {
  mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
  const stage = mkdtempSync(path.join(ROOT, ".tmp", "installed-pack-"));
  const builtOrBundled = new Set(["dist", "runner", "templates", "node_modules"].map((d) => path.join(ROOT, "packages/streamt-sdk", d)));
  cpSync(path.join(ROOT, "packages/streamt-sdk"), path.join(stage, "packages/streamt-sdk"), { recursive: true, filter: (f) => !builtOrBundled.has(f) });
  cpSync(path.join(ROOT, "packages/flink-runner"), path.join(stage, "packages/flink-runner"), { recursive: true, filter: (f) => !path.basename(f).startsWith("target") });
  cpSync(path.join(ROOT, "templates"), path.join(stage, "templates"), { recursive: true });
  cpSync(path.join(ROOT, "tsconfig.json"), path.join(stage, "tsconfig.json"));
  return stage;
}

/** The repository's own SDK build, file by file with its modification time. */
const ownBuild = (): string[] => {
  const dist = path.join(ROOT, "packages/streamt-sdk/dist");
  return readdirSync(dist, { recursive: true, encoding: "utf8" }).sort().map((f) => `${f} ${statSync(path.join(dist, f)).mtimeMs}`);
};

let stage: string;
let ownBuildBefore: string[];
beforeAll(() => {
  ownBuildBefore = ownBuild();
  stage = stageSdk();
  execFileSync(npm, ["pack", "--pack-destination", tmp], { cwd: path.join(stage, "packages/streamt-sdk"), stdio: ["ignore", "ignore", "pipe"] });
  const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"))!;
  mkdirSync(path.join(project, "src"), { recursive: true });
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }, null, 2));
  execFileSync(npm, ["install", path.join(tmp, tarball), "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project, stdio: ["ignore", "ignore", "pipe"] });
}, 300_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(stage, { recursive: true, force: true });
});

const PIPELINE = `import { count, env, pipeline, source, sum, t } from "streamt-sdk";

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order, properties: { "client.id": env("APP_CLIENT_ID") } })
  .eventTime("ts").watermark("5s").idleTimeout("1m");

export default pipeline("hourly", { checkpointInterval: "1m" })
  .write(orders.tumble("1h").groupBy("customer_id").aggregate({ n: count(), revenue: sum("amount") }).toKafka("hourly.v1"));
`;

describe("the installed package", () => {
  it("ships compiled JavaScript, declarations and the runner's sources, not the build output", () => {
    const pkg = path.join(project, "node_modules/streamt-sdk");
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/runtime/index.js", "dist/testing/index.js", "dist/testing/index.d.ts", "dist/testing/global-setup.js", "dist/testing/vitest-config.js", "bin/streamt-sdk.js", "runner/build.sh", "runner/pom.xml", "runner/src/main/java/io/streamt/runner/Main.java", "templates/java/Job.java.hbs", "templates/java/pom.xml.hbs", "templates/java/README.md.hbs"]) {
      expect(existsSync(path.join(pkg, f)), f).toBe(true);
    }
    expect(readdirSync(path.join(pkg, "runner")).filter((f) => f.startsWith("target")).length).toBe(0);
  });

  it("is packed from a copy: the repository's own SDK build is left as it was", () => {
    expect(ownBuildBefore.length).toBeGreaterThan(100);
    expect(ownBuild()).toEqual(ownBuildBefore);
  });

  it("imports as a user's module does: the DSL from streamt-sdk, the runtime from streamt-sdk/runtime, tests from streamt-sdk/testing", () => {
    writeFileSync(
      path.join(project, "exports.mjs"),
      `const sdk = await import("streamt-sdk");\nconst runtime = await import("streamt-sdk/runtime");\nconst testing = await import("streamt-sdk/testing");\n` +
        `const setup = await import("streamt-sdk/testing/global-setup");\n` +
        `console.log(JSON.stringify({ sdk: Object.keys(sdk).sort(), runtime: ["PlannerValidator", "buildRunner", "startLocalJob"].filter((k) => k in runtime), testing: Object.keys(testing).sort(), setup: typeof setup.default }));\n`,
    );
    const r = run(process.execPath, ["exports.mjs"]);
    expect(r.err).toBe("");
    const { sdk, runtime, testing, setup } = JSON.parse(r.out);
    expect({ testing, setup }).toEqual({ testing: ["TestingErrorCode", "testPipeline", "testUpgrade"], setup: "function" });
    expect(sdk).toEqual(expect.arrayContaining(["avg", "coalesce", "count", "env", "isStreamtError", "lit", "pipeline", "source", "sum", "t", "when"]));
    expect(runtime).toEqual(["PlannerValidator", "buildRunner", "startLocalJob"]);
  });

  it("synth type-checks the user's pipeline against the shipped declarations and writes the output", () => {
    writeFileSync(path.join(project, "src/hourly.ts"), PIPELINE);
    const r = run(process.execPath, ["node_modules/.bin/streamt-sdk", "synth", "src/hourly.ts"]);
    expect(r).toEqual({ code: 0, out: "synthesised 1 pipeline (hourly) into streamt.out\n", err: "" });
    expect(readdirSync(path.join(project, "streamt.out")).sort()).toEqual(["hourly.sql", "manifest.json", "plan.json", "topics.json"]);
  }, 120_000);

  it("a type error in the user's pipeline is the compiler's error at its line", () => {
    writeFileSync(path.join(project, "src/bad.ts"), PIPELINE.replace('sum("amount")', 'sum("customer_id")').replace('"hourly"', '"bad"'));
    const r = run(process.execPath, ["node_modules/.bin/streamt-sdk", "check", "src/bad.ts"]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/^error TS2\d{3} src\/bad\.ts:8:\d+ src\/bad\.ts$/);
  }, 120_000);

  it("the shipped global setup starts the broker and the warm Flink JVM a user's pipeline test runs on, shows its progress as [streamt-sdk] lines, and stops both", () => {
    // As vitest does with globalSetup: setup() before the tests, the function it returns after them.
    writeFileSync(
      path.join(project, "pipeline-test.mjs"),
      `import setup from "streamt-sdk/testing/global-setup";\n` +
        `import { pipeline, source, t } from "streamt-sdk";\n` +
        `import { testPipeline } from "streamt-sdk/testing";\n` +
        `const clicks = source("clicks", { topic: "installed.clicks", schema: t.row({ user_id: t.string(), page: t.string() }) });\n` +
        `const home = clicks.filter((c) => c.page.eq("/")).toKafka("installed.home");\n` +
        `const teardown = await setup();\n` +
        `const during = [process.env.STREAMT_TEST_KAFKA, process.env.STREAMT_TEST_JOB_SERVER].map((v) => /^127\\.0\\.0\\.1:\\d+$/.test(v ?? ""));\n` +
        `await testPipeline(pipeline("home-clicks").write(home)).given(clicks, [{ user_id: "u1", page: "/" }, { user_id: "u2", page: "/cart" }, { user_id: "u3", page: "/" }])\n` +
        `  .expect(home, [{ user_id: "u1", page: "/" }, { user_id: "u3", page: "/" }]);\n` +
        `await teardown();\n` +
        `console.log(JSON.stringify({ during, after: [process.env.STREAMT_TEST_KAFKA, process.env.STREAMT_TEST_JOB_SERVER] }));\n`,
    );
    // The process ends by itself only if teardown stopped the broker and the JVM.
    const r = spawnSync(process.execPath, ["pipeline-test.mjs"], { cwd: project, encoding: "utf8", timeout: 240_000 });
    expect([r.status, r.stdout], r.stderr).toEqual([0, '{"during":[true,true],"after":[null,null]}\n']);
    // The broker's and Flink's runners are built on first use: their steps, under the setup's prefix.
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines.filter((l) => !l.startsWith("[streamt-sdk] "))).toEqual([]);
    expect(lines.filter((l) => l.includes(" compiling "))).toEqual(["[streamt-sdk] compiling the runner for Kafka broker 3.9.2...", "[streamt-sdk] compiling the runner for Flink 2.2.0..."]);
  }, 300_000);

  it("validate checks the script with Flink's planner on the bundled runner", () => {
    const r = run(process.execPath, ["node_modules/.bin/streamt-sdk", "validate"]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ok hourly \(\d+ statements, \d+ ms, Flink 2\.2\)$/);
    expect(lines[1]).toBe("validated 1 pipeline with Flink's planner: all ok");
    // Progress (a runner's build, had the global setup's test not built it) is on stderr, one line per step, no Maven log.
    expect(r.err.split("\n").filter((l) => /^\[(INFO|WARNING)\]/.test(l))).toEqual([]);
    expect(existsSync(path.join(project, "node_modules/streamt-sdk/runner/target-2/classpath.txt"))).toBe(true);
    // Built in the installed package, the runner records its class archive there too (its JVMs start faster).
    expect(existsSync(path.join(project, "node_modules/streamt-sdk/runner/target-2/classes.jsa"))).toBe(true);
  }, 300_000);
});
