import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { environmentOf, lineOf, loadConfig } from "../../packages/streamt-sdk/src/deploy/config.js";
import { CONFIG_BRAND, configSchema, defineConfig, type StreamtConfigInput } from "../../packages/streamt-sdk/src/deploy/define-config.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";

const SDK = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder whose streamt.config.ts is `body`, with defineConfig imported from the SDK's sources. */
function project(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-define-config-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "streamt.config.ts"), `import { defineConfig } from ${JSON.stringify(SDK)};\n${body}`);
  return dir;
}

const STAGING = { kafka: { bootstrapServers: "kafka.staging:9092" }, flink: { restUrl: "https://flink.staging:8081", savepointDir: "s3://acme/savepoints" } };

describe("defineConfig", () => {
  it("returns the config as given, branded as a config (loadConfig finds it by the brand)", () => {
    const input: StreamtConfigInput = { environments: { staging: STAGING }, pipelines: { counts: { deploy: "jar" } } };
    const defined = defineConfig(input);
    expect(defined).toEqual({ [CONFIG_BRAND]: true, input });
    expect(defined.input).toBe(input);
    expect(Object.getOwnPropertySymbols(defined)).toEqual([Symbol.for("streamt-sdk.config")]);
  });

  it("a streamt.config.ts exporting it loads", async () => {
    const dir = project(`export default defineConfig({ environments: { staging: ${JSON.stringify(STAGING)} } });\n`);
    const config = await loadConfig(dir);
    expect([...config.environments.keys()]).toEqual(["staging"]);
    expect(environmentOf(config, "staging", dir).flink).toEqual({ restUrl: "https://flink.staging:8081", sqlGatewayUrl: null, savepointDir: "s3://acme/savepoints", planDir: null });
  });

  it("an environment name that is not lower-case is refused at its own line, named by its path", async () => {
    const dir = project(["export default defineConfig({", "  environments: {", `    staging: ${JSON.stringify(STAGING)},`, `    Prod_EU: ${JSON.stringify(STAGING)},`, "  },", "});", ""].join("\n"));
    const e = await loadConfig(dir).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    const shown = path.relative(process.cwd(), path.join(dir, "streamt.config.ts"));
    expect([e.code, e.message, e.hint, e.site]).toEqual([
      "STREAMT-L004",
      `${shown}:5: environments.Prod_EU: environment name 'Prod_EU': use lower-case letters, digits and '-', starting with a letter, e.g. 'staging'`,
      "see docs/deploy-config.md",
      { file: shown, line: 5, column: 1 },
    ]);
  });
});

describe("configSchema: environment names", () => {
  it("a name with a character after a valid start (an underscore at its end) is refused whole, not only its start checked", () => {
    const parsed = configSchema.safeParse({ environments: { staging: STAGING, eu_west: STAGING, "eu-west-2": STAGING } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ["environments", "eu_west"], message: "environment name 'eu_west': use lower-case letters, digits and '-', starting with a letter, e.g. 'staging'" },
    ]);
  });
});

describe("configSchema: keys named __proto__ (zod's record would leave them out in silence)", () => {
  it("an environment, or a pipeline's deploy mode, under __proto__ is refused, saying what to do", () => {
    const parsed = configSchema.safeParse({ environments: { staging: STAGING, ["__proto__"]: STAGING }, pipelines: { ["__proto__"]: { deploy: "jar" }, other: { deploy: "sql" } } });
    expect(parsed.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ["environments", "__proto__"], message: "environment name '__proto__': use lower-case letters, digits and '-', starting with a letter, e.g. 'staging'" },
      { path: ["pipelines", "__proto__"], message: "a pipeline named '__proto__' cannot be listed here (a name JavaScript objects reserve): rename the pipeline to give it a deploy mode" },
    ]);
  });
});

describe("configSchema: values an environment may have", () => {
  it("bootstrapServers: several brokers, comma-separated, are taken as written", () => {
    const servers = "kafka-1.internal:9092,kafka-2.internal:9092,kafka-3.internal:9093";
    const parsed = configSchema.safeParse({ environments: { staging: { ...STAGING, kafka: { bootstrapServers: servers } } } });
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.environments.staging?.kafka.bootstrapServers).toBe(servers);
  });

  it("kubernetes.namespace: a short name is taken; one of 64 characters (over Kubernetes' 63) is refused", () => {
    const k8s = (namespace: string) => configSchema.safeParse({ environments: { staging: { ...STAGING, kubernetes: { namespace, image: "registry.acme.io/flink-jobs:1.4.2", checkpointDir: "s3://acme-flink/checkpoints" } } } });
    const short = k8s("flink-jobs");
    expect(short.error?.issues).toBeUndefined();
    expect(short.data?.environments.staging?.kubernetes?.namespace).toBe("flink-jobs");
    expect(k8s("a".repeat(63)).success).toBe(true);
    expect(k8s("a".repeat(64)).error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ["environments", "staging", "kubernetes", "namespace"], message: "Too big: expected string to have <=63 characters" },
    ]);
  });
});

describe("configSchema: the Flink service URLs", () => {
  it("flink.restUrl: an http URL is taken as an https one is; another scheme is refused, naming it", () => {
    const withRest = (restUrl: string) => configSchema.safeParse({ environments: { staging: { ...STAGING, flink: { ...STAGING.flink, restUrl } } } });
    const http = withRest("http://flink.staging:8081");
    expect(http.error?.issues).toBeUndefined();
    expect(http.data?.environments.staging?.flink.restUrl).toBe("http://flink.staging:8081");
    expect(withRest("ftp://flink.staging:8081").error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ["environments", "staging", "flink", "restUrl"], message: "flink.restUrl must be an http(s) URL, not ftp:" },
    ]);
  });
});

describe("lineOf: the line of a property of the defineConfig({...}) literal", () => {
  it("a key written as a bigint literal is not a name: `1n:` (the key \"1\") is not the property \"1n\", the string-named one is", () => {
    const dir = project(["export default defineConfig({", "  environments: {", "    1n: {},", '    "1n": {},', "  },", "});", ""].join("\n"));
    expect(lineOf(path.join(dir, "streamt.config.ts"), ["environments", "1n"])).toBe(5);
  });
});

describe("loadConfig: a default export that is not a config", () => {
  it("null (typeof null is 'object') is refused as not a config, not a crash", async () => {
    const dir = project("export default null;\n");
    const e = await loadConfig(dir).then(() => null, (err: unknown) => err);
    if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
    const shown = path.relative(process.cwd(), path.join(dir, "streamt.config.ts"));
    expect([e.code, e.message, e.hint]).toEqual([
      "STREAMT-L004",
      `${shown}: its default export is not a config`,
      'write `export default defineConfig({ environments: { ... } })`, with defineConfig imported from "streamt-sdk"',
    ]);
  });
});
