/** What the synth cache tests share: a small user project's tsconfig and schema module, and where it lives. */
import path from "node:path";
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
