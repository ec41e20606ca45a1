/**
 * Every operator, function, aggregate, join, window and state form the DSL offers, rendered with the
 * exact SQL expected, for both Flink targets. Each row is specific enough that a one-token change in the
 * emitter (`>` for `>=`, IN for NOT IN, LEFT for RIGHT JOIN, a dropped STATE_TTL hint, ...) fails it.
 * Where the dialects agree, the same expectation is asserted for each; where they could differ (the
 * STATE_TTL hints, the per-source idle timeout, the header), each target's form is asserted on its own.
 */
import { describe, expect, it } from "vitest";
import {
  arrayAgg,
  avg,
  coalesce,
  concat,
  count,
  countDistinct,
  currentTimestamp,
  firstValue,
  lastValue,
  listagg,
  lit,
  max,
  min,
  pipeline,
  source,
  stddevPop,
  stddevSamp,
  sum,
  t,
  varPop,
  varSamp,
  when,
  type AggSpec,
  type Pipeline,
  type RowExprs,
} from "streamt-sdk";
import type { ExprBase } from "../../packages/streamt-sdk/src/dsl/expr.js";
import { literalNode } from "../../packages/streamt-sdk/src/dsl/expr.js";
import type { CallOp, ExprNode } from "../../packages/streamt-sdk/src/ir/expr-node.js";
import type { DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import { exprSql } from "../../packages/streamt-sdk/src/emit-sql/expr-sql.js";
import { quoteIdent, quoteString } from "../../packages/streamt-sdk/src/emit-sql/sql-text.js";
import { scriptOf } from "../helpers.js";

const TARGETS = ["2.2", "1.20"] as const;
type Target = (typeof TARGETS)[number];

/** One statement (the CREATE of `name`, up to its `;`) of the script for a Flink target. */
function statementIn(p: Pipeline, name: string, target: Target): string {
  const script = scriptOf(p, target);
  const start = script.search(new RegExp(`CREATE TEMPORARY (VIEW|TABLE) \`${name}\` `));
  if (start < 0) throw new Error(`no statement for ${name} in:\n${script}`);
  return script.slice(start, script.indexOf(";\n", start) + 1);
}

const view = (name: string, query: string) => `CREATE TEMPORARY VIEW \`${name}\` AS\n${query};`;

// ---- expressions -------------------------------------------------------------------------------

const Ops = t.row({
  id: t.string(),
  n: t.int(),
  big: t.bigint(),
  amount: t.decimal(10, 2),
  ratio: t.double(),
  name: t.string(),
  note: t.string().nullable(),
  qty: t.int().nullable(),
  flag: t.boolean(),
  maybe: t.boolean().nullable(),
  day: t.date(),
  at: t.timestamp(3),
  ltz: t.timestampLtz(3),
  ts: t.timestamp(3),
});
/** `ts` is the rowtime; `at` and `ltz` are plain timestamps. */
const ops = source("ops", { topic: "ops", schema: Ops }).eventTime("ts").watermark("5s");
type OpsRow = NonNullable<(typeof ops)["__row"]>;
type Build = (o: RowExprs<OpsRow>) => ExprBase<any>;

/** The select list of `select({ x: build(o) })`, asserting the rest of the view exactly. */
function selected(build: Build, target: Target): string {
  const p = pipeline("p").write(ops.select((o) => ({ x: build(o) })).toPrint());
  const stmt = statementIn(p, "ops__select", target);
  const head = "CREATE TEMPORARY VIEW `ops__select` AS\nSELECT ";
  const tail = " AS `x`\nFROM `ops`;";
  expect(stmt.startsWith(head) && stmt.endsWith(tail), stmt).toBe(true);
  return stmt.slice(head.length, stmt.length - tail.length);
}

/** The WHERE condition of `filter(build)`, asserting the rest of the view exactly. */
function filtered(build: Build, target: Target): string {
  const p = pipeline("p").write(ops.filter((o) => build(o) as never).toPrint());
  const stmt = statementIn(p, "ops__filter", target);
  const head = "CREATE TEMPORARY VIEW `ops__filter` AS\nSELECT * FROM `ops`\nWHERE ";
  expect(stmt.startsWith(head) && stmt.endsWith(";"), stmt).toBe(true);
  return stmt.slice(head.length, -1);
}

const jan1 = new Date(Date.UTC(2024, 0, 1, 10, 0, 0, 500));

/** Conditions: rendered in a select and in a filter's WHERE. */
const CONDITIONS: readonly (readonly [string, Build, string])[] = [
  ["eq number", (o) => o.n.eq(100), "(`n` = 100)"],
  ["ne number", (o) => o.n.ne(100), "(`n` <> 100)"],
  ["gt number", (o) => o.amount.gt(100), "(`amount` > 100)"],
  ["ge number", (o) => o.amount.ge(100), "(`amount` >= 100)"],
  ["lt number", (o) => o.amount.lt(100), "(`amount` < 100)"],
  ["le number", (o) => o.amount.le(100), "(`amount` <= 100)"],
  ["gt negative", (o) => o.n.gt(-5), "(`n` > -5)"],
  ["le decimal", (o) => o.amount.le(99.95), "(`amount` <= 99.95)"],
  ["ge column", (o) => o.n.ge(o.big), "(`n` >= `big`)"],
  ["lt nullable column", (o) => o.n.lt(o.qty), "(`n` < `qty`)"],
  ["eq double", (o) => o.ratio.eq(0.5), "(`ratio` = CAST(0.5 AS DOUBLE))"],
  ["ne double whole", (o) => o.ratio.ne(2), "(`ratio` <> CAST(2 AS DOUBLE))"],
  ["eq string", (o) => o.name.eq("it's"), "(`name` = 'it''s')"],
  ["ne string", (o) => o.name.ne(""), "(`name` <> '')"],
  ["gt string", (o) => o.name.gt("m"), "(`name` > 'm')"],
  ["le string column", (o) => o.name.le(o.id), "(`name` <= `id`)"],
  ["eq boolean", (o) => o.flag.eq(true), "(`flag` = TRUE)"],
  ["ne boolean", (o) => o.flag.ne(false), "(`flag` <> FALSE)"],
  ["ge timestamp literal", (o) => o.at.ge(jan1), "(`at` >= TIMESTAMP '2024-01-01 10:00:00.500')"],
  ["lt rowtime literal", (o) => o.ts.lt(jan1), "(CAST(`ts` AS TIMESTAMP(3)) < TIMESTAMP '2024-01-01 10:00:00.500')"],
  // Finding D8: a bound of a millisecond time that excludes T from below is `>= T + 1 ms` (ir/planner-safe.ts).
  ["gt timestamp_ltz literal", (o) => o.ltz.gt(jan1), "(`ltz` >= TO_TIMESTAMP_LTZ(1704103200501, 3))"],
  ["le timestamp column", (o) => o.at.le(o.ts), "(`at` <= `ts`)"],
  ["between numbers", (o) => o.n.between(1, 10), "(`n` BETWEEN 1 AND 10)"],
  ["between negative and decimal", (o) => o.amount.between(-0.5, 10.25), "(`amount` BETWEEN -0.5 AND 10.25)"],
  ["between columns", (o) => o.n.between(o.qty, o.big), "(`n` BETWEEN `qty` AND `big`)"],
  ["between strings", (o) => o.name.between("a", "m"), "(`name` BETWEEN 'a' AND 'm')"],
  ["between timestamps", (o) => o.at.between(jan1, o.ts), "(`at` BETWEEN TIMESTAMP '2024-01-01 10:00:00.500' AND CAST(`ts` AS TIMESTAMP(3)))"],
  ["in numbers", (o) => o.n.in(1, 2, 3), "(`n` IN (1, 2, 3))"],
  ["in one", (o) => o.n.in(7), "(`n` IN (7))"],
  ["in strings", (o) => o.name.in("a", "it's"), "(`name` IN ('a', 'it''s'))"],
  ["in columns", (o) => o.n.in(o.qty, 0), "(`n` IN (`qty`, 0))"],
  ["not in numbers", (o) => o.n.notIn(1, 2), "(`n` NOT IN (1, 2))"],
  ["not in one string", (o) => o.note.notIn("x"), "(`note` NOT IN ('x'))"],
  ["is null", (o) => o.note.isNull(), "(`note` IS NULL)"],
  ["is not null", (o) => o.note.isNotNull(), "(`note` IS NOT NULL)"],
  ["is null of NOT NULL column", (o) => o.n.isNull(), "(`n` IS NULL)"],
  ["like", (o) => o.name.like("a%_b"), "(`name` LIKE 'a%_b')"],
  ["like with quote", (o) => o.name.like("it's%"), "(`name` LIKE 'it''s%')"],
  ["and", (o) => o.flag.and(o.maybe), "(`flag` AND `maybe`)"],
  ["or", (o) => o.flag.or(o.maybe), "(`flag` OR `maybe`)"],
  ["and literal", (o) => o.flag.and(false), "(`flag` AND FALSE)"],
  ["not", (o) => o.flag.not(), "(NOT `flag`)"],
  ["not of comparison", (o) => o.n.gt(1).not(), "(NOT (`n` > 1))"],
  ["nested and/or", (o) => o.n.gt(1).and(o.n.lt(9)).or(o.note.isNull()), "(((`n` > 1) AND (`n` < 9)) OR (`note` IS NULL))"],
  ["or then and", (o) => o.n.gt(1).or(o.n.lt(9).and(o.flag)), "((`n` > 1) OR ((`n` < 9) AND `flag`))"],
  ["comparison of arithmetic", (o) => o.n.add(1).le(o.big.mul(2)), "((`n` + 1) <= (`big` * 2))"],
];

/** Values: rendered in a select. */
const VALUES: readonly (readonly [string, Build, string])[] = [
  // arithmetic
  ["add", (o) => o.n.add(1), "(`n` + 1)"],
  ["sub", (o) => o.n.sub(1), "(`n` - 1)"],
  ["sub negative", (o) => o.n.sub(-5), "(`n` - -5)"],
  ["mul", (o) => o.amount.mul(100), "(`amount` * 100)"],
  ["div", (o) => o.amount.div(3), "(`amount` / 3)"],
  ["mod", (o) => o.n.mod(7), "MOD(`n`, 7)"],
  ["mod column", (o) => o.big.mod(o.n), "MOD(`big`, `n`)"],
  ["add column", (o) => o.n.add(o.big), "(`n` + `big`)"],
  ["sub nullable column", (o) => o.n.sub(o.qty), "(`n` - `qty`)"],
  ["mul decimal literal", (o) => o.amount.mul(1.05), "(`amount` * 1.05)"],
  ["div double", (o) => o.ratio.div(4), "(`ratio` / CAST(4 AS DOUBLE))"],
  ["add double fraction", (o) => o.ratio.add(-0.25), "(`ratio` + CAST(-0.25 AS DOUBLE))"],
  ["mul big exponent", (o) => o.n.mul(1e21), "(`n` * 1e+21)"],
  ["nested arithmetic", (o) => o.n.add(1).mul(o.n.sub(2)).div(3), "(((`n` + 1) * (`n` - 2)) / 3)"],
  ["neg", (o) => o.n.neg(), "(- `n`)"],
  ["neg of negation", (o) => o.n.neg().neg(), "(- (- `n`))"],
  ["neg of sub", (o) => o.amount.sub(1).neg(), "(- (`amount` - 1))"],
  ["abs", (o) => o.amount.abs(), "ABS(`amount`)"],
  ["abs of double", (o) => o.ratio.abs(), "ABS(`ratio`)"],
  ["round default", (o) => o.amount.round(), "ROUND(`amount`, 0)"],
  ["round 2", (o) => o.amount.round(2), "ROUND(`amount`, 2)"],
  ["round negative", (o) => o.big.round(-2), "ROUND(`big`, -2)"],
  // strings
  ["upper", (o) => o.name.upper(), "UPPER(`name`)"],
  ["lower", (o) => o.name.lower(), "LOWER(`name`)"],
  ["trim", (o) => o.name.trim(), "TRIM(`name`)"],
  ["length", (o) => o.name.length(), "CHAR_LENGTH(`name`)"],
  ["substring from", (o) => o.name.substring(2), "SUBSTRING(`name` FROM 2)"],
  ["substring from for", (o) => o.name.substring(2, 3), "SUBSTRING(`name` FROM 2 FOR 3)"],
  ["concat method", (o) => o.name.concat("-", o.id), "CONCAT(`name`, '-', `id`)"],
  ["concat nullable", (o) => o.name.concat(o.note), "CONCAT(`name`, `note`)"],
  ["concat function", () => concat(lit("a"), "it's"), "CONCAT('a', 'it''s')"],
  ["concat function columns", (o) => concat(o.id, ":", o.name), "CONCAT(`id`, ':', `name`)"],
  ["json value", (o) => o.name.jsonValue("$.a.b"), "JSON_VALUE(`name`, '$.a.b')"],
  ["json value with quote", (o) => o.name.jsonValue("$['it''s']"), "JSON_VALUE(`name`, '$[''it''''s'']')"],
  ["lower of substring of trim", (o) => o.name.trim().substring(1, 2).lower(), "LOWER(SUBSTRING(TRIM(`name`) FROM 1 FOR 2))"],
  // time
  ...(["SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR"] as const).flatMap((u) => [
    [`floor plain to ${u}`, (o: RowExprs<OpsRow>) => o.at.floorTo(u), `FLOOR(\`at\` TO ${u})`] as const,
    [`ceil plain to ${u}`, (o: RowExprs<OpsRow>) => o.at.ceilTo(u), `CEIL(\`at\` TO ${u})`] as const,
    [`extract ${u}`, (o: RowExprs<OpsRow>) => o.ts.extract(u), `EXTRACT(${u} FROM \`ts\`)`] as const,
  ]),
  ["floor rowtime (a plain timestamp after)", (o) => o.ts.floorTo("HOUR"), "CAST(FLOOR(`ts` TO HOUR) AS TIMESTAMP(3))"],
  ["ceil rowtime (a plain timestamp after)", (o) => o.ts.ceilTo("MINUTE"), "CAST(CEIL(`ts` TO MINUTE) AS TIMESTAMP(3))"],
  ["floor timestamp_ltz", (o) => o.ltz.floorTo("DAY"), "FLOOR(`ltz` TO DAY)"],
  ["floor date", (o) => o.day.floorTo("MONTH"), "FLOOR(`day` TO MONTH)"],
  ["extract of date", (o) => o.day.extract("YEAR"), "EXTRACT(YEAR FROM `day`)"],
  ["date format", (o) => o.ts.format("yyyy-MM-dd HH:mm"), "DATE_FORMAT(`ts`, 'yyyy-MM-dd HH:mm')"],
  ["date format of date", (o) => o.day.format("yyyy''MM"), "DATE_FORMAT(`day`, 'yyyy''''MM')"],
  ["to date", (o) => o.ts.toDate(), "CAST(`ts` AS DATE)"],
  ["to date of ltz", (o) => o.ltz.toDate(), "CAST(`ltz` AS DATE)"],
  ["current timestamp", () => currentTimestamp(), "CURRENT_TIMESTAMP"],
  // null handling and conditionals
  ["orElse string", (o) => o.note.orElse("none"), "COALESCE(`note`, 'none')"],
  ["orElse number", (o) => o.qty.orElse(0), "COALESCE(`qty`, 0)"],
  ["orElse column", (o) => o.note.orElse(o.name), "COALESCE(`note`, `name`)"],
  ["coalesce", (o) => coalesce(o.note, o.name, "n/a"), "COALESCE(`note`, `name`, 'n/a')"],
  ["coalesce numbers", (o) => coalesce(o.qty, o.n), "COALESCE(`qty`, `n`)"],
  ["case numbers", (o) => when(o.n.gt(10), 2).when(o.n.gt(1), 1).otherwise(0), "CASE WHEN (`n` > 10) THEN 2 WHEN (`n` > 1) THEN 1 ELSE 0 END"],
  ["case strings (typed STRING)", (o) => when(o.amount.ge(100), "big").otherwise("it's small"), "CAST(CASE WHEN (`amount` >= 100) THEN 'big' ELSE 'it''s small' END AS STRING)"],
  ["case without else", (o) => when(o.note.isNull(), "none").end(), "CAST(CASE WHEN (`note` IS NULL) THEN 'none' END AS STRING)"],
  ["case of columns", (o) => when(o.flag, o.n).otherwise(o.n.add(1)), "CASE WHEN `flag` THEN `n` ELSE (`n` + 1) END"],
  ["case of booleans", (o) => when(o.n.eq(0), true).otherwise(false), "CASE WHEN (`n` = 0) THEN TRUE ELSE FALSE END"],
  // casts and literals
  ["cast to int", (o) => o.amount.cast(t.int()), "CAST(`amount` AS INT)"],
  ["cast to decimal", (o) => o.n.cast(t.decimal(12, 2)), "CAST(`n` AS DECIMAL(12, 2))"],
  ["cast to string", (o) => o.n.cast(t.string()), "CAST(`n` AS STRING)"],
  ["cast to bigint of arithmetic", (o) => o.amount.mul(100).cast(t.bigint()), "CAST((`amount` * 100) AS BIGINT)"],
  ["cast to double", (o) => o.qty.cast(t.double()), "CAST(`qty` AS DOUBLE)"],
  ["cast to timestamp", (o) => o.ltz.cast(t.timestamp(3)), "CAST(`ltz` AS TIMESTAMP(3))"],
  ["lit int", () => lit(0), "0"],
  ["lit negative decimal", () => lit(-1.5), "-1.5"],
  ["lit boolean", () => lit(true), "TRUE"],
  ["lit false", () => lit(false), "FALSE"],
  ["lit string (typed STRING)", () => lit("it's"), "CAST('it''s' AS STRING)"],
  ["lit big integer", () => lit(3000000000), "3000000000"],
  // a condition is a value too
  ["comparison as a column", (o) => o.amount.gt(100), "(`amount` > 100)"],
  ["not in as a column", (o) => o.n.notIn(1), "(`n` NOT IN (1))"],
];

describe.each(TARGETS)("expressions, Flink %s", (target) => {
  it.each(CONDITIONS)("condition %s in a filter", (_label, build, sql) => {
    expect(filtered(build, target)).toBe(sql);
  });
  it.each(CONDITIONS)("condition %s in a select", (_label, build, sql) => {
    expect(selected(build, target)).toBe(sql);
  });
  it.each(VALUES)("%s", (_label, build, sql) => {
    expect(selected(build, target)).toBe(sql);
  });

  it("a rowtime of TIMESTAMP_LTZ stays TIMESTAMP_LTZ when floored or ceiled", () => {
    const s = source("lz", { topic: "lz", schema: t.row({ id: t.string(), ltz: t.timestampLtz(3) }) }).eventTime("ltz").watermark("5s");
    const p = pipeline("p").write(s.select((o) => ({ f: o.ltz.floorTo("HOUR"), c: o.ltz.ceilTo("DAY") })).toPrint());
    expect(statementIn(p, "lz__select", target)).toBe(
      view("lz__select", "SELECT CAST(FLOOR(`ltz` TO HOUR) AS TIMESTAMP_LTZ(3)) AS `f`, CAST(CEIL(`ltz` TO DAY) AS TIMESTAMP_LTZ(3)) AS `c`\nFROM `lz`"),
    );
  });

  it("select keeps a bare column bare, renames it with AS, and withColumns keeps the others in order", () => {
    const p = pipeline("p").write(
      ops.select((o) => ({ id: o.id, label: o.name, ts: o.ts })).as("picked").toPrint(),
      ops.select("n", "id").as("named").toPrint({ name: "named_print" }),
      ops.withColumns((o) => ({ n: o.n.add(1), extra: o.name.upper() })).select("id", "n", "extra").as("added").toPrint({ name: "added_print" }),
    );
    expect(statementIn(p, "ops__picked", target)).toBe(view("ops__picked", "SELECT `id`, `name` AS `label`, `ts`\nFROM `ops`"));
    expect(statementIn(p, "ops__named", target)).toBe(view("ops__named", "SELECT `n`, `id`\nFROM `ops`"));
    expect(statementIn(p, "ops__with_columns", target)).toBe(
      view("ops__with_columns", "SELECT `id`, `big`, `amount`, `ratio`, `name`, `note`, `qty`, `flag`, `maybe`, `day`, `at`, `ltz`, `ts`, (`n` + 1) AS `n`, UPPER(`name`) AS `extra`\nFROM `ops`"),
    );
  });
});

/** Every CallOp of the IR, rendered from plain column arguments: a new operator without a row here is a compile error. */
const col = (name: string, type: DataType = { kind: "INT", nullable: false }): ExprNode => ({ kind: "column", name, input: 0, type });
const INT: DataType = { kind: "INT", nullable: false };
const STR: DataType = { kind: "STRING", nullable: false };
const TS: DataType = { kind: "TIMESTAMP", precision: 3, nullable: false };
const unit = (u: string): ExprNode => ({ kind: "literal", value: u, type: STR });
const CALL_OPS: Record<CallOp, readonly [readonly ExprNode[], DataType, string]> = {
  "=": [[col("a"), col("b")], INT, "(`a` = `b`)"],
  "<>": [[col("a"), col("b")], INT, "(`a` <> `b`)"],
  "<": [[col("a"), col("b")], INT, "(`a` < `b`)"],
  "<=": [[col("a"), col("b")], INT, "(`a` <= `b`)"],
  ">": [[col("a"), col("b")], INT, "(`a` > `b`)"],
  ">=": [[col("a"), col("b")], INT, "(`a` >= `b`)"],
  "+": [[col("a"), col("b")], INT, "(`a` + `b`)"],
  "-": [[col("a"), col("b")], INT, "(`a` - `b`)"],
  "*": [[col("a"), col("b")], INT, "(`a` * `b`)"],
  "/": [[col("a"), col("b")], INT, "(`a` / `b`)"],
  "%": [[col("a"), col("b")], INT, "MOD(`a`, `b`)"],
  AND: [[col("a"), col("b")], INT, "(`a` AND `b`)"],
  OR: [[col("a"), col("b")], INT, "(`a` OR `b`)"],
  NOT: [[col("a")], INT, "(NOT `a`)"],
  NEGATE: [[col("a")], INT, "(- `a`)"],
  "IS NULL": [[col("a")], INT, "(`a` IS NULL)"],
  "IS NOT NULL": [[col("a")], INT, "(`a` IS NOT NULL)"],
  IN: [[col("a"), col("b"), col("c")], INT, "(`a` IN (`b`, `c`))"],
  "NOT IN": [[col("a"), col("b"), col("c")], INT, "(`a` NOT IN (`b`, `c`))"],
  LIKE: [[col("a"), col("b")], INT, "(`a` LIKE `b`)"],
  BETWEEN: [[col("a"), col("b"), col("c")], INT, "(`a` BETWEEN `b` AND `c`)"],
  UPPER: [[col("a")], STR, "UPPER(`a`)"],
  LOWER: [[col("a")], STR, "LOWER(`a`)"],
  TRIM: [[col("a")], STR, "TRIM(`a`)"],
  CHAR_LENGTH: [[col("a")], INT, "CHAR_LENGTH(`a`)"],
  SUBSTRING: [[col("a"), col("b"), col("c")], STR, "SUBSTRING(`a` FROM `b` FOR `c`)"],
  CONCAT: [[col("a"), col("b"), col("c")], STR, "CONCAT(`a`, `b`, `c`)"],
  COALESCE: [[col("a"), col("b"), col("c")], INT, "COALESCE(`a`, `b`, `c`)"],
  ABS: [[col("a")], INT, "ABS(`a`)"],
  ROUND: [[col("a"), col("b")], INT, "ROUND(`a`, `b`)"],
  FLOOR_TO: [[col("a", TS), unit("WEEK")], TS, "FLOOR(`a` TO WEEK)"],
  CEIL_TO: [[col("a", TS), unit("YEAR")], TS, "CEIL(`a` TO YEAR)"],
  DATE_FORMAT: [[col("a", TS), col("b", STR)], STR, "DATE_FORMAT(`a`, `b`)"],
  EXTRACT: [[col("a", TS), unit("MONTH")], INT, "EXTRACT(MONTH FROM `a`)"],
  TO_DATE: [[col("a", TS)], { kind: "DATE", nullable: false }, "CAST(`a` AS DATE)"],
  JSON_VALUE: [[col("a", STR), col("b", STR)], STR, "JSON_VALUE(`a`, `b`)"],
  CURRENT_TIMESTAMP: [[], { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false }, "CURRENT_TIMESTAMP"],
  MD5: [[col("a", STR)], STR, "MD5(`a`)"],
  SHA1: [[col("a", STR)], STR, "SHA1(`a`)"],
  SHA256: [[col("a", STR)], STR, "SHA256(`a`)"],
  SHA2: [[col("a", STR), col("b")], STR, "SHA2(`a`, `b`)"],
  TIMESTAMPDIFF: [[unit("HOUR"), col("a", TS), col("b", TS)], INT, "TIMESTAMPDIFF(HOUR, `a`, `b`)"],
  TIMESTAMPADD: [[unit("MONTH"), col("a"), col("b", TS)], TS, "TIMESTAMPADD(MONTH, `a`, `b`)"],
  PLUS_INTERVAL: [[col("a", TS), { kind: "literal", value: "5400000", type: INT }], TS, "(`a` + INTERVAL '90' MINUTE)"],
  MINUS_INTERVAL: [[col("a", TS), { kind: "literal", value: "500", type: INT }], TS, "(`a` - INTERVAL '0.5' SECOND)"],
  JSON_OBJECT: [[unit("ABSENT"), { kind: "literal", value: "k", type: STR }, col("a"), { kind: "literal", value: "it's", type: STR }, col("b", STR)], STR, "JSON_OBJECT(KEY 'k' VALUE `a`, KEY 'it''s' VALUE `b` ABSENT ON NULL)"],
  JSON_STRING: [[col("a")], STR, "JSON_STRING(`a`)"],
  FUNCTION: [[unit("REGEXP_EXTRACT"), col("a", STR), col("b", STR)], STR, "REGEXP_EXTRACT(`a`, `b`)"],
};

describe("every CallOp of the IR has its SQL", () => {
  it.each(Object.entries(CALL_OPS))("%s", (op, [args, type, sql]) => {
    expect(exprSql({ kind: "call", op: op as CallOp, args, type })).toBe(sql);
  });

  it("qualifies columns of a join's sides with l and r", () => {
    const node: ExprNode = { kind: "call", op: "=", args: [col("k"), { kind: "column", name: "k", input: 1, type: INT }], type: INT };
    expect(exprSql(node, (name, input) => `${quoteIdent(input === 0 ? "l" : "r")}.${quoteIdent(name)}`)).toBe("(`l`.`k` = `r`.`k`)");
  });
});

describe("literals", () => {
  const DEC: DataType = { kind: "DECIMAL", precision: 10, scale: 2, nullable: false };
  const DBL: DataType = { kind: "DOUBLE", nullable: false };
  const LTZ: DataType = { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false };
  const LITERALS: readonly (readonly [string, unknown, DataType | undefined, string])[] = [
    ["string", "paid", undefined, "'paid'"],
    ["empty string", "", undefined, "''"],
    ["string with a quote", "it's", undefined, "'it''s'"],
    ["string of quotes", "''", undefined, "''''''"],
    ["string with a backslash (read literally by Flink)", "a\\b", undefined, "'a\\b'"],
    ["string with a backtick", "a`b", undefined, "'a`b'"],
    ["string with a line break", "a\nb", undefined, "'a\nb'"],
    ["zero", 0, undefined, "0"],
    ["negative integer", -5, undefined, "-5"],
    ["decimal", 12.5, undefined, "12.5"],
    ["negative decimal", -0.25, undefined, "-0.25"],
    ["decimal against a DECIMAL column", 99.95, DEC, "99.95"],
    ["integer beyond INT", 3000000000, undefined, "3000000000"],
    ["big exponent", 1e21, undefined, "1e+21"],
    ["small exponent", 1e-7, undefined, "1e-7"],
    ["integer against a DOUBLE column", 2, DBL, "CAST(2 AS DOUBLE)"],
    ["negative fraction against a DOUBLE column", -0.5, DBL, "CAST(-0.5 AS DOUBLE)"],
    ["exponent against a DOUBLE column", 1e-7, DBL, "1e-7"],
    ["bigint", 10n, undefined, "10"],
    ["true", true, undefined, "TRUE"],
    ["false", false, undefined, "FALSE"],
    ["Date", new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)), undefined, "TIMESTAMP '2024-02-29 23:59:59.999'"],
    ["Date against TIMESTAMP_LTZ", new Date(Date.UTC(2024, 0, 1)), LTZ, "TO_TIMESTAMP_LTZ(1704067200000, 3)"],
    ["UTC text against TIMESTAMP_LTZ", "2024-01-01 10:00:00.500", LTZ, "TO_TIMESTAMP_LTZ(1704103200500, 3)"],
    ["ISO text with an offset against TIMESTAMP_LTZ", "2024-01-01T12:00:00+02:00", LTZ, "TO_TIMESTAMP_LTZ(1704103200000, 3)"],
    ["Date at midnight UTC against DATE", new Date(Date.UTC(2024, 0, 31)), { kind: "DATE", nullable: false }, "DATE '2024-01-31'"],
    ["timestamp text against a TIMESTAMP column", "2024-01-01 00:00:00", TS, "TIMESTAMP '2024-01-01 00:00:00'"],
    ["null (STRING)", null, undefined, "CAST(NULL AS STRING)"],
    ["null against INT", null, INT, "CAST(NULL AS INT)"],
    ["null against DECIMAL", null, DEC, "CAST(NULL AS DECIMAL(10, 2))"],
    ["null against TIMESTAMP", null, TS, "CAST(NULL AS TIMESTAMP(3))"],
    ["null against TIMESTAMP_LTZ", null, LTZ, "CAST(NULL AS TIMESTAMP_LTZ(3))"],
    ["null against BOOLEAN", null, { kind: "BOOLEAN", nullable: false }, "CAST(NULL AS BOOLEAN)"],
  ];
  it.each(LITERALS)("%s", (_label, value, like, sql) => {
    expect(exprSql(literalNode(value, like))).toBe(sql);
  });

  it.each([NaN, Infinity, -Infinity])("refuses %s", (value) => {
    expect(() => literalNode(value)).toThrow(/is not a valid SQL number/);
  });
});

