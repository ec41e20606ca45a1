import type { DataType, Field, TypeKind } from "../ir/data-type.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import { callSite } from "./call-site.js";

/** The static picture of a column: its Flink type kind, nullability and time-attribute tag. */
export interface Col<K extends TypeKind = TypeKind, N extends boolean = boolean, A extends TimeTag = TimeTag> {
  readonly __kind: K;
  readonly __nullable: N;
  readonly __time: A;
}

export type TimeTag = "none" | "rowtime" | "proctime";

/** A row type: column name to column picture. */
export type Row = { readonly [name: string]: Col };

export type NumericKind = "TINYINT" | "SMALLINT" | "INT" | "BIGINT" | "FLOAT" | "DOUBLE" | "DECIMAL";
export type TimestampKind = "TIMESTAMP" | "TIMESTAMP_LTZ";
export type TemporalKind = TimestampKind | "DATE";

const COLUMN_TYPE = Symbol.for("streamt-sdk.column-type");

/** A column type built with `t.*`. It carries the Flink type at run time and its `Col` statically. */
export interface ColumnType<C extends Col = Col> {
  readonly [COLUMN_TYPE]: true;
  readonly type: DataType;
  /** Phantom: the static column picture. */
  readonly __col?: C;
  /** The column may be NULL. */
  nullable(): ColumnType<Col<C["__kind"], true, "none">>;
  /** The column is never NULL (the default). */
  notNull(): ColumnType<Col<C["__kind"], false, "none">>;
}

export function isColumnType(v: unknown): v is ColumnType {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[COLUMN_TYPE] === true;
}

function columnType<C extends Col>(type: DataType): ColumnType<C> {
  return {
    [COLUMN_TYPE]: true,
    type,
    nullable: () => columnType({ ...type, nullable: true }),
    notNull: () => columnType({ ...type, nullable: false }),
  };
}

const ROW_SCHEMA = Symbol.for("streamt-sdk.row-schema");

/** A row schema made with `t.row({...})`: a named list of fields; also usable as a nested ROW column. */
export interface RowSchema<R extends Row = Row> extends ColumnType<Col<"ROW", false, "none">> {
  readonly [ROW_SCHEMA]: true;
  readonly fields: readonly Field[];
  /** Phantom: the static row. */
  readonly __row?: R;
}

export function isRowSchema(v: unknown): v is RowSchema {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[ROW_SCHEMA] === true;
}

type ColsOfFields<F extends Record<string, ColumnType>> = {
  readonly [K in keyof F]: F[K] extends ColumnType<infer C> ? C : never;
};

function assertPrecision(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StreamtError({
      code: BuildErrorCode.invalidArgument,
      message: `${name} must be a whole number from ${min} to ${max}, got ${value}`,
      hint: `e.g. t.decimal(10, 2) or t.timestamp(3)`,
      site: callSite(),
    });
  }
}

/**
 * Flink column types. Columns are NOT NULL unless marked `.nullable()`.
 *
 * @example
 * const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), ts: t.timestamp(3) });
 * // CREATE TABLE ... (`order_id` STRING NOT NULL, `amount` DECIMAL(10, 2) NOT NULL, `ts` TIMESTAMP(3) NOT NULL, ...)
 */
export const t = {
  string: () => columnType<Col<"STRING", false, "none">>({ kind: "STRING", nullable: false }),
  boolean: () => columnType<Col<"BOOLEAN", false, "none">>({ kind: "BOOLEAN", nullable: false }),
  tinyint: () => columnType<Col<"TINYINT", false, "none">>({ kind: "TINYINT", nullable: false }),
  smallint: () => columnType<Col<"SMALLINT", false, "none">>({ kind: "SMALLINT", nullable: false }),
  int: () => columnType<Col<"INT", false, "none">>({ kind: "INT", nullable: false }),
  bigint: () => columnType<Col<"BIGINT", false, "none">>({ kind: "BIGINT", nullable: false }),
  float: () => columnType<Col<"FLOAT", false, "none">>({ kind: "FLOAT", nullable: false }),
  double: () => columnType<Col<"DOUBLE", false, "none">>({ kind: "DOUBLE", nullable: false }),
  bytes: () => columnType<Col<"BYTES", false, "none">>({ kind: "BYTES", nullable: false }),
  date: () => columnType<Col<"DATE", false, "none">>({ kind: "DATE", nullable: false }),
  decimal: (precision: number, scale: number) => {
    assertPrecision("decimal precision", precision, 1, 38);
    assertPrecision("decimal scale", scale, 0, precision);
    return columnType<Col<"DECIMAL", false, "none">>({ kind: "DECIMAL", precision, scale, nullable: false });
  },
  /** TIMESTAMP(p): a wall-clock date-time without time zone. Event time is usually TIMESTAMP(3). */
  timestamp: (precision = 3) => {
    assertPrecision("timestamp precision", precision, 0, 9);
    return columnType<Col<"TIMESTAMP", false, "none">>({ kind: "TIMESTAMP", precision, nullable: false });
  },
  /** TIMESTAMP_LTZ(p): an instant on the time line (epoch-based). */
  timestampLtz: (precision = 3) => {
    assertPrecision("timestamp precision", precision, 0, 9);
    return columnType<Col<"TIMESTAMP_LTZ", false, "none">>({ kind: "TIMESTAMP_LTZ", precision, nullable: false });
  },
  array: <E extends Col>(element: ColumnType<E>) =>
    columnType<Col<"ARRAY", false, "none">>({ kind: "ARRAY", element: element.type, nullable: false }),
  map: <K extends Col, V extends Col>(key: ColumnType<K>, value: ColumnType<V>) =>
    columnType<Col<"MAP", false, "none">>({ kind: "MAP", key: key.type, value: value.type, nullable: false }),
  row: <F extends Record<string, ColumnType>>(fields: F): RowSchema<ColsOfFields<F>> => {
    // Flink has no empty ROW type: a source or nested row of no fields fails in its planner.
    if (typeof fields !== "object" || fields === null || Object.keys(fields).length === 0) {
      throw new StreamtError({ code: BuildErrorCode.invalidArgument, message: "t.row() needs at least one field", hint: "e.g. t.row({ id: t.string() })", site: callSite() });
    }
    const list: Field[] = Object.entries(fields).map(([name, ct]) => {
      if (!isColumnType(ct)) {
        throw new StreamtError({
          code: BuildErrorCode.invalidArgument,
          message: `field '${name}' of t.row() is not a column type`,
          hint: "use t.string(), t.int(), t.decimal(p, s), t.timestamp(3), ...",
          site: callSite(),
        });
      }
      return { name, type: ct.type };
    });
    const base = columnType<Col<"ROW", false, "none">>({ kind: "ROW", fields: list, nullable: false });
    return { ...base, [ROW_SCHEMA]: true, fields: list };
  },
};

/** The TypeScript value type of a row, e.g. for typing test fixtures: `Infer<typeof Order>`. */
export type Infer<S> = S extends RowSchema<infer R> ? { -readonly [K in keyof R]: ValueOf<R[K]> } : never;

type BaseValue<K extends TypeKind> = K extends "STRING"
  ? string
  : K extends "BOOLEAN"
    ? boolean
    : K extends NumericKind
      ? number
      : K extends TemporalKind
        ? string
        : unknown;

export type ValueOf<C extends Col> = C["__nullable"] extends true ? BaseValue<C["__kind"]> | null : BaseValue<C["__kind"]>;
