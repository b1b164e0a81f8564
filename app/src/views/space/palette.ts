/**
 * Colours of the space view, matching the CLI's PNG frames and report so that a cell type has
 * the same colour everywhere.
 *
 * The values are COPIED from Node-only modules the app must not import:
 * - cell-type colours and their assignment: src/io/report/palette.ts (`KNOWN`, `FALLBACK`,
 *   `fnv1a`, `assignColors`);
 * - the viridis anchors: src/io/spatial/colormap.ts (`VIRIDIS_ANCHORS`);
 * - dead-cell greys, rim and empty-plot colours: src/io/spatial/frame.ts.
 * Keep them in sync if those change.
 */

/** An RGB triple, 0–255 per channel. */
export type RGB = readonly [number, number, number];

/** Fixed colour-blind-safe colours (Okabe–Ito / Tol) of the usual niche players, by name pattern. */
const KNOWN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bm0\b|m0[ _-]?macro/i, '#E69F00'], // orange
  [/\bm1\b|m1[ _-]?macro/i, '#D55E00'], // vermilion
  [/\bm2\b|m2[ _-]?macro/i, '#0072B2'], // blue
  [/\bmscs?\b|mesenchymal|stromal/i, '#009E73'], // bluish green
  [/blast|\baml\b|leuk|tumou?r|malignan/i, '#AA3377'], // Tol purple
];

/** Fallback palette (Tol muted + extras) for other names, hashed by name. */
const FALLBACK = [
  '#332288', '#44AA99', '#117733', '#999933', '#CC6677', '#882255', '#6699CC', '#997700',
  '#661100', '#4E79A7', '#E15759', '#76B7B2', '#B07AA1', '#9C755F', '#59A14F', '#666666',
];

/** viridis at t = 0, 0.05, …, 1 (matplotlib samples). */
export const VIRIDIS_ANCHORS: readonly string[] = [
  '#440154', '#471365', '#482475', '#463480', '#414487', '#3b528b', '#355f8d',
  '#2f6c8e', '#2a788e', '#25848e', '#21918c', '#1e9c89', '#22a884', '#2fb47c',
  '#44bf70', '#5ec962', '#7ad151', '#9bd93c', '#bddf26', '#dfe318', '#fde725',
];

/** Apoptotic cells: light grey with a dark rim. */
export const APOPTOTIC: RGB = [225, 225, 225];
/** Necrotic cells: mid grey with a dark rim. */
export const NECROTIC: RGB = [150, 150, 150];
/** Rim of dead cells. */
export const DEAD_RIM: RGB = [40, 40, 40];
/** Plot background when no substrate is shown. */
export const EMPTY_PLOT: RGB = [236, 238, 241];
/** Plot border. */
export const BORDER: RGB = [60, 64, 70];
/** Heat-map colour of non-finite values. */
export const NAN_COLOR: RGB = [160, 160, 160];

/** 32-bit FNV-1a hash of a string (deterministic). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Colours ("#RRGGBB") for a list of cell-type names, in order: known names get their fixed
 * colour, others a hashed fallback colour, probing to the next unused one on a collision
 * (same algorithm as the CLI's `assignColors`).
 */
export function cellTypeColors(names: readonly string[]): string[] {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const pending: string[] = [];
  for (const name of names) {
    if (out.has(name)) continue;
    const known = KNOWN.find(([re]) => re.test(name));
    if (known && !used.has(known[1])) {
      out.set(name, known[1]);
      used.add(known[1]);
    } else pending.push(name);
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
  return names.map((n) => out.get(n) ?? '#666666');
}

/** The fixed colour of a well-known niche population (MSC, M0, M1, M2, blasts), or null. */
export function knownCellColor(name: string): string | null {
  return KNOWN.find(([re]) => re.test(name))?.[1] ?? null;
}

/** "#RRGGBB" to an RGB triple. */
export function hexToRgb(hex: string): RGB {
  const v = parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** An RGB triple as a CSS colour. */
export function rgbCss(c: RGB): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Mixes `a` towards `b` by fraction f (0 = a, 1 = b). */
export function mixRgb(a: RGB, b: RGB, f: number): RGB {
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** The 256-entry viridis table (linear interpolation between the anchors); entry i is t = i/255. */
export const VIRIDIS: readonly RGB[] = (() => {
  const anchors = VIRIDIS_ANCHORS.map(hexToRgb);
  const n = anchors.length - 1;
  const table: RGB[] = [];
  for (let i = 0; i < 256; i++) {
    const u = (i / 255) * n;
    const k = Math.min(n - 1, Math.floor(u));
    table.push(mixRgb(anchors[k], anchors[k + 1], u - k));
  }
  return table;
})();

/** A CSS linear-gradient of viridis along `direction` (e.g. "to top"). */
export function viridisGradient(direction: string): string {
  const stops = VIRIDIS_ANCHORS.map((c, i) => `${c} ${((i / (VIRIDIS_ANCHORS.length - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
