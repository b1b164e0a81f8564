/**
 * Calibration: data-file errors (file, line, column, column name), and recovery of two known
 * parameters of the AML model from synthetic noisy data through the fit command (Nelder-Mead in
 * log space, profile-likelihood intervals computed on the worker pool).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultColumns } from '../../src/analysis/endpoints.js';
import { DataError } from '../../src/analysis/errors.js';
import { parseDataCsv } from '../../src/analysis/fit.js';
import { Rng } from '../../src/analysis/rng.js';
import { runFitCommand } from '../../src/io/analysis/commands.js';
import { loadModelFile } from '../../src/io/load.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { simulate } from '../../src/simulate.js';

const MODEL = 'models/aml-niche.yaml';
const model = loadModelFile(MODEL).model;
const columns = resultColumns(model);

function dataErrors(text: string): string {
  try {
    parseDataCsv(text, 'obs.csv', columns);
  } catch (e) {
    if (e instanceof DataError) return e.diagnostics.map(formatDiagnostic).join('\n');
    throw e;
  }
  return '';
}

describe('time-course data files', () => {
  it('reads times with their unit, converts column units and skips NA', () => {
    const d = parseDataCsv('# comment\ntime (h),AML_blast,CCL2 (pg/mL)\n0,50,NA\n24,60,2000\n48,"70",2500\n', 'obs.csv', columns);
    expect(Array.from(d.times)).toEqual([0, 1440, 2880]);
    expect(d.columns.map((c) => c.name)).toEqual(['AML_blast', 'CCL2']);
    expect(d.columns[1].values[1]).toBeCloseTo(2, 12); // pg/mL -> ng/mL
    expect(Number.isNaN(d.columns[1].values[0])).toBe(true);
    expect(d.observations).toBe(5);
  });
  it('names the file, line, column and column name of every problem', () => {
    const text = dataErrors('time (day),AML_blast,M2_fractoin,AML_blast\n0,50,0.2,1\n5,,0.3,1\n3,60,abc,1\n7,70\n');
    expect(text).toContain("obs.csv:1:22: error: M2_fractoin: unknown column 'M2_fractoin': the model's results have no such column\n  fix: did you mean 'M2_fraction'?");
    expect(text).toContain("obs.csv:1:34: error: AML_blast: column 'AML_blast' appears twice (also column 2)");
    expect(text).toContain("obs.csv:3:3: error: AML_blast: missing value in column 'AML_blast' (empty cell)\n  fix: write NA for a value that was not observed, or remove the row");
    expect(text).toContain('obs.csv:4:1: error: time (day): time is not increasing: 3 comes after 5 (line 3)');
    expect(text).toContain('obs.csv:5:1: error: expected 4 values (one per header column), got 2');
  });
  it('requires the time unit and a time dimension', () => {
    expect(dataErrors('time,AML_blast\n0,1\n')).toContain("obs.csv:1:1: error: time: the time column does not say its unit\n  fix: write the unit in the header, e.g. 'time (day)'");
    expect(dataErrors('time (ng/mL),AML_blast\n0,1\n')).toMatch(/the time unit 'ng\/mL' is not a time/);
    expect(dataErrors('AML_blast,time (day)\n0,1\n')).toMatch(/obs\.csv:1:1: error: AML_blast: the first column must be the time/);
    expect(dataErrors('')).toMatch(/the data file is empty/);
  });
});

describe('parameter recovery from synthetic noisy data', () => {
  it('recovers blast_cycle_entry and macrophage_apoptosis within 5%, with 95% profile intervals covering the truth', async () => {
    const truth = { blast_cycle_entry: 0.2, macrophage_apoptosis: 0.08 }; // 1/day; the model's values are 0.12 and 0.05
    const r = simulate(model, { parameters: { blast_cycle_entry: truth.blast_cycle_entry / 1440, macrophage_apoptosis: truth.macrophage_apoptosis / 1440 }, tEnd: 60 * 1440, outputInterval: 1440 });
    const rng = new Rng(42);
    let csv = 'time (day),AML_blast,macrophages\n';
    for (let d = 0; d <= 60; d += 2) csv += `${d},${(r.series.AML_blast[d] * (1 + 0.05 * rng.normal())).toFixed(4)},${(r.series.macrophages[d] * (1 + 0.05 * rng.normal())).toFixed(4)}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-fit-'));
    writeFileSync(join(dir, 'synthetic.csv'), csv);
    const out = await runFitCommand(MODEL, join(dir, 'synthetic.csv'), { params: 'blast_cycle_entry,macrophage_apoptosis', noise: 'proportional', out: join(dir, 'fit'), workers: 2, quiet: true });
    const est = Object.fromEntries(out.parameters.map((p) => [p.name, p]));
    const errB = est.blast_cycle_entry.estimate / truth.blast_cycle_entry - 1;
    const errM = est.macrophage_apoptosis.estimate / truth.macrophage_apoptosis - 1;
    console.log(
      `recovery: blast_cycle_entry ${est.blast_cycle_entry.estimate.toFixed(5)} [${est.blast_cycle_entry.lo?.toFixed(5)}, ${est.blast_cycle_entry.hi?.toFixed(5)}] (truth 0.2, error ${(100 * errB).toFixed(2)}%); ` +
        `macrophage_apoptosis ${est.macrophage_apoptosis.estimate.toFixed(5)} [${est.macrophage_apoptosis.lo?.toFixed(5)}, ${est.macrophage_apoptosis.hi?.toFixed(5)}] (truth 0.08, error ${(100 * errM).toFixed(2)}%); ` +
        `${out.estimate.evaluations} runs, sigma ${out.estimate.sigma.map((s) => s.toFixed(3)).join(', ')}`,
    );
    expect(Math.abs(errB)).toBeLessThan(0.05);
    expect(Math.abs(errM)).toBeLessThan(0.05);
    for (const [name, t] of Object.entries(truth)) {
      expect(est[name].lo).toBeLessThanOrEqual(t);
      expect(est[name].hi).toBeGreaterThanOrEqual(t);
      expect(est[name].loAtBound || est[name].hiAtBound).toBe(false);
    }
    // the estimated relative noise is close to the 5% used
    for (const s of out.estimate.sigma) expect(s).toBeGreaterThan(0.025), expect(s).toBeLessThan(0.08);
    const json = JSON.parse(readFileSync(join(dir, 'fit', 'fit.json'), 'utf8'));
    expect(json.noise).toBe('proportional');
    expect(json.parameters).toHaveLength(2);
    expect(readFileSync(join(dir, 'fit', 'fit.csv'), 'utf8').split('\n')[0]).toBe('parameter,unit,start,estimate,ci_lo,ci_hi,ci_method,ci_lo_at_range_bound,ci_hi_at_range_bound,range_lo,range_hi');
    expect(readFileSync(join(dir, 'fit', 'report.html'), 'utf8')).toContain('<svg');
  });

  it('bootstrap intervals (parametric, refits on the pool) for a one-parameter fit with additive noise', async () => {
    const r = simulate(model, { parameters: { blast_cycle_entry: 0.15 / 1440 }, tEnd: 20 * 1440, outputInterval: 1440 });
    const rng = new Rng(7);
    let csv = 'time (day),AML_blast\n';
    for (let d = 0; d <= 20; d += 2) csv += `${d},${(r.series.AML_blast[d] + 5 * rng.normal()).toFixed(3)}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'nichesim-fit-'));
    writeFileSync(join(dir, 'd.csv'), csv);
    const out = await runFitCommand(MODEL, join(dir, 'd.csv'), { params: ['blast_cycle_entry'], uncertainty: 'bootstrap', bootstrap: 4, out: join(dir, 'fit'), workers: 2, quiet: true });
    const p = out.parameters[0];
    expect(Math.abs(p.estimate / 0.15 - 1)).toBeLessThan(0.05);
    expect(p.lo!).toBeLessThan(p.estimate * 1.0001);
    expect(p.hi!).toBeGreaterThan(p.estimate * 0.9999);
  });
});
