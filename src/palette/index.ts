/**
 * Colours shared by every picture nichesim draws (layer 0, no dependencies): the report's plots
 * and network, the spatial PNG frames and animation, and the browser app's views, so that a cell
 * type has the same colour everywhere and heat maps use one scale.
 *
 * - Categorical colours keyed by name: the well-known niche populations get fixed,
 *   colour-blind-safe colours (Okabe–Ito / Tol); any other name is hashed (FNV-1a) onto a
 *   fallback palette, and collisions within one figure move on to the next free colour.
 * - The heat-map scale is viridis (perceptually uniform, colour-blind safe, monotonic in
 *   lightness), as a 256-entry table interpolated linearly in RGB between 21 published samples of
 *   matplotlib's viridis (at 0, 0.05, …, 1), within a few units per channel of the full map.
 * - Dead cells are greys with a dark rim.
 */

/** An RGB triple, 0–255 per channel. */
export type RGB = [number, number, number];

/** Fixed colours for the usual niche players, matched case-insensitively against the name. */
export const KNOWN: Array<[RegExp, string]> = [
  [/\bm0\b|m0[ _-]?macro/i, '#E69F00'], // orange
  [/\bm1\b|m1[ _-]?macro/i, '#D55E00'], // vermilion
  [/\bm2\b|m2[ _-]?macro/i, '#0072B2'], // blue
  [/\bmscs?\b|mesenchymal|stromal/i, '#009E73'], // bluish green
  [/blast|\baml\b|leuk|tumou?r|malignan/i, '#AA3377'], // Tol purple
];

/** Fallback palette (Tol muted + extras), all readable as 2 px lines on white. */
export const FALLBACK = [
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

/** The fixed colour of a well-known niche population (MSC, M0, M1, M2, blasts), or null. */
export function knownColor(name: string): string | null {
  return KNOWN.find(([re]) => re.test(name))?.[1] ?? null;
}

/** viridis at t = 0, 0.05, …, 1. */
export const VIRIDIS_ANCHORS = [
  '440154', '471365', '482475', '463480', '414487', '3b528b', '355f8d',
  '2f6c8e', '2a788e', '25848e', '21918c', '1e9c89', '22a884', '2fb47c',
  '44bf70', '5ec962', '7ad151', '9bd93c', 'bddf26', 'dfe318', 'fde725',
];

/** Number of entries in the lookup table. */
export const COLORMAP_SIZE = 256;

/** The viridis lookup table: entry i is the colour at t = i / 255. */
export const VIRIDIS: readonly RGB[] = (() => {
  const anchors = VIRIDIS_ANCHORS.map((h): RGB => {
    const v = parseInt(h, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  });
  const n = anchors.length - 1;
  const table: RGB[] = [];
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const u = (i / (COLORMAP_SIZE - 1)) * n;
    const k = Math.min(n - 1, Math.floor(u));
    const f = u - k;
    const a = anchors[k];
    const b = anchors[k + 1];
    table.push([
      Math.round(a[0] + (b[0] - a[0]) * f),
      Math.round(a[1] + (b[1] - a[1]) * f),
      Math.round(a[2] + (b[2] - a[2]) * f),
    ]);
  }
  return table;
})();

/** Colour shown for non-finite substrate values (NaN). */
export const NAN_COLOR: RGB = [160, 160, 160];

/**
 * The colour-map index of `value` on the fixed range [lo, hi] (values outside are clamped;
 * -1 for a non-finite value). A degenerate range maps everything to the lowest colour.
 */
export function colormapIndex(value: number, range: readonly [number, number]): number {
  if (!Number.isFinite(value)) return value === Infinity ? COLORMAP_SIZE - 1 : value === -Infinity ? 0 : -1;
  const [lo, hi] = range;
  if (!(hi > lo)) return 0;
  const t = (value - lo) / (hi - lo);
  if (t <= 0) return 0;
  if (t >= 1) return COLORMAP_SIZE - 1;
  return Math.round(t * (COLORMAP_SIZE - 1));
}

/** Default colour range of one grid: [min(0, min), max] over the finite values, widened to [lo, lo + 1] when degenerate. */
export function defaultRange(values: ArrayLike<number>): [number, number] {
  let lo = 0;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  return [lo, hi];
}

/** Plot background when no substrate is shown. */
export const EMPTY_PLOT: RGB = [236, 238, 241];
/** Plot border. */
export const BORDER: RGB = [60, 64, 70];
/** Apoptotic cells: light grey (with DEAD_RIM). */
export const APOPTOTIC: RGB = [225, 225, 225];
/** Necrotic cells: mid grey (with DEAD_RIM). */
export const NECROTIC: RGB = [150, 150, 150];
/** Rim of dead cells. */
export const DEAD_RIM: RGB = [40, 40, 40];
