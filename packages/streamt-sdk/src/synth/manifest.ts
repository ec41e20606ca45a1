import { z } from "zod";

export const MANIFEST_VERSION = 1;

const site = z.strictObject({ file: z.string(), line: z.number().int(), column: z.number().int() }).nullable();

export const diagnosticSchema = z.strictObject({
  code: z.string(),
  severity: z.enum(["error", "warning"]),
  pipeline: z.string().nullable(),
  path: z.string(),
  site,
  message: z.string(),
  hint: z.string(),
  acknowledged: z.strictObject({ reason: z.string() }).optional(),
});

/**
 * manifest.json: what synth wrote and why. Validated on write and on read, so a tool reading an output
 * folder from another SDK version fails clearly instead of misreading it.
 */
export const manifestSchema = z.strictObject({
  version: z.literal(MANIFEST_VERSION),
  sdkVersion: z.string(),
  flinkVersion: z.string(),
  pipelines: z.array(
    z.strictObject({
      name: z.string(),
      flinkVersion: z.string(),
      site,
      sql: z.string(),
      sources: z.array(z.string()),
      sinks: z.array(z.string()),
      dependsOn: z.array(z.string()),
      /** Environment variables the pipeline's secrets are read from when a job starts (names only). */
      env: z.array(z.string()),
    }),
  ),
  artifacts: z.array(z.strictObject({ path: z.string(), kind: z.enum(["plan", "sql", "topics"]), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  diagnostics: z.array(diagnosticSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const r = manifestSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${where} is not a streamt-sdk manifest (version ${MANIFEST_VERSION}): ${i.path.join(".") || "root"}: ${i.message}`);
  }
  return r.data;
}
