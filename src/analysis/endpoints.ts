/**
 * Named endpoints of a run (layer 4): the scalar numbers a sweep records per run, written as
 * short texts or as mappings:
 *
 *   AML_blast at day 180        value at a day (linear interpolation between output rows)
 *   AML_blast final             value at the last output row (also: final AML_blast)
 *   max AML_blast               maximum over the run (also: peak); min, mean (time-average)
 *   AUC AML_blast               area under the curve (trapezoid rule, unit × day)
 *   time to AML_blast >= 1000   first day the column reaches the threshold (linear interpolation
 *                               between rows; null = not reached by the end: censored); also <=
 *
 * Columns are those of the result: cell types, `<type> (dead)`, substrates and derived outputs.
 */
import type { Model } from '../model/model.js';
import { MINUTES_PER_DAY, type SimulationResult } from '../results/result.js';

export type EndpointStat = 'at' | 'final' | 'max' | 'min' | 'mean' | 'auc' | 'time_to';

export interface EndpointDef {
  /** Name used as the output column (the text as written, unless given). */
  name: string;
  column: string;
  stat: EndpointStat;
  /** Day, for 'at'. */
  day?: number;
  /** Threshold in the column's unit, for 'time_to'. */
  threshold?: number;
  /** Crossing direction for 'time_to': reaching the threshold from below ('above') or from above ('below'). */
  direction?: 'above' | 'below';
}

/** Columns a model's results have, with their units (engine-independent naming). */
export function resultColumns(model: Model): Array<{ name: string; unit: string }> {
  return [
    ...model.cellTypes.map((c) => ({ name: c.name, unit: 'cells' })),
    ...model.cellTypes.map((c) => ({ name: `${c.name} (dead)`, unit: 'cells' })),
    ...model.substrates.map((s) => ({ name: s.name, unit: s.unit })),
    ...model.outputs.map((o) => ({ name: o.name, unit: o.unit })),
  ];
}

const NUM = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';

/**
 * Parses an endpoint text. Returns the definition, or an error message saying what forms exist.
 */
