/**
 * What differs between the Flink versions streamt-sdk targets. The emitter asks the dialect; a new
 * version overrides only what changed (like a SQL builder's per-database compiler).
 */
export interface FlinkDialect {
  /** The version line, e.g. "2.2". */
  readonly version: string;
  /** Flink >= 1.19 takes per-operator state TTL as the STATE_TTL hint on joins and group aggregates. */
  readonly stateTtlHint: boolean;
  /** Per-source idle timeout option (1.18+). */
  readonly perSourceIdleTimeout: boolean;
}

const FLINK_2: FlinkDialect = { version: "2.2", stateTtlHint: true, perSourceIdleTimeout: true };
const FLINK_1_20: FlinkDialect = { ...FLINK_2, version: "1.20" };

export const DIALECTS: Readonly<Record<string, FlinkDialect>> = { "2.2": FLINK_2, "1.20": FLINK_1_20 };
export const DEFAULT_FLINK_VERSION = "2.2";

export function dialectFor(version: string | null | undefined): FlinkDialect {
  const d = DIALECTS[version ?? DEFAULT_FLINK_VERSION];
  if (!d) throw new Error(`unknown Flink version ${version}`);
  return d;
}
