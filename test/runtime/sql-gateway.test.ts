import { describe, expect, it } from "vitest";
import { scriptStatements, SqlGatewayClient } from "../../packages/streamt-sdk/src/runtime/sql-gateway.js";
import { fakeEndpoint } from "../fake-endpoint.js";

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

describe("SqlGatewayClient.execute: a statement's result, read page by page", () => {
  it("reads every page up to EOS, waiting out NOT_READY, and gives the job id whichever page carries it", async () => {
    const result = "/v1/sessions/s1/operations/op1/result";
    let polls = 0;
    const gateway = await fakeEndpoint((request) => {
      if (request === "POST /v1/sessions/s1/statements") return { operationHandle: "op1" };
      if (request === `GET ${result}/0`) return ++polls === 1 ? { resultType: "NOT_READY" } : { resultType: "PAYLOAD", nextResultUri: `${result}/1` };
      if (request === `GET ${result}/1`) return { resultType: "PAYLOAD", jobID: "0123abcd", nextResultUri: `${result}/2` };
      if (request === `GET ${result}/2`) return { resultType: "EOS" };
      return { status: 404, json: { errors: [`no ${request}`] } };
    });
    try {
      expect(await new SqlGatewayClient(gateway.url).execute("s1", "INSERT INTO `out` SELECT 1")).toEqual({ jobId: "0123abcd" });
      expect(gateway.requests).toEqual([
        'POST /v1/sessions/s1/statements {"statement":"INSERT INTO `out` SELECT 1"}',
        `GET ${result}/0`,
        `GET ${result}/0`,
        `GET ${result}/1`,
        `GET ${result}/2`,
      ]);
    } finally {
      await gateway.close();
    }
  });
});
