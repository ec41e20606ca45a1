import { describe, expect, it } from "vitest";
import { parseCommand } from "../../packages/streamt-sdk/src/cli/args.js";
import { usage } from "./support.js";


describe("argument parsing", () => {
  it("synth with defaults", () => {
    expect(parseCommand(["synth", "a.ts", "b.ts"])).toEqual({
      command: "synth",
      entries: ["a.ts", "b.ts"],
      json: false,
      strict: false,
      typecheck: true,
      cache: true,
      flink: "2.2",
      out: "streamt.out",
      bootstrapServers: process.env.STREAMT_KAFKA_BOOTSTRAP || "localhost:9092",
      target: "sql",
      watch: false,
      openlineage: null,
      openlineageNamespace: "streamt",
      env: null,
    });
  });

  it("synth --target k8s takes the environment, whose Kafka it uses", () => {
    expect(parseCommand(["synth", "a.ts", "--target", "k8s", "--env", "prod"])).toMatchObject({ target: "k8s", env: "prod" });
  });

  it("synth --openlineage: a file or a URL, and the jobs' namespace", () => {
    expect(parseCommand(["synth", "a.ts", "--openlineage", "events.jsonl"])).toMatchObject({ openlineage: "events.jsonl", openlineageNamespace: "streamt" });
    expect(parseCommand(["synth", "a.ts", "--openlineage", "http://localhost:5000/api/v1/lineage", "--openlineage-namespace", "shop"])).toMatchObject({ openlineage: "http://localhost:5000/api/v1/lineage", openlineageNamespace: "shop" });
    expect(usage(["synth", "a.ts", "--openlineage", ""])).toBe("--openlineage takes a file or an http(s) URL");
    expect(usage(["check", "a.ts", "--openlineage", "x"])).toBe("option --openlineage does not apply to 'check'; it takes --json, --strict, --no-typecheck, --no-cache, --flink");
  });

  it("synth with every option", () => {
    expect(parseCommand(["synth", "a.ts", "--out", "o", "--json", "--strict", "--no-typecheck", "--no-cache", "--flink", "1.20", "--bootstrap-servers", "k1:9092,k2:9092", "--target", "all"])).toEqual({
      command: "synth", entries: ["a.ts"], json: true, strict: true, typecheck: false, cache: false, flink: "1.20", out: "o", bootstrapServers: "k1:9092,k2:9092", target: "all",
      watch: false, openlineage: null, openlineageNamespace: "streamt", env: null,
    });
  });

  it("entries default to package.json's streamt.entries", () => {
    expect(parseCommand(["check"], { entries: ["src/p.ts"] })).toMatchObject({ command: "check", entries: ["src/p.ts"] });
  });

  it("run parses inputs", () => {
    expect(parseCommand(["run", "p.ts", "--local", "--input", "orders=o.jsonl", "--input", "x=y.jsonl", "--timeout", "30"])).toEqual({
      command: "run", entries: ["p.ts"], local: true, inputs: [{ topic: "orders", file: "o.jsonl" }, { topic: "x", file: "y.jsonl" }], flink: "2.2", typecheck: true, strict: false, timeout: 30, target: "sql",
    });
  });

  it("help and version", () => {
    expect(parseCommand([])).toEqual({ command: "help", topic: null });
    expect(parseCommand(["--help"])).toEqual({ command: "help", topic: null });
    expect(parseCommand(["--version"])).toEqual({ command: "version" });
  });

  it("refuses what it does not understand", () => {
    expect(usage(["synth", "a.ts", "--outdir", "x"])).toBe("Unknown option '--outdir'");
    expect(usage(["deploy"])).toBe("unknown command 'deploy'; commands: synth, check, lineage, docs, validate, run, test, dev, status, plan, apply, destroy");
    expect(usage(["synth", "a.ts", "--flink", "1.18"])).toBe("--flink must be one of 2.2, 1.20");
    expect(usage(["synth"])).toBe('synth needs an entry module: streamt-sdk synth path/to/pipelines.ts (or set "streamt": { "entries": [...] } in package.json)');
    expect(usage(["check", "a.ts", "--out", "x"])).toBe("option --out does not apply to 'check'; it takes --json, --strict, --no-typecheck, --no-cache, --flink");
    expect(usage(["run", "p.ts"])).toBe("run needs --local (deploying to a cluster is `deploy`, not available yet)");
    expect(usage(["run", "p.ts", "--local", "--input", "orders"])).toBe("--input orders: write --input <topic>=<file.jsonl>");
    expect(usage(["synth", "a.ts", "--bootstrap-servers", "nohost"])).toBe("--bootstrap-servers takes host:port[,host:port...]");
  });

  it("refuses --bootstrap-servers when anything follows its last host:port: a trailing comma, a space and more, a path", () => {
    expect(usage(["synth", "a.ts", "--bootstrap-servers", "localhost:9092,"])).toBe("--bootstrap-servers takes host:port[,host:port...]");
    expect(usage(["synth", "a.ts", "--bootstrap-servers", "k1:9092,k2:9092 x"])).toBe("--bootstrap-servers takes host:port[,host:port...]");
    expect(usage(["synth", "a.ts", "--bootstrap-servers", "localhost:9092/"])).toBe("--bootstrap-servers takes host:port[,host:port...]");
  });
});
