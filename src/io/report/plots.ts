/**
 * Time-course figures for the HTML report, rendered at build time to static inline SVG with
 * Observable Plot running on a jsdom document (no script is needed to view them).
 *
 * Each figure is exactly one `<svg>` element. Small multiples (one panel per substrate, each with
 * its own y scale because concentrations differ by orders of magnitude) are composed into one
 * outer SVG by moving each panel's content into a translated `<g>`. Legends are plain HTML so
 * they stay readable, print well and do not add SVG elements.
 */

import * as Plot from '@observablehq/plot';
import { MINUTES_PER_DAY, type ColumnInfo, type SimulationResult } from '../../results/result.js';
import { assignColors } from './palette.js';
import { escapeHtml, formatNumber } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Full width of a figure in CSS pixels (the page's content width). */
export const FIGURE_WIDTH = 960;

/** One line in a panel. */
export interface SeriesSpec {
  /** Column name (legend and tooltip label). */
  name: string;
  values: Float64Array;
  color: string;
  /** Dashed line (used for dead-cell pools). */
  dashed?: boolean;
}

/** One panel: a set of lines sharing a y axis. */
export interface PanelSpec {
  title?: string;
  /** y-axis label; null when the panel title already names the unit. */
  yLabel: string | null;
  series: SeriesSpec[];
  /** 'auto' picks log when the positive values span more than two decades. */
  scale: 'auto' | 'linear';
  /** Fixed y domain (e.g. [0, 1] for fractions); disables log. */
  yDomain?: [number, number];
  width: number;
  height: number;
}

/** A rendered figure: SVG markup plus notes to show in its caption. */
export interface RenderedFigure {
  svg: string;
  notes: string[];
}

/** Context shared by all panels of one report. */
export interface PlotContext {
  document: Document;
  /** Output times in days. */
  days: number[];
  /** Day at which a failed run stopped, drawn as a red marker; null for completed runs. */
  stoppedAtDay: number | null;
}

/** Formats an axis tick: compact, 3 significant digits, scientific above 10⁵. */
function tickFormat(v: number): string {
  return formatNumber(v, 3);
}

/** Formats a log-axis decade tick as a power of ten ("10⁵"), so all ticks read alike. */
function decadeFormat(v: number): string {
  const e = Math.round(Math.log10(v));
  return '10' + String(e).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
}

/** Minimum and maximum of the finite (and, if `positiveOnly`, strictly positive) values. */
function finiteRange(series: SeriesSpec[], positiveOnly: boolean): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const v of s.values) {
      if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Largest number of decades a log axis shows (values further below the maximum are not drawn). */
const MAX_DECADES = 15;

/** Powers of ten covering [lo, hi] (used as log-axis ticks). */
function decadeTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
  return ticks;
}

