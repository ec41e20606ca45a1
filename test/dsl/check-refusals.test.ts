/**
 * check(): every refusal of its rules, with the whole error (code, message, hint, pipeline path and the
 * user's file:line), and the values at the edges of what a rule accepts. The casts play a plain-JavaScript
 * user: the types refuse most of these calls.
 */
import { describe, expect, it } from "vitest";
import { source, t } from "streamt-sdk";
import { lineHere, refusal, statementOf } from "../helpers.js";
import { pipeline } from "streamt-sdk";

const FILE = "test/dsl/check-refusals.test.ts";
const Row = t.row({
  id: t.string().nullable(),
  name: t.string(),
  tiny: t.tinyint(),
  small: t.smallint().nullable(),
  n: t.int(),
  big: t.bigint(),
  ok: t.boolean(),
  day: t.date(),
  at: t.timestamp(3),
  tags: t.array(t.string()),
});
const rows = source("rows", { topic: "rows", schema: Row });
const timed = rows.eventTime("at").watermark("5s");
const B001 = "STREAMT-B001";
const B002 = "STREAMT-B002";
const B004 = "STREAMT-B004";
const B005 = "STREAMT-B005";
const B006 = "STREAMT-B006";
const EXAMPLE = 'e.g. { notNull: ["customer"], accepted: { status: ["NEW", "PAID"] } }';
const UNIQUE_EXAMPLE = 'e.g. unique: { columns: ["order_id"], within: "1h" }';