export function parseEndpointText(text: string): EndpointDef | { error: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^time to (.+?) ?(>=|<=|>|<) ?${NUM}$`, 'i').exec(t))) {
    return { name: t, column: m[1].trim(), stat: 'time_to', threshold: Number(m[3]), direction: m[2].startsWith('>') ? 'above' : 'below' };
  }
  if ((m = new RegExp(`^(.+?) at day ${NUM}$`, 'i').exec(t))) return { name: t, column: m[1].trim(), stat: 'at', day: Number(m[2]) };
  if ((m = /^final (.+)$/i.exec(t)) || (m = /^(.+?) final$/i.exec(t))) return { name: t, column: m[1].trim(), stat: 'final' };
  if ((m = /^(max|maximum|peak|min|minimum|mean|average|auc) (?:of )?(.+)$/i.exec(t))) {
    const w = m[1].toLowerCase();
    const stat: EndpointStat = w === 'auc' ? 'auc' : w.startsWith('max') || w === 'peak' ? 'max' : w.startsWith('min') ? 'min' : 'mean';
    return { name: t, column: m[2].trim(), stat };
  }
  return {
    error: `cannot read the endpoint '${text}'`,
  };
}

export const ENDPOINT_FORMS =
  "write '<column> at day <D>', '<column> final', 'max <column>', 'min <column>', 'mean <column>', 'AUC <column>' or 'time to <column> >= <value>'";

/** Unit of an endpoint's value, given the unit of its column. */
export function endpointUnit(e: EndpointDef, columnUnit: string): string {
  if (e.stat === 'time_to') return 'day';
  if (e.stat === 'auc') return columnUnit === 'dimensionless' ? 'day' : `${columnUnit}·day`;
  return columnUnit;
}

/**
 * Problems with endpoint definitions against a model's columns and the run length (days):
 * unknown columns (with the known ones), days outside the run, duplicate names.
 */
export function checkEndpoints(defs: readonly EndpointDef[], columns: ReadonlyArray<{ name: string }>, tEndDays: number): Array<{ index: number; message: string; hint: string }> {
  const out: Array<{ index: number; message: string; hint: string }> = [];
  const known = new Set(columns.map((c) => c.name));
  const seen = new Set<string>();
  defs.forEach((d, index) => {
    if (!known.has(d.column)) {
      const lower = columns.find((c) => c.name.toLowerCase() === d.column.toLowerCase());
      out.push({
        index,
        message: `endpoint '${d.name}': the results have no column '${d.column}'`,
        hint: lower ? `did you mean '${lower.name}'?` : `known columns: ${columns.map((c) => c.name).join(', ')}`,
      });
    }
    if (d.stat === 'at' && (d.day === undefined || !(d.day >= 0) || d.day > tEndDays * (1 + 1e-12))) {
      out.push({ index, message: `endpoint '${d.name}': day ${d.day} is outside the run (0 to ${tEndDays} day)`, hint: 'choose a day within t_end, or lengthen t_end' });
    }
    if (d.stat === 'time_to' && !Number.isFinite(d.threshold)) out.push({ index, message: `endpoint '${d.name}': the threshold must be a finite number`, hint: "write e.g. 'time to AML_blast >= 1000'" });
    if (seen.has(d.name)) out.push({ index, message: `endpoint name '${d.name}' appears twice`, hint: 'give each endpoint a distinct name' });
    seen.add(d.name);
  });
  return out;
}

/** Value of y at time t (linear interpolation on the grid x); NaN outside [x0, x_last]. */
export function interpolate(x: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  const n = x.length;
  if (n === 0 || t < x[0] - 1e-9 * Math.abs(x[n - 1] || 1) || t > x[n - 1] * (1 + 1e-12) + 1e-9) return NaN;
  let lo = 0;
  let hi = n - 1;
  if (t >= x[hi]) return y[hi];
  if (t <= x[0]) return y[0];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid;
    else hi = mid;
  }
  const f = (t - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + f * (y[hi] - y[lo]);
}

/**
 * Computes endpoints of a result. Values that cannot be computed (column missing, day not
 * reached because the run stopped early) are NaN; a threshold never reached is null.
 */
export function extractEndpoints(result: SimulationResult, defs: readonly EndpointDef[]): Array<number | null> {
  const n = result.times.length;
  const days = new Float64Array(n);
  for (let i = 0; i < n; i++) days[i] = result.times[i] / MINUTES_PER_DAY;
  return defs.map((d) => {
    const y = result.series[d.column];
    if (!y || n === 0) return NaN;
    switch (d.stat) {
      case 'at':
        return interpolate(days, y, d.day ?? NaN);
      case 'final':
        return result.status === 'ok' ? y[n - 1] : NaN;
      case 'max': {
        let m = -Infinity;
        for (let i = 0; i < n; i++) if (y[i] > m) m = y[i];
        return Number.isFinite(m) ? m : NaN;
      }
      case 'min': {
        let m = Infinity;
        for (let i = 0; i < n; i++) if (y[i] < m) m = y[i];
        return Number.isFinite(m) ? m : NaN;
      }
      case 'auc':
      case 'mean': {
        if (result.status !== 'ok') return NaN;
        let s = 0;
        for (let i = 1; i < n; i++) s += 0.5 * (y[i] + y[i - 1]) * (days[i] - days[i - 1]);
        if (d.stat === 'auc') return s;
        return n > 1 && days[n - 1] > days[0] ? s / (days[n - 1] - days[0]) : y[0];
      }
      case 'time_to': {
        const th = d.threshold ?? NaN;
        const reached = (v: number) => (d.direction === 'below' ? v <= th : v >= th);
        if (reached(y[0])) return days[0];
        for (let i = 1; i < n; i++) {
          if (reached(y[i])) {
            const f = (th - y[i - 1]) / (y[i] - y[i - 1]);
            return days[i - 1] + (Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 1) * (days[i] - days[i - 1]);
          }
        }
        // Not reached: censored at the end of a completed run; unknown for a run that stopped early.
        return result.status === 'ok' ? null : NaN;
      }
    }
  });
}