describe("quoting", () => {
  it.each([
    ["a", "`a`"],
    ["a`b", "`a``b`"],
    ["a`b`c", "`a``b``c`"],
    ["``", "``````"],
    ["`", "````"],
    ["`lead", "```lead`"],
    ["trail`", "`trail```"],
    ["with space", "`with space`"],
    ["it's", "`it's`"],
    ["ünïcödé", "`ünïcödé`"],
  ])("quoteIdent(%j) is %s", (name, sql) => {
    expect(quoteIdent(name)).toBe(sql);
  });

  it.each(["", "a\nb", "a\u0000b", "tab\there", "del\u007f"])("quoteIdent refuses %j", (name) => {
    expect(() => quoteIdent(name)).toThrow(/cannot be a Flink identifier/);
  });

  it.each([
    ["plain", "'plain'"],
    ["", "''"],
    ["'", "''''"],
    ["it's 'x'", "'it''s ''x'''"],
    ["a''b", "'a''''b'"],
    ["'; DROP TABLE x; --", "'''; DROP TABLE x; --'"],
    ["back\\slash", "'back\\slash'"],
  ])("quoteString(%j) is %s", (value, sql) => {
    expect(quoteString(value)).toBe(sql);
  });

  it.each(TARGETS)("a column named with two backticks is quoted everywhere (Flink %s)", (target) => {
    const s = source("odd", { topic: "odd", schema: t.row({ "a`b`c": t.int(), "x``y": t.string().nullable() }) });
    const p = pipeline("p").write(s.filter((r) => r["a`b`c"].gt(1).and(r["x``y"].isNull())).select((r) => ({ v: r["a`b`c"].add(1) })).toPrint());
    expect(statementIn(p, "odd__filter", target)).toBe(view("odd__filter", "SELECT * FROM `odd`\nWHERE ((`a``b``c` > 1) AND (`x````y` IS NULL))"));
    expect(statementIn(p, "odd__filter__select", target)).toBe(view("odd__filter__select", "SELECT (`a``b``c` + 1) AS `v`\nFROM `odd__filter`"));
  });
});

