/** A duration as Flink configuration reads it (TimeUtils): '1 d', '2 h', '5 min', '30 s', '250 ms'. */
export function configDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}
