import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isStreamtError, lit, pipeline, source, t, when, type StreamtError } from "streamt-sdk";
import { lineHere, statementOf } from "../helpers.js";

// Issue 15: JavaScript's &&, ||, !, ?? and ?: on expressions type-check (an expression is an object,
// always truthy) and used to emit the wrong SQL without a word: `a.gt(100) && b.eq("x")` is `b.eq("x")`.

const FILE = "test/dsl/expression-misuse.test.ts";
const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "packages/streamt-sdk/bin/streamt-sdk.js");

const HINT =
  "combine conditions with .and() / .or() / .not(), and pick values with when(...).otherwise(...) or .orElse(); " +
  "JavaScript's && and || return one of their operands, and an expression object is always truthy";
const dropped = (where: string): string =>
  `${where} builds a condition it does not return, so the condition would be silently dropped: JavaScript's &&, ||, ! and ?: do not combine expressions`;

const Order = t.row({ order_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), rush: t.boolean(), ts: t.timestamp(3) });
const Payment = t.row({ order_id: t.string(), paid: t.decimal(10, 2) });
const orders = source("orders", { topic: "orders.v1", schema: Order });
const payments = source("payments", { topic: "payments.v1", schema: Payment });

/** Runs `build` and returns the StreamtError it throws (plain JavaScript callers get these at run time). */
function errorOf(build: () => unknown): StreamtError {
  try {
    build();
  } catch (e) {
    if (isStreamtError(e)) return e;
    throw e;
  }
  throw new Error("expected a StreamtError");
}

const shape = (e: StreamtError) => ({ code: e.code, path: e.path, site: e.site, message: e.message, hint: e.hint });

describe("run time: a condition built in a callback and dropped is STREAMT-B009 at the line that built it", () => {
  it("a && b in filter() (the issue's case: only `status = 'confirmed'` was emitted)", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.filter((o) => o.amount.gt(100) && o.status.eq("confirmed")));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/filter", site: { file: FILE, line, column: 59 }, message: dropped("filter()"), hint: HINT });
  });

  it("!a in filter() on a built condition", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.filter((o) => !o.amount.gt(100) as never));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/filter", site: { file: FILE, line, column: 60 }, message: dropped("filter()"), hint: HINT });
  });

  it("!a || b in filter(): the negated condition is false, so || returns b", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.filter((o) => !o.amount.gt(100) || o.rush));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/filter", site: { file: FILE, line, column: 60 }, message: dropped("filter()"), hint: HINT });
  });

  it("c ? x : y in select() always picks x", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.select((o) => ({ size: o.amount.gt(100) ? o.amount.mul(2) : o.amount })));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/select", site: { file: FILE, line, column: 68 }, message: dropped("select()"), hint: HINT });
  });

  it("a && b in withColumns()", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.withColumns((o) => ({ big_rush: o.amount.gt(100) && o.rush })));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/with-columns", site: { file: FILE, line, column: 77 }, message: dropped("withColumns()"), hint: HINT });
  });

  it("a && b in a join's select callback", () => {
    const line = lineHere() + 2;
    const e = errorOf(() =>
      orders.join(payments, { on: { order_id: "order_id" }, ttl: "1h", select: (o, p) => ({ id: o.order_id, settled: p.paid.ge(o.amount) && o.rush }) }),
    );
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/join", site: { file: FILE, line, column: 125 }, message: dropped("join select()"), hint: HINT });
  });

  it("a && b as a when() condition", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.select((o) => ({ size: when(o.amount.gt(100) && o.rush, "big").otherwise("small") })));
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/select", site: { file: FILE, line, column: 73 }, message: dropped("select()"), hint: HINT });
  });

  it("a callback that forgets to return its condition", () => {
    const line = lineHere() + 3;
    const e = errorOf(() =>
      orders.filter(((o: any) => {
        o.amount.gt(100);
      }) as never),
    );
    expect(shape(e)).toEqual({ code: "STREAMT-B009", path: "orders/filter", site: { file: FILE, line, column: 18 }, message: dropped("filter()"), hint: HINT });
  });

  it("!column in filter() is the JavaScript value false: refused, naming .not()", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.filter((o) => !o.rush as never));
    expect(shape(e)).toEqual({
      code: "STREAMT-B009",
      path: "orders/filter",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "filter() must return a condition expression, not the JavaScript value false: JavaScript's ! makes any expression false",
      hint: HINT,
    });
  });

  it("!column as a select() column is the JavaScript value false: refused", () => {
    const line = lineHere() + 1;
    const e = errorOf(() => orders.select((o) => ({ calm: !o.rush }) as never));
    expect(shape(e)).toEqual({
      code: "STREAMT-B009",
      path: "orders/select",
      site: { file: FILE, line, column: expect.any(Number) },
      message: "select(): column 'calm' is the JavaScript value false, not an expression: JavaScript's ! makes any expression false",
      hint: HINT,
    });
  });

  it("an expression never coerces to a JavaScript value: +, comparisons, template strings", () => {
    const message = "an expression is not a JavaScript value: JavaScript's arithmetic, comparisons and template strings cannot compute with it";
    const hint = "use the expression's methods (.add(), .gt(), .eq(), .concat(), ...); " + HINT;
    const plus = lineHere() + 1;
    const a = errorOf(() => orders.select((o) => ({ x: (o.amount as any) + 1 })));
    expect(shape(a)).toEqual({ code: "STREAMT-B009", path: "orders/select", site: { file: FILE, line: plus, column: expect.any(Number) }, message, hint });
    const gt = lineHere() + 1;
    const b = errorOf(() => orders.filter((o) => ((o.amount as any) > 100) as never));
    expect(shape(b)).toEqual({ code: "STREAMT-B009", path: "orders/filter", site: { file: FILE, line: gt, column: expect.any(Number) }, message, hint });
    const template = lineHere() + 1;
    const c = errorOf(() => orders.select((o) => ({ x: lit(`id-${o.order_id}`) })));
    expect(shape(c)).toEqual({ code: "STREAMT-B009", path: "orders/select", site: { file: FILE, line: template, column: expect.any(Number) }, message, hint });
  });
});

