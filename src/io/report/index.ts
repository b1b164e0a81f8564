/**
 * `report.html`: one self-contained HTML file that a biologist or physician can open offline.
 *
 * The report shows, in order: a header (title, description, run status, compact manifest), the
 * summary endpoints, time-course figures (cell populations, cytokines/substrates, derived
 * outputs) rendered to static inline SVG at build time, the model rules as cited English
 * sentences grouped by cell type, the interaction network (inline SVG, deterministic d3-force
 * layout), for spatial runs the animation of the domain (an inline GIF data URI) and a footer on
 * how to reproduce the run.
 *
 * No scripts, no external resources other than the citation links; inline CSS only. The output
 * is a pure function of the input: two builds of the same input are byte-identical.
 */

import { JSDOM } from 'jsdom';
import { MINUTES_PER_DAY, type RunStatus, type SimulationResult } from '../../results/result.js';
import { escapeHtml, formatDuration, formatNumber, formatSettingValue, safeHttpUrl, safeJson } from './format.js';
import { cellsFigure, outputsFigure, plotContext, substratesFigure } from './plots.js';
import { networkSvg, SIGN_STYLE } from './network.js';
import { REPORT_CSS } from './styles.js';

import type { ReportInput, ReportNetwork, ReportRule } from './types.js';
export type { ReportInput, ReportNetwork, ReportRule } from './types.js';


/** Plain-language meaning of each non-ok run status. */
const STATUS_TEXT: Record<RunStatus, string> = {
  ok: 'completed',
  maxSteps: 'the solver reached its step limit',
  stepSizeUnderflow: 'the solver step size became too small (stiff or discontinuous dynamics)',
  nonFinite: 'the state became non-finite (NaN or infinity)',
  cancelled: 'the run was cancelled',
};