// ---- steps, windows, aggregates, joins ---------------------------------------------------------

const Order = t.row({
  order_id: t.string(),
  customer_id: t.string(),
  amount: t.decimal(10, 2),
  qty: t.int(),
  status: t.string().nullable(),
  ts: t.timestamp(3),
});
const Payment = t.row({ payment_id: t.string(), order_id: t.string(), paid: t.decimal(10, 2), paid_at: t.timestamp(3) });
const Customer = t.row({ customer_id: t.string(), name: t.string(), updated_at: t.timestamp(3) });

const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");
const payments = source("payments", { topic: "payments.v1", schema: Payment }).eventTime("paid_at").watermark("5s");
const customers = source("customers", { topic: "customers.v1", schema: Customer, primaryKey: ["customer_id"] }).eventTime("updated_at").watermark("1s");
const ORDER_COLS = "`order_id`, `customer_id`, `amount`, `qty`, `status`";

/** A table row's aggregate, typed as one every row accepts (the rows name real columns of Order). */
const anyAgg = (a: AggSpec) => a as AggSpec<"COUNT", null>;
const AGGREGATES: readonly (readonly [string, AggSpec, string])[] = [
  ["count()", count(), "COUNT(*)"],
  ["count(col)", count("status"), "COUNT(`status`)"],
  ["countDistinct", countDistinct("status"), "COUNT(DISTINCT `status`)"],
  ["sum", sum("amount"), "SUM(`amount`)"],
  ["avg", avg("qty"), "AVG(`qty`)"],
  ["min", min("amount"), "MIN(`amount`)"],
  // Of the rowtime: cast to the plain timestamp the plan says (finding D6, test/emit-sql/planner-safe.test.ts).
  ["max", max("ts"), "CAST(MAX(`ts`) AS TIMESTAMP(3))"],
  ["firstValue", firstValue("status"), "FIRST_VALUE(`status`)"],
  ["lastValue", lastValue("order_id"), "LAST_VALUE(`order_id`)"],
  ["stddevPop", stddevPop("qty"), "STDDEV_POP(`qty`)"],
  ["stddevSamp (NULL for one value)", stddevSamp("amount"), "CASE WHEN COUNT(`amount`) > 1 THEN STDDEV_SAMP(`amount`) END"],
  ["varPop", varPop("amount"), "VAR_POP(`amount`)"],
  ["varSamp (NULL for one value)", varSamp("qty"), "CASE WHEN COUNT(`qty`) > 1 THEN VAR_SAMP(`qty`) END"],
  ["listagg", listagg("order_id"), "LISTAGG(`order_id`, ',')"],
  ["listagg with a separator", listagg("status", "it's"), "LISTAGG(`status`, 'it''s')"],
  ["arrayAgg", arrayAgg("qty"), "ARRAY_AGG(`qty`)"],
];

