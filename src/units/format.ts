/** Display formatting of quantities. */

function trimMantissa(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * Formats a number with 3 significant digits: plain notation for 0.001 <= |v| < 1e5
 * ("0.00123", "12.3", "12300"), engineering notation otherwise (exponent a multiple of 3:
 * "1.23e6", "45e-6"). "0", "NaN", "Infinity", "-Infinity" for special values.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(3));
  const a = Math.abs(rounded);
  if (a >= 1e-3 && a < 1e5) return trimMantissa(String(rounded).includes('e') ? rounded.toFixed(6) : String(rounded));
  let exp = Math.floor(Math.log10(a));
  if (Math.pow(10, exp) > a) exp--;
  const eng = Math.floor(exp / 3) * 3;
  const mant = rounded / Math.pow(10, eng);
  const digits = Math.max(0, 2 - (exp - eng));
  const m = trimMantissa(mant.toFixed(digits));
  return `${m}e${eng}`;
}

/**
 * Formats a value with its unit for display, e.g. formatQuantity(172800, 'min') -> "173e3 min",
 * formatQuantity(0.25, '1/h') -> "0.25 1/h". Unit '' or '1' prints the number alone.
 */
export function formatQuantity(value: number, unit: string): string {
  const n = formatNumber(value);
  const uu = unit.trim();
  return uu === '' || uu === '1' ? n : `${n} ${uu}`;
}

/**
 * Compact label with 3 significant digits: plain for 0.001 <= |v| < 1e5 ("12.3"), otherwise
 * exponent form with a trimmed mantissa ("2e5", "3.5e-6"); axis ticks, colour bars.
 */
export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential(2).split('e');
  return `${String(Number(m))}e${Number(e)}`;
}
