/** A vertical viridis colour bar labelled with the heat map's range and unit. */
import { formatValue } from './frameStats.js';
import { viridisGradient } from './palette.js';

/** Props of {@link ColorBar}. */
export interface ColorBarProps {
  /** Substrate name. */
  name: string;
  unit: string;
  /** Colour range [min, max] of the heat map, in `unit`. */
  range: [number, number];
}

const GRADIENT = viridisGradient('to top');

/** The heat map's colour bar: max at the top, min at the bottom, with the unit. */
export function ColorBar({ name, unit, range }: ColorBarProps) {
  return (
    <figure class="ns-space-colorbar" data-testid="space-colorbar" aria-label={`Heat map of ${name}: ${formatValue(range[0])} to ${formatValue(range[1])} ${unit}`}>
      <figcaption>
        <span class="ns-space-colorbar-name">{name}</span> <span class="ns-space-muted">({unit})</span>
      </figcaption>
      <div class="ns-space-colorbar-body">
        <div class="ns-space-colorbar-ramp" style={{ background: GRADIENT }} aria-hidden="true" />
        <div class="ns-space-colorbar-ticks">
          <span data-testid="colorbar-max">{formatValue(range[1])}</span>
          <span data-testid="colorbar-min">{formatValue(range[0])}</span>
        </div>
      </div>
    </figure>
  );
}
