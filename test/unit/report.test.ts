import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReportHtml, type ReportInput } from '../../src/io/report/index.js';
import { escapeHtml, formatNumber, safeHttpUrl } from '../../src/io/report/format.js';
import { lcg } from '../../src/io/report/network.js';
import { MINUTES_PER_DAY, type ColumnInfo, type SimulationResult } from '../../src/results/result.js';

/** Options for the synthetic example. */
interface ExampleOptions {
  nTimes?: number;
  status?: SimulationResult['status'];
  extraColumns?: number;
}

/**
 * A synthetic but plausible AML-niche run: logistic blast expansion, macrophage polarisation
 * towards M2, cytokines on very different scales and an M2-fraction output.
 */
function exampleResult(opts: ExampleOptions = {}): SimulationResult {
  const nTimes = opts.nTimes ?? 181;
  const times = new Float64Array(nTimes);
  for (let i = 0; i < nTimes; i++) times[i] = i * MINUTES_PER_DAY;
  const columns: ColumnInfo[] = [
    { name: 'MSC', kind: 'cells', unit: 'cells' },
    { name: 'M0', kind: 'cells', unit: 'cells' },
    { name: 'M1', kind: 'cells', unit: 'cells' },
    { name: 'M2', kind: 'cells', unit: 'cells' },
    { name: 'AML blasts', kind: 'cells', unit: 'cells' },
    { name: 'AML blasts (dead)', kind: 'dead cells', unit: 'cells' },
    { name: 'IL-6', kind: 'substrate', unit: 'ng/mL' },
    { name: 'IL-10', kind: 'substrate', unit: 'ng/mL' },
    { name: 'CXCL12', kind: 'substrate', unit: 'ng/mL' },
    { name: 'TGF-β', kind: 'substrate', unit: 'pg/mL' },
    { name: 'M2 fraction', kind: 'output', unit: 'dimensionless' },
    { name: 'blast fraction', kind: 'output', unit: 'dimensionless' },
  ];
  const series: Record<string, Float64Array> = {};
  const f = (fn: (d: number) => number): Float64Array => Float64Array.from(times, (t) => fn(t / MINUTES_PER_DAY));
  const blasts = (d: number): number => 2e6 / (1 + (2e6 / 100 - 1) * Math.exp(-0.09 * d));
  series['MSC'] = f((d) => 5e4 * (1 - 0.4 * (1 - Math.exp(-d / 60))));
  series['M0'] = f((d) => 2e4 * Math.exp(-d / 50) + 3e3);
  series['M1'] = f((d) => 8e3 * Math.exp(-d / 80) + 1e3);
  series['M2'] = f((d) => 2e3 + 3e4 * (1 - Math.exp(-d / 40)));
  series['AML blasts'] = f(blasts);
  series['AML blasts (dead)'] = f((d) => 0.05 * blasts(d) * (d > 0 ? 1 : 0));
  series['IL-6'] = f((d) => 0.5 + 4 * (1 - Math.exp(-d / 30)));
  series['IL-10'] = f((d) => 0.02 + 0.3 * (1 - Math.exp(-d / 45)));
  series['CXCL12'] = f((d) => 2 * Math.exp(-d / 90) + 0.4);
  series['TGF-β'] = f((d) => 150 + 400 * (1 - Math.exp(-d / 70)));
  series['M2 fraction'] = Float64Array.from(times, (_t, i) => {
    const m0 = series['M0'][i];
    const m1 = series['M1'][i];
    const m2 = series['M2'][i];
    return m2 / (m0 + m1 + m2);
  });
  series['blast fraction'] = Float64Array.from(times, (_t, i) => {
    const b = series['AML blasts'][i];
    return b / (b + series['MSC'][i] + series['M0'][i] + series['M1'][i] + series['M2'][i]);
  });
  for (let k = 0; k < (opts.extraColumns ?? 0); k++) {
    const name = `extra cell ${k}`;
    columns.push({ name, kind: k % 2 ? 'cells' : 'substrate', unit: k % 2 ? 'cells' : 'ng/mL' });
    series[name] = f((d) => (k + 1) * 10 * (1 + Math.sin(d / 10 + k)));
  }
  const status = opts.status ?? 'ok';
  return {
    status,
    message: status === 'ok' ? null : 'State became non-finite at t = 181440 min (day 126): AML blasts = NaN.',
    times,
    columns,
    series,
    manifest: {
      nichesimVersion: '0.1.0',
      modelName: 'aml-niche-default',
      modelHash: '3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a',
      engine: 'ode',
      engineSettings: { method: 'rodas5', rtol: 1e-6, atol: 1e-9 },
      seed: 42,
      parameters: { 'M2.polarisation_rate': 0.0012, 'blast.division_rate': 6.25e-5 },
      wallMs: 1234,
      startedAt: '2025-01-15T10:30:00.000Z',
    },
  };
}

