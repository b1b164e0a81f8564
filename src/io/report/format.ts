/**
 * Text helpers for the HTML report: escaping, number and duration formatting.
 *
 * Everything here is pure and deterministic (no locale or clock dependence), so that two builds
 * of the same report are byte-identical.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML element content or a quoted attribute value. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Returns the URL if it is a safe, absolute http(s) link (suitable for a citation), else null.
 * Rejects `javascript:`, `data:` and relative URLs so that user-supplied links cannot run code.
 */
export function safeHttpUrl(url: string): string | null {
  const trimmed = url.trim();
  return /^https?:\/\/[^\s<>"']+$/i.test(trimmed) ? trimmed : null;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** Inserts thousands separators (commas) into the integer part of a plain decimal string. */
function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.');
  const grouped = int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return (neg ? '-' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

/** Removes trailing zeros after a decimal point ("1.500" → "1.5", "2.000" → "2"). */
function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * Formats a number for people with `digits` significant digits (default 4): plain decimals with
 * thousands separators between 0.001 and 100,000, otherwise scientific notation written as
 * "1.235 × 10⁵". Non-finite values are shown as "NaN", "∞" or "−∞".
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e5) {
    const rounded = Number(x.toPrecision(digits));
    // toPrecision of a rounded value can still produce exponent form for e.g. 1e-3 edge cases.
    let fixed = rounded.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded)))));
    fixed = trimZeros(fixed);
    return groupThousands(fixed).replace(/^-/, '−');
  }
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  const exp = String(Number(exponent))
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
  return `${trimZeros(mantissa).replace(/^-/, '−')} × 10${exp}`;
}

/** Formats a duration in milliseconds as "850 ms", "12.3 s" or "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const totalSeconds = Math.round(s);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h} h ${pad(m)} min ${pad(sec)} s` : `${m} min ${pad(sec)} s`;
}

/**
 * JSON.stringify that never throws: non-finite numbers become strings ("NaN", "Infinity"),
 * bigints become strings, functions and cycles are replaced by placeholders.
 */
export function safeJson(value: unknown, indent = 2): string {
  const seen = new WeakSet<object>();
  const out = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'function') return '[function]';
      if (typeof v === 'symbol') return v.toString();
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return Array.from(v as unknown as ArrayLike<number>);
      }
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    },
    indent,
  );
  return out ?? String(value);
}

/** Formats one engine-setting value compactly: numbers with `formatNumber`, others as JSON. */
export function formatSettingValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return safeJson(v, 0);
}
