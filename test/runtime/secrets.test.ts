import { describe, expect, it } from "vitest";
import { maskSecrets, resolveSecrets } from "../../packages/streamt-sdk/src/runtime/secrets.js";
import { refusal } from "../helpers.js";

describe("secrets: filled in at job start, masked in what is printed", () => {
  it("one variable, used twice: filled in both places, listed once", () => {
    const r = resolveSecrets("a = '${env:PW}', b = '${env:PW}', c = '${env:_X1}'", "p", { PW: "s3cret", _X1: "x" });
    expect(r).toEqual({ script: "a = 's3cret', b = 's3cret', c = 'x'", secrets: ["s3cret", "x"] });
  });

  it("only a whole quoted reference with a valid name is one", () => {
    const script = "a = ${env:PW}, b = '${env:1PW}', c = '${env:P-W}', d = \"${env:PW}\"";
    expect(resolveSecrets(script, "p", {})).toEqual({ script, secrets: [] });
  });

  it("a variable set to the empty string is missing; one missing variable is said in the singular, each name once", () => {
    expect(refusal(() => resolveSecrets("a = '${env:PW}', b = '${env:PW}'", "orders", { PW: "" }))).toEqual({
      code: "STREAMT-R012",
      message: "pipeline 'orders' reads a secret from the environment variable PW, which is not set",
      hint: "set PW=... in the environment that starts the job (never in the pipeline's code)",
      site: null,
    });
  });

  it("an empty secret masks nothing; text without secrets is unchanged", () => {
    expect(maskSecrets("nothing to hide", ["", "absent"])).toBe("nothing to hide");
    expect(maskSecrets("pw=abc", [])).toBe("pw=abc");
  });
});
