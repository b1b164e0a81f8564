/** The space view's legend: every cell type with its colour and live count, then dead cells. */
import type { SpaceFrame } from '../../worker/protocol.js';
import type { CellCounts } from './frameStats.js';
import { APOPTOTIC, DEAD_RIM, NECROTIC, cellTypeColors, hexToRgb, mixRgb, rgbCss } from './palette.js';

/** Props of {@link Legend}. */
export interface LegendProps {
  cellTypes: SpaceFrame['cellTypes'];
  counts: CellCounts | null;
}

/** A colour swatch: a disc with a rim, as the cell is drawn. */
function Swatch({ fill, rim }: { fill: string; rim: string }) {
  return <span class="ns-space-swatch" style={{ background: fill, borderColor: rim }} aria-hidden="true" />;
}

/** Legend list of cell types with colours and live counts (order and colours stable per type list). */
export function Legend({ cellTypes, counts }: LegendProps) {
  const colors = cellTypeColors(cellTypes.map((c) => c.name));
  const fmt = (v: number | undefined) => (counts ? String(v ?? 0) : '–');
  return (
    <div class="ns-space-legend" data-testid="space-legend">
      <h3 class="ns-space-legend-title">Cell types</h3>
      <ul>
        {cellTypes.map((c, t) => (
          <li key={c.name} data-type={c.name} title={c.name}>
            <Swatch fill={colors[t]} rim={rgbCss(mixRgb(hexToRgb(colors[t]), [0, 0, 0], 0.45))} />
            <span class="ns-space-legend-label">{c.label || c.name}</span>
            <span class="ns-space-legend-count" data-count>{fmt(counts?.live[t])}</span>
          </li>
        ))}
        <li data-type="apoptotic">
          <Swatch fill={rgbCss(APOPTOTIC)} rim={rgbCss(DEAD_RIM)} />
          <span class="ns-space-legend-label">apoptotic</span>
          <span class="ns-space-legend-count" data-count>{fmt(counts?.apoptotic)}</span>
        </li>
        <li data-type="necrotic">
          <Swatch fill={rgbCss(NECROTIC)} rim={rgbCss(DEAD_RIM)} />
          <span class="ns-space-legend-label">necrotic</span>
          <span class="ns-space-legend-count" data-count>{fmt(counts?.necrotic)}</span>
        </li>
      </ul>
      <p class="ns-space-legend-total">
        Total <strong>{counts ? counts.total : '–'}</strong> cells
      </p>
    </div>
  );
}
