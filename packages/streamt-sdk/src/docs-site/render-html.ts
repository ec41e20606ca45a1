/**
 * The docs site's files: index.html rendered from a Handlebars template (every value HTML-escaped), the
 * graph's data embedded as a JSON block no name can close, the page's script and style, and ELK's browser
 * bundle with its licence: nothing the page loads comes from elsewhere.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { Diagnostic } from "../analysis/diagnostic.js";
import type { OutputFile } from "../synth/output-folder.js";
import type { SiteData } from "./site-data.js";

/** The page's own template, script and style (the SDK package's assets/docs-site/). */
const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../assets/docs-site");

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as \u escapes, so no value can end
 * the block (`</script>`) or open a comment (`<!--`); U+2028/U+2029 too, which older parsers took as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const FINDINGS = `<ul class="findings">{{#each findings}}<li class="{{severity}}"><strong>{{severity}} {{code}}</strong>{{#if where}} <code>{{where}}</code>{{/if}} {{path}}: {{message}}{{#if hint}}<br>fix: {{hint}}{{/if}}{{#if acknowledged}}<br>acknowledged: {{acknowledged}}{{/if}}</li>{{/each}}</ul>`;

let page: Handlebars.TemplateDelegate | undefined;

function template(): Handlebars.TemplateDelegate {
  if (!page) {
    // Its own environment (the Java emitter compiles with noEscape); strict: a field the model lacks is an error.
    const hb = Handlebars.create();
    hb.registerPartial("findings", hb.compile(FINDINGS, { strict: true }));
    page = hb.compile(readFileSync(path.join(ASSETS, "index.html.hbs"), "utf8"), { strict: true });
  }
  return page;
}

const finding = (d: Diagnostic) => ({
  severity: d.severity,
  code: d.code,
  where: d.site ? `${d.site.file}:${d.site.line}` : "",
  path: d.path,
  message: d.message,
  hint: d.hint,
  acknowledged: d.acknowledged?.reason ?? "",
});

/** index.html: the pipelines' sections rendered here, the graph drawn by site.js from the embedded JSON. */
export function renderIndex(data: SiteData): string {
  return template()({
    ...data,
    projectFindings: data.projectFindings.map(finding),
    pipelines: data.pipelines.map((p) => ({ ...p, findings: p.findings.map(finding) })),
    graphJson: jsonForScript(data.graph),
  });
}

/** Every file of the site, in memory (written by writeOutput, as synth's folder is). */
export function siteFiles(data: SiteData): OutputFile[] {
  const elk = createRequire(import.meta.url).resolve("elkjs/lib/elk.bundled.js");
  return [
    { path: "index.html", content: renderIndex(data) },
    { path: "site.js", content: readFileSync(path.join(ASSETS, "site.js"), "utf8") },
    { path: "site.css", content: readFileSync(path.join(ASSETS, "site.css"), "utf8") },
    { path: "elk.bundled.js", content: readFileSync(elk, "utf8") },
    // ELK is EPL-2.0: its licence travels with the copy.
    { path: "elk.LICENSE.md", content: readFileSync(path.join(path.dirname(path.dirname(elk)), "LICENSE.md"), "utf8") },
  ];
}
