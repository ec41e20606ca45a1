import type { SqlStatement } from "./emit-sql/sql-emitter.js";

/** A file an emitter produced, in memory (synth writes every file of a run at once). */
export interface EmittedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What an emitter returns for synth to assemble into the output folder and its manifest: a typed unit
 * with its files and what it depends on. The type says what it is; nothing is inferred from file names.
 */
export type EmittedArtifact =
  | {
      readonly id: string;
      readonly type: "sql-script";
      readonly pipeline: string;
      readonly flinkVersion: string;
      readonly files: readonly EmittedFile[];
      readonly dependsOn: readonly string[];
      readonly statements: readonly SqlStatement[];
    }
  | {
      readonly id: string;
      readonly type: "java-project";
      readonly pipeline: string;
      readonly flinkVersion: string;
      readonly files: readonly EmittedFile[];
      readonly dependsOn: readonly string[];
      /** The job's main class (the JAR's Main-Class). */
      readonly mainClass: string;
      /** Paths of the steps the program runs through tEnv.sqlQuery (the Table API has no equivalent). */
      readonly sqlSteps: readonly string[];
    }
  | {
      readonly id: string;
      /** Flink Kubernetes Operator resources of one pipeline (synth --target k8s). */
      readonly type: "k8s-resources";
      readonly pipeline: string;
      readonly files: readonly EmittedFile[];
      readonly dependsOn: readonly string[];
    }
  | { readonly id: string; readonly type: "plan" | "topics"; readonly files: readonly EmittedFile[]; readonly dependsOn: readonly string[] };
