/** What the k8s tests share: a small project with a streamt.config.ts, and the CLI's k8s output of it. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { runCli, type Run } from "../cli/support.js";
import { scratchFolder, TSCONFIG } from "../synth/fixture.js";

export const PIPELINES = `import { count, env, pipeline, source, t } from "streamt-sdk";

const Click = t.row({ user: t.string(), page: t.string() });
const clicks = source("clicks", { topic: "clicks.v1", schema: Click, properties: { "sasl.jaas.config": env("KAFKA_JAAS") } });

export const perUser = pipeline("clicks-per-user", { parallelism: 2, checkpointInterval: "30s" })
  .write(clicks.groupBy("user").aggregate({ n: count() }, { ttl: "7d" }).toUpsertKafka("clicks.per-user.v1", { key: ["user"] }));

export const routed = pipeline("clicks-routed", { checkpointInterval: "30s" })
  .write(clicks.filter((c) => c.page.eq("/checkout")).toKafka("clicks.checkout.v1"));
`;

/** The prod environment's kubernetes section starts at line 8. */
export const CONFIG = `import { defineConfig } from "streamt-sdk";

export default defineConfig({
  environments: {
    prod: {
      kafka: { bootstrapServers: "kafka-1.prod:9092,kafka-2.prod:9092" },
      flink: { restUrl: "https://flink.prod:8081", savepointDir: "s3://acme-flink/savepoints/" },
      kubernetes: {
        namespace: "streaming",
        image: "registry.acme.io/flink-jobs:1.4.2",
        checkpointDir: "s3://acme-flink/checkpoints",
        taskManager: { memory: "4g", cpu: 2, slots: 2 },
        sqlRunner: { jarURI: "local:///opt/flink/usrlib/sql-runner.jar" },
        jarDir: "local:///opt/flink/usrlib",
        secretName: "kafka-credentials",
      },
    },
    staging: {
      kafka: { bootstrapServers: "kafka.staging:9092" },
      flink: { restUrl: "https://flink.staging:8081", savepointDir: "s3://acme-flink/staging-savepoints" },
    },
  },
  pipelines: { "clicks-routed": { deploy: "jar" } },
});
`;

/** A project folder (inside the repository, so "streamt-sdk" resolves to this checkout) with `files`. */
export function project(name: string, files: Record<string, string>): string {
  const dir = scratchFolder(`k8s-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** `synth --target k8s` in `dir`, into its out/ folder. */
export function synthK8s(dir: string, args: readonly string[]): Promise<Run> {
  return runCli(["synth", "--target", "k8s", "--out", "out", "--no-typecheck", ...args], { cwd: dir });
}

/** The resources of a file synth wrote (a YAML stream), as plain objects. */
export function resourcesOf(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8")).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return d.toJS() as Record<string, unknown>;
  });
}
