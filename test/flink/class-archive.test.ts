/**
 * The class archive build.sh records for the Flink targets (class data sharing): the runner's JVMs map
 * its classes instead of loading them. It must fit the classpath the runner's JVMs are started with (the
 * JVM refuses it under -Xshare:on otherwise), and a JVM whose classpath it does not fit must still run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { once } from "node:events";
import { buildRunner, optionsFile, spawnRunner } from "../../packages/streamt-sdk/src/runtime/flink-runner.js";
import { findToolchain } from "../../packages/streamt-sdk/src/runtime/toolchain.js";

const scratch = mkdtempSync(path.join(tmpdir(), "streamt-class-archive-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each([
  ["2", "2.2.0"],
  ["1.20", "1.20.3"],
  ["cluster", "2.2.0"],
] as const)("the class archive of runner target %s", (target, flink) => {
  it("is mapped by a JVM with the runner's classpath (-Xshare:on fails otherwise), and one that does not fit is passed over", async () => {
    const runner = await buildRunner(target, () => {});
    expect(runner.archive).toBe(path.join(path.dirname(runner.classes), "classes.jsa"));
    const version = (classpath: string, share: string) =>
      spawnSync(findToolchain().java, [...optionsFile("jvm-options.txt"), share, `-XX:SharedArchiveFile=${runner.archive}`, "-cp", classpath, "io.streamt.runner.Main", "version"], { encoding: "utf8" });
    const fits = version(`${runner.classes}${path.delimiter}${runner.classpath}`, "-Xshare:on");
    expect([fits.status, JSON.parse(fits.stdout).flink]).toEqual([0, flink]);
    // Another JAR first: the archive does not fit (-Xshare:on refuses it). A runner JVM loads the classes
    // itself and answers; the JVM's warning goes to stderr, never to the protocol's stdout.
    const other = path.join(scratch, `other-${target}.jar`);
    writeFileSync(other, Buffer.from("504b0506000000000000000000000000000000000000", "hex")); // an empty ZIP
    expect(version(`${other}${path.delimiter}${runner.classes}${path.delimiter}${runner.classpath}`, "-Xshare:on").status).toBe(1);
    const jvm = spawnRunner({ ...runner, classes: `${other}${path.delimiter}${runner.classes}` }, ["version"]);
    let stdout = "";
    let stderr = "";
    jvm.stdout!.on("data", (d) => (stdout += d));
    jvm.stderr!.on("data", (d) => (stderr += d));
    const [code] = await once(jvm, "close");
    expect([code, stdout.trim().split("\n").map((l) => JSON.parse(l).flink)]).toEqual([0, [flink]]);
    expect(stderr).toContain(`Unable to use shared archive. The top archive failed to load: ${runner.archive}`);
  }, 300_000);
});
