/**
 * Colours of the space view: the shared palette of src/palette (the CLI's PNG frames and report
 * use the same one, so a cell type has the same colour everywhere), plus CSS helpers.
 */
import { assignColors, knownColor, VIRIDIS_ANCHORS } from '../../../../src/palette/index.js';

export { APOPTOTIC, BORDER, DEAD_RIM, EMPTY_PLOT, NAN_COLOR, NECROTIC, VIRIDIS } from '../../../../src/palette/index.js';

/** An RGB triple, 0–255 per channel. */
export type RGB = readonly [number, number, number];

/** Colours ("#RRGGBB") for a list of cell-type names, in order (the CLI's `assignColors`). */
export function cellTypeColors(names: readonly string[]): string[] {
  const map = assignColors(names);
  return names.map((n) => map.get(n) ?? '#666666');
}

/** The fixed colour of a well-known niche population (MSC, M0, M1, M2, blasts), or null. */
export function knownCellColor(name: string): string | null {
  return knownColor(name);
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


/** A CSS linear-gradient of viridis along `direction` (e.g. "to top"). */
export function viridisGradient(direction: string): string {
  const stops = VIRIDIS_ANCHORS.map((c, i) => `#${c} ${((i / (VIRIDIS_ANCHORS.length - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
