import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli } from "./support.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "streamt-docs-cli-"));
const SITE = ["elk.LICENSE.md", "elk.bundled.js", "index.html", "manifest.json", "site.css", "site.js"];

// Several CLI runs each (5-10 s apiece on a loaded machine).
describe("streamt-sdk docs: the output folder", { timeout: 180_000 }, () => {
  it("writes the site with its manifest; replaces a folder it wrote; never one holding a file it did not write, nor synth's folder", async () => {
    const out = path.join(tmp(), "site");
    const first = await runCli(["docs", "examples/customer-totals.ts", "--out", out, "--no-typecheck"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(SITE);
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.kind).toBe("docs-site");
    expect(manifest.artifacts[0].files.map((f: { path: string }) => f.path)).toEqual(["index.html", "site.js", "site.css", "elk.bundled.js", "elk.LICENSE.md"]);

    // Its own folder: replaced, now with another pipeline.
    const again = await runCli(["docs", "examples/event-dedup.ts", "--out", out, "--no-typecheck"]);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(out, "index.html"), "utf8")).toContain("<h2>event-dedup</h2>");
    expect(readFileSync(path.join(out, "index.html"), "utf8")).not.toContain("<h2>customer-totals</h2>");

    // A file docs did not write: refused, and everything stays.
    writeFileSync(path.join(out, "notes.md"), "mine");
    const foreign = await runCli(["docs", "examples/event-dedup.ts", "--out", out, "--no-typecheck"]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe(`error STREAMT-O001: refusing to replace ${out}: it holds notes.md, which its manifest does not list, so docs did not write it\n  fix: move those files out of the output folder (docs replaces it as a whole), or choose another --out folder\n`);
    expect(readdirSync(out).sort()).toEqual([...SITE, "notes.md"].sort());

    // synth's output folder is synth's, though its manifest would let the folder code replace it.
    const synthOut = path.join(tmp(), "synth-out");
    expect((await runCli(["synth", "examples/event-dedup.ts", "--out", synthOut, "--no-typecheck"])).code).toBe(0);
    const synthFiles = readdirSync(synthOut).sort();
    const over = await runCli(["docs", "examples/event-dedup.ts", "--out", synthOut, "--no-typecheck"]);
    expect(over.code).toBe(1);
    expect(over.stderr).toBe(`error STREAMT-O001: refusing to replace ${synthOut}: it is synth's output folder (\`synth\` wrote it), not a docs site\n  fix: write to a folder of its own, e.g. --out streamt.docs (the default)\n`);
    expect(readdirSync(synthOut).sort()).toEqual(synthFiles);

    // And the other way round: synth never replaces a docs site, though every file in it is listed.
    rmSync(path.join(out, "notes.md"));
    const site = Object.fromEntries(SITE.map((f) => [f, readFileSync(path.join(out, f), "utf8")]));
    const synthOverSite = await runCli(["synth", "examples/event-dedup.ts", "--out", out, "--no-typecheck"]);
    expect(synthOverSite.code).toBe(1);
    expect(synthOverSite.stderr).toBe(`error STREAMT-O001: refusing to replace ${out}: it is a docs site (\`docs\` wrote it), not synth's output folder\n  fix: write to a folder of its own, e.g. --out streamt.out (the default)\n`);
    expect(Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f), "utf8")]))).toEqual(site);

    // A folder no command wrote, and a folder that holds the project: refused in docs' own words.
    const other = path.join(tmp(), "mine");
    mkdirSync(other);
    writeFileSync(path.join(other, "notes.md"), "mine");
    const notOurs = await runCli(["docs", "examples/event-dedup.ts", "--out", other, "--no-typecheck"]);
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toBe(`error STREAMT-O001: refusing to replace ${other}: it is not empty and holds no manifest.json, so docs did not write it\n  fix: choose another --out folder (default streamt.docs), or empty that one\n`);
    const project = await runCli(["docs", "examples/event-dedup.ts", "--out", ".", "--no-typecheck"]);
    expect(project.code).toBe(1);
    expect(project.stderr).toBe("error STREAMT-O002: refusing to use . as the output folder: it is the current directory, and docs replaces its output folder as a whole\n  fix: write to a folder of its own, e.g. --out streamt.docs (the default)\n");
  });

  it("bad input: an option docs does not take, no entries, a missing entry (exit 2); a failing finding: the findings, no folder (exit 1)", async () => {
    const strict = await runCli(["docs", "examples/customer-totals.ts", "--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toBe("streamt-sdk: option --strict does not apply to 'docs'; it takes --out, --flink, --no-typecheck, --no-cache\nRun 'streamt-sdk --help' for usage.\n");

    const empty = tmp();
    const none = await runCli(["docs"], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("streamt-sdk: docs needs an entry module: streamt-sdk docs path/to/pipelines.ts (or set \"streamt\": { \"entries\": [...] } in package.json)\nRun 'streamt-sdk --help' for usage.\n");

    const missing = await runCli(["docs", "nope.ts"], { cwd: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`streamt-sdk: entry file not found: nope.ts (relative to ${empty})\n`);

    const out = path.join(tmp(), "site");
    const refused = await runCli(["docs", "test/fixtures/cli/bad-unbounded-join.ts", "--out", out, "--no-typecheck"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("error STREAMT-E001 test/fixtures/cli/bad-unbounded-join.ts:8:27 [unbounded-join] a/join\n");
    expect(existsSync(out)).toBe(false);

    // The default folder is streamt.docs, beside the project (a scratch project inside the repository, so
    // its module resolves streamt-sdk).
    mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
    const project = mkdtempSync(path.join(ROOT, ".tmp", "docs-default-"));
    onTestFinished(() => rmSync(project, { recursive: true, force: true }));
    writeFileSync(path.join(project, "p.ts"), readFileSync(path.join(ROOT, "examples/event-dedup.ts"), "utf8").replaceAll("./shared/", "../../examples/shared/"));
    const plain = await runCli(["docs", "p.ts", "--no-typecheck"], { cwd: project });
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toBe("wrote the docs of 1 pipeline to streamt.docs/index.html\n");
    expect(readdirSync(path.join(project, "streamt.docs")).sort()).toEqual(SITE);
  });
});
