#!/usr/bin/env node
// The CLI runs from the compiled dist/ (built by `npm run build`, which `npm install` runs); tsx is
// registered afterwards, only to load the user's TypeScript pipeline modules. Without an up-to-date
// dist/ (a checkout with edited sources) it runs the SDK's own sources through tsx instead, so it
// never runs stale code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const compiled = new URL("../dist/cli/main.js", import.meta.url);

const sources = fileURLToPath(new URL("../src/", import.meta.url));

function distIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  return readdirSync(sources, { recursive: true }).every((f) => statSync(sources + f).mtimeMs <= built);
}

let main;
if (distIsCurrent()) {
  ({ main } = await import(compiled.href));
  register();
} else {
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