describe("what stays allowed", () => {
  it(".and(), .or() and .not() emit the conditions the && / || / ! forms meant", () => {
    const and = orders.filter((o) => o.amount.gt(100).and(o.status.eq("confirmed")));
    expect(statementOf(pipeline("p").write(and.toPrint()), "orders__filter")).toBe(
      "CREATE TEMPORARY VIEW `orders__filter` AS\nSELECT * FROM `orders`\nWHERE ((`amount` > 100) AND (`status` = 'confirmed'));",
    );
    const or = orders.filter((o) => o.amount.gt(100).or(o.status.eq("vip"))).as("big-or-vip");
    expect(statementOf(pipeline("p").write(or.toPrint()), "orders__big_or_vip")).toBe(
      "CREATE TEMPORARY VIEW `orders__big_or_vip` AS\nSELECT * FROM `orders`\nWHERE ((`amount` > 100) OR (`status` = 'vip'));",
    );
    const not = orders.filter((o) => o.rush.not().and(o.amount.gt(100).not())).as("calm");
    expect(statementOf(pipeline("p").write(not.toPrint()), "orders__calm")).toBe(
      "CREATE TEMPORARY VIEW `orders__calm` AS\nSELECT * FROM `orders`\nWHERE ((NOT `rush`) AND (NOT (`amount` > 100)));",
    );
  });

  it("conditions kept in variables and combined later, when() branches, and unused values", () => {
    const s = orders.select((o) => {
      const big = o.amount.gt(100);
      const vip = o.status.eq("vip");
      const unusedValue = o.amount.mul(2); // a dropped value changes no row: not refused
      void unusedValue;
      return { id: o.order_id, size: when(big.and(vip.not()), "big").when(vip, "vip").otherwise("small") };
    });
    expect(statementOf(pipeline("p").write(s.toPrint()), "orders__select")).toBe(
      "CREATE TEMPORARY VIEW `orders__select` AS\nSELECT `order_id` AS `id`, CAST(CASE WHEN ((`amount` > 100) AND (NOT (`status` = 'vip'))) THEN 'big' WHEN (`status` = 'vip') THEN 'vip' ELSE 'small' END AS STRING) AS `size`\nFROM `orders`;",
    );
  });

  it("destructuring the row to drop a BOOLEAN column is not a dropped condition", () => {
    const s = orders.select(({ rush, ...rest }) => rest);
    expect(statementOf(pipeline("p").write(s.toPrint()), "orders__select")).toBe(
      "CREATE TEMPORARY VIEW `orders__select` AS\nSELECT `order_id`, `amount`, `status`, `ts`\nFROM `orders`;",
    );
  });

  it("a JavaScript-level choice between conditions built in the branch is fine", () => {
    const strict = true as boolean;
    const s = orders.filter((o) => (strict ? o.amount.gt(100) : o.amount.gt(0)));
    expect(statementOf(pipeline("p").write(s.toPrint()), "orders__filter")).toContain("WHERE (`amount` > 100);");
  });

  it("a callback that throws leaves no scope behind: the next callback is checked on its own", () => {
    expect(errorOf(() => orders.filter((o: any) => o.nope.eq(1))).code).toBe("STREAMT-B001");
    expect(() => orders.filter((o) => o.amount.gt(1))).not.toThrow();
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin + tsx, the compiled dist/) as a user would, from the repository root. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, STREAMT_KAFKA_BOOTSTRAP: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const fix = `  fix: ${HINT}\n`;

describe("through the CLI", () => {
  it("synth --no-typecheck: the run-time check, at the user's line", async () => {
    const r = await cli("synth", "test/fixtures/cli/bad-js-and.ts", "--no-typecheck", "--out", "/nonexistent/never-written");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-B009 test/fixtures/cli/bad-js-and.ts:6:49 orders/filter\n" +
        `  ${dropped("filter()")}\n` +
        fix +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("synth --no-typecheck: !column in filter()", async () => {
    const r = await cli("synth", "test/fixtures/cli/bad-js-not.ts", "--no-typecheck", "--out", "/nonexistent/never-written");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-B009 test/fixtures/cli/bad-js-not.ts:6:21 orders/filter\n" +
        "  filter() must return a condition expression, not the JavaScript value false: JavaScript's ! makes any expression false\n" +
        fix +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("synth with the type-check: &&", async () => {
    const r = await cli("synth", "test/fixtures/cli/bad-js-and.ts", "--out", "/nonexistent/never-written");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-B009 test/fixtures/cli/bad-js-and.ts:6:40 test/fixtures/cli/bad-js-and.ts\n" +
        "  `o.amount.gt(100)` is a streamt expression, always truthy in JavaScript: && returns its right operand and drops this one\n" +
        fix +
        "1 error, 0 warnings\n",
    });
  }, 60_000);

  it("synth with the type-check: ||, ?: on a column and ??, which the run time cannot see; a chain once", async () => {
    const r = await cli("synth", "test/fixtures/cli/bad-js-operators.ts", "--out", "/nonexistent/never-written");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-B009 test/fixtures/cli/bad-js-operators.ts:6:36 test/fixtures/cli/bad-js-operators.ts\n" +
        "  `o.amount.gt(100)` is a streamt expression, always truthy in JavaScript: || returns this operand and drops the right one\n" +
        fix +
        "error STREAMT-B009 test/fixtures/cli/bad-js-operators.ts:9:13 test/fixtures/cli/bad-js-operators.ts\n" +
        "  `o.rush` is a streamt expression, always truthy in JavaScript: ?: always takes its first branch (SQL's CASE is when(...).otherwise(...))\n" +
        fix +
        // `o.rush && o.amount.gt(1) && o.status.eq("paid")`: one report, at the innermost misuse
        "error STREAMT-B009 test/fixtures/cli/bad-js-operators.ts:12:38 test/fixtures/cli/bad-js-operators.ts\n" +
        "  `o.rush` is a streamt expression, always truthy in JavaScript: && returns its right operand and drops this one\n" +
        fix +
        "error STREAMT-B009 test/fixtures/cli/bad-js-operators.ts:10:11 test/fixtures/cli/bad-js-operators.ts\n" +
        "  `o.status` is a streamt expression, always truthy in JavaScript: ?? returns this operand and drops the right one (SQL's COALESCE is .orElse())\n" +
        fix +
        "4 errors, 0 warnings\n",
    });
  }, 60_000);

  it("synth with the type-check: ! next to the compiler's own error", async () => {
    const r = await cli("synth", "test/fixtures/cli/bad-js-not.ts", "--out", "/nonexistent/never-written");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "error STREAMT-B009 test/fixtures/cli/bad-js-not.ts:6:35 test/fixtures/cli/bad-js-not.ts\n" +
        "  `o.rush` is a streamt expression, always truthy in JavaScript: ! makes it the value false, not SQL's NOT\n" +
        fix +
        "error TS2322 test/fixtures/cli/bad-js-not.ts:6:35 test/fixtures/cli/bad-js-not.ts\n" +
        "  Type 'boolean' is not assignable to type 'Expr<Col<\"BOOLEAN\", boolean, any>>'.\n" +
        "  fix: fix the type error (your editor shows it too); synth refuses code that does not type-check\n" +
        "2 errors, 0 warnings\n",
    });
  }, 60_000);

  it("a correct fixture with .and() / .or() / .not() type-checks clean", async () => {
    const r = await cli("check", "test/fixtures/cli/ok-js-logic.ts");
    expect(r).toEqual({ code: 0, stdout: "checked 1 pipeline (p): no failing findings\n", stderr: "" });
  }, 60_000);
});
