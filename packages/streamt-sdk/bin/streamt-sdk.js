#!/usr/bin/env node
// The CLI runs from the compiled dist/ (built by `npm run build`, which `npm install` runs). tsx is
// registered only when the user's TypeScript modules are about to be loaded. Without an up-to-date
// dist/ (a checkout with edited sources) it runs the SDK's own sources through tsx instead, so it
// never runs stale code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
const sources = fileURLToPath(new URL("../src/", import.meta.url));

function distIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  // A walk of its own: readdirSync's `recursive` costs ~0.1 s here in Node 20, more than a whole replay.
  const newer = (folder) => readdirSync(folder, { withFileTypes: true }).some((e) => {
    const file = `${folder}${e.name}`;
    return e.isDirectory() ? newer(`${file}/`) : statSync(file).mtimeMs > built;
  });
  return !newer(sources);
}

const current = distIsCurrent();
// tsx's loader costs ~0.1 s to import, more than an unchanged synth's replay: imported after it.
let register = current ? null : (await import("tsx/esm/api")).register;
let registered = false;
const registerOnce = () => {
  if (!registered) register();
  registered = true;
};
if (!current) registerOnce();

const argv = process.argv.slice(2);
const code = (module) => new URL(current ? `../dist/${module}.js` : `../src/${module}.ts`, import.meta.url).href;
// An unchanged synth replays its last run (synth/last-run.ts) before the CLI itself loads.
const { replayLastRun } = await import(code("synth/last-run"));
const replayed = replayLastRun(argv, process.cwd(), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
if (replayed !== null) process.exitCode = replayed;
else {
  register ??= (await import("tsx/esm/api")).register;
  const cli = await import(code("cli/main"));
  process.exitCode = await cli.main(argv, { ...cli.processIo, beforeLoad: registerOnce });
}
