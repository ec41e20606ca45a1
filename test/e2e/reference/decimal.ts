/**
 * Exact decimals for the reference interpreter: an unscaled bigint and a scale (value = u / 10^s), with
 * Flink's rules for results (org.apache.flink.table.data.DecimalDataUtils / DecimalData.fromBigDecimal):
 * a result is rounded HALF_UP to its type's scale and is NULL when it needs more digits than the type's
 * precision; division first rounds the quotient to 38 significant digits (HALF_UP), as Flink's
 * `MathContext(38, HALF_UP)` does.
 */
export interface Dec {
  readonly u: bigint;
  readonly s: number;
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

export function dec(u: bigint, s: number): Dec {
  return { u, s };
}

/** Parses a JSON / SQL number (sign, fraction and exponent allowed), exactly. */
export function parseDec(text: string): Dec {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a number: ${text}`);
  const [, sign, int = "", frac = "", exp = "0"] = m;
  let u = BigInt(`${int}${frac}` || "0");
  let s = frac.length - Number(exp);
  if (s < 0) {
    u *= pow10(-s);
    s = 0;
  }
  return { u: sign === "-" ? -u : u, s };
}

/** Divides `num / den` (den > 0) rounding HALF_UP (away from zero on a tie), as BigDecimal does. */
function divHalfUp(num: bigint, den: bigint): bigint {
  if (den < 0n) return divHalfUp(-num, -den);
  const q = abs(num) / den;
  const r = abs(num) % den;
  const rounded = 2n * r >= den ? q + 1n : q;
  return num < 0n ? -rounded : rounded;
}

/** The value at `scale` digits, rounded HALF_UP (exact when the scale grows). */
export function setScale(d: Dec, scale: number): Dec {
  if (scale >= d.s) return { u: d.u * pow10(scale - d.s), s: scale };
  return { u: divHalfUp(d.u, pow10(d.s - scale)), s: scale };
}

/** Truncates toward zero to an integer (Flink's DECIMAL -> integer cast). */
export function truncate(d: Dec): bigint {
  return d.u / pow10(d.s);
}

/** Number of digits of the unscaled value (BigDecimal.precision(): 0 has precision 1). */
export function precisionOf(d: Dec): number {
  return abs(d.u).toString().length;
}

/** DecimalData.fromBigDecimal: HALF_UP to the scale, NULL when the precision does not hold it. */
export function fit(d: Dec, precision: number, scale: number): Dec | null {
  const r = setScale(d, scale);
  return precisionOf(r) > precision ? null : r;
}

export function add(a: Dec, b: Dec): Dec {
  const s = Math.max(a.s, b.s);
  return { u: setScale(a, s).u + setScale(b, s).u, s };
}

export function neg(a: Dec): Dec {
  return { u: -a.u, s: a.s };
}

export function sub(a: Dec, b: Dec): Dec {
  return add(a, neg(b));
}

export function mul(a: Dec, b: Dec): Dec {
  return { u: a.u * b.u, s: a.s + b.s };
}

export function cmp(a: Dec, b: Dec): number {
  const s = Math.max(a.s, b.s);
  const x = setScale(a, s).u;
  const y = setScale(b, s).u;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: Dec): boolean {
  return a.u === 0n;
}

/**
 * `a / b` to 38 significant digits, HALF_UP (BigDecimal.divide(b, new MathContext(38, HALF_UP))).
 * The caller then fits it to the result type.
 */
export function divide(a: Dec, b: Dec): Dec {
  if (b.u === 0n) throw new Error("division by zero");
  // a / b = (a.u * 10^b.s) / (b.u * 10^a.s)
  let num = a.u * pow10(b.s);
  let den = b.u * pow10(a.s);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (num === 0n) return { u: 0n, s: 0 };
  // Find the scale at which the quotient has exactly 38 integer digits (before rounding).
  const q0 = abs(num) / den;
  let exp = q0 === 0n ? 0 : q0.toString().length; // digits before the point
  if (q0 === 0n) {
    // |q| < 1: count leading zeros after the point.
    let scaled = abs(num) * TEN;
    exp = 0;
    while (scaled < den) {
      scaled *= TEN;
      exp--;
    }
  }
  const scale = 38 - exp;
  const u = scale >= 0 ? divHalfUp(num * pow10(scale), den) : divHalfUp(num, den * pow10(-scale));
  // Rounding may carry into a 39th digit (9.99.. -> 10.0): still the same value.
  return scale >= 0 ? { u, s: scale } : { u: u * pow10(-scale), s: 0 };
}

/** `a % b` with the sign of `a` (BigDecimal.remainder). */
export function remainder(a: Dec, b: Dec): Dec {
  if (b.u === 0n) throw new Error("division by zero");
  const s = Math.max(a.s, b.s);
  const x = setScale(a, s).u;
  const y = setScale(b, s).u;
  return { u: x % y, s };
}

/** Plain text with exactly the scale's digits, e.g. 12.30 (BigDecimal.toPlainString()). */
export function toPlain(d: Dec): string {
  const neg = d.u < 0n;
  const digits = abs(d.u).toString().padStart(d.s + 1, "0");
  const int = digits.slice(0, digits.length - d.s);
  const frac = d.s > 0 ? `.${digits.slice(digits.length - d.s)}` : "";
  return `${neg ? "-" : ""}${int}${frac}`;
}

/** The value without trailing zeros: one text per value, for comparing outputs. */
export function canonical(d: Dec): string {
  let { u, s } = d;
  while (s > 0 && u % TEN === 0n) {
    u /= TEN;
    s--;
  }
  return toPlain({ u, s });
}

/** The nearest double (Number() of the exact text rounds correctly, like BigDecimal.doubleValue()). */
export function toDouble(d: Dec): number {
  return Number(toPlain(d));
}

export function fromBigint(v: bigint): Dec {
  return { u: v, s: 0 };
}
