import { close, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { StreamtError } from "../errors.js";
import { fileStamp } from "./cache-file.js";

/** Codes of errors about the output folder (documented in docs/diagnostics.md). */
export const OutputCode = {
  /** A non-empty folder synth did not write: no streamt-sdk manifest, or files the manifest does not list. */
  notWrittenBySynth: "STREAMT-O001",
  /** A folder synth must never replace: the file system root, home, the current directory, a project root, a folder holding an entry. */
  protectedFolder: "STREAMT-O002",
  /** Something that is not a folder stands where the output folder (or one of its parents) should be. */
  notAFolder: "STREAMT-O003",
  /** The file system refused: permission, read-only, no space, a pseudo file system. */
  cannotWrite: "STREAMT-O004",
  /** An output folder that is no longer what synth wrote: an edited script, a path outside the folder. */
  notAsWritten: "STREAMT-O005",
  /** `synth --openlineage`: the events could not be written to the file or posted to the URL. */
  openLineageNotDelivered: "STREAMT-O006",
} as const;

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** What must never be replaced, whatever --out says. */
export interface OutputGuard {
  /** The directory the command runs in. */
  readonly cwd: string;
  /** Absolute paths of the entry modules. */
  readonly entries: readonly string[];
  /** The command that writes the folder and its default folder, as messages name them (default synth's; `docs` writes its site the same way). */
  readonly writer?: OutputWriter;
}

export interface OutputWriter {
  readonly command: string;
  readonly defaultOut: string;
  /** The `kind` its manifest.json carries (synth's has none): a folder another command wrote is not its to replace. */
  readonly kind?: string;
  /** What the messages call a folder of this writer (e.g. "a docs site"). */
  readonly folderName: string;
}

const SYNTH: OutputWriter = { command: "synth", defaultOut: "streamt.out", folderName: "synth's output folder" };

/**
 * What proves that synth wrote a folder: a manifest of any version, with the list of what it wrote.
 * Loose on purpose (not the current version's strict schema): an output folder of an older SDK is
 * still ours to replace, and the list of its artifacts says which files are.
 */
const ownershipSchema = z.object({
  version: z.number().int().positive(),
  sdkVersion: z.string(),
  // Version 1 listed files as artifacts; version 2 lists typed artifacts, each with its files.
  artifacts: z.array(z.union([z.object({ path: z.string().min(1) }), z.object({ files: z.array(z.object({ path: z.string().min(1) })) })])),
  kind: z.string().optional(),
});

/**
 * Writes the output folder all at once: into a sibling temporary folder, then swapped with the old one,
 * so a failed or interrupted synth never leaves a half-written folder. Only a folder synth wrote is ever
 * replaced (see assertReplaceable). A file whose bytes equal the previous folder's copy is hard-linked
 * instead of written: creating and deleting files is the slowest part of a re-synth.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[], guard: OutputGuard = { cwd: process.cwd(), entries: [] }): void {
  const { staging, target } = stageOutput(outDir, files, guard);
  swap(staging, target, outDir);
}

/** The checks writeOutput makes before it writes, alone: a command that works long before it writes (docs) fails first. */
export function assertReplaceableOutput(outDir: string, guard: OutputGuard): void {
  const target = path.resolve(guard.cwd, outDir);
  assertNotProtected(target, outDir, guard);
  assertReplaceable(target, outDir, guard.writer ?? SYNTH);
}

/**
 * writeOutput, with `finish` run on the written temporary folder before it replaces the output folder (synth
 * --target jar builds the JARs there): if `finish` fails, the temporary folder goes and the previous output
 * folder stays as it was.
 */
export async function writeOutputAfter(outDir: string, files: readonly OutputFile[], guard: OutputGuard, finish: (staging: string) => Promise<void>): Promise<void> {
  const { staging, target, createdParents } = stageOutput(outDir, files, guard);
  try {
    await finish(staging);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    for (const folder of createdParents.reverse()) rmSync(folder, { recursive: true, force: true });
    throw e;
  }
  swap(staging, target, outDir);
}

/**
 * What an output folder holds as synth --watch last wrote it: each file's text, and its stamp on disk
 * (inode, size, modification time) right after the write, so a file edited by hand since is noticed.
 */
export interface WrittenOutput {
  /** The folder, absolute. */
  readonly target: string;
  readonly files: ReadonlyMap<string, { readonly content: string; readonly stamp: string }>;
}

/**
 * synth --watch's write: the files that changed since `last` (the previous write of this process), in
 * place, instead of the whole folder again (at 1,000 pipelines one save changes ~100 of 1,003 files).
 * The whole folder is written by writeOutput instead when there is no `last`, or the folder is no longer
 * as `last` left it (a name the process did not write there, or its manifest changed): writeOutput's
 * guards then decide as for any synth (STREAMT-O001 for a file synth did not write).
 *
 * The order keeps the folder one synth may replace at every moment, and never mistakable for a finished
 * write: the changed files are staged beside the folder (`<out>.tmp-<pid>`, the name writeOutput stages
 * in, which the next run removes if this process dies), the files that go are deleted, then manifest.json
 * is replaced, then each staged file is renamed in (each rename is atomic). Stopped half-way (a kill
 * -9: Ctrl-C waits for the update, which never yields), every name in the folder is one the old or the
 * new manifest lists, and a script not yet renamed has another sha256 than the manifest records, so
 * `validate` refuses the folder (STREAMT-O005) until the next synth rewrites it.
 */
export function updateOutput(outDir: string, files: readonly OutputFile[], guard: OutputGuard, last: WrittenOutput | null): WrittenOutput {
  const target = path.resolve(guard.cwd, outDir);
  if (last === null || last.target !== target || !stillAsWritten(target, last)) {
    writeOutput(outDir, files, guard);
    return writtenNow(target, files, new Map());
  }
  const paths = new Set(files.map((f) => f.path));
  const changed = files.filter((f) => {
    const before = last.files.get(f.path);
    return before === undefined || before.content !== f.content || fileStamp(path.join(target, f.path)) !== before.stamp;
  });
  const gone = [...last.files.keys()].filter((f) => !paths.has(f));
  if (changed.length === 0 && gone.length === 0) return last;
  const staging = `${target}.tmp-${process.pid}`;
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    for (const f of changed) {
      mkdirSync(path.dirname(path.join(staging, f.path)), { recursive: true });
      writeFileSync(path.join(staging, f.path), f.content);
    }
    for (const f of gone) {
      rmSync(path.join(target, f), { force: true });
      removeEmptyFolders(path.dirname(path.join(target, f)), target);
    }
    // The manifest first: from here on it lists every name the folder will hold.
    const inOrder = [...changed].sort((a, b) => Number(b.path === "manifest.json") - Number(a.path === "manifest.json"));
    for (const f of inOrder) {
      const to = path.join(target, f.path);
      mkdirSync(path.dirname(to), { recursive: true });
      const replaced = f.content.length >= LARGE_FILE ? openReplaced(to) : null;
      renameSync(path.join(staging, f.path), to);
      if (replaced !== null) close(replaced, () => {});
    }
    rmSync(staging, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw cannotWrite(outDir, e);
  }
  const rewritten = new Set(changed.map((f) => f.path));
  const kept = new Map([...last.files].filter(([f]) => paths.has(f) && !rewritten.has(f)));
  return writtenNow(target, changed, kept);
}

/**
 * A rename over a file frees the file it replaces on the spot, which takes long for a large one (~7 ms for
 * plan.json at 1,000 pipelines, on ext4). Opened before the rename, the replaced file is freed when that
 * descriptor closes, which updateOutput leaves to the background. (Not on Windows, where an open file may
 * refuse to be replaced.)
 */
const LARGE_FILE = 1 << 20;
function openReplaced(file: string): number | null {
  if (process.platform === "win32") return null;
  try {
    return openSync(file, "r");
  } catch {
    return null;
  }
}

/** The record of a write: `files` as just written (stamped now), beside `kept` (unchanged); the folder is remembered as synth's. */
function writtenNow(target: string, files: readonly OutputFile[], kept: Map<string, { content: string; stamp: string }>): WrittenOutput {
  for (const f of files) kept.set(f.path, { content: f.content, stamp: fileStamp(path.join(target, f.path)) });
  rememberOurs(target);
  return { target, files: kept };
}

/** The folder still holds only names this process wrote there, and the manifest it wrote. */
function stillAsWritten(target: string, last: WrittenOutput): boolean {
  const manifest = last.files.get("manifest.json");
  if (manifest === undefined || fileStamp(path.join(target, "manifest.json")) !== manifest.stamp) return false;
  const ours = new Set([...last.files.keys()].map((f) => f.split("/")[0]!));
  try {
    return readdirSync(target).every((n) => ours.has(n));
  } catch {
    return false;
  }
}

/** Removes `folder` and its parents while they are empty, up to (not including) `top`. */
function removeEmptyFolders(folder: string, top: string): void {
  for (let dir = folder; dir !== top && dir.startsWith(top); dir = path.dirname(dir)) {
    try {
      if (readdirSync(dir).length > 0) return;
      rmSync(dir, { recursive: true });
    } catch {
      return;
    }
  }
}

/** Writes every file into `<out>.tmp-<pid>`, beside the output folder, after checking that folder may be replaced. */
function stageOutput(outDir: string, files: readonly OutputFile[], guard: OutputGuard): { staging: string; target: string; createdParents: string[] } {
  const target = path.resolve(guard.cwd, outDir);
  assertNotProtected(target, outDir, guard);
  recoverInterruptedSwap(target);
  const previous = assertReplaceable(target, outDir, guard.writer ?? SYNTH);
  const createdParents = ensureParent(target, outDir);

  const staging = `${target}.tmp-${process.pid}`;
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const folders = new Set([staging]);
    for (const f of files) {
      const p = path.join(staging, f.path);
      const folder = path.dirname(p);
      if (!folders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      const before = previous ? path.join(target, f.path) : null;
      if (before !== null && sameBytes(before, f.content)) linkOrCopy(before, p);
      else writeFileSync(p, f.content);
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    for (const folder of createdParents.reverse()) rmSync(folder, { recursive: true, force: true });
    throw cannotWrite(outDir, e);
  }
  return { staging, target, createdParents };
}

/**
 * Replaces target by staging. POSIX has no atomic exchange of two folders (Linux's renameat2 is not
 * reachable from Node), so the old folder is renamed aside first; a kill in the microseconds between the
 * two renames leaves `<out>.old-<pid>`, which recoverInterruptedSwap puts back before anything reads.
 */
function swap(staging: string, target: string, shown: string): void {
  const old = `${target}.old-${process.pid}`;
  const hadTarget = existsSync(target);
  try {
    if (hadTarget) renameSync(target, old);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw cannotWrite(shown, e);
  }
  try {
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (hadTarget) putBack(old, target, shown, e);
    throw cannotWrite(shown, e);
  }
  try {
    rmSync(old, { recursive: true, force: true });
  } catch {
    // The new output is in place; what is left of the old one is only disk space, and recoverInterruptedSwap
    // removes it on a later run.
  }
}

/**
 * Moves the previous output back after the new one could not take its place. When even that fails, the
 * error says where the previous output is: nothing is lost, and the next synth restores it
 * (recoverInterruptedSwap) once this process has ended.
 */
function putBack(old: string, target: string, shown: string, cause: unknown): void {
  try {
    renameSync(old, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unknown";
    throw cannotWrite(shown, cause, {
      outcome: `the previous output could not be moved back either (${code}): it is kept whole at ${old}`,
      hint: `the next synth here puts it back, or move it back yourself: mv ${JSON.stringify(old)} ${JSON.stringify(target)}`,
    });
  }
}

/**
 * Cleans what killed runs left beside the output folder: `<out>.tmp-<pid>` (an unfinished write: dropped)
 * and `<out>.old-<pid>` (the previous output, moved aside just before the swap: restored if the output
 * folder is missing, else dropped). Folders of a process that is still running are left alone.
 */
export function recoverInterruptedSwap(target: string): void {
  const parent = path.dirname(target);
  const base = path.basename(target);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const pattern = new RegExp(`^${escapeRegExp(base)}\\.(tmp|old)-(\\d+)$`);
  for (const name of names.sort()) {
    const m = pattern.exec(name);
    if (!m || isRunning(Number(m[2]))) continue;
    const leftover = path.join(parent, name);
    try {
      // Only synth makes these names, from folders it owned; a kill during the removal of an old one can
      // leave it half-deleted (its manifest gone), so it is not restored then, only removed.
      if (m[1] === "old" && !existsSync(target) && isOurs(leftover)) renameSync(leftover, target);
      else rmSync(leftover, { recursive: true, force: true });
    } catch {
      // A leftover we cannot remove harms nothing: it is only disk space, and the next run tries again.
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Folders that are never an output folder, whatever their content. */
function assertNotProtected(target: string, shown: string, guard: OutputGuard): void {
  const refuse = (why: string): never => {
    throw new StreamtError({
      code: OutputCode.protectedFolder,
      message: `refusing to use ${shown} as the output folder: ${why}, and ${(guard.writer ?? SYNTH).command} replaces its output folder as a whole`,
      hint: `write to a folder of its own, e.g. --out ${(guard.writer ?? SYNTH).defaultOut} (the default)`,
    });
  };
  const inside = (child: string, parent: string): boolean => {
    const rel = path.relative(parent, child);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  };
  if (target === path.parse(target).root) refuse("it is the root of the file system");
  if (target === homedir()) refuse("it is your home folder");
  const cwd = path.resolve(guard.cwd);
  if (inside(cwd, target)) refuse(target === cwd ? "it is the current directory" : "it holds the current directory");
  const entry = guard.entries.map((e) => path.resolve(guard.cwd, e)).find((e) => inside(e, target));
  if (entry !== undefined) refuse(`it holds the entry module ${path.relative(cwd, entry) || entry}`);
  for (const marker of ["package.json", ".git"]) {
    if (existsSync(path.join(target, marker))) refuse(`it is a project root (it holds ${marker})`);
  }
}

/**
 * A folder may be replaced only if it is missing, empty, or written by synth: it holds a streamt-sdk
 * manifest, and nothing but what that manifest lists. Returns whether there is a previous output.
 */
function assertReplaceable(target: string, shown: string, writer: OutputWriter): boolean {
  const stat = lstatOrNull(target, shown);
  if (stat === null) return false;
  if (stat.isSymbolicLink()) {
    const to = readlinkSync(target);
    throw new StreamtError({
      code: OutputCode.notAFolder,
      message: `${shown} is a symbolic link (to ${to}${existsSync(target) ? "" : ", which does not exist"}); ${writer.command} replaces its output folder as a whole and would replace the link`,
      hint: `pass the folder itself (--out ${to}), or remove the link`,
    });
  }
  if (!stat.isDirectory()) {
    throw new StreamtError({ code: OutputCode.notAFolder, message: `${shown} is a file, not a folder`, hint: `choose another --out folder (default ${writer.defaultOut}), or move that file away` });
  }
  let names: string[];
  try {
    names = readdirSync(target);
  } catch (e) {
    throw cannotWrite(shown, e);
  }
  if (names.length === 0) return false;
  const notOurs = (why: string): never => {
    throw new StreamtError({
      code: OutputCode.notWrittenBySynth,
      message: `refusing to replace ${shown}: ${why}, so ${writer.command} did not write it`,
      hint: `choose another --out folder (default ${writer.defaultOut}), or empty that one`,
    });
  };
  if (!names.includes("manifest.json")) notOurs("it is not empty and holds no manifest.json");
  const ownership = readOwnership(path.join(target, "manifest.json"));
  if (ownership === null) return notOurs("its manifest.json is not a streamt-sdk manifest");
  if (ownership.kind !== writer.kind) {
    const other = ownership.kind === undefined ? SYNTH : WRITERS.find((w) => w.kind === ownership.kind);
    throw new StreamtError({
      code: OutputCode.notWrittenBySynth,
      message: `refusing to replace ${shown}: it is ${other ? `${other.folderName} (\`${other.command}\` wrote it)` : `a folder of kind '${ownership.kind}'`}, not ${writer.folderName}`,
      hint: `write to a folder of its own, e.g. --out ${writer.defaultOut} (the default)`,
    });
  }
  const written = ownership.names;
  const foreign = names.filter((n) => n !== "manifest.json" && !written.has(n)).sort();
  if (foreign.length > 0) {
    const shownNames = foreign.length <= 5 ? foreign.join(", ") : `${foreign.slice(0, 4).join(", ")} and ${foreign.length - 4} more`;
    throw new StreamtError({
      code: OutputCode.notWrittenBySynth,
      message: `refusing to replace ${shown}: it holds ${shownNames}, which its manifest does not list, so ${writer.command} did not write ${foreign.length === 1 ? "it" : "them"}`,
      hint: `move those files out of the output folder (${writer.command} replaces it as a whole), or choose another --out folder`,
    });
  }
  return true;
}

/** The writers of output folders besides synth, by the `kind` their manifests carry. */
export const DOCS_WRITER: OutputWriter = { command: "docs", defaultOut: "streamt.docs", kind: "docs-site", folderName: "a docs site" };
const WRITERS: readonly OutputWriter[] = [DOCS_WRITER];

/** The top-level names a streamt-sdk manifest says its command wrote, and its kind; null if the file is not one. */
function readOwnership(manifestFile: string): { names: Set<string>; kind: string | undefined } | null {
  try {
    const parsed = ownershipSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
    if (!parsed.success) return null;
    const paths = parsed.data.artifacts.flatMap((a) => ("path" in a ? [a.path] : a.files.map((f) => f.path)));
    return { names: new Set(paths.map((p) => p.split(/[\\/]/)[0]!)), kind: parsed.data.kind };
  } catch {
    return null;
  }
}

/**
 * Whether a folder is one synth wrote (its manifest lists everything in it). The type-check cache leaves
 * such folders out of the names it watches: an output folder holds no module an import could resolve to.
 */
export function isSynthOutput(folder: string): boolean {
  try {
    if (!existsSync(path.join(folder, "manifest.json"))) return false;
    // A warm process (synth --watch) asks this of its own output folder on every save: a manifest of
    // 1,000 pipelines takes ~50 ms to read. Unchanged folder names and manifest: the same answer.
    const stamp = folderStamp(folder);
    const known = oursByStamp.get(folder);
    if (known?.stamp === stamp) return known.ours;
    const ours = isOurs(folder);
    oursByStamp.set(folder, { stamp, ours });
    return ours;
  } catch {
    return false;
  }
}

/** isSynthOutput's answers, by folder, with the stamp they hold for. */
const oursByStamp = new Map<string, { readonly stamp: string; readonly ours: boolean }>();

/** The folder's own stamp (its modification time changes when a name is added, removed or renamed) and its manifest's. */
function folderStamp(folder: string): string {
  return `${fileStamp(folder)}/${fileStamp(path.join(folder, "manifest.json"))}`;
}

/** A folder this process just wrote whole: isSynthOutput need not read its manifest again. */
function rememberOurs(folder: string): void {
  oursByStamp.set(folder, { stamp: folderStamp(folder), ours: true });
}

function isOurs(folder: string): boolean {
  const written = readOwnership(path.join(folder, "manifest.json"));
  return written !== null && readdirSync(folder).every((n) => n === "manifest.json" || written.names.has(n));
}

function lstatOrNull(p: string, shown: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    // ENOTDIR: a parent is a file; ensureParent says which.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw cannotWrite(shown, e);
  }
}

/**
 * Creates the missing parents of the output folder one level at a time (a recursive mkdir never returns
 * on some pseudo file systems such as /proc), and returns those it created so a failure can remove them.
 */
function ensureParent(target: string, shown: string): string[] {
  const missing: string[] = [];
  let dir = path.dirname(target);
  for (;;) {
    const stat = lstatOrNull(dir, shown);
    if (stat !== null) {
      let real: Stats;
      try {
        real = stat.isSymbolicLink() ? statSync(dir) : stat;
      } catch {
        throw new StreamtError({ code: OutputCode.notAFolder, message: `cannot create ${shown}: ${dir} is a symbolic link to ${readlinkSync(dir)}, which does not exist`, hint: "fix or remove the link, or choose another --out folder" });
      }
      if (!real.isDirectory()) {
        throw new StreamtError({ code: OutputCode.notAFolder, message: `cannot create ${shown}: ${dir} is a file, not a folder`, hint: "choose another --out folder, or move that file away" });
      }
      break;
    }
    missing.unshift(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const created: string[] = [];
  for (const folder of missing) {
    try {
      mkdirSync(folder);
      created.push(folder);
    } catch (e) {
      for (const c of created.reverse()) rmSync(c, { recursive: true, force: true });
      throw cannotWrite(shown, e);
    }
  }
  return created;
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied (the folder or its parent belongs to another user, or is not writable)",
  EPERM: "operation not permitted (a pseudo file system such as /proc or /sys, or a folder of another user)",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  ENOENT: "the parent folder does not accept new folders (a pseudo file system such as /proc?)",
  ENOTDIR: "a file stands where a folder should be",
  ENAMETOOLONG: "the path is too long",
  EBUSY: "the folder is in use (a mount point?)",
  EIO: "an input/output error of the disk",
};

function cannotWrite(shown: string, e: unknown, after = { outcome: "nothing was changed", hint: "choose an --out folder you can write, e.g. one inside your project" }): StreamtError {
  if (e instanceof StreamtError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? "unknown";
  const at = err.path ? ` at ${err.path}` : "";
  return new StreamtError({
    code: OutputCode.cannotWrite,
    message: `cannot write the output folder ${shown}: ${REASONS[code] ?? err.message} (${code}${at}); ${after.outcome}`,
    hint: after.hint,
  });
}

function sameBytes(file: string, content: string): boolean {
  try {
    const stat = statSync(file);
    // Cheap size test first: most changed files change length.
    return stat.isFile() && stat.size === Buffer.byteLength(content) && readFileSync(file).equals(Buffer.from(content));
  } catch {
    return false;
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    // File systems without hard links (and cross-device --out folders) get a copy.
    copyFileSync(from, to);
  }
}
