import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A stand-in for the JVM side of the local runtime, for tests of how the SDK builds the runner, starts
 * its JVMs and reads what they say (the JVMs themselves are tested in test/flink and test/e2e): a java
 * that records its arguments and says what it is told to, a Maven that writes the files it is told to,
 * and a runner whose build.sh records the target it builds. Installed through JAVA_HOME, MVN and
 * STREAMT_RUNNER_DIR; findToolchain() remembers the first java and Maven it finds, so a test file installs
 * one fake before anything looks for them and keeps it.
 */
export interface FakeToolchain {
  /** The fake runner's folder ($STREAMT_RUNNER_DIR): build.sh, and each target's target-<target>/. */
  readonly runnerDir: string;
  /** The targets build.sh was run for, in order. */
  builds(): string[];
  /** The arguments of each run of java (not `java -version`), in order. */
  javaRuns(): string[][];
  /**
   * What java does from now on: prints `stdout` and `stderr`, writes `lastArgument` to the file its last
   * argument names, then exits with `exit`, or without it runs until its stdin closes or it is signalled.
   */
  java(behaviour: { readonly stdout?: string; readonly stderr?: string; readonly lastArgument?: string; readonly exit?: number }): void;
  /** Files Maven writes (paths relative to the folder it runs in) when it builds. */
  mavenWrites(files: readonly string[]): void;
  /** Puts JAVA_HOME, MVN and STREAMT_RUNNER_DIR back and removes the fake. */
  remove(): void;
}

const JAVA = `#!/bin/bash
home="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.9" 2023-10-17' >&2; exit 0; fi
printf '%s\\0' "$@" > "$home/runs/$(ls "$home/runs" | wc -l).args"
if [ -f "$home/last-argument" ]; then cp "$home/last-argument" "\${@: -1}"; fi
if [ -f "$home/stderr" ]; then cat "$home/stderr" >&2; fi
if [ -f "$home/stdout" ]; then cat "$home/stdout"; fi
if [ -f "$home/exit" ]; then exit "$(cat "$home/exit")"; fi
exec cat > /dev/null
`;

const MAVEN = `#!/bin/bash
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$1" = "-v" ]; then echo "Apache Maven 3.9.9"; exit 0; fi
if [ -f "$here/writes" ]; then while read -r f; do mkdir -p "$(dirname "$f")"; echo "built by the fake Maven" > "$f"; done < "$here/writes"; fi
`;

const BUILD = `#!/bin/bash
here="$(cd "$(dirname "$0")" && pwd)"
echo "$1" >> "$here/builds"
echo "compiling the runner for target $1..." >&2
mkdir -p "$here/target-$1/classes"
echo "/m2/flink-$1.jar" > "$here/target-$1/classpath.txt"
echo "{\\"classes\\":\\"$here/target-$1/classes\\",\\"classpath\\":\\"$here/target-$1/classpath.txt\\"}"
`;

/** Installs a fake java, Maven and runner (see FakeToolchain). */
export function fakeToolchain(): FakeToolchain {
  const root = mkdtempSync(path.join(tmpdir(), "streamt-fake-toolchain-"));
  const javaHome = path.join(root, "jdk");
  const maven = path.join(root, "maven");
  const runnerDir = path.join(root, "runner");
  for (const dir of [path.join(javaHome, "bin"), path.join(javaHome, "runs"), maven, runnerDir]) mkdirSync(dir, { recursive: true });
  const script = (file: string, text: string) => {
    writeFileSync(file, text);
    chmodSync(file, 0o755);
  };
  script(path.join(javaHome, "bin", "java"), JAVA);
  script(path.join(maven, "mvn"), MAVEN);
  script(path.join(runnerDir, "build.sh"), BUILD);
  const before = { JAVA_HOME: process.env.JAVA_HOME, MVN: process.env.MVN, STREAMT_RUNNER_DIR: process.env.STREAMT_RUNNER_DIR };
  process.env.JAVA_HOME = javaHome;
  process.env.MVN = path.join(maven, "mvn");
  process.env.STREAMT_RUNNER_DIR = runnerDir;
  const read = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  return {
    runnerDir,
    builds: () => read(path.join(runnerDir, "builds")).split("\n").filter((l) => l !== ""),
    javaRuns: () =>
      readdirSync(path.join(javaHome, "runs"))
        .sort((a, b) => parseInt(a) - parseInt(b))
        .map((f) => read(path.join(javaHome, "runs", f)).split("\0").slice(0, -1)),
    java(behaviour) {
      for (const key of ["stdout", "stderr", "lastArgument", "exit"] as const) {
        const file = path.join(javaHome, key === "lastArgument" ? "last-argument" : key);
        const value = behaviour[key];
        if (value === undefined) rmSync(file, { force: true });
        else writeFileSync(file, String(value));
      }
    },
    mavenWrites: (files) => writeFileSync(path.join(maven, "writes"), files.map((f) => `${f}\n`).join("")),
    remove() {
      for (const [key, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
