/**
 * Endpoints of a run (layer 0): the numbers a person looks for first.
 *
 * For each live cell type: the number at the end, the peak (and its day) and the area under
 * the curve (cell-days, trapezoid rule on the output grid); for each substrate its final value;
 * for each derived output its final value and its time-average (trapezoid rule / duration).
 */
import { MINUTES_PER_DAY, type SimulationResult } from './result.js';

export interface Endpoint {
  name: string;
  value: number;
  unit: string;
}

/** Trapezoid integral of y over x (same units as y·x). Non-finite values make the result NaN. */
export function trapezoid(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
  return s;
}

/** Computes the endpoints of a result (empty list when the result has no rows). */
export function computeEndpoints(result: SimulationResult): Endpoint[] {
  const out: Endpoint[] = [];
  const n = result.times.length;
  if (n === 0) return out;
  const days = result.times.map((t) => t / MINUTES_PER_DAY);
  const last = days[n - 1];
  for (const c of result.columns) {
    const y = result.series[c.name];
    if (c.kind === 'cells') {
      let peak = -Infinity;
      let at = 0;
      for (let i = 0; i < n; i++) if (y[i] > peak) (peak = y[i]), (at = days[i]);
      out.push({ name: `${c.name} at day ${fmtDay(last)}`, value: y[n - 1], unit: 'cells' });
      out.push({ name: `${c.name} peak`, value: peak, unit: 'cells' });
      out.push({ name: `${c.name} day of peak`, value: at, unit: 'day' });
      out.push({ name: `${c.name} AUC`, value: trapezoid(days, y), unit: 'cell-days' });
    } else if (c.kind === 'substrate') {
      out.push({ name: `${c.name} at day ${fmtDay(last)}`, value: y[n - 1], unit: c.unit });
    } else if (c.kind === 'output') {
      out.push({ name: `${c.name} at day ${fmtDay(last)}`, value: y[n - 1], unit: c.unit });
      if (n > 1 && last > days[0]) out.push({ name: `${c.name} time-average`, value: trapezoid(days, y) / (last - days[0]), unit: c.unit });
    }
  }
  return out;
}

function fmtDay(d: number): string {
  return Number.isInteger(d) ? String(d) : d.toPrecision(4);
}