describe.each(TARGETS)("aggregates, Flink %s", (target) => {
  it.each(AGGREGATES)("%s in a tumbling window per key", (_label, agg, sql) => {
    const p = pipeline("p").write(orders.tumble("1h").groupBy("customer_id").aggregate({ x: anyAgg(agg) }).toKafka("out"));
    expect(statementIn(p, "orders__tumble", target)).toBe(
      view(
        "orders__tumble",
        `SELECT \`window_start\`, \`window_end\`, \`customer_id\`, \`window_time\`, ${sql} AS \`x\`\nFROM TABLE(TUMBLE(TABLE \`orders\`, DESCRIPTOR(\`ts\`), INTERVAL '1' HOUR))\nGROUP BY \`window_start\`, \`window_end\`, \`window_time\`, \`customer_id\``,
      ),
    );
  });

  it.each(AGGREGATES)("%s in a non-windowed group by, with its STATE_TTL hint", (_label, agg, sql) => {
    const p = pipeline("p").write(orders.groupBy("customer_id").aggregate({ x: anyAgg(agg) }, { ttl: "7d" }).toUpsertKafka("out", { key: ["customer_id"] }));
    expect(statementIn(p, "orders__aggregate", target)).toBe(
      view("orders__aggregate", `SELECT /*+ STATE_TTL('orders' = '7 d') */ \`customer_id\`, ${sql} AS \`x\`\nFROM \`orders\`\nGROUP BY \`customer_id\``),
    );
  });

  it("several aggregates in the order given, over two keys", () => {
    const p = pipeline("p").write(orders.tumble("1m").groupBy("customer_id", "status").aggregate({ z: max("qty"), a: count(), m: min("qty") }).toPrint());
    expect(statementIn(p, "orders__tumble", target)).toBe(
      view(
        "orders__tumble",
        "SELECT `window_start`, `window_end`, `customer_id`, `status`, `window_time`, MAX(`qty`) AS `z`, COUNT(*) AS `a`, MIN(`qty`) AS `m`\nFROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\nGROUP BY `window_start`, `window_end`, `window_time`, `customer_id`, `status`",
      ),
    );
  });

  it("a whole-window aggregate and count() have no group keys", () => {
    const p = pipeline("p").write(orders.tumble("1m").aggregate({ total: sum("amount") }).toPrint(), orders.hop("10m", "5m").count().toPrint({ name: "hops" }));
    expect(statementIn(p, "orders__tumble", target)).toBe(
      view("orders__tumble", "SELECT `window_start`, `window_end`, `window_time`, SUM(`amount`) AS `total`\nFROM TABLE(TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' MINUTE))\nGROUP BY `window_start`, `window_end`, `window_time`"),
    );
    expect(statementIn(p, "orders__hop", target)).toBe(
      view("orders__hop", "SELECT `window_start`, `window_end`, `window_time`, COUNT(*) AS `count`\nFROM TABLE(HOP(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))\nGROUP BY `window_start`, `window_end`, `window_time`"),
    );
  });

  it("a non-windowed count() per key, without a ttl, has no hint", () => {
    const p = pipeline("p", { stateTtl: "1d" }).write(orders.groupBy("customer_id").count().toUpsertKafka("out", { key: ["customer_id"] }));
    expect(statementIn(p, "orders__aggregate", target)).toBe(view("orders__aggregate", "SELECT `customer_id`, COUNT(*) AS `count`\nFROM `orders`\nGROUP BY `customer_id`"));
    expect(scriptOf(p, target)).toContain("\nSET 'table.exec.state.ttl' = '1 d';\n");
  });

  it("a non-windowed aggregate without keys has no GROUP BY", () => {
    const p = pipeline("p").write(orders.groupBy().aggregate({ n: count(), total: sum("amount") }, { ttl: "90m" }).toPrint());
    expect(statementIn(p, "orders__aggregate", target)).toBe(
      view("orders__aggregate", "SELECT /*+ STATE_TTL('orders' = '90 min') */ COUNT(*) AS `n`, SUM(`amount`) AS `total`\nFROM `orders`"),
    );
  });
});