const PUBMED = 'https://pubmed.ncbi.nlm.nih.gov/29915191/';

/** Rules, network and summary to go with {@link exampleResult}. */
function exampleInput(result: SimulationResult = exampleResult()): ReportInput {
  return {
    title: 'AML niche (default scenario)',
    description:
      'Mean-field model of the bone-marrow niche: mesenchymal stromal cells (MSCs), M0/M1/M2 macrophages and AML blasts, coupled through secreted cytokines.\n\nParameters come from the nichesim knowledge base.',
    result,
    summary: {
      'blasts at day 180': 1.2e5,
      'M2 fraction at day 180': 0.7123456,
      'IL-6 at day 180 (ng/mL)': 4.49999,
      'time to 50% blast fraction (days)': 'not reached',
    },
    rules: [
      {
        sentence: 'MSCs secrete CXCL12, which retains AML blasts in the niche.',
        cellType: 'MSC',
        evidence: [
          {
            id: 'KB-0012',
            citation: 'Sugiyama T et al. (2006) Immunity 25:977–988',
            links: [
              { label: 'PubMed', url: PUBMED },
              { label: 'DOI', url: 'https://doi.org/10.1016/j.immuni.2006.10.016' },
            ],
          },
        ],
      },
      {
        sentence: 'IL-10 polarises M0 macrophages towards the M2 phenotype.',
        cellType: 'M0',
        evidence: [
          {
            id: 'KB-0031',
            citation: 'Mantovani A et al. (2004) Trends Immunol 25:677–686',
            links: [{ label: 'PubMed', url: 'https://pubmed.ncbi.nlm.nih.gov/15530839/' }],
          },
        ],
      },
      {
        sentence: 'IFN-γ polarises M0 macrophages towards the M1 phenotype.',
        cellType: 'M0',
        evidence: [],
      },
      {
        sentence: 'M2 macrophages secrete IL-6, which increases AML blast proliferation.',
        cellType: 'M2',
        evidence: [
          {
            id: 'KB-0044',
            citation: 'Al-Matary YS et al. (2016) Haematologica 101:1216–1227',
            links: [
              { label: 'PubMed', url: 'https://pubmed.ncbi.nlm.nih.gov/27390361/' },
              { label: 'bad link', url: 'javascript:alert(1)' },
            ],
          },
        ],
      },
    ],
    network: {
      nodes: [
        { id: 'msc', label: 'MSC', group: 'cell' },
        { id: 'm0', label: 'M0', group: 'cell' },
        { id: 'm1', label: 'M1', group: 'cell' },
        { id: 'm2', label: 'M2', group: 'cell' },
        { id: 'aml', label: 'AML blasts', group: 'cell' },
      ],
      edges: [
        { id: 'e1', source: 'msc', target: 'aml', label: 'CXCL12', sign: 1, evidenceIds: ['KB-0012'] },
        { id: 'e2', source: 'm0', target: 'm2', label: 'IL-10', sign: 1, evidenceIds: ['KB-0031'] },
        { id: 'e3', source: 'm0', target: 'm1', label: 'IFN-γ', sign: 1, evidenceIds: [] },
        { id: 'e4', source: 'm2', target: 'aml', label: 'IL-6', sign: 1, evidenceIds: ['KB-0044'] },
        { id: 'e5', source: 'm1', target: 'aml', label: 'TNF-α', sign: -1, evidenceIds: ['KB-0050'] },
        { id: 'e6', source: 'aml', target: 'm2', label: 'M-CSF', sign: 1, evidenceIds: ['KB-0051'] },
        { id: 'e7', source: 'aml', target: 'msc', label: 'exosomes', sign: 0, evidenceIds: ['KB-0060'] },
        { id: 'e8', source: 'm2', target: 'm1', label: 'IL-10', sign: -1, evidenceIds: ['KB-0031'] },
        { id: 'e9', source: 'm2', target: 'aml', label: 'TGF-β', sign: 0, evidenceIds: [] },
        { id: 'e10', source: 'aml', target: 'aml', label: 'autocrine IL-6', sign: 1, evidenceIds: [] },
      ],
    },
    warnings: ['2 parameters are estimates without measured values (see the knowledge base).'],
  };
}

/** Number of non-overlapping occurrences of `needle` in `haystack`. */
function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Asserts that the report contains a string or matches a pattern (short failure messages). */
function expectHas(html: string, needle: string | RegExp): void {
  const ok = typeof needle === 'string' ? html.includes(needle) : needle.test(html);
  expect(ok, `expected report to contain ${String(needle)}`).toBe(true);
}

