/**
 * Stable categorical colours keyed by name, so that "M2" has the same colour in every plot, in
 * the network and in every report.
 *
 * The well-known niche populations get fixed, colour-blind-safe colours (Okabe–Ito / Tol);
 * any other name is hashed (FNV-1a) onto a fallback palette. Within one figure, collisions are
 * resolved by probing to the next free colour, so lines stay distinguishable.
 */

/** Fixed colours for the usual niche players, matched case-insensitively against the name. */
const KNOWN: Array<[RegExp, string]> = [
  [/\bm0\b|m0[ _-]?macro/i, '#E69F00'], // orange
  [/\bm1\b|m1[ _-]?macro/i, '#D55E00'], // vermilion
  [/\bm2\b|m2[ _-]?macro/i, '#0072B2'], // blue
  [/\bmscs?\b|mesenchymal|stromal/i, '#009E73'], // bluish green
  [/blast|\baml\b|leuk|tumou?r|malignan/i, '#AA3377'], // Tol purple
];

/** Fallback palette (Tol muted + extras), all readable as 2 px lines on white. */
const FALLBACK = [
  '#332288',
  '#44AA99',
  '#117733',
  '#999933',
  '#CC6677',
  '#882255',
  '#6699CC',
  '#997700',
  '#661100',
  '#4E79A7',
  '#E15759',
  '#76B7B2',
  '#B07AA1',
  '#9C755F',
  '#59A14F',
  '#666666',
];

/** 32-bit FNV-1a hash of a string (deterministic, platform-independent). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The colour a single name gets when nothing else competes for it. */
export function colorFor(name: string): string {
  for (const [re, color] of KNOWN) if (re.test(name)) return color;
  return FALLBACK[fnv1a(name) % FALLBACK.length];
}

/**
 * Assigns colours to a set of names for one figure: known names get their fixed colour, other
 * names their hashed colour, moving on to the next unused fallback colour on a collision
 * (once every colour is used, repeats are unavoidable and allowed).
 */
export function assignColors(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const pending: string[] = [];
  for (const name of names) {
    if (out.has(name)) continue;
    const known = KNOWN.find(([re]) => re.test(name));
    if (known && !used.has(known[1])) {
      out.set(name, known[1]);
      used.add(known[1]);
    } else {
      pending.push(name);
    }
  }
  for (const name of pending) {
    if (out.has(name)) continue;
    const start = fnv1a(name) % FALLBACK.length;
    let color = FALLBACK[start];
    for (let k = 0; k < FALLBACK.length; k++) {
      const c = FALLBACK[(start + k) % FALLBACK.length];
      if (!used.has(c)) {
        color = c;
        break;
      }
    }
    out.set(name, color);
    used.add(color);
  }
  return out;
}
