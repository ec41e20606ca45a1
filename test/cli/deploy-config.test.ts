import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { environmentOf, loadConfig, resolveKafkaProperties } from "../../packages/streamt-sdk/src/deploy/config.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";

const SDK = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder whose streamt.config.ts is `body` (imports defineConfig and env from the SDK's sources). */
function project(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-config-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "streamt.config.ts"), `import { defineConfig, env } from ${JSON.stringify(SDK)};\n${body}`);
  return dir;
}

async function failure(dir: string): Promise<[string, string, string | null]> {
  const e = await loadConfig(dir).then(
    () => null,
    (err: unknown) => err,
  );
  if (!isStreamtError(e)) throw new Error(`expected a StreamtError, got ${String(e)}`);
  return [e.code, e.message.replace(`${path.relative(process.cwd(), path.join(dir, "streamt.config.ts"))}`, "streamt.config.ts"), e.hint];
}

const STAGING = `
export default defineConfig({
  environments: {
    staging: {
      kafka: {
        bootstrapServers: "kafka-1.staging:9092,kafka-2.staging:9092",
        properties: { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": env("KAFKA_JAAS") },
      },
      flink: { restUrl: "https://flink.staging:8081/", sqlGatewayUrl: "https://flink.staging:8083", savepointDir: "s3://acme/savepoints" },
    },
    prod: {
      kafka: { bootstrapServers: "kafka.prod:9092" },
      flink: { restUrl: "https://flink.prod:8081", savepointDir: "s3://acme/prod-savepoints" },
      protected: true,
    },
  },
  pipelines: { "order-routing": { deploy: "jar" } },
});
`;

