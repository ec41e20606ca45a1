/**
 * Every expression operator, function and literal kind the SQL emitter has exact-SQL tests for
 * (test/emit-sql/every-operator.test.ts, same rows), as its exact Table API text, for both Flink targets;
 * the typed NULLs and NOT NULL placeholders of every type; the guard that keeps a literal's text out of
 * the Java source unless it is a number.
 */
import { describe, expect, it } from "vitest";
import { coalesce, concat, currentTimestamp, lit, pipeline, source, t, when, type Pipeline, type RowExprs } from "streamt-sdk";
import type { ExprBase } from "../../packages/streamt-sdk/src/dsl/expr.js";
import type { DataType } from "../../packages/streamt-sdk/src/ir/data-type.js";
import type { ExprNode } from "../../packages/streamt-sdk/src/ir/expr-node.js";
import { renderPipelineJava } from "../../packages/streamt-sdk/src/emit-java/java-emitter.js";
import { exprJava, intervalJava, nullOfJava } from "../../packages/streamt-sdk/src/emit-java/java-expr.js";
import { notNullPlaceholderJava } from "../../packages/streamt-sdk/src/emit-java/placeholders.js";
import { dataTypeJava } from "../../packages/streamt-sdk/src/emit-java/java-types.js";
import { lowerPipeline } from "../../packages/streamt-sdk/src/ir/job-plan.js";

const TARGETS = ["2.2", "1.20"] as const;
type Target = (typeof TARGETS)[number];

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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any expression type
type Build = (o: RowExprs<OpsRow>) => ExprBase<any>;

/** The code of the step whose variable is `name`. */
function stepCode(p: Pipeline, name: string, target: Target): string {
  const j = renderPipelineJava(lowerPipeline(p.definition, { flinkVersion: target }));
  return j.steps.find((s) => s.code.startsWith(`Table ${name} =`))!.code;
}

/** The expression of `select({ x: build(o) })`, asserting the rest of the step exactly. */
function selected(build: Build, target: Target): string {
  const code = stepCode(pipeline("p").write(ops.select((o) => ({ x: build(o) })).toPrint()), "opsSelect", target);
  const head = "Table opsSelect = ops\n                .select(";
  const tail = '.as("x"));\n        tEnv.createTemporaryView("ops__select", opsSelect);';
  expect(code.startsWith(head) && code.endsWith(tail), code).toBe(true);
  return code.slice(head.length, code.length - tail.length);
}

/** The condition of `filter(build)`, asserting the rest of the step exactly. */
function filtered(build: Build, target: Target): string {
  const code = stepCode(pipeline("p").write(ops.filter((o) => build(o) as never).toPrint()), "opsFilter", target);
  const head = "Table opsFilter = ops\n                .filter(";
  const tail = ');\n        tEnv.createTemporaryView("ops__filter", opsFilter);';
  expect(code.startsWith(head) && code.endsWith(tail), code).toBe(true);
  return code.slice(head.length, code.length - tail.length);
}

const jan1 = new Date(Date.UTC(2024, 0, 1, 10, 0, 0, 500));

