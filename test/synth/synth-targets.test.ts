import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synth } from "../../packages/streamt-sdk/src/synth/synth.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(ROOT, "test", ".tmp-synth-targets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = path.join(dir, "copy.ts");
writeFileSync(
  entry,
  `import { pipeline, source, t } from "streamt-sdk";\n` +
    `const orders = source("orders", { topic: "orders.v1", schema: t.row({ id: t.string() }) });\n` +
    `export default pipeline("orders-copy").write(orders.toKafka("orders.copy"));\n`,
);

describe("synth: which targets build JARs", () => {
  const jarsOf = async (target: "java" | "jar") => (await synth({ entries: [entry], root: ROOT, typecheck: false, flinkVersion: "2.2", bootstrapServers: "b:9092", strict: true, target })).jars;

  it("--target java writes the Java project and builds nothing; --target jar builds its JAR", async () => {
    expect(await jarsOf("java")).toEqual([]);
    expect(await jarsOf("jar")).toEqual([
      { pipeline: "orders-copy", flinkVersion: "2.2", projectDir: "orders-copy", jar: "orders-copy/target/orders-copy.jar", mainClass: "io.streamt.generated.OrdersCopyJob" },
    ]);
  });
});
