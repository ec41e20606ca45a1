/**
 * The typed DSL's cost to the compiler, as a count: type instantiations per pipeline, which the
 * checker reports exactly and the same on every machine. A change to the DSL's types that makes
 * every pipeline cost more (or that nears TS2589 "excessively deep") fails here, long before editors
 * slow down. Check *time* is measured by `npm run bench`, never by a test.
 */
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { SCHEMAS_MODULE } from "../../bench/generate.js";

const REPO = path.resolve(import.meta.dirname, "../..");
// Virtual files inside the repository, so "streamt-sdk" resolves like in a workspace package.
const PROJECT = path.join(REPO, "test/types/__type-budget__");

/**
 * Measured 2026-11-24 with TypeScript 5.9: 107.5 instantiations per pipeline (the four shapes below
 * in turn; the same from the SDK's sources and from its .d.ts); 109 since 2026-11-30, when interval
 * joins began inferring their join type (a LEFT join's right side is typed nullable). The budget leaves
 * about 20% for small additions; a change that passes it needs a look at `npm run bench`'s tsc section
 * before raising it.
 */
const BUDGET_PER_PIPELINE = 130;

/** The bench's four shapes: filter + projection, tumbling aggregate, interval join, TTL'd group aggregate. */
function pipelines(count: number): string {
  const lines = [
    `import { count, max, pipeline, source, sum } from "streamt-sdk";`,
    `import { Order, Payment } from "./schemas.js";`,
    `const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("event_timestamp").watermark("5s");`,
    `const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");`,
  ];
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    const stream = [
      `orders.filter((o) => o.amount.gt(${n}).and(o.status.eq("paid"))).select((o) => ({ id: o.order_id, cents: o.amount.mul(${n * 100}), at: o.event_timestamp })).toKafka("out-${i}")`,
      `orders.tumble("${n}m").groupBy("customer_id").aggregate({ orders: count(), revenue: sum("amount"), largest: max("amount") }).toKafka("out-${i}")`,
      `orders.intervalJoin(payments, { on: { order_id: "order_id" }, between: ["0s", "${n}h"], select: (o, p) => ({ id: o.order_id, paid: p.amount, at: o.event_timestamp }) }).toKafka("out-${i}")`,
      `orders.filter((o) => o.amount.ge(${n})).groupBy("customer_id").aggregate({ orders: count(), total: sum("amount") }, { ttl: "${n}d" }).toUpsertKafka("out-${i}", { key: ["customer_id"] })`,
    ][i % 4];
    lines.push(`export const p${i} = pipeline("p-${i}").write(${stream});`);
  }
  return lines.join("\n") + "\n";
}

interface Checked {
  readonly instantiations: number;
  readonly diagnostics: readonly string[];
}

/** Type-checks the virtual project (only its own files; the SDK's types as far as they are used). */
function checkProject(pipelineCount: number): Checked {
  const files = new Map([
    // The bench's schemas module (orders and payments), so both measure the same rows.
    [path.join(PROJECT, "schemas.ts"), SCHEMAS_MODULE],
    [path.join(PROJECT, "pipelines.ts"), pipelines(pipelineCount)],
  ]);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    customConditions: ["streamt-source"],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => files.has(path.resolve(f)) || fileExists(f);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => path.resolve(d) === PROJECT || (directoryExists?.(d) ?? ts.sys.directoryExists(d));
  host.getSourceFile = (f, language, onError) => {
    const text = files.get(path.resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, language) : getSourceFile(f, language, onError);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const diagnostics = [...files.keys()].flatMap((f) =>
    program.getSemanticDiagnostics(program.getSourceFile(f)).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
  );
  return { instantiations: program.getInstantiationCount(), diagnostics };
}

describe("type budget of the typed DSL", () => {
  it("costs at most the budget in type instantiations per pipeline, with no errors", () => {
    // Two sizes: what one pipeline more costs, without the fixed cost of the SDK's own types.
    const small = checkProject(8);
    const large = checkProject(40);
    expect(small.diagnostics).toEqual([]);
    expect(large.diagnostics).toEqual([]);
    const perPipeline = (large.instantiations - small.instantiations) / (40 - 8);
    expect(perPipeline).toBeGreaterThan(0);
    expect(perPipeline).toBeLessThanOrEqual(BUDGET_PER_PIPELINE);
  }, 120_000);
});