/** Conditions: rendered in a select and in a filter. */
const CONDITIONS: readonly (readonly [string, Build, string])[] = [
  ["eq number", (o) => o.n.eq(100), '$("n").isEqual(lit(100))'],
  ["ne number", (o) => o.n.ne(100), '$("n").isNotEqual(lit(100))'],
  ["gt number", (o) => o.amount.gt(100), '$("amount").isGreater(lit(100))'],
  ["ge number", (o) => o.amount.ge(100), '$("amount").isGreaterOrEqual(lit(100))'],
  ["lt number", (o) => o.amount.lt(100), '$("amount").isLess(lit(100))'],
  ["le number", (o) => o.amount.le(100), '$("amount").isLessOrEqual(lit(100))'],
  ["gt negative", (o) => o.n.gt(-5), '$("n").isGreater(lit(-5))'],
  ["le decimal", (o) => o.amount.le(99.95), '$("amount").isLessOrEqual(lit(new BigDecimal("99.95")))'],
  ["ge column", (o) => o.n.ge(o.big), '$("n").isGreaterOrEqual($("big"))'],
  ["lt nullable column", (o) => o.n.lt(o.qty), '$("n").isLess($("qty"))'],
  ["eq double", (o) => o.ratio.eq(0.5), '$("ratio").isEqual(lit(0.5d))'],
  ["ne double whole", (o) => o.ratio.ne(2), '$("ratio").isNotEqual(lit(2d))'],
  ["eq string", (o) => o.name.eq("it's"), "$(\"name\").isEqual(lit(\"it's\"))"],
  ["ne string", (o) => o.name.ne(""), '$("name").isNotEqual(lit(""))'],
  ["gt string", (o) => o.name.gt("m"), '$("name").isGreater(lit("m"))'],
  ["le string column", (o) => o.name.le(o.id), '$("name").isLessOrEqual($("id"))'],
  ["eq boolean", (o) => o.flag.eq(true), '$("flag").isEqual(lit(true))'],
  ["ne boolean", (o) => o.flag.ne(false), '$("flag").isNotEqual(lit(false))'],
  ["ge timestamp literal", (o) => o.at.ge(jan1), '$("at").isGreaterOrEqual(lit(LocalDateTime.parse("2024-01-01T10:00:00.500"), DataTypes.TIMESTAMP(3).notNull()))'],
  ["lt rowtime literal", (o) => o.ts.lt(jan1), '$("ts").cast(DataTypes.TIMESTAMP(3)).isLess(lit(LocalDateTime.parse("2024-01-01T10:00:00.500"), DataTypes.TIMESTAMP(3).notNull()))'],
  // Finding D8: a bound of a millisecond time that excludes T from below is `>= T + 1 ms` (ir/planner-safe.ts).
  ["gt timestamp_ltz literal", (o) => o.ltz.gt(jan1), '$("ltz").isGreaterOrEqual(toTimestampLtz(lit(1704103200501L), lit(3)))'],
  ["le timestamp column", (o) => o.at.le(o.ts), '$("at").isLessOrEqual($("ts"))'],
  ["between numbers", (o) => o.n.between(1, 10), '$("n").between(lit(1), lit(10))'],
  ["between negative and decimal", (o) => o.amount.between(-0.5, 10.25), '$("amount").between(lit(new BigDecimal("-0.5")), lit(new BigDecimal("10.25")))'],
  ["between columns", (o) => o.n.between(o.qty, o.big), '$("n").between($("qty"), $("big"))'],
  ["between strings", (o) => o.name.between("a", "m"), '$("name").between(lit("a"), lit("m"))'],
  ["between timestamps", (o) => o.at.between(jan1, o.ts), '$("at").between(lit(LocalDateTime.parse("2024-01-01T10:00:00.500"), DataTypes.TIMESTAMP(3).notNull()), $("ts").cast(DataTypes.TIMESTAMP(3)))'],
  ["in numbers", (o) => o.n.in(1, 2, 3), '$("n").in(lit(1), lit(2), lit(3))'],
  ["in one", (o) => o.n.in(7), '$("n").in(lit(7))'],
  ["in strings", (o) => o.name.in("a", "it's"), "$(\"name\").in(lit(\"a\"), lit(\"it's\"))"],
  ["in columns", (o) => o.n.in(o.qty, 0), '$("n").in($("qty"), lit(0))'],
  ["not in numbers", (o) => o.n.notIn(1, 2), 'not($("n").in(lit(1), lit(2)))'],
  ["not in one string", (o) => o.note.notIn("x"), 'not($("note").in(lit("x")))'],
  ["is null", (o) => o.note.isNull(), '$("note").isNull()'],
  ["is not null", (o) => o.note.isNotNull(), '$("note").isNotNull()'],
  ["is null of NOT NULL column", (o) => o.n.isNull(), '$("n").isNull()'],
  ["like", (o) => o.name.like("a%_b"), '$("name").like(lit("a%_b"))'],
  ["like with quote", (o) => o.name.like("it's%"), "$(\"name\").like(lit(\"it's%\"))"],
  ["and", (o) => o.flag.and(o.maybe), 'and($("flag"), $("maybe"))'],
  ["or", (o) => o.flag.or(o.maybe), 'or($("flag"), $("maybe"))'],
  ["and literal", (o) => o.flag.and(false), 'and($("flag"), lit(false))'],
  ["not", (o) => o.flag.not(), 'not($("flag"))'],
  ["not of comparison", (o) => o.n.gt(1).not(), 'not($("n").isGreater(lit(1)))'],
  ["nested and/or", (o) => o.n.gt(1).and(o.n.lt(9)).or(o.note.isNull()), 'or(and($("n").isGreater(lit(1)), $("n").isLess(lit(9))), $("note").isNull())'],
  ["or then and", (o) => o.n.gt(1).or(o.n.lt(9).and(o.flag)), 'or($("n").isGreater(lit(1)), and($("n").isLess(lit(9)), $("flag")))'],
  ["comparison of arithmetic", (o) => o.n.add(1).le(o.big.mul(2)), '$("n").plus(lit(1)).isLessOrEqual($("big").times(lit(2)))'],
];

