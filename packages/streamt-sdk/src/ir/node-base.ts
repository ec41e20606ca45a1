import type { DataType } from "./data-type.js";
import type { TimeAttribute } from "./expr-node.js";

/** A column of a node's output schema. `time` marks Flink time attributes (rowtime / proctime). */
export interface Column {
  readonly name: string;
  readonly type: DataType;
  readonly time?: TimeAttribute;
}

/**
 * How a node's output changes: append-only (every row is final) or updating (rows are revised;
 * `key` is a unique key of the result when one is known, which an upsert sink needs).
 */
export type Changelog =
  | { readonly mode: "append" }
  | { readonly mode: "updating"; readonly key: readonly string[] | null };

/** The event-time facts of a node's output: which column is the rowtime and the watermark behind it. */
export interface TimeInfo {
  readonly rowtime: string | null;
  readonly proctime: string | null;
  /** The watermark of the source(s) the rowtime comes from. */
  readonly watermark: WatermarkInfo | null;
}

export interface WatermarkInfo {
  /** Paths of the sources whose watermarks feed this node. */
  readonly sources: readonly string[];
  /** Largest out-of-orderness delay among them, in ms (0 for monotonous). */
  readonly maxDelayMs: number;
}

/** What bounds the state an operator keeps. `unbounded` is the one analysis refuses without a TTL. */
export type StateBound =
  | { readonly kind: "none" }
  | { readonly kind: "window"; readonly ms: number }
  | { readonly kind: "interval"; readonly ms: number }
  | { readonly kind: "ttl"; readonly ms: number }
  | { readonly kind: "unbounded" };

/** Where in the user's code a node was made (file relative to the project root, 1-based line). */
export interface SourceSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface NodeBase {
  /** Stable path built from names the user gave (source name, step names, sink names). */
  readonly path: string;
  readonly schema: readonly Column[];
  readonly changelog: Changelog;
  readonly time: TimeInfo;
  readonly state: StateBound;
  readonly site: SourceSite | null;
}

export const APPEND: Changelog = { mode: "append" };
export const NO_STATE: StateBound = { kind: "none" };

export function timeFromSchema(schema: readonly Column[], watermark: WatermarkInfo | null): TimeInfo {
  const rowtime = schema.find((c) => c.time === "rowtime")?.name ?? null;
  const proctime = schema.find((c) => c.time === "proctime")?.name ?? null;
  return { rowtime, proctime, watermark: rowtime ? watermark : null };
}

export function mergeWatermarks(a: WatermarkInfo | null, b: WatermarkInfo | null): WatermarkInfo | null {
  if (!a) return b;
  if (!b) return a;
  return { sources: [...new Set([...a.sources, ...b.sources])].sort(), maxDelayMs: Math.max(a.maxDelayMs, b.maxDelayMs) };
}
