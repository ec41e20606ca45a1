import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { javaClassName, javaComment, JavaNames, javaString, javaVariable } from "../../packages/streamt-sdk/src/emit-java/java-text.js";

/**
 * What javac does first (JLS 3.3): a backslash preceded by an even number of backslashes, then one or
 * more 'u' and four hex digits, is the character with that code, in comments and literals alike.
 */
function unicodePreprocess(src: string): string {
  let out = "";
  let run = 0;
  for (let i = 0; i < src.length; i++) {
    const m = src[i] === "\\" && run % 2 === 0 ? /^\\u+([0-9a-fA-F]{4})/.exec(src.slice(i)) : null;
    if (m) {
      out += String.fromCharCode(parseInt(m[1]!, 16));
      i += m[0].length - 1;
      run = 0;
    } else {
      run = src[i] === "\\" ? run + 1 : 0;
      out += src[i];
    }
  }
  return out;
}

/** Reads one Java string literal at the start of `src` (after preprocessing): its value and where it ends. */
function readLiteral(src: string): { value: string; end: number } {
  expect(src[0]).toBe('"');
  let value = "";
  for (let i = 1; i < src.length; i++) {
    const c = src[i]!;
    expect(c === "\n" || c === "\r").toBe(false);
    if (c === '"') return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      continue;
    }
    const e = src[++i]!;
    const octal = /^[0-7]{1,3}/.exec(src.slice(i));
    if (octal) {
      value += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length - 1;
    } else {
      const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\" };
      expect(simple[e], `escape \\${e}`).toBeDefined();
      value += simple[e];
    }
  }
  throw new Error("unterminated literal");
}

const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom('"); System.exit(1); ("', "\\u0022); System.exit(1); //", "\\\\u0022", "a\\", "x\ny", "*/ evil /*", "\\u000a System.exit(1);", "\u2028", "😀\\u"),
);

describe("Java text from user text", () => {
  it("a string literal holds exactly the text, and nothing after it: quotes, backslashes, \\u escapes and line breaks cannot close it", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const literal = javaString(text);
        expect(/^[\x20-\x7e]*$/.test(literal)).toBe(true);
        const read = readLiteral(unicodePreprocess(literal));
        expect(read.value).toBe(text);
        expect(read.end).toBe(unicodePreprocess(literal).length);
      }),
      { numRuns: 500 },
    );
    expect(javaString('say "hi"\\n')).toBe('"say \\"hi\\"\\\\n"');
    expect(javaString("\\u0022")).toBe('"\\\\u0022"');
    expect(javaString("é\u0001")).toBe('"\\u00e9\\001"');
  });

  it("a // comment stays one line even after javac's \\u translation", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const line = javaComment(text);
        expect(line.startsWith("// ")).toBe(true);
        expect(/[\r\n]/.test(unicodePreprocess(line))).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(javaComment("a\\u000a System.exit(1);")).toBe("// a\\\\u000a System.exit(1);");
  });

  it("names become Java identifiers, never reserved words, each object its own", () => {
    expect(javaVariable("page_views__session")).toBe("pageViewsSession");
    expect(javaVariable("class")).toBe("tClass");
    expect(javaVariable("9lives")).toBe("t9lives");
    expect(javaVariable("job")).toBe("tJob");
    expect(javaClassName("hourly-revenue")).toBe("HourlyRevenue");
    expect(javaClassName("7-eleven")).toBe("Pipeline7Eleven");
    const names = new JavaNames();
    expect([names.claim("orders_v1"), names.claim("orders.v1"), names.claim("orders-v1")]).toEqual(["ordersV1", "ordersV12", "ordersV13"]);
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (n) => {
      expect(/^[A-Za-z_][A-Za-z0-9_]*$/.test(javaVariable(n))).toBe(true);
    }));
  });
});