/** Values: rendered in a select. */
const VALUES: readonly (readonly [string, Build, string])[] = [
  // arithmetic
  ["add", (o) => o.n.add(1), '$("n").plus(lit(1))'],
  ["sub", (o) => o.n.sub(1), '$("n").minus(lit(1))'],
  ["sub negative", (o) => o.n.sub(-5), '$("n").minus(lit(-5))'],
  ["mul", (o) => o.amount.mul(100), '$("amount").times(lit(100))'],
  ["div", (o) => o.amount.div(3), '$("amount").dividedBy(lit(3))'],
  ["mod", (o) => o.n.mod(7), '$("n").mod(lit(7))'],
  ["mod column", (o) => o.big.mod(o.n), '$("big").mod($("n"))'],
  ["add column", (o) => o.n.add(o.big), '$("n").plus($("big"))'],
  ["sub nullable column", (o) => o.n.sub(o.qty), '$("n").minus($("qty"))'],
  ["mul decimal literal", (o) => o.amount.mul(1.05), '$("amount").times(lit(new BigDecimal("1.05")))'],
  ["div double", (o) => o.ratio.div(4), '$("ratio").dividedBy(lit(4d))'],
  ["add double fraction", (o) => o.ratio.add(-0.25), '$("ratio").plus(lit(-0.25d))'],
  ["mul big exponent", (o) => o.n.mul(1e21), '$("n").times(lit(1e+21d))'],
  ["nested arithmetic", (o) => o.n.add(1).mul(o.n.sub(2)).div(3), '$("n").plus(lit(1)).times($("n").minus(lit(2))).dividedBy(lit(3))'],
  ["neg", (o) => o.n.neg(), 'negative($("n"))'],
  ["neg of negation", (o) => o.n.neg().neg(), 'negative(negative($("n")))'],
  ["neg of sub", (o) => o.amount.sub(1).neg(), 'negative($("amount").minus(lit(1)))'],
  ["abs", (o) => o.amount.abs(), '$("amount").abs()'],
  ["abs of double", (o) => o.ratio.abs(), '$("ratio").abs()'],
  ["round default", (o) => o.amount.round(), '$("amount").round(lit(0))'],
  ["round 2", (o) => o.amount.round(2), '$("amount").round(lit(2))'],
  ["round negative", (o) => o.big.round(-2), '$("big").round(lit(-2))'],
  // strings
  ["upper", (o) => o.name.upper(), '$("name").upperCase()'],
  ["lower", (o) => o.name.lower(), '$("name").lowerCase()'],
  ["trim", (o) => o.name.trim(), '$("name").trim()'],
  ["length", (o) => o.name.length(), '$("name").charLength()'],
  ["substring from", (o) => o.name.substring(2), '$("name").substring(lit(2))'],
  ["substring from for", (o) => o.name.substring(2, 3), '$("name").substring(lit(2), lit(3))'],
  ["concat method", (o) => o.name.concat("-", o.id), 'concat($("name"), lit("-"), $("id"))'],
  ["concat nullable", (o) => o.name.concat(o.note), 'concat($("name"), $("note"))'],
  ["concat function", () => concat(lit("a"), "it's"), "concat(lit(\"a\"), lit(\"it's\"))"],
  ["concat function columns", (o) => concat(o.id, ":", o.name), 'concat($("id"), lit(":"), $("name"))'],
  ["json value", (o) => o.name.jsonValue("$.a.b"), '$("name").jsonValue("$.a.b")'],
  ["json value with quote", (o) => o.name.jsonValue("$['it''s']"), "$(\"name\").jsonValue(\"$['it''s']\")"],
  ["lower of substring of trim", (o) => o.name.trim().substring(1, 2).lower(), '$("name").trim().substring(lit(1), lit(2)).lowerCase()'],
  // time
  ...(["SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR"] as const).flatMap((u) => [
    [`floor plain to ${u}`, (o: RowExprs<OpsRow>) => o.at.floorTo(u), `$("at").floor(TimeIntervalUnit.${u})`] as const,
    [`ceil plain to ${u}`, (o: RowExprs<OpsRow>) => o.at.ceilTo(u), `$("at").ceil(TimeIntervalUnit.${u})`] as const,
    [`extract ${u}`, (o: RowExprs<OpsRow>) => o.ts.extract(u), `$("ts").extract(TimeIntervalUnit.${u})`] as const,
  ]),
  ["floor rowtime (a plain timestamp after)", (o) => o.ts.floorTo("HOUR"), '$("ts").floor(TimeIntervalUnit.HOUR).cast(DataTypes.TIMESTAMP(3))'],
  ["ceil rowtime (a plain timestamp after)", (o) => o.ts.ceilTo("MINUTE"), '$("ts").ceil(TimeIntervalUnit.MINUTE).cast(DataTypes.TIMESTAMP(3))'],
  ["floor timestamp_ltz", (o) => o.ltz.floorTo("DAY"), '$("ltz").floor(TimeIntervalUnit.DAY)'],
  ["floor date", (o) => o.day.floorTo("MONTH"), '$("day").floor(TimeIntervalUnit.MONTH)'],
  ["extract of date", (o) => o.day.extract("YEAR"), '$("day").extract(TimeIntervalUnit.YEAR)'],
  ["date format", (o) => o.ts.format("yyyy-MM-dd HH:mm"), 'dateFormat($("ts"), lit("yyyy-MM-dd HH:mm"))'],
  ["date format of date", (o) => o.day.format("yyyy''MM"), "dateFormat($(\"day\"), lit(\"yyyy''MM\"))"],
  ["to date", (o) => o.ts.toDate(), '$("ts").cast(DataTypes.DATE())'],
  ["to date of ltz", (o) => o.ltz.toDate(), '$("ltz").cast(DataTypes.DATE())'],
  ["current timestamp", () => currentTimestamp(), "currentTimestamp()"],
  // null handling and conditionals
  ["orElse string", (o) => o.note.orElse("none"), 'coalesce($("note"), lit("none"))'],
  ["orElse number", (o) => o.qty.orElse(0), 'coalesce($("qty"), lit(0))'],
  ["orElse column", (o) => o.note.orElse(o.name), 'coalesce($("note"), $("name"))'],
  ["coalesce", (o) => coalesce(o.note, o.name, "n/a"), 'coalesce($("note"), $("name"), lit("n/a"))'],
  ["coalesce numbers", (o) => coalesce(o.qty, o.n), 'coalesce($("qty"), $("n"))'],
  ["case numbers", (o) => when(o.n.gt(10), 2).when(o.n.gt(1), 1).otherwise(0), 'ifThenElse($("n").isGreater(lit(10)), lit(2), ifThenElse($("n").isGreater(lit(1)), lit(1), lit(0)))'],
  ["case strings (typed STRING)", (o) => when(o.amount.ge(100), "big").otherwise("it's small"), "ifThenElse($(\"amount\").isGreaterOrEqual(lit(100)), lit(\"big\"), lit(\"it's small\")).cast(DataTypes.STRING())"],
  ["case without else", (o) => when(o.note.isNull(), "none").end(), 'ifThenElse($("note").isNull(), lit("none"), nullOf(DataTypes.STRING())).cast(DataTypes.STRING())'],
  ["case of columns", (o) => when(o.flag, o.n).otherwise(o.n.add(1)), 'ifThenElse($("flag"), $("n"), $("n").plus(lit(1)))'],
  ["case of booleans", (o) => when(o.n.eq(0), true).otherwise(false), 'ifThenElse($("n").isEqual(lit(0)), lit(true), lit(false))'],
  // casts and literals
  ["cast to int", (o) => o.amount.cast(t.int()), '$("amount").cast(DataTypes.INT())'],
  ["cast to decimal", (o) => o.n.cast(t.decimal(12, 2)), '$("n").cast(DataTypes.DECIMAL(12, 2))'],
  ["cast to string", (o) => o.n.cast(t.string()), '$("n").cast(DataTypes.STRING())'],
  ["cast to bigint of arithmetic", (o) => o.amount.mul(100).cast(t.bigint()), '$("amount").times(lit(100)).cast(DataTypes.BIGINT())'],
  ["cast to double", (o) => o.qty.cast(t.double()), '$("qty").cast(DataTypes.DOUBLE())'],
  ["cast to timestamp", (o) => o.ltz.cast(t.timestamp(3)), '$("ltz").cast(DataTypes.TIMESTAMP(3))'],
  ["lit int", () => lit(0), "lit(0)"],
  ["lit negative decimal", () => lit(-1.5), 'lit(new BigDecimal("-1.5"))'],
  ["lit boolean", () => lit(true), "lit(true)"],
  ["lit false", () => lit(false), "lit(false)"],
  ["lit string (typed STRING)", () => lit("it's"), "lit(\"it's\").cast(DataTypes.STRING())"],
  ["lit big integer", () => lit(3000000000), "lit(3000000000L)"],
  // a condition is a value too
  ["comparison as a column", (o) => o.amount.gt(100), '$("amount").isGreater(lit(100))'],
  ["not in as a column", (o) => o.n.notIn(1), 'not($("n").in(lit(1)))'],
];


