import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectName } from "../../packages/streamt-sdk/src/cli/deploy-command.js";
import { fakeEndpoint } from "../fake-endpoint.js";
import { mainIn } from "./in-process.js";

const SDK = path.resolve(import.meta.dirname, "../../packages/streamt-sdk/src/index.js");

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder named `name` holding a package.json of `pkg` (none when undefined). */
function folder(name: string, pkg: string | undefined): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "streamt-project-name-")), name);
  dirs.push(path.dirname(dir));
  mkdirSync(dir);
  if (pkg !== undefined) writeFileSync(path.join(dir, "package.json"), pkg);
  return dir;
}

describe("projectName: the project a deployed job's record names", () => {
  it("package.json's name", () => {
    expect(projectName(folder("shop", JSON.stringify({ name: "@acme/shop-pipelines" })))).toBe("@acme/shop-pipelines");
  });

  it("the folder's name when package.json has no usable name: none, an empty one, one that is no string, or a damaged file", () => {
    expect(projectName(folder("shop", undefined))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ name: "" })))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ name: 7 })))).toBe("shop");
    expect(projectName(folder("shop", JSON.stringify({ version: "1.0.0" })))).toBe("shop");
    expect(projectName(folder("shop", "{ not json"))).toBe("shop");
  });
});

describe("destroy --env through the CLI", () => {
  // Flink's REST API is a stand-in that answers no job runs (destroy on a real cluster: test/e2e/deploy.test.ts);
  // without --delete-topics nothing is asked of Kafka, so the bootstrap servers need not exist.
  it("says that no job of the project runs there, on stdout, and asks Flink only for its jobs", async () => {
    const rest = await fakeEndpoint((request) => (request === "GET /jobs/overview" ? { jobs: [] } : { status: 404, json: { errors: [`no ${request}`] } }));
    try {
      const dir = folder("shop", JSON.stringify({ name: "shop", type: "module" }));
      writeFileSync(
        path.join(dir, "streamt.config.ts"),
        `import { defineConfig } from ${JSON.stringify(SDK)};
export default defineConfig({ environments: { staging: { kafka: { bootstrapServers: "kafka.staging:9092" }, flink: { restUrl: "${rest.url}", savepointDir: "s3://acme/savepoints" } } } });
`,
      );
      writeFileSync(
        path.join(dir, "copy.ts"),
        `import { pipeline, source, t } from ${JSON.stringify(SDK)};
const orders = source("orders", { topic: "orders", schema: t.row({ id: t.string() }) });
export default pipeline("orders-copy").write(orders.toKafka("orders.copy"));
`,
      );
      const r = await mainIn(dir, ["destroy", "--env", "staging", "copy.ts", "--no-typecheck"]);
      expect(r).toEqual({ code: 0, out: "no job of this project runs on 'staging'\n", err: "" });
      expect(rest.requests).toEqual(["GET /jobs/overview"]);
    } finally {
      await rest.close();
    }
  });
});