const tvf = (fn: string) => `FROM TABLE(${fn})`;

describe.each(TARGETS)("windows, Flink %s", (target) => {
  const WINDOWS = [
    ["tumble", () => orders.tumble("1h").count(), "orders__tumble", "TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' HOUR)"],
    ["tumble of 500 ms", () => orders.tumble("500ms").count(), "orders__tumble", "TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '0.5' SECOND)"],
    ["tumble of 90 s", () => orders.tumble("90s").count(), "orders__tumble", "TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '90' SECOND)"],
    ["tumble of 100 days", () => orders.tumble("100d").count(), "orders__tumble", "TUMBLE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '100' DAY(3))"],
    ["hop: slide, then size", () => orders.hop("1h", "15m").count(), "orders__hop", "HOP(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '15' MINUTE, INTERVAL '1' HOUR)"],
    ["cumulate: step, then max size", () => orders.cumulate("1h", "1d").count(), "orders__cumulate", "CUMULATE(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '1' HOUR, INTERVAL '1' DAY)"],
    ["session without keys", () => orders.session("10m").count(), "orders__session", "SESSION(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '10' MINUTE)"],
  ] as const;
  it.each(WINDOWS)("%s", (_label, build, name, fn) => {
    const p = pipeline("p").write(build().toPrint());
    expect(statementIn(p, name, target)).toBe(
      view(name, `SELECT \`window_start\`, \`window_end\`, \`window_time\`, COUNT(*) AS \`count\`\n${tvf(fn)}\nGROUP BY \`window_start\`, \`window_end\`, \`window_time\``),
    );
  });

  it("session windows per key of several columns are a group window: Flink cannot read a view of SESSION(... PARTITION BY (a, b)) (finding D9)", () => {
    const p = pipeline("p").write(orders.session("5m").groupBy("customer_id", "status").aggregate({ total: sum("amount") }).toPrint());
    expect(statementIn(p, "orders__session", target)).toBe(
      view(
        "orders__session",
        "SELECT SESSION_START(`ts`, INTERVAL '5' MINUTE) AS `window_start`, SESSION_END(`ts`, INTERVAL '5' MINUTE) AS `window_end`, `customer_id`, `status`, SESSION_ROWTIME(`ts`, INTERVAL '5' MINUTE) AS `window_time`, SUM(`amount`) AS `total`\nFROM `orders`\nGROUP BY SESSION(`ts`, INTERVAL '5' MINUTE), `customer_id`, `status`",
      ),
    );
  });

  it.each([
    ["first", "ASC"],
    ["last", "DESC"],
  ] as const)("window deduplication keeping the %s row", (keep, dir) => {
    const p = pipeline("p").write(orders.hop("10m", "5m").deduplicate({ key: ["customer_id", "order_id"], keep }).toPrint());
    expect(statementIn(p, "orders__hop_deduplicate", target)).toBe(
      view(
        "orders__hop_deduplicate",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`, \`window_start\`, \`window_end\`, \`window_time\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \`window_start\`, \`window_end\`, \`customer_id\`, \`order_id\` ORDER BY \`ts\` ${dir}) AS \`__streamt_row_num\`\n  FROM TABLE(HOP(TABLE \`orders\`, DESCRIPTOR(\`ts\`), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))\n)\nWHERE \`__streamt_row_num\` = 1`,
      ),
    );
  });

  it("window Top-N by several order keys, ascending by default, with its rank column", () => {
    const top = orders.cumulate("1m", "5m").topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }, { column: "order_id" }], n: 3, rankColumn: "pos" });
    expect(statementIn(pipeline("p").write(top.toPrint()), "orders__cumulate_top_n", target)).toBe(
      view(
        "orders__cumulate_top_n",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`, \`window_start\`, \`window_end\`, \`window_time\`, \`pos\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \`window_start\`, \`window_end\`, \`customer_id\` ORDER BY \`amount\` DESC, \`order_id\` ASC) AS \`pos\`\n  FROM TABLE(CUMULATE(TABLE \`orders\`, DESCRIPTOR(\`ts\`), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))\n)\nWHERE \`pos\` <= 3`,
      ),
    );
  });

  it("window Top-N without a partition ranks each whole window", () => {
    const top = orders.tumble("1m").topN({ partitionBy: [], orderBy: [{ column: "qty", direction: "asc" }], n: 1 });
    expect(statementIn(pipeline("p").write(top.toPrint()), "orders__tumble_top_n", target)).toBe(
      view(
        "orders__tumble_top_n",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`, \`window_start\`, \`window_end\`, \`window_time\`, \`row_num\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \`window_start\`, \`window_end\` ORDER BY \`qty\` ASC) AS \`row_num\`\n  FROM TABLE(TUMBLE(TABLE \`orders\`, DESCRIPTOR(\`ts\`), INTERVAL '1' MINUTE))\n)\nWHERE \`row_num\` <= 1`,
      ),
    );
  });
});

