import type { z } from "zod";
import type { DataType, Field, TypeKind } from "../ir/data-type.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import type { Col } from "./schema.js";

/**
 * Zod object schemas as source schemas. The mapping, the same in the types (ZodRow) and at run time
 * (zodFields):
 * z.string() (and its formats) / z.enum() -> STRING; z.iso.datetime() and z.date() -> TIMESTAMP(3);
 * z.number() -> DOUBLE; the number formats by NUMBER_FORMATS (z.int(), z.int32(), z.uint32() -> BIGINT;
 * z.float32(), z.float64() -> DOUBLE); z.bigint(), z.int64(), z.uint64() -> BIGINT; z.boolean() -> BOOLEAN;
 * z.array() -> ARRAY; z.object() -> ROW; z.record() -> MAP<STRING, V>; .optional() / .nullable() -> nullable.
 * Anything else has no column type (`never` in the types; a build error at run time). z.number().int()
 * is refused: its static type is a plain ZodNumber, so the types could only call it DOUBLE; use z.int().
 */
export type ZodRow<S extends z.ZodObject> = { readonly [K in keyof S["shape"]]: ZodCol<S["shape"][K]> };

/** The column kind of each zod number format (z.int() is "safeint"); the types read this table too. */
export const NUMBER_FORMATS = {
  safeint: "BIGINT",
  int32: "BIGINT",
  uint32: "BIGINT",
  float32: "DOUBLE",
  float64: "DOUBLE",
} as const satisfies Record<z.core.$ZodNumberFormats, TypeKind>;

type ZodCol<T> = T extends z.ZodOptional<infer I> | z.ZodNullable<infer I>
  ? ZodCol<I> extends Col<infer K, any, any> ? Col<K, true, "none"> : never
  : Col<ZodKind<T>, false, "none">;

type ZodKind<T> = T extends z.ZodISODateTime | z.ZodDate
  ? "TIMESTAMP"
  : T extends z.ZodString | z.ZodStringFormat | z.ZodEnum<any>
    ? "STRING"
    : T extends z.ZodNumberFormat<infer F>
      ? (typeof NUMBER_FORMATS)[F]
      : T extends z.ZodNumber
        ? "DOUBLE"
        : T extends z.ZodBigInt
          ? "BIGINT"
          : T extends z.ZodBoolean
            ? "BOOLEAN"
            : T extends z.ZodArray<any>
              ? "ARRAY"
              : T extends z.ZodObject
                ? "ROW"
                : T extends z.ZodRecord
                  ? "MAP"
                  : never;

interface ZodLike {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly format?: string;
      readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly format?: string } } }[];
      readonly innerType?: ZodLike;
      readonly element?: ZodLike;
      readonly shape?: Record<string, ZodLike>;
      readonly valueType?: ZodLike;
    };
  };
}

export function isZodObject(v: unknown): v is z.ZodObject {
  const def = (v as ZodLike | null)?._zod?.def;
  return typeof v === "object" && v !== null && def?.type === "object" && typeof def.shape === "object";
}

function unsupported(path: string, type: string): StreamtError {
  return new StreamtError({
    code: BuildErrorCode.invalidArgument,
    message: `zod type '${type}' of field '${path}' has no Flink column type`,
    hint: "use string, enum, number, z.int(), z.int32(), z.uint32(), z.float32(), z.float64(), bigint, boolean, z.iso.datetime(), z.date(), array, object, record, optional or nullable",
  });
}

function toDataType(schema: ZodLike, path: string): DataType {
  const def = schema._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
      return { ...toDataType(def.innerType!, path), nullable: true };
    case "string":
      return def.format === "datetime" ? { kind: "TIMESTAMP", precision: 3, nullable: false } : { kind: "STRING", nullable: false };
    case "enum":
      return { kind: "STRING", nullable: false };
    case "number": {
      if (def.format === undefined) {
        if (def.checks?.some((c) => c._zod.def.check === "number_format")) {
          throw new StreamtError({
            code: BuildErrorCode.invalidArgument,
            message: `field '${path}' is z.number() with an integer check (.int() / .safe()), which the types can only see as a plain number (DOUBLE)`,
            hint: "use z.int() (BIGINT), or z.number() for DOUBLE",
          });
        }
        return { kind: "DOUBLE", nullable: false };
      }
      const kind = (NUMBER_FORMATS as Record<string, "BIGINT" | "DOUBLE" | undefined>)[def.format];
      if (kind === undefined) throw unsupported(path, `number (${def.format})`);
      return { kind, nullable: false };
    }
    case "bigint":
      return { kind: "BIGINT", nullable: false };
    case "boolean":
      return { kind: "BOOLEAN", nullable: false };
    case "date":
      return { kind: "TIMESTAMP", precision: 3, nullable: false };
    case "array":
      return { kind: "ARRAY", element: toDataType(def.element!, `${path}[]`), nullable: false };
    case "object":
      return { kind: "ROW", fields: zodFields(schema as unknown as z.ZodObject, `${path}.`), nullable: false };
    case "record":
      return { kind: "MAP", key: { kind: "STRING", nullable: false }, value: toDataType(def.valueType!, `${path}{}`), nullable: false };
    default:
      throw unsupported(path, def.type);
  }
}

export function zodFields(schema: z.ZodObject, prefix = ""): Field[] {
  return Object.entries(schema.shape as Record<string, ZodLike>).map(([name, s]) => ({ name, type: toDataType(s, prefix + name) }));
}
