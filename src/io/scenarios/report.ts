/**
 * HTML for scenario comparisons and literature targets (layer 5): the comparison table, overlaid
 * time courses (one line per scenario, Observable Plot rendered to static SVG like report.html),
 * the scenarios with their schedules, and the target checks with measured values and citations.
 * Self-contained, no scripts; every user text is escaped.
 */
import { JSDOM } from 'jsdom';
import { MINUTES_PER_DAY, type SimulationResult } from '../../results/result.js';
import { citationLine, type LoadedScenario, metricColumns, type MetricOptions, type MetricRow, type Reference, type TargetOutcome } from '../../scenarios/index.js';
import { NICHESIM_VERSION } from '../../version.js';
import { escapeHtml, formatNumber, safeHttpUrl } from '../report/format.js';
import { assignColors } from '../report/palette.js';
import { FIGURE_WIDTH, legendHtml, renderPanel, type PlotContext, type SeriesSpec } from '../report/plots.js';
import { REPORT_CSS } from '../report/styles.js';

const EXTRA_CSS = `
td.pass { color: #14532d; font-weight: 700; }
td.fail { color: #8c1d18; font-weight: 700; }
table.compare td, table.compare th { font-size: 0.86rem; }
table.compare th.rot { white-space: normal; min-width: 5.5em; }
.small { font-size: 0.86rem; color: var(--muted); }
`;

