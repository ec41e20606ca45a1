import type { DataType } from "./data-type.js";

/** A time attribute marks a column Flink can window and join on. */
export type TimeAttribute = "rowtime" | "proctime";

/**
 * Scalar expressions of the plan. Every node carries its result type, computed when the user's
 * builder call made it, so emitters and passes never re-derive types.
 */
export type ExprNode = ColumnRef | Literal | Call | CaseExpr | CastExpr;

export interface ColumnRef {
  readonly kind: "column";
  readonly name: string;
  /** Which input of the operator the column comes from (0, or 1 for the right side of a join). */
  readonly input: 0 | 1;
  readonly type: DataType;
  readonly time?: TimeAttribute;
}

export interface Literal {
  readonly kind: "literal";
  /** Literal values as text (numbers keep their exact digits); null is SQL NULL. */
  readonly value: string | boolean | null;
  readonly type: DataType;
}

/** Every operator or function the DSL can produce; the SQL emitter has a renderer for each. */
export type CallOp =
  | "="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "AND"
  | "OR"
  | "NOT"
  | "NEGATE"
  | "IS NULL"
  | "IS NOT NULL"
  | "IN"
  | "NOT IN"
  | "LIKE"
  | "BETWEEN"
  | "UPPER"
  | "LOWER"
  | "TRIM"
  | "CHAR_LENGTH"
  | "SUBSTRING"
  | "CONCAT"
  | "COALESCE"
  | "ABS"
  | "ROUND"
  | "FLOOR_TO"
  | "CEIL_TO"
  | "DATE_FORMAT"
  | "EXTRACT"
  | "TO_DATE"
  | "JSON_VALUE"
  | "CURRENT_TIMESTAMP"
  // Hashes of a string, as lower-case hex text.
  | "MD5"
  | "SHA1"
  | "SHA256"
  /** args: [string, bits literal (224, 256, 384 or 512)] */
  | "SHA2"
  /** args: [unit literal, from, to]: whole units from `from` to `to`, an INT. */
  | "TIMESTAMPDIFF"
  /** args: [unit literal, amount, time]: `time` moved by `amount` units (months and years as calendars count them). */
  | "TIMESTAMPADD"
  /** args: [time, milliseconds literal]: `time + INTERVAL ...`, `time - INTERVAL ...` */
  | "PLUS_INTERVAL"
  | "MINUS_INTERVAL"
  /** args: [on-null literal ('NULL' or 'ABSENT'), key literal, value, key literal, value, ...] */
  | "JSON_OBJECT"
  | "JSON_STRING"
  /** A Flink built-in the user declared: args [name literal, ...arguments]; the name is an identifier. */
  | "FUNCTION";

/** The name of a declared function (the FUNCTION call): an identifier, so it cannot change the script around it. */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface Call {
  readonly kind: "call";
  readonly op: CallOp;
  readonly args: readonly ExprNode[];
  readonly type: DataType;
}

export interface CaseExpr {
  readonly kind: "case";
  readonly branches: readonly { readonly when: ExprNode; readonly then: ExprNode }[];
  readonly otherwise: ExprNode | null;
  readonly type: DataType;
}

export interface CastExpr {
  readonly kind: "cast";
  readonly expr: ExprNode;
  readonly type: DataType;
}

/** Calls `fn` on every node of an expression tree, children first. */
export function walkExpr(node: ExprNode, fn: (node: ExprNode) => void): void {
  switch (node.kind) {
    case "call":
      node.args.forEach((a) => walkExpr(a, fn));
      break;
    case "case":
      node.branches.forEach((b) => {
        walkExpr(b.when, fn);
        walkExpr(b.then, fn);
      });
      if (node.otherwise) walkExpr(node.otherwise, fn);
      break;
    case "cast":
      walkExpr(node.expr, fn);
      break;
    case "column":
    case "literal":
      break;
  }
  fn(node);
}

/** The top-level AND terms of a condition (`a AND (b AND c)` -> [a, b, c]). */
export function conjuncts(e: ExprNode): ExprNode[] {
  return e.kind === "call" && e.op === "AND" ? e.args.flatMap(conjuncts) : [e];
}

/** A copy of `node` with every column reference replaced by `fn(ref)`. */
export function mapColumns(node: ExprNode, fn: (ref: ColumnRef) => ExprNode): ExprNode {
  switch (node.kind) {
    case "column":
      return fn(node);
    case "literal":
      return node;
    case "call":
      return { ...node, args: node.args.map((a) => mapColumns(a, fn)) };
    case "case":
      return {
        ...node,
        branches: node.branches.map((b) => ({ when: mapColumns(b.when, fn), then: mapColumns(b.then, fn) })),
        otherwise: node.otherwise ? mapColumns(node.otherwise, fn) : null,
      };
    case "cast":
      return { ...node, expr: mapColumns(node.expr, fn) };
  }
}
