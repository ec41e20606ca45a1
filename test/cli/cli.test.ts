import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, ROOT, runCli, type Run } from "./support.js";

/** Runs the real CLI (bin + tsx) as a user would, from the repository root. */
const cli = (...args: string[]): Promise<Run> => runCli(args);
const cliWithEnv = (env: Record<string, string>, ...args: string[]): Promise<Run> => runCli(args, { env });

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "streamt-cli-"));

describe("synth on every example", () => {
  it("type-checks, analyses and writes every artifact; clean under --strict", async () => {
    const out = path.join(tmp(), "out");
    const r = await cli("synth", ...EXAMPLES, "--out", out, "--strict", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    const pipelines = [
      "big-spenders", "card-velocity", "customer-revenue", "customer-totals", "event-dedup", "hourly-revenue", "order-routing",
      "orders-enriched", "orders-latest-customer", "orders-payments", "orders-per-hour", "page-view-sessions", "top-spenders",
    ];
    expect(summary.ok).toBe(true);
    expect(summary.pipelines).toEqual(pipelines);
    expect(summary.diagnostics).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([...pipelines.map((p) => `${p}.sql`), "manifest.json", "plan.json", "topics.json"].sort());
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.version).toBe(2);
    expect(manifest.pipelines.map((p: { name: string }) => p.name)).toEqual(pipelines);
    expect(manifest.pipelines.find((p: { name: string }) => p.name === "hourly-revenue")).toEqual({
      name: "hourly-revenue",
      flinkVersion: "2.2",
      site: { file: "examples/hourly-revenue.ts", line: 20, column: 16 },
      artifacts: ["sql:hourly-revenue"],
      sources: ["orders.raw.v1"],
      sinks: ["orders.hourly.v1"],
      dependsOn: [],
      upstream: [],
      env: [],
    });
    // The catalog-app reads the catalog package's customer-revenue output through its sink handle.
    expect(manifest.pipelines.find((p: { name: string }) => p.name === "big-spenders")).toEqual({
      name: "big-spenders",
      flinkVersion: "2.2",
      site: { file: "examples/catalog-app/src/pipelines.ts", line: 33, column: 31 },
      artifacts: ["sql:big-spenders"],
      sources: ["orders.customer-revenue.v1"],
      sinks: ["orders.big-spenders.v1"],
      dependsOn: ["customer-revenue"],
      upstream: [{ source: "customer_revenue", topic: "orders.customer-revenue.v1", pipeline: "customer-revenue", sink: "orders/filter/tumble/orders.customer-revenue.v1", typed: true }],
      env: [],
    });
    // Typed artifacts: a SQL script per pipeline with its statement map, the plan, the topics.
    expect(manifest.artifacts.map((a: { id: string; type: string }) => `${a.type} ${a.id}`)).toEqual([
      "plan plan", ...pipelines.map((p) => `sql-script sql:${p}`), "topics topics",
    ]);
    const script = manifest.artifacts.find((a: { id: string }) => a.id === "sql:hourly-revenue");
    expect(script.files.map((f: { path: string }) => f.path)).toEqual(["hourly-revenue.sql"]);
    expect(script.statements.map((st: { kind: string; path: string }) => `${st.kind} ${st.path}`)).toEqual([
      "set hourly-revenue", "set hourly-revenue", "set hourly-revenue",
      "create-table orders", "create-view orders",
      "create-view orders/filter", "create-view orders/filter/tumble",
      "create-table orders", "create-table orders/filter/tumble/orders.hourly.v1", "statement-set hourly-revenue",
    ]);
    const topics = JSON.parse(readFileSync(path.join(out, "topics.json"), "utf8")).topics;
    expect(topics.find((t: { name: string }) => t.name === "customers.totals.v1")).toEqual({
      name: "customers.totals.v1", partitions: null, replicationFactor: null, cleanupPolicy: "compact", key: ["customer_id"], format: "json", readBy: [], writtenBy: ["customer-totals"],
    });
    expect(readFileSync(path.join(out, "hourly-revenue.sql"), "utf8")).toContain("'properties.bootstrap.servers' = 'localhost:9092'");
  }, 60_000);

  it("is deterministic: the same input gives the same bytes", async () => {
    const [a, b] = [path.join(tmp(), "a"), path.join(tmp(), "b")];
    await cli("synth", "examples/orders-enriched.ts", "examples/customer-totals.ts", "--out", a, "--no-typecheck");
    await cli("synth", "examples/customer-totals.ts", "examples/orders-enriched.ts", "--out", b, "--no-typecheck");
    for (const f of readdirSync(a)) expect(readFileSync(path.join(b, f), "utf8")).toBe(readFileSync(path.join(a, f), "utf8"));
  }, 60_000);

  it("targets Flink 1.20 and another broker on request", async () => {
    const out = path.join(tmp(), "o");
    const r = await cli("synth", "examples/hourly-revenue.ts", "--out", out, "--flink", "1.20", "--bootstrap-servers", "kafka-1:9092,kafka-2:9092", "--no-typecheck");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`synthesised 1 pipeline (hourly-revenue) into ${out}\n`);
    const sql = readFileSync(path.join(out, "hourly-revenue.sql"), "utf8");
    expect(sql).toContain("; Flink 1.20\n");
    expect(sql).toContain("'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092'");
  }, 60_000);

  it("check prints nothing wrong for a clean pipeline", async () => {
    const r = await cli("check", "examples/card-velocity.ts", "--strict");
    expect(r).toEqual({ code: 0, stdout: "checked 1 pipeline (card-velocity): no failing findings\n", stderr: "" });
  }, 60_000);
});

