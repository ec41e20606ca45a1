import type { SiteData } from "../../packages/streamt-sdk/src/docs-site/site-data.js";

// Names the DSL refuses today (pipeline and step names are [A-Za-z0-9_.-]) but column names, SQL text,
// messages and descriptions are free: the page must not depend on the DSL's rules to stay a page.
export const EVIL = `</script><script>window.pwned=1</script><!-- "q" 'a' & <b>`;

/** Site data with EVIL in every string the page shows. */
export function hostileSite(): SiteData {
  return {
    sdkVersion: "0.1.0",
    flinkVersion: "2.2",
    pipelines: [{
      name: EVIL,
      anchor: "pipeline-1",
      site: `${EVIL}.ts:3`,
      description: EVIL,
      owner: EVIL,
      settings: [{ key: EVIL, value: EVIL }],
      sources: [{ path: EVIL, topic: EVIL, format: "json", site: null, columns: [{ name: EVIL, type: "STRING" }] }],
      sinks: [{ path: `${EVIL}/out`, writes: EVIL, site: null, description: EVIL, owner: EVIL, columns: [{ name: EVIL, type: "STRING", from: EVIL }], lineage: EVIL }],
      findings: [{ code: "STREAMT-W001", severity: "warning", pipeline: EVIL, path: EVIL, site: { file: EVIL, line: 1, column: 1 }, message: EVIL, hint: EVIL, acknowledged: { reason: EVIL } }],
      sql: `SELECT '${EVIL}';`,
    }],
    projectFindings: [{ code: "STREAMT-L002", severity: "error", pipeline: null, path: EVIL, site: null, message: EVIL, hint: "", }],
    graph: {
      pipelines: [{ name: EVIL, anchor: "pipeline-1", nodes: [
        { path: EVIL, kind: "source", inputs: [], topic: EVIL },
        { path: `${EVIL}/out`, kind: "sink", inputs: [EVIL], topic: `${EVIL}.out` },
      ] }],
      topics: [
        { topic: EVIL, writers: [], readers: [{ pipeline: EVIL, source: EVIL }] },
        { topic: `${EVIL}.out`, writers: [{ pipeline: EVIL, sink: `${EVIL}/out` }], readers: [] },
      ],
    },
  };
}
