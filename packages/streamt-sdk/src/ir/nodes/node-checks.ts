import { BuildErrorCode, StreamtError } from "../../errors.js";
import type { Column, SourceSite } from "../node-base.js";

export interface NodeOrigin {
  readonly path: string;
  readonly site: SourceSite | null;
}

export function requireColumn(schema: readonly Column[], name: string, origin: NodeOrigin, role = "column"): Column {
  const found = schema.find((c) => c.name === name);
  if (found) return found;
  throw new StreamtError({
    code: BuildErrorCode.unknownColumn,
    message: `unknown ${role} '${name}'`,
    path: origin.path,
    site: origin.site,
    hint: `available columns: ${schema.map((c) => c.name).join(", ")}`,
  });
}

export function requireUniqueNames(names: readonly string[], origin: NodeOrigin, what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new StreamtError({
        code: BuildErrorCode.duplicateName,
        message: `${what} '${n}' appears twice in the output`,
        path: origin.path,
        site: origin.site,
        hint: "give each output column a distinct name",
      });
    }
    seen.add(n);
  }
}

export function invalid(origin: NodeOrigin, message: string, hint: string, code: string = BuildErrorCode.invalidArgument): never {
  throw new StreamtError({ code, message, path: origin.path, site: origin.site, hint });
}

export const BuildErrorCodeTypeMismatch = BuildErrorCode.typeMismatch;
