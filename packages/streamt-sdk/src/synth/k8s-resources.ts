import { stringify } from "yaml";
import type { EmittedArtifact } from "../artifact.js";
import type { DeployMode } from "../deploy/define-config.js";
import type { KubernetesSettings } from "../deploy/k8s-settings.js";
import { mainClassOf } from "../emit-java/java-emitter.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import type { SourceSite } from "../ir/node-base.js";
import type { PipelineDef } from "../ir/plan.js";
import { LoadCode } from "./load.js";

/**
 * `synth --target k8s --env <name>`: per pipeline, the Flink Kubernetes Operator resources that run it in
 * application mode (a cluster of its own per job, as the operator runs production jobs), written to
 * k8s/<pipeline>.yaml:
 * - deployed as "jar": a FlinkDeployment whose job is the pipeline's Table API JAR (`synth --target jar`),
 *   found in the image under `kubernetes.jarDir`;
 * - deployed as "sql": a ConfigMap holding the pipeline's SQL script and a FlinkDeployment whose job is the
 *   image's SQL runner (by default the SDK's, io.streamt.runner.flink.SqlScriptJob) given that script, mounted
 *   from the ConfigMap.
 * Both restart from a savepoint on every change (`upgradeMode: savepoint`), name the job by the pipeline,
 * and take secrets from a Kubernetes Secret by reference, never by value. Checked against the operator's
 * CRD schema in test/k8s/.
 */

/** The operator's CRD this target writes for and is tested against (flink-kubernetes-operator-api on Maven Central). */
export const OPERATOR_API_VERSION = "1.10.0";

/** The Flink versions that operator's CRD knows (spec.flinkVersion), by the SDK's version lines. */
const OPERATOR_FLINK_VERSIONS: Readonly<Record<string, string>> = { "1.20": "v1_20" };

/** The name Flink's native Kubernetes integration gives the cluster: a DNS-1035 label of at most 45 characters. */
const CLUSTER_ID = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CLUSTER_ID_MAX = 45;

/** Where the SQL script is mounted in the pods. */
const SCRIPT_DIR = "/opt/streamt/sql";
/** The container the operator runs Flink in: a pod template's settings for it must use this name. */
const FLINK_CONTAINER = "flink-main-container";

export interface KubernetesTarget {
  readonly environment: string;
  readonly settings: KubernetesSettings;
  /** The environment's flink.savepointDir; each pipeline's savepoints go to a folder of its own under it. */
  readonly savepointDir: string;
  /** The environment's Kafka, given to a JAR job (a SQL script has it written in). */
  readonly bootstrapServers: string;
  deployMode(pipeline: string): DeployMode;
  /** The config file's line of `kubernetes.<property>` of the environment (for errors). */
  configSite(property: string): SourceSite | null;
}

export interface PipelineJob {
  readonly pipeline: PipelineDef;
  readonly flinkVersion: string;
  /** The pipeline's SQL script (its file content), for a pipeline deployed as "sql". */
  readonly script: string | null;
  /** The environment variables its secrets are read from (env("NAME")), sorted. */
  readonly secretEnv: readonly string[];
}

type Resource = Record<string, unknown>;

export function kubernetesArtifact(job: PipelineJob, target: KubernetesTarget, header: string): EmittedArtifact {
  const name = job.pipeline.name;
  const resources = kubernetesResources(job, target);
  const content = `# ${header}\n` + resources.map((r) => stringify(r, { lineWidth: 0 })).join("---\n");
  // A JAR job's JAR is built by synth --target jar and put in the image: not an artifact of this run.
  const dependsOn = target.deployMode(name) === "sql" ? [`sql:${name}`] : [];
  return { id: `k8s:${name}`, type: "k8s-resources", pipeline: name, files: [{ path: `k8s/${name}.yaml`, content }], dependsOn };
}