type Case = [rules: unknown, code: string, message: string, hint: string];
const cases: Case[] = [
  [null, B006, "needs an object of rules", 'e.g. { notNull: ["customer"], range: { amount: { min: 0 } } }'],
  [{}, B006, "has no rules", 'give at least one, e.g. { notNull: ["customer"] }'],
  [{ nulls: ["id"] }, B006, "unknown rule kind 'nulls'", "rules are notNull, accepted, range, like, expr, unique"],
  [{ notNull: "id" }, B006, "notNull must be an array of column names", EXAMPLE],
  [{ accepted: ["id"] }, B006, "accepted must be an object keyed by column name", EXAMPLE],
  [{ range: null }, B006, "range must be an object keyed by column name", EXAMPLE],
  [{ notNull: ["nope"] }, B001, "notNull names column 'nope', which rows does not have", "available columns: id, name, tiny, small, n, big, ok, day, at, tags"],
  [{ notNull: ["name"] }, B002, "notNull names 'name', which is NOT NULL and cannot hold a null: the rule could never fail", "leave 'name' out of notNull (the source contract already keeps nulls out of NOT NULL columns)"],
  [{ accepted: { name: [] } }, B006, "accepted.name needs a non-empty array of values", "e.g. accepted: { name: [...] }"],
  [{ accepted: { name: [1] } }, B002, "accepted.name: 1 is not a value of 'name' (STRING)", "give strings"],
  [{ accepted: { n: ["1"] } }, B002, 'accepted.n: "1" is not a value of \'n\' (INT)', "give numbers"],
  [{ accepted: { ok: ["true"] } }, B002, 'accepted.ok: "true" is not a value of \'ok\' (BOOLEAN)', "give booleans"],
  [{ accepted: { day: ["2024-01-01"] } }, B002, 'accepted.day: "2024-01-01" is not a value of \'day\' (DATE)', "give times as Date objects"],
  [{ accepted: { at: [new Date(Number.NaN)] } }, B002, "accepted.at: an invalid Date is not a value of 'at' (TIMESTAMP)", "give times as Date objects"],
  [{ accepted: { tags: [new Date(0)] } }, B002, "accepted.tags: 1970-01-01T00:00:00.000Z is not a value of 'tags' (ARRAY)", "give values of the column's type"],
  [{ accepted: { n: [Number.POSITIVE_INFINITY] } }, B002, "accepted.n: Infinity is not a value of 'n' (INT)", "give numbers"],
  [{ accepted: { tiny: [128] } }, B002, "accepted.tiny: 128 cannot be held by 'tiny' (TINYINT: whole numbers from -128 to 127)", "give values the column can hold, or cast the column first"],
  [{ accepted: { tiny: [-129] } }, B002, "accepted.tiny: -129 cannot be held by 'tiny' (TINYINT: whole numbers from -128 to 127)", "give values the column can hold, or cast the column first"],
  [{ accepted: { big: [10n] } }, B002, "accepted.big: 10n is not a value of 'big' (BIGINT)", "give numbers"],
  [{ range: { small: { max: 32768 } } }, B002, "range.small: 32768 cannot be held by 'small' (SMALLINT: whole numbers from -32768 to 32767)", "give values the column can hold, or cast the column first"],
  [{ range: { n: { min: 1.5 } } }, B002, "range.n: 1.5 cannot be held by 'n' (INT: whole numbers from -2147483648 to 2147483647)", "give values the column can hold, or cast the column first"],
  [{ range: { big: { min: 2 ** 53 } } }, B002, "range.big: 9007199254740992 cannot be held by 'big' (BIGINT: whole numbers from -9007199254740991 to 9007199254740991)", "give values the column can hold, or cast the column first"],
  [{ range: { name: { min: "a" } } }, B002, "range names 'name', a STRING: a range applies to numbers and times", "use accepted or like for other columns"],
  [{ range: { n: {} } }, B006, "range.n takes min and/or max", "e.g. range: { n: { min: 0, max: 100 } }"],
  [{ range: { n: { min: 0, most: 3 } } }, B006, "range.n takes min and/or max, not most", "e.g. range: { n: { min: 0, max: 100 } }"],
  [{ range: { n: { min: 5, max: 4 } } }, B006, "range.n has min 5 above max 4", "swap them"],
  [{ like: { n: "%" } }, B002, "like names 'n', a INT: LIKE matches strings", "use accepted or range for other columns"],
  [{ like: { name: 5 } }, B006, "like.name needs a pattern string", 'e.g. like: { name: "%@%" }'],
  [{ expr: { "": () => null } }, B004, 'expr rule name "" is not a name', "use letters, digits, '_', '.', '-'"],
  [{ expr: { "a b": () => null } }, B004, 'expr rule name "a b" is not a name', "use letters, digits, '_', '.', '-'"],
  [{ expr: { "-a": () => null } }, B004, 'expr rule name "-a" is not a name', "use letters, digits, '_', '.', '-'"],
  [{ expr: { "a/b": () => null } }, B004, 'expr rule name "a/b" is not a name', "use letters, digits, '_', '.', '-'"],
  [{ expr: { positive: true } }, B006, "expr.positive must be a function of the row", "e.g. expr: { positive: (o) => o.amount.gt(0) }"],
  [{ expr: { positive: (o: any) => o.n },  }, B002, "expr.positive must return a BOOLEAN condition", "e.g. (o) => o.amount.gt(0)"],
  [{ expr: { positive: () => 1 } }, B002, "expr.positive must return a BOOLEAN condition", "e.g. (o) => o.amount.gt(0)"],
  [{ unique: ["id"] }, B006, "unique must be an object { columns, within }", UNIQUE_EXAMPLE],
  [{ unique: { columns: ["id"], within: "1h", by: "at" } }, B006, "unique takes columns and within, not by", UNIQUE_EXAMPLE],
  [{ unique: { columns: [], within: "1h" } }, B006, "unique.columns needs a non-empty array of column names", UNIQUE_EXAMPLE],
  [{ unique: { columns: ["id", "id"], within: "1h" } }, B006, "unique.columns names 'id' twice", "name each column once"],
  [{ unique: { columns: ["nope"], within: "1h" } }, B001, "unique names column 'nope', which rows does not have", "available columns: id, name, tiny, small, n, big, ok, day, at, tags"],
  [{ unique: { columns: ["id"] } }, "STREAMT-B003", "unique needs within, how far back a repeat counts", UNIQUE_EXAMPLE],
];