describe.each(TARGETS)("expressions as Table API code, Flink %s", (target) => {
  it.each(CONDITIONS)("condition %s in a filter", (_label, build, java) => {
    expect(filtered(build, target)).toBe(java);
  });
  it.each(CONDITIONS)("condition %s in a select", (_label, build, java) => {
    expect(selected(build, target)).toBe(java);
  });
  it.each(VALUES)("%s", (_label, build, java) => {
    expect(selected(build, target)).toBe(java);
  });
});

const literal = (value: string | boolean | null, type: DataType): ExprNode => ({ kind: "literal", value, type });

describe("literals of every kind", () => {
  it.each([
    ["TINYINT", literal("-7", { kind: "TINYINT", nullable: false }), "lit((byte) -7)"],
    ["SMALLINT", literal("300", { kind: "SMALLINT", nullable: false }), "lit((short) 300)"],
    ["INT", literal("42", { kind: "INT", nullable: false }), "lit(42)"],
    ["BIGINT", literal("3000000000", { kind: "BIGINT", nullable: false }), "lit(3000000000L)"],
    ["FLOAT", literal("0.5", { kind: "FLOAT", nullable: false }), "lit(0.5f)"],
    ["DOUBLE", literal("0.25", { kind: "DOUBLE", nullable: false }), "lit(0.25d)"],
    ["DOUBLE with a two-digit negative exponent", literal("1.5e-10", { kind: "DOUBLE", nullable: false }), "lit(1.5e-10d)"],
    ["DOUBLE with a signed exponent", literal("2E+21", { kind: "DOUBLE", nullable: false }), "lit(2E+21d)"],
    ["DOUBLE with an unsigned exponent", literal("3e8", { kind: "DOUBLE", nullable: false }), "lit(3e8d)"],
    ["DECIMAL (exact digits, as a string)", literal("-12345678901234567.89", { kind: "DECIMAL", precision: 19, scale: 2, nullable: false }), 'lit(new BigDecimal("-12345678901234567.89"))'],
    ["BOOLEAN", literal(true, { kind: "BOOLEAN", nullable: false }), "lit(true)"],
    ["STRING", literal('a "quoted"\nline', { kind: "STRING", nullable: false }), 'lit("a \\"quoted\\"\\nline")'],
    ["DATE", literal("2024-02-29", { kind: "DATE", nullable: false }), 'lit(LocalDate.parse("2024-02-29"))'],
    ["TIMESTAMP written with a space", literal("2024-01-01 10:00:00.5", { kind: "TIMESTAMP", precision: 3, nullable: false }), 'lit(LocalDateTime.parse("2024-01-01T10:00:00.5"), DataTypes.TIMESTAMP(1).notNull())'],
    ["TIMESTAMP written with a T, no fraction", literal("2024-01-01T10:00:00", { kind: "TIMESTAMP", precision: 3, nullable: false }), 'lit(LocalDateTime.parse("2024-01-01T10:00:00"), DataTypes.TIMESTAMP(0).notNull())'],
    ["TIMESTAMP_LTZ (an instant as epoch milliseconds)", literal("2024-01-01 10:00:00.5", { kind: "TIMESTAMP_LTZ", precision: 3, nullable: false }), "toTimestampLtz(lit(1704103200500L), lit(3))"],
    ["NULL of a type", literal(null, { kind: "DECIMAL", precision: 10, scale: 2, nullable: true }), "nullOf(DataTypes.DECIMAL(10, 2))"],
  ] as const)("%s", (_label, node, java) => {
    expect(exprJava(node)).toBe(java);
  });

  it.each(["1); System.exit(1", "0x10", "1.", ".5", "1e", "1e+", "NaN", "Infinity", "１"])("a numeric literal whose text is not a number (%j) is an internal error, never Java source", (text) => {
    for (const kind of ["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE"] as const) {
      expect(() => exprJava(literal(text, { kind, nullable: false }))).toThrow(`internal: ${JSON.stringify(text)} is not a ${kind} literal`);
    }
    expect(() => exprJava(literal(text, { kind: "DECIMAL", precision: 10, scale: 2, nullable: false }))).toThrow(`internal: ${JSON.stringify(text)} is not a DECIMAL literal`);
  });

  it("a TO_DATE call (the DSL writes toDate() as a cast; a plan may hold the call) is a cast to DATE, as the SQL output's", () => {
    const ts: ExprNode = { kind: "column", name: "ts", input: 0, type: { kind: "TIMESTAMP", precision: 3, nullable: true } };
    expect(exprJava({ kind: "call", op: "TO_DATE", args: [ts], type: { kind: "DATE", nullable: true } })).toBe('$("ts").cast(DataTypes.DATE())');
  });

  it("a literal of a kind with no literal form is an internal error", () => {
    expect(() => exprJava(literal("AAE=", { kind: "BYTES", nullable: false }))).toThrow("internal: a BYTES literal");
  });
});

