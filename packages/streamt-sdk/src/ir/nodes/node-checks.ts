import { BuildErrorCode, StreamtError } from "../../errors.js";
import { walkExpr, type ExprNode } from "../expr-node.js";
import type { Column, SourceSite } from "../node-base.js";
import { formatType, sameTypeIgnoringNull } from "../data-type.js";

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

/**
 * Every column the expressions read is a column of the input they name (a join's right side is input 1).
 * An expression kept from another stream's callback can name a column this step's input lacks: the SQL
 * would name a column that is not there, which only Flink's planner refused.
 */
export function requireOwnColumns(origin: NodeOrigin, exprs: readonly ExprNode[], inputs: readonly { readonly path: string; readonly schema: readonly Column[] }[]): void {
  for (const e of exprs) {
    walkExpr(e, (n) => {
      if (n.kind !== "column") return;
      // A join's right side kept and used in a step of one input names an input the step does not have.
      const input = inputs[n.input];
      const column = input?.schema.find((c) => c.name === n.name);
      // An expression may see a column as nullable that its input has NOT NULL (an outer join's callback
      // sees its nullable side so), never the other way: the plan would type what it derives NOT NULL.
      if (column && sameTypeIgnoringNull(column.type, n.type) && (n.type.nullable || !column.type.nullable)) return;
      // The same name with another type is another stream's column too: the SQL would read this input's
      // column by name while the expression's type, and what the plan derives from it, is the other's.
      const whose = column
        ? `${formatType(n.type)} in the row the expression was built from, and ${formatType(column.type)} in ${input!.path}`
        : input
          ? `not a column of ${input.path}`
          : `a column of a join's right side, not of ${inputs[0]!.path}`;
      throw new StreamtError({
        code: BuildErrorCode.unknownColumn,
        message: `'${n.name}' is ${whose}: an expression reading it was built from another stream's row`,
        path: origin.path,
        site: origin.site,
        hint: "build each expression from the row this step's callback is given",
      });
    });
  }
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
