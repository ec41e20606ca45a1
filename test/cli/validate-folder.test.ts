/**
 * `validate` checks an output folder is what synth wrote before it starts any JVM: each script the
 * manifest lists is inside the folder and has the sha256 synth recorded (STREAMT-O005).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";
import { liveChildren } from "../../packages/streamt-sdk/src/runtime/process-registry.js";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "streamt-validate-folder-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = path.join(tmp, "out");

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let o = "";
  let e = "";
  const io: Io = { out: (s) => (o += s), err: (s) => (e += s), cwd: root };
  const code = await main(argv, io);
  return { code, out: o, err: e };
}

// Each test leaves a folder synth would no longer replace (an edited manifest): start from none.
afterEach(() => rmSync(out, { recursive: true, force: true }));
beforeEach(async () => {
  expect((await cli("synth", "examples/customer-totals.ts", "--out", out, "--no-typecheck")).code).toBe(0);
});

const manifestFile = path.join(out, "manifest.json");
const editManifest = (edit: (m: { artifacts: { type: string; files: { path: string; sha256: string }[] }[] }) => void) => {
  const m = JSON.parse(readFileSync(manifestFile, "utf8"));
  edit(m);
  writeFileSync(manifestFile, JSON.stringify(m, null, 2));
};

describe("validate refuses an output folder that is not what synth wrote", () => {
  it("a manifest of version 1 (an older streamt-sdk): run synth again", async () => {
    writeFileSync(manifestFile, JSON.stringify({ version: 1, sdkVersion: "0.1.0", flinkVersion: "2.2", pipelines: [], artifacts: [], diagnostics: [] }));
    const r = await cli("validate", out);
    expect(r).toEqual({
      code: 2,
      out: "",
      err: `streamt-sdk: ${path.join(out, "manifest.json")} was written by an older streamt-sdk (manifest version 1; this one reads version 2); run \`streamt-sdk synth\` again\n`,
    });
  }, 60_000);

  it("an edited script", async () => {
    const before = readFileSync(path.join(out, "customer-totals.sql"));
    appendFileSync(path.join(out, "customer-totals.sql"), "DROP TABLE x;\n");
    const r = await cli("validate", out);
    const { createHash } = await import("node:crypto");
    const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex").slice(0, 12);
    expect(r).toEqual({
      code: 1,
      out: "",
      err:
        `error STREAMT-O005: ${path.join(out, "manifest.json")}: customer-totals.sql was changed after synth wrote it (its sha256 is ${sha(readFileSync(path.join(out, "customer-totals.sql")))}..., the manifest recorded ${sha(before)}...)\n` +
        "  fix: run `streamt-sdk synth` again to rewrite the output folder\n",
    });
    expect(liveChildren()).toEqual([]);
  }, 60_000);

  it.each([["../../evil.sql"], ["/etc/passwd"]])("a manifest path that leaves the folder: %s", async (listed) => {
    editManifest((m) => {
      m.artifacts.find((a) => a.type === "sql-script")!.files[0]!.path = listed;
    });
    const r = await cli("validate", out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error STREAMT-O005: ${path.join(out, "manifest.json")}: the script path ${JSON.stringify(listed)} leaves the output folder\n  fix: run \`streamt-sdk synth\` again to rewrite the output folder\n`,
    );
  }, 60_000);

  it("a script replaced by a link to a file outside the folder", async () => {
    const outside = path.join(tmp, "outside.sql");
    writeFileSync(outside, "SELECT 1;\n");
    unlinkSync(path.join(out, "customer-totals.sql"));
    symlinkSync(outside, path.join(out, "customer-totals.sql"));
    const r = await cli("validate", out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error STREAMT-O005: ${path.join(out, "manifest.json")}: customer-totals.sql is a link to ${outside}, outside the output folder\n  fix: run \`streamt-sdk synth\` again to rewrite the output folder\n`,
    );
  }, 60_000);
});

describe("validate with a STREAMT_JVM_OPTIONS that is not JVM flags", () => {
  it("is STREAMT-R023 naming the word and how to fix it, exit 1, and no JVM started", async () => {
    const before = process.env.STREAMT_JVM_OPTIONS;
    process.env.STREAMT_JVM_OPTIONS = "-Xmx1g 4g";
    try {
      const r = await cli("validate", out);
      expect(r).toEqual({
        code: 1,
        out: "",
        err:
          'error STREAMT-R023: STREAMT_JVM_OPTIONS holds "4g", which is not a JVM flag\n' +
          "  fix: give only JVM flags, each starting with '-', separated by spaces, e.g. STREAMT_JVM_OPTIONS='-Xmx4g -XX:TieredStopAtLevel=1'; or unset it\n",
      });
      expect(liveChildren()).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.STREAMT_JVM_OPTIONS;
      else process.env.STREAMT_JVM_OPTIONS = before;
    }
  }, 120_000);
});
