/**
 * JSON with numbers kept as their text: Flink writes DECIMAL(38, 18) values a JS number cannot hold,
 * so outputs (and the inputs the reference reads) are parsed without losing digits.
 */
export type JsonValue = null | boolean | string | { readonly num: string } | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export function isNum(v: JsonValue | undefined): v is { readonly num: string } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { num?: unknown }).num === "string" && Object.keys(v).length === 1;
}

export function parseJsonText(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`bad JSON at ${i} (${what}): ${text}`);
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, JsonValue> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== "string") fail("key");
        ws();
        if (text[i++] !== ":") fail(":");
        out[k as string] = value();
        ws();
        const sep = text[i++];
        if (sep === "}") return out;
        if (sep !== ",") fail(",");
      }
    }
    if (c === "[") {
      i++;
      const out: JsonValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        const sep = text[i++];
        if (sep === "]") return out;
        if (sep !== ",") fail(",");
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail("value");
    i += m[0].length;
    return { num: m[0] };
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing text");
  return v;
}
