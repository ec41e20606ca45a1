/**
 * Writes test/file-durations.json (what test/longest-first.ts orders test files by) from a vitest JSON report:
 *   npx vitest run --reporter=json --outputFile=report.json
 *   node --import tsx test/file-durations.ts report.json
 * Files missing from the report keep their old duration.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [report] = process.argv.slice(2);
if (!report) {
  process.stderr.write("usage: node --import tsx test/file-durations.ts <vitest JSON report>\n");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const target = path.join(import.meta.dirname, "file-durations.json");
const parsed = JSON.parse(readFileSync(report, "utf8")) as { testResults?: { name: string; startTime: number; endTime: number }[] };
if (!Array.isArray(parsed.testResults)) {
  process.stderr.write(`${report} is not a vitest JSON report (no testResults)\n`);
  process.exit(1);
}
let files: Record<string, number> = {};
try {
  files = (JSON.parse(readFileSync(target, "utf8")) as { files: Record<string, number> }).files;
} catch {
  // A first run: every duration comes from the report.
}
for (const r of parsed.testResults) files[path.relative(root, r.name).split(path.sep).join("/")] = Math.round((r.endTime - r.startTime) / 100) / 10;
const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(target, JSON.stringify({ about: "seconds per test file in a full run; written by test/file-durations.ts, read by test/longest-first.ts", files: sorted }, null, 2) + "\n");
console.log(`${Object.keys(sorted).length} files in ${path.relative(process.cwd(), target)}`);
