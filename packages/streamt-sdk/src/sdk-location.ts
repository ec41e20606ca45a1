import path from "node:path";
import { fileURLToPath } from "node:url";

/** The SDK package's folder (this file is in its src/ or, compiled, its dist/). */
const SDK_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Whether a file belongs to the SDK itself (its sources, its compiled dist/ or its bin/) or to a
 * dependency: such files are never the user's, for call sites, crash sites and type errors.
 */
export function isSdkOrDependencyFile(file: string): boolean {
  return file.startsWith(SDK_ROOT + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`);
}
