/**
 * Every resource `synth --target k8s` writes, checked against the Flink Kubernetes Operator's own CRD schema:
 * the FlinkDeployment CRD that flink-kubernetes-operator-api (Maven Central) ships, generated from the
 * operator's Java classes, which is what the API server validates a FlinkDeployment against.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OPERATOR_API_VERSION } from "../../packages/streamt-sdk/src/synth/k8s-resources.js";
import { EXAMPLES, ROOT } from "../cli/support.js";
import { scratchFolder } from "../synth/fixture.js";
import { CONFIG, PIPELINES, project, resourcesOf, synthK8s } from "./project.js";

const ARTIFACT = `org.apache.flink:flink-kubernetes-operator-api:${OPERATOR_API_VERSION}`;
const CRD_ENTRY = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

/** The operator API JAR, fetched through Maven (cached in the local repository after the first run). */
function operatorApiJar(): string {
  const dir = scratchFolder("operator-api");
  const jar = path.join(dir, `flink-kubernetes-operator-api-${OPERATOR_API_VERSION}.jar`);
  if (!existsSync(jar)) {
    execFileSync(process.env.MVN ?? "mvn", ["-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy", `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${dir}`], { stdio: ["ignore", "ignore", "inherit"] });
  }
  return jar;
}

/** One file of a JAR (a zip): found through the central directory, stored or deflated. */
function jarEntry(jar: string, name: string): string {
  const zip = readFileSync(jar);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(at + 42);
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const stored = zip.subarray(data, data + zip.readUInt32LE(at + 20));
      return (zip.readUInt16LE(at + 10) === 0 ? stored : inflateRawSync(stored)).toString("utf8");
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${jar} has no ${name}`);
}

type Schema = Record<string, unknown>;

/**
 * The API server's strict field validation (kubectl's default): a field the schema does not declare is an
 * error, except under x-kubernetes-preserve-unknown-fields. JSON Schema allows any field unless told.
 */
function strict(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strict(v)]));
    else if ((key === "items" || key === "additionalProperties") && typeof value === "object" && value !== null) out[key] = strict(value as Schema);
    else if (key === "anyOf" || key === "allOf" || key === "oneOf") out[key] = (value as Schema[]).map(strict);
    else out[key] = value;
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  return out;
}

let validate: ValidateFunction;
beforeAll(() => {
  const crd = parse(jarEntry(operatorApiJar(), CRD_ENTRY)) as {
    spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  expect([crd.spec.names.kind, crd.spec.versions.map((v) => v.name)]).toEqual(["FlinkDeployment", ["v1beta1"]]);
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const k of ["x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type"]) ajv.addKeyword(k);
  // The API server itself checks every object's apiVersion, kind and metadata; the CRD's schema is the rest.
  const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
  const root = { ...schema, properties: { apiVersion: { type: "string", enum: ["flink.apache.org/v1beta1"] }, kind: { type: "string", enum: ["FlinkDeployment"] }, metadata: { type: "object" }, ...(schema.properties as Schema) } };
  validate = ajv.compile(strict(root));
}, 300_000);

/** The CRD's complaints about one resource; [] when it is valid. */
function errorsOf(resource: unknown): string[] {
  return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}${e.params && "additionalProperty" in e.params ? ` '${String(e.params.additionalProperty)}'` : ""}`);
}

/** Every FlinkDeployment in a k8s/ folder, by file. */
function deployments(folder: string): [string, Record<string, unknown>][] {
  return readdirSync(folder)
    .sort()
    .flatMap((f) => resourcesOf(path.join(folder, f)).filter((r) => r.kind === "FlinkDeployment").map((r): [string, Record<string, unknown>] => [f, r]));
}

