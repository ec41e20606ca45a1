import { afterEach, describe, expect, it } from "vitest";
import { javaCandidate, parseJavaMajor } from "../../packages/streamt-sdk/src/runtime/toolchain.js";

describe("toolchain: which java, and which version it is", () => {
  const before = process.env.JAVA_HOME;
  afterEach(() => {
    if (before === undefined) delete process.env.JAVA_HOME;
    else process.env.JAVA_HOME = before;
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
});
