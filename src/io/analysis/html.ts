/**
 * Figures and pages of the analysis reports (layer 5): static inline SVG written directly (bars
 * with interval whiskers, step curves with bands, lines with points), so a report is one
 * self-contained HTML file that needs no script to view.
 */
import { escapeHtml } from '../report/format.js';
import { REPORT_CSS } from '../report/styles.js';
import { fmt } from '../../analysis/values.js';

export const SERIES_COLORS = ['#0b57a4', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

const EXTRA_CSS = `
table.data { border-collapse: collapse; font-size: 0.9rem; margin: 0.6em 0 1.2em; }
table.data th, table.data td { border-bottom: 1px solid var(--border); padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
table.data td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data thead th { background: var(--soft); }
figure { margin: 1em 0 1.6em; }
figcaption { color: var(--muted); font-size: 0.9rem; max-width: 80ch; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
svg .axis line, svg .axis path { stroke: #8c959f; }
svg .grid line { stroke: #eaeef2; }
.legend { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; font-size: 0.9rem; margin: 0.3em 0; }
.legend span::before { content: ''; display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.35em; vertical-align: -0.1em; background: var(--c); border-radius: 2px; }
`;

/** A whole HTML page. */
export function page(title: string, eyebrow: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${REPORT_CSS}${EXTRA_CSS}</style></head>\n<body><main>\n` +
    `<header><p class="eyebrow">${escapeHtml(eyebrow)}</p><h1>${escapeHtml(title)}</h1></header>\n${body}\n</main></body></html>\n`
  );
}

/** An HTML table; cells are escaped. */
export function table(headers: string[], rows: Array<Array<string | number | null>>): string {
  const cell = (v: string | number | null) => (typeof v === 'number' ? fmt(v) : v === null ? '' : escapeHtml(v));
  return (
    `<table class="data"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' || /^\[.*\]$|^[-+]?[0-9.]+(e[-+]?[0-9]+)?%?$/.test(String(v ?? '')) ? ' class="num"' : ''}>${cell(v)}</td>`).join('')}</tr>`).join('') +
    `</tbody></table>`
  );
}

export function legend(items: Array<{ label: string; color: string }>): string {
  return `<div class="legend">${items.map((i) => `<span style="--c:${i.color}">${escapeHtml(i.label)}</span>`).join('')}</div>`;
}

/** Round tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const err = step0 / mag;
  const step = (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

export interface BarRow {
  label: string;
  /** One value per series (NaN: no bar). */
  values: Array<{ value: number; lo?: number; hi?: number }>;
}

/**
 * Horizontal bars (one group per row, one bar per series) with interval whiskers: a tornado
 * chart when the rows are sorted by size.
 */
