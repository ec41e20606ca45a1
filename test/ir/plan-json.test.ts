import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { planToJson } from "../../packages/streamt-sdk/src/ir/plan-json.js";
import { buildPlan } from "../../packages/streamt-sdk/src/synth/build-plan.js";
import { lineHere } from "../helpers.js";

const Click = t.row({ user: t.string(), url: t.string().nullable() });

describe("plan.json", () => {
  const line = lineHere() + 1;
  const clicks = source("clicks", { topic: "clicks.v1", schema: Click });
  const p = pipeline("click-copy").write(clicks.filter((c) => c.url.isNotNull()).toKafka("clicks.clean.v1"));
  const { plan } = buildPlan([{ pipeline: p, file: "test/ir/plan-json.test.ts", exportName: "p" }]);
  const text = planToJson(plan);

  it("is valid JSON: pipelines with settings and their nodes in dependency order", () => {
    const parsed = JSON.parse(text);
    expect(parsed.version).toBe(1);
    expect(parsed.pipelines.map((q: { name: string }) => q.name)).toEqual(["click-copy"]);
    const [only] = parsed.pipelines;
    expect(only.sinks).toEqual(["clicks/filter/clicks.clean.v1"]);
    expect(only.site).toEqual({ file: "test/ir/plan-json.test.ts", line: line + 1, column: 13 });
    expect(only.nodes.map((n: { kind: string; path: string }) => `${n.kind} ${n.path}`)).toEqual([
      "source clicks",
      "filter clicks/filter",
      "sink clicks/filter/clicks.clean.v1",
    ]);
    expect(only.nodes[1].input).toEqual({ ref: "clicks" });
  });

  it("puts one node on each line, keys in a fixed order: kind, path, name, then by name", () => {
    const nodeLines = text.split("\n").filter((l) => l.startsWith('        {"kind":'));
    expect(nodeLines).toHaveLength(3);
    const keys = Object.keys(JSON.parse(nodeLines[0]!.replace(/,$/, "")));
    expect(keys.slice(0, 3)).toEqual(["kind", "path", "name"]);
    expect(keys.slice(3)).toEqual([...keys.slice(3)].sort());
    expect(text.startsWith('{\n  "version": 1,\n  "pipelines": [\n    {\n      "name": "click-copy",\n')).toBe(true);
    expect(text.endsWith("      ]\n    }\n  ]\n}\n")).toBe(true);
  });

  it("gives the same bytes for the same plan, whatever the order pipelines were built in", () => {
    const q = pipeline("another").write(clicks.toBlackhole());
    const a = buildPlan([{ pipeline: p, file: "a.ts", exportName: "p" }, { pipeline: q, file: "a.ts", exportName: "q" }]).plan;
    const b = buildPlan([{ pipeline: q, file: "a.ts", exportName: "q" }, { pipeline: p, file: "a.ts", exportName: "p" }]).plan;
    expect(planToJson(a)).toBe(planToJson(b));
  });

  it("serialises each plan's own pipelines when a later plan keeps some and replaces others (synth --watch's saves)", () => {
    const kept = pipeline("kept").write(clicks.toBlackhole());
    const edited = (url: string) => pipeline("edited").write(clicks.filter((c) => c.url.eq(url)).toKafka("clicks.edited.v1"));
    const before = buildPlan([{ pipeline: kept, file: "a.ts", exportName: "kept" }, { pipeline: edited("a"), file: "a.ts", exportName: "edited" }]).plan;
    const after = buildPlan([{ pipeline: kept, file: "a.ts", exportName: "kept" }, { pipeline: edited("b"), file: "a.ts", exportName: "edited" }]).plan;
    const filterValue = (plan: typeof before): unknown =>
      JSON.parse(planToJson(plan)).pipelines.find((q: { name: string }) => q.name === "edited").nodes[1].predicate.args[1].value;
    expect(filterValue(before)).toBe("a");
    expect(filterValue(after)).toBe("b");
    expect(filterValue(before)).toBe("a");
    // The kept pipeline's lines are the same in both, and so are the files' lengths but for the one value.
    expect(planToJson(after).length).toBe(planToJson(before).length);
    expect(planToJson(after).replace('"value":"b"', '"value":"a"')).toBe(planToJson(before));
  });
});
