/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self and total time per function, with
 * file:line, so a missed target comes with its hot spots.
 *
 * Usage: node --import tsx bench/profile.ts <dir-or-file> [top]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly fn: string;
  readonly where: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  readonly sampledMs: number;
  readonly bySelf: HotSpot[];
  readonly byTotal: HotSpot[];
  /** Self time grouped by source area (SDK folder, tsx, typescript, node internals...). */
  readonly byArea: { area: string; selfMs: number }[];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function where(url: string, line: number): string {
  if (!url) return "(native)";
  const p = url.replace(/^file:\/\//, "");
  const rel = sdkFile(p) ?? (p.startsWith(REPO) ? path.relative(REPO, p) : p);
  // tsx emits each SDK file on one line, so a line number there says nothing: name the file only.
  return line === 0 && /\.[cm]?ts$/.test(rel) ? rel : `${rel}:${line + 1}`;
}

/** An SDK file as `streamt-sdk/dist/...`, wherever the package is (the checkout, or the bench's installed copy). */
function sdkFile(p: string): string | null {
  const m = /(?:packages|node_modules)\/streamt-sdk\/((?:src|dist|bin)\/.+)$/.exec(p);
  return m ? `streamt-sdk/${m[1]}` : null;
}

function area(url: string): string {
  const p = url.replace(/^file:\/\//, "");
  if (!p) return "(native / GC / idle)";
  if (p.startsWith("node:")) return "node internals";
  const sdk = sdkFile(p);
  if (sdk) return sdk;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p);
  if (nm) return nm[1]!;
  if (p.includes("/bench/generated/")) return "generated pipeline modules";
  return path.relative(REPO, p) || p;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));

  const key = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"}\u0000${where(n.callFrame.url, n.callFrame.lineNumber)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let sampled = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === "(idle)" || n.callFrame.functionName === "(program)") continue;
    sampled += us;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    const a = n.callFrame.functionName === "(garbage collector)" ? "(garbage collector)" : area(n.callFrame.url);
    areas.set(a, (areas.get(a) ?? 0) + us);
    // Total time: every distinct function on the stack of this sample (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const spot = ([k, us]: [string, number]): HotSpot => {
    const [fn, w] = k.split("\u0000") as [string, string];
    return { fn, where: w, selfMs: (self.get(k) ?? 0) / 1000, totalMs: (total.get(k) ?? 0) / 1000 };
  };
  const skipTotal = (h: HotSpot) => !["(root)", "(anonymous)"].includes(h.fn) || h.where !== "(native)";
  return {
    file,
    durationMs: (prof.endTime - prof.startTime) / 1000,
    sampledMs: sampled / 1000,
    bySelf: [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(spot),
    byTotal: [...total].sort((a, b) => b[1] - a[1]).map(spot).filter(skipTotal).slice(0, top),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).map(([a, us]) => ({ area: a, selfMs: us / 1000 })),
  };
}

export function profileFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).filter((f) => f.endsWith(".cpuprofile")).sort().map((f) => path.join(target, f));
}

function ms(n: number): string {
  return n.toFixed(0);
}

/** Markdown tables of one profile's hot spots. */
export function profileMarkdown(s: ProfileSummary, top = 15): string {
  const lines = [
    `Profile \`${path.basename(s.file)}\`: ${ms(s.durationMs)} ms profiled, ${ms(s.sampledMs)} ms on CPU.`,
    "",
    "| area | self ms | share |",
    "|---|---:|---:|",
    ...s.byArea.slice(0, 12).map((a) => `| ${a.area} | ${ms(a.selfMs)} | ${((100 * a.selfMs) / s.sampledMs).toFixed(1)}% |`),
    "",
    "| top self time: function | where | self ms | total ms |",
    "|---|---|---:|---:|",
    ...s.bySelf.slice(0, top).map((h) => `| \`${h.fn}\` | ${h.where} | ${ms(h.selfMs)} | ${ms(h.totalMs)} |`),
    "",
    "| top total time: function | where | self ms | total ms |",
    "|---|---|---:|---:|",
    ...s.byTotal.slice(0, top).map((h) => `| \`${h.fn}\` | ${h.where} | ${ms(h.selfMs)} | ${ms(h.totalMs)} |`),
  ];
  return lines.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target, top] = process.argv.slice(2);
  if (!target) {
    console.error("usage: node --import tsx bench/profile.ts <dir-or-file.cpuprofile> [top]");
    process.exit(2);
  }
  for (const f of profileFiles(target)) console.log(profileMarkdown(summariseProfile(f, Number(top ?? 25)), Number(top ?? 25)) + "\n");
}
