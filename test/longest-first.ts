/**
 * The order vitest runs test files in: within each project (and group), the longest files first, by their
 * durations in the last full run (test/file-durations.json; test/file-durations.ts writes it from vitest's JSON
 * report). On a fresh clone vitest has no results cache and runs the largest files first, which are not the
 * slowest, so a slow file could start last and leave the unit project's other worker idle (CI of 06596b5:
 * ~415 s of wall time for 602 s of test time). Longest first is the packing that keeps the two workers
 * busy to the end; CI's totals did not show a gain measurable against its set-up and import time. A file
 * the durations do not name (a new one) runs first, as vitest runs a file it has no result for.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const DURATIONS = path.join(import.meta.dirname, "file-durations.json");

/** Seconds per file, relative to the repository's root. */
function durations(): Map<string, number> {
  try {
    const parsed = JSON.parse(readFileSync(DURATIONS, "utf8")) as { files?: Record<string, unknown> };
    return new Map(Object.entries(parsed.files ?? {}).filter((e): e is [string, number] => typeof e[1] === "number"));
  } catch {
    // No durations (or unreadable): vitest's own order, which is only slower.
    return new Map();
  }
}

/** What the order reads of a test file: vitest's TestSpecification, as far as it goes. */
export interface OrderedFile {
  readonly moduleId: string;
  readonly project: { readonly name: string; readonly config: { readonly sequence: { readonly groupOrder: number } } };
}

/** `files` (in vitest's order) by group, then project, then the longest first; files of equal (or no) duration keep vitest's order. */
export function longestFirst<F extends OrderedFile>(files: readonly F[], known: ReadonlyMap<string, number>, root: string): F[] {
  const seconds = (f: F): number => known.get(path.relative(root, f.moduleId).split(path.sep).join("/")) ?? Number.POSITIVE_INFINITY;
  const rank = new Map(files.map((f, i) => [f, i]));
  return [...files].sort((a, b) => {
    const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
    if (group !== 0) return group;
    if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
    const longer = seconds(b) - seconds(a);
    return Number.isNaN(longer) || longer === 0 ? rank.get(a)! - rank.get(b)! : longer;
  });
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return longestFirst(await super.sort(files), durations(), this.ctx.config.root);
  }
}