describe("bad input: what, where, how to fix, non-zero exit, nothing written", () => {
  it("a missing entry file is a usage error", async () => {
    expect(await cli("synth", "nope.ts")).toEqual({ code: 2, stdout: "", stderr: `streamt-sdk: entry file not found: nope.ts (relative to ${ROOT})\n` });
  });

  it("an unknown option is a usage error", async () => {
    expect(await cli("synth", "examples/hourly-revenue.ts", "--format", "yaml")).toEqual({
      code: 2,
      stdout: "",
      stderr: "streamt-sdk: Unknown option '--format'\nRun 'streamt-sdk --help' for usage.\n",
    });
  });

  it("a module with no pipelines", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-no-pipeline.ts");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error STREAMT-L002 test/fixtures/cli/bad-no-pipeline.ts:1:1 test/fixtures/cli/bad-no-pipeline.ts\n" +
        "  test/fixtures/cli/bad-no-pipeline.ts exports no pipeline\n" +
        "  fix: export one: export default pipeline('name').write(stream.toKafka('topic'))\n" +
        "1 error, 0 warnings\n",
    );
  }, 60_000);

  it("an invalid duration points at the user's line", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-duration.ts", "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error STREAMT-B003 test/fixtures/cli/bad-duration.ts:7:57 clicks/tumble\n" +
        '  invalid duration "1 hour" for tumble size: it is not a duration\n' +
        '  fix: write a number with a unit (ms, s, m, h, d), e.g. "500ms", "5s", "10m", "1h", or a whole number of milliseconds\n' +
        "1 error, 0 warnings\n",
    );
  }, 60_000);

  it("a type error stops synth with the compiler's message and file:line", async () => {
    const out = path.join(tmp(), "never");
    const r = await cli("synth", "test/fixtures/cli/bad-type-error.ts", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error TS2345 test/fixtures/cli/bad-type-error.ts:6:50 test/fixtures/cli/bad-type-error.ts\n" +
        `  Argument of type 'string' is not assignable to parameter of type 'StreamtTypeError<"tumble() needs event time: call .eventTime(column).watermark(delay) on the source first">'.\n` +
        "  fix: fix the type error (your editor shows it too); synth refuses code that does not type-check\n" +
        "1 error, 0 warnings\n",
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("a module that throws while loading", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-throws.ts", "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("error STREAMT-L001 test/fixtures/cli/bad-throws.ts:3:23 test/fixtures/cli/bad-throws.ts");
    expect(r.stderr).not.toContain("    at ");
  }, 60_000);

  it("a module that imports a missing file points at the module, not at Node's internals", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-import.ts", "--no-typecheck");
    expect(r.code).toBe(1);
    const first = r.stderr.split("\n")[0]!;
    expect(first).toBe("error STREAMT-L001 test/fixtures/cli/bad-import.ts:1:1 test/fixtures/cli/bad-import.ts");
    expect(r.stderr).toContain("no-such-module");
    expect(r.stderr).not.toContain("node:internal");
  }, 60_000);

  it("a syntax error with --no-typecheck gives the parser's message at its line", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-syntax.ts", "--no-typecheck");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-L001 test/fixtures/cli/bad-syntax.ts:3:18 test/fixtures/cli/bad-syntax.ts\n" +
        "  loading test/fixtures/cli/bad-syntax.ts failed: Invalid assignment target\n" +
        "  fix: fix the error at that line; synth runs your module as ordinary TypeScript\n" +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("a top-level await that never settles is an error, not a silent exit 13", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-stalled-await.ts", "--no-typecheck");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-L003 test/fixtures/cli/bad-stalled-await.ts:1:1 test/fixtures/cli/bad-stalled-await.ts\n" +
        "  loading test/fixtures/cli/bad-stalled-await.ts never finishes: a top-level await waits on something that can no longer happen\n" +
        "  fix: resolve or remove the top-level await (a pipeline module should only declare pipelines)\n" +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("what a module prints while it loads goes to stderr: --json stays parseable", async () => {
    // --no-cache: a module the module cache holds is not imported, and prints nothing (docs/synth-speed.md).
    const r = await cli("check", "test/fixtures/cli/ok-chatty.ts", "--no-typecheck", "--no-cache", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, command: "check", pipelines: ["chatty"], diagnostics: [] });
    expect(r.stderr).toBe("hello from the module\ninfo too\n");
  }, 60_000);

  it("duplicate pipeline names", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-duplicate-a.ts", "test/fixtures/cli/bad-duplicate-b.ts", "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error STREAMT-B008 test/fixtures/cli/bad-duplicate-b.ts:3:16 [same-name] same-name\n" +
        "  two pipelines are named 'same-name' (the other at test/fixtures/cli/bad-duplicate-a.ts:3)\n" +
        "  fix: pipeline names are Flink job names and must be unique: rename one\n" +
        "1 error, 0 warnings\n",
    );
  }, 60_000);

  it("an analysis error keeps the previous output folder intact", async () => {
    const out = path.join(tmp(), "out");
    expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const before = readFileSync(path.join(out, "manifest.json"), "utf8");
    const r = await cli("synth", "test/fixtures/cli/bad-unbounded-join.ts", "--out", out, "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("error STREAMT-E001 test/fixtures/cli/bad-unbounded-join.ts:8:27 [unbounded-join] a/join");
    expect(readFileSync(path.join(out, "manifest.json"), "utf8")).toBe(before);
    expect(readdirSync(path.dirname(out))).toEqual(["out"]);
  }, 60_000);

  it("an invalid compiler option in the project's tsconfig.json points at it", async () => {
    const r = await cli("check", "test/fixtures/cli/bad-tsconfig/pipeline.ts");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error TS6046 test/fixtures/cli/bad-tsconfig/tsconfig.json:2:50 test/fixtures/cli/bad-tsconfig/tsconfig.json\n" +
        "  Argument for '--target' option must be: 'es6', 'es2015', 'es2016', 'es2017', 'es2018', 'es2019', 'es2020', 'es2021', 'es2022', 'es2023', 'es2024', 'es2025', 'esnext'.\n" +
        "  fix: fix tsconfig.json there; synth type-checks with your project's settings\n" +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("names at most eight pipelines in the summary line", async () => {
    const r = await cli("check", ...EXAMPLES, "--no-typecheck");
    expect(r).toEqual({
      code: 0,
      stdout: "checked 13 pipelines (big-spenders, card-velocity, customer-revenue, customer-totals, event-dedup, hourly-revenue, order-routing and 6 more): no failing findings\n",
      stderr: "",
    });
  }, 60_000);

  it("a re-synth writes changed files and hard-links the unchanged ones", async () => {
    const dir = tmp();
    const out = path.join(dir, "out");
    expect((await cli("synth", "examples/customer-totals.ts", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const inode = (f: string): number => statSync(path.join(out, f)).ino;
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, inode(f)]));
    const dedupBefore = readFileSync(path.join(out, "event-dedup.sql"), "utf8");
    // Same pipelines, another bootstrap address: only the SQL, plan and manifest change, not topics.json.
    expect((await cli("synth", "examples/customer-totals.ts", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    expect(Object.fromEntries(readdirSync(out).map((f) => [f, inode(f)]))).toEqual(before);
    expect((await cli("synth", "examples/customer-totals.ts", "examples/event-dedup.ts", "--out", out, "--no-typecheck", "--bootstrap-servers", "broker:9093")).code).toBe(0);
    const changed = readdirSync(out).filter((f) => inode(f) !== before[f]).sort();
    expect(changed).toEqual(["customer-totals.sql", "event-dedup.sql", "manifest.json"]);
    expect(readFileSync(path.join(out, "event-dedup.sql"), "utf8")).toBe(dedupBefore.replaceAll("localhost:9092", "broker:9093"));
    expect(readdirSync(dir)).toEqual(["out"]);
  }, 60_000);

  it("refuses to replace a folder synth did not write", async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src", "keep.ts"), "export {};\n");
    const r = await cli("synth", "examples/customer-totals.ts", "--out", path.join(dir, "src"), "--no-typecheck");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error STREAMT-O001: refusing to replace ${path.join(dir, "src")}: it is not empty and holds no manifest.json, so synth did not write it\n  fix: choose another --out folder (default streamt.out), or empty that one\n`,
    );
    expect(readdirSync(path.join(dir, "src"))).toEqual(["keep.ts"]);
  }, 60_000);

  it("local runs without Java say what to install", async () => {
    const r = await cliWithEnv({ JAVA_HOME: "/nonexistent" }, "run", "examples/event-dedup.ts", "--local", "--no-typecheck", "--timeout", "1");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error STREAMT-R001: Java was not found (/nonexistent/bin/java): running Flink and Kafka locally needs a JDK 17 or newer\n" +
        "  fix: install a JDK 17+ and Maven, e.g. `sudo apt-get install openjdk-17-jdk maven` (Debian/Ubuntu) or `brew install openjdk@17 maven` (macOS); set JAVA_HOME or put java on PATH\n",
    );
  }, 60_000);

  it("validation without Maven says what to install", async () => {
    const out = path.join(tmp(), "out");
    expect((await cli("synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck")).code).toBe(0);
    const r = await cliWithEnv({ MVN: "/nonexistent/mvn" }, "validate", out);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("error STREAMT-R003: Maven was not found (/nonexistent/mvn): it downloads Flink and Kafka from Maven Central on first use");
  }, 60_000);
});
