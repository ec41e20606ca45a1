import type { z } from "zod";
import type { DataType, Field } from "../ir/data-type.js";
import { BuildErrorCode, StreamtError } from "../errors.js";
import type { Col } from "./schema.js";

/**
 * Zod object schemas as source schemas. The mapping:
 * string / enum / literal string -> STRING; z.iso.datetime() and z.date() -> TIMESTAMP(3);
 * z.int() / .int() -> BIGINT; number -> DOUBLE; bigint -> BIGINT; boolean -> BOOLEAN;
 * array -> ARRAY; object -> ROW; record -> MAP<STRING, V>; optional / nullable -> nullable.
 */
export type ZodRow<S extends z.ZodObject> = { readonly [K in keyof S["shape"]]: ZodCol<S["shape"][K]> };

type ZodCol<T> = T extends z.ZodOptional<infer I> | z.ZodNullable<infer I>
  ? ZodCol<I> extends Col<infer K, any, any> ? Col<K, true, "none"> : never
  : Col<ZodKind<T>, false, "none">;

type ZodKind<T> = T extends z.ZodISODateTime | z.ZodDate
  ? "TIMESTAMP"
  : T extends z.ZodString | z.ZodEnum<any>
    ? "STRING"
    : T extends z.ZodNumberFormat | z.ZodBigInt
      ? "BIGINT"
      : T extends z.ZodNumber
        ? "DOUBLE"
        : T extends z.ZodBoolean
          ? "BOOLEAN"
          : T extends z.ZodArray<any>
            ? "ARRAY"
            : T extends z.ZodObject
              ? "ROW"
              : T extends z.ZodRecord
                ? "MAP"
                : "STRING";

interface ZodLike {
  readonly _zod: { readonly def: { readonly type: string; readonly format?: string; readonly innerType?: ZodLike; readonly element?: ZodLike; readonly shape?: Record<string, ZodLike>; readonly valueType?: ZodLike } };
  readonly isInt?: boolean;
}

export function isZodObject(v: unknown): v is z.ZodObject {
  const def = (v as ZodLike | null)?._zod?.def;
  return typeof v === "object" && v !== null && def?.type === "object" && typeof def.shape === "object";
}

function unsupported(path: string, type: string): StreamtError {
  return new StreamtError({
    code: BuildErrorCode.invalidArgument,
    message: `zod type '${type}' of field '${path}' has no Flink column type`,
    hint: "use string, number, z.int(), boolean, z.iso.datetime(), z.date(), array, object, record, enum, optional or nullable",
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
    case "number":
      return schema.isInt || def.format === "safeint" || def.format === "int32" ? { kind: "BIGINT", nullable: false } : { kind: "DOUBLE", nullable: false };
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
