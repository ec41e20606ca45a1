/**
 * Flink logical data types as plain, serialisable values.
 *
 * The IR carries these on every column so that emitters never guess a type, and so that result
 * types follow Flink's own rules (see `decimal-rules` below) rather than being copied from inputs.
 */

export type SimpleKind =
  | "STRING"
  | "BOOLEAN"
  | "TINYINT"
  | "SMALLINT"
  | "INT"
  | "BIGINT"
  | "FLOAT"
  | "DOUBLE"
  | "DATE"
  | "BYTES";

export type DataType =
  | { readonly kind: SimpleKind; readonly nullable: boolean }
  | { readonly kind: "DECIMAL"; readonly precision: number; readonly scale: number; readonly nullable: boolean }
  | { readonly kind: "TIMESTAMP" | "TIMESTAMP_LTZ"; readonly precision: number; readonly nullable: boolean }
  | { readonly kind: "ARRAY"; readonly element: DataType; readonly nullable: boolean }
  | { readonly kind: "MAP"; readonly key: DataType; readonly value: DataType; readonly nullable: boolean }
  | { readonly kind: "ROW"; readonly fields: readonly Field[]; readonly nullable: boolean };

export type TypeKind = DataType["kind"];

export interface Field {
  readonly name: string;
  readonly type: DataType;
}

export const INTEGER_KINDS: ReadonlySet<TypeKind> = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT"]);
export const NUMERIC_KINDS: ReadonlySet<TypeKind> = new Set([
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "DECIMAL",
]);
export const TIMESTAMP_KINDS: ReadonlySet<TypeKind> = new Set(["TIMESTAMP", "TIMESTAMP_LTZ"]);

export const isNumeric = (t: DataType): boolean => NUMERIC_KINDS.has(t.kind);
export const isTimestamp = (t: DataType): boolean => TIMESTAMP_KINDS.has(t.kind);

export function withNullable<T extends DataType>(type: T, nullable: boolean): T {
  return type.nullable === nullable ? type : { ...type, nullable };
}

/**
 * The type with everything inside it nullable (array elements, map keys and values, row fields), its own
 * nullability kept: what a source column can really hold, since a topic does not check nested NOT NULL.
 */
export function nullableInside(type: DataType): DataType {
  const inner = (t: DataType): DataType => withNullable(nullableInside(t), true);
  switch (type.kind) {
    case "ARRAY":
      return { ...type, element: inner(type.element) };
    case "MAP":
      return { ...type, key: inner(type.key), value: inner(type.value) };
    case "ROW":
      return { ...type, fields: type.fields.map((f) => ({ name: f.name, type: inner(f.type) })) };
    default:
      return type;
  }
}

/** Renders a type in Flink SQL DDL syntax, e.g. `DECIMAL(10, 2) NOT NULL`. */
export function formatType(type: DataType, quoteIdent: (name: string) => string = (n) => n): string {
  const notNull = type.nullable ? "" : " NOT NULL";
  switch (type.kind) {
    case "DECIMAL":
      return `DECIMAL(${type.precision}, ${type.scale})${notNull}`;
    case "TIMESTAMP":
      return `TIMESTAMP(${type.precision})${notNull}`;
    case "TIMESTAMP_LTZ":
      return `TIMESTAMP_LTZ(${type.precision})${notNull}`;
    case "ARRAY":
      return `ARRAY<${formatType(type.element, quoteIdent)}>${notNull}`;
    case "MAP":
      return `MAP<${formatType(type.key, quoteIdent)}, ${formatType(type.value, quoteIdent)}>${notNull}`;
    case "ROW":
      return `ROW<${type.fields.map((f) => `${quoteIdent(f.name)} ${formatType(f.type, quoteIdent)}`).join(", ")}>${notNull}`;
    default:
      return `${type.kind}${notNull}`;
  }
}

/** Two types are the same apart from nullability (what join keys and unions need). */
export function sameTypeIgnoringNull(a: DataType, b: DataType): boolean {
  return formatType(withNullable(a, true)) === formatType(withNullable(b, true));
}

// ---- Flink's result-type rules (org.apache.flink.table.types.logical.utils.LogicalTypeMerging) ----

const MAX_DECIMAL_PRECISION = 38;
const MIN_ADJUSTED_SCALE = 6;

/** Integers widen to the decimal that holds them exactly (INT -> DECIMAL(10, 0)). */
function asDecimal(t: DataType): { precision: number; scale: number } | undefined {
  switch (t.kind) {
    case "DECIMAL":
      return { precision: t.precision, scale: t.scale };
    case "TINYINT":
      return { precision: 3, scale: 0 };
    case "SMALLINT":
      return { precision: 5, scale: 0 };
    case "INT":
      return { precision: 10, scale: 0 };
    case "BIGINT":
      return { precision: 19, scale: 0 };
    default:
      return undefined;
  }
}

/** When a result would exceed 38 digits, Flink keeps the integer part and trims the scale (down to 6). */
function adjustPrecisionScale(precision: number, scale: number): { precision: number; scale: number } {
  if (precision <= MAX_DECIMAL_PRECISION) return { precision, scale };
  const integerDigits = precision - scale;
  const minScale = Math.min(scale, MIN_ADJUSTED_SCALE);
  return { precision: MAX_DECIMAL_PRECISION, scale: Math.max(MAX_DECIMAL_PRECISION - integerDigits, minScale) };
}