export function barChart(opts: { rows: BarRow[]; series: string[]; xLabel: string; width?: number; domain?: [number, number] }): string {
  const { rows, series } = opts;
  const width = opts.width ?? 760;
  const labelW = Math.min(260, 16 + 7 * Math.max(...rows.map((r) => r.label.length), 4));
  const barH = 12;
  const groupH = series.length * barH + 10;
  const top = 16;
  const height = top + rows.length * groupH + 40;
  let lo = 0;
  let hi = 0;
  for (const r of rows)
    for (const v of r.values) {
      for (const x of [v.value, v.lo, v.hi]) {
        if (x !== undefined && Number.isFinite(x)) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
  if (opts.domain) [lo, hi] = opts.domain;
  if (hi === lo) hi = lo + 1;
  const plotW = width - labelW - 24;
  const x = (v: number) => labelW + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * plotW;
  const ticks = niceTicks(lo, hi, 6);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`;
  s += `<g class="grid">${ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${top - 4}" y2="${height - 34}"/>`).join('')}</g>`;
  rows.forEach((r, i) => {
    const y0 = top + i * groupH;
    s += `<text x="${labelW - 8}" y="${y0 + (series.length * barH) / 2 + 4}" text-anchor="end">${escapeHtml(r.label)}</text>`;
    r.values.forEach((v, k) => {
      if (!Number.isFinite(v.value)) return;
      const y = y0 + k * barH;
      const a = x(Math.min(0, v.value));
      const b = x(Math.max(0, v.value));
      s += `<rect x="${a}" y="${y + 1}" width="${Math.max(1, b - a)}" height="${barH - 2}" fill="${SERIES_COLORS[k % SERIES_COLORS.length]}" fill-opacity="0.85"><title>${escapeHtml(`${r.label} ${series[k]}: ${fmt(v.value)}${v.lo !== undefined ? ` [${fmt(v.lo)}, ${fmt(v.hi)}]` : ''}`)}</title></rect>`;
      if (v.lo !== undefined && v.hi !== undefined && Number.isFinite(v.lo) && Number.isFinite(v.hi)) {
        const ym = y + barH / 2;
        s += `<path d="M${x(v.lo)},${ym}H${x(v.hi)}M${x(v.lo)},${ym - 3}v6M${x(v.hi)},${ym - 3}v6" stroke="#1f2328" stroke-width="1.2" fill="none"/>`;
      }
    });
  });
  const yAxis = height - 34;
  s += `<g class="axis"><line x1="${labelW}" x2="${labelW + plotW}" y1="${yAxis}" y2="${yAxis}"/><line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${yAxis}"/></g>`;
  s += ticks.map((t) => `<text x="${x(t)}" y="${yAxis + 15}" text-anchor="middle">${fmt(t, 3)}</text>`).join('');
  s += `<text x="${labelW + plotW / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text></svg>`;
  return s;
}

export interface LineSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** 'line' (default), 'step' (right-continuous), or 'points'. */
  mark?: 'line' | 'step' | 'points';
  /** A band (e.g. a confidence interval), same x. */
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
  dashed?: boolean;
}

/** Lines, steps and points on shared axes (linear, or log y). */
export function lineChart(opts: { series: LineSeries[]; xLabel: string; yLabel: string; width?: number; height?: number; logY?: boolean; yDomain?: [number, number] }): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 320;
  const left = 64;
  const right = 16;
  const top = 12;
  const bottom = 44;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  const logY = !!opts.logY;
  for (const s of opts.series) {
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.x[i])) (x0 = Math.min(x0, s.x[i])), (x1 = Math.max(x1, s.x[i]));
      for (const v of [s.y[i], s.lo?.[i], s.hi?.[i]]) if (v !== undefined && Number.isFinite(v) && (!logY || v > 0)) (y0 = Math.min(y0, v)), (y1 = Math.max(y1, v));
    }
  }
  if (opts.yDomain) [y0, y1] = opts.yDomain;
  if (!Number.isFinite(x0)) (x0 = 0), (x1 = 1);
  if (!Number.isFinite(y0)) (y0 = logY ? 1 : 0), (y1 = logY ? 10 : 1);
  if (x1 === x0) x1 = x0 + 1;
  if (!logY && !opts.yDomain) (y0 = Math.min(0, y0)), (y1 = y1 === y0 ? y0 + 1 : y1 * 1.04);
  if (logY) (y0 = 10 ** Math.floor(Math.log10(y0))), (y1 = 10 ** Math.ceil(Math.log10(y1 === y0 ? y0 * 10 : y1)));
  const pw = width - left - right;
  const ph = height - top - bottom;
  const X = (v: number) => left + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => top + ph - (logY ? (Math.log10(Math.max(v, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (v - y0) / (y1 - y0)) * ph;
  const xt = niceTicks(x0, x1, 8);
  const yt = logY ? Array.from({ length: Math.round(Math.log10(y1 / y0)) + 1 }, (_, k) => y0 * 10 ** k) : niceTicks(y0, y1, 5);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`;
  s += `<g class="grid">${yt.map((t) => `<line x1="${left}" x2="${left + pw}" y1="${Y(t)}" y2="${Y(t)}"/>`).join('')}</g>`;
  opts.series.forEach((se, k) => {
    const c = se.color ?? SERIES_COLORS[k % SERIES_COLORS.length];
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < se.x.length; i++) if (Number.isFinite(se.x[i]) && Number.isFinite(se.y[i]) && (!logY || se.y[i] > 0)) pts.push([se.x[i], se.y[i]]);
    if (se.lo && se.hi) {
      const lo = se.lo;
      const hi = se.hi;
      const up: string[] = [];
      const down: string[] = [];
      for (let i = 0; i < se.x.length; i++) {
        if (!Number.isFinite(lo[i]) || !Number.isFinite(hi[i])) continue;
        const xe = se.mark === 'step' && i + 1 < se.x.length ? se.x[i + 1] : se.x[i];
        up.push(`${X(se.x[i])},${Y(hi[i])}`, `${X(xe)},${Y(hi[i])}`);
        down.push(`${X(se.x[i])},${Y(lo[i])}`, `${X(xe)},${Y(lo[i])}`);
      }
      if (up.length > 0) s += `<polygon points="${[...up, ...down.reverse()].join(' ')}" fill="${c}" fill-opacity="0.09" stroke="none"/>`;
    }
    if (se.mark === 'points') {
      s += pts.map(([a, b]) => `<circle cx="${X(a)}" cy="${Y(b)}" r="3" fill="${c}"><title>${escapeHtml(`${se.label}: ${fmt(a)}, ${fmt(b)}`)}</title></circle>`).join('');
    } else if (pts.length > 0) {
      let d = `M${X(pts[0][0])},${Y(pts[0][1])}`;
      for (let i = 1; i < pts.length; i++) d += se.mark === 'step' ? `H${X(pts[i][0])}V${Y(pts[i][1])}` : `L${X(pts[i][0])},${Y(pts[i][1])}`;
      s += `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${se.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${escapeHtml(se.label)}</title></path>`;
    }
  });
  s += `<g class="axis"><line x1="${left}" x2="${left + pw}" y1="${top + ph}" y2="${top + ph}"/><line x1="${left}" x2="${left}" y1="${top}" y2="${top + ph}"/></g>`;
  const xDigits = Math.min(8, Math.max(3, xt.length > 1 ? Math.ceil(Math.log10(Math.max(Math.abs(xt[0]), Math.abs(xt[xt.length - 1])) / (xt[1] - xt[0]))) + 1 : 3));
  s += xt.map((t) => `<text x="${X(t)}" y="${top + ph + 15}" text-anchor="middle">${fmt(t, xDigits)}</text>`).join('');
  s += yt.map((t) => `<text x="${left - 6}" y="${Y(t) + 4}" text-anchor="end">${fmt(t, 3)}</text>`).join('');
  s += `<text x="${left + pw / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`;
  s += `<text transform="translate(14,${top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.yLabel)}</text></svg>`;
  return s;
}

/** A figure with a caption. */
export function figure(svg: string, caption: string, legendItems?: Array<{ label: string; color: string }>): string {
  return `<figure>${legendItems ? legend(legendItems) : ''}${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** CSV text from a header and rows (RFC 4180 quoting where needed). */
export function csv(headers: string[], rows: Array<Array<string | number | null>>): string {
  const q = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  return [headers.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}