/** Asserts that the report neither contains a string nor matches a pattern. */
function expectLacks(html: string, needle: string | RegExp): void {
  const ok = typeof needle === 'string' ? html.includes(needle) : needle.test(html);
  const at = typeof needle === 'string' ? html.indexOf(needle) : html.search(needle);
  expect(ok, `expected report not to contain ${String(needle)}: …${html.slice(Math.max(0, at - 80), at + 80)}…`).toBe(false);
}

describe('buildReportHtml', () => {
  const input = exampleInput();
  const html = buildReportHtml(input);

  it('is a complete HTML document with the title', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expectHas(html, '<h1>AML niche (default scenario)</h1>');
    expectHas(html, '<title>AML niche (default scenario) — nichesim report</title>');
    expectHas(html, '</html>');
  });

  it('contains one <svg> per plot plus the network', () => {
    // cells, substrates (one composed SVG of small multiples), outputs, network
    expect(count(html, '<svg')).toBe(4);
    for (const id of ['populations', 'cytokines', 'outputs', 'network']) {
      const start = html.indexOf(`<section id="${id}">`);
      const end = html.indexOf('</section>', start);
      expect(count(html.slice(start, end), '<svg')).toBe(1);
    }
  });

  it('labels axes with units and puts substrate units in the facet titles', () => {
    expectHas(html, 'time (days)');
    expectHas(html, 'IL-6 (ng/mL)');
    expectHas(html, 'TGF-β (pg/mL)');
    expectHas(html, /cells \(log scale\)/); // 100 → 2e6 blasts span > 2 decades
  });

  it('contains the manifest', () => {
    expectHas(html, 'aml-niche-default');
    expectHas(html, '>3f9a1c5e7b2d<'); // first 12 hex of the hash
    expectHas(html, 'rtol = 1 × 10⁻⁶');
    expectHas(html, '2025-01-15T10:30:00.000Z');
    expectHas(html, '1.23 s');
  });

  it('formats summary numbers to 4 significant digits', () => {
    expectHas(html, '1.2 × 10⁵');
    expectHas(html, '0.7123');
    expectHas(html, '4.5');
    expectHas(html, 'not reached');
  });

  it('contains each rule sentence, grouped by cell type, with its citation links', () => {
    for (const r of input.rules) expectHas(html, escapeHtml(r.sentence));
    expectHas(html, `<a class="cite" href="${PUBMED}">PubMed</a>`);
    expectHas(html, 'href="https://doi.org/10.1016/j.immuni.2006.10.016"');
    expectHas(html, 'KB-0012');
    expectHas(html, 'No evidence listed.');
    expectLacks(html, 'href="javascript:');
    expect(count(html, '<ol class="rules">')).toBe(3); // MSC, M0, M2
  });

  it('draws network edges with tooltips, signs and a legend', () => {
    expectHas(html, '<title>MSC → AML blasts: increases via CXCL12. Evidence: KB-0012</title>');
    expectHas(html, 'M1 → AML blasts: decreases via TNF-α. Evidence: KB-0050');
    expectHas(html, 'marker-end="url(#nichesim-net-dec)"');
    expectHas(html, 'mixed / context-dependent');
    expectHas(html, 'href="#kb-KB-0012"');
  });

  it('is self-contained: no scripts and no external resources besides citation links', () => {
    expectLacks(html, /<script/i);
    expectLacks(html, /<link\b/i);
    expectLacks(html, /\bsrc=/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    const allowed = /^https?:\/\/(pubmed\.ncbi\.nlm\.nih\.gov|doi\.org|www\.w3\.org\/2000\/svg)/;
    expect(urls.filter((u) => !allowed.test(u))).toEqual([]);
  });

  it('is deterministic (byte-identical builds)', () => {
    expect(buildReportHtml(exampleInput()) === html).toBe(true);
  });

  it('shows a red banner for a failed run and says where results stop', () => {
    const failed = buildReportHtml(exampleInput(exampleResult({ status: 'nonFinite', nTimes: 127 })));
    expectHas(failed, 'class="banner banner-error"');
    expectHas(failed, 'State became non-finite at t = 181440 min (day 126): AML blasts = NaN.');
    expectHas(failed, 'results stop at day 126');
    expectHas(failed, 'run stopped');
    expectLacks(html, 'class="banner banner-error"');
  });

  it('escapes user text', () => {
    const evil = exampleInput();
    evil.title = '<script>alert("x")</script> & co';
    evil.description = '<img src=x onerror=alert(1)>';
    evil.rules[0].sentence = 'MSCs <b>secrete</b> "CXCL12"';
    evil.rules[0].cellType = '<i>MSC</i>';
    evil.summary = { '<em>k</em>': '<script>1</script>' };
    evil.network.nodes[0].label = '<script>node</script>';
    evil.network.edges[0].label = '</title><script>x</script>';
    evil.warnings = ['<script>w</script>'];
    evil.result.manifest.modelName = '<script>model</script>';
    const out = buildReportHtml(evil);
    expectLacks(out, /<script/i);
    expectLacks(out, '<img');
    expectHas(out, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expectHas(out, 'MSCs &lt;b&gt;secrete&lt;/b&gt; &quot;CXCL12&quot;');
  });

  it('handles a result with one time point', () => {
    const out = buildReportHtml(exampleInput(exampleResult({ nTimes: 1 })));
    expect(count(out, '<svg')).toBe(4);
    expectHas(out, 'day 0 only (1 time point)');
  });

  it('handles zero cells (log scale does not break) and NaN in a series', () => {
    const result = exampleResult({ nTimes: 30 });
    result.series['M1'].fill(0);
    result.series['M2'][3] = NaN;
    result.series['IL-10'].fill(NaN);
    result.series['AML blasts'][0] = 0;
    const out = buildReportHtml(exampleInput(result));
    expectLacks(out, /NaN[,L]|,NaN|Infinity/); // no NaN coordinates in SVG paths
    expectHas(out, 'zero values are not drawn');
    expect(count(out, '<svg')).toBe(4);
  });

  it('handles all-zero, empty and degenerate results', () => {
    const result = exampleResult({ nTimes: 5 });
    for (const k of Object.keys(result.series)) result.series[k].fill(0);
    expect(() => buildReportHtml(exampleInput(result))).not.toThrow();
    const empty: SimulationResult = { ...exampleResult(), times: new Float64Array(0), columns: [], series: {} };
    const out = buildReportHtml({ ...exampleInput(empty), rules: [], network: { nodes: [], edges: [] }, summary: {} });
    expect(count(out, '<svg')).toBe(0);
    expect(count(out, '<p class="none">None.</p>')).toBe(6); // summary, 3 plots, rules, network
  });

  it('handles a network with nodes but no edges, undeclared nodes and parallel edges', () => {
    const lonely = buildReportHtml({ ...input, network: { nodes: [{ id: 'a', label: 'A' }], edges: [] } });
    expect(count(lonely, '<svg')).toBe(4);
    const undeclared = buildReportHtml({
      ...input,
      network: {
        nodes: [],
        edges: [
          { id: 'x', source: 'p', target: 'q', label: 'IL-1', sign: 1, evidenceIds: [] },
          { id: 'y', source: 'p', target: 'q', label: 'IL-2', sign: -1, evidenceIds: [] },
          { id: 'z', source: 'q', target: 'p', label: 'IL-3', sign: 0, evidenceIds: [] },
        ],
      },
    });
    expectHas(undeclared, 'data-node-id="p"');
    expectHas(undeclared, 'data-edge-id="z"');
  });

  it('handles 50+ columns and builds a 181-point, 20-column result quickly', () => {
    const wide = exampleResult({ extraColumns: 45 });
    expect(wide.columns.length).toBeGreaterThan(50);
    expect(() => buildReportHtml(exampleInput(wide))).not.toThrow();
    const twenty = exampleResult({ extraColumns: 8 });
    expect(twenty.columns.length).toBe(20);
    const t0 = performance.now();
    buildReportHtml(exampleInput(twenty));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('writes an example report when NICHESIM_REPORT_EXAMPLE is set', () => {
    const path = process.env.NICHESIM_REPORT_EXAMPLE;
    if (!path) return;
    writeFileSync(path, html);
    const variant = (suffix: string, r: SimulationResult): void =>
      writeFileSync(path.replace(/\.html$/, `-${suffix}.html`), buildReportHtml(exampleInput(r)));
    variant('failed', exampleResult({ status: 'nonFinite', nTimes: 127 }));
    variant('wide', exampleResult({ extraColumns: 45 }));
    variant('single', exampleResult({ nTimes: 1 }));
  });
});

describe('report helpers', () => {
  it('formats numbers for people', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.71)).toBe('0.71');
    expect(formatNumber(12345)).toBe('12,350');
    expect(formatNumber(1234)).toBe('1234');
    expect(formatNumber(123456)).toBe('1.235 × 10⁵');
    expect(formatNumber(-2.5e-7)).toBe('−2.5 × 10⁻⁷');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('accepts only http(s) citation links', () => {
    expect(safeHttpUrl(PUBMED)).toBe(PUBMED);
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('/relative')).toBeNull();
  });

  it('has a seeded, reproducible random source', () => {
    const a = lcg(7);
    const b = lcg(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