/** The pipeline's resources, in the order `kubectl apply` should create them. */
export function kubernetesResources(job: PipelineJob, target: KubernetesTarget): Resource[] {
  const p = job.pipeline;
  const s = target.settings;
  if (!CLUSTER_ID.test(p.name) || p.name.length > CLUSTER_ID_MAX) {
    throw new StreamtError({
      code: BuildErrorCode.notDeployableOnKubernetes,
      message: `pipeline '${p.name}' cannot name a FlinkDeployment: Flink on Kubernetes needs lower-case letters, digits and '-', starting with a letter, at most ${CLUSTER_ID_MAX} characters`,
      hint: `rename the pipeline, e.g. pipeline("${suggestedName(p.name)}", ...): the job, its savepoints and its resources are named by it`,
      site: p.site,
    });
  }
  const flinkVersion = OPERATOR_FLINK_VERSIONS[job.flinkVersion];
  if (flinkVersion === undefined) {
    throw new StreamtError({
      code: BuildErrorCode.notDeployableOnKubernetes,
      message: `pipeline '${p.name}' targets Flink ${job.flinkVersion}, which the Flink Kubernetes Operator ${OPERATOR_API_VERSION} (the CRD this target writes for) does not run: its spec.flinkVersion goes up to v1_20`,
      hint: `synthesise for the Flink line it runs: synth --target k8s --flink ${Object.keys(OPERATOR_FLINK_VERSIONS).join(" or --flink ")}`,
      site: p.site,
    });
  }
  const mode = target.deployMode(p.name);
  const labels = { "app.kubernetes.io/name": p.name, "app.kubernetes.io/managed-by": "streamt-sdk" };
  const metadata = (resourceName: string) => ({ name: resourceName, ...(s.namespace !== null ? { namespace: s.namespace } : {}), labels });

  const env = job.secretEnv.map((variable) => ({ name: variable, valueFrom: { secretKeyRef: { name: secretName(job, target), key: variable } } }));
  const container: Resource = { name: FLINK_CONTAINER, ...(env.length > 0 ? { env } : {}) };
  const volumes: Resource[] = [];
  const resources: Resource[] = [];
  let jobSpec: Resource;
  if (mode === "sql") {
    const runner = s.sqlRunner;
    const configMap = `${p.name}-sql`;
    resources.push({ apiVersion: "v1", kind: "ConfigMap", metadata: metadata(configMap), data: { [`${p.name}.sql`]: job.script ?? "" } });
    container.volumeMounts = [{ name: "sql-script", mountPath: SCRIPT_DIR, readOnly: true }];
    volumes.push({ name: "sql-script", configMap: { name: configMap } });
    jobSpec = { jarURI: runner.jarURI, ...(runner.entryClass !== null ? { entryClass: runner.entryClass } : {}), args: [`${SCRIPT_DIR}/${p.name}.sql`] };
  } else {
    const jarDir = s.jarDir ?? missing(target, p.name, "jarDir", 'jarDir: "local:///opt/flink/usrlib" (where the image holds the JARs of synth --target jar)', 'deployed as "jar"');
    jobSpec = { jarURI: `${jarDir.replace(/\/$/, "")}/${p.name}.jar`, entryClass: mainClassOf(p.name), args: ["--bootstrap-servers", target.bootstrapServers] };
  }
  const podTemplate = { apiVersion: "v1", kind: "Pod", spec: { containers: [container], ...(volumes.length > 0 ? { volumes } : {}) } };

  resources.push({
    apiVersion: "flink.apache.org/v1beta1",
    kind: "FlinkDeployment",
    metadata: metadata(p.name),
    spec: {
      image: s.image,
      ...(s.imagePullPolicy !== null ? { imagePullPolicy: s.imagePullPolicy } : {}),
      flinkVersion,
      serviceAccount: s.serviceAccount,
      flinkConfiguration: {
        // The job's name is the pipeline's, as in every other deploy: jobs are found by it.
        "pipeline.name": p.name,
        "state.checkpoints.dir": `${withoutSlash(s.checkpointDir)}/${p.name}`,
        "state.savepoints.dir": `${withoutSlash(target.savepointDir)}/${p.name}`,
        "taskmanager.numberOfTaskSlots": String(s.taskManager.slots),
      },
      jobManager: { replicas: 1, resource: { memory: s.jobManager.memory, cpu: s.jobManager.cpu } },
      taskManager: { resource: { memory: s.taskManager.memory, cpu: s.taskManager.cpu } },
      ...(container.env !== undefined || volumes.length > 0 ? { podTemplate } : {}),
      // A restore that would leave savepoint state unclaimed (a changed stateful step) fails instead of dropping it.
      job: { ...jobSpec, parallelism: p.settings.parallelism ?? 1, upgradeMode: "savepoint", allowNonRestoredState: false, state: "running" },
    },
  });
  return resources;
}

function secretName(job: PipelineJob, target: KubernetesTarget): string {
  return (
    target.settings.secretName ??
    missing(target, job.pipeline.name, "secretName", 'secretName: "<the Secret whose keys are the variables>"', `reading its secrets from ${job.secretEnv.join(", ")}`)
  );
}

function missing(target: KubernetesTarget, pipeline: string, property: string, example: string, because: string): never {
  const site = target.configSite(property);
  throw new StreamtError({
    code: LoadCode.configInvalid,
    message: `environment '${target.environment}' has no kubernetes.${property}, which pipeline '${pipeline}' needs (${because})`,
    hint: `add ${example} to the environment's kubernetes section; see docs/kubernetes.md`,
    site,
  });
}

function withoutSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}

function suggestedName(name: string): string {
  const lowered = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "");
  return (lowered || "pipeline").slice(0, CLUSTER_ID_MAX).replace(/-+$/, "");
}