/** x domain in days, widened when the run has a single time point. */
function timeDomain(days: number[]): [number, number] {
  if (days.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of days) {
    if (!Number.isFinite(d)) continue;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  if (!(lo <= hi)) return [0, 1];
  if (hi - lo <= 0) return [lo - 1, lo + 1];
  return [lo, hi];
}

/** Renders one panel with Observable Plot; returns the `<svg>` element and caption notes. */
export function renderPanel(ctx: PlotContext, spec: PanelSpec): { svg: SVGSVGElement; notes: string[] } {
  const notes: string[] = [];
  const { days } = ctx;
  let useLog = false;
  let yDomain: [number, number];
  let yTicks: number[] | undefined;

  const pos = finiteRange(spec.series, true);
  const all = finiteRange(spec.series, false);
  if (spec.yDomain) {
    yDomain = spec.yDomain;
  } else if (spec.scale === 'auto' && pos && pos[1] / pos[0] > 100) {
    useLog = true;
    // At most MAX_DECADES decades below the largest value, and exponents a double can hold.
    const hiExp = Math.min(307, Math.ceil(Math.log10(pos[1])));
    const loExp = Math.max(hiExp - MAX_DECADES, -307, Math.floor(Math.log10(pos[0])));
    const lo = 10 ** loExp;
    const hi = 10 ** hiExp;
    yDomain = [lo, hi === lo ? hi * 10 : hi];
    if (pos[0] < lo) notes.push(`Values below ${decadeFormat(lo)} are not drawn.`);
    yTicks = decadeTicks(yDomain[0], yDomain[1]);
    const hasNonPositive = spec.series.some((s) => s.values.some((v) => Number.isFinite(v) && v <= 0));
    notes.push(
      'Log scale (values span more than two decades)' +
        (hasNonPositive ? '; zero values are not drawn.' : '.'),
    );
  } else if (all) {
    const lo = Math.min(0, all[0]);
    const hi = Math.max(0, all[1]);
    yDomain = hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  } else {
    yDomain = [0, 1];
  }
  if (spec.series.some((s) => s.values.some((v) => Number.isNaN(v)))) {
    notes.push('Gaps mark missing (NaN) values.');
  }

  const marks: Plot.Markish[] = [];
  const sparse = days.length <= 40;
  const dotRadius = days.length <= 3 ? 4.5 : 2.5;
  if (days.length === 1) notes.push('Only one time point: values are shown as dots.');
  for (const s of spec.series) {
    const rows: Array<{ t: number; v: number }> = [];
    for (let i = 0; i < days.length; i++) {
      const v = s.values[i];
      const ok = Number.isFinite(v) && (!useLog || v > 0);
      rows.push({ t: days[i], v: ok ? v : NaN });
    }
    marks.push(
      Plot.lineY(rows, {
        x: 't',
        y: 'v',
        stroke: s.color,
        strokeWidth: 2,
        strokeDasharray: s.dashed ? '5,4' : undefined,
        title: () => s.name,
      }),
    );
    if (sparse) {
      marks.push(
        Plot.dot(
          rows.filter((r) => Number.isFinite(r.v)),
          { x: 't', y: 'v', fill: s.color, r: dotRadius, title: (r: { t: number; v: number }) => `${s.name}: ${formatNumber(r.v)} at day ${formatNumber(r.t)}` },
        ),
      );
    }
  }
  if (ctx.stoppedAtDay !== null && Number.isFinite(ctx.stoppedAtDay)) {
    marks.push(Plot.ruleX([ctx.stoppedAtDay], { stroke: '#b3261e', strokeWidth: 1.5, strokeDasharray: '4,3' }));
    marks.push(
      Plot.text([ctx.stoppedAtDay], {
        x: (d: number) => d,
        frameAnchor: 'top',
        text: () => 'run stopped',
        fill: '#b3261e',
        textAnchor: 'end',
        dx: -4,
        dy: 4,
        fontWeight: 'bold',
      }),
    );
  }

  const xDomain = timeDomain(days);
  // A single time point sits in the middle of a ±1 day axis; label only that day.
  const xTicks = xDomain[1] - xDomain[0] === 2 && days.length > 0 && days.every((d) => d === days[0]) ? [days[0]] : undefined;
  const svg = Plot.plot({
    document: ctx.document,
    width: spec.width,
    height: spec.height,
    marginLeft: 72,
    marginRight: 24,
    marginTop: spec.title ? 44 : 28,
    marginBottom: 42,
    style: { fontSize: '12px', fontFamily: 'inherit', background: 'white', color: '#1f2328' },
    x: { domain: xDomain, ticks: xTicks, label: 'time (days)', labelAnchor: 'center', labelArrow: 'none', tickFormat, grid: true },
    y: {
      type: useLog ? 'log' : 'linear',
      domain: yDomain,
      ticks: yTicks,
      nice: !useLog && !spec.yDomain,
      label: spec.yLabel === null ? null : spec.yLabel + (useLog ? ' (log scale)' : ''),
      labelArrow: 'none',
      tickFormat: useLog && yDomain[1] / yDomain[0] >= 1e5 ? decadeFormat : tickFormat,
      grid: true,
    },
    marks,
  }) as unknown as SVGSVGElement;

  if (spec.title) {
    const title = ctx.document.createElementNS(SVG_NS, 'text');
    title.setAttribute('x', '8');
    title.setAttribute('y', '18');
    title.setAttribute('text-anchor', 'start');
    title.setAttribute('font-size', '14');
    title.setAttribute('font-weight', '600');
    title.textContent = spec.title + (useLog ? ' — log scale' : '');
    svg.appendChild(title);
  }
  return { svg, notes };
}

/**
 * Composes several panel SVGs into one `<svg>` laid out on a grid of `cols` columns: each
 * panel's children move into a `<g transform="translate(x,y)">` carrying the panel's
 * presentation attributes, and only the first panel's `<style>` is kept.
 */
export function composePanels(doc: Document, panels: SVGSVGElement[], cols: number): SVGSVGElement {
  const outer = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  let styleKept = false;
  let y = 0;
  let x = 0;
  let rowHeight = 0;
  let totalWidth = 0;
  panels.forEach((panel, i) => {
    if (i > 0 && i % cols === 0) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const w = Number(panel.getAttribute('width'));
    const h = Number(panel.getAttribute('height'));
    const g = doc.createElementNS(SVG_NS, 'g');
    if (i === 0) {
      // All panels share Plot's presentation attributes; hoist them to the outer svg.
      for (const attr of ['class', 'fill', 'font-family', 'font-size', 'text-anchor']) {
        const v = panel.getAttribute(attr);
        if (v !== null) outer.setAttribute(attr, v);
      }
    }
    g.setAttribute('transform', `translate(${x},${y})`);
    while (panel.firstChild) {
      const child = panel.firstChild;
      if (child.nodeName.toLowerCase() === 'style') {
        panel.removeChild(child);
        if (!styleKept) {
          outer.appendChild(child);
          styleKept = true;
        }
        continue;
      }
      g.appendChild(child);
    }
    outer.appendChild(g);
    x += w;
    totalWidth = Math.max(totalWidth, x);
    rowHeight = Math.max(rowHeight, h);
  });
  const totalHeight = y + rowHeight;
  outer.setAttribute('width', String(totalWidth));
  outer.setAttribute('height', String(totalHeight));
  outer.setAttribute('viewBox', `0 0 ${totalWidth} ${totalHeight}`);
  outer.setAttribute('style', 'background: white; color: #1f2328; font-size: 12px; font-family: inherit;');
  return outer;
}

/** HTML legend (coloured line swatches) for a figure's series. */
export function legendHtml(series: Array<{ name: string; color: string; dashed?: boolean; unit?: string }>): string {
  if (series.length === 0) return '';
  const items = series
    .map(
      (s) =>
        `<li><span class="swatch${s.dashed ? ' dashed' : ''}" style="border-top-color:${escapeHtml(s.color)}"></span>${escapeHtml(s.name)}</li>`,
    )
    .join('');
  return `<ul class="legend" aria-label="legend">${items}</ul>`;
}

/** Columns of one kind, in result order, that have a series. */
function columnsOf(result: SimulationResult, kinds: ColumnInfo['kind'][]): ColumnInfo[] {
  return result.columns.filter((c) => kinds.includes(c.kind) && result.series[c.name] !== undefined);
}

/** Output of one figure section: figure markup (SVG + legend + caption) or null when empty. */
export interface FigureHtml {
  html: string | null;
}

/** Wraps an SVG and its legend/notes into a `<figure>`. */
function figureHtml(svg: string, legend: string, caption: string, notes: string[]): string {
  const note = notes.length ? ' ' + notes.map(escapeHtml).join(' ') : '';
  return `<figure class="plot">${legend}${svg}<figcaption>${escapeHtml(caption)}${note}</figcaption></figure>`;
}

/** Builds a {@link PlotContext} for a result (times converted to days). */
export function plotContext(doc: Document, result: SimulationResult): PlotContext {
  const days = Array.from(result.times, (t) => t / MINUTES_PER_DAY);
  let stoppedAtDay: number | null = null;
  if (result.status !== 'ok') {
    const finite = days.filter((d) => Number.isFinite(d));
    stoppedAtDay = finite.length ? Math.max(...finite) : null;
  }
  return { document: doc, days, stoppedAtDay };
}

/**
 * Figure (a): living cell populations over time, one line per cell type, dead pools (if any)
 * dashed in the same colour as their living population. Log y when the range spans > 2 decades.
 */
export function cellsFigure(ctx: PlotContext, result: SimulationResult): string | null {
  const living = columnsOf(result, ['cells']);
  const dead = columnsOf(result, ['dead cells']);
  if (living.length === 0 && dead.length === 0) return null;
  const baseName = (n: string): string => n.replace(/\s*\(dead\)\s*$/i, '');
  const colors = assignColors([...living.map((c) => c.name), ...dead.map((c) => baseName(c.name))]);
  const series: SeriesSpec[] = [
    ...living.map((c) => ({ name: c.name, values: result.series[c.name], color: colors.get(c.name) ?? '#333' })),
    ...dead.map((c) => ({
      name: c.name,
      values: result.series[c.name],
      color: colors.get(baseName(c.name)) ?? '#333',
      dashed: true,
    })),
  ];
  const unit = living[0]?.unit ?? dead[0]?.unit ?? 'cells';
  const { svg, notes } = renderPanel(ctx, {
    yLabel: unit,
    series,
    scale: 'auto',
    width: FIGURE_WIDTH,
    height: 400,
  });
  if (dead.length) notes.push('Dashed lines: dead-cell pools.');
  return figureHtml(
    svg.outerHTML,
    legendHtml(series),
    `Cell populations over time (${unit}).`,
    notes,
  );
}

/** Number of grid columns for `n` small multiples. */
function gridCols(n: number): number {
  if (n <= 1) return 1;
  if (n <= 8) return 2;
  return 3;
}

/**
 * Small multiples: one panel per column, each with its own y scale and its unit in the title.
 * Used for substrates (figure b) and for derived outputs that are not all fractions.
 */
function smallMultiples(ctx: PlotContext, cols: ColumnInfo[], result: SimulationResult, caption: string): string {
  const colors = assignColors(cols.map((c) => c.name));
  const nCols = gridCols(cols.length);
  const width = Math.floor(FIGURE_WIDTH / nCols);
  const height = nCols === 1 ? 300 : nCols === 2 ? 230 : 200;
  const allNotes = new Set<string>();
  const panels = cols.map((c) => {
    const { svg, notes } = renderPanel(ctx, {
      title: `${c.name} (${c.unit})`,
      yLabel: null,
      series: [{ name: c.name, values: result.series[c.name], color: colors.get(c.name) ?? '#333' }],
      scale: 'auto',
      width,
      height,
    });
    for (const n of notes) allNotes.add(n.startsWith('Log scale') ? 'Panels whose values span more than two decades use a log scale (zeros not drawn).' : n);
    return svg;
  });
  const svg = composePanels(ctx.document, panels, nCols);
  return figureHtml(svg.outerHTML, '', caption, [...allNotes]);
}

/** Figure (b): cytokines / substrates, one panel per substrate with its own scale and unit. */
export function substratesFigure(ctx: PlotContext, result: SimulationResult): string | null {
  const cols = columnsOf(result, ['substrate']);
  if (cols.length === 0) return null;
  return smallMultiples(
    ctx,
    cols,
    result,
    'Cytokines and substrates over time; one panel per substrate, each with its own y scale (concentrations differ by orders of magnitude).',
  );
}

/**
 * Figure (c): derived outputs. When every output is a fraction (all finite values in [0, 1]) they
 * share one 0–1 axis; otherwise each output gets its own panel.
 */
export function outputsFigure(ctx: PlotContext, result: SimulationResult): string | null {
  const cols = columnsOf(result, ['output']);
  if (cols.length === 0) return null;
  const allFractions = cols.every((c) => {
    for (const v of result.series[c.name]) if (Number.isFinite(v) && (v < 0 || v > 1)) return false;
    return true;
  });
  if (!allFractions) {
    return smallMultiples(ctx, cols, result, 'Derived outputs over time; one panel per output.');
  }
  const colors = assignColors(cols.map((c) => c.name));
  const series = cols.map((c) => ({ name: c.name, values: result.series[c.name], color: colors.get(c.name) ?? '#333' }));
  const units = [...new Set(cols.map((c) => c.unit))];
  const yLabel = units.length === 1 ? `fraction (${units[0]})` : 'fraction';
  const { svg, notes } = renderPanel(ctx, {
    yLabel,
    series,
    scale: 'linear',
    yDomain: [0, 1],
    width: FIGURE_WIDTH,
    height: 280,
  });
  return figureHtml(svg.outerHTML, legendHtml(series), 'Derived outputs over time (0–1 scale).', notes);
}
