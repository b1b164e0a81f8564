/**
 * Pure summaries of a SpaceFrame for the space view: cell counts, the heat-map range of a
 * substrate, and time and number formatting. No DOM access.
 */
import type { SpaceFrame } from '../../worker/protocol.js';

/** Counts of one frame: live cells by type index, and dead cells by state. */
export interface CellCounts {
  /** Live (state 0) agents per cell-type index. */
  live: number[];
  apoptotic: number;
  necrotic: number;
  total: number;
}

/** Counts the agents of a frame by type (live only) and by death state. */
export function countCells(frame: SpaceFrame): CellCounts {
  const live = new Array<number>(frame.cellTypes.length).fill(0);
  let apoptotic = 0;
  let necrotic = 0;
  const { type, state, n } = frame;
  for (let i = 0; i < n; i++) {
    const s = state[i];
    if (s === 0) {
      const t = type[i];
      if (t < live.length) live[t]++;
    } else if (s === 1) apoptotic++;
    else necrotic++;
  }
  return { live, apoptotic, necrotic, total: n };
}

/** The substrate grid of a frame with this name, or null (also for a null name). */
export function findSubstrate(frame: SpaceFrame | null, name: string | null): SpaceFrame['substrates'][number] | null {
  if (!frame || name === null) return null;
  return frame.substrates.find((s) => s.name === name) ?? null;
}

/** Heat-map colour range of a grid: [min(0, min), max] over the finite values, as the CLI's frames. */
export { defaultRange as substrateRange } from '../../../../src/palette/index.js';

/** Simulated time as days and hours, e.g. "12 d 5.0 h"; "0 h" at the start. */
export function formatSimTime(minutes: number): string {
  if (!Number.isFinite(minutes)) return String(minutes);
  const days = Math.floor(minutes / 1440);
  const hours = (minutes - days * 1440) / 60;
  const h = `${hours.toFixed(1)} h`;
  return days > 0 ? `${days} d ${h}` : h;
}

/** A number with 3 significant digits, exponent form outside [0.001, 1e5) (as the CLI's frames). */
export { formatCompact as formatValue } from '../../../../src/units/format.js';

/** A one-sentence summary of a frame for screen readers (the canvas's aria-label). */
export function frameSummary(frame: SpaceFrame | null, counts: CellCounts | null, substrate: string | null): string {
  if (!frame || !counts) return 'Spatial simulation: no frame yet';
  const parts = frame.cellTypes.map((c, t) => `${counts.live[t] ?? 0} ${c.label || c.name}`);
  if (counts.apoptotic) parts.push(`${counts.apoptotic} apoptotic`);
  if (counts.necrotic) parts.push(`${counts.necrotic} necrotic`);
  const heat = substrate ? `, heat map of ${substrate}` : '';
  return `Spatial simulation at ${formatSimTime(frame.time)}: ${counts.total} cells (${parts.join(', ')})${heat}`;
}