const ELEMENT: DataType = { kind: "INT", nullable: false };
const ROW: DataType = { kind: "ROW", nullable: false, fields: [{ name: "a", type: { kind: "STRING", nullable: false } }, { name: "b", type: { kind: "TIMESTAMP", precision: 3, nullable: false } }] };

describe("a NOT NULL placeholder of every type (the Table API twin of the SQL output's, for coalesce)", () => {
  it.each([
    [{ kind: "STRING", nullable: false }, 'lit("")'],
    [{ kind: "BOOLEAN", nullable: false }, "lit(false)"],
    [{ kind: "INT", nullable: false }, "lit(0)"],
    [{ kind: "TINYINT", nullable: false }, "lit(0).cast(DataTypes.TINYINT())"],
    [{ kind: "SMALLINT", nullable: false }, "lit(0).cast(DataTypes.SMALLINT())"],
    [{ kind: "BIGINT", nullable: false }, "lit(0).cast(DataTypes.BIGINT())"],
    [{ kind: "FLOAT", nullable: false }, "lit(0).cast(DataTypes.FLOAT())"],
    [{ kind: "DOUBLE", nullable: false }, "lit(0).cast(DataTypes.DOUBLE())"],
    [{ kind: "DECIMAL", precision: 10, scale: 2, nullable: false }, "lit(0).cast(DataTypes.DECIMAL(10, 2))"],
    [{ kind: "DATE", nullable: false }, "lit(LocalDate.of(1970, 1, 1))"],
    [{ kind: "TIMESTAMP", precision: 3, nullable: false }, "lit(LocalDateTime.of(1970, 1, 1, 0, 0), DataTypes.TIMESTAMP(0).notNull()).cast(DataTypes.TIMESTAMP(3))"],
    [{ kind: "TIMESTAMP_LTZ", precision: 6, nullable: false }, "lit(LocalDateTime.of(1970, 1, 1, 0, 0), DataTypes.TIMESTAMP(0).notNull()).cast(DataTypes.TIMESTAMP_LTZ(6))"],
    [{ kind: "BYTES", nullable: false }, "lit(new byte[0])"],
    [{ kind: "ARRAY", element: ELEMENT, nullable: false }, "array(nullOf(DataTypes.INT()))"],
    [{ kind: "MAP", key: { kind: "STRING", nullable: false }, value: ELEMENT, nullable: false }, "map(nullOf(DataTypes.STRING()), nullOf(DataTypes.INT()))"],
    [ROW, "row(nullOf(DataTypes.STRING()), nullOf(DataTypes.TIMESTAMP(3)))"],
  ] as const)("%o", (type, java) => {
    expect(notNullPlaceholderJava(type as DataType)).toBe(java);
  });

  it("a typed NULL is nullable whatever the type says (nested fields keep theirs)", () => {
    expect(nullOfJava({ kind: "DOUBLE", nullable: false })).toBe("nullOf(DataTypes.DOUBLE())");
    expect(nullOfJava(ROW)).toBe('nullOf(DataTypes.ROW(DataTypes.FIELD("a", DataTypes.STRING().notNull()), DataTypes.FIELD("b", DataTypes.TIMESTAMP(3).notNull())))');
  });
});