/** One compared run. */
export interface ComparedRun {
  loaded: LoadedScenario;
  result: SimulationResult;
  metrics: MetricRow;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function num(x: number): string {
  return Number.isFinite(x) ? formatNumber(x, 4) : Number.isNaN(x) ? '—' : formatNumber(x);
}

/** Citation links (PubMed, DOI, PMC) of references. */
function refLinks(refs: Reference[]): string {
  return refs
    .map((r) => {
      const links: string[] = [];
      if (r.pmid) links.push(`<a class="cite" href="https://pubmed.ncbi.nlm.nih.gov/${escapeHtml(r.pmid)}/">PMID ${escapeHtml(r.pmid)}</a>`);
      if (r.doi) links.push(`<a class="cite" href="https://doi.org/${escapeHtml(r.doi)}">doi:${escapeHtml(r.doi)}</a>`);
      if (r.pmcid) links.push(`<a class="cite" href="https://www.ncbi.nlm.nih.gov/pmc/articles/${escapeHtml(r.pmcid)}/">${escapeHtml(r.pmcid)}</a>`);
      const url = r.url ? safeHttpUrl(r.url) : null;
      if (url) links.push(`<a class="cite" href="${escapeHtml(url)}">link</a>`);
      return `${escapeHtml(r.text)}${links.length ? ` (${links.join(', ')})` : ''}`;
    })
    .join('; ');
}

/** The comparison table: one row per scenario, the standard metrics as columns. */
export function comparisonTableHtml(runs: ComparedRun[], opts: MetricOptions): string {
  const cols = metricColumns(opts);
  const head = `<tr><th scope="col">Scenario</th>${cols.map((c) => `<th scope="col" class="rot">${escapeHtml(c.label)}<br><span class="small">${escapeHtml(c.unit)}</span></th>`).join('')}</tr>`;
  const rows = runs
    .map((r) => {
      const status = r.result.status === 'ok' ? '' : ` <span class="fail">(${escapeHtml(r.result.status)})</span>`;
      return `<tr><th scope="row">${escapeHtml(r.loaded.scenario.title)}<br><code>${escapeHtml(r.loaded.scenario.name)}</code>${status}</th>${cols.map((c) => `<td class="num">${escapeHtml(num(r.metrics[c.key]))}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<div style="overflow-x:auto"><table class="data compare"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** Overlaid time courses of one quantity, one line per scenario (scenarios without it are skipped). */
function overlayFigure(ctx: PlotContext, runs: ComparedRun[], colors: Map<string, string>, title: string, unit: string, pick: (r: ComparedRun) => Float64Array | null, domain?: [number, number], scale: 'auto' | 'linear' = 'auto'): string | null {
  const series: SeriesSpec[] = [];
  for (const r of runs) {
    const y = pick(r);
    if (!y) continue;
    const values = new Float64Array(ctx.days.length).fill(NaN);
    values.set(y.subarray(0, Math.min(y.length, values.length)));
    series.push({ name: r.loaded.scenario.name, values, color: colors.get(r.loaded.scenario.name) ?? '#333' });
  }
  if (series.length === 0) return null;
  const { svg, notes } = renderPanel(ctx, { title: `${title} (${unit})`, yLabel: null, series, scale: domain ? 'linear' : scale, yDomain: domain, width: FIGURE_WIDTH, height: 320 });
  const note = notes.length ? ' ' + notes.map(escapeHtml).join(' ') : '';
  return `<figure class="plot">${svg.outerHTML}<figcaption>${escapeHtml(title)}, one line per scenario.${note}</figcaption></figure>`;
}

/** All overlaid figures: burden, M2 fraction, TAMs, all macrophages, and each drug. */
export function overlayFiguresHtml(runs: ComparedRun[]): string {
  if (runs.length === 0) return '<p class="none">None.</p>';
  const longest = runs.reduce((a, b) => (b.result.times.length > a.result.times.length ? b : a));
  const doc = new JSDOM('').window.document;
  const ctx: PlotContext = { document: doc, days: Array.from(longest.result.times, (t) => t / MINUTES_PER_DAY), stoppedAtDay: null };
  const colors = scenarioColors(runs.map((r) => r.loaded.scenario.name));
  const legend = legendHtml(runs.map((r) => ({ name: `${r.loaded.scenario.name}: ${r.loaded.scenario.title}`, color: colors.get(r.loaded.scenario.name) ?? '#333' })));
  const sum = (r: ComparedRun, cols: string[]) => {
    const present = cols.filter((c) => r.result.series[c]);
    if (!present.length) return null;
    const out = new Float64Array(r.result.times.length);
    for (const c of present) r.result.series[c].forEach((v, i) => (out[i] += v));
    return out;
  };
  const figs = [
    overlayFigure(ctx, runs, colors, 'Leukaemic burden (malignant cells in the niche)', 'cells', (r) => r.result.series[r.loaded.scenario.burden] ?? null),
    overlayFigure(ctx, runs, colors, 'M2 fraction M2/(M1+M2)', 'dimensionless', (r) => r.result.series.M2_fraction ?? null, [0, 1]),
    overlayFigure(ctx, runs, colors, 'TAMs (M2 macrophages)', 'cells', (r) => r.result.series.M2 ?? null),
    overlayFigure(ctx, runs, colors, 'All monocytes and macrophages (M0+M1+M2)', 'cells', (r) => sum(r, ['M0', 'M1', 'M2'])),
  ];
  const drugs = new Map<string, string>();
  for (const r of runs) for (const s of r.loaded.scenario.schedule) if (!drugs.has(s.drug)) drugs.set(s.drug, r.loaded.model.substrates.find((x) => x.name === s.drug)?.unit ?? '');
  for (const [drug, unit] of drugs) figs.push(overlayFigure(ctx, runs, colors, `Niche concentration of ${drug}`, unit, (r) => r.result.series[drug] ?? null, undefined, 'linear'));
  return legend + figs.filter((f): f is string => f !== null).join('');
}

/** Okabe-Ito and Tol colours in a fixed order, so scenarios are told apart by position, not by name. */
const SCENARIO_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#332288', '#882255', '#117733', '#999933', '#44AA99', '#000000'];

function scenarioColors(names: string[]): Map<string, string> {
  if (names.length > SCENARIO_COLORS.length) return assignColors(names);
  return new Map(names.map((n, i) => [n, SCENARIO_COLORS[i]]));
}

/** The scenarios: description, interventions, schedule summary and composition notes. */
export function scenariosHtml(runs: ComparedRun[]): string {
  return runs
    .map((r) => {
      const s = r.loaded.scenario;
      const ivs = s.interventions.length
        ? `<ul>${s.interventions
            .map((iv) => `<li><strong>${escapeHtml(iv.title)}</strong> (${escapeHtml(iv.name)}; ${escapeHtml(iv.therapies.join(', '))}; confidence ${escapeHtml(iv.confidence)})${iv.control ? ' — <em>vehicle arm: model changes only, no drug</em>' : ''}<br><span class="small">${escapeHtml(iv.mechanism)}</span>${iv.caveats ? `<br><span class="small">Caveats: ${escapeHtml(iv.caveats)}</span>` : ''}</li>`)
            .join('')}</ul>`
        : '<p class="small">No interventions.</p>';
      const byDrug = new Map<string, { n: number; first: number; last: number; dose: string; route: string }>();
      for (const d of s.schedule) {
        const e = byDrug.get(d.drug) ?? { n: 0, first: d.day, last: d.day, dose: d.dose, route: d.route };
        e.n++;
        e.last = d.day;
        byDrug.set(d.drug, e);
      }
      const sched = byDrug.size
        ? `<table class="data"><thead><tr><th>Drug</th><th>Route</th><th>Dose</th><th>Administrations</th><th>First day</th><th>Last day</th></tr></thead><tbody>${[...byDrug]
            .map(([drug, e]) => `<tr><td>${escapeHtml(drug)}</td><td>${escapeHtml(e.route)}</td><td>${escapeHtml(e.dose)}</td><td class="num">${e.n}</td><td class="num">${escapeHtml(num(e.first))}</td><td class="num">${escapeHtml(num(e.last))}</td></tr>`)
            .join('')}</tbody></table>`
        : '';
      const notes = s.notes.length ? `<details><summary>Composition notes (${s.notes.length})</summary><ul>${s.notes.map((n) => `<li class="small">${escapeHtml(n)}</li>`).join('')}</ul></details>` : '';
      const overrides = Object.keys(s.overrides).length ? `<p class="small">Parameter overrides: ${escapeHtml(Object.entries(s.overrides).map(([k, v]) => `${k} = ${v}`).join(', '))}</p>` : '';
      return `<h3>${escapeHtml(s.title)} <span class="count">(${escapeHtml(s.name)}, ${escapeHtml(s.disease || 'no disease given')})</span></h3><p class="description">${escapeHtml(s.description)}</p>${s.references.length ? `<p class="small">References: ${refLinks(s.references)}</p>` : ''}${ivs}${sched}${overrides}${notes}<p class="small">File: <code>${escapeHtml(s.file)}</code>; model <code>${escapeHtml(r.result.manifest.modelHash.slice(0, 12))}</code>; run status ${escapeHtml(r.result.status)}.</p>`;
    })
    .join('');
}

/** The literature-target table: pass/fail, what was measured, what was expected, the citation. */
export function targetsHtml(outcomes: TargetOutcome[]): string {
  if (outcomes.length === 0) return '<p class="none">No targets were checked.</p>';
  const passed = outcomes.filter((o) => o.pass).length;
  const rows = outcomes
    .map(
      (o) =>
        `<tr><td class="${o.pass ? 'pass' : 'fail'}">${o.pass ? 'PASS' : 'FAIL'}</td><td><strong>${escapeHtml(o.title)}</strong><br><code>${escapeHtml(o.id)}</code> (${escapeHtml(o.kind)})<br><span class="small">${escapeHtml(o.observation)}</span></td>` +
        `<td>${escapeHtml(o.measuredText)}${o.error ? `<br><span class="fail">${escapeHtml(o.error)}</span>` : ''}</td><td class="small">${escapeHtml(o.expected)}<br>Mechanism: ${escapeHtml(o.mechanism)}</td>` +
        `<td class="small">${refLinks(o.references)}${o.evidence.length ? `<br>KB: ${escapeHtml(o.evidence.join(', '))}` : ''}</td></tr>`,
    )
    .join('');
  return (
    `<p>${passed} of ${outcomes.length} literature targets pass.</p>` +
    `<table class="data"><thead><tr><th>Result</th><th>Target</th><th>Measured</th><th>Expected</th><th>Citation</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** A self-contained HTML page. */
export function pageHtml(title: string, intro: string, sections: Array<[string, string, string]>): string {
  const toc = sections.map(([id, t]) => `<a href="#${id}">${escapeHtml(t)}</a>`).join('');
  return (
    '<!DOCTYPE html>\n' +
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="nichesim ${escapeHtml(NICHESIM_VERSION)}"><title>${escapeHtml(title)} — nichesim</title>` +
    `<style>${REPORT_CSS}${EXTRA_CSS}</style></head>\n<body><main>\n` +
    `<header><p class="eyebrow">nichesim</p><h1>${escapeHtml(title)}</h1>${intro}<nav class="toc" aria-label="Contents">${toc}</nav></header>\n` +
    sections.map(([id, t, body]) => section(id, t, body)).join('\n') +
    `\n<footer><p class="generated">Generated by nichesim ${escapeHtml(NICHESIM_VERSION)}. Self-contained; only citation links point elsewhere.</p></footer>\n</main></body></html>\n`
  );
}

/** The compare report: table, overlaid plots, scenarios, and optionally the literature targets. */
export function compareReportHtml(runs: ComparedRun[], opts: MetricOptions & { seed: number; engine: string; tEndDays: number }, targets?: TargetOutcome[]): string {
  const intro =
    `<p class="description">${runs.length} scenarios run with the ${escapeHtml(opts.engine)} engine and seed ${opts.seed} on a common grid to day ${escapeHtml(num(opts.tEndDays))}. ` +
    `Burden is the scenario's malignant cell type in the niche; the nadir is taken from the first administration on; TAMs are M2 macrophages.</p>`;
  const sections: Array<[string, string, string]> = [
    ['table', 'Comparison', comparisonTableHtml(runs, opts) + `<p class="small">Also in comparison.csv and comparison.json. "—": not reached or not measurable (e.g. a threshold never crossed, a day beyond the run).</p>`],
    ['plots', 'Time courses', overlayFiguresHtml(runs)],
    ['scenarios', 'Scenarios', scenariosHtml(runs)],
  ];
  if (targets) sections.push(['targets', 'Literature targets', targetsHtml(targets)]);
  return pageHtml('Scenario comparison', intro, sections);
}

/** One line per target for the terminal: PASS/FAIL, id, measured, expected, citation. */
export function targetLine(o: TargetOutcome): string {
  const head = `${o.pass ? 'PASS' : 'FAIL'}  ${o.id}: ${o.title}`;
  const body = o.error ? `  error: ${o.error}` : `  measured ${o.measuredText}; expected ${o.expected}`;
  return `${head}\n${body}\n  source: ${citationLine(o.references)}`;
}
