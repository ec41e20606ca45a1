import { z } from "zod";
import { userKeyedRecord } from "../dsl/record-schema.js";
import { propertiesSchema } from "../dsl/secret.js";
import { rulesSchema } from "./rules-config.js";

/**
 * streamt.config.ts: where pipelines are deployed. Named environments (staging, prod, ...) with their
 * Kafka cluster (bootstrap servers, client security properties whose secrets are env("NAME")
 * references), their Flink cluster (REST API, SQL Gateway, savepoint directory), whether they are
 * protected; and how each pipeline is deployed (its SQL script through the gateway, or its JAR through
 * the REST API). The environment `dev` is the local cluster of `streamt-sdk dev up`: it is never written
 * here; its addresses come from .streamt/dev/state.json. This module is what the config file imports
 * (through "streamt-sdk"): the schema and defineConfig only; loading is deploy/config.ts.
 */

export const CONFIG_FILE = "streamt.config.ts";

export const CONFIG_BRAND = Symbol.for("streamt-sdk.config");

const bootstrapServers = z
  .string()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'write host:port[,host:port...], e.g. "kafka-1.internal:9092,kafka-2.internal:9092"');

/** An http(s) URL without credentials (it is printed in plans and logs). */
const serviceUrl = (what: string) =>
  z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `${what} must be an http(s) URL, e.g. "https://flink.internal:8081"` });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: `${what} must be an http(s) URL, not ${url.protocol}` });
    else if (url.username !== "" || url.password !== "") ctx.addIssue({ code: "custom", message: `${what} must not carry a user name or password (it is printed in plans and logs)` });
  });

/** A URI with a scheme (s3://, hdfs://, file:// on shared storage, local:// inside an image). */
const uri = (example: string) => z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, `write a URI with a scheme, e.g. ${example}`);

/** A Kubernetes object name (RFC 1123 label). */
const kubernetesName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "use lower-case letters, digits and '-', starting and ending with a letter or digit").max(63);

/** A JobManager's or TaskManager's pod: memory as Flink or Kubernetes writes it, and CPUs. */
const podResources = z.strictObject({
  memory: z.string().regex(/^[1-9][0-9]*(m|g|Mi|Gi)$/, 'write memory as a whole number with a unit: "2048m" or "2g" (Flink\'s units) or "2Gi" (Kubernetes\')'),
  cpu: z.number().positive("cpu must be more than 0, e.g. 0.5 or 2"),
});

/**
 * Where `synth --target k8s --env <name>` points its Flink Kubernetes Operator resources (synth/k8s-resources.ts,
 * docs/kubernetes.md). No value pretends to exist: the image is the team's own (Flink, the connectors, the
 * pipelines' JARs and the SQL runner).
 */
const kubernetesSchema = z.strictObject({
  /** metadata.namespace of every resource; absent: the namespace kubectl applies them in. */
  namespace: kubernetesName.optional(),
  /** The Flink image every pipeline's pods run, e.g. "registry.acme.io/flink-jobs:1.4.2". */
  image: z.string().regex(/^[^\s]+$/, 'write an image reference without spaces, e.g. "registry.acme.io/flink-jobs:1.4.2"'),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"], { message: 'imagePullPolicy must be "Always", "IfNotPresent" or "Never"' }).optional(),
  /** The service account the JobManager runs as (it creates the TaskManager pods); default "flink", the operator Helm chart's. */
  serviceAccount: kubernetesName.optional(),
  /** Where checkpoints go (state.checkpoints.dir), one folder per pipeline under it; savepoints go to flink.savepointDir. */
  checkpointDir: uri('"s3://acme-flink/checkpoints"'),
  /** Default { memory: "2048m", cpu: 1 }. */
  jobManager: podResources.optional(),
  /** Default { memory: "2048m", cpu: 1, slots: 1 }. */
  taskManager: podResources.extend({ slots: z.number().int().positive("slots must be a whole number of at least 1").optional() }).optional(),
  /**
   * The JAR in the image that runs a pipeline's SQL script (its one argument is the script's path), for pipelines
   * deployed as "sql". Default: the SDK's runner, local:///opt/flink/usrlib/streamt-sql-runner.jar with entry class
   * io.streamt.runner.flink.SqlScriptJob (docs/kubernetes.md says how to build it).
   */
  sqlRunner: z.strictObject({ jarURI: uri('"local:///opt/flink/usrlib/sql-runner.jar"'), entryClass: z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'write a Java class name, e.g. "org.apache.flink.examples.SqlRunner"').optional() }).optional(),
  /** The folder in the image holding the `synth --target jar` JARs (<pipeline>.jar). Needed by pipelines deployed as "jar". */
  jarDir: uri('"local:///opt/flink/usrlib"').optional(),
  /** The Kubernetes Secret whose keys are the env("NAME") names the pipelines read. Needed when a pipeline reads one. */
  secretName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Secret's name: lower-case letters, digits, '-' and '.'").optional(),
});