describe.each(TARGETS)("stateful steps, Flink %s", (target) => {
  it.each([
    ["first", "ASC"],
    ["last", "DESC"],
  ] as const)("deduplication on event time keeping the %s row", (keep, dir) => {
    const p = pipeline("p").write(orders.deduplicate({ key: ["order_id"], keep, ttl: "1h" }).toUpsertKafka("out", { key: ["order_id"] }));
    expect(statementIn(p, "orders__deduplicate", target)).toBe(
      view(
        "orders__deduplicate",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \`order_id\` ORDER BY \`ts\` ${dir}) AS \`__streamt_row_num\`\n  FROM \`orders\`\n)\nWHERE \`__streamt_row_num\` = 1`,
      ),
    );
    // Flink has no per-operator TTL for ROW_NUMBER: the step's ttl applies job-wide, in both targets.
    expect(scriptOf(p, target)).toContain(
      "\n-- ttl of orders/deduplicate: Flink has no per-operator TTL for deduplication/Top-N, so it applies job-wide\nSET 'table.exec.state.ttl' = '1 h';\n",
    );
  });

  it("deduplication on processing time orders by the processing-time column, which it materialises", () => {
    const clicks = source("clicks", { topic: "clicks", schema: t.row({ event_id: t.string(), user_id: t.string() }) }).processingTime("pt");
    const p = pipeline("p").write(clicks.deduplicate({ key: ["event_id"], ttl: "10m" }).select("event_id", "user_id").toKafka("out"));
    expect(statementIn(p, "clicks__deduplicate", target)).toBe(
      view(
        "clicks__deduplicate",
        "SELECT `event_id`, `user_id`, CAST(`pt` AS TIMESTAMP_LTZ(3)) AS `pt`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY `event_id` ORDER BY `pt` ASC) AS `__streamt_row_num`\n  FROM `clicks`\n)\nWHERE `__streamt_row_num` = 1",
      ),
    );
  });

  it("Top-N per partition and without a partition", () => {
    const p = pipeline("p", { stateTtl: "1d" }).write(
      orders.topN({ partitionBy: ["customer_id", "status"], orderBy: [{ column: "amount", direction: "desc" }, { column: "ts", direction: "asc" }], n: 5 }).toUpsertKafka("a", { key: ["customer_id", "status", "row_num"] }),
      orders.topN({ partitionBy: [], orderBy: [{ column: "qty" }], n: 10, rankColumn: "rank_no" }).as("global").toUpsertKafka("b", { key: ["rank_no"] }),
    );
    expect(statementIn(p, "orders__top_n", target)).toBe(
      view(
        "orders__top_n",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`, \`row_num\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY \`customer_id\`, \`status\` ORDER BY \`amount\` DESC, \`ts\` ASC) AS \`row_num\`\n  FROM \`orders\`\n)\nWHERE \`row_num\` <= 5`,
      ),
    );
    expect(statementIn(p, "orders__global", target)).toBe(
      view(
        "orders__global",
        `SELECT ${ORDER_COLS}, CAST(\`ts\` AS TIMESTAMP(3)) AS \`ts\`, \`rank_no\`\nFROM (\n  SELECT *, ROW_NUMBER() OVER (ORDER BY \`qty\` ASC) AS \`rank_no\`\n  FROM \`orders\`\n)\nWHERE \`rank_no\` <= 10`,
      ),
    );
    expect(scriptOf(p, target)).toContain("\nSET 'table.exec.state.ttl' = '1 d';\n");
  });

  it("distinct with and without its STATE_TTL hint", () => {
    const p = pipeline("p", { stateTtl: "2d" }).write(
      orders.select("customer_id", "status").distinct({ ttl: "12h" }).toPrint(),
      orders.select("customer_id").as("ids").distinct().toPrint({ name: "ids_print" }),
    );
    expect(statementIn(p, "orders__select__distinct", target)).toBe(
      view("orders__select__distinct", "SELECT /*+ STATE_TTL('orders__select' = '12 h') */ `customer_id`, `status`\nFROM `orders__select`\nGROUP BY `customer_id`, `status`"),
    );
    expect(statementIn(p, "orders__ids__distinct", target)).toBe(view("orders__ids__distinct", "SELECT `customer_id`\nFROM `orders__ids`\nGROUP BY `customer_id`"));
  });

  it("union of three streams names every column", () => {
    const a = orders.filter((o) => o.qty.gt(0)).as("a");
    const b = orders.filter((o) => o.qty.lt(0)).as("b");
    const c = orders.filter((o) => o.qty.eq(0)).as("c");
    const p = pipeline("p").write(a.union(b, c).toPrint());
    const each = (from: string) => `SELECT \`order_id\`, \`customer_id\`, \`amount\`, \`qty\`, \`status\`, \`ts\` FROM \`${from}\``;
    expect(statementIn(p, "orders__a__union", target)).toBe(view("orders__a__union", [each("orders__a"), each("orders__b"), each("orders__c")].join("\nUNION ALL\n")));
  });
});

