import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { findToolchain, javaCandidate, parseJavaMajor, userJvmOptions } from "../../packages/streamt-sdk/src/runtime/toolchain.js";
import { refusal } from "../helpers.js";

const INSTALL_HINT =
  "install a JDK 17+ and Maven, e.g. `sudo apt-get install openjdk-17-jdk maven` (Debian/Ubuntu) or `brew install openjdk@17 maven` (macOS); set JAVA_HOME or put java on PATH";

describe("toolchain: which java, and which version it is", () => {
  const before = { JAVA_HOME: process.env.JAVA_HOME, MVN: process.env.MVN };
  afterEach(() => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("java is $JAVA_HOME/bin/java, with or without a trailing slash on JAVA_HOME", () => {
    process.env.JAVA_HOME = "/opt/jdk-17";
    expect(javaCandidate()).toBe("/opt/jdk-17/bin/java");
    process.env.JAVA_HOME = "/opt/jdk-17/";
    expect(javaCandidate()).toBe("/opt/jdk-17/bin/java");
  });

  it("without JAVA_HOME (or with it empty) java is the one on PATH", () => {
    delete process.env.JAVA_HOME;
    expect(javaCandidate()).toBe("java");
    process.env.JAVA_HOME = "";
    expect(javaCandidate()).toBe("java");
  });

  it("the major version of `java -version` output, old 1.x style included", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor("no version here")).toBeNull();
  });

  // These run in order: findToolchain remembers the first toolchain it found, and only that.
  it("findToolchain: a JAVA_HOME without java is STREAMT-R001, naming the java it tried", () => {
    process.env.JAVA_HOME = "/no/such/jdk";
    expect(refusal(() => findToolchain())).toEqual({
      code: "STREAMT-R001",
      message: "Java was not found (/no/such/jdk/bin/java): running Flink and Kafka locally needs a JDK 17 or newer",
      hint: INSTALL_HINT,
      site: null,
    });
  });

  it("findToolchain: no Maven where $MVN says is STREAMT-R003", () => {
    delete process.env.JAVA_HOME;
    process.env.MVN = "/no/such/mvn";
    expect(refusal(() => findToolchain())).toEqual({
      code: "STREAMT-R003",
      message: "Maven was not found (/no/such/mvn): it downloads Flink and Kafka from Maven Central on first use",
      hint: INSTALL_HINT,
      site: null,
    });
  });

  it("findToolchain: this machine's java (17+) and mvn from PATH, found once per process", () => {
    delete process.env.JAVA_HOME;
    delete process.env.MVN;
    const version = spawnSync("java", ["-version"], { encoding: "utf8" });
    const found = findToolchain();
    expect(found).toEqual({ java: "java", javaMajor: parseJavaMajor(version.stderr + version.stdout), mvn: "mvn" });
    expect(found.javaMajor).toBeGreaterThanOrEqual(17);
    process.env.JAVA_HOME = "/no/such/jdk";
    expect(findToolchain()).toBe(found);
  });
});

describe("STREAMT_JVM_OPTIONS: flags for every JVM streamt-sdk starts", () => {
  it("unset or blank is no flag; flags are split on runs of spaces, in order", () => {
    expect([userJvmOptions({}), userJvmOptions({ STREAMT_JVM_OPTIONS: "  " })]).toEqual([[], []]);
    expect(userJvmOptions({ STREAMT_JVM_OPTIONS: " -Xmx4g \t -XX:TieredStopAtLevel=1\n-Dx=a " })).toEqual(["-Xmx4g", "-XX:TieredStopAtLevel=1", "-Dx=a"]);
  });

  it("a word that is not a flag is STREAMT-R023, naming it, before any JVM starts", () => {
    expect(refusal(() => userJvmOptions({ STREAMT_JVM_OPTIONS: "-Xmx4g Xss2m -Dk=v com.example.Main" }))).toEqual({
      code: "STREAMT-R023",
      message: 'STREAMT_JVM_OPTIONS holds "Xss2m", "com.example.Main", which are not JVM flags',
      hint: "give only JVM flags, each starting with '-', separated by spaces, e.g. STREAMT_JVM_OPTIONS='-Xmx4g -XX:TieredStopAtLevel=1'; or unset it",
      site: null,
    });
    expect(refusal(() => userJvmOptions({ STREAMT_JVM_OPTIONS: "4g" })).message).toBe('STREAMT_JVM_OPTIONS holds "4g", which is not a JVM flag');
    // The flags around a bad word are not repeated: one may carry a secret.
    expect(refusal(() => userJvmOptions({ STREAMT_JVM_OPTIONS: "-Dkafka.password=hunter2 oops" })).message).not.toContain("hunter2");
  });
});
