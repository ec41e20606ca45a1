/** What the synth cache tests share: a small user project's tsconfig and schema module, and where it lives. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { ROOT } from "../cli/support.js";

/** Inside the repository (gitignored), so "streamt-sdk" resolves to this checkout's SDK as in a user's project. */
export const scratchFolder = (name: string): string => path.join(ROOT, ".tmp", name);

export const TSCONFIG = {
  compilerOptions: {
    target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2023"], types: ["node"],
    strict: true, skipLibCheck: true, noEmit: true, customConditions: ["streamt-source"],
  },
};

export const SCHEMAS = `import { t } from "streamt-sdk";
export const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), status: t.string() });
`;

/** A module that says on stderr when it is imported (synth prints a module's console output there). */
export const moduleCode = (name: string, filter: string): string => `import { pipeline, source } from "streamt-sdk";
import { Order } from "./schemas.js";
console.log("imported ${name}");
const orders = source("orders", { topic: "orders", schema: Order });
export default pipeline("${name}").write(orders.filter((o) => ${filter}).toKafka("${name}.out"));
`;

/** A module of three pipelines sharing one source, as a module's often do (paid, large: amount > 100, copy). */
export const THREE_PIPELINES = `import { pipeline, source } from "streamt-sdk";
import { Order } from "./schemas.js";
const orders = source("orders", { topic: "orders", schema: Order });
export const paid = pipeline("paid").write(orders.filter((o) => o.status.eq("paid")).toKafka("paid.out"));
export const large = pipeline("large").write(orders.filter((o) => o.amount.gt(100)).toKafka("large.out"));
export const copy = pipeline("copy").write(orders.toKafka("copy.out"));
`;

/** A new project folder under `scratch`: the tsconfig, the schema module, and the entries a.ts and b.ts `moduleCode` writes. */
export function newProject(scratch: string, moduleCode: (name: string, filter: string) => string): string {
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(path.join(scratch, "p-"));
  const files = { "tsconfig.json": JSON.stringify(TSCONFIG, null, 2), "schemas.ts": SCHEMAS, "a.ts": moduleCode("a", "o.amount.gt(100)"), "b.ts": moduleCode("b", `o.status.eq("paid")`) };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Writing and editing the files of the current project folder; an edit must find the text it replaces. */
export function fileEditor(dir: () => string): { write: (file: string, text: string) => void; edit: (file: string, from: string, to: string) => void } {
  const write = (file: string, text: string): void => writeFileSync(path.join(dir(), file), text);
  const edit = (file: string, from: string, to: string): void => {
    const text = readFileSync(path.join(dir(), file), "utf8");
    expect(text).toContain(from);
    write(file, text.replace(from, to));
  };
  return { write, edit };
}
