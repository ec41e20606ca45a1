/**
 * Window table-valued functions Flink offers in streaming (TUMBLE, HOP, SESSION, CUMULATE).
 * `allowedLatenessMs` records a request to accept late rows; Flink SQL cannot honour it on window
 * TVFs, so analysis refuses it (STREAMT-E014) with what Flink can do instead.
 */
export type WindowSpec = (
  | { readonly kind: "tumble"; readonly timeColumn: string; readonly sizeMs: number }
  | { readonly kind: "hop"; readonly timeColumn: string; readonly sizeMs: number; readonly slideMs: number }
  | { readonly kind: "session"; readonly timeColumn: string; readonly gapMs: number; readonly partitionBy: readonly string[] }
  | { readonly kind: "cumulate"; readonly timeColumn: string; readonly stepMs: number; readonly maxSizeMs: number }
) & { readonly allowedLatenessMs?: number };

/** The longest a window keeps state open (session: the gap, as a lower bound). */
export function windowExtentMs(w: WindowSpec): number {
  switch (w.kind) {
    case "tumble":
      return w.sizeMs;
    case "hop":
      return w.sizeMs;
    case "session":
      return w.gapMs;
    case "cumulate":
      return w.maxSizeMs;
  }
}
