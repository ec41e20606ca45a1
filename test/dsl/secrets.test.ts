import path from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { env, pipeline, source, t } from "streamt-sdk";
import { synth } from "../../packages/streamt-sdk/src/synth/synth.js";
import { maskSecrets, resolveSecrets } from "../../packages/streamt-sdk/src/runtime/secrets.js";
import { lineHere, refusal, scriptOf } from "../helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FILE = "test/dsl/secrets.test.ts";
const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2) });

describe("secrets come from the environment and never reach an artifact", () => {
  it("env() is written as a placeholder in the script", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order, properties: { "security.protocol": "SASL_SSL", "sasl.jaas.config": env("KAFKA_JAAS") } });
    const script = scriptOf(pipeline("secure").write(orders.toKafka("out.v1", { properties: { "ssl.key.password": env("KEY_PW") } })));
    expect(script.split("\n").filter((l) => /jaas|security|ssl/.test(l))).toEqual([
      "  'properties.sasl.jaas.config' = '${env:KAFKA_JAAS}',",
      "  'properties.security.protocol' = 'SASL_SSL'",
      "  'properties.ssl.key.password' = '${env:KEY_PW}'",
    ]);
  });

  it("a property key that is not a Kafka property name is refused; so is __proto__, which zod's record would leave out in silence", () => {
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    const form = "a Kafka property name is letters, digits, '.', '_' and '-', starting with a letter or digit (as sasl.jaas.config)";
    expect(refusal(() => source("orders", { topic: "orders.v1", schema: Order, properties: { ["__proto__"]: "x", "client.id": "c" } }))).toMatchObject({ code: "STREAMT-B006", message: `source('orders'): 'properties.__proto__': ${form}` });
    expect(refusal(() => orders.toKafka("out.v1", { properties: { ["__proto__"]: env("X") } }))).toMatchObject({ code: "STREAMT-B006", message: `toKafka(): 'properties.__proto__': ${form}` });
    expect(refusal(() => orders.toKafka("out.v1", { properties: { "client id": "x" } })).message).toBe(`toKafka(): 'properties.client id': ${form}`);
    expect(scriptOf(pipeline("ok").write(orders.toKafka("out.v1", { properties: { "client.id": "c", "max.in.flight.requests.per.connection": "1" } }))).split("\n").filter((l) => /client\.id|in\.flight/.test(l))).toEqual([
      "  'properties.client.id' = 'c',",
      "  'properties.max.in.flight.requests.per.connection' = '1'",
    ]);
  });

  it("a literal under a secret's key is refused at the user's line, naming the env() to write", () => {
    const line = lineHere() + 1;
    expect(refusal(() => source("orders", { topic: "orders.v1", schema: Order, properties: { "sasl.jaas.config": 'PlainLoginModule required password="hunter2";' } }))).toEqual({
      code: "STREAMT-B010",
      message: "source('orders') properties: 'sasl.jaas.config' holds a secret, and a value written here would end up in the SQL script, plan.json and logs",
      hint: 'read it from the environment when the job starts: { "sasl.jaas.config": env("KAFKA_SASL_JAAS_CONFIG") }',
      site: { file: FILE, line, column: expect.any(Number) },
    });
    const orders = source("orders", { topic: "orders.v1", schema: Order });
    for (const key of ["ssl.keystore.password", "basic.auth.user.info", "sasl.oauthbearer.token.endpoint.secret", "api.key"]) {
      expect(refusal(() => orders.toKafka("out.v1", { properties: { [key]: "x" } })).code, key).toBe("STREAMT-B010");
    }
    expect(refusal(() => orders.toKafka("out.v1", { properties: { "client.id": "a-${env:HOME}" } })).message).toBe(
      "toKafka() properties: the value of 'client.id' contains '${env:', which marks an environment reference in scripts",
    );
    expect(refusal(() => env("1BAD")).message).toBe('env("1BAD"): not an environment variable name');
    expect(refusal(() => orders.toKafka("out.v1", { format: "avro-confluent", schemaRegistryUrl: "https://svc:pw@registry.example:8081" }))).toMatchObject({
      code: "STREAMT-B010",
      message: "toKafka(): schemaRegistryUrl carries credentials, which would end up in the SQL script, plan.json and logs",
      hint: "give the URL without user and password (https://registry.example:8081); registry credentials from the environment are not supported yet",
    });
    expect(() => orders.toKafka("out.v1", { format: "avro-confluent", schemaRegistryUrl: "http://registry:8081" })).not.toThrow();
  });

  it("synth reads no environment variable: the value is in no file it writes; the manifest lists the names", async () => {
    const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-secrets-"));
    const entry = path.join(dir, "secure.ts");
    writeFileSync(
      entry,
      `import { env, pipeline, source, t } from "streamt-sdk";\n` +
        `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string() }), properties: { "sasl.jaas.config": env("STREAMT_TEST_JAAS") } });\n` +
        `export default pipeline("secure").write(orders.toKafka("out.v1", { properties: { "ssl.key.password": env("STREAMT_TEST_KEY_PW") } }));\n`,
    );
    process.env.STREAMT_TEST_JAAS = "jaas-value-hunter2";
    process.env.STREAMT_TEST_KEY_PW = "key-pw-hunter3";
    try {
      const r = await synth({ entries: [entry], root: ROOT, typecheck: false, flinkVersion: "2.2", bootstrapServers: "b:9092", strict: true });
      expect(r.diagnostics).toEqual([]);
      expect(r.files.map((f) => f.path).sort()).toEqual(["manifest.json", "plan.json", "secure.sql", "topics.json"]);
      for (const f of r.files) expect(f.content, f.path).not.toMatch(/hunter/);
      expect(JSON.parse(r.files.find((f) => f.path === "manifest.json")!.content).pipelines[0].env).toEqual(["STREAMT_TEST_JAAS", "STREAMT_TEST_KEY_PW"]);
      expect(r.files.find((f) => f.path === "plan.json")!.content).toContain('"sasl.jaas.config":{"env":"STREAMT_TEST_JAAS"}');
    } finally {
      delete process.env.STREAMT_TEST_JAAS;
      delete process.env.STREAMT_TEST_KEY_PW;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("the runtime fills references in at job start, quoted, and refuses a missing variable", () => {
    const script = "CREATE TEMPORARY TABLE t (a INT) WITH (\n  'properties.sasl.jaas.config' = '${env:JAAS}',\n  'x' = 'keep ${env:JAAS} as text'\n);";
    const r = resolveSecrets(script, "secure", { JAAS: "user=\"u\" password='p';" });
    expect(r.script).toBe("CREATE TEMPORARY TABLE t (a INT) WITH (\n  'properties.sasl.jaas.config' = 'user=\"u\" password=''p'';',\n  'x' = 'keep ${env:JAAS} as text'\n);");
    expect(r.secrets).toEqual(["user=\"u\" password='p';"]);
    expect(refusal(() => resolveSecrets("a = '${env:B}', c = '${env:A}'", "secure", {}))).toEqual({
      code: "STREAMT-R012",
      message: "pipeline 'secure' reads secrets from the environment variables A, B, which are not set",
      hint: "set A=... B=... in the environment that starts the job (never in the pipeline's code)",
      site: null,
    });
  });

  it("masks secrets, raw or SQL-quoted, in text about to be printed", () => {
    expect(maskSecrets("failed: 'p''w' and p'w and pw", ["p'w"])).toBe("failed: '***' and *** and pw");
    expect(maskSecrets("abcdef abc", ["abc", "abcdef"])).toBe("*** ***");
  });
});