const environmentSchema = z.strictObject({
  kafka: z.strictObject({
    bootstrapServers,
    /** Kafka client properties of the jobs and of the SDK's admin client: literals, or env("NAME") for secrets. */
    properties: propertiesSchema.optional(),
  }),
  flink: z.strictObject({
    /** The JobManager's REST API (jobs, savepoints, JAR uploads). */
    restUrl: serviceUrl("flink.restUrl"),
    /** The SQL Gateway's REST endpoint; needed by pipelines deployed as "sql". */
    sqlGatewayUrl: serviceUrl("flink.sqlGatewayUrl").optional(),
    /** Where savepoints go: a URI the JobManager and TaskManagers can all write (s3://, hdfs://, file:// on shared storage). */
    savepointDir: z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'write a URI with a scheme, e.g. "s3://my-bucket/savepoints" or "file:///shared/savepoints"'),
    /**
     * A folder that this machine and the SQL Gateway both see at this absolute path (shared storage): `apply`
     * writes each pipeline's compiled plan there and the gateway executes it. Needed by pipelines deployed as "sql".
     */
    planDir: z.string().regex(/^\//, 'write an absolute path, e.g. "/shared/streamt-plans"').optional(),
  }),
  /** Commands that change a protected environment need an explicit confirmation flag. */
  protected: z.boolean().optional(),
  /** Flink Kubernetes Operator resources of `synth --target k8s` (docs/kubernetes.md). */
  kubernetes: kubernetesSchema.optional(),
});

const ENV_NAME = /^[a-z][a-z0-9-]*$/;

export const configSchema = z.strictObject({
  environments: userKeyedRecord(z.string(), environmentSchema, "environment name '__proto__': use lower-case letters, digits and '-', starting with a letter, e.g. 'staging'").superRefine((envs, ctx) => {
    for (const name of Object.keys(envs)) {
      if (name === "dev") {
        ctx.addIssue({ code: "custom", path: [name], message: "the environment 'dev' is the local cluster of `streamt-sdk dev up` and is not configured here; name this one differently, e.g. 'local' or 'staging'" });
      } else if (!ENV_NAME.test(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `environment name '${name}': use lower-case letters, digits and '-', starting with a letter, e.g. 'staging'` });
      }
    }
  }).default({}),
  /** How each pipeline is deployed, by its name; a pipeline not listed is deployed as "sql". */
  pipelines: userKeyedRecord(z.string(), z.strictObject({ deploy: z.enum(["sql", "jar"], { message: 'deploy must be "sql" (its script through the SQL Gateway) or "jar" (its Table API JAR through the REST API)' }) }), "a pipeline named '__proto__' cannot be listed here (a name JavaScript objects reserve): rename the pipeline to give it a deploy mode").optional(),
  /** The project's rules (naming, partitions, replication, descriptions and owners, formats, state TTL): see deploy/rules-config.ts. */
  rules: rulesSchema.optional(),
});

/** What a streamt.config.ts declares (the argument of defineConfig). */
export type StreamtConfigInput = z.input<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type KubernetesConfig = z.infer<typeof kubernetesSchema>;
export type DeployMode = "sql" | "jar";

export interface DefinedConfig {
  readonly [CONFIG_BRAND]: true;
  readonly input: StreamtConfigInput;
}

/**
 * Declares the project's deploy configuration; the default export of streamt.config.ts. Checked when a
 * command loads it, with errors at the line of the offending property.
 *
 * @example
 * export default defineConfig({
 *   environments: {
 *     staging: {
 *       kafka: { bootstrapServers: "kafka.staging:9092", properties: { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": env("KAFKA_JAAS") } },
 *       flink: { restUrl: "https://flink.staging:8081", sqlGatewayUrl: "https://flink.staging:8083", savepointDir: "s3://acme-flink/savepoints" },
 *     },
 *     prod: { ..., protected: true },
 *   },
 *   pipelines: { "order-routing": { deploy: "jar" } },
 * });
 */
export function defineConfig(config: StreamtConfigInput): DefinedConfig {
  return { [CONFIG_BRAND]: true, input: config };
}