describe("streamt.config.ts", () => {
  it("loads named environments, with secrets kept as env references until resolved", async () => {
    const dir = project(STAGING);
    const config = await loadConfig(dir);
    expect([...config.environments.keys()]).toEqual(["staging", "prod"]);
    const staging = environmentOf(config, "staging", dir);
    expect(staging).toEqual({
      name: "staging",
      kafka: {
        bootstrapServers: "kafka-1.staging:9092,kafka-2.staging:9092",
        properties: { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": { env: "KAFKA_JAAS" } },
      },
      flink: { restUrl: "https://flink.staging:8081", sqlGatewayUrl: "https://flink.staging:8083", savepointDir: "s3://acme/savepoints", planDir: null },
      protected: false,
      kubernetes: null,
    });
    expect(environmentOf(config, "prod", dir)).toMatchObject({ protected: true, flink: { sqlGatewayUrl: null } });
    expect([config.deployMode("order-routing"), config.deployMode("customer-totals")]).toEqual(["jar", "sql"]);
    expect(resolveKafkaProperties(staging, { KAFKA_JAAS: "org.apache...PlainLoginModule required password=\"s3cr3t\";" })).toEqual({
      properties: { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": 'org.apache...PlainLoginModule required password="s3cr3t";' },
      secrets: ['org.apache...PlainLoginModule required password="s3cr3t";'],
    });
  });

  it("a secret variable that is not set is STREAMT-R012, naming it", async () => {
    const dir = project(STAGING);
    const staging = environmentOf(await loadConfig(dir), "staging", dir);
    expect(() => resolveKafkaProperties(staging, {})).toThrow("environment 'staging' reads a secret from the environment variable KAFKA_JAAS, which is not set");
  });

  it("an unknown environment lists the known ones; dev needs `dev up` first", async () => {
    const dir = project(STAGING);
    const config = await loadConfig(dir);
    const e = (() => {
      try {
        environmentOf(config, "qa", dir);
      } catch (err) {
        return err;
      }
    })();
    expect(isStreamtError(e) && [e.code, e.message.replace(/ in \S+streamt\.config\.ts/, " in streamt.config.ts")]).toEqual(["STREAMT-L004", "no environment 'qa' in streamt.config.ts; known: dev, staging, prod"]);
    expect(() => environmentOf(config, "dev", dir)).toThrow(`the environment 'dev' is the local cluster, and it was never started in ${dir}`);
  });

  it("dev is the local cluster of `dev up`, read from .streamt/dev/state.json", async () => {
    const dir = project(STAGING);
    mkdirSync(path.join(dir, ".streamt/dev"), { recursive: true });
    writeFileSync(
      path.join(dir, ".streamt/dev/state.json"),
      JSON.stringify({ version: 1, ports: { kafka: 40001, kafkaController: 40002, jobmanagerRpc: 40003, rest: 40004, gateway: 40005 }, processes: {} }),
    );
    expect(environmentOf(await loadConfig(dir), "dev", dir)).toEqual({
      name: "dev",
      kafka: { bootstrapServers: "127.0.0.1:40001", properties: {} },
      flink: { restUrl: "http://127.0.0.1:40004", sqlGatewayUrl: "http://127.0.0.1:40005", savepointDir: `file://${dir}/.streamt/dev/savepoints`, planDir: `${dir}/.streamt/dev/plans` },
      protected: false,
      kubernetes: null,
    });
  });

  it("a project without a config has only dev", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "streamt-config-"));
    dirs.push(dir);
    const config = await loadConfig(dir);
    expect([config.file, [...config.environments.keys()], config.deployMode("x")]).toEqual([null, [], "sql"]);
  });

  it("refuses a wrong property with STREAMT-L004 at its line, saying what to write", async () => {
    const cases: [string, string, string][] = [
      [
        STAGING.replace('"kafka-1.staging:9092,kafka-2.staging:9092"', '"kafka-1.staging"'),
        "streamt.config.ts:7: environments.staging.kafka.bootstrapServers: write host:port[,host:port...], e.g. \"kafka-1.internal:9092,kafka-2.internal:9092\"",
        "see docs/deploy-config.md",
      ],
      [STAGING.replace('savepointDir: "s3://acme/savepoints"', 'savepointDir: "/tmp/sp"'), 'streamt.config.ts:10: environments.staging.flink.savepointDir: write a URI with a scheme, e.g. "s3://my-bucket/savepoints" or "file:///shared/savepoints"', "see docs/deploy-config.md"],
      [STAGING.replace('savepointDir: "s3://acme/savepoints"', 'savepointDir: "s3://acme/savepoints", planDir: "plans"'), 'streamt.config.ts:10: environments.staging.flink.planDir: write an absolute path, e.g. "/shared/streamt-plans"', "see docs/deploy-config.md"],
      [STAGING.replace('restUrl: "https://flink.prod:8081"', 'restUrl: "https://admin:pw@flink.prod:8081"'), "streamt.config.ts:14: environments.prod.flink.restUrl: flink.restUrl must not carry a user name or password (it is printed in plans and logs)", "see docs/deploy-config.md"],
      [STAGING.replace('deploy: "jar"', 'deploy: "docker"'), 'streamt.config.ts:18: pipelines.order-routing.deploy: deploy must be "sql" (its script through the SQL Gateway) or "jar" (its Table API JAR through the REST API)', "see docs/deploy-config.md"],
      [
        STAGING.replace("protected: true,", "protected: true,\n      parallelism: 4,"),
        "streamt.config.ts:16: unknown property 'parallelism' in environments.prod",
        "an environment takes kafka { bootstrapServers, properties }, flink { restUrl, sqlGatewayUrl, savepointDir, planDir }, protected and kubernetes (docs/kubernetes.md); a pipeline entry takes deploy",
      ],
      [STAGING.replace('flink: { restUrl: "https://flink.prod:8081", savepointDir: "s3://acme/prod-savepoints" },', ""), "streamt.config.ts:12: environments.prod.flink: Invalid input: expected object, received undefined", "add flink"],
      [
        STAGING.replace("    staging: {", "    dev: {"),
        "streamt.config.ts:5: environments.dev: the environment 'dev' is the local cluster of `streamt-sdk dev up` and is not configured here; name this one differently, e.g. 'local' or 'staging'",
        "see docs/deploy-config.md",
      ],
      [
        STAGING.replace('"sasl.jaas.config": env("KAFKA_JAAS")', '"sasl.jaas.config": "PlainLoginModule required password=hunter2;"'),
        "streamt.config.ts:8: environment 'staging': 'sasl.jaas.config' holds a secret, and a value written here would end up in the SQL script, plan.json and logs",
        'read it from the environment when the job starts: { "sasl.jaas.config": env("KAFKA_SASL_JAAS_CONFIG") }',
      ],
      ["export default { environments: {} };\n", "streamt.config.ts: its default export is not a config", 'write `export default defineConfig({ environments: { ... } })`, with defineConfig imported from "streamt-sdk"'],
    ];
    for (const [body, message, hint] of cases) expect(await failure(project(body))).toEqual(["STREAMT-L004", message, hint]);
  });
});
