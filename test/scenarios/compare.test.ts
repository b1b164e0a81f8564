/**
 * `compare` and `check-targets` end to end: files written, the table's columns, the overlaid plots,
 * exit codes, and a scenario run through the ordinary run job (`nichesim run scenarios/x.yaml`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadKnowledgeBase } from '../../src/io/load.js';
import { runJob } from '../../src/io/run.js';
import { compareScenarios, isScenarioFile, loadModelOrScenario, registerScenarioCommands, TARGET_FAILURE_EXIT_CODE } from '../../src/io/scenarios/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nichesim-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const program = () => registerScenarioCommands(new Command().name('nichesim').exitOverride());
const captured = () => {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return () => out;
};

describe('compare', () => {
  const out = join(dir, 'cmp');
  const outcome = compareScenarios(['scenarios/aml-untreated.yaml', 'scenarios/aml-7plus3.yaml', 'scenarios/aml-7plus3-no-stroma.yaml'], { out, days: [60, 97, 180], threshold: 2000 });
  it('writes the table (CSV, JSON), each time series and the report', () => {
    for (const f of ['comparison.csv', 'comparison.json', 'report.html', 'timeseries-aml_untreated.csv', 'timeseries-aml_7plus3.csv', 'timeseries-aml_7plus3_no_stroma.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe(
      'scenario,title,file,status,burden at day 60 (cells),burden at day 97 (cells),burden at day 180 (cells),burden AUC (cell-days),burden peak (cells),first day burden >= 2000 (day),burden nadir (after the first dose) (cells),day of the nadir (day),"M2 fraction, time-average (M2/(M1+M2))",M2 fraction at the end (M2/(M1+M2)),TAMs (M2) at the end (cells),"TAMs (M2), time-average (cells)",all macrophages (M0+M1+M2) at the end (cells)',
    );
    expect(csv.filter(Boolean)).toHaveLength(4);
  });
  it('runs every scenario on the same grid and seed, and the metrics tell the scenarios apart', () => {
    const [untreated, chemo, noStroma] = outcome.runs;
    for (const r of outcome.runs) {
      expect(r.result.times.length).toBe(181);
      expect(r.result.manifest.seed).toBe(1);
    }
    expect(chemo.metrics.burden_day_97).toBeLessThan(0.5 * untreated.metrics.burden_day_97);
    expect(noStroma.metrics.burden_day_97).toBeLessThan(0.1 * chemo.metrics.burden_day_97);
    expect(chemo.metrics.burden_nadir_day).toBeGreaterThanOrEqual(97);
    expect(noStroma.metrics.days_to_threshold).toBeNaN(); // never reaches 2000 cells
    const json = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8'));
    expect(json.scenarios.map((s: { name: string }) => s.name)).toEqual(['aml_untreated', 'aml_7plus3', 'aml_7plus3_no_stroma']);
    expect(json.scenarios[2].metrics.days_to_threshold).toBeNull();
  });
  it('the report overlays one line per scenario and lists each scenario with its schedule', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h1>Scenario comparison</h1>');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5); // burden, M2 fraction, TAMs, macrophages, 2 drugs
    expect(html).toContain('Niche concentration of cytarabine');
    expect(html).toContain('aml_7plus3_no_stroma');
    expect(html).toContain('removed the rule');
    expect(html).not.toMatch(/<script/);
  });
});

describe('the commands', () => {
  it('check-targets prints PASS with the measured value and citation, and exits 0', async () => {
    const out = captured();
    await program().parseAsync(['node', 'nichesim', 'check-targets', 'targets/cytarabine-css.yaml', '--out', join(dir, 't1')], { from: 'node' });
    expect(out()).toMatch(/^PASS {2}cytarabine_css: .*\n {2}measured 0\.2557 uM; expected cytarabine at day 93 in \[0\.17, 0\.43\] uM .*\n {2}source: Fleming RA et al\. 1995, PMID 7634384\n1 of 1 literature targets pass/);
    expect(process.exitCode ?? 0).toBe(0);
    expect(readFileSync(join(dir, 't1', 'targets.csv'), 'utf8')).toContain('cytarabine_css,pass,value');
    expect(readFileSync(join(dir, 't1', 'targets.html'), 'utf8')).toContain('1 of 1 literature targets pass');
  });
  it(`check-targets exits ${TARGET_FAILURE_EXIT_CODE} when a target fails`, async () => {
    const bad = join(dir, 'impossible.yaml');
    writeFileSync(bad, readFileSync('targets/cytarabine-css.yaml', 'utf8').replace('range: [0.17, 0.43]', 'range: [1, 2]').replace(/\.\.\/scenarios\//g, `${resolve('scenarios')}/`));
    const out = captured();
    await program().parseAsync(['node', 'nichesim', 'check-targets', bad], { from: 'node' });
    expect(out()).toContain('FAIL  cytarabine_css');
    expect(out()).toContain('0 of 1 literature targets pass');
    expect(process.exitCode).toBe(TARGET_FAILURE_EXIT_CODE);
  });
  it('compare takes --days, --threshold and --target and adds the targets to the report', async () => {
    const out = captured();
    const o = join(dir, 'cmp2');
    await program().parseAsync(['node', 'nichesim', 'compare', 'scenarios/aml-untreated.yaml', 'scenarios/aml-csf1ri.yaml', '--out', o, '--days', '30,120', '--threshold', '500', '--target', 'targets/csf1ri-lowers-tams.yaml'], { from: 'node' });
    expect(out()).toContain('aml_csf1ri: burden day 30:');
    expect(out()).toContain('literature targets: 1 of 1 pass');
    const html = readFileSync(join(o, 'report.html'), 'utf8');
    expect(html).toContain('Literature targets');
    expect(html).toContain('csf1ri_lowers_tams');
    expect(readFileSync(join(o, 'comparison.csv'), 'utf8')).toContain('burden at day 120 (cells)');
    expect(process.exitCode ?? 0).toBe(0);
  });
  it('bad options are refused by the option parser', async () => {
    captured();
    await expect(program().parseAsync(['node', 'nichesim', 'compare', 'scenarios/aml-untreated.yaml', '--days', 'soon'], { from: 'node' })).rejects.toThrow(/expected days such as 30,90,180/);
  });
});

describe('nichesim run with a scenario', () => {
  it('a scenario file loads as a model and goes through the ordinary run job', () => {
    expect(isScenarioFile('scenarios/aml-csf1ri.yaml')).toBe(true);
    expect(isScenarioFile('models/aml-niche.yaml')).toBe(false);
    const loaded = loadModelOrScenario('scenarios/aml-csf1ri.yaml');
    expect(loaded.model.name).toBe('aml_csf1ri');
    const outcome = runJob({ loaded, kb: loadKnowledgeBase(), outDir: join(dir, 'run'), options: { tEnd: 90 * 1440 } });
    expect(outcome.result.status).toBe('ok');
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
    expect(summary.model).toBe('aml_csf1ri');
    expect(Object.keys(summary.endpoints)).toContain('pexidartinib at day 90');
  });
});
