/**
 * The heat-map colour scale of the spatial frames: viridis, from src/palette (shared with the
 * browser app).
 */
import { colormapIndex, NAN_COLOR, VIRIDIS } from '../../palette/index.js';
import type { RGB } from './raster.js';

export { COLORMAP_SIZE, colormapIndex, NAN_COLOR, VIRIDIS } from '../../palette/index.js';

/** The heat-map colour of `value` on the fixed range [lo, hi] (grey for NaN). */
export function substrateColor(value: number, range: readonly [number, number]): RGB {
  const i = colormapIndex(value, range);
  return i < 0 ? NAN_COLOR : VIRIDIS[i];
}
