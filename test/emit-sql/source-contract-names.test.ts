/**
 * The names a source contract adds to a source's table (emit-sql/source-contract.ts): a computed rowtime only
 * when the contract enforces the event-time column, and every added name apart from the source's own columns.
 */
import { describe, expect, it } from "vitest";
import { pipeline, source, t } from "streamt-sdk";
import { statementOf } from "../helpers.js";

describe("source contract: the columns it adds to the table", () => {
  it("adds no computed rowtime when the event-time column is a key (the contract enforces only the other columns)", () => {
    const Reading = t.row({ sensor: t.string(), at: t.timestamp(3), value: t.double() });
    const readings = source("readings", { topic: "readings.v1", schema: Reading, primaryKey: ["sensor", "at"] }).eventTime("at").watermark("5s");
    const p = pipeline("r").write(readings.toPrint());
    expect(statementOf(p, "readings__raw").split("\n").slice(0, 7)).toEqual([
      "CREATE TEMPORARY TABLE `readings__raw` (",
      "  `sensor` STRING NOT NULL,",
      "  `at` TIMESTAMP(3) NOT NULL,",
      "  `value` DOUBLE,",
      "  WATERMARK FOR `at` AS `at` - INTERVAL '5' SECOND,",
      "  PRIMARY KEY (`sensor`, `at`) NOT ENFORCED",
      ") WITH (",
    ]);
    expect(statementOf(p, "readings")).toBe(
      "CREATE TEMPORARY VIEW `readings` AS\nSELECT `sensor`, `at`, COALESCE(`value`, CAST(0 AS DOUBLE)) AS `value`\nFROM `readings__raw`\nWHERE `value` IS NOT NULL;",
    );
  });

  it("counts on past every added name a column already has: _2 and _3 when the name and its _2 are taken", () => {
    const Odd = t.row({
      __streamt_rowtime: t.string(),
      __streamt_rowtime_2: t.string(),
      __streamt_partition: t.int(),
      __streamt_partition_2: t.int(),
      at: t.timestamp(3),
    });
    const odd = source("odd", { topic: "odd.v1", schema: Odd, onContractViolation: { deadLetter: "odd.v1.dlq" } }).eventTime("at").watermark("5s");
    const p = pipeline("o").write(odd.toKafka("out.v1"));
    expect(statementOf(p, "odd__raw").split("\n").slice(6, 11)).toEqual([
      "  `__streamt_rowtime_3` AS COALESCE(`at`, CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP(3))),",
      "  `__streamt_partition_3` INT METADATA FROM 'partition' VIRTUAL,",
      "  `__streamt_offset` BIGINT METADATA FROM 'offset' VIRTUAL,",
      "  WATERMARK FOR `__streamt_rowtime_3` AS `__streamt_rowtime_3` - INTERVAL '5' SECOND",
      ") WITH (",
    ]);
  });
});
