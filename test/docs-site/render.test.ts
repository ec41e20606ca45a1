import { describe, expect, it } from "vitest";
import { jsonForScript, renderIndex } from "../../packages/streamt-sdk/src/docs-site/render-html.js";
import { EVIL, hostileSite } from "./hostile.js";

describe("docs site HTML", () => {
  it("embeds JSON no value can end or comment out: <, > and & as \\u escapes, and U+2028/2029", () => {
    expect(jsonForScript({ a: "</script><!--x-->&\u2028\u2029" })).toBe(String.raw`{"a":"\u003c/script\u003e\u003c!--x--\u003e\u0026\u2028\u2029"}`);
    expect(JSON.parse(jsonForScript({ a: EVIL }))).toEqual({ a: EVIL });
  });

  it("hostile names: escaped wherever they appear; the page keeps exactly its own three scripts and one JSON block", () => {
    const html = renderIndex(hostileSite());
    const escaped = "&lt;/script&gt;&lt;script&gt;window.pwned&#x3D;1&lt;/script&gt;&lt;!-- &quot;q&quot; &#x27;a&#x27; &amp; &lt;b&gt;";
    // The page's own tags only: nothing from the data opened or closed one.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json" id="streamt-graph">', '<script src="elk.bundled.js">', '<script src="site.js">']);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain("<!--");
    expect(html).not.toContain("<b>");
    expect(html).toContain(`<h2>${escaped}</h2>`);
    expect(html).toContain(`<nav><ul><li><a href="#pipeline-1">${escaped}</a></li></ul></nav>`);
    expect(html).toContain(`<tr><th>${escaped}</th><td>${escaped}</td></tr>`);
    expect(html.match(/<p class="description">.*?<\/p>/g)).toEqual([`<p class="description">${escaped}</p>`, `<p class="description">${escaped}</p>`]);
    expect(html.match(/<p class="owner">.*?<\/p>/g)).toEqual([`<p class="owner">owner: ${escaped}</p>`, `<p class="owner">owner: ${escaped}</p>`]);
    expect(html).toContain(`<li class="warning"><strong>warning STREAMT-W001</strong> <code>${escaped}:1</code> ${escaped}: ${escaped}<br>fix: ${escaped}<br>acknowledged: ${escaped}</li>`);
    expect(html).toContain(`<li class="error"><strong>error STREAMT-L002</strong> ${escaped}: ${escaped}</li>`);
    expect(html).toContain(`<pre class="sql"><code>SELECT &#x27;${escaped}&#x27;;</code></pre>`);
    // The JSON block holds the graph, readable back exactly.
    const block = /<script type="application\/json" id="streamt-graph">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(block)).toEqual(hostileSite().graph);
  });
});
