/**
 * The heat-map colour scale of the spatial frames: viridis (perceptually uniform, colour-blind
 * safe, monotonic in lightness, readable in greyscale), as a 256-entry lookup table.
 *
 * The table is built by linear interpolation in RGB between 21 published samples of
 * matplotlib's viridis (at 0, 0.05, …, 1), which reproduces the full map to within a few
 * units per channel.
 */
import type { RGB } from './raster.js';

/** viridis at t = 0, 0.05, …, 1. */
const VIRIDIS_ANCHORS = [
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

/** The heat-map colour of `value` on the fixed range [lo, hi] (grey for NaN). */
export function substrateColor(value: number, range: readonly [number, number]): RGB {
  const i = colormapIndex(value, range);
  return i < 0 ? NAN_COLOR : VIRIDIS[i];
}
