import type { KubernetesConfig } from "./define-config.js";

/**
 * An environment's `kubernetes` section (define-config.ts) with its defaults filled in: what
 * `synth --target k8s` writes into each pipeline's Flink Kubernetes Operator resources.
 */
export interface KubernetesSettings {
  readonly namespace: string | null;
  readonly image: string;
  readonly imagePullPolicy: string | null;
  readonly serviceAccount: string;
  readonly checkpointDir: string;
  readonly jobManager: { readonly memory: string; readonly cpu: number };
  readonly taskManager: { readonly memory: string; readonly cpu: number; readonly slots: number };
  readonly sqlRunner: { readonly jarURI: string; readonly entryClass: string | null };
  readonly jarDir: string | null;
  readonly secretName: string | null;
}

/**
 * The SDK's SQL runner (packages/flink-runner: `build.sh sql-runner`), where docs/kubernetes.md says to put it
 * in the image: what a "sql" pipeline's job runs unless the environment names another runner.
 */
export const STREAMT_SQL_RUNNER = { jarURI: "local:///opt/flink/usrlib/streamt-sql-runner.jar", entryClass: "io.streamt.runner.flink.SqlScriptJob" } as const;

/** The service account the operator's Helm chart creates for the Flink pods in each namespace it watches. */
const OPERATOR_SERVICE_ACCOUNT = "flink";

export function kubernetesSettings(config: KubernetesConfig): KubernetesSettings {
  return {
    namespace: config.namespace ?? null,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy ?? null,
    serviceAccount: config.serviceAccount ?? OPERATOR_SERVICE_ACCOUNT,
    checkpointDir: config.checkpointDir,
    jobManager: { memory: config.jobManager?.memory ?? "2048m", cpu: config.jobManager?.cpu ?? 1 },
    taskManager: { memory: config.taskManager?.memory ?? "2048m", cpu: config.taskManager?.cpu ?? 1, slots: config.taskManager?.slots ?? 1 },
    sqlRunner: config.sqlRunner ? { jarURI: config.sqlRunner.jarURI, entryClass: config.sqlRunner.entryClass ?? null } : STREAMT_SQL_RUNNER,
    jarDir: config.jarDir ?? null,
    secretName: config.secretName ?? null,
  };
}
