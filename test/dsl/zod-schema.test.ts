/**
 * The zod-to-Flink column mapping at run time, over every zod type it supports. The same schema's
 * static column kinds are asserted in test/types/zod-schema.test-d.ts: the two must agree.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pipeline, source } from "streamt-sdk";
import { zodFields } from "../../packages/streamt-sdk/src/dsl/zod-schema.js";
import { formatType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { StreamtError } from "../../packages/streamt-sdk/src/errors.js";
import { statementOf } from "../helpers.js";

/** One field per supported zod type (the type-level test uses the same fields). */
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

const columns = (schema: z.ZodObject): Record<string, string> => Object.fromEntries(zodFields(schema).map((f) => [f.name, formatType(f.type)]));

describe("zod schemas as Flink columns", () => {
  it("maps every supported zod type to its Flink type", () => {
    expect(columns(Everything)).toEqual({
      string: "STRING NOT NULL",
      email: "STRING NOT NULL",
      isoDate: "STRING NOT NULL",
      enum: "STRING NOT NULL",
      isoDatetime: "TIMESTAMP(3) NOT NULL",
      date: "TIMESTAMP(3) NOT NULL",
      number: "DOUBLE NOT NULL",
      numberMin: "DOUBLE NOT NULL",
      int: "BIGINT NOT NULL",
      int32: "BIGINT NOT NULL",
      uint32: "BIGINT NOT NULL",
      float32: "DOUBLE NOT NULL",
      float64: "DOUBLE NOT NULL",
      bigint: "BIGINT NOT NULL",
      int64: "BIGINT NOT NULL",
      uint64: "BIGINT NOT NULL",
      boolean: "BOOLEAN NOT NULL",
      array: "ARRAY<DOUBLE NOT NULL> NOT NULL",
      object: "ROW<n BIGINT NOT NULL, x DOUBLE NOT NULL> NOT NULL",
      record: "MAP<STRING NOT NULL, DOUBLE NOT NULL> NOT NULL",
      optional: "DOUBLE",
      nullable: "BIGINT",
      nullish: "DOUBLE",
    });
  });

  it("writes those types into the source table", () => {
    const s = source("z", { topic: "z", schema: z.object({ f: z.float64(), i: z.int(), n: z.number().optional() }) });
    // The table declares what the topic can hold; the view named after the source enforces the NOT NULL ones.
    expect(statementOf(pipeline("p").write(s.toPrint()), "z__raw")).toContain("  `f` DOUBLE,\n  `i` BIGINT,\n  `n` DOUBLE\n) WITH (");
    expect(statementOf(pipeline("p").write(s.toPrint()), "z")).toBe(
      "CREATE TEMPORARY VIEW `z` AS\nSELECT COALESCE(`f`, CAST(0 AS DOUBLE)) AS `f`, COALESCE(`i`, CAST(0 AS BIGINT)) AS `i`, `n`\nFROM `z__raw`\nWHERE `f` IS NOT NULL AND `i` IS NOT NULL;",
    );
  });

  it("refuses z.number().int(), which the types can only see as a plain number, pointing at z.int()", () => {
    for (const s of [z.number().int(), z.number().safe(), z.number().int().optional()]) {
      const err = (() => {
        try {
          zodFields(z.object({ count: s }));
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(StreamtError);
      expect(err).toMatchObject({
        code: "STREAMT-B006",
        message: "field 'count' is z.number() with an integer check (.int() / .safe()), which the types can only see as a plain number (DOUBLE)",
        hint: "use z.int() (BIGINT), or z.number() for DOUBLE",
      });
    }
  });

  it("refuses zod types with no column type", () => {
    for (const [s, type] of [[z.literal("a"), "literal"], [z.union([z.string(), z.number()]), "union"], [z.string().default("x"), "default"], [z.any(), "any"]] as const) {
      expect(() => zodFields(z.object({ f: s }))).toThrow(`zod type '${type}' of field 'f' has no Flink column type`);
    }
  });
});
