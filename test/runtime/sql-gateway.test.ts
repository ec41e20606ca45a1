import { describe, expect, it } from "vitest";
import { scriptStatements } from "../../packages/streamt-sdk/src/runtime/sql-gateway.js";

describe("scriptStatements: a script cut into the gateway's statements at the lines of its statement map", () => {
  it("each statement runs from its line to the line before the next; the last to the end of the script", () => {
    const script = ["CREATE TABLE a (x INT);", "SET 'k' = 'v';", "INSERT INTO a", "SELECT 1;"].join("\n");
    expect(scriptStatements(script, [{ line: 1 }, { line: 2 }, { line: 3 }])).toEqual(["CREATE TABLE a (x INT)", "SET 'k' = 'v'", "INSERT INTO a\nSELECT 1"]);
  });

  it("the comments and blank lines before a statement are cut from the one before it", () => {
    const script = ["-- header", "CREATE TABLE a (x INT);", "", "  -- the sink", "CREATE TABLE b (x INT);", "", "-- trailing note", ""].join("\n");
    expect(scriptStatements(script, [{ line: 2 }, { line: 5 }])).toEqual(["CREATE TABLE a (x INT)", "CREATE TABLE b (x INT)"]);
  });

  it("a ';' inside a literal or a comment does not cut; only the final ';' (and the blanks after it) goes", () => {
    const script = ["INSERT INTO t SELECT 'a;b' -- c;d", "FROM s;  ", "SELECT 2"].join("\n");
    expect(scriptStatements(script, [{ line: 1 }, { line: 3 }])).toEqual(["INSERT INTO t SELECT 'a;b' -- c;d\nFROM s", "SELECT 2"]);
  });

  it("a statement that is only comments and blank lines is empty, and no statements give none", () => {
    expect(scriptStatements("-- only\n\n", [{ line: 1 }])).toEqual([""]);
    expect(scriptStatements("SELECT 1;", [])).toEqual([]);
  });
});
