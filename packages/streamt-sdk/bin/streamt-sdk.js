#!/usr/bin/env node
// The CLI runs from the compiled dist/ (built by `npm run build`, which `npm install` runs). tsx is
// registered only when the user's TypeScript modules are about to be loaded. Without an up-to-date
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

let registered = false;
const registerOnce = () => {
  if (!registered) register();
  registered = true;
};

let cli;
if (distIsCurrent()) {
  cli = await import(compiled.href);
} else {
  registerOnce();
  cli = await import("../src/cli/main.ts");
}
process.exitCode = await cli.main(process.argv.slice(2), { ...cli.processIo, beforeLoad: registerOnce });
