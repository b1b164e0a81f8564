/**
 * The analysis commands end to end on the worker pool (short runs of the AML model): a sweep
 * streams into DuckDB and Parquet, records failed runs with their error and goes on, resumes, and
 * refuses a changed spec; sensitivity and cohort write their tables and reports; and the compiled
 * JavaScript (worker.js next to pool.js, no TypeScript loader) runs a sweep in a child process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAnalysisCommands, runCohortCommand, runSensitivityCommand, runSweepCommand } from '../../src/io/analysis/commands.js';
import { StoreMismatchError } from '../../src/io/analysis/store.js';
import { ENGINES } from '../../src/simulate.js';

const MODEL = resolve('models/aml-niche.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'nichesim-analysis-'));

async function query(db: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const con = await inst.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

async function exec(db: string, sql: string): Promise<void> {
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  try {
    await con.run(sql);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

describe('nichesim sweep', () => {
  it('streams runs into DuckDB (and Parquet), records failures with their error, resumes and refuses a changed spec', async () => {
    const dir = tmp();
    const spec = join(dir, 'sweep.yaml');
    const text = `model: ${MODEL}
t_end: 20 day
seed: 5
design: {kind: grid, levels: 2}
replicates: 2
parameters:
  cd47_level: {}
  blast_apoptosis: {values: [0.06 1/day, -1 1/day]}
endpoints: [AML_blast at day 20, M2_fraction final, time to AML_blast >= 80]
`;
    writeFileSync(spec, text);
    const out = join(dir, 'out');
    const first = await runSweepCommand(spec, { out, workers: 2, parquet: true, quiet: true });
    expect(first.summary).toMatchObject({ total: 8, skipped: 0, ran: 8, failed: 4, interrupted: false });
    const db = join(out, 'results.duckdb');
    const rows = await query(db, `SELECT run_id, point, replicate, seed, status, error, cd47_level, blast_apoptosis, "AML_blast at day 20" AS b FROM runs ORDER BY run_id`);
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.cd47_level)).toEqual([1, 1, 1, 1, 4, 4, 4, 4]);
    expect(rows.map((r) => r.blast_apoptosis)).toEqual([0.06, 0.06, -1, -1, 0.06, 0.06, -1, -1]); // display unit 1/day
    for (const r of rows) {
      if (r.blast_apoptosis === -1) {
        expect(r.status).toBe('error');
        expect(String(r.error)).toMatch(/CompileError: .*negative/);
        expect(r.b).toBeNull();
      } else {
        expect(r.status).toBe('ok');
        expect(Number(r.b)).toBeGreaterThan(0);
      }
    }
    expect(new Set(rows.map((r) => r.seed)).size).toBe(8);
    // replicates of the mean-field engine agree exactly
    expect(rows[0].b).toBe(rows[1].b);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ command: 'sweep', nichesimVersion: '0.1.0', engine: 'ode', runs: 8, status: 'complete', statusCounts: { ok: 4, error: 4 } });
    expect(manifest.modelHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seeds.base).toBe(5);
    expect(statSync(join(out, 'runs.parquet')).size).toBeGreaterThan(0);
    const parquet = await query(db, `SELECT count(*) AS n FROM read_parquet('${join(out, 'runs.parquet')}')`);
    expect(Number(parquet[0].n)).toBe(8);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[0]).toBe('endpoint,n,mean,sd,min,p05,median,p95,max');

    // restart: everything is done
    const again = await runSweepCommand(spec, { out, workers: 2, quiet: true });
    expect(again.summary).toMatchObject({ skipped: 8, ran: 0, failedTotal: 4 });
    // lose some rows (as an interrupted sweep would): only those run again
    await exec(db, 'DELETE FROM runs WHERE run_id IN (1, 4, 5)');
    const resumed = await runSweepCommand(spec, { out, workers: 1, quiet: true });
    expect(resumed.summary).toMatchObject({ skipped: 5, ran: 3, failed: 0 });
    expect(Number((await query(db, 'SELECT count(*) AS n FROM runs'))[0].n)).toBe(8);
    // failed runs can be retried on request
    const retried = await runSweepCommand(spec, { out, workers: 2, quiet: true, retryFailed: true });
    expect(retried.summary).toMatchObject({ skipped: 4, ran: 4, failed: 4 });
    // an interrupted session (aborted before it starts) stores nothing new and says so
    const ctl = new AbortController();
    ctl.abort();
    await exec(db, 'DELETE FROM runs WHERE run_id = 0');
    const stopped = await runSweepCommand(spec, { out, workers: 1, quiet: true, signal: ctl.signal });
    expect(stopped.summary).toMatchObject({ ran: 0, interrupted: true });
    // a changed spec may not write into the same folder
    writeFileSync(spec, text.replace('seed: 5', 'seed: 6'));
    await expect(runSweepCommand(spec, { out, workers: 1, quiet: true })).rejects.toThrow(StoreMismatchError);
  });
});

describe('other engines', () => {
  it.skipIf(!('abm' in ENGINES))('runs a sweep on the agent-based engine when it is registered (engine: abm), each replicate with its own seed', async () => {
    const dir = tmp();
    const spec = join(dir, 'abm.yaml');
    writeFileSync(spec, `model: ${MODEL}\nengine: abm\nt_end: 10 min\noutput_interval: 5 min\ndesign: {kind: random, n: 1}\nreplicates: 2\nparameters: {cd47_level: {values: [2]}}\nendpoints: [AML_blast final]\n`);
    const r = await runSweepCommand(spec, { out: join(dir, 'out'), workers: 2, quiet: true });
    expect(r.summary).toMatchObject({ ran: 2, failed: 0 });
    const rows = await query(join(dir, 'out', 'results.duckdb'), 'SELECT seed, status, "AML_blast final" AS b FROM runs ORDER BY run_id');
    expect(rows.every((x) => x.status === 'ok' && Number(x.b) > 0)).toBe(true);
    expect(rows[0].seed).not.toBe(rows[1].seed);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).engine).toBe('abm');
  });
});

describe('nichesim sensitivity and cohort', () => {
  it('computes Morris and Sobol indices for the AML model and writes the table and report', async () => {
    const dir = tmp();
    const spec = join(dir, 'sens.yaml');
    writeFileSync(
      spec,
      `model: ${MODEL}
t_end: 30 day
seed: 3
parameters: [blast_cycle_entry, cd47_level, hgf_secretion_m2]
morris: {trajectories: 4, levels: 4}
sobol: {n: 16}
bootstrap: {resamples: 200}
endpoints: [AML_blast at day 30]
`,
    );
    const r = await runSensitivityCommand(spec, { out: join(dir, 'out'), workers: 2, quiet: true });
    expect(r.summary.total).toBe(4 * 4 + 16 * 5);
    const res = r.results[0];
    expect(res.endpoint).toBe('AML_blast at day 30');
    expect(res.morris!.map((m) => m.parameter)).toEqual(['blast_cycle_entry', 'cd47_level', 'hgf_secretion_m2']);
    // blast proliferation dominates the 30-day burden
    expect(res.morris![0].muStar).toBeGreaterThan(res.morris![2].muStar);
    expect(res.sobol!.indices[0].st).toBeGreaterThan(0.5);
    const csv = readFileSync(join(dir, 'out', 'sensitivity.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toBe('endpoint,parameter,mu,mu_star,mu_star_lo,mu_star_hi,sigma,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi');
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(2);
    expect(html).toContain('Morris screening (tornado)');
  });

  it('runs virtual patients in two arms (one with extra doses) and reports response rates and Kaplan-Meier curves', async () => {
    const dir = tmp();
    const spec = join(dir, 'cohort.yaml');
    writeFileSync(
      spec,
      `model: ${MODEL}
t_end: 60 day
seed: 4
patients: 8
parameters:
  blast_cycle_entry: {distribution: lognormal, median: 0.2 1/day, sigma: 0.2}
arms:
  baseline: {}
  cytarabine:
    dosing: [{substrate: cytarabine, kind: infusion, start: 10 day, rate: 0.005 uM/min, duration: 7 day}]
response: {endpoint: AML_blast at day 30, reduction_at_least: 0.3, relative_to: baseline}
event: {column: AML_blast, above: 400}
`,
    );
    const r = await runCohortCommand(spec, { out: join(dir, 'out'), workers: 2, quiet: true });
    expect(r.summary).toMatchObject({ total: 16, failed: 0 });
    const [base, cyt] = r.arms;
    expect(base.responders).toBe(0);
    expect(cyt.responders).toBeGreaterThan(4);
    expect(base.km!.events).toBeGreaterThan(cyt.km!.events);
    expect(cyt.logRank!.p).toBeLessThan(0.05);
    const km = readFileSync(join(dir, 'out', 'km.csv'), 'utf8').split('\n');
    expect(km[0]).toBe('arm,day,at_risk,events,censored,survival,lo,hi');
    expect(readFileSync(join(dir, 'out', 'cohort.csv'), 'utf8')).toContain('cytarabine');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.armModelHashes)).toEqual(['base', 'arm:cytarabine']);
  });

  it('locates a bad dose of an arm in the spec file', async () => {
    const dir = tmp();
    const spec = join(dir, 'cohort.yaml');
    writeFileSync(spec, `model: ${MODEL}\npatients: 2\nparameters: [cd47_level]\narms:\n  a:\n    dosing:\n      - {substrate: cytarabin, kind: bolus, start: 1 day, amount: 1 uM}\nevent: {column: AML_blast, above: 400}\n`);
    await expect(runCohortCommand(spec, { out: join(dir, 'out'), quiet: true })).rejects.toThrow(/cohort\.yaml:7:\d+: error: arms\.a\.dosing\[0\]\.substrate/);
  });
});

describe('command line', () => {
  it('registers sweep, sensitivity, cohort and fit on a commander program, which run from arguments', async () => {
    const program = new Command().name('nichesim').exitOverride().configureOutput({ writeErr: () => {} });
    registerAnalysisCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(['sweep', 'sensitivity', 'cohort', 'fit']);
    const fit = program.commands.find((c) => c.name() === 'fit')!;
    expect(fit.helpInformation()).toMatch(/--params <names>[\s\S]*--noise <model>[\s\S]*--uncertainty <method>/);
    const dir = tmp();
    writeFileSync(join(dir, 's.yaml'), `model: ${MODEL}\nt_end: 5 day\ndesign: {kind: random, n: 3}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\n`);
    await program.parseAsync(['node', 'nichesim', 'sweep', join(dir, 's.yaml'), '--out', join(dir, 'out'), '--workers', '1', '--quiet']);
    expect(Number((await query(join(dir, 'out', 'results.duckdb'), 'SELECT count(*) AS n FROM runs'))[0].n)).toBe(3);
    await expect(program.parseAsync(['node', 'nichesim', 'sweep', 'x.yaml', '--workers', '0'])).rejects.toThrow(/expected a whole number >= 1/);
  });
});

describe('compiled JavaScript', () => {
  it('runs a sweep from transpiled .js files in a child process, with the .js worker (no TypeScript loader)', async () => {
    // Transpile src/ file by file (as tsc emits it: same layout, .js imports) into a folder under
    // node_modules/.cache so that packages resolve as they do from dist/.
    const esbuild = await import('esbuild');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk('src');
    const outRoot = resolve('node_modules/.cache/nichesim-analysis-test');
    rmSync(outRoot, { recursive: true, force: true });
    await esbuild.build({ entryPoints: files, outdir: join(outRoot, 'src'), outbase: 'src', format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'silent' });
    const dir = tmp();
    writeFileSync(join(dir, 'sweep.yaml'), `model: ${MODEL}\nt_end: 10 day\ndesign: {kind: sobol, n: 6}\nparameters: [blast_cycle_entry]\nendpoints: [AML_blast final]\n`);
    const script = `
      import { runSweepCommand } from ${JSON.stringify(join(outRoot, 'src/io/analysis/commands.js'))};
      import { workerEntry } from ${JSON.stringify(join(outRoot, 'src/io/analysis/pool.js'))};
      const r = await runSweepCommand(${JSON.stringify(join(dir, 'sweep.yaml'))}, { out: ${JSON.stringify(join(dir, 'out'))}, workers: 2, quiet: true });
      console.log(JSON.stringify({ entry: workerEntry(), summary: r.summary }));
    `;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const res = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(res.entry.source).toBe(false);
    expect(res.entry.filename.endsWith(join('src', 'io', 'analysis', 'worker.js'))).toBe(true);
    expect(res.entry.execArgv).toEqual([]);
    expect(res.summary).toMatchObject({ total: 6, ran: 6, failed: 0 });
    expect(existsSync(join(dir, 'out', 'results.duckdb'))).toBe(true);
    rmSync(outRoot, { recursive: true, force: true });
  });
});
