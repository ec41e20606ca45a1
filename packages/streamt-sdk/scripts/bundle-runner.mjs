// Before `npm pack`: copies the Flink runner's sources (Maven project, build script, JVM options) into
// runner/, so an installed streamt-sdk can build and run Flink and Kafka itself (the monorepo keeps
// them in packages/flink-runner), and the generated Java project's templates into templates/ (the
// monorepo keeps them at its top level). Built output (target-*) is never copied.
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const from = path.resolve(here, "../../flink-runner");
const to = path.resolve(here, "../runner");
const parts = ["build.sh", "pom.xml", "src", "jvm-options.txt", "jvm-options-validate.txt", "README.md"];
for (const p of parts) {
  if (!existsSync(path.join(from, p))) throw new Error(`bundle-runner: ${path.join(from, p)} is missing`);
}
rmSync(to, { recursive: true, force: true });
for (const p of parts) cpSync(path.join(from, p), path.join(to, p), { recursive: true });
console.error(`bundled the Flink runner sources into ${to}`);

const templatesFrom = path.resolve(here, "../../../templates");
const templatesTo = path.resolve(here, "../templates");
if (!existsSync(path.join(templatesFrom, "java"))) throw new Error(`bundle-runner: ${path.join(templatesFrom, "java")} is missing`);
rmSync(templatesTo, { recursive: true, force: true });
cpSync(path.join(templatesFrom, "java"), path.join(templatesTo, "java"), { recursive: true });
console.error(`bundled the Java project templates into ${templatesTo}`);
