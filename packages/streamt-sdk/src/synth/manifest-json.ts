import type { z } from "zod";
import { artifactSchema, diagnosticSchema, manifestSchema } from "./manifest.js";

/**
 * An element of one of the manifest's lists: `entry` makes it. Its text is kept with `owner` (a value that
 * never changes once made, e.g. a pipeline's plan), and stays its text while `variant` (what else the
 * entry is made from, as text) is the same.
 */
export interface ListElement {
  readonly owner: object;
  readonly variant: string;
  readonly entry: () => unknown;
}

export interface ManifestParts {
  readonly version: number;
  readonly sdkVersion: string;
  readonly flinkVersion: string;
  readonly pipelines: readonly ListElement[];
  readonly artifacts: readonly ListElement[];
  /** Checked and written on every call: there are few, and each run makes them anew. */
  readonly diagnostics: readonly unknown[];
}

/** An element's text, and the JSON of what it was made from. */
interface Kept {
  readonly variant: string;
  readonly data: string;
  readonly text: string;
}

/**
 * One list of the manifest: its elements' schema, each element's text by its owner, and the last call's
 * texts by the JSON of what they were made from (a module imported again makes new owners of elements
 * that are mostly the same as before: their text is taken from there, without checking them again).
 */
interface List {
  readonly schema: z.ZodType;
  readonly byOwner: WeakMap<object, Kept>;
  byData: Map<string, Kept>;
}

const list = (schema: z.ZodType): List => ({ schema, byOwner: new WeakMap(), byData: new Map() });
const lists = { pipelines: list(manifestSchema.shape.pipelines.element), artifacts: list(artifactSchema), diagnostics: list(diagnosticSchema) };

/** The manifest's fields besides its lists (made once: making a schema costs more than checking with it). */
const headSchema = manifestSchema.pick({ version: true, sdkVersion: true, flinkVersion: true });

/**
 * manifest.json's text, checked against manifestSchema on the way: the text of
 * `JSON.stringify(manifestSchema.parse(manifest), null, 2) + "\n"` (the schema's output has the keys in
 * its own order), throwing the schema's error when a part does not fit. Each list element is checked and
 * written once, then kept with its owner: synth --watch writes the manifest on every save, where only
 * the edited module's pipelines are new (at 1,000 pipelines, checking and writing the whole manifest
 * took ~40 ms a save).
 */
export function manifestJson(parts: ManifestParts): string {
  const head = headSchema.parse({
    version: parts.version,
    sdkVersion: parts.sdkVersion,
    flinkVersion: parts.flinkVersion,
  });
  const diagnostics = parts.diagnostics.map((d): ListElement => ({ owner: {}, variant: "", entry: () => d }));
  const body = [
    `  "version": ${JSON.stringify(head.version)}`,
    `  "sdkVersion": ${JSON.stringify(head.sdkVersion)}`,
    `  "flinkVersion": ${JSON.stringify(head.flinkVersion)}`,
    `  "pipelines": ${listJson(parts.pipelines, lists.pipelines)}`,
    `  "artifacts": ${listJson(parts.artifacts, lists.artifacts)}`,
    `  "diagnostics": ${listJson(diagnostics, lists.diagnostics)}`,
  ];
  return `{\n${body.join(",\n")}\n}\n`;
}

/** A list of the manifest's top level, as JSON.stringify(…, null, 2) writes it there. */
function listJson(elements: readonly ListElement[], list: List): string {
  const byData = new Map<string, Kept>();
  const texts = elements.map(({ owner, variant, entry }) => {
    let kept = list.byOwner.get(owner);
    if (kept?.variant !== variant) {
      const value = entry();
      const data = JSON.stringify(value);
      // Indented as an element at depth 2 (a JSON text holds no raw line break: each one starts a line).
      // Split and joined, not replaceAll'd: V8 makes that a rope of a piece per line, which every later
      // join of the manifest walks again (~15 ms a save at 1,000 pipelines); a joined string is flat.
      kept = list.byData.get(data) ?? byData.get(data) ?? { variant, data, text: `    ${JSON.stringify(list.schema.parse(value), null, 2).split("\n").join("\n    ")}` };
      if (kept.variant !== variant) kept = { ...kept, variant };
      list.byOwner.set(owner, kept);
    }
    byData.set(kept.data, kept);
    return kept.text;
  });
  list.byData = byData;
  return elements.length === 0 ? "[]" : `[\n${texts.join(",\n")}\n  ]`;
}
