import { describe, expect, it } from "vitest";
import { manifestSchema } from "../../packages/streamt-sdk/src/synth/manifest.js";
import { manifestJson } from "../../packages/streamt-sdk/src/synth/manifest-json.js";

/** What synth wrote before manifestJson: the whole manifest checked, then written. */
const reference = (m: unknown): string => JSON.stringify(manifestSchema.parse(m), null, 2) + "\n";

type Entry = Record<string, unknown>;
interface Manifest { version: 2; sdkVersion: string; flinkVersion: string; pipelines: Entry[]; artifacts: Entry[]; diagnostics: object[] }

/**
 * The manifest as manifestJson takes it: each element kept with an owner, here the entry itself (as
 * synth keeps a pipeline's with its plan); `variant` as synth gives it for what the owner does not say.
 */
const parts = (m: Manifest, variant: (e: Entry) => string = () => "") => ({
  ...m,
  pipelines: m.pipelines.map((e) => ({ owner: e, variant: variant(e), entry: () => e })),
  artifacts: m.artifacts.map((e) => ({ owner: e, variant: variant(e), entry: () => e })),
});

const HASH = "a".repeat(64);

/** The messages of the schema's error `f` throws (it must throw one). */
function issues(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    return (e as { issues: { message: string }[] }).issues.map((i) => i.message);
  }
  throw new Error("it did not throw");
}

/** A pipeline's manifest entry, with keys in the order synth builds them (not the schema's for artifacts). */
const pipeline = (name: string, extra: object = {}) => ({
  name,
  flinkVersion: "2.2",
  site: { file: "a.ts", line: 3, column: 7 },
  artifacts: [`sql:${name}`],
  sources: ["orders"],
  sinks: [`${name}.out`],
  dependsOn: [] as string[],
  upstream: [],
  env: [],
  ...extra,
});
const script = (name: string, line: number) => ({
  id: `sql:${name}`,
  type: "sql-script" as const,
  pipeline: name,
  flinkVersion: "2.2",
  files: [{ path: `${name}.sql`, sha256: HASH }],
  dependsOn: [],
  statements: [{ index: 1, line, kind: "insert" as const, path: "sink", site: null }],
});
const manifest = (pipelines: Entry[], artifacts: Entry[], diagnostics: object[] = []): Manifest => ({
  version: 2 as const,
  sdkVersion: "0.1.0",
  flinkVersion: "2.2",
  pipelines,
  artifacts,
  diagnostics,
});

describe("manifestJson (the manifest of every synth, incremental for synth --watch)", () => {
  it("writes the text of the checked manifest, keys in the schema's order, from call to call as elements change", () => {
    const first = manifest(
      [pipeline("a", { description: 'line one\nline "two" é' }), pipeline("b")],
      [script("a", 4), script("b", 4)],
      [{ code: "STREAMT-W006", severity: "warning", pipeline: null, path: "spare", site: null, message: "source 'spare' is declared but no pipeline reads it", hint: "stop exporting it" }],
    );
    const text = manifestJson(parts(first));
    expect(text).toBe(reference(first));
    // The schema's order: id, files, dependsOn, then the type's own keys (not the order given).
    expect(text).toContain(`    {\n      "id": "sql:a",\n      "files": [\n        {\n          "path": "a.sql",\n          "sha256": "${HASH}"\n        }\n      ],\n      "dependsOn": [],\n      "type": "sql-script",\n`);

    // One element changed, one gone, one new: each call's text is still the whole manifest's.
    const second = manifest([pipeline("a", { description: "edited" }), pipeline("c")], [script("a", 9), script("c", 4)]);
    expect(manifestJson(parts(second))).toBe(reference(second));
    expect(manifestJson(parts(second))).toContain('"diagnostics": []\n}\n');
    expect(manifestJson(parts(first))).toBe(text);
    // New owners of the same entries (a module imported again): the same text.
    expect(manifestJson(parts(structuredClone(second)))).toBe(reference(second));

    // An owner's text is kept while its variant is the same, and made again when it is not.
    const shared = pipeline("d");
    const once = manifest([shared], []);
    expect(manifestJson(parts(once, () => "v1"))).toBe(reference(once));
    shared.dependsOn = ["a"];
    expect(manifestJson(parts(once, () => "v1"))).toBe(reference({ ...once, pipelines: [{ ...shared, dependsOn: [] }] }));
    expect(manifestJson(parts(once, () => "v2"))).toBe(reference(once));
    expect(reference(once)).toContain('"dependsOn": [\n        "a"\n      ]');
    const empty = manifest([], []);
    expect(manifestJson(parts(empty))).toBe(reference(empty));
    expect(manifestJson(parts(empty))).toBe('{\n  "version": 2,\n  "sdkVersion": "0.1.0",\n  "flinkVersion": "2.2",\n  "pipelines": [],\n  "artifacts": [],\n  "diagnostics": []\n}\n');
  });

  it("refuses an element that does not fit, though the others were checked before", () => {
    const good = manifest([pipeline("a")], [script("a", 4)]);
    manifestJson(parts(good));
    const bad = manifest([pipeline("a"), pipeline("b", { unknown: 1 })], [script("a", 4)]);
    expect(issues(() => reference(bad))).toEqual(['Unrecognized key: "unknown"']);
    expect(issues(() => manifestJson(parts(bad)))).toEqual(['Unrecognized key: "unknown"']);
    const badHash = manifest([pipeline("a")], [{ ...script("a", 4), files: [{ path: "a.sql", sha256: "x" }] }]);
    expect(issues(() => manifestJson(parts(badHash)))).toEqual(["Invalid string: must match pattern /^[0-9a-f]{64}$/"]);
    expect(issues(() => manifestJson(parts({ ...good, sdkVersion: 1 as unknown as string })))).toEqual(["Invalid input: expected string, received number"]);
  });
});
