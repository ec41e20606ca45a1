/**
 * What the manifest records of a pipeline's description and owner and its sinks': only what was given, and
 * the described sinks in one order (by path), whatever order the pipeline writes them in. And how a
 * pipeline's artifacts are found in a manifest: by type and pipeline, never by a file's name.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { aboutOf, MANIFEST_VERSION, parseManifest, sqlScriptOf } from "../../packages/streamt-sdk/src/synth/manifest.js";

const Order = t.row({ order_id: t.string(), status: t.string() });
const orders = source("orders", { topic: "orders.v1", schema: Order });

describe("aboutOf", () => {
  it("a pipeline that describes nothing records nothing", () => {
    expect(aboutOf(pipeline("plain").write(orders.toKafka("copy.v1")).definition)).toEqual({});
  });

  it("described sinks sorted by path, each with only the fields given; undescribed sinks left out", () => {
    const p = pipeline("fan-out", { description: "orders by status", owner: "team-data" }).write(
      orders.filter((o) => o.status.eq("paid")).toKafka("c.paid.v1", { owner: "team-pay" }),
      orders.toKafka("b.all.v1"),
      orders.toKafka("a.all.v1", { description: "every order", owner: "team-data" }),
      orders.toPrint({ description: "for a look" }),
    );
    expect(aboutOf(p.definition)).toEqual({
      description: "orders by status",
      owner: "team-data",
      describedSinks: [
        { sink: "orders/a.all.v1", topic: "a.all.v1", description: "every order", owner: "team-data" },
        { sink: "orders/filter/c.paid.v1", topic: "c.paid.v1", owner: "team-pay" },
        { sink: "orders/print", topic: null, description: "for a look" },
      ],
    });
  });
});

describe("sqlScriptOf", () => {
  const sha = "0".repeat(64);
  const artifact = (id: string, type: string, pipeline: string, extra: object) => ({ id, type, pipeline, flinkVersion: "2.2", files: [{ path: `${id}.out`, sha256: sha }], dependsOn: [], ...extra });
  const aScript = artifact("a.sql", "sql-script", "a", { statements: [] });
  const aProject = artifact("a", "java-project", "a", { mainClass: "io.streamt.generated.AJob", sqlSteps: [] });
  const aJar = { ...artifact("jar:a", "jar", "a", { mainClass: "io.streamt.generated.AJob" }), dependsOn: ["a"] };
  const bScript = artifact("b.sql", "sql-script", "b", { statements: [] });
  const manifest = parseManifest(
    JSON.stringify({ version: MANIFEST_VERSION, sdkVersion: "0.1.0", flinkVersion: "2.2", pipelines: [], artifacts: [aScript, aProject, aJar, bScript], diagnostics: [] }),
    "manifest.json",
  );

  it("a pipeline's SQL script is its artifact of type sql-script, not another pipeline's nor its Java project or JAR", () => {
    expect(sqlScriptOf(manifest, "a")).toEqual(aScript);
    expect(sqlScriptOf(manifest, "b")).toEqual(bScript);
    expect(sqlScriptOf(manifest, "c")).toBeNull();
  });
});
