/**
 * The zod-to-Flink column mapping in the types: the same fields as test/dsl/zod-schema.test.ts, whose
 * run-time Flink types these kinds must match.
 */
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { source, type Col } from "streamt-sdk";

const Everything = z.object({
  string: z.string(),
  email: z.email(),
  isoDate: z.iso.date(),
  enum: z.enum(["a", "b"]),
  isoDatetime: z.iso.datetime(),
  date: z.date(),
  number: z.number(),
  numberMin: z.number().min(0),
  int: z.int(),
  int32: z.int32(),
  uint32: z.uint32(),
  float32: z.float32(),
  float64: z.float64(),
  bigint: z.bigint(),
  int64: z.int64(),
  uint64: z.uint64(),
  boolean: z.boolean(),
  array: z.array(z.float64()),
  object: z.object({ n: z.int(), x: z.float64() }),
  record: z.record(z.string(), z.float32()),
  optional: z.float64().optional(),
  nullable: z.int32().nullable(),
  nullish: z.number().nullish(),
});

describe("zod schemas as Flink columns (types)", () => {
  it("gives every supported zod type the kind the run-time mapping gives it", () => {
    const s = source("z", { topic: "z", schema: Everything });
    expectTypeOf(s.__row!).toEqualTypeOf<{
      readonly string: Col<"STRING", false, "none">;
      readonly email: Col<"STRING", false, "none">;
      readonly isoDate: Col<"STRING", false, "none">;
      readonly enum: Col<"STRING", false, "none">;
      readonly isoDatetime: Col<"TIMESTAMP", false, "none">;
      readonly date: Col<"TIMESTAMP", false, "none">;
      readonly number: Col<"DOUBLE", false, "none">;
      readonly numberMin: Col<"DOUBLE", false, "none">;
      readonly int: Col<"BIGINT", false, "none">;
      readonly int32: Col<"BIGINT", false, "none">;
      readonly uint32: Col<"BIGINT", false, "none">;
      readonly float32: Col<"DOUBLE", false, "none">;
      readonly float64: Col<"DOUBLE", false, "none">;
      readonly bigint: Col<"BIGINT", false, "none">;
      readonly int64: Col<"BIGINT", false, "none">;
      readonly uint64: Col<"BIGINT", false, "none">;
      readonly boolean: Col<"BOOLEAN", false, "none">;
      readonly array: Col<"ARRAY", false, "none">;
      readonly object: Col<"ROW", false, "none">;
      readonly record: Col<"MAP", false, "none">;
      readonly optional: Col<"DOUBLE", true, "none">;
      readonly nullable: Col<"BIGINT", true, "none">;
      readonly nullish: Col<"DOUBLE", true, "none">;
    }>();
  });

  it("a float64 column takes DOUBLE arithmetic, not BIGINT", () => {
    const s = source("m", { topic: "m", schema: z.object({ price: z.float64(), qty: z.int() }) });
    expectTypeOf(s.select((r) => ({ total: r.price.mul(r.qty) })).__row!).toEqualTypeOf<{ readonly total: Col<"DOUBLE", false, "none"> }>();
  });

  it("types without a column type have kind never (the run-time mapping refuses them)", () => {
    const s = source("u", { topic: "u", schema: z.object({ lit: z.literal("a"), either: z.union([z.string(), z.number()]) }) });
    expectTypeOf(s.__row!.lit.__kind).toEqualTypeOf<never>();
    expectTypeOf(s.__row!.either.__kind).toEqualTypeOf<never>();
  });
});
