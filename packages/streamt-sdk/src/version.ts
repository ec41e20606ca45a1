import { readFileSync } from "node:fs";

/** The SDK's version, from its package.json (written into generated files and the manifest). */
export const SDK_VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
