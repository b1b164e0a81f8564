/**
 * Named endpoints of a run (layer 4): values at a day, areas under the curve, means, nadirs and
 * peaks over a window, the time a series first crosses a threshold, and ratios or differences of
 * two endpoints. Values between output rows are interpolated linearly; days outside the run give
 * NaN (an endpoint that cannot be measured), as does a threshold that is never crossed.
 */
import { MINUTES_PER_DAY, type SimulationResult } from '../results/result.js';
import { readTime } from './schedule.js';
import { type EndpointInput, isCombination } from './schema.js';

/** The series an endpoint reads ('burden' names the scenario's burden column). */
export function seriesOf(result: SimulationResult, of: string, burden: string): Float64Array | null {
  return result.series[of === 'burden' ? burden : of] ?? null;
}

const day = (v: number | string | undefined, fallback: number): number => (v === undefined ? fallback : readTime(v, 'day') / MINUTES_PER_DAY);

/** Value of y at day d by linear interpolation on the output grid (NaN outside it). */
export function valueAt(days: ArrayLike<number>, y: ArrayLike<number>, d: number): number {
  const n = days.length;
  if (n === 0 || d < days[0] - 1e-9 || d > days[n - 1] + 1e-9) return NaN;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (days[mid] <= d) lo = mid;
    else hi = mid;
  }
  if (Math.abs(days[lo] - d) < 1e-9) return y[lo];
  if (Math.abs(days[hi] - d) < 1e-9) return y[hi];
  const w = (d - days[lo]) / (days[hi] - days[lo]);
  return y[lo] + w * (y[hi] - y[lo]);
}

/** Points of (days, y) restricted to [from, to], with interpolated end points. */
function windowed(days: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  const n = days.length;
  if (n === 0) return { t, v };
  const a = Math.max(from, days[0]);
  const b = Math.min(to, days[n - 1]);
  if (b < a) return { t, v };
  t.push(a);
  v.push(valueAt(days, y, a));
  for (let i = 0; i < n; i++) if (days[i] > a + 1e-9 && days[i] < b - 1e-9) (t.push(days[i]), v.push(y[i]));
  if (b > a + 1e-9) (t.push(b), v.push(valueAt(days, y, b)));
  return { t, v };
}

/**
 * Evaluates an endpoint on a result.
 * @param burden the scenario's burden column (what 'burden' means)
 * @returns the value (in the series' unit, cell-days for an AUC of cells, days for *_day and time_to), or NaN
 */
export function evaluateEndpoint(ep: EndpointInput, result: SimulationResult, burden: string): number {
  if (isCombination(ep)) {
    const a = evaluateEndpoint(ep.a, result, burden);
    const b = evaluateEndpoint(ep.b, result, burden);
    return ep.kind === 'ratio' ? a / b : a - b;
  }
  const y = seriesOf(result, ep.of, burden);
  if (!y) return NaN;
  const days = Array.from(result.times, (t) => t / MINUTES_PER_DAY);
  const n = days.length;
  if (n === 0) return NaN;
  if (ep.kind === 'value') return valueAt(days, y, day(ep.day, 0));
  if (ep.kind === 'time_to') {
    const from = day(ep.from, days[0]);
    const above = (ep.direction ?? 'above') === 'above';
    const hit = (v: number) => (above ? v >= ep.threshold : v <= ep.threshold);
    const { t, v } = windowed(days, y, from, days[n - 1]);
    for (let i = 0; i < t.length; i++) {
      if (!hit(v[i])) continue;
      if (i === 0) return t[0];
      // Linear interpolation of the crossing between the previous point and this one.
      const w = (ep.threshold - v[i - 1]) / (v[i] - v[i - 1]);
      return t[i - 1] + Math.min(1, Math.max(0, w)) * (t[i] - t[i - 1]);
    }
    return NaN;
  }
  const { t, v } = windowed(days, y, day(ep.from, days[0]), day(ep.to, days[n - 1]));
  if (t.length === 0) return NaN;
  switch (ep.kind) {
    case 'auc':
    case 'mean': {
      let s = 0;
      for (let i = 1; i < t.length; i++) s += 0.5 * (v[i] + v[i - 1]) * (t[i] - t[i - 1]);
      if (ep.kind === 'auc') return s;
      return t.length > 1 ? s / (t[t.length - 1] - t[0]) : v[0];
    }
    case 'min':
    case 'min_day':
    case 'max':
    case 'max_day': {
      const isMin = ep.kind === 'min' || ep.kind === 'min_day';
      let best = 0;
      for (let i = 1; i < v.length; i++) if (isMin ? v[i] < v[best] : v[i] > v[best]) best = i;
      return ep.kind === 'min' || ep.kind === 'max' ? v[best] : t[best];
    }
  }
  return NaN;
}