/** `<p>` elements for a plain-text description (blank lines separate paragraphs). */
function paragraphs(text: string, cls: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p class="${cls}">${escapeHtml(p)}</p>`)
    .join('');
}

/** First and last finite output time, in days (null when there are none). */
function dayRange(result: SimulationResult): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of result.times) {
    if (!Number.isFinite(t)) continue;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  return lo <= hi ? [lo / MINUTES_PER_DAY, hi / MINUTES_PER_DAY] : null;
}

/** "day 0 to day 180 (181 time points)". */
function coverageText(result: SimulationResult): string {
  const range = dayRange(result);
  const n = result.times.length;
  const pts = `${n} time point${n === 1 ? '' : 's'}`;
  if (!range) return `no output times (${pts})`;
  if (range[0] === range[1]) return `day ${formatNumber(range[0])} only (${pts})`;
  return `day ${formatNumber(range[0])} to day ${formatNumber(range[1])} (${pts})`;
}

/** Engine settings as "key = value" pairs. */
function settingsText(settings: Record<string, unknown>): string {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return '';
  return entries.map(([k, v]) => `${k} = ${formatSettingValue(v)}`).join(', ');
}

/** Run status: a quiet green note when ok, a red banner (with where results stop) otherwise. */
function statusHtml(result: SimulationResult): string {
  if (result.status === 'ok') {
    return `<p class="status-ok">✓ Run completed — results cover ${escapeHtml(coverageText(result))}.</p>`;
  }
  const range = dayRange(result);
  const stop = range
    ? `The results stop at day ${formatNumber(range[1])} (the last time point computed before the failure); nothing after that time was simulated, so any endpoint at a later time is not available from this run.`
    : 'No time points were computed before the failure.';
  const message = result.message ? `<p>${escapeHtml(result.message)}</p>` : '';
  return (
    `<div class="banner banner-error" role="alert"><strong>⚠ Run did not complete: ${escapeHtml(STATUS_TEXT[result.status] ?? result.status)} ` +
    `(status <code>${escapeHtml(result.status)}</code>).</strong>${message}<p>${escapeHtml(stop)}</p></div>`
  );
}

/** Compact manifest table for the header. */
function manifestTable(result: SimulationResult): string {
  const m = result.manifest;
  const hash = String(m.modelHash ?? '');
  const settings = settingsText(m.engineSettings);
  const rows: Array<[string, string]> = [
    ['nichesim version', escapeHtml(m.nichesimVersion)],
    [
      'Model',
      `${escapeHtml(m.modelName)} <code title="SHA-256 ${escapeHtml(hash)}">${escapeHtml(hash.slice(0, 12))}</code>`,
    ],
    ['Engine', `${escapeHtml(m.engine)}${settings ? ` <span class="muted">(${escapeHtml(settings)})</span>` : ''}`],
    ['Seed', escapeHtml(m.seed)],
    ['Output', escapeHtml(coverageText(result))],
    ['Wall time', escapeHtml(formatDuration(m.wallMs))],
    ['Started', escapeHtml(m.startedAt)],
  ];
  return `<table class="kv manifest"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** Summary endpoints table (numbers to 4 significant digits). */
function summaryHtml(summary: Record<string, number | string>): string {
  const entries = Object.entries(summary ?? {});
  if (entries.length === 0) return '<p class="none">None.</p>';
  const rows = entries
    .map(([k, v]) => {
      const isNum = typeof v === 'number';
      return `<tr><th scope="row">${escapeHtml(k)}</th><td class="${isNum ? 'num' : ''}">${escapeHtml(isNum ? formatNumber(v, 4) : v)}</td></tr>`;
    })
    .join('');
  return `<table class="data summary"><thead><tr><th scope="col">Endpoint</th><th scope="col">Value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** HTML id for the first mention of a KB entry, so network evidence ids can link to it. */
function kbAnchor(id: string): string {
  return 'kb-' + id.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Rules grouped by cell type (in order of first appearance), each with its citations. */
function rulesHtml(rules: ReportRule[], anchored: Set<string>): string {
  if (rules.length === 0) return '<p class="none">None.</p>';
  const groups = new Map<string, ReportRule[]>();
  for (const r of rules) {
    const list = groups.get(r.cellType) ?? [];
    list.push(r);
    groups.set(r.cellType, list);
  }
  const out: string[] = [];
  for (const [cellType, list] of groups) {
    out.push(
      `<h3>${escapeHtml(cellType)} <span class="count">(${list.length} rule${list.length === 1 ? '' : 's'})</span></h3><ol class="rules">`,
    );
    for (const rule of list) {
      const ev = rule.evidence ?? [];
      const evidence = ev.length
        ? ev
            .map((e) => {
              const anchor = anchored.has(e.id) ? '' : ` id="${escapeHtml(kbAnchor(e.id))}"`;
              anchored.add(e.id);
              const links = (e.links ?? [])
                .map((l) => {
                  const url = safeHttpUrl(l.url);
                  return url
                    ? `<a class="cite" href="${escapeHtml(url)}">${escapeHtml(l.label)}</a>`
                    : `${escapeHtml(l.label)}: ${escapeHtml(l.url)}`;
                })
                .join(' · ');
              return `<li${anchor}><span class="kb-id">${escapeHtml(e.id)}</span>${escapeHtml(e.citation)}${links ? ` — ${links}` : ''}</li>`;
            })
            .join('')
        : '<li class="no-evidence">No evidence listed.</li>';
      out.push(`<li><p class="sentence">${escapeHtml(rule.sentence)}</p><ul class="evidence">${evidence}</ul></li>`);
    }
    out.push('</ol>');
  }
  return out.join('');
}

/** The network figure plus a table of its interactions (readable in print, where tooltips are not). */
function networkHtml(network: ReportNetwork, anchored: Set<string>): string {
  const svg = networkSvg(network);
  if (svg === null) return '<p class="none">None.</p>';
  const label = new Map(network.nodes.map((n) => [n.id, n.label]));
  const caption =
    'Green arrows: the source increases the target; red bars (⊣): it decreases it; dashed grey: mixed or context-dependent effect. ' +
    'Edge labels name the mediator; hover over an edge for its evidence. Layout computed by a deterministic force simulation (positions carry no meaning).';
  const figure = `<figure class="network-figure">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  if (network.edges.length === 0) return figure + '<p class="none">No interactions (edges): none.</p>';
  const rows = network.edges
    .map((e) => {
      const sign = e.sign === 1 || e.sign === -1 ? e.sign : 0;
      const st = SIGN_STYLE[String(sign) as '1' | '-1' | '0'];
      const cls = sign === 1 ? 'sign-inc' : sign === -1 ? 'sign-dec' : 'sign-mix';
      const symbol = sign === 1 ? '→' : sign === -1 ? '⊣' : '⇢';
      const ev = e.evidenceIds.length
        ? e.evidenceIds
            .map((id) =>
              anchored.has(id)
                ? `<a class="kb-id" href="#${escapeHtml(kbAnchor(id))}">${escapeHtml(id)}</a>`
                : `<span class="kb-id">${escapeHtml(id)}</span>`,
            )
            .join(' ')
        : '<span class="none">none</span>';
      return (
        `<tr><td>${escapeHtml(label.get(e.source) ?? e.source)}</td>` +
        `<td class="sign ${cls}">${symbol} ${escapeHtml(st.word)}</td>` +
        `<td>${escapeHtml(label.get(e.target) ?? e.target)}</td>` +
        `<td>${escapeHtml(e.label)}</td><td>${ev}</td></tr>`
      );
    })
    .join('');
  return (
    figure +
    `<h3>Interactions</h3><table class="data edges"><thead><tr><th scope="col">Source</th><th scope="col">Effect</th>` +
    `<th scope="col">Target</th><th scope="col">Mediator</th><th scope="col">Evidence</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** Footer: how to reproduce the run, a note on estimated parameters and the full manifest. */
function footerHtml(result: SimulationResult): string {
  const m = result.manifest;
  const settings = settingsText(m.engineSettings);
  const nParams = Object.keys(m.parameters ?? {}).length;
  return (
    `<footer id="reproduce"><h2>How to reproduce</h2>` +
    `<p>Run <strong>nichesim ${escapeHtml(m.nichesimVersion)}</strong> on the model <strong>${escapeHtml(m.modelName)}</strong> ` +
    `(SHA-256 of the normalised model <code>${escapeHtml(m.modelHash)}</code>) with the <strong>${escapeHtml(m.engine)}</strong> engine` +
    `${settings ? ` (${escapeHtml(settings)})` : ''} and random seed <strong>${escapeHtml(m.seed)}</strong>. ` +
    `The same model, version, engine settings and seed give the same results. This run started at ${escapeHtml(m.startedAt)} ` +
    `and took ${escapeHtml(formatDuration(m.wallMs))}.</p>` +
    `<p><strong>Parameters marked as estimates</strong> in the knowledge base carry plausible ranges rather than single measured values. ` +
    `This run used the point values listed in the manifest below; results may shift within those ranges, so read the endpoints as model predictions, not measurements.</p>` +
    `<details><summary>Full run manifest (JSON, ${nParams} resolved parameter value${nParams === 1 ? '' : 's'} in canonical units: minutes, micrometres, …)</summary>` +
    `<pre>${escapeHtml(safeJson(m))}</pre></details>` +
    `<p class="generated">Generated by nichesim ${escapeHtml(m.nichesimVersion)}. This file is self-contained and works offline; only the citation links point elsewhere.</p>` +
    `</footer>`
  );
}

/**
 * Strict base64 (no whitespace, padding only at the end, length a multiple of 4), so the data URI
 * cannot break out of the attribute. A plain character class: a grouped, repeated pattern
 * overflows the regular-expression stack on animations of several megabytes.
 */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64_CHARS.test(s);
}

/** The "Space" section body: the spatial animation as an inline GIF with its caption. */
function spaceHtml(animation: { gifBase64: string; caption: string }): string {
  const b64 = String(animation.gifBase64 ?? '');
  if (b64.length === 0 || !isBase64(b64)) return '<p class="none">The animation could not be embedded (its data is not valid base64).</p>';
  const caption = String(animation.caption ?? '');
  return (
    `<figure class="animation-figure"><img src="data:image/gif;base64,${b64}" alt="${escapeHtml(caption || 'Animation of the spatial simulation')}">` +
    (caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '') +
    `</figure>`
  );
}

/** One titled section. */
function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/**
 * Builds the complete, self-contained `report.html` for one run.
 *
 * Plots are rendered with Observable Plot on a jsdom document and embedded as static SVG; the
 * network layout is a seeded, fixed-tick d3-force simulation. All user text (title, names,
 * sentences, citations) is HTML-escaped and only http(s) citation links are emitted as links.
 * The result is deterministic (byte-identical for identical input).
 */
export function buildReportHtml(input: ReportInput): string {
  const { result } = input;
  const doc = new JSDOM('').window.document;
  const ctx = plotContext(doc, result);
  const none = '<p class="none">None.</p>';

  const cells = cellsFigure(ctx, result);
  const substrates = substratesFigure(ctx, result);
  const outputs = outputsFigure(ctx, result);
  const anchored = new Set<string>();
  const rules = rulesHtml(input.rules ?? [], anchored);
  const network = networkHtml(input.network ?? { nodes: [], edges: [] }, anchored);

  const warnings = (input.warnings ?? []).filter((w) => w.trim().length > 0);
  const warningsHtml = warnings.length
    ? `<div class="banner banner-warn" role="note"><strong>Warnings</strong><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`
    : '';

  const toc = [
    ['summary', 'Summary'],
    ['populations', 'Cell populations'],
    ['cytokines', 'Cytokines'],
    ['outputs', 'Derived outputs'],
    ['rules', 'Rules'],
    ['network', 'Network'],
    ...(input.animation ? [['space', 'Space']] : []),
    ['reproduce', 'Reproduce'],
  ]
    .map(([id, t]) => `<a href="#${id}">${t}</a>`)
    .join('');

  const header =
    `<header><p class="eyebrow">nichesim simulation report</p><h1>${escapeHtml(input.title)}</h1>` +
    (input.description ? paragraphs(input.description, 'description') : '') +
    statusHtml(result) +
    manifestTable(result) +
    `<nav class="toc" aria-label="Contents">${toc}</nav></header>`;

  const body = [
    header,
    warningsHtml,
    section('summary', 'Summary', summaryHtml(input.summary)),
    section('populations', 'Cell populations', cells ?? none),
    section('cytokines', 'Cytokines and substrates', substrates ?? none),
    section('outputs', 'Derived outputs', outputs ?? none),
    section(
      'rules',
      'Model rules',
      (input.rules?.length
        ? '<p>The rules of the model in words, grouped by cell type, each with the knowledge-base (KB) entries that support it.</p>'
        : '') + rules,
    ),
    section('network', 'Interaction network', network),
    ...(input.animation ? [section('space', 'Space', spaceHtml(input.animation))] : []),
    footerHtml(result),
  ].join('\n');

  return (
    '<!DOCTYPE html>\n' +
    `<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="nichesim ${escapeHtml(result.manifest.nichesimVersion)}">` +
    `<title>${escapeHtml(input.title)} — nichesim report</title>` +
    `<style>${REPORT_CSS}</style></head>\n<body><main>\n${body}\n</main></body></html>\n`
  );
}
