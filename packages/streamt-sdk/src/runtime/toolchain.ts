import { spawnSync } from "node:child_process";
import { StreamtError } from "../errors.js";

/** Codes of errors about the local runtime (Java, Maven, the runner, the broker, jobs). */
export const RuntimeErrorCode = {
  missingJava: "STREAMT-R001",
  oldJava: "STREAMT-R002",
  missingMaven: "STREAMT-R003",
  runnerBuild: "STREAMT-R004",
  runnerFailed: "STREAMT-R005",
  brokerFailed: "STREAMT-R006",
  jobFailed: "STREAMT-R007",
  timeout: "STREAMT-R008",
  missingOutput: "STREAMT-R009",
  /** An --input line that is not JSON, or does not fit the schema of the source reading its topic. */
  invalidInput: "STREAMT-R010",
  /** A task failed and Flink restarted the job (a crash loop when a record fails it). */
  jobRestarted: "STREAMT-R011",
  /** A pipeline reads a secret from an environment variable (env("NAME")) that is not set. */
  missingSecret: "STREAMT-R012",
  /** `synth --target jar`: Maven could not build a pipeline's JAR (the message has the log's path and its ERROR lines). */
  jarBuild: "STREAMT-R013",
  /** `dev up`: a port remembered for the dev cluster is taken by another program. */
  devPortTaken: "STREAMT-R014",
  /** `dev up`: a part of the dev cluster (broker, JobManager, TaskManager, SQL Gateway) did not become ready. */
  devNotReady: "STREAMT-R015",
  /** .streamt/dev/state.json is not a state file `dev up` wrote. */
  devState: "STREAMT-R016",
  /** An environment's Flink REST API did not answer (down, wrong URL, unreachable from here). */
  clusterUnreachable: "STREAMT-R017",
  /** `apply` / `destroy`: Kafka refused to create, alter or delete a topic (or the admin client cannot log in). */
  topicsFailed: "STREAMT-R018",
  /** `apply`: a job submitted to the cluster did not reach RUNNING (the message says what was done and what runs now). */
  deployJobFailed: "STREAMT-R019",
  /** `apply` / `destroy`: stop-with-savepoint failed; the job keeps running. */
  savepointFailed: "STREAMT-R020",
  /** `apply`: an upgrade would drop state (or its state cannot be compared) and --allow-state-loss was not given. */
  stateLoss: "STREAMT-R021",
  /** `apply` / `destroy` on a protected environment without --yes, a topic change Kafka cannot make, or an environment without the SQL Gateway or plan folder SQL pipelines need. */
  deployRefused: "STREAMT-R022",
  /** STREAMT_JVM_OPTIONS holds something that is not a JVM flag. */
  badJvmOptions: "STREAMT-R023",
} as const;

/**
 * STREAMT_JVM_OPTIONS: flags added to every JVM streamt-sdk starts on this machine (local jobs, the planner
 * validator, the job server, JAR runs, the dev cluster), after its own so they win: e.g. `-Xmx4g`, or
 * `-XX:TieredStopAtLevel=1` for short jobs (the JIT's first tier only: half the CPU of a 5 s job, slower
 * on long ones). Flags are separated by spaces; one that holds a space cannot be given here.
 *
 * @example
 * userJvmOptions({ STREAMT_JVM_OPTIONS: " -Xmx4g  -XX:TieredStopAtLevel=1 " }); // ["-Xmx4g", "-XX:TieredStopAtLevel=1"]
 */
export function userJvmOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const text = env.STREAMT_JVM_OPTIONS?.trim() ?? "";
  if (text === "") return [];
  const flags = text.split(/\s+/);
  const notFlags = flags.filter((f) => !f.startsWith("-"));
  if (notFlags.length > 0) {
    throw new StreamtError({
      code: RuntimeErrorCode.badJvmOptions,
      // Only the words at fault: the other flags may carry a secret (-Dsome.password=...).
      message: `STREAMT_JVM_OPTIONS holds ${notFlags.map((f) => JSON.stringify(f)).join(", ")}, which ${notFlags.length === 1 ? "is not a JVM flag" : "are not JVM flags"}`,
      hint: "give only JVM flags, each starting with '-', separated by spaces, e.g. STREAMT_JVM_OPTIONS='-Xmx4g -XX:TieredStopAtLevel=1'; or unset it",
    });
  }
  return flags;
}

const INSTALL_HINT = "install a JDK 17+ and Maven, e.g. `sudo apt-get install openjdk-17-jdk maven` (Debian/Ubuntu) or `brew install openjdk@17 maven` (macOS); set JAVA_HOME or put java on PATH";

export interface Toolchain {
  /** The java executable. */
  readonly java: string;
  readonly javaMajor: number;
  /** The Maven command (build.sh reads it from $MVN). */
  readonly mvn: string;
}

let cached: Toolchain | null = null;

/** The java executable: $JAVA_HOME/bin/java, else java on PATH. */
export function javaCandidate(): string {
  const home = process.env.JAVA_HOME;
  return home ? `${home.replace(/\/$/, "")}/bin/java` : "java";
}

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function parseJavaMajor(versionOutput: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

/**
 * Finds java 17+ and mvn, once per process. Throws a StreamtError saying what to install when either
 * is missing or Java is too old.
 */
export function findToolchain(): Toolchain {
  if (cached) return cached;
  const java = javaCandidate();
  const jv = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (jv.error || jv.status !== 0) {
    throw new StreamtError({
      code: RuntimeErrorCode.missingJava,
      message: `Java was not found (${java}): running Flink and Kafka locally needs a JDK 17 or newer`,
      hint: INSTALL_HINT,
    });
  }
  const major = parseJavaMajor(`${jv.stderr}${jv.stdout}`);
  if (major === null || major < 17) {
    throw new StreamtError({
      code: RuntimeErrorCode.oldJava,
      message: `${java} is Java ${major ?? "(unknown version)"}; Flink 2.x needs Java 17 or newer`,
      hint: INSTALL_HINT,
    });
  }
  const mvn = process.env.MVN ?? "mvn";
  const mv = spawnSync(mvn, ["-v"], { encoding: "utf8" });
  if (mv.error || mv.status !== 0) {
    throw new StreamtError({
      code: RuntimeErrorCode.missingMaven,
      message: `Maven was not found (${mvn}): it downloads Flink and Kafka from Maven Central on first use`,
      hint: INSTALL_HINT,
    });
  }
  cached = { java, javaMajor: major, mvn };
  return cached;
}
