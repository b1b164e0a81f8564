/**
 * A time-course chart (Observable Plot): one line per series, days on the x axis, a colour
 * legend. Redraws when `version` changes; the caller throttles.
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatCompact } from '../../../../src/units/format.js';

/**
 * Tick labels of the y axis: compact numbers ("0.1", "1.5e6"), never SI prefixes ("100m"). On a
 * log axis spanning several decades only the powers of ten are labelled.
 */
export function yTickFormat(log: boolean, lo: number, hi: number): (v: number) => string {
  if (!log) return (v) => formatCompact(v);
  const decades = lo > 0 && hi > 0 ? Math.log10(hi / lo) : Infinity;
  return (v) => {
    if (decades <= 1.5) return formatCompact(v);
    const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    return Math.abs(m - 1) < 1e-6 ? formatCompact(v) : '';
  };
}

/** Line colours: 20 distinguishable hues (Tableau 10 and a darker set), so that up to 20 lines differ. */
export const LINE_COLOURS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f3b73', '#a34a00', '#8c1c1c', '#2f6f6a', '#2b5e24', '#8a7400', '#6a3d6e', '#b5485a', '#5a3f2c', '#5e5e5e',
];

/** One line of a chart. */
export interface PlotSeries {
  label: string;
  /** x values (days) and y values, same length. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Props of {@link TimePlot}. */
export interface TimePlotProps {
  title: string;
  yLabel: string;
  series: PlotSeries[];
  log?: boolean;
  /** Changes when the data changed. */
  version: number | string;
  height?: number;
}

/** Renders the chart into a figure. */
export function TimePlot({ title, yLabel, series, log = false, version, height = 220 }: TimePlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // Re-plot when the chart's box changes width (window resize, a hidden tab shown).
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    // A hidden chart (its tab is not shown) is drawn when it becomes visible (its width changes).
    if (!el || el.clientWidth === 0) return;
    const rows: Array<{ day: number; value: number; series: string }> = [];
    // A log axis needs a positive value; without one the chart falls back to a linear axis.
    const useLog = log && series.some((s) => Array.prototype.some.call(s.y, (v: number) => v > 0));
    for (const s of series) {
      for (let i = 0; i < s.x.length; i++) {
        const v = s.y[i];
        if (!Number.isFinite(v) || (useLog && v <= 0)) continue;
        rows.push({ day: s.x[i], value: v, series: s.label });
      }
    }
    const w = Math.max(320, Math.floor(el.clientWidth || 600));
    // A flat chart (e.g. a drug never given) gets a visible range instead of a zero-height one.
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      lo = Math.min(lo, r.value);
      hi = Math.max(hi, r.value);
    }
    const flat = rows.length > 0 && !(hi > lo);
    const flatDomain = flat ? (useLog ? [lo / 10, lo * 10] : lo === 0 ? [0, 1] : [Math.min(0, 2 * lo), Math.max(0, 2 * lo)]) : undefined;
    const chart = Plot.plot({
      width: w,
      height,
      marginLeft: 60,
      marginBottom: 44,
      style: { fontSize: '12px', background: 'transparent', color: 'currentColor' },
      // The x title centred under the ticks (at the right end it overlapped the last tick label).
      x: { label: 'time (day)', grid: true, labelAnchor: 'center', labelOffset: 38, tickFormat: (v: number) => formatCompact(v) },
      y: { label: yLabel, grid: true, type: useLog ? 'log' : 'linear', nice: true, domain: flatDomain, tickFormat: yTickFormat(useLog, lo, hi) },
      color: { legend: true, domain: series.map((s) => s.label), range: LINE_COLOURS },
      marks: [Plot.lineY(rows, { x: 'day', y: 'value', stroke: 'series', z: 'series', strokeWidth: 1.75, tip: true }), Plot.ruleY(useLog ? [] : [0])],
    });
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [version, log, height, width]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={ref} class="chart-body" role="img" aria-label={`${title}: ${series.map((s) => s.label).join(', ')} over time`} />
    </figure>
  );
}
