/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page.evaluate callbacks run in the browser: DOM types for them (tsc checks the test files as one program).
/**
 * The docs site in a real browser: Debian's Chromium (apt-get install chromium; .ci/run installs it), driven by
 * puppeteer-core over the DevTools protocol. The page must load without a console message of its own, draw
 * every lineage node, and show hostile names as text.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteFiles } from "../../packages/streamt-sdk/src/docs-site/render-html.js";
import { lineageSchema } from "../../packages/streamt-sdk/src/lineage/render.js";
import { writeOutput } from "../../packages/streamt-sdk/src/synth/output-folder.js";
import { EXAMPLES, runCli } from "../cli/support.js";
import { EVIL, hostileSite } from "./hostile.js";

const CHROMIUM = process.env.STREAMT_CHROMIUM ?? "/usr/bin/chromium";
const tmp = (): string => mkdtempSync(path.join(tmpdir(), "streamt-docs-"));

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set STREAMT_CHROMIUM)`);
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});

afterAll(async () => {
  await browser?.close();
});

/** Opens a site's index.html; every console message, page error, failed request and dialog is recorded. */
async function open(dir: string): Promise<{ page: Page; messages: string[] }> {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on("console", (m) => messages.push(`console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => messages.push(`page error: ${(e as Error).message}`));
  page.on("requestfailed", (r) => messages.push(`request failed: ${r.url()}`));
  page.on("dialog", (d) => {
    messages.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(pathToFileURL(path.join(dir, "index.html")).href, { waitUntil: "load" });
  await page.waitForSelector("#graph-svg", { timeout: 60_000 });
  return { page, messages };
}

/** What the drawn graph holds, and whether every node is drawn inside the picture with a size. */
function drawn(page: Page) {
  return page.evaluate(() => {
    const svg = document.getElementById("graph-svg")!.getBoundingClientRect();
    const nodes = [...document.querySelectorAll<SVGGElement>("#graph-svg g.node")];
    const inside = nodes.every((g) => {
      const r = g.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= svg.left && r.top >= svg.top && r.right <= svg.right + 0.5 && r.bottom <= svg.bottom + 0.5;
    });
    const titles = (kind: string) => nodes.filter((g) => g.classList.contains(kind)).map((g) => g.querySelector("title")!.textContent).sort();
    return { steps: titles("step"), topics: titles("topic"), pipelines: titles("pipeline"), edges: document.querySelectorAll("#graph-svg polyline").length, inside };
  });
}

// Several CLI runs each (5-10 s apiece on a loaded machine).
describe("streamt-sdk docs in headless Chromium", { timeout: 180_000 }, () => {
  it("every example: the page loads with no console message, and the graph draws every lineage node, topic and edge", async () => {
    const out = path.join(tmp(), "site");
    const docs = await runCli(["docs", ...EXAMPLES, "--out", out, "--no-typecheck"]);
    expect(docs.stderr).toBe("");
    expect(docs.stdout).toBe(`wrote the docs of 13 pipelines to ${path.join(out, "index.html")}\n`);
    expect(docs.code).toBe(0);
    const lineage = lineageSchema.parse(JSON.parse((await runCli(["lineage", ...EXAMPLES, "--json", "--no-typecheck"])).stdout));

    const { page, messages } = await open(out);
    const graph = await drawn(page);
    expect(messages).toEqual([]);
    expect(graph.steps).toEqual(lineage.pipelines.flatMap((p) => p.nodes.map((n) => `${p.name}: ${n.path}`)).sort());
    expect(graph.steps).toHaveLength(60);
    expect(graph.topics).toEqual(lineage.topics.map((t) => `topic ${t.topic}`).sort());
    expect(graph.pipelines).toEqual(lineage.pipelines.map((p) => p.name).sort());
    // An edge per step input, per topic a source reads and per topic a sink writes.
    expect(graph.edges).toBe(lineage.pipelines.flatMap((p) => p.nodes).reduce((n, node) => n + node.inputs.length + (node.topic === null ? 0 : 1), 0));
    expect(graph.inside).toBe(true);
    // Selecting a pipeline's box goes to its section.
    await page.click(`#graph-svg g.node.step[data-anchor="pipeline-4"]`);
    expect(await page.evaluate(() => location.hash)).toBe("#pipeline-4");
    expect(await page.$eval("#pipeline-4 h2", (h) => h.textContent)).toBe(lineage.pipelines[3]!.name);
    await page.close();
  });

  it("hostile names are text: nothing runs, no tag or comment opens, the graph and sections show them as written", async () => {
    const out = path.join(tmp(), "site");
    writeOutput(out, siteFiles(hostileSite()), { cwd: tmpdir(), entries: [] });
    const { page, messages } = await open(out);
    expect(messages).toEqual([]);
    expect(await page.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => [...document.scripts].map((s) => s.getAttribute("src") ?? s.type))).toEqual(["application/json", "elk.bundled.js", "site.js"]);
    expect(await page.evaluate(() => document.querySelectorAll("b").length)).toBe(0);
    const graph = await drawn(page);
    expect(graph).toEqual({ steps: [`${EVIL}: ${EVIL}`, `${EVIL}: ${EVIL}/out`].sort(), topics: [`topic ${EVIL}`, `topic ${EVIL}.out`].sort(), pipelines: [EVIL], edges: 3, inside: true });
    expect(await page.$eval("#pipeline-1 h2", (h) => h.textContent)).toBe(EVIL);
    expect(await page.$eval("#pipeline-1 pre.sql", (p) => p.textContent)).toBe(`SELECT '${EVIL}';`);
    await page.close();

    // The same through the DSL: column names and a string literal with markup in them.
    const fixture = path.join(tmp(), "site");
    const docs = await runCli(["docs", "test/fixtures/cli/hostile-names.ts", "--out", fixture, "--no-typecheck"]);
    expect(docs.code).toBe(0);
    const real = await open(fixture);
    expect(real.messages).toEqual([]);
    expect(await real.page.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await real.page.$$eval("#pipeline-1 .source td:first-child", (cells) => cells.map((c) => c.textContent))).toEqual([
      "</script><script>window.pwned = 1</script>", "a & b <b>bold</b>", "q\"uote's",
    ]);
    expect(await real.page.$eval("#pipeline-1 pre.sql", (p) => p.textContent)).toContain("WHERE (`a & b <b>bold</b>` = '</script><!-- <img src=x onerror=alert(1)>');");
    // The description and owner options of the pipeline and its sink, as written.
    expect(await real.page.$$eval("#pipeline-1 p.description, #pipeline-1 p.owner", (ps) => ps.map((p) => p.textContent))).toEqual([
      "Keeps <b>bold</b> rows & drops the rest </p><script>window.pwned = 2</script>", "owner: team:data <ops@example.com>",
      "the <i>bold</i> rows", "owner: team:\"quoted\" & co",
    ]);
    expect(readFileSync(path.join(fixture, "index.html"), "utf8")).not.toContain("<img");
    await real.page.close();
  });
});