describe.each(TARGETS)("joins, Flink %s", (target) => {
  const JOIN_TYPES = [
    ["inner", "JOIN"],
    ["left", "LEFT JOIN"],
    ["right", "RIGHT JOIN"],
    ["full", "FULL OUTER JOIN"],
  ] as const;

  it.each(JOIN_TYPES)("regular %s join with one ttl for both sides", (type, keyword) => {
    const j = orders.join(payments, { on: { order_id: "order_id" }, type, ttl: "1h", select: (o, p) => ({ order_id: o.order_id, pid: p.payment_id, paid: p.paid }) });
    expect(statementIn(pipeline("p").write(j.toUpsertKafka("j", { key: ["pid"] })), "orders__join", target)).toBe(
      view(
        "orders__join",
        `SELECT /*+ STATE_TTL('l' = '1 h', 'r' = '1 h') */ \`l\`.\`order_id\` AS \`order_id\`, \`r\`.\`payment_id\` AS \`pid\`, \`r\`.\`paid\` AS \`paid\`\nFROM \`orders\` AS \`l\`\n${keyword} \`payments\` AS \`r\`\n  ON \`l\`.\`order_id\` = \`r\`.\`order_id\``,
      ),
    );
  });

  it.each(JOIN_TYPES)("regular %s join with a ttl per side and two keys", (type, keyword) => {
    const j = orders.join(customers, { on: { customer_id: "customer_id", status: "name" }, type, ttl: { left: "30s", right: "30d" }, select: (o, c) => ({ order_id: o.order_id, name: c.name }) });
    expect(statementIn(pipeline("p").write(j.toUpsertKafka("j", { key: ["order_id"] })), "orders__join", target)).toBe(
      view(
        "orders__join",
        `SELECT /*+ STATE_TTL('l' = '30 s', 'r' = '30 d') */ \`l\`.\`order_id\` AS \`order_id\`, \`r\`.\`name\` AS \`name\`\nFROM \`orders\` AS \`l\`\n${keyword} \`customers\` AS \`r\`\n  ON \`l\`.\`customer_id\` = \`r\`.\`customer_id\`\n  AND \`l\`.\`status\` = \`r\`.\`name\``,
      ),
    );
  });

  it.each(JOIN_TYPES)("regular %s join without a ttl has no hint", (type, keyword) => {
    const j = orders.join(payments, { on: { order_id: "order_id" }, type, select: (o, p) => ({ order_id: o.order_id, total: o.amount.add(p.paid) }) });
    expect(statementIn(pipeline("p", { stateTtl: "1d" }).write(j.toUpsertKafka("j", { key: ["order_id"] })), "orders__join", target)).toBe(
      view("orders__join", `SELECT \`l\`.\`order_id\` AS \`order_id\`, (\`l\`.\`amount\` + \`r\`.\`paid\`) AS \`total\`\nFROM \`orders\` AS \`l\`\n${keyword} \`payments\` AS \`r\`\n  ON \`l\`.\`order_id\` = \`r\`.\`order_id\``),
    );
  });

  it("a join select qualifies every column inside expressions", () => {
    const j = orders.join(payments, {
      on: { order_id: "order_id" },
      ttl: "1d",
      select: (o, p) => ({ id: o.order_id, late: p.paid.gt(o.amount), who: coalesce(o.status, p.payment_id), band: when(p.paid.le(10), "small").otherwise("big") }),
    });
    expect(statementIn(pipeline("p").write(j.toPrint()), "orders__join", target)).toBe(
      view(
        "orders__join",
        "SELECT /*+ STATE_TTL('l' = '1 d', 'r' = '1 d') */ `l`.`order_id` AS `id`, (`r`.`paid` > `l`.`amount`) AS `late`, COALESCE(`l`.`status`, `r`.`payment_id`) AS `who`, CAST(CASE WHEN (`r`.`paid` <= 10) THEN 'small' ELSE 'big' END AS STRING) AS `band`\nFROM `orders` AS `l`\nJOIN `payments` AS `r`\n  ON `l`.`order_id` = `r`.`order_id`",
      ),
    );
  });

  it.each([
    ["inner", "JOIN", ["0s", "1h"], "`l`.`ts` AND `l`.`ts` + INTERVAL '1' HOUR"],
    ["left", "LEFT JOIN", ["-5m", "1h"], "`l`.`ts` - INTERVAL '5' MINUTE AND `l`.`ts` + INTERVAL '1' HOUR"],
    ["inner", "JOIN", ["-10m", "-1m"], "`l`.`ts` - INTERVAL '10' MINUTE AND `l`.`ts` - INTERVAL '1' MINUTE"],
    ["left", "LEFT JOIN", ["-1500ms", "0s"], "`l`.`ts` - INTERVAL '1.5' SECOND AND `l`.`ts`"],
    ["inner", "JOIN", ["1s", "36h"], "`l`.`ts` + INTERVAL '1' SECOND AND `l`.`ts` + INTERVAL '36' HOUR"],
  ] as const)("interval %s join between %j", (type, keyword, between, bounds) => {
    const j = orders.intervalJoin(payments, { on: { order_id: "order_id" }, between, type, select: (o, p) => ({ order_id: o.order_id, paid: p.paid, ts: o.ts }) });
    expect(statementIn(pipeline("p").write(j.toPrint()), "orders__interval_join", target)).toBe(
      view(
        "orders__interval_join",
        `SELECT \`l\`.\`order_id\` AS \`order_id\`, \`r\`.\`paid\` AS \`paid\`, \`l\`.\`ts\` AS \`ts\`\nFROM \`orders\` AS \`l\`\n${keyword} \`payments\` AS \`r\`\n  ON \`l\`.\`order_id\` = \`r\`.\`order_id\`\n  AND \`r\`.\`paid_at\` BETWEEN ${bounds}`,
      ),
    );
  });

  it.each([
    ["inner", "JOIN"],
    ["left", "LEFT JOIN"],
  ] as const)("temporal %s join", (type, keyword) => {
    const j = orders.temporalJoin(customers, { on: { customer_id: "customer_id" }, type, select: (o, c) => ({ order_id: o.order_id, name: c.name, ts: o.ts }) });
    expect(statementIn(pipeline("p").write(j.toPrint()), "orders__temporal_join", target)).toBe(
      view(
        "orders__temporal_join",
        `SELECT \`l\`.\`order_id\` AS \`order_id\`, \`r\`.\`name\` AS \`name\`, \`l\`.\`ts\` AS \`ts\`\nFROM \`orders\` AS \`l\`\n${keyword} \`customers\` FOR SYSTEM_TIME AS OF \`l\`.\`ts\` AS \`r\`\n  ON \`l\`.\`customer_id\` = \`r\`.\`customer_id\``,
      ),
    );
  });

  it.each(JOIN_TYPES)("window %s join", (type, keyword) => {
    const j = orders.tumble("5m").join(payments.tumble("5m"), {
      on: { order_id: "order_id" },
      type,
      select: (o, p) => ({ order_id: o.order_id, paid: p.paid, window_start: o.window_start, window_end: p.window_end }),
    });
    expect(statementIn(pipeline("p").write(j.toPrint()), "orders__tumble_join", target)).toBe(
      view(
        "orders__tumble_join",
        `SELECT \`l\`.\`order_id\` AS \`order_id\`, \`r\`.\`paid\` AS \`paid\`, \`l\`.\`window_start\` AS \`window_start\`, \`r\`.\`window_end\` AS \`window_end\`\nFROM (\n  SELECT * FROM TABLE(TUMBLE(TABLE \`orders\`, DESCRIPTOR(\`ts\`), INTERVAL '5' MINUTE))\n) \`l\`\n${keyword} (\n  SELECT * FROM TABLE(TUMBLE(TABLE \`payments\`, DESCRIPTOR(\`paid_at\`), INTERVAL '5' MINUTE))\n) \`r\`\n  ON \`l\`.\`window_start\` = \`r\`.\`window_start\`\n  AND \`l\`.\`window_end\` = \`r\`.\`window_end\`\n  AND \`l\`.\`order_id\` = \`r\`.\`order_id\``,
      ),
    );
  });

  it("window join of hopping windows renders each side's window", () => {
    const j = orders.hop("10m", "5m").join(payments.hop("10m", "5m"), { on: { order_id: "order_id" }, select: (o, p) => ({ order_id: o.order_id, paid: p.paid }) });
    expect(statementIn(pipeline("p").write(j.toPrint()), "orders__hop_join", target)).toContain(
      "FROM (\n  SELECT * FROM TABLE(HOP(TABLE `orders`, DESCRIPTOR(`ts`), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))\n) `l`\nJOIN (\n  SELECT * FROM TABLE(HOP(TABLE `payments`, DESCRIPTOR(`paid_at`), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))\n) `r`\n",
    );
  });
});