describe("check() refusals: code, message, hint, path and the call's line", () => {
  it.each(cases.map(([rules, code, message, hint]) => [message, rules, code, hint] as const))("%s", (message, rules, code, hint) => {
    const line = lineHere() + 1;
    const e = refusal(() => timed.check("q", rules as any));
    expect(e).toEqual({ code, message: `check 'q': ${message}`, hint, site: { file: FILE, line, column: expect.any(Number) } });
  });

  it("onFail is route or drop", () => {
    const line = lineHere() + 1;
    expect(refusal(() => timed.check("q", { notNull: ["id"] }, { onFail: "keep" as any }))).toEqual({
      code: B006,
      message: 'check \'q\': onFail is "route" or "drop", got "keep"',
      hint: 'write { onFail: "drop" } to discard failing rows unrecorded',
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });

  it("unique without event time", () => {
    const line = lineHere() + 1;
    expect(refusal(() => rows.check("q", { unique: { columns: ["id"], within: "1h" } }))).toEqual({
      code: B005,
      message: "check 'q': unique orders rows by event time, and rows has no event time with a watermark",
      hint: "declare .eventTime(column).watermark(delay) on the source",
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });
});

describe("check(): the failure records", () => {
  it("every column is NOT NULL in the plan: the check's name, the rule kinds, the details, the row as JSON, the time", () => {
    const STRING = { kind: "STRING", nullable: false };
    const columns = [
      { name: "test_name", type: STRING },
      { name: "violation_type", type: STRING },
      { name: "violation_details", type: STRING },
      { name: "record", type: STRING },
      { name: "detected_at", type: { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false } },
    ];
    expect((timed.check("q", { notNull: ["id"] }).failures as any).node.schema).toEqual(columns);
    // With unique, the rule failures and the late ones are a union of the same columns.
    expect((timed.check("u", { notNull: ["id"], unique: { columns: ["n"], within: "1h" } }).failures as any).node.schema).toEqual(columns);
  });

  it("a row the failure record cannot hold as JSON: the whole refusal", () => {
    const tagged = source("tagged", { topic: "tagged", schema: t.row({ id: t.string().nullable(), attrs: t.map(t.string(), t.string()) }) });
    const line = lineHere() + 1;
    expect(refusal(() => tagged.check("q", { notNull: ["id"] }))).toEqual({
      code: B002,
      message: "check 'q': a failure record holds the row as JSON, and jsonObject() key 'attrs': 'attrs' (MAP<STRING, STRING> NOT NULL) cannot be written as a JSON value",
      hint: "select() the columns to keep before check(), casting MAP, ROW and BYTES columns to STRING",
      site: { file: FILE, line, column: expect.any(Number) },
    });
  });
});

describe("check() rules that are accepted, as SQL", () => {
  it("an expr rule: a NOT NULL condition as it is, a nullable one made FALSE when NULL", () => {
    const checked = timed.check("q", { expr: { positive: (o: any) => o.n.gt(0), small: (o: any) => o.small.lt(10) } } as any, { onFail: "drop" });
    expect(statementOf(pipeline("p").write(checked.toPrint()), "rows__check_q")).toBe(
      "CREATE TEMPORARY VIEW `rows__check_q` AS\nSELECT * FROM `rows`\nWHERE ((`n` > 0) AND COALESCE((`small` < 10), FALSE));",
    );
  });
});

describe("check() values at the edges of a column's type are accepted", () => {
  it("the integer bounds themselves, a Date for a DATE column", () => {
    const checked = timed.check("q", { accepted: { tiny: [-128, 127], day: [new Date(Date.UTC(2024, 0, 31))] }, range: { small: { min: -32768, max: 32767 } } }, { onFail: "drop" });
    expect(statementOf(pipeline("p").write(checked.toPrint()), "rows__check_q")).toBe(
      "CREATE TEMPORARY VIEW `rows__check_q` AS\nSELECT * FROM `rows`\n" +
        "WHERE (((`tiny` IN (-128, 127)) AND (`day` IN (DATE '2024-01-31'))) AND ((`small` IS NULL) OR ((`small` >= -32768) AND (`small` <= 32767))));",
    );
  });
});