describe("data types", () => {
  it.each([
    [{ kind: "STRING", nullable: true }, "DataTypes.STRING()"],
    [{ kind: "STRING", nullable: false }, "DataTypes.STRING().notNull()"],
    [{ kind: "BOOLEAN", nullable: false }, "DataTypes.BOOLEAN().notNull()"],
    [{ kind: "TINYINT", nullable: true }, "DataTypes.TINYINT()"],
    [{ kind: "SMALLINT", nullable: true }, "DataTypes.SMALLINT()"],
    [{ kind: "INT", nullable: true }, "DataTypes.INT()"],
    [{ kind: "BIGINT", nullable: false }, "DataTypes.BIGINT().notNull()"],
    [{ kind: "FLOAT", nullable: true }, "DataTypes.FLOAT()"],
    [{ kind: "DOUBLE", nullable: true }, "DataTypes.DOUBLE()"],
    [{ kind: "DECIMAL", precision: 38, scale: 18, nullable: false }, "DataTypes.DECIMAL(38, 18).notNull()"],
    [{ kind: "DATE", nullable: true }, "DataTypes.DATE()"],
    [{ kind: "TIMESTAMP", precision: 6, nullable: true }, "DataTypes.TIMESTAMP(6)"],
    [{ kind: "TIMESTAMP_LTZ", precision: 0, nullable: false }, "DataTypes.TIMESTAMP_LTZ(0).notNull()"],
    [{ kind: "BYTES", nullable: true }, "DataTypes.BYTES()"],
    [{ kind: "ARRAY", element: { kind: "INT", nullable: false }, nullable: true }, "DataTypes.ARRAY(DataTypes.INT().notNull())"],
    [{ kind: "MAP", key: { kind: "STRING", nullable: false }, value: { kind: "DOUBLE", nullable: true }, nullable: false }, "DataTypes.MAP(DataTypes.STRING().notNull(), DataTypes.DOUBLE()).notNull()"],
    [ROW, 'DataTypes.ROW(DataTypes.FIELD("a", DataTypes.STRING().notNull()), DataTypes.FIELD("b", DataTypes.TIMESTAMP(3).notNull())).notNull()'],
    [{ kind: "ROW", nullable: true, fields: [{ name: 'we"ird', type: { kind: "INT", nullable: true } }] }, 'DataTypes.ROW(DataTypes.FIELD("we\\"ird", DataTypes.INT()))'],
  ] as const)("%o", (type, java) => {
    expect(dataTypeJava(type as DataType)).toBe(java);
  });
});

describe("intervals in their largest exact unit", () => {
  it.each([
    [2 * 86_400_000, "lit(2).days()"],
    [36 * 3_600_000, "lit(36).hours()"],
    [90 * 60_000, "lit(90).minutes()"],
    [61_000, "lit(61).seconds()"],
    [1500, "lit(1500).millis()"],
    [0, "lit(0).millis()"],
  ])("%i ms is %s", (ms, java) => {
    expect(intervalJava(ms)).toBe(java);
  });
});
