/**
 * Java source text from user text. Every string, comment and name the Java emitter writes goes through
 * here, so no pipeline, step, file or topic name can end a literal or a comment and add code.
 *
 * Java translates `\uXXXX` escapes before it reads anything else, even inside comments and string literals
 * (`\u000a` in a comment ends it; `\u0022` in a literal closes it): so backslashes are always doubled (a
 * backslash after an odd number of backslashes starts no escape), and this module writes `\u` escapes only
 * for characters that can end nothing (outside ASCII).
 */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A Java string literal holding exactly `value`, written in printable ASCII. */
export function javaString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) out += simple;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, "0")}`;
    else if (code > 0x7e) out += unicodeEscapes(ch);
    else out += ch;
  }
  return `${out}"`;
}

/** `\uXXXX` per UTF-16 unit (a character beyond the BMP is two). */
function unicodeEscapes(ch: string): string {
  let out = "";
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/**
 * A `//` comment: user text on one line (control characters and Unicode line breaks become spaces),
 * backslashes doubled so no `\u` escape can start in it, characters outside ASCII escaped.
 */
export function javaComment(text: string): string {
  let out = "";
  for (const ch of text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " ")) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (code > 0x7e) out += unicodeEscapes(ch);
    else out += ch;
  }
  return `// ${out}`;
}

const RESERVED = new Set(
  ("abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if " +
    "implements import instanceof int interface long native new package private protected public return short static strictfp super switch " +
    "synchronized this throw throws transient try void volatile while true false null var yield record sealed permits non-sealed _ " +
    // Names the generated class itself uses.
    "tEnv job options args").split(" "),
);

/** Words of a name (letters and digits; everything else separates). */
function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
}

/** `page_views__session` -> `pageViewsSession`: a Java local variable name (never a reserved word, never starting with a digit). */
export function javaVariable(name: string): string {
  const [first = "t", ...rest] = words(name);
  const ident = first.charAt(0).toLowerCase() + first.slice(1) + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return RESERVED.has(ident) || /^\d/.test(ident) ? `t${ident.charAt(0).toUpperCase()}${ident.slice(1)}` : ident;
}

/** `hourly-revenue` -> `HourlyRevenue`: a Java class name part (prefixed when it would start with a digit or be empty). */
export function javaClassName(name: string): string {
  const ident = words(name).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return ident === "" || /^\d/.test(ident) ? `Pipeline${ident}` : ident;
}

/** Gives each name a distinct Java variable (`orders`, `orders2`, ...): two object names can map to one. */
export class JavaNames {
  private readonly taken = new Set<string>();

  claim(name: string): string {
    const base = javaVariable(name);
    let ident = base;
    for (let i = 2; this.taken.has(ident); i++) ident = `${base}${i}`;
    this.taken.add(ident);
    return ident;
  }
}
