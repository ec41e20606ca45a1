import path from "node:path";
import { CONFIG_FILE } from "../deploy/define-config.js";
import { StreamtError } from "../errors.js";
import type { KubernetesTarget } from "../synth/k8s-resources.js";
import { LoadCode } from "../synth/load.js";

/**
 * The environment `synth --target k8s --env <name>` writes for: one of streamt.config.ts with a `kubernetes`
 * section. `dev` (the local cluster of `dev up`) runs no Kubernetes; an environment without the section is
 * STREAMT-L004 at its line, saying what to add.
 */
export async function kubernetesTarget(name: string, projectDir: string, beforeLoad: (() => void) | undefined): Promise<KubernetesTarget> {
  const { environmentOf, lineOf, loadConfig } = await import("../deploy/config.js");
  if (name === "dev") {
    throw new StreamtError({
      code: LoadCode.configInvalid,
      message: "the environment 'dev' is the local cluster of `streamt-sdk dev up`, which runs no Kubernetes",
      hint: `write Kubernetes resources for an environment of ${CONFIG_FILE} with a kubernetes section, e.g. synth --target k8s --env staging (docs/kubernetes.md)`,
    });
  }
  beforeLoad?.();
  const config = await loadConfig(projectDir);
  const env = environmentOf(config, name, projectDir);
  const file = config.file!;
  const shown = path.relative(process.cwd(), file) || file;
  const siteOf = (at: readonly string[]) => {
    const line = lineOf(file, ["environments", name, ...at]);
    return line === null ? null : { file: shown, line, column: 1 };
  };
  const settings = env.kubernetes;
  if (settings === null) {
    const site = siteOf([]);
    throw new StreamtError({
      code: LoadCode.configInvalid,
      message: `${site ? `${shown}:${site.line}: ` : ""}environment '${name}' has no kubernetes section, so synth --target k8s has no image or checkpoint folder to write`,
      hint: 'add kubernetes: { image: "<your Flink image>", checkpointDir: "s3://<bucket>/checkpoints", ... } to it; see docs/kubernetes.md',
      site,
    });
  }
  return {
    environment: name,
    settings,
    savepointDir: env.flink.savepointDir,
    bootstrapServers: env.kafka.bootstrapServers,
    deployMode: (pipeline) => config.deployMode(pipeline),
    configSite: (property) => siteOf(["kubernetes", property]),
  };
}
