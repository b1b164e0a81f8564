/**
 * Parameter distributions and the special functions they need (layer 4): the normal quantile
 * (Wichura's AS 241, relative accuracy about 1e-16), the normal CDF (Marsaglia 2004, absolute
 * accuracy about 1e-15) and the inverse-CDF transform from the unit interval to a parameter value.
 * Values are in the parameter's base unit (see src/model/model.ts).
 */

/** A distribution of one parameter. Bounds of truncated normals and lognormals are optional. */
export type Distribution =
  | { kind: 'uniform'; lo: number; hi: number }
  | { kind: 'loguniform'; lo: number; hi: number }
  | { kind: 'normal'; mean: number; sd: number; lo?: number; hi?: number }
  | { kind: 'lognormal'; median: number; sigma: number; lo?: number; hi?: number }
  | { kind: 'discrete'; values: number[] };

/** Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (AS 241, PPND16); ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

/** Standard normal CDF Φ(x) (Marsaglia 2004 Taylor series; absolute error about 1e-15). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -38) return 0;
  if (x > 38) return 1;
  if (Math.abs(x) > 8) {
    // Far tail: Mills-ratio continued fraction, relative accuracy ~1e-15.
    const z = Math.abs(x);
    let f = z;
    for (let k = 60; k >= 1; k--) f = z + k / f;
    const tail = Math.exp(-0.5 * z * z - 0.91893853320467274178) / f;
    return x < 0 ? tail : 1 - tail;
  }
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  let i = 1;
  while (s !== t) s = (t = s) + (b *= q / (i += 2));
  return 0.5 + s * Math.exp(-0.5 * q - 0.91893853320467274178);
}

/** Upper tail of the chi-square distribution with 1 degree of freedom: P(X > x). */
export function chiSquare1Sf(x: number): number {
  if (!(x > 0)) return 1;
  return 2 * normalCdf(-Math.sqrt(x));
}

/** Quantile of the chi-square distribution with 1 degree of freedom. */
export function chiSquare1Quantile(p: number): number {
  const z = normalQuantile(0.5 + p / 2);
  return z * z;
}

/** True when the distribution has finite bounds (so u = 0 and u = 1 map to finite values). */
export function isBounded(d: Distribution): boolean {
  switch (d.kind) {
    case 'uniform':
    case 'loguniform':
    case 'discrete':
      return true;
    case 'normal':
    case 'lognormal':
      return d.lo !== undefined && d.hi !== undefined;
  }
}

/**
 * The value at cumulative probability u ∈ [0, 1] (inverse-CDF transform). Unbounded
 * distributions are clamped to u ∈ [1e-12, 1 - 1e-12] so a value is always finite.
 */
export function quantile(d: Distribution, u: number): number {
  switch (d.kind) {
    case 'uniform':
      return d.lo + (d.hi - d.lo) * u;
    case 'loguniform':
      return Math.exp(Math.log(d.lo) + (Math.log(d.hi) - Math.log(d.lo)) * u);
    case 'discrete':
      return d.values[Math.min(d.values.length - 1, Math.max(0, Math.floor(u * d.values.length)))];
    case 'normal': {
      const z = truncatedZ(u, d.lo === undefined ? -Infinity : (d.lo - d.mean) / d.sd, d.hi === undefined ? Infinity : (d.hi - d.mean) / d.sd);
      return d.mean + d.sd * z;
    }
    case 'lognormal': {
      const lm = Math.log(d.median);
      const z = truncatedZ(u, d.lo === undefined || d.lo <= 0 ? -Infinity : (Math.log(d.lo) - lm) / d.sigma, d.hi === undefined ? Infinity : (Math.log(d.hi) - lm) / d.sigma);
      return Math.exp(lm + d.sigma * z);
    }
  }
}

function truncatedZ(u: number, a: number, b: number): number {
  const pa = normalCdf(a);
  const pb = normalCdf(b);
  const p = pa + Math.min(1 - 1e-12, Math.max(1e-12, u)) * (pb - pa);
  const z = normalQuantile(Math.min(1 - 1e-16, Math.max(1e-300, p)));
  return Math.min(b, Math.max(a, z));
}

/** A short description such as "loguniform [0.04, 0.5]" (values scaled by 1/factor). */
export function describeDistribution(d: Distribution, factor = 1, digits = 3): string {
  const f = (x: number) => Number((x / factor).toPrecision(digits)).toString();
  const bounds = (lo?: number, hi?: number) => (lo !== undefined || hi !== undefined ? ` truncated to [${lo === undefined ? '-inf' : f(lo)}, ${hi === undefined ? 'inf' : f(hi)}]` : '');
  switch (d.kind) {
    case 'uniform':
    case 'loguniform':
      return `${d.kind} [${f(d.lo)}, ${f(d.hi)}]`;
    case 'normal':
      return `normal(mean ${f(d.mean)}, sd ${f(d.sd)})${bounds(d.lo, d.hi)}`;
    case 'lognormal':
      return `lognormal(median ${f(d.median)}, sigma ${d.sigma})${bounds(d.lo, d.hi)}`;
    case 'discrete':
      return `values {${d.values.map(f).join(', ')}}`;
  }
}
