/**
 * The `nichesim` command as a user runs it (through tsx, so no build is needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NICHESIM_VERSION } from '../../src/version.js';

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('nichesim run (the main job)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nichesim-run-'));
  const r = cli('run', '--out', dir, '--quiet', '--seed', '7');

  it('exits 0 and writes the four outputs', () => {
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['timeseries.csv', 'summary.json', 'manifest.json', 'report.html']) expect(readFileSync(join(dir, f), 'utf8').length).toBeGreaterThan(100);
  });
  it('timeseries.csv has time in days, counts, concentrations and the M2 fraction, 181 rows', () => {
    const lines = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(182);
    const header = lines[0].split(',');
    expect(header[0]).toBe('time (day)');
    for (const h of ['MSC (cells)', 'M1 (cells)', 'M2 (cells)', 'AML_blast (cells)', 'TNF (ng/mL)', 'PGE2 (ng/mL)', 'M2_fraction (dimensionless)']) expect(header).toContain(h);
    expect(lines[181].split(',')[0]).toBe('180');
  });
  it('manifest.json records version, model hash, seed, parameters and engine settings', () => {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.nichesimVersion).toBe(NICHESIM_VERSION);
    expect(m.modelHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.seed).toBe(7);
    expect(m.engine).toBe('ode');
    expect(m.engineSettings.method).toBe('rodas4');
    expect(m.engineSettings.rtol).toBe(1e-6);
    expect(m.parameters.blast_cycle_entry).toBeCloseTo(0.12 / 1440, 15);
    expect(m.wallMs).toBeGreaterThanOrEqual(0);
  });
  it('summary.json has endpoints with units and the status', () => {
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(s.status).toBe('ok');
    expect(s.endpoints['AML_blast at day 180'].unit).toBe('cells');
    expect(s.endpoints['M2_fraction at day 180'].value).toBeGreaterThan(0.5);
  });
  it('report.html is one self-contained page with plots, cited rules and the network', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('https://pubmed.ncbi.nlm.nih.gov/19098906/');
    expect(html).toMatch(/In mesenchymal stromal cell, TNF-alpha increases PGE2 secretion/);
  });
  it('the same run twice gives the same timeseries (deterministic) and the same model hash', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'nichesim-run-'));
    expect(cli('run', '--out', dir2, '--quiet', '--seed', '7').code).toBe(0);
    expect(readFileSync(join(dir2, 'timeseries.csv'), 'utf8')).toBe(readFileSync(join(dir, 'timeseries.csv'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir2, 'manifest.json'), 'utf8')).modelHash).toBe(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).modelHash);
  });
});

describe('nichesim run with options and bad input', () => {
  it('--set and --t-end change the run; a bad --set is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-run-'));
    const ok = cli('run', '--out', dir, '--quiet', '--t-end', '30d', '--set', 'pge2_secretion_licensed=0 1/min', '--set', 'pge2_secretion_resting=0');
    expect(ok.code).toBe(0);
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n').length).toBe(32);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).parameters.pge2_secretion_licensed).toBe(0);
    const bad = cli('run', '--out', dir, '--quiet', '--set', 'pge2_secretion_licensed=3 ng/mL');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("--set 'pge2_secretion_licensed=3 ng/mL': 'pge2_secretion_licensed' is 1/min but '3 ng/mL' is mass/volume");
    const inconsistent = cli('run', '--out', dir, '--quiet', '--set', 'pge2_secretion_licensed=0 1/min');
    expect(inconsistent.code).toBe(1);
    expect(inconsistent.err).toMatch(/rules\[0\] \(line \d+\) \(MSC: TNF increases PGE2 secretion\): says 'increases' but its saturation value 0 1\/min \(0 1\/day\) is below the base value 0.005 1\/min \(7.2 1\/day\); use 'decreases' or raise the saturation value/);
  });
  it('a missing model file names the file', () => {
    const r = cli('run', 'no/such/model.yaml', '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^no\/such\/model\.yaml: error: file not found\n {2}fix: check the path/);
  });
  it('a bad --t-end is refused by the argument parser', () => {
    const r = cli('run', '--t-end', '3 ng/mL');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("expected a time such as 180d or '48 h'");
  });
});

describe('nichesim validate, rules and kb', () => {
  it('validate accepts the shipped models', () => {
    const r = cli('validate', 'models/aml-niche.yaml', 'models/healthy-niche.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('models/aml-niche.yaml: ok (5 cell types, 13 substrates');
  });
  it('validate reports every error with file, line and column and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-bad-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'nichesim: 1\nname: bad\nniche: {volume: 1e6 um^3}\ncell_types:\n  A: {apoptosis: -1 1/day, cycle_entry: 2 h}\n');
    const r = cli('validate', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f}:5:18: error: cell_types.A.apoptosis: expected a rate (e.g. '0.01 1/min' or '0.5 1/day') of 0 or more, got '-1 1/day'`);
    expect(r.err).toContain(`${f}:5:41: error: cell_types.A.cycle_entry: expected a rate (e.g. '0.01 1/min' or '0.5 1/day'), got '2 h' (time)`);
  });
  it('rules prints sentences with citations', () => {
    const r = cli('rules', 'models/aml-niche.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('In monocyte / M0 macrophage, PGE2 increases transform to M2 macrophage (TAM) from 0.05 1/day towards 0.6 1/day');
    expect(r.out).toMatch(/evidence: I019: .*PMID/);
  });
  it('kb filters by mediator and exports GraphML and Cytoscape JSON', () => {
    const t = cli('kb', '--mediator', 'PGE2');
    expect(t.code).toBe(0);
    expect(t.out).toContain('I001');
    const g = cli('kb', '--disease', 'CLL', '--format', 'graphml');
    expect(g.out).toMatch(/^<\?xml/);
    expect(g.out).toContain('<graphml');
    const c = JSON.parse(cli('kb', '--format', 'cytoscape').out);
    expect(c.elements.edges.length).toBeGreaterThanOrEqual(80);
  });
});

describe('nichesim run on SBML', () => {
  const fixtures = process.env.NICHESIM_FIXTURES ?? join('..', 'shared', 'fixtures');
  const sharp = join(fixtures, 'biomodels', 'BIOMD0000000798_Sharp2019_AML.xml');
  it.skipIf(!existsSync(sharp))('runs a BioModels SBML file and writes the four outputs (needs the shared fixtures; skipped: fixtures not found otherwise)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-sbml-'));
    const r = cli('run', sharp, '--out', dir, '--quiet', '--time-unit', 'day');
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(lines[0].startsWith('time (day),S (concentration)')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).modelHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<svg');
  });
  it('an XML file that is not SBML gives a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-sbml-'));
    const f = join(dir, 'x.xml');
    writeFileSync(f, '<?xml version="1.0"?><notes><p>hello</p></notes>\n');
    const r = cli('run', f, '--out', dir, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not SBML/);
  });
});

describe('package metadata', () => {
  it('the version constant matches package.json', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(NICHESIM_VERSION);
  });
});