const INTEGER_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";

/** The type of `a <op> b` as Flink derives it. */
export function arithmeticResultType(op: ArithmeticOp, a: DataType, b: DataType): DataType {
  const nullable = a.nullable || b.nullable;
  if (a.kind === "DOUBLE" || b.kind === "DOUBLE" || a.kind === "FLOAT" || b.kind === "FLOAT") {
    const kind = a.kind === "DOUBLE" || b.kind === "DOUBLE" ? "DOUBLE" : "FLOAT";
    // FLOAT op DECIMAL is DOUBLE in Flink.
    return { kind: kind === "FLOAT" && (a.kind === "DECIMAL" || b.kind === "DECIMAL") ? "DOUBLE" : kind, nullable };
  }
  if (a.kind === "DECIMAL" || b.kind === "DECIMAL") {
    const da = asDecimal(a);
    const db = asDecimal(b);
    if (!da || !db) throw new Error(`arithmetic on ${a.kind} and ${b.kind}`);
    const { precision: p1, scale: s1 } = da;
    const { precision: p2, scale: s2 } = db;
    let r: { precision: number; scale: number };
    switch (op) {
      case "+":
      case "-": {
        const scale = Math.max(s1, s2);
        r = adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
        break;
      }
      case "*":
        // Flink's multiplication keeps one more digit than p1 + p2 (checked against its planner).
        r = adjustPrecisionScale(p1 + p2 + 1, s1 + s2);
        break;
      case "/": {
        const scale = Math.max(MIN_ADJUSTED_SCALE, s1 + p2 + 1);
        r = adjustPrecisionScale(p1 - s1 + s2 + scale, scale);
        break;
      }
      case "%": {
        const scale = Math.max(s1, s2);
        r = adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + scale, scale);
        break;
      }
    }
    return { kind: "DECIMAL", precision: r.precision, scale: r.scale, nullable };
  }
  // Integer op integer keeps the wider integer type (and `/` is integer division).
  const rank = Math.max(INTEGER_RANK[a.kind] ?? 3, INTEGER_RANK[b.kind] ?? 3);
  const kind = (Object.keys(INTEGER_RANK).find((k) => INTEGER_RANK[k] === rank) ?? "INT") as SimpleKind;
  return { kind, nullable };
}

/** SUM: integers and floats keep their type; DECIMAL(p, s) becomes DECIMAL(38, s). */
export function sumResultType(arg: DataType): DataType {
  if (arg.kind === "DECIMAL") return { kind: "DECIMAL", precision: MAX_DECIMAL_PRECISION, scale: arg.scale, nullable: arg.nullable };
  return arg;
}

/** AVG: DECIMAL(p, s) becomes DECIMAL(38, max(6, s)); other numerics keep their type (AVG of INT is INT). */
export function avgResultType(arg: DataType): DataType {
  if (arg.kind === "DECIMAL") {
    return {
      kind: "DECIMAL",
      precision: MAX_DECIMAL_PRECISION,
      scale: Math.max(MIN_ADJUSTED_SCALE, arg.scale),
      nullable: arg.nullable,
    };
  }
  return arg;
}

/** Type of a numeric literal as Flink's parser reads it: 7 is INT, 3000000000 is BIGINT, 1.50 is DECIMAL(3, 2). */
export function numericLiteralType(text: string): DataType {
  if (/^-?\d+$/.test(text)) {
    const value = BigInt(text);
    const fitsInt = value >= -(2n ** 31n) && value < 2n ** 31n;
    return { kind: fitsInt ? "INT" : "BIGINT", nullable: false };
  }
  const digits = text.replace(/^-/, "");
  const [intPart = "", fracPart = ""] = digits.split(".");
  const scale = fracPart.length;
  const precision = Math.max(intPart.replace(/^0+/, "").length + scale, scale, 1);
  return { kind: "DECIMAL", precision, scale, nullable: false };
}

/** The least common type of two types (for CASE branches, COALESCE, UNION columns). */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  const nullable = a.nullable || b.nullable;
  if (sameTypeIgnoringNull(a, b)) return withNullable(a, nullable);
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === "DOUBLE" || b.kind === "DOUBLE" || a.kind === "FLOAT" || b.kind === "FLOAT") return { kind: "DOUBLE", nullable };
    const da = asDecimal(a);
    const db = asDecimal(b);
    if (a.kind === "DECIMAL" || b.kind === "DECIMAL") {
      if (!da || !db) return undefined;
      const scale = Math.max(da.scale, db.scale);
      const integerDigits = Math.max(da.precision - da.scale, db.precision - db.scale);
      return { kind: "DECIMAL", precision: Math.min(integerDigits + scale, MAX_DECIMAL_PRECISION), scale, nullable };
    }
    return arithmeticResultType("+", withNullable(a, nullable), b);
  }
  if (a.kind === "STRING" && b.kind === "STRING") return { kind: "STRING", nullable };
  if (isTimestamp(a) && a.kind === b.kind && "precision" in a && "precision" in b) {
    return { kind: a.kind, precision: Math.max(a.precision, b.precision), nullable } as DataType;
  }
  return undefined;
}