describe(`the Flink Kubernetes Operator ${OPERATOR_API_VERSION} CRD`, () => {
  it("accepts every FlinkDeployment written for the examples (SQL and JAR pipelines)", async () => {
    const config = CONFIG.replace('pipelines: { "clicks-routed": { deploy: "jar" } }', 'pipelines: { "order-routing": { deploy: "jar" }, "hourly-revenue": { deploy: "jar" } }');
    const dir = project("examples", { "streamt.config.ts": config });
    const r = await synthK8s(dir, [...EXAMPLES.map((e) => path.join(ROOT, e)), "--env", "prod", "--flink", "1.20"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const written = deployments(path.join(dir, "out/k8s"));
    expect(written.map(([f]) => f)).toEqual([
      "big-spenders.yaml", "card-velocity.yaml", "customer-revenue.yaml", "customer-totals.yaml", "event-dedup.yaml", "hourly-revenue.yaml", "order-routing.yaml",
      "orders-enriched.yaml", "orders-latest-customer.yaml", "orders-payments.yaml", "orders-per-hour.yaml", "page-view-sessions.yaml", "top-spenders.yaml",
    ]);
    expect(written.filter(([, d]) => (d.spec as { job: { jarURI: string } }).job.jarURI.endsWith("sql-runner.jar")).length).toBe(11);
    for (const [file, deployment] of written) expect([file, errorsOf(deployment)]).toEqual([file, []]);
  }, 120_000);

  it("accepts the resources with secrets from a Secret and the SQL script from a ConfigMap", async () => {
    const dir = project("crd-secrets", { "pipelines.ts": PIPELINES, "streamt.config.ts": CONFIG });
    const r = await synthK8s(dir, ["pipelines.ts", "--env", "prod", "--flink", "1.20"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const written = deployments(path.join(dir, "out/k8s"));
    expect(written.map(([f]) => f)).toEqual(["clicks-per-user.yaml", "clicks-routed.yaml"]);
    for (const [file, deployment] of written) expect([file, errorsOf(deployment)]).toEqual([file, []]);
  }, 60_000);

  it("rejects what the operator would: a misspelt field, an unknown upgrade mode or Flink version", async () => {
    const dir = project("crd-negative", { "pipelines.ts": PIPELINES, "streamt.config.ts": CONFIG });
    await synthK8s(dir, ["pipelines.ts", "--env", "prod", "--flink", "1.20"]);
    const [[, deployment]] = deployments(path.join(dir, "out/k8s")) as [[string, { spec: Record<string, unknown> & { job: Record<string, unknown> } }]];
    const changed = (change: (spec: Record<string, unknown> & { job: Record<string, unknown> }) => void) => {
      const copy = structuredClone(deployment);
      change(copy.spec);
      return errorsOf(copy);
    };
    expect(changed((s) => (s.job.upgradeMode = "savepoints"))).toEqual(["/spec/job/upgradeMode must be equal to one of the allowed values"]);
    expect(changed((s) => (s.flinkVersion = "v2_2"))).toEqual(["/spec/flinkVersion must be equal to one of the allowed values"]);
    expect(changed((s) => ((s.job.upgrademode = "savepoint"), delete s.job.upgradeMode))).toEqual(["/spec/job must NOT have additional properties 'upgrademode'"]);
    expect(changed((s) => (s.jobManager = { replicas: "1" }))).toEqual(["/spec/jobManager/replicas must be integer"]);
    // The pod template is checked as deep as the pod spec goes: a Secret reference with a misspelt key.
    const podSpec = (s: Record<string, unknown>) => (s.podTemplate as { spec: { containers: { env: { valueFrom: Record<string, unknown> }[] }[] } }).spec;
    expect(changed((s) => (podSpec(s).containers[0]!.env[0]!.valueFrom.secretKeyRef = { nam: "kafka-credentials", key: "KAFKA_JAAS" }))).toEqual([
      "/spec/podTemplate/spec/containers/0/env/0/valueFrom/secretKeyRef must NOT have additional properties 'nam'",
    ]);
  }, 60_000);
});
