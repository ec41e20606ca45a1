import {
  arithmeticResultType,
  commonType,
  formatType,
  INTEGER_KINDS,
  isNumeric,
  isTimestamp,
  numericLiteralType,
  withNullable,
  type ArithmeticOp,
  type DataType,
  type TypeKind,
} from "../ir/data-type.js";
import { FUNCTION_NAME, type CallOp, type ColumnRef, type ExprNode } from "../ir/expr-node.js";
import type { Column, SourceSite } from "../ir/node-base.js";
import { BuildErrorCode, JS_OPERATOR_HINT, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";
import { isColumnType, type Col, type ColumnType, type NumericKind, type Row, type TemporalKind, type TimestampKind } from "./schema.js";
import { parseDuration, type Duration } from "./duration.js";
import { instantMillis, timestampText } from "../ir/time-literal.js";

const EXPR = Symbol.for("streamt-sdk.expr");

type Or<A extends boolean, B extends boolean> = A extends true ? true : B;
type NullableOf<C> = C extends Col<any, infer N, any> ? N : boolean;
type Bool<N extends boolean> = Col<"BOOLEAN", N, "none">;

/** What can stand beside an expression of column type C: another expression or a plain value. */
export type Operand<C extends Col> = C["__kind"] extends NumericKind
  ? Expr<Col<NumericKind, boolean, any>> | number
  : C["__kind"] extends "STRING"
    ? Expr<Col<"STRING", boolean, any>> | string
    : C["__kind"] extends "BOOLEAN"
      ? Expr<Col<"BOOLEAN", boolean, any>> | boolean
      : C["__kind"] extends TemporalKind
        ? Expr<Col<C["__kind"], boolean, any>> | Date
        : Expr<Col<C["__kind"], boolean, any>>;

/**
 * The plain JS values an expression of column type C can be compared with. Comparisons and arithmetic
 * take a plain value through a non-generic overload first: nothing to infer per literal, which was
 * most of their cost to the checker (instantiations per pipeline 126 -> 108, check time -9%).
 */
type PlainValue<C extends Col> = C["__kind"] extends NumericKind
  ? number
  : C["__kind"] extends "STRING"
    ? string
    : C["__kind"] extends "BOOLEAN"
      ? boolean
      : C["__kind"] extends TemporalKind
        ? Date
        : never;

type NullOfOperand<O> = O extends { readonly __col?: infer C } ? NullableOf<C> : false;

export type TimeUnit = "SECOND" | "MINUTE" | "HOUR" | "DAY" | "WEEK" | "MONTH" | "YEAR";

/** Operations every expression has. */
export interface ExprBase<C extends Col> {
  readonly [EXPR]: ExprNode;
  /** Phantom: the static column picture of this expression. */
  readonly __col?: C;
  /** `a = b` */
  eq(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  eq<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  /** `a <> b` */
  ne(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  ne<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  /** `a IS NULL` */
  isNull(): Expr<Bool<false>>;
  /** `a IS NOT NULL` */
  isNotNull(): Expr<Bool<false>>;
  /** `a IN (v1, v2, ...)` */
  in(...values: Operand<C>[]): Expr<Bool<C["__nullable"]>>;
  /** `a NOT IN (v1, v2, ...)` */
  notIn(...values: Operand<C>[]): Expr<Bool<C["__nullable"]>>;
  /** `COALESCE(a, fallback)` */
  orElse<O extends Operand<C>>(fallback: O): Expr<Col<C["__kind"], NullOfOperand<O>, "none">>;
  /** `CAST(a AS type)`, e.g. `.cast(t.decimal(12, 2))`. */
  cast<T extends Col>(to: ColumnType<T>): Expr<Col<T["__kind"], C["__nullable"], "none">>;
}

type NumericResult<A extends string, B> = B extends number
  ? A
  : B extends { readonly __col?: Col<infer K, any, any> }
    ? "DOUBLE" extends A | K
      ? "DOUBLE"
      : "FLOAT" extends A | K
        ? "DOUBLE"
        : "DECIMAL" extends A | K
          ? "DECIMAL"
          : "BIGINT" extends A | K
            ? "BIGINT"
            : A
    : A;

type Arith<C extends Col, O> = Expr<Col<NumericResult<C["__kind"], O> & NumericKind, Or<C["__nullable"], NullOfOperand<O>>, "none">>;

export interface ComparableOps<C extends Col> {
  gt(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  gt<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  ge(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  ge<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  lt(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  lt<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  le(other: PlainValue<C>): Expr<Bool<C["__nullable"]>>;
  le<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  /** `a BETWEEN low AND high` */
  between(low: Operand<C>, high: Operand<C>): Expr<Bool<C["__nullable"]>>;
}

export interface NumericOps<C extends Col> extends ComparableOps<C> {
  add(other: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  add<O extends Operand<C>>(other: O): Arith<C, O>;
  sub(other: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  sub<O extends Operand<C>>(other: O): Arith<C, O>;
  mul(other: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  mul<O extends Operand<C>>(other: O): Arith<C, O>;
  div(other: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  div<O extends Operand<C>>(other: O): Arith<C, O>;
  mod(other: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  mod<O extends Operand<C>>(other: O): Arith<C, O>;
  neg(): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  abs(): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  /** `ROUND(a, digits)` */
  round(digits?: number): Expr<Col<C["__kind"], C["__nullable"], "none">>;
}

export interface StringOps<C extends Col> extends ComparableOps<C> {
  /** `a LIKE pattern` (% and _ wildcards). */
  like(pattern: string): Expr<Bool<C["__nullable"]>>;
  upper(): Expr<Col<"STRING", C["__nullable"], "none">>;
  lower(): Expr<Col<"STRING", C["__nullable"], "none">>;
  trim(): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `CHAR_LENGTH(a)` */
  length(): Expr<Col<"INT", C["__nullable"], "none">>;
  /** `SUBSTRING(a FROM start FOR length)`, 1-based like SQL. */
  substring(start: number, length?: number): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `a || b` */
  concat(...others: Operand<C>[]): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `JSON_VALUE(a, path)`: a scalar out of a JSON string. */
  jsonValue(path: string): Expr<Col<"STRING", true, "none">>;
  /** `MD5(a)`: 32 lower-case hex digits. */
  md5(): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `SHA1(a)`: 40 lower-case hex digits. */
  sha1(): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `SHA256(a)`: 64 lower-case hex digits. */
  sha256(): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `SHA2(a, bits)`: the SHA-2 hash of that many bits, as lower-case hex digits. */
  sha2(bits: 224 | 256 | 384 | 512): Expr<Col<"STRING", C["__nullable"], "none">>;
}

export interface BooleanOps<C extends Col> {
  and<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  or<O extends Operand<C>>(other: O): Expr<Bool<Or<C["__nullable"], NullOfOperand<O>>>>;
  not(): Expr<Bool<C["__nullable"]>>;
}

export interface TemporalOps<C extends Col> extends ComparableOps<C> {
  /** `FLOOR(ts TO unit)` */
  floorTo(unit: TimeUnit): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  /** `CEIL(ts TO unit)` */
  ceilTo(unit: TimeUnit): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  /** `DATE_FORMAT(ts, pattern)`, e.g. 'yyyy-MM-dd'. */
  format(pattern: string): Expr<Col<"STRING", C["__nullable"], "none">>;
  /** `EXTRACT(unit FROM ts)` */
  extract(unit: TimeUnit): Expr<Col<"BIGINT", C["__nullable"], "none">>;
  /** `CAST(ts AS DATE)` */
  toDate(): Expr<Col<"DATE", C["__nullable"], "none">>;
  /**
   * Later by a duration, `ts + INTERVAL '1' HOUR` (a DATE: whole days only); or by a number of calendar
   * units, `TIMESTAMPADD(MONTH, 1, ts)`, the amount a whole number or an integer expression.
   */
  plus(interval: Duration): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  plus<A extends IntegerOperand>(amount: A, unit: TimeUnit): Expr<Col<C["__kind"], Or<C["__nullable"], NullOfOperand<A>>, "none">>;
  /** Earlier by a duration, `ts - INTERVAL '1' HOUR`, or by a number of units, `TIMESTAMPADD(DAY, -7, ts)`. */
  minus(interval: Duration): Expr<Col<C["__kind"], C["__nullable"], "none">>;
  minus<A extends IntegerOperand>(amount: A, unit: TimeUnit): Expr<Col<C["__kind"], Or<C["__nullable"], NullOfOperand<A>>, "none">>;
}

type IntegerOperand = number | ExprOf<"TINYINT" | "SMALLINT" | "INT" | "BIGINT">;

type OpsFor<C extends Col> = C["__kind"] extends NumericKind
  ? NumericOps<C>
  : C["__kind"] extends "STRING"
    ? StringOps<C>
    : C["__kind"] extends "BOOLEAN"
      ? BooleanOps<C>
      : C["__kind"] extends TemporalKind
        ? TemporalOps<C>
        : unknown;

/** A typed column expression. Which methods exist depends on the column's type. */
export type Expr<C extends Col = Col> = ExprBase<C> & OpsFor<C>;

/** The row as expressions, one per column: what `filter`/`select` callbacks receive. */
export type RowExprs<R extends Row> = { readonly [K in keyof R]: Expr<R[K]> };

/** The static column picture of an expression type. */
export type ColOf<E> = E extends { readonly __col?: infer C } ? (C extends Col ? C : never) : never;

// ---------------------------------------------------------------------------------------------
// Run time: one implementation class stands behind every Expr type.

/** Any typed expression, seen from the implementation side. */
export interface AnyExpr {
  readonly [EXPR]: ExprNode;
}

export function isExpr(v: unknown): v is AnyExpr {
  return typeof v === "object" && v !== null && EXPR in v;
}

export function exprNode(v: AnyExpr): ExprNode {
  return v[EXPR];
}

function typeError(message: string, hint: string): StreamtError {
  return new StreamtError({ code: BuildErrorCode.typeMismatch, message, hint });
}

/** Turns a plain JS value into a literal node, typed like Flink types the literal. */
export function literalNode(value: unknown, like?: DataType): ExprNode {
  if (isExpr(value)) return exprNode(value);
  if (value === null) return { kind: "literal", value: null, type: withNullable(like ?? { kind: "STRING", nullable: true }, true) };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw typeError(`${value} is not a valid SQL number`, "use a finite number");
    const text = String(value);
    // Against a FLOAT or DOUBLE, the literal takes the column's kind, so comparisons and arithmetic do not widen it.
    if (like && (like.kind === "DOUBLE" || like.kind === "FLOAT")) return { kind: "literal", value: text, type: { kind: like.kind, nullable: false } };
    if (/e/i.test(text)) return { kind: "literal", value: text, type: { kind: "DOUBLE", nullable: false } };
    return { kind: "literal", value: text, type: numericLiteralType(text) };
  }
  if (typeof value === "bigint") return { kind: "literal", value: value.toString(), type: { kind: "BIGINT", nullable: false } };
  if (typeof value === "string") {
    if (like?.kind === "TIMESTAMP") return { kind: "literal", value: timestampText(value), type: { ...like, nullable: false } } as ExprNode;
    if (like?.kind === "TIMESTAMP_LTZ") {
      instantMillis(value); // refused here, where the pipeline is built, rather than when it is emitted
      return { kind: "literal", value, type: { ...like, nullable: false } } as ExprNode;
    }
    return { kind: "literal", value, type: { kind: "STRING", nullable: false } };
  }
  if (typeof value === "boolean") return { kind: "literal", value, type: { kind: "BOOLEAN", nullable: false } };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw typeError("an invalid Date is not a SQL value", "pass a valid Date, e.g. new Date(Date.UTC(2024, 0, 31))");
    if (like?.kind === "DATE") {
      // A DATE compares with a day: a Date at midnight UTC (what Date.UTC(y, m, d) makes), never truncated.
      if (value.getTime() % 86_400_000 !== 0) {
        throw typeError(`${value.toISOString()} is not a day: a DATE column compares with a Date at midnight UTC`, "write new Date(Date.UTC(year, monthIndex, day)), or compare o.ts.toDate()");
      }
      return { kind: "literal", value: value.toISOString().slice(0, 10), type: { kind: "DATE", nullable: false } } as ExprNode;
    }
    const iso = value.toISOString().replace("T", " ").replace("Z", "");
    return { kind: "literal", value: iso, type: { kind: like?.kind === "TIMESTAMP_LTZ" ? "TIMESTAMP_LTZ" : "TIMESTAMP", precision: 3, nullable: false } } as ExprNode;
  }
  throw typeError(`cannot use ${typeof value} as a SQL value`, "use a number, string, boolean, Date, null or a column expression");
}

const BOOL = (nullable: boolean): DataType => ({ kind: "BOOLEAN", nullable });

function call(op: CallOp, args: ExprNode[], type: DataType): ExprImpl {
  return new ExprImpl({ kind: "call", op, args, type });
}

function describe(n: ExprNode): string {
  return n.kind === "column" ? `'${n.name}' (${formatType(n.type)})` : formatType(n.type);
}

function requireComparable(a: ExprNode, b: ExprNode, op: string): void {
  if (a.type.kind === "ROW" || a.type.kind === "MAP" || a.type.kind === "ARRAY") {
    throw typeError(`cannot compare ${describe(a)} with ${op}`, "compare scalar columns");
  }
  if (b.kind === "literal" && b.value === null) return;
  const ok = isNumeric(a.type) ? isNumeric(b.type) : commonType(a.type, b.type) !== undefined;
  if (!ok) throw typeError(`cannot compare ${describe(a)} with ${describe(b)} using ${op}`, "compare values of the same type, or cast one side");
}

class ExprImpl implements AnyExpr {
  readonly [EXPR]: ExprNode;
  constructor(node: ExprNode) {
    this[EXPR] = node;
    if (scopes.length > 0 && node.type.kind === "BOOLEAN" && node.kind !== "column") {
      scopes[scopes.length - 1]!.built.push({ node, site: callSite() });
    }
  }
  /**
   * `a + 1`, `a > 1`, `a == 1` and `${a}` would compute with the object, not the SQL value: refused.
   * (Truthiness, which `&&`, `||`, `!` and `?:` test, calls no method: see runCallback.)
   */
  [Symbol.toPrimitive](): never {
    throw new StreamtError({
      code: BuildErrorCode.jsOperatorOnExpr,
      message: "an expression is not a JavaScript value: JavaScript's arithmetic, comparisons and template strings cannot compute with it",
      hint: "use the expression's methods (.add(), .gt(), .eq(), .concat(), ...); " + JS_OPERATOR_HINT,
      site: callSite(),
    });
  }
  private get node(): ExprNode {
    return this[EXPR];
  }
  private compare(op: CallOp, other: unknown): ExprImpl {
    const rhs = literalNode(other, this.node.type);
    requireComparable(this.node, rhs, op);
    return call(op, [this.node, rhs], BOOL(this.node.type.nullable || rhs.type.nullable));
  }
  private arith(op: ArithmeticOp, other: unknown): ExprImpl {
    const rhs = literalNode(other, this.node.type);
    if (!isNumeric(this.node.type) || !isNumeric(rhs.type)) {
      throw typeError(`cannot apply ${op} to ${describe(this.node)} and ${describe(rhs)}`, "arithmetic needs numeric operands");
    }
    return call(op, [this.node, rhs], arithmeticResultType(op, this.node.type, rhs.type));
  }
  private requireKind(kinds: readonly string[], method: string): void {
    if (!kinds.includes(this.node.type.kind)) {
      throw typeError(`${method}() does not apply to ${describe(this.node)}`, `${method}() applies to ${kinds.join(", ")} columns`);
    }
  }
  private same(op: CallOp, args: ExprNode[] = []): ExprImpl {
    return call(op, [this.node, ...args], this.node.type);
  }
  private str(op: CallOp, args: ExprNode[] = []): ExprImpl {
    this.requireKind(["STRING"], op.toLowerCase());
    return call(op, [this.node, ...args], { kind: "STRING", nullable: this.node.type.nullable });
  }

  eq(o: unknown) { return this.compare("=", o); }
  ne(o: unknown) { return this.compare("<>", o); }
  gt(o: unknown) { return this.compare(">", o); }
  ge(o: unknown) { return this.compare(">=", o); }
  lt(o: unknown) { return this.compare("<", o); }
  le(o: unknown) { return this.compare("<=", o); }
  between(low: unknown, high: unknown) {
    const lo = literalNode(low, this.node.type);
    const hi = literalNode(high, this.node.type);
    requireComparable(this.node, lo, "BETWEEN");
    requireComparable(this.node, hi, "BETWEEN");
    return call("BETWEEN", [this.node, lo, hi], BOOL(this.node.type.nullable));
  }
  isNull() { return call("IS NULL", [this.node], BOOL(false)); }
  isNotNull() { return call("IS NOT NULL", [this.node], BOOL(false)); }
  in(...values: unknown[]) { return this.inList("IN", values); }
  notIn(...values: unknown[]) { return this.inList("NOT IN", values); }
  private inList(op: "IN" | "NOT IN", values: unknown[]): ExprImpl {
    if (values.length === 0) throw typeError(`${op.toLowerCase()}() needs at least one value`, "pass the values to test against");
    const nodes = values.map((v) => literalNode(v, this.node.type));
    nodes.forEach((n) => requireComparable(this.node, n, op));
    // Flink casts an IN list to the column's type: against an integer column, 1.5 becomes 1 (found by the
    // differential test: 1 NOT IN (1.5, 10) was false), so a fraction there is refused, not silently truncated.
    const fraction = INTEGER_KINDS.has(this.node.type.kind) ? nodes.find((n) => n.kind === "literal" && (n.type.kind === "DECIMAL" || n.type.kind === "DOUBLE" || n.type.kind === "FLOAT")) : undefined;
    if (fraction && fraction.kind === "literal") {
      throw typeError(`${op === "IN" ? "in" : "notIn"}(): ${String(fraction.value)} is not a whole number, but ${describe(this.node)} is an integer: Flink would compare it truncated`,
        "list whole numbers, or cast the column first, e.g. o.m.cast(t.decimal(12, 1)).in(1.5, 10)");
    }
    return call(op, [this.node, ...nodes], BOOL(this.node.type.nullable));
  }
  orElse(fallback: unknown) {
    const f = literalNode(fallback, this.node.type);
    const type = commonType(this.node.type, f.type);
    if (!type) throw typeError(`orElse(): ${describe(f)} does not fit ${describe(this.node)}`, "give a fallback of the same type");
    return call("COALESCE", [this.node, f], withNullable(type, f.type.nullable));
  }
  cast(to: ColumnType) {
    return new ExprImpl({ kind: "cast", expr: this.node, type: withNullable(to.type, this.node.type.nullable) });
  }
  add(o: unknown) { return this.arith("+", o); }
  sub(o: unknown) { return this.arith("-", o); }
  mul(o: unknown) { return this.arith("*", o); }
  div(o: unknown) { return this.arith("/", o); }
  mod(o: unknown) { return this.arith("%", o); }
  neg() { this.requireNumeric("neg"); return this.same("NEGATE"); }
  abs() { this.requireNumeric("abs"); return this.same("ABS"); }
  round(digits = 0) {
    this.requireNumeric("round");
    if (!Number.isInteger(digits)) throw typeError(`round(${digits}) needs a whole number of digits`, "e.g. round(2), or round(-1) for tens");
    const t = this.node.type;
    if (t.kind !== "DECIMAL" || digits >= t.scale) return this.same("ROUND", [literalNode(digits)]);
    // Flink's ROUND of a DECIMAL to fewer digits: that scale, and one more integer digit for a carry.
    const scale = Math.max(digits, 0);
    const type: DataType = { kind: "DECIMAL", precision: Math.min(38, 1 + t.precision - t.scale + scale), scale, nullable: t.nullable };
    return call("ROUND", [this.node, literalNode(digits)], type);
  }
  private requireNumeric(method: string): void {
    if (!isNumeric(this.node.type)) throw typeError(`${method}() needs a numeric value, got ${describe(this.node)}`, "apply it to a numeric column");
  }
  like(pattern: string) {
    this.requireKind(["STRING"], "like");
    return call("LIKE", [this.node, literalNode(pattern)], BOOL(this.node.type.nullable));
  }
  upper() { return this.str("UPPER"); }
  lower() { return this.str("LOWER"); }
  trim() { return this.str("TRIM"); }
  length() {
    this.requireKind(["STRING"], "length");
    return call("CHAR_LENGTH", [this.node], { kind: "INT", nullable: this.node.type.nullable });
  }
  substring(start: number, length?: number) {
    const args = [literalNode(start), ...(length === undefined ? [] : [literalNode(length)])];
    return this.str("SUBSTRING", args);
  }
  concat(...others: unknown[]) {
    const args = others.map((o) => literalNode(o, this.node.type));
    const nullable = [this.node, ...args].some((a) => a.type.nullable);
    this.requireKind(["STRING"], "concat");
    return call("CONCAT", [this.node, ...args], { kind: "STRING", nullable });
  }
  jsonValue(path: string) {
    this.requireKind(["STRING"], "jsonValue");
    return call("JSON_VALUE", [this.node, literalNode(path)], { kind: "STRING", nullable: true });
  }
  md5() { return this.str("MD5"); }
  sha1() { return this.str("SHA1"); }
  sha256() { return this.str("SHA256"); }
  sha2(bits: number) {
    if (![224, 256, 384, 512].includes(bits)) throw typeError(`sha2(${bits}): SHA-2 hashes have 224, 256, 384 or 512 bits`, "e.g. sha2(256)");
    return this.str("SHA2", [literalNode(bits)]);
  }
  and(o: unknown) { return this.logic("AND", o); }
  or(o: unknown) { return this.logic("OR", o); }
  not() {
    this.requireKind(["BOOLEAN"], "not");
    return call("NOT", [this.node], BOOL(this.node.type.nullable));
  }
  private logic(op: "AND" | "OR", o: unknown): ExprImpl {
    const rhs = literalNode(o);
    if (this.node.type.kind !== "BOOLEAN" || rhs.type.kind !== "BOOLEAN") {
      throw typeError(`${op} needs BOOLEAN operands, got ${describe(this.node)} and ${describe(rhs)}`, "combine conditions, e.g. a.gt(1).and(b.eq('x'))");
    }
    return call(op, [this.node, rhs], BOOL(this.node.type.nullable || rhs.type.nullable));
  }
  floorTo(unit: TimeUnit) { return this.temporal("FLOOR_TO", unit, this.plainTime()); }
  ceilTo(unit: TimeUnit) { return this.temporal("CEIL_TO", unit, this.plainTime()); }
  format(pattern: string) {
    this.requireKind(["TIMESTAMP", "TIMESTAMP_LTZ", "DATE"], "format");
    return call("DATE_FORMAT", [this.node, literalNode(pattern)], { kind: "STRING", nullable: this.node.type.nullable });
  }
  extract(unit: TimeUnit) { return this.temporal("EXTRACT", unit, { kind: "BIGINT", nullable: this.node.type.nullable }); }
  toDate() {
    this.requireKind(["TIMESTAMP", "TIMESTAMP_LTZ", "DATE"], "toDate");
    return new ExprImpl({ kind: "cast", expr: this.node, type: { kind: "DATE", nullable: this.node.type.nullable } });
  }
  plus(amount: unknown, unit?: TimeUnit) { return this.shift("plus", amount, unit); }
  minus(amount: unknown, unit?: TimeUnit) { return this.shift("minus", amount, unit); }
  /** `time ± INTERVAL ...` for a duration; `TIMESTAMPADD(unit, ±amount, time)` for calendar units. */
  private shift(method: "plus" | "minus", amount: unknown, unit: TimeUnit | undefined): ExprImpl {
    this.requireKind(["TIMESTAMP", "TIMESTAMP_LTZ", "DATE"], method);
    const time = this.node.type;
    const onDate = time.kind === "DATE";
    if (unit === undefined) {
      const ms = parseDuration(amount, `${method}()`);
      // Flink adds hours to a DATE and drops them again: DATE '2024-01-01' + INTERVAL '3' HOUR is 2024-01-01.
      if (onDate && ms % 86_400_000 !== 0) {
        throw typeError(`${method}(${JSON.stringify(amount)}) of ${describe(this.node)}: a DATE has no time of day, so only whole days move it`,
          `write whole days, e.g. ${method}("1d"), or move a timestamp: .cast(t.timestamp(3)).${method}(${JSON.stringify(amount)})`);
      }
      const interval: ExprNode = { kind: "literal", value: String(ms), type: { kind: "BIGINT", nullable: false } };
      return call(method === "plus" ? "PLUS_INTERVAL" : "MINUS_INTERVAL", [this.node, interval], time);
    }
    const unitNode = unitLiteral(unit);
    if (onDate && !DATE_UNITS.includes(unit)) {
      throw typeError(`${method}(_, "${unit}") of ${describe(this.node)}: a DATE moves by ${DATE_UNITS.join(", ")}`, `cast it to a timestamp first: .cast(t.timestamp(3)).${method}(_, "${unit}")`);
    }
    let n = literalNode(amount);
    if (!INTEGER_KINDS.has(n.type.kind)) {
      throw typeError(`${method}(amount, "${unit}") needs a whole number of units, got ${describe(n)}`, `e.g. ${method}(3, "${unit}"), or an integer column`);
    }
    if (method === "minus") n = n.kind === "literal" ? literalNode(-Number(n.value)) : { kind: "call", op: "NEGATE", args: [n], type: n.type };
    return call("TIMESTAMPADD", [unitNode, n, this.node], withNullable(time, time.nullable || n.type.nullable));
  }
  private plainTime(): DataType {
    return this.node.type;
  }
  private temporal(op: CallOp, unit: TimeUnit, type: DataType): ExprImpl {
    this.requireKind(["TIMESTAMP", "TIMESTAMP_LTZ", "DATE"], op.toLowerCase());
    return call(op, [this.node, unitLiteral(unit)], type);
  }
}

const TIME_UNITS: readonly TimeUnit[] = ["SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR"];
const DATE_UNITS: readonly TimeUnit[] = ["DAY", "WEEK", "MONTH", "YEAR"];

/** A time unit as the literal argument its call renders as a keyword. */
function unitLiteral(unit: TimeUnit): ExprNode {
  if (!TIME_UNITS.includes(unit)) throw typeError(`unknown time unit '${unit}'`, `use one of ${TIME_UNITS.join(", ")}`);
  return { kind: "literal", value: unit, type: { kind: "STRING", nullable: false } };
}

// ---- conditions a callback builds but does not return -------------------------------------------

/**
 * The DSL callbacks running now (a stack, should one build another stream), each with the conditions
 * built while it ran. JavaScript's `&&` and `?:` drop an expression without a trace: an expression
 * object is always truthy, so `a.gt(1) && b.eq(2)` is just `b.eq(2)`. A condition the callback built
 * that nothing it returns reaches is that trace.
 *
 * Only BOOLEAN expressions the callback derived are recorded. A dropped condition changes which rows
 * pass or which CASE branch is taken: a silent wrong result. A dropped value (an unused
 * `o.amount.mul(2)`) changes nothing, and it is what legitimate code leaves behind, e.g. a helper
 * that builds a few candidates and returns one. Column references are never recorded: the callback
 * receives them rather than builds them, and destructuring or spreading the row
 * (`({ is_test, ...rest }) => rest`) reads columns it means to drop.
 *
 * What this cannot see: `a || b` never evaluates `b` (a is truthy), `a ?? b` builds nothing to drop,
 * and `o.flag ? x : y` tests a column reference. The type-check reports those (synth/typecheck.ts).
 * `!o.flag` is the plain value false: filter() and select() refuse a plain boolean where they expect
 * an expression.
 */
interface CallbackScope {
  readonly built: { readonly node: ExprNode; readonly site: SourceSite | null }[];
}
const scopes: CallbackScope[] = [];

/**
 * Runs a DSL callback (filter, select, withColumns, a join's select) and refuses a condition it built
 * but dropped, at the user's line where it was built. `where` names the step, e.g. "filter()"; `returned`
 * finds the expressions in what the callback returns (by default: it, or the values of its object).
 */
export function runCallback<X>(where: string, callback: () => X, returned: (result: X) => AnyExpr[] = resultExprs): X {
  const scope: CallbackScope = { built: [] };
  scopes.push(scope);
  let result: X;
  try {
    result = callback();
  } finally {
    scopes.pop();
  }
  if (scope.built.length === 0) return result;
  const reached = new Set<ExprNode>();
  for (const root of returned(result)) addTree(exprNode(root), reached);
  const dropped = scope.built.find((b) => !reached.has(b.node));
  if (dropped) {
    throw new StreamtError({
      code: BuildErrorCode.jsOperatorOnExpr,
      message: `${where} builds a condition it does not return, so the condition would be silently dropped: JavaScript's &&, ||, ! and ?: do not combine expressions`,
      hint: JS_OPERATOR_HINT,
      site: dropped.site,
    });
  }
  return result;
}

/** The expressions a callback returned: one (filter) or an object of columns (select). */
function resultExprs(result: unknown): AnyExpr[] {
  if (isExpr(result)) return [result];
  if (typeof result !== "object" || result === null) return [];
  return Object.values(result).filter(isExpr);
}

function addTree(n: ExprNode, reached: Set<ExprNode>): void {
  if (reached.has(n)) return;
  reached.add(n);
  switch (n.kind) {
    case "column":
    case "literal":
      return;
    case "call":
      for (const a of n.args) addTree(a, reached);
      return;
    case "case":
      for (const b of n.branches) {
        addTree(b.when, reached);
        addTree(b.then, reached);
      }
      if (n.otherwise) addTree(n.otherwise, reached);
      return;
    case "cast":
      addTree(n.expr, reached);
      return;
    default: {
      const unknownKind: never = n;
      throw new Error(`unhandled expression kind ${(unknownKind as ExprNode).kind}`);
    }
  }
}

/** Wraps an IR expression as a typed expression (the DSL's only way to make one). */
export function wrapExpr<C extends Col>(node: ExprNode): Expr<C> {
  return new ExprImpl(node) as unknown as Expr<C>;
}

/**
 * The callback argument of filter/select: one expression per column. A proxy, so a misspelt column in
 * plain JavaScript is an error that names the columns there are, not a silent `undefined`.
 */
export function rowExprs<R extends Row>(schema: readonly Column[], input: 0 | 1, where: string): RowExprs<R> {
  const byName = new Map(schema.map((c) => [c.name, c]));
  const cache = new Map<string, Expr>();
  return new Proxy({} as RowExprs<R>, {
    get(_target, prop) {
      if (typeof prop !== "string") return undefined;
      const hit = cache.get(prop);
      if (hit) return hit;
      const col = byName.get(prop);
      if (!col) {
        throw new StreamtError({
          code: BuildErrorCode.unknownColumn,
          message: `unknown column '${prop}' in ${where}`,
          hint: `available columns: ${schema.map((c) => c.name).join(", ")}`,
        });
      }
      const ref: ColumnRef = col.time ? { kind: "column", name: col.name, input, type: col.type, time: col.time } : { kind: "column", name: col.name, input, type: col.type };
      const e = wrapExpr(ref);
      cache.set(prop, e);
      return e;
    },
    has: (_t, prop) => typeof prop === "string" && byName.has(prop),
    ownKeys: () => schema.map((c) => c.name),
    getOwnPropertyDescriptor: (_t, prop) =>
      typeof prop === "string" && byName.has(prop) ? { enumerable: true, configurable: true } : undefined,
  });
}

// ---- free functions ------------------------------------------------------------------------

/** A literal value as an expression: `lit(0)`, `lit("n/a")`. */
export function lit<V extends number | string | boolean>(
  value: V,
): Expr<Col<V extends number ? "INT" : V extends string ? "STRING" : "BOOLEAN", false, "none">> {
  return wrapExpr(literalNode(value));
}

/** `CURRENT_TIMESTAMP` (TIMESTAMP_LTZ(3)): processing time, for monitoring columns, never for logic. */
export function currentTimestamp(): Expr<Col<"TIMESTAMP_LTZ", false, "none">> {
  return wrapExpr({ kind: "call", op: "CURRENT_TIMESTAMP", args: [], type: { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false } });
}

/** `COALESCE(a, b, ...)`: the first non-null value. */
export function coalesce<C extends Col>(first: Expr<C>, ...rest: Operand<C>[]): Expr<Col<C["__kind"], boolean, "none">> {
  const head = exprNode(first as unknown as AnyExpr);
  const nodes = [head, ...rest.map((r) => literalNode(r, head.type))];
  let type: DataType | undefined = nodes[0]!.type;
  for (const n of nodes.slice(1)) type = type && commonType(type, n.type);
  if (!type) throw typeError("coalesce() arguments have incompatible types", "cast them to one type");
  return wrapExpr({ kind: "call", op: "COALESCE", args: nodes, type: withNullable(type, nodes.every((n) => n.type.nullable)) });
}

/** `CONCAT(a, b, ...)` of strings. */
export function concat(...parts: (Expr<Col<"STRING", boolean, any>> | string)[]): Expr<Col<"STRING", boolean, "none">> {
  const nodes = parts.map((p) => literalNode(p));
  if (nodes.some((n) => n.type.kind !== "STRING")) throw typeError("concat() takes strings", "cast other values with .cast(t.string())");
  return wrapExpr({ kind: "call", op: "CONCAT", args: nodes, type: { kind: "STRING", nullable: nodes.some((n) => n.type.nullable) } });
}

/**
 * `CASE WHEN ... THEN ... ELSE ... END`. Later branches and the ELSE take an expression or a plain
 * value of the first branch's kind (a number after a numeric column, a string after a string, ...).
 * The result is nullable when a branch is, or when there is no ELSE.
 *
 * @example
 * when(o.amount.gt(100), "large").when(o.amount.gt(10), "medium").otherwise("small")
 * // CASE WHEN `amount` > 100 THEN 'large' WHEN `amount` > 10 THEN 'medium' ELSE 'small' END
 * when(o.status.eq("paid"), o.amount).otherwise(0)
 * // CASE WHEN (`status` = 'paid') THEN `amount` ELSE 0 END
 */
export function when<V extends number | string | boolean | AnyExpr>(condition: Expr<Col<"BOOLEAN", boolean, any>>, then: V): CaseBuilder<CaseStart<V>> {
  return new CaseBuilderImpl([]).when(condition, then) as unknown as CaseBuilder<CaseStart<V>>;
}

/** The column picture of a CASE's first branch; a plain number may be any numeric kind. */
type CaseStart<V> = V extends number
  ? Col<NumericKind, false, "none">
  : V extends string
    ? Col<"STRING", false, "none">
    : V extends boolean
      ? Col<"BOOLEAN", false, "none">
      : V extends { readonly __col?: Col<infer K, infer N, any> }
        ? Col<K, N, "none">
        : Col;

/**
 * The kind after one more branch: numeric branches widen like Flink's common type (INT and BIGINT give
 * BIGINT, DECIMAL and DOUBLE give DOUBLE); after a plain-number first branch, a column's kind wins.
 */
type CaseKind<K, W> = [K] extends [NumericKind]
  ? NumericKind extends K
    ? W extends { readonly __col?: Col<infer K2, any, any> } ? K2 : K
    : NumericResult<K & string, W> & NumericKind
  : K;

type CaseNext<C extends Col, W> = Col<CaseKind<C["__kind"], W> & TypeKind, Or<C["__nullable"], NullOfOperand<W>>, "none">;

export interface CaseBuilder<C extends Col> {
  /** Another branch: an expression or a plain value of the first branch's kind. */
  when<W extends Operand<C>>(condition: Expr<Col<"BOOLEAN", boolean, any>>, then: W): CaseBuilder<CaseNext<C, W>>;
  /** The ELSE value: an expression or a plain value of the first branch's kind, e.g. `.otherwise(0)`. */
  otherwise<W extends Operand<C>>(value: W): Expr<CaseNext<C, W>>;
  /** Ends the CASE with no ELSE: unmatched rows get NULL. */
  end(): Expr<Col<C["__kind"], true, "none">>;
}

class CaseBuilderImpl {
  constructor(private readonly branches: readonly { when: ExprNode; then: ExprNode }[]) {}
  when(condition: unknown, then: unknown): CaseBuilderImpl {
    const cond = exprNode(condition as AnyExpr);
    if (cond.type.kind !== "BOOLEAN") throw typeError("when() needs a BOOLEAN condition", "compare values, e.g. o.amount.gt(100)");
    return new CaseBuilderImpl([...this.branches, { when: cond, then: this.value(then) }]);
  }
  otherwise(value: unknown): Expr {
    return this.build(this.value(value));
  }
  end(): Expr {
    return this.build(null);
  }
  /** A plain value is a literal; a Date takes the first branch's timestamp kind (TIMESTAMP_LTZ or not). */
  private value(v: unknown): ExprNode {
    return literalNode(v, v instanceof Date ? this.branches[0]?.then.type : undefined);
  }
  private build(otherwise: ExprNode | null): Expr {
    const results = [...this.branches.map((b) => b.then), ...(otherwise ? [otherwise] : [])];
    let type: DataType | undefined = results[0]!.type;
    for (const r of results.slice(1)) type = type && commonType(type, r.type);
    if (!type) throw typeError(`CASE branches have incompatible types: ${results.map(describe).join(", ")}`, "make every branch the same type, or cast");
    const nullable = otherwise === null || results.some((r) => r.type.nullable);
    // A string CASE's type is the widest branch in Flink (CHAR(n)); STRING keeps sink schemas simple.
    return wrapExpr({ kind: "case", branches: this.branches, otherwise, type: withNullable(type, nullable) });
  }
}

// ---- time, JSON and declared functions ---------------------------------------------------------

/** An expression of one of these kinds (checked by its column picture alone: cheap for the checker, and a union of kinds fits). */
export type ExprOf<K extends TypeKind> = AnyExpr & { readonly __col?: Col<K, boolean, any> };

type TemporalExpr = ExprOf<TemporalKind>;

/**
 * `TIMESTAMPDIFF(unit, from, to)`: the whole units from `from` to `to` (negative when `to` is earlier),
 * an INT as Flink types it. Each side is a TIMESTAMP or a DATE (midnight), or both TIMESTAMP_LTZ.
 *
 * @example
 * timestampDiff("MINUTE", o.ordered_at, o.shipped_at)   // TIMESTAMPDIFF(MINUTE, `ordered_at`, `shipped_at`)
 */
export function timestampDiff<A extends TemporalExpr, B extends TemporalExpr>(unit: TimeUnit, from: A, to: B): Expr<Col<"INT", Or<NullOfOperand<A>, NullOfOperand<B>>, "none">> {
  const a = temporalArg(from, "timestampDiff()");
  const b = temporalArg(to, "timestampDiff()");
  // An instant and a wall-clock time meet only in the session's time zone: another cluster would count differently.
  if ((a.type.kind === "TIMESTAMP_LTZ") !== (b.type.kind === "TIMESTAMP_LTZ")) {
    throw typeError(`timestampDiff() of ${describe(a)} and ${describe(b)}: a TIMESTAMP_LTZ (an instant) and a wall-clock time differ by the session's time zone`,
      "convert one side first, so both are TIMESTAMP_LTZ or both are not");
  }
  return wrapExpr({ kind: "call", op: "TIMESTAMPDIFF", args: [unitLiteral(unit), a, b], type: { kind: "INT", nullable: a.type.nullable || b.type.nullable } });
}

function temporalArg(v: unknown, where: string): ExprNode {
  if (!isExpr(v)) throw typeError(`${where} takes time expressions, got ${typeof v}`, "pass columns or expressions, e.g. o.ordered_at");
  const n = exprNode(v);
  if (n.type.kind !== "TIMESTAMP" && n.type.kind !== "TIMESTAMP_LTZ" && n.type.kind !== "DATE") {
    throw typeError(`${where} takes TIMESTAMP, TIMESTAMP_LTZ or DATE values, got ${describe(n)}`, "pass time columns");
  }
  return n;
}

/** The kinds Flink writes as JSON values (a DATE is written as its 'yyyy-MM-dd' text). */
type JsonKind = "STRING" | "BOOLEAN" | NumericKind | TemporalKind | "ARRAY";
/** A value of a JSON object: an expression of a kind JSON can hold, or a plain value. */
export type JsonInput = ExprOf<JsonKind> | string | number | boolean | null;

const JSON_SCALARS: ReadonlySet<TypeKind> = new Set(["STRING", "BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", "TIMESTAMP", "TIMESTAMP_LTZ"]);

/**
 * A value as Flink's JSON functions take it. A DATE becomes its text: Flink's planner accepts a DATE
 * there but the job fails at run time ("Type 'DATE' ... cannot be converted into JSON"). Kinds not
 * checked on the engine (MAP, ROW, BYTES, arrays of times) are refused rather than risked.
 */
function jsonValueNode(v: unknown, where: string): ExprNode {
  const n = literalNode(v);
  if (n.type.kind === "DATE") return { kind: "cast", expr: n, type: { kind: "STRING", nullable: n.type.nullable } };
  const ok = JSON_SCALARS.has(n.type.kind) || (n.type.kind === "ARRAY" && JSON_SCALARS.has(n.type.element.kind) && !isTimestamp(n.type.element));
  if (!ok) throw typeError(`${where}: ${describe(n)} cannot be written as a JSON value`, "cast it to a STRING first, e.g. .cast(t.string()), or pick its fields");
  return n;
}

/**
 * `JSON_OBJECT(KEY 'k' VALUE v, ...)`: a JSON object text, e.g. for a dead-letter or error record. Values
 * are written as JSON numbers, strings and booleans; a TIMESTAMP as ISO-8601 text ("2024-01-01T10:00:00.5"),
 * a DATE as 'yyyy-MM-dd', an array as a JSON array, another jsonObject() nested as an object. A NULL value
 * is written as null, or left out with `{ onNull: "absent" }`. Pass the row itself (`jsonObject(o)`) for
 * every column. The result is never NULL.
 *
 * @example
 * jsonObject({ id: o.order_id, amount: o.amount, reason: "negative amount" })
 * // JSON_OBJECT(KEY 'id' VALUE `order_id`, KEY 'amount' VALUE `amount`, KEY 'reason' VALUE 'negative amount')
 */
export function jsonObject(entries: { readonly [key: string]: JsonInput }, options: { readonly onNull?: "null" | "absent" } = {}): Expr<Col<"STRING", false, "none">> {
  if (typeof entries !== "object" || entries === null || isExpr(entries)) throw typeError("jsonObject() takes an object of keys and values", "e.g. jsonObject({ id: o.id, amount: o.amount })");
  const onNull = options.onNull ?? "null";
  if (onNull !== "null" && onNull !== "absent") throw typeError(`jsonObject(): onNull is "null" or "absent", got ${JSON.stringify(onNull)}`, 'write { onNull: "absent" } to leave NULL values out');
  const args: ExprNode[] = [{ kind: "literal", value: onNull === "absent" ? "ABSENT" : "NULL", type: { kind: "STRING", nullable: false } }];
  for (const [key, value] of Object.entries(entries)) args.push(literalNode(key), jsonValueNode(value, `jsonObject() key '${key}'`));
  if (args.length === 1) throw typeError("jsonObject() needs at least one key", "e.g. jsonObject({ id: o.id })");
  return wrapExpr({ kind: "call", op: "JSON_OBJECT", args, type: { kind: "STRING", nullable: false } });
}

/**
 * `JSON_STRING(v)`: one value as JSON text (a string quoted, a number as digits); NULL stays NULL.
 *
 * @example
 * jsonString(o.name)   // 'Ann' -> '"Ann"'
 */
export function jsonString<E extends ExprOf<JsonKind>>(value: E): Expr<Col<"STRING", NullOfOperand<E>, "none">> {
  if (!isExpr(value)) throw typeError("jsonString() takes an expression", "e.g. jsonString(o.name)");
  const n = jsonValueNode(value, "jsonString()");
  return wrapExpr({ kind: "call", op: "JSON_STRING", args: [n], type: { kind: "STRING", nullable: n.type.nullable } });
}

/** What a declared argument of column type C takes: an expression of its kind (any numeric for a number), or a plain value. */
type DeclaredArg<C extends Col> = C["__kind"] extends NumericKind
  ? ExprOf<NumericKind> | number
  : C["__kind"] extends "STRING"
    ? ExprOf<"STRING"> | string
    : C["__kind"] extends "BOOLEAN"
      ? ExprOf<"BOOLEAN"> | boolean
      : C["__kind"] extends TemporalKind
        ? ExprOf<C["__kind"]> | Date
        : ExprOf<C["__kind"]>;
type DeclaredArgs<A extends readonly ColumnType[]> = { readonly [I in keyof A]: A[I] extends ColumnType<infer C> ? DeclaredArg<C> : never };
type AnyNullable<P extends readonly unknown[]> = true extends { [I in keyof P]: NullOfOperand<P[I]> }[number] ? true : false;

/** A Flink built-in declared with `fn()`: called with arguments of the declared kinds. */
export type DeclaredFunction<A extends readonly ColumnType[], R extends Col> = <P extends DeclaredArgs<A>>(
  ...args: P
) => Expr<Col<R["__kind"], Or<R["__nullable"], AnyNullable<P>>, "none">>;

/**
 * Any Flink built-in function the DSL has no method for, declared with its argument and result types:
 * calls are type-checked against the declaration, and Flink's planner (synth --validate, validate) checks
 * that the function exists and takes those types. The name is an identifier (letters, digits, '_'), so it
 * cannot change the script around it. The result is nullable when declared so or when an argument is
 * nullable; declare `.nullable()` when the function can return NULL for values that are not.
 *
 * @example
 * const regexpExtract = fn("REGEXP_EXTRACT", { args: [t.string(), t.string(), t.int()], returns: t.string().nullable() });
 * orders.select((o) => ({ code: regexpExtract(o.ref, "^([A-Z]+)-", 1) }))   // REGEXP_EXTRACT(`ref`, '^([A-Z]+)-', 1)
 */
export function fn<const A extends readonly ColumnType[], R extends Col>(name: string, signature: { readonly args: A; readonly returns: ColumnType<R> }): DeclaredFunction<A, R> {
  const site = callSite();
  if (typeof name !== "string" || !FUNCTION_NAME.test(name)) {
    throw new StreamtError({
      code: BuildErrorCode.invalidName,
      message: `fn(${JSON.stringify(name)}): a function name has letters, digits and '_' only, starting with a letter`,
      hint: 'write the name as Flink\'s documentation spells it, e.g. fn("REGEXP_EXTRACT", ...)',
      site,
    });
  }
  const declared = signature?.args;
  if (!Array.isArray(declared) || !declared.every(isColumnType) || !isColumnType(signature.returns)) {
    throw new StreamtError({
      code: BuildErrorCode.invalidArgument,
      message: `fn("${name}"): declare { args: [...], returns } with column types`,
      hint: `e.g. fn("${name}", { args: [t.string(), t.int()], returns: t.string().nullable() })`,
      site,
    });
  }
  const returns = signature.returns.type;
  const named: ExprNode = { kind: "literal", value: name, type: { kind: "STRING", nullable: false } };
  const declaredFn = (...args: unknown[]) => {
    if (args.length !== declared.length) {
      throw typeError(`${name}() is declared with ${declared.length} argument(s), called with ${args.length}`, `pass ${declared.map((d) => formatType(d.type)).join(", ") || "no arguments"}`);
    }
    const nodes = args.map((a, i) => {
      const want = declared[i]!.type;
      const n = literalNode(a, want);
      const fits = isNumeric(want) ? isNumeric(n.type) : n.type.kind === want.kind;
      if (!fits) throw typeError(`${name}() argument ${i + 1} is declared ${formatType(withNullable(want, true))}, got ${describe(n)}`, "pass a value of the declared type, or cast it");
      return n;
    });
    return wrapExpr({ kind: "call", op: "FUNCTION", args: [named, ...nodes], type: withNullable(returns, returns.nullable || nodes.some((n) => n.type.nullable)) });
  };
  return declaredFn as unknown as DeclaredFunction<A, R>;
}

export type { TimestampKind };