/** An endpoint in words, e.g. "AML_blast at day 90" or "AUC of M2 from day 60 to day 180". */
export function describeEndpoint(ep: EndpointInput, burden = 'burden'): string {
  if (isCombination(ep)) return ep.kind === 'ratio' ? `(${describeEndpoint(ep.a, burden)}) / (${describeEndpoint(ep.b, burden)})` : `(${describeEndpoint(ep.a, burden)}) - (${describeEndpoint(ep.b, burden)})`;
  const of = ep.of === 'burden' ? burden : ep.of;
  const d = (v: number | string | undefined) => (v === undefined ? undefined : fmt(day(v, 0)));
  if (ep.kind === 'value') return `${of} at day ${d(ep.day)}`;
  if (ep.kind === 'time_to') return `first day ${of} is ${ep.direction === 'below' ? '<=' : '>='} ${ep.threshold}${ep.from !== undefined ? ` (from day ${d(ep.from)})` : ''}`;
  const names: Record<string, string> = { auc: 'AUC of', mean: 'mean of', min: 'minimum of', max: 'maximum of', min_day: 'day of the minimum of', max_day: 'day of the maximum of' };
  const win = ep.from !== undefined || ep.to !== undefined ? ` from day ${d(ep.from) ?? 'start'} to day ${d(ep.to) ?? 'end'}` : '';
  return `${names[ep.kind]} ${of}${win}`;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Options of the standard comparison metrics. */
export interface MetricOptions {
  /** Days at which burden is reported. */
  days: number[];
  /** Burden threshold (cells) for the time-to-threshold column. */
  threshold: number;
}

/** One row of the comparison table: a scenario's standard metrics by column name. */
export type MetricRow = Record<string, number>;

/**
 * The standard comparison metrics of a run: leukaemic burden at chosen days, burden AUC, first day
 * above a burden threshold, nadir of the burden after the first dose (its day too), the
 * time-averaged and final M2 fraction, and TAM (M2) and all-macrophage numbers.
 * @param firstDoseDay nadir window start (the first administration), or null for the whole run
 */
export function standardMetrics(result: SimulationResult, burden: string, firstDoseDay: number | null, opts: MetricOptions): MetricRow {
  const row: MetricRow = {};
  const n = result.times.length;
  const lastDay = n ? result.times[n - 1] / MINUTES_PER_DAY : 0;
  const ev = (ep: EndpointInput) => evaluateEndpoint(ep, result, burden);
  for (const d of opts.days) row[`burden_day_${fmt(d)}`] = ev({ kind: 'value', of: 'burden', day: d });
  row.burden_auc = ev({ kind: 'auc', of: 'burden' });
  row.burden_peak = ev({ kind: 'max', of: 'burden' });
  row.days_to_threshold = ev({ kind: 'time_to', of: 'burden', threshold: opts.threshold, direction: 'above' });
  const from = firstDoseDay ?? 0;
  row.burden_nadir = ev({ kind: 'min', of: 'burden', from });
  row.burden_nadir_day = ev({ kind: 'min_day', of: 'burden', from });
  const has = (c: string) => result.series[c] !== undefined;
  row.m2_fraction_mean = has('M2_fraction') ? ev({ kind: 'mean', of: 'M2_fraction' }) : NaN;
  row.m2_fraction_end = has('M2_fraction') ? ev({ kind: 'value', of: 'M2_fraction', day: lastDay }) : NaN;
  row.tam_m2_end = has('M2') ? ev({ kind: 'value', of: 'M2', day: lastDay }) : NaN;
  row.tam_m2_mean = has('M2') ? ev({ kind: 'mean', of: 'M2' }) : NaN;
  const mac = ['M0', 'M1', 'M2'].filter(has);
  row.macrophages_end = mac.length ? mac.reduce((s, c) => s + ev({ kind: 'value', of: c, day: lastDay }), 0) : NaN;
  return row;
}

/** Column names of {@link standardMetrics} with a description and unit, in table order. */
export function metricColumns(opts: MetricOptions, threshold = opts.threshold): Array<{ key: string; label: string; unit: string }> {
  return [
    ...opts.days.map((d) => ({ key: `burden_day_${fmt(d)}`, label: `burden at day ${fmt(d)}`, unit: 'cells' })),
    { key: 'burden_auc', label: 'burden AUC', unit: 'cell-days' },
    { key: 'burden_peak', label: 'burden peak', unit: 'cells' },
    { key: 'days_to_threshold', label: `first day burden >= ${threshold}`, unit: 'day' },
    { key: 'burden_nadir', label: 'burden nadir (after the first dose)', unit: 'cells' },
    { key: 'burden_nadir_day', label: 'day of the nadir', unit: 'day' },
    { key: 'm2_fraction_mean', label: 'M2 fraction, time-average', unit: 'M2/(M1+M2)' },
    { key: 'm2_fraction_end', label: 'M2 fraction at the end', unit: 'M2/(M1+M2)' },
    { key: 'tam_m2_end', label: 'TAMs (M2) at the end', unit: 'cells' },
    { key: 'tam_m2_mean', label: 'TAMs (M2), time-average', unit: 'cells' },
    { key: 'macrophages_end', label: 'all macrophages (M0+M1+M2) at the end', unit: 'cells' },
  ];
}