// ---- what differs per target -------------------------------------------------------------------

describe("per-target forms", () => {
  const joined = orders.join(payments, { on: { order_id: "order_id" }, type: "full", ttl: { left: "1d", right: "2h" }, select: (o, p) => ({ order_id: coalesce(o.order_id, p.order_id), paid: p.paid }) });
  const totals = orders.groupBy("customer_id").aggregate({ total: sum("amount") }, { ttl: "7d" });
  const unique = orders.select("customer_id").distinct({ ttl: "45s" });
  const idle = source("idle", { topic: "idle", schema: t.row({ k: t.string().nullable(), ts: t.timestamp(3).nullable() }) }).eventTime("ts").watermark("5s").idleTimeout("30s");
  const p = pipeline("p", { sourceIdleTimeout: "1m" }).write(
    joined.toUpsertKafka("j", { key: ["order_id"] }),
    totals.toUpsertKafka("t", { key: ["customer_id"] }),
    unique.toPrint(),
    idle.toPrint({ name: "idle_print" }),
  );
  const EXPECTED: Record<Target, { header: RegExp; hints: string[]; idle: string[] }> = {
    "2.2": {
      header: /^-- pipeline: p \(test\/emit-sql\/every-operator\.test\.ts:\d+\); Flink 2\.2$/,
      hints: [
        "SELECT /*+ STATE_TTL('l' = '1 d', 'r' = '2 h') */ COALESCE(`l`.`order_id`, `r`.`order_id`) AS `order_id`, `r`.`paid` AS `paid`",
        "SELECT /*+ STATE_TTL('orders' = '7 d') */ `customer_id`, SUM(`amount`) AS `total`",
        "SELECT /*+ STATE_TTL('orders__select' = '45 s') */ `customer_id`",
      ],
      idle: ["SET 'table.exec.source.idle-timeout' = '1 min';", "  'scan.watermark.idle-timeout' = '30 s'"],
    },
    "1.20": {
      header: /^-- pipeline: p \(test\/emit-sql\/every-operator\.test\.ts:\d+\); Flink 1\.20$/,
      // Flink 1.19+ takes STATE_TTL hints: 1.20 keeps every one.
      hints: [
        "SELECT /*+ STATE_TTL('l' = '1 d', 'r' = '2 h') */ COALESCE(`l`.`order_id`, `r`.`order_id`) AS `order_id`, `r`.`paid` AS `paid`",
        "SELECT /*+ STATE_TTL('orders' = '7 d') */ `customer_id`, SUM(`amount`) AS `total`",
        "SELECT /*+ STATE_TTL('orders__select' = '45 s') */ `customer_id`",
      ],
      // The per-source option exists since Flink 1.18.
      idle: ["SET 'table.exec.source.idle-timeout' = '1 min';", "  'scan.watermark.idle-timeout' = '30 s'"],
    },
  };

  it.each(TARGETS)("Flink %s: header, STATE_TTL hints and idle timeouts", (target) => {
    const script = scriptOf(p, target);
    const lines = script.split("\n");
    expect(lines[1]).toMatch(EXPECTED[target].header);
    expect(lines.filter((l) => l.includes("/*+"))).toEqual(EXPECTED[target].hints);
    expect(lines.filter((l) => l.includes("idle-timeout"))).toEqual(EXPECTED[target].idle);
    expect(statementIn(p, "orders__join", target)).toContain("\nFULL OUTER JOIN `payments` AS `r`\n");
  });

  it("a pipeline's own flinkVersion wins over the emit option", () => {
    const own = pipeline("own", { flinkVersion: "1.20" }).write(orders.toPrint());
    expect(scriptOf(own, "2.2").split("\n")[1]).toMatch(/; Flink 1\.20$/);
  });
});
