/**
 * The analysis commands (layer 5, Node): sweep, sensitivity, fit and cohort, as functions the CLI
 * calls (registerAnalysisCommands) and tests call directly. Each reads its spec or data, runs on
 * the worker pool, streams results into results.duckdb in the out folder, and writes a manifest,
 * tables (CSV) and, where there are figures, an HTML report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { describeDistribution } from '../../analysis/distributions.js';
import { endpointUnit, resultColumns } from '../../analysis/endpoints.js';
import { DataError, SpecError } from '../../analysis/errors.js';
import {
  bootstrapData,
  type FitEstimate,
  type FitObjective,
  type FitParameter,
  FitProblem,
  type FitSetup,
  fitParameters,
  type NoiseModel,
  type ObservedData,
  parseDataCsv,
  type Profile,
  percentileIntervals,
  profileThreshold,
} from '../../analysis/fit.js';
import { cohortPlan, type PlannedRun, type RunPlan, sensitivityPlan, sweepPlan, type SensitivityPlan } from '../../analysis/plan.js';
import { morrisIndices, type MorrisIndex, type SobolResult, sobolIndices } from '../../analysis/sensitivity.js';
import {
  CohortSpecInput,
  type ParsedSpec,
  parseSpecText,
  type ResolvedCohort,
  type ResolvedParameter,
  type ResolvedSensitivity,
  type ResolvedSweep,
  resolveCohort,
  resolveSensitivity,
  resolveSweep,
  SensitivitySpecInput,
  specIdentity,
  SweepSpecInput,
} from '../../analysis/spec.js';
import { kaplanMeier, type KmCurve, logRank, wilsonInterval } from '../../analysis/survival.js';
import { displayUnit, fmt } from '../../analysis/values.js';
import { type Diagnostic, ModelError } from '../../model/diagnostics.js';
import type { Model } from '../../model/model.js';
import { OverrideError, parseOverrides } from '../../model/overrides.js';
import { type LoadedModel, modelHash, parseModel } from '../../model/parse.js';
import { closestNames, didYouMean } from '../../units/index.js';
import { NICHESIM_VERSION } from '../../version.js';
import { writeFileAtomic } from '../atomic.js';
import { loadModelFile } from '../load.js';
import { escapeHtml } from '../report/format.js';
import { barChart, csv, figure, lineChart, page, SERIES_COLORS, table } from './html.js';
import { createAnalysisPool, defaultWorkers } from './pool.js';
import { terminalProgress } from './progress.js';
import type { PoolSetup, RunOutput, RunRequest, WorkerTask } from './protocol.js';
import { runPlan, type RunPlanSummary } from './runner.js';
import { RunStore, StoreMismatchError, type StoredRun } from './store.js';

/** A bad command-line argument (exit code 1). */
export class AnalysisUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisUsageError';
  }
}

export interface AnalysisCommandOptions {
  /** Output folder (default: '<spec name>-out' in the working directory). */
  out?: string;
  /** Worker threads (default: all cores). */
  workers?: number;
  /** Also write runs.parquet. */
  parquet?: boolean;
  /** Re-run runs stored as failed. */
  retryFailed?: boolean;
  /** No progress bar or tables on the terminal. */
  quiet?: boolean;
  /** Stops the analysis (runs in flight are finished and stored); default: Ctrl-C. */
  signal?: AbortSignal;
  /** Where tables go (default process.stdout). */
  stdout?: { write(s: string): unknown };
}

export interface AnalysisOutcome {
  outDir: string;
  database: string;
  files: string[];
  summary: RunPlanSummary;
}

// ---- shared ---------------------------------------------------------------------------------------

function hashText(s: string): string {
  return bytesToHex(sha256(utf8ToBytes(s)));
}

function readSpec<T>(specPath: string, schema: import('zod').ZodType<T>): ParsedSpec<T> {
  const file = resolve(specPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecError([{ severity: 'error', file: specPath, line: null, column: null, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`, hint: `check the path (resolved to ${file})` }]);
  }
  return parseSpecText(text, file, schema) as ParsedSpec<T>;
}

function loadSpecModel(parsed: ParsedSpec<{ model: string }>): LoadedModel {
  const modelFile = resolve(dirname(parsed.file), parsed.data.model);
  if (!existsSync(modelFile)) {
    const at = parsed.doc.locate(['model']);
    throw new SpecError([{ severity: 'error', file: parsed.file, ...at, path: 'model', message: `model file not found (looked for ${modelFile})`, hint: 'the path is relative to the spec file' }]);
  }
  return loadModelFile(modelFile);
}

/** The model's own dosing entries as written (following `extends`), so arm doses add to them. */
function rawDosing(file: string, depth = 0): unknown[] {
  try {
    const data = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
    if (data && Array.isArray(data.dosing)) return data.dosing;
    if (data && typeof data.extends === 'string' && depth < 10) return rawDosing(resolve(dirname(file), data.extends), depth + 1);
  } catch {
    /* the model loaded already; a failure here only loses the base doses, which normalisation reports */
  }
  return [];
}

/** The model of an arm with extra doses: the model file extended by the doses, normalised by the model loader. */
function armModel(loaded: LoadedModel, parsed: ParsedSpec<unknown>, arm: { name: string; dosing: Array<Record<string, unknown>> }): Model {
  const base = rawDosing(loaded.file);
  const virtualFile = `${parsed.file}#arms.${arm.name}`;
  const text = JSON.stringify({ nichesim: 1, extends: loaded.file, dosing: [...base, ...arm.dosing] });
  try {
    return parseModel(text, virtualFile, (relative, from) => {
      const file = resolve(dirname(from), relative);
      return { text: readFileSync(file, 'utf8'), file };
    }).model;
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    const ds: Diagnostic[] = e.diagnostics.map((d) => {
      const m = /^dosing\[(\d+)\](.*)$/.exec(d.path);
      if (d.file !== virtualFile || !m || Number(m[1]) < base.length) return d;
      const j = Number(m[1]) - base.length;
      const rest = m[2].split(/[.[\]]/).filter((k) => k !== '').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const path = ['arms', arm.name, 'dosing', j, ...rest];
      return { ...d, file: parsed.file, ...parsed.doc.locate(path), path: `arms.${arm.name}.dosing[${j}]${m[2]}` };
    });
    throw new SpecError(ds);
  }
}

function defaultOut(specPath: string): string {
  return resolve(basename(specPath).replace(/\.(ya?ml|json)$/i, '') + '-out');
}

function paramColumns(params: ResolvedParameter[]): Array<{ name: string; unit: string }> {
  return params.map((p) => ({ name: p.name, unit: p.unit.label || 'dimensionless' }));
}

function describeParams(params: ResolvedParameter[]): Array<Record<string, unknown>> {
  return params.map((p) => ({ name: p.name, unit: p.unit.label || 'dimensionless', distribution: describeDistribution(p.distribution, p.unit.factor), levels: p.levels }));
}

/** A Ctrl-C handler active while `fn` runs (first Ctrl-C: stop and save; second: default). */
async function withInterrupt<T>(given: AbortSignal | undefined, quiet: boolean, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const ctl = new AbortController();
  const onSigint = () => {
    if (!quiet) process.stderr.write('\nnichesim: stopping after the runs in flight (Ctrl-C again to quit now); run the same command again to resume\n');
    ctl.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(ctl.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

interface AnalysisRun {
  kind: 'sweep' | 'sensitivity' | 'cohort';
  specPath: string;
  parsed: ParsedSpec<unknown>;
  loaded: LoadedModel;
  resolved: ResolvedSweep | ResolvedSensitivity | ResolvedCohort;
  plan: RunPlan;
  /** Models by key; 'base' always. */
  models: Record<string, Model>;
  /** Model key and extra fixed parameters of each arm (cohorts). */
  arms: Array<{ name: string; model: string; set: Record<string, number> }>;
  manifestExtra: Record<string, unknown>;
}

/** Runs an analysis plan into results.duckdb and returns the open store (caller closes it). */
async function execute(a: AnalysisRun, opts: AnalysisCommandOptions): Promise<{ store: RunStore; outDir: string; summary: RunPlanSummary; manifest: Record<string, unknown>; manifestPath: string }> {
  const outDir = resolve(opts.out ?? defaultOut(a.specPath));
  const workers = opts.workers ?? defaultWorkers();
  if (!(Number.isInteger(workers) && workers >= 1)) throw new AnalysisUsageError(`--workers must be a whole number >= 1, got ${workers}`);
  const r = a.resolved;
  const hashes = Object.fromEntries(Object.entries(a.models).map(([k, m]) => [k, modelHash(m)]));
  const identity = hashText(specIdentity(r, JSON.stringify(hashes)) + NICHESIM_VERSION);
  const columns = resultColumns(a.loaded.model);
  const unitOf = (col: string) => columns.find((c) => c.name === col)?.unit ?? '';
  const endpointCols = r.endpoints.map((e) => ({ name: e.name, unit: endpointUnit(e, unitOf(e.column)) }));
  const dbPath = join(outDir, 'results.duckdb');
  const manifestPath = join(outDir, 'manifest.json');
  const manifest: Record<string, unknown> = {
    nichesimVersion: NICHESIM_VERSION,
    command: a.kind,
    specFile: a.parsed.file,
    spec: a.parsed.data,
    modelFile: a.loaded.file,
    modelHash: hashes.base,
    armModelHashes: Object.keys(hashes).length > 1 ? hashes : undefined,
    engine: r.engine,
    tEndDays: r.tEnd / 1440,
    outputIntervalDays: r.outputInterval / 1440,
    solver: r.solver,
    fixed: Object.fromEntries(Object.entries(r.fixed).map(([k, v]) => [k, `${fmt(v / displayUnit(a.loaded.model.parameters[k]).factor, 6)} ${displayUnit(a.loaded.model.parameters[k]).label}`.trim()])),
    parameters: describeParams(a.plan.parameters),
    endpoints: endpointCols,
    runs: a.plan.total,
    seeds: {
      base: r.seed,
      rule: 'each run\'s seed is deriveSeed(base, ...) (src/analysis/rng.ts) and is stored in the seed column of results.duckdb',
    },
    ...a.manifestExtra,
    database: 'results.duckdb',
    identity,
  };
  const store = await RunStore.open(dbPath, identity, { parameters: paramColumns(a.plan.parameters), endpoints: endpointCols }, { kind: a.kind, spec: JSON.stringify(a.parsed.data), modelHash: hashes.base, nichesimVersion: NICHESIM_VERSION });
  try {
    const started = new Date().toISOString();
    writeFileAtomic(manifestPath, JSON.stringify({ ...manifest, startedAt: started, status: 'running' }, null, 2) + '\n');
    const setup: PoolSetup = {
      models: a.models,
      modelHashes: hashes,
      runSettings: { engine: r.engine, tEnd: r.tEnd, outputInterval: r.outputInterval, method: r.solver.method, rtol: r.solver.rtol, endpoints: r.endpoints },
    };
    const pool = createAnalysisPool(setup, workers);
    const names = a.plan.parameters.map((p) => p.name);
    const factors = a.plan.parameters.map((p) => p.unit.factor);
    let summary: RunPlanSummary;
    try {
      summary = await withInterrupt(opts.signal, !!opts.quiet, (signal) =>
        runPlan({
          plan: a.plan,
          store,
          pool,
          workers,
          signal,
          retryFailed: opts.retryFailed,
          progress: terminalProgress(a.kind, 0, process.stderr, !!opts.quiet),
          request(run: PlannedRun): RunRequest {
            const arm = run.arm >= 0 ? a.arms[run.arm] : null;
            const parameters: Record<string, number> = { ...r.fixed, ...(arm?.set ?? {}) };
            names.forEach((n, j) => (parameters[n] = run.values[j]));
            return { runId: run.runId, model: arm?.model ?? 'base', seed: run.seed, parameters };
          },
          row(run: PlannedRun, out: RunOutput): StoredRun {
            return {
              runId: run.runId,
              design: run.design,
              point: run.point,
              replicate: run.replicate,
              arm: run.arm >= 0 ? a.arms[run.arm].name : null,
              seed: run.seed,
              status: out.status,
              error: out.error,
              wallMs: out.wallMs,
              parameters: Float64Array.from(run.values, (v, j) => v / factors[j]),
              endpoints: out.endpoints,
            };
          },
        }),
      );
    } finally {
      await pool.destroy();
    }
    if (opts.parquet && !summary.interrupted) await store.exportParquet(join(outDir, 'runs.parquet'));
    const counts = await store.statusCounts();
    Object.assign(manifest, { startedAt: started, finishedAt: new Date().toISOString(), status: summary.interrupted ? 'interrupted' : 'complete', workers, statusCounts: counts, session: { skipped: summary.skipped, ran: summary.ran, failed: summary.failed, wallSeconds: summary.wallMs / 1000 } });
    writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    return { store, outDir, summary, manifest, manifestPath };
  } catch (e) {
    store.close();
    throw e;
  }
}

function say(opts: AnalysisCommandOptions, text: string): void {
  if (!opts.quiet) (opts.stdout ?? process.stdout).write(text);
}

function failureNote(summary: RunPlanSummary): string {
  return summary.failedTotal > 0 ? `  ${summary.failedTotal} run(s) failed: their status and error are in results.duckdb (SELECT run_id, status, error FROM runs WHERE status <> 'ok')\n` : '';
}

// ---- sweep -------------------------------------------------------------------------------------------

/** `nichesim sweep SPEC.yaml`: runs the design and writes results.duckdb, summary.csv, manifest.json (and runs.parquet). */
export async function runSweepCommand(specPath: string, opts: AnalysisCommandOptions = {}): Promise<AnalysisOutcome> {
  const parsed = readSpec(specPath, SweepSpecInput);
  const loaded = loadSpecModel(parsed);
  const resolved = resolveSweep(parsed, loaded.model);
  const plan = sweepPlan(resolved);
  const manifestExtra = {
    design: { ...resolved.design, replicates: resolved.replicates, commonRandomNumbers: resolved.commonRandomNumbers, note: resolved.design.kind === 'sobol' ? "Sobol' points 1..n (the origin skipped); balance is best when n is a power of 2" : undefined },
  };
  const { store, outDir, summary } = await execute({ kind: 'sweep', specPath, parsed, loaded, resolved, plan, models: { base: loaded.model }, arms: [], manifestExtra }, opts);
  const files = [join(outDir, 'results.duckdb'), join(outDir, 'manifest.json')];
  try {
    const rows: Array<Array<string | number | null>> = [];
    for (const e of resolved.endpoints) {
      const c = `"${e.name.replace(/"/g, '""')}"`;
      const q = await store.query(
        `SELECT count(${c}) AS n, avg(${c}) AS mean, stddev_samp(${c}) AS sd, min(${c}) AS min, quantile_cont(${c}, 0.05) AS p05, median(${c}) AS median, quantile_cont(${c}, 0.95) AS p95, max(${c}) AS max FROM runs WHERE status = 'ok'`,
      );
      const s = q[0] ?? {};
      const num = (k: string) => (s[k] === null || s[k] === undefined ? null : Number(s[k]));
      rows.push([e.name, num('n'), num('mean'), num('sd'), num('min'), num('p05'), num('median'), num('p95'), num('max')]);
    }
    const header = ['endpoint', 'n', 'mean', 'sd', 'min', 'p05', 'median', 'p95', 'max'];
    writeFileAtomic(join(outDir, 'summary.csv'), csv(header, rows));
    files.push(join(outDir, 'summary.csv'));
    if (opts.parquet && !summary.interrupted) files.push(join(outDir, 'runs.parquet'));
    say(opts, `sweep: ${summary.total} runs (${summary.skipped} already done, ${summary.ran} run now) in ${(summary.wallMs / 1000).toFixed(1)} s${summary.interrupted ? ' — interrupted, run again to resume' : ''}\n`);
    say(opts, failureNote(summary));
    say(opts, textTable(header, rows.map((r) => r.map((v) => (typeof v === 'number' ? fmt(v) : (v ?? ''))))));
    for (const f of files) say(opts, `  wrote ${f}\n`);
  } finally {
    store.close();
  }
  return { outDir, database: join(outDir, 'results.duckdb'), files, summary };
}

function textTable(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? String(v).padEnd(w[i]) : String(v).padStart(w[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

// ---- sensitivity ------------------------------------------------------------------------------------

export interface SensitivityEndpointResult {
  endpoint: string;
  unit: string;
  morris: Array<MorrisIndex & { parameter: string }> | null;
  sobol: (Omit<SobolResult, 'indices'> & { indices: Array<SobolResult['indices'][number] & { parameter: string }> }) | null;
}

export interface SensitivityOutcome extends AnalysisOutcome {
  results: SensitivityEndpointResult[];
}

/** `nichesim sensitivity SPEC.yaml`: Morris and/or Sobol' indices with bootstrap intervals; sensitivity.csv/json and report.html. */
export async function runSensitivityCommand(specPath: string, opts: AnalysisCommandOptions = {}): Promise<SensitivityOutcome> {
  const parsed = readSpec(specPath, SensitivitySpecInput);
  const loaded = loadSpecModel(parsed);
  const resolved = resolveSensitivity(parsed, loaded.model);
  const plan: SensitivityPlan = sensitivityPlan(resolved);
  const manifestExtra = {
    methods: {
      morris: resolved.morris ? { ...resolved.morris, runs: plan.morris?.size, delta: plan.morris?.delta, estimator: 'Morris 1991 elementary effects, mu* of Campolongo 2007' } : undefined,
      sobol: resolved.sobol ? { base: resolved.sobol.n, runs: plan.sobol?.size, sampling: "Saltelli design on a 2d-dimensional Sobol' sequence (Joe-Kuo D6)", estimators: 'S1 Saltelli 2010, ST Jansen 1999' } : undefined,
      bootstrap: resolved.bootstrap,
    },
  };
  const { store, outDir, summary, manifest, manifestPath } = await execute({ kind: 'sensitivity', specPath, parsed, loaded, resolved, plan, models: { base: loaded.model }, arms: [], manifestExtra }, opts);
  const files = [join(outDir, 'results.duckdb'), manifestPath, ...(opts.parquet && !summary.interrupted ? [join(outDir, 'runs.parquet')] : [])];
  const results: SensitivityEndpointResult[] = [];
  try {
    if (summary.interrupted) {
      say(opts, `sensitivity: interrupted after ${summary.skipped + summary.ran} of ${summary.total} runs; run the same command again to resume\n`);
      return { outDir, database: join(outDir, 'results.duckdb'), files, summary, results };
    }
    const cols = resultColumns(loaded.model);
    const names = plan.parameters.map((p) => p.name);
    const boot = { resamples: resolved.bootstrap.resamples, confidence: resolved.bootstrap.confidence, seed: resolved.seed };
    for (const e of resolved.endpoints) {
      const unit = endpointUnit(e, cols.find((c) => c.name === e.column)?.unit ?? '');
      let morris: SensitivityEndpointResult['morris'] = null;
      let sobol: SensitivityEndpointResult['sobol'] = null;
      if (plan.morris) {
        const y = await store.columnByRun(e.name, plan.morrisOffset, plan.morris.size);
        morris = morrisIndices(plan.morris, y, boot).map((m, i) => ({ ...m, parameter: names[i] }));
      }
      if (plan.sobol) {
        const y = await store.columnByRun(e.name, plan.sobolOffset, plan.sobol.size);
        const s = sobolIndices(y, names.length, boot);
        sobol = { ...s, indices: s.indices.map((x, i) => ({ ...x, parameter: names[i] })) };
      }
      results.push({ endpoint: e.name, unit, morris, sobol });
    }
  } finally {
    store.close();
  }
  const header = ['endpoint', 'parameter', 'mu', 'mu_star', 'mu_star_lo', 'mu_star_hi', 'sigma', 'S1', 'S1_lo', 'S1_hi', 'ST', 'ST_lo', 'ST_hi'];
  const rows: Array<Array<string | number | null>> = [];
  for (const r of results) {
    plan.parameters.forEach((p, i) => {
      const m = r.morris?.[i];
      const s = r.sobol?.indices[i];
      rows.push([r.endpoint, p.name, m?.mu ?? null, m?.muStar ?? null, m?.muStarCi.lo ?? null, m?.muStarCi.hi ?? null, m?.sigma ?? null, s?.s1 ?? null, s?.s1Ci.lo ?? null, s?.s1Ci.hi ?? null, s?.st ?? null, s?.stCi.lo ?? null, s?.stCi.hi ?? null]);
    });
  }
  writeFileAtomic(join(outDir, 'sensitivity.csv'), csv(header, rows));
  writeFileAtomic(join(outDir, 'sensitivity.json'), JSON.stringify({ parameters: describeParams(plan.parameters), bootstrap: resolved.bootstrap, results }, null, 2) + '\n');
  writeFileAtomic(join(outDir, 'report.html'), sensitivityReport(loaded.model.title, resolved, plan, results, summary, manifest));
  files.push(join(outDir, 'sensitivity.csv'), join(outDir, 'sensitivity.json'), join(outDir, 'report.html'));
  say(opts, `sensitivity: ${summary.total} runs (${summary.skipped} already done, ${summary.ran} run now) in ${(summary.wallMs / 1000).toFixed(1)} s\n`);
  say(opts, failureNote(summary));
  const pct = Math.round(resolved.bootstrap.confidence * 100);
  for (const r of results) {
    say(opts, `\n${r.endpoint} (${r.unit})\n`);
    const order = rankOrder(r);
    const hdr = ['parameter', ...(r.morris ? ['mu*', `${pct}% CI`, 'sigma'] : []), ...(r.sobol ? ['S1', `${pct}% CI`, 'ST', `${pct}% CI`] : [])];
    const lines = order.map((i) => [
      names(plan)[i],
      ...(r.morris ? [fmt(r.morris[i].muStar, 3), `[${fmt(r.morris[i].muStarCi.lo, 3)}, ${fmt(r.morris[i].muStarCi.hi, 3)}]`, fmt(r.morris[i].sigma, 3)] : []),
      ...(r.sobol ? [fmt(r.sobol.indices[i].s1, 3), `[${fmt(r.sobol.indices[i].s1Ci.lo, 3)}, ${fmt(r.sobol.indices[i].s1Ci.hi, 3)}]`, fmt(r.sobol.indices[i].st, 3), `[${fmt(r.sobol.indices[i].stCi.lo, 3)}, ${fmt(r.sobol.indices[i].stCi.hi, 3)}]`] : []),
    ]);
    say(opts, textTable(hdr, lines));
    if (r.sobol && r.sobol.dropped > 0) say(opts, `  (${r.sobol.dropped} Saltelli rows dropped for failed runs)\n`);
  }
  for (const f of files) say(opts, `  wrote ${f}\n`);
  return { outDir, database: join(outDir, 'results.duckdb'), files, summary, results };
}

function names(plan: RunPlan): string[] {
  return plan.parameters.map((p) => p.name);
}

/** Parameter order by importance: ST when computed, else μ*. */
function rankOrder(r: SensitivityEndpointResult): number[] {
  const n = r.sobol?.indices.length ?? r.morris?.length ?? 0;
  const key = (i: number) => (r.sobol ? r.sobol.indices[i].st : (r.morris?.[i].muStar ?? 0));
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => (Number.isFinite(key(b)) ? key(b) : -1) - (Number.isFinite(key(a)) ? key(a) : -1));
}

function sensitivityReport(title: string, spec: ResolvedSensitivity, plan: SensitivityPlan, results: SensitivityEndpointResult[], summary: RunPlanSummary, manifest: Record<string, unknown>): string {
  const pct = Math.round(spec.bootstrap.confidence * 100);
  const ps = plan.parameters;
  let body = `<p class="description">Global sensitivity of ${results.length} endpoint(s) to ${ps.length} parameters. ${summary.total} runs (${summary.failedTotal} failed), engine ${escapeHtml(spec.engine)}, t_end ${fmt(spec.tEnd / 1440)} day. Intervals: ${pct}% percentile bootstrap (${spec.bootstrap.resamples} resamples).</p>`;
  body += `<h2>Parameters</h2>` + table(['parameter', 'unit', 'distribution'], ps.map((p) => [p.name, p.unit.label || 'dimensionless', describeDistribution(p.distribution, p.unit.factor)]));
  for (const r of results) {
    body += `<h2>${escapeHtml(r.endpoint)} <span class="muted">(${escapeHtml(r.unit)})</span></h2>`;
    const order = rankOrder(r);
    if (r.morris) {
      const m = r.morris;
      const mo = [...order].sort((a, b) => m[b].muStar - m[a].muStar);
      body += figure(
        barChart({ rows: mo.map((i) => ({ label: ps[i].name, values: [{ value: m[i].muStar, lo: m[i].muStarCi.lo, hi: m[i].muStarCi.hi }, { value: m[i].sigma }] })), series: ['μ*', 'σ'], xLabel: `elementary effect (${r.unit} per unit of the parameter's sampling range)` }),
        `Morris screening (tornado): μ* (mean absolute elementary effect, with ${pct}% bootstrap interval) and σ (spread: non-linearity or interactions), ${plan.morris?.trajectories} trajectories on a ${plan.morris?.levels}-level grid.`,
        [
          { label: 'μ*', color: SERIES_COLORS[0] },
          { label: 'σ', color: SERIES_COLORS[1] },
        ],
      );
    }
    if (r.sobol) {
      const s = r.sobol.indices;
      body += figure(
        barChart({ rows: order.map((i) => ({ label: ps[i].name, values: [{ value: s[i].s1, lo: s[i].s1Ci.lo, hi: s[i].s1Ci.hi }, { value: s[i].st, lo: s[i].stCi.lo, hi: s[i].stCi.hi }] })), series: ['S1', 'ST'], xLabel: "Sobol' index (share of output variance)" }),
        `Sobol' first-order (S1, Saltelli 2010) and total (ST, Jansen 1999) indices with ${pct}% bootstrap intervals; N = ${plan.sobol?.base} (${plan.sobol?.size} runs)${r.sobol.dropped > 0 ? `, ${r.sobol.dropped} rows dropped for failed runs` : ''}. ST − S1 is the share due to interactions.`,
        [
          { label: 'S1', color: SERIES_COLORS[0] },
          { label: 'ST', color: SERIES_COLORS[1] },
        ],
      );
    }
    body += table(
      ['parameter', ...(r.morris ? ['μ*', `μ* ${pct}% CI`, 'σ'] : []), ...(r.sobol ? ['S1', `S1 ${pct}% CI`, 'ST', `ST ${pct}% CI`] : [])],
      order.map((i) => [
        ps[i].name,
        ...(r.morris ? [r.morris[i].muStar, `[${fmt(r.morris[i].muStarCi.lo, 3)}, ${fmt(r.morris[i].muStarCi.hi, 3)}]`, r.morris[i].sigma] : []),
        ...(r.sobol ? [r.sobol.indices[i].s1, `[${fmt(r.sobol.indices[i].s1Ci.lo, 3)}, ${fmt(r.sobol.indices[i].s1Ci.hi, 3)}]`, r.sobol.indices[i].st, `[${fmt(r.sobol.indices[i].stCi.lo, 3)}, ${fmt(r.sobol.indices[i].stCi.hi, 3)}]`] : []),
      ]),
    );
  }
  body += `<h2>Reproducibility</h2><p class="muted">nichesim ${escapeHtml(NICHESIM_VERSION)}, model hash <code>${escapeHtml(String(manifest.modelHash))}</code>, seed ${spec.seed}; every run with its seed is in results.duckdb.</p>`;
  return page(`Sensitivity: ${title}`, 'nichesim sensitivity report', body);
}

// ---- cohort --------------------------------------------------------------------------------------------

export interface CohortArmResult {
  arm: string;
  label: string;
  patients: number;
  /** Runs that completed (status ok). */
  completed: number;
  responders: number | null;
  responseRate: { p: number; lo: number; hi: number } | null;
  km: KmCurve | null;
  logRank: { chi2: number; p: number } | null;
}

export interface CohortOutcome extends AnalysisOutcome {
  arms: CohortArmResult[];
}

/** `nichesim cohort SPEC.yaml`: virtual patients × arms; response rates, Kaplan-Meier curves (cohort.csv, km.csv, report.html). */
export async function runCohortCommand(specPath: string, opts: AnalysisCommandOptions = {}): Promise<CohortOutcome> {
  const parsed = readSpec(specPath, CohortSpecInput);
  const loaded = loadSpecModel(parsed);
  const resolved = resolveCohort(parsed, loaded.model);
  const models: Record<string, Model> = { base: loaded.model };
  const arms = resolved.arms.map((arm) => {
    if (arm.dosing.length === 0) return { name: arm.name, model: 'base', set: arm.set };
    models[`arm:${arm.name}`] = armModel(loaded, parsed as ParsedSpec<unknown>, arm);
    return { name: arm.name, model: `arm:${arm.name}`, set: arm.set };
  });
  const plan = cohortPlan(resolved);
  const manifestExtra = {
    cohort: {
      patients: resolved.patients,
      sampling: resolved.sampling,
      arms: resolved.arms.map((a) => ({ name: a.name, label: a.label, set: a.set, dosing: a.dosing })),
      response: resolved.response,
      event: resolved.event,
      pairing: 'a patient has the same parameters and seed in every arm',
    },
  };
  const { store, outDir, summary, manifestPath } = await execute({ kind: 'cohort', specPath, parsed, loaded, resolved, plan, models, arms, manifestExtra }, opts);
  const files = [join(outDir, 'results.duckdb'), manifestPath, ...(opts.parquet && !summary.interrupted ? [join(outDir, 'runs.parquet')] : [])];
  const A = resolved.arms.length;
  const N = resolved.patients;
  const results: CohortArmResult[] = [];
  try {
    if (summary.interrupted) {
      say(opts, `cohort: interrupted after ${summary.skipped + summary.ran} of ${summary.total} runs; run the same command again to resume\n`);
      return { outDir, database: join(outDir, 'results.duckdb'), files, summary, arms: results };
    }
    const status = await store.query(`SELECT run_id, status = 'ok' AS ok FROM runs`);
    const ok = new Uint8Array(N * A);
    for (const s of status) if (s.ok) ok[Number(s.run_id)] = 1;
    const col = async (name: string | null) => (name ? store.columnByRun(name, 0, N * A) : null);
    const resp = await col(resolved.response?.endpoint ?? null);
    const init = await col(resolved.response?.initialEndpoint ?? null);
    const ev = await col(resolved.event?.endpoint ?? null);
    const tEndDays = resolved.tEnd / 1440;
    const kmInput = (a: number) => {
      const t: number[] = [];
      const e: boolean[] = [];
      for (let p = 0; p < N; p++) {
        const id = p * A + a;
        if (!ok[id] || !ev) continue;
        const v = ev[id];
        if (Number.isFinite(v)) t.push(v), e.push(true);
        else t.push(tEndDays), e.push(false);
      }
      return { t, e };
    };
    const refArm = resolved.response && resolved.response.relativeTo !== 'initial' ? resolved.arms.findIndex((x) => x.name === resolved.response!.relativeTo) : -1;
    const first = kmInput(0);
    for (let a = 0; a < A; a++) {
      let completed = 0;
      for (let p = 0; p < N; p++) if (ok[p * A + a]) completed++;
      let responders: number | null = null;
      let responseRate: CohortArmResult['responseRate'] = null;
      if (resolved.response && resp) {
        let n = 0;
        let k = 0;
        for (let p = 0; p < N; p++) {
          const id = p * A + a;
          const refId = refArm >= 0 ? p * A + refArm : id;
          if (!ok[id] || !ok[refId]) continue;
          const v = resp[id];
          const v0 = refArm >= 0 ? resp[refId] : init![id];
          if (!Number.isFinite(v) || !Number.isFinite(v0) || v0 === 0) continue;
          n++;
          if (1 - v / v0 >= resolved.response.reductionAtLeast - 1e-12) k++;
        }
        responders = k;
        responseRate = wilsonInterval(k, n);
      }
      let km: KmCurve | null = null;
      let lr: CohortArmResult['logRank'] = null;
      if (resolved.event) {
        const { t, e } = kmInput(a);
        km = kaplanMeier(t, e);
        if (a > 0) {
          const r = logRank(first.t, first.e, t, e);
          lr = { chi2: r.chi2, p: r.p };
        }
      }
      const arm = resolved.arms[a];
      results.push({ arm: arm.name, label: arm.label, patients: N, completed, responders, responseRate, km, logRank: lr });
    }
  } finally {
    store.close();
  }
  const header = ['arm', 'label', 'patients', 'completed', 'responders', 'response_rate', 'response_lo', 'response_hi', 'events', 'median_time_to_event_day', 'logrank_chi2_vs_first', 'logrank_p_vs_first'];
  const rows = results.map((r) => [r.arm, r.label, r.patients, r.completed, r.responders, r.responseRate?.p ?? null, r.responseRate?.lo ?? null, r.responseRate?.hi ?? null, r.km?.events ?? null, r.km?.median ?? null, r.logRank?.chi2 ?? null, r.logRank?.p ?? null]);
  writeFileAtomic(join(outDir, 'cohort.csv'), csv(header, rows));
  files.push(join(outDir, 'cohort.csv'));
  if (resolved.event) {
    const kmRows: Array<Array<string | number | null>> = [];
    for (const r of results) for (const s of r.km!.steps) kmRows.push([r.arm, s.t, s.atRisk, s.events, s.censored, s.survival, s.lo, s.hi]);
    writeFileAtomic(join(outDir, 'km.csv'), csv(['arm', 'day', 'at_risk', 'events', 'censored', 'survival', 'lo', 'hi'], kmRows));
    files.push(join(outDir, 'km.csv'));
  }
  writeFileAtomic(join(outDir, 'report.html'), cohortReport(loaded.model.title, resolved, results, summary));
  files.push(join(outDir, 'report.html'));
  say(opts, `cohort: ${N} patients x ${A} arms = ${summary.total} runs (${summary.skipped} already done, ${summary.ran} run now) in ${(summary.wallMs / 1000).toFixed(1)} s\n`);
  say(opts, failureNote(summary));
  say(
    opts,
    textTable(
      ['arm', 'completed', 'response [95% CI]', 'events', 'median day', 'log-rank p'],
      results.map((r) => [
        r.arm,
        String(r.completed),
        r.responseRate ? `${(100 * r.responseRate.p).toFixed(1)}% [${(100 * r.responseRate.lo).toFixed(1)}, ${(100 * r.responseRate.hi).toFixed(1)}]` : '-',
        r.km ? String(r.km.events) : '-',
        r.km ? (r.km.median === null ? 'not reached' : fmt(r.km.median, 4)) : '-',
        r.logRank ? fmt(r.logRank.p, 3) : '-',
      ]),
    ),
  );
  for (const f of files) say(opts, `  wrote ${f}\n`);
  return { outDir, database: join(outDir, 'results.duckdb'), files, summary, arms: results };
}

function cohortReport(title: string, spec: ResolvedCohort, results: CohortArmResult[], summary: RunPlanSummary): string {
  let body = `<p class="description">${spec.patients} virtual patients sampled (${spec.sampling}) from the distributions below, each run in ${spec.arms.length} arm(s) with the same parameters and seed (paired). ${summary.total} runs, ${summary.failedTotal} failed; engine ${escapeHtml(spec.engine)}, t_end ${fmt(spec.tEnd / 1440)} day.</p>`;
  body += `<h2>Arms</h2>` + table(['arm', 'label', 'changes'], spec.arms.map((a) => [a.name, a.label, [...Object.keys(a.set).map((k) => `set ${k}`), ...a.dosing.map((d) => `dose ${String(d.substrate ?? '')} ${String(d.kind ?? '')}`)].join('; ') || 'none']));
  body += `<h2>Patient parameters</h2>` + table(['parameter', 'unit', 'distribution'], spec.parameters.map((p) => [p.name, p.unit.label || 'dimensionless', describeDistribution(p.distribution, p.unit.factor)]));
  if (spec.response) {
    body += `<h2>Response</h2><p>A response is a reduction of <code>${escapeHtml(spec.response.endpoint)}</code> by at least ${fmt(100 * spec.response.reductionAtLeast)}% relative to ${spec.response.relativeTo === 'initial' ? 'the value at day 0' : `the same patient in arm <code>${escapeHtml(spec.response.relativeTo)}</code>`}. Intervals: Wilson 95%.</p>`;
    body += figure(
      barChart({ rows: results.map((r) => ({ label: r.label, values: [{ value: 100 * (r.responseRate?.p ?? NaN), lo: 100 * (r.responseRate?.lo ?? NaN), hi: 100 * (r.responseRate?.hi ?? NaN) }] })), series: ['response rate'], xLabel: 'response rate (%)', domain: [0, 100] }),
      'Response rate per arm with its Wilson 95% interval.',
    );
  }
  if (spec.event) {
    const series = results.map((r, k) => {
      const s = r.km!.steps;
      const x = [...s.map((q) => q.t), spec.tEnd / 1440];
      const last = s[s.length - 1];
      return { label: r.label, x, y: [...s.map((q) => q.survival), last.survival], lo: [...s.map((q) => q.lo), last.lo], hi: [...s.map((q) => q.hi), last.hi], mark: 'step' as const, color: SERIES_COLORS[k % SERIES_COLORS.length] };
    });
    body += `<h2>${escapeHtml(spec.event.label)}</h2>`;
    body += figure(
      lineChart({ series, xLabel: 'day', yLabel: 'fraction without the event', yDomain: [0, 1] }),
      `Kaplan-Meier curves of the time to ${spec.event.column} ${spec.event.direction === 'above' ? '≥' : '≤'} ${spec.event.threshold}, censored at t_end (${fmt(spec.tEnd / 1440)} day); bands: 95% log-log Greenwood intervals. Log-rank tests compare each arm with the first.`,
      results.map((r, k) => ({ label: r.label, color: SERIES_COLORS[k % SERIES_COLORS.length] })),
    );
  }
  body += `<h2>Summary</h2>` + table(
    ['arm', 'completed runs', 'responders', 'response rate', '95% CI', 'events', 'median time (day)', 'log-rank p vs first'],
    results.map((r) => [r.label, r.completed, r.responders, r.responseRate ? `${fmt(100 * r.responseRate.p, 3)}%` : '', r.responseRate ? `[${fmt(100 * r.responseRate.lo, 3)}%, ${fmt(100 * r.responseRate.hi, 3)}%]` : '', r.km?.events ?? null, r.km ? (r.km.median === null ? 'not reached' : r.km.median) : null, r.logRank?.p ?? null]),
  );
  return page(`Virtual cohort: ${title}`, 'nichesim cohort report', body);
}

// ---- fit -----------------------------------------------------------------------------------------------

export interface FitCommandOptions {
  /** Parameters to estimate (names, or one comma-separated text). */
  params: string[] | string;
  noise?: NoiseModel;
  objective?: FitObjective;
  /** 'profile' (default), 'bootstrap' or 'none'. */
  uncertainty?: 'profile' | 'bootstrap' | 'none';
  /** Bootstrap replicates (default 50). */
  bootstrap?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Other parameters fixed, as `name=value unit` texts. */
  set?: string[];
  out?: string;
  workers?: number;
  /** Extra random starts of the optimiser (default 0). */
  starts?: number;
  maxEvaluations?: number;
  method?: 'rodas4' | 'dopri5' | 'auto';
  rtol?: number;
  seed?: number;
  quiet?: boolean;
  stdout?: { write(s: string): unknown };
}

export interface FitOutcome {
  outDir: string;
  files: string[];
  estimate: FitEstimate;
  parameters: Array<{ name: string; unit: string; start: number; estimate: number; lo: number | null; hi: number | null; loAtBound: boolean; hiAtBound: boolean }>;
  profiles: Profile[];
  problem: FitProblem;
}

/** `nichesim fit MODEL DATA.csv --params a,b`: estimates, intervals; fit.json, fit.csv, report.html. */
export async function runFitCommand(modelPath: string, dataPath: string, opts: FitCommandOptions): Promise<FitOutcome> {
  const loaded = loadModelFile(modelPath);
  const model = loaded.model;
  const names = (Array.isArray(opts.params) ? opts.params : opts.params.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new AnalysisUsageError('--params: name at least one parameter to estimate, e.g. --params blast_cycle_entry,macrophage_apoptosis');
  const params: FitParameter[] = [];
  for (const n of names) {
    const p = model.parameters[n];
    if (!p) throw new AnalysisUsageError(`--params: the model has no parameter '${n}'${didYouMean(closestNames(n, Object.keys(model.parameters))) ? `; ${didYouMean(closestNames(n, Object.keys(model.parameters)))}` : ''}`);
    if (!p.range) throw new AnalysisUsageError(`--params: '${n}' has no range in the model; the fit searches within the range (add range: [low, high] to the parameter)`);
    if (params.some((q) => q.name === n)) throw new AnalysisUsageError(`--params: '${n}' is named twice`);
    params.push({ name: n, lo: p.range[0], hi: p.range[1], start: Math.min(p.range[1], Math.max(p.range[0], p.value)), log: p.range[0] > 0, unit: displayUnit(p) });
  }
  let fixed: Record<string, number>;
  try {
    fixed = parseOverrides(model, opts.set ?? []);
  } catch (e) {
    if (e instanceof OverrideError) throw new AnalysisUsageError(e.message);
    throw e;
  }
  for (const n of names) if (n in fixed) throw new AnalysisUsageError(`'${n}' is both estimated (--params) and fixed (--set)`);
  const noise = opts.noise ?? 'additive';
  const objective = opts.objective ?? 'likelihood';
  if (!['additive', 'proportional'].includes(noise)) throw new AnalysisUsageError(`--noise '${noise}': expected additive or proportional`);
  if (!['likelihood', 'lsq'].includes(objective)) throw new AnalysisUsageError(`--objective '${objective}': expected likelihood or lsq`);
  const uncertainty = opts.uncertainty ?? 'profile';
  if (!['profile', 'bootstrap', 'none'].includes(uncertainty)) throw new AnalysisUsageError(`--uncertainty '${uncertainty}': expected profile, bootstrap or none`);
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new AnalysisUsageError(`--level must be between 0 and 1, got ${level}`);
  let text: string;
  try {
    text = readFileSync(dataPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError([{ severity: 'error', file: dataPath, line: null, column: null, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`, hint: `check the path (resolved to ${resolve(dataPath)})` }]);
  }
  const data: ObservedData = parseDataCsv(text, dataPath, resultColumns(model));
  const setup: FitSetup = { model, data, parameters: params, noise, objective, fixed, simulate: { method: opts.method, rtol: opts.rtol, seed: opts.seed } };
  const problem = new FitProblem(setup);
  const outDir = resolve(opts.out ?? `${basename(dataPath).replace(/\.csv$/i, '')}-fit`);
  const t0 = performance.now();
  const fitOpts = { maxEvaluations: opts.maxEvaluations, extraStarts: opts.starts ?? 0, seed: opts.seed ?? 1 };
  const estimate = fitParameters(problem, fitOpts);
  const workers = opts.workers ?? defaultWorkers();
  let profiles: Profile[] = [];
  let intervals: Array<{ lo: number; hi: number; loAtBound: boolean; hiAtBound: boolean } | null> = params.map(() => null);
  let bootSamples: Float64Array[] = [];
  if (uncertainty === 'profile') {
    const threshold = profileThreshold(problem, estimate, level);
    const pool = createAnalysisPool({ models: {}, modelHashes: {}, runSettings: { engine: 'ode', tEnd: 0, outputInterval: 0, endpoints: [] } }, Math.min(workers, params.length));
    try {
      profiles = (await Promise.all(params.map((_, i) => pool.run({ kind: 'profile', setup, best: estimate, index: i, threshold } satisfies WorkerTask)))) as Profile[];
    } finally {
      await pool.destroy();
    }
    intervals = profiles.map((p) => ({ lo: p.lo, hi: p.hi, loAtBound: p.loAtBound, hiAtBound: p.hiAtBound }));
  } else if (uncertainty === 'bootstrap') {
    const B = opts.bootstrap ?? 50;
    bootSamples = await bootstrapInPool(problem, setup, estimate, B, opts.seed ?? 1, fitOpts, workers);
    const pi = percentileIntervals(bootSamples, level);
    intervals = params.map((_, i) => ({ lo: pi.lo[i], hi: pi.hi[i], loAtBound: false, hiAtBound: false }));
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const rows = params.map((p, i) => ({
    name: p.name,
    unit: p.unit.label || 'dimensionless',
    start: p.start / p.unit.factor,
    estimate: estimate.values[i] / p.unit.factor,
    lo: intervals[i] ? intervals[i]!.lo / p.unit.factor : null,
    hi: intervals[i] ? intervals[i]!.hi / p.unit.factor : null,
    loAtBound: intervals[i]?.loAtBound ?? false,
    hiAtBound: intervals[i]?.hiAtBound ?? false,
    rangeLo: p.lo / p.unit.factor,
    rangeHi: p.hi / p.unit.factor,
  }));
  const n = data.observations;
  const k = params.length;
  const result = {
    nichesimVersion: NICHESIM_VERSION,
    modelFile: loaded.file,
    modelHash: modelHash(model),
    dataFile: resolve(dataPath),
    observations: n,
    columns: data.columns.map((c, i) => ({ name: c.name, observations: c.count, sigma: estimate.sigma[i], sigmaMeaning: noise === 'additive' ? 'noise sd in the column unit' : 'relative noise sd (fraction)', rss: estimate.rss[i] })),
    noise,
    objective,
    objectiveValue: estimate.objective,
    aic: objective === 'likelihood' ? estimate.objective + 2 * (k + data.columns.length) : null,
    optimiser: { method: 'Nelder-Mead (Gao-Han adaptive for > 2 parameters), log-space logistic bounds', evaluations: estimate.evaluations, converged: estimate.converged, message: estimate.message, extraStarts: fitOpts.extraStarts },
    uncertainty: { method: uncertainty, level, bootstrapReplicates: uncertainty === 'bootstrap' ? bootSamples.length : undefined },
    parameters: rows,
    atBound: estimate.atBound,
    fixed: opts.set ?? [],
    wallSeconds,
    profiles,
  };
  const files = [join(outDir, 'fit.json'), join(outDir, 'fit.csv'), join(outDir, 'report.html')];
  writeFileAtomic(files[0], JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(files[1], csv(['parameter', 'unit', 'start', 'estimate', 'ci_lo', 'ci_hi', 'ci_method', 'ci_lo_at_range_bound', 'ci_hi_at_range_bound', 'range_lo', 'range_hi'], rows.map((r) => [r.name, r.unit, r.start, r.estimate, r.lo, r.hi, uncertainty, String(r.loAtBound), String(r.hiAtBound), r.rangeLo, r.rangeHi])));
  writeFileAtomic(files[2], fitReport(loaded.model.title, problem, estimate, rows, profiles, result, level));
  const pct = Math.round(level * 100);
  if (!opts.quiet) {
    const out = opts.stdout ?? process.stdout;
    out.write(`fit: ${names.join(', ')} to ${n} observations (${data.columns.map((c) => c.name).join(', ')}), ${noise} noise, ${objective}; ${estimate.evaluations} model runs, ${estimate.message}; ${wallSeconds.toFixed(1)} s\n`);
    if (estimate.atBound.length > 0) out.write(`warning: estimate at the edge of its range: ${estimate.atBound.join(', ')} (the data may want a value outside the range)\n`);
    out.write(
      textTable(
        ['parameter', 'estimate', `${pct}% interval (${uncertainty})`, 'unit', 'start'],
        rows.map((r) => [r.name, fmt(r.estimate, 4), r.lo === null ? '-' : `[${r.loAtBound ? '≤' : ''}${fmt(r.lo, 4)}, ${r.hiAtBound ? '≥' : ''}${fmt(r.hi, 4)}]`, r.unit, fmt(r.start, 4)]),
      ),
    );
    for (const f of files) out.write(`  wrote ${f}\n`);
  }
  return { outDir, files, estimate, parameters: rows, profiles, problem };
}

/** Parametric bootstrap with the refits spread over the pool. */
async function bootstrapInPool(problem: FitProblem, setup: FitSetup, best: FitEstimate, B: number, seed: number, fitOpts: { maxEvaluations?: number }, workers: number): Promise<Float64Array[]> {
  const pred = problem.predict(best.theta);
  if (!pred) throw new AnalysisUsageError('the model fails at the estimate; cannot bootstrap');
  const pool = createAnalysisPool({ models: {}, modelHashes: {}, runSettings: { engine: 'ode', tEnd: 0, outputInterval: 0, endpoints: [] } }, workers);
  try {
    const tasks: Array<Promise<unknown>> = [];
    for (let b = 0; b < B; b++) {
      tasks.push(pool.run({ kind: 'refit', setup, data: bootstrapData(setup, best, pred, seed, b), start: best.theta, options: { maxEvaluations: fitOpts.maxEvaluations } } satisfies WorkerTask));
    }
    return (await Promise.all(tasks)) as Float64Array[];
  } finally {
    await pool.destroy();
  }
}

function fitReport(
  title: string,
  problem: FitProblem,
  est: FitEstimate,
  rows: Array<{ name: string; unit: string; estimate: number; lo: number | null; hi: number | null; loAtBound: boolean; hiAtBound: boolean; start: number }>,
  profiles: Profile[],
  result: Record<string, unknown>,
  level: number,
): string {
  const data = problem.setup.data;
  const pct = Math.round(level * 100);
  let body = `<p class="description">Calibration of ${rows.map((r) => `<code>${escapeHtml(r.name)}</code>`).join(', ')} to ${data.observations} observations in ${escapeHtml(data.file)} (${problem.setup.noise} Gaussian noise, objective ${problem.setup.objective}; ${est.evaluations} model runs, ${escapeHtml(est.message)}).</p>`;
  body += `<h2>Estimates</h2>` + table(['parameter', 'estimate', `${pct}% interval`, 'unit', 'start'], rows.map((r) => [r.name, r.estimate, r.lo === null ? '' : `[${r.loAtBound ? '≤ ' : ''}${fmt(r.lo)}, ${r.hiAtBound ? '≥ ' : ''}${fmt(r.hi)}]`, r.unit, r.start]));
  let curves: { times: Float64Array; series: Record<string, Float64Array> } | null = null;
  try {
    // A smooth curve: about 400 points, never coarser than the fit's own grid.
    const r = problem.run(est.theta, Math.min(problem.outputInterval, Math.max(problem.tEnd / 400, 1)));
    curves = { times: r.times, series: r.series };
  } catch {
    curves = null;
  }
  body += `<h2>Data and fitted model</h2>`;
  data.columns.forEach((c, i) => {
    const days = Float64Array.from(data.times, (t) => t / 1440);
    const series = [{ label: `${c.name} observed`, x: days, y: c.values, mark: 'points' as const, color: SERIES_COLORS[1] }];
    const lines = curves ? [{ label: `${c.name} fitted`, x: Float64Array.from(curves.times, (t) => t / 1440), y: curves.series[c.name], color: SERIES_COLORS[0] }] : [];
    const pos = c.values.every((v) => !Number.isFinite(v) || v > 0);
    const span = pos ? Math.max(...c.values.filter(Number.isFinite)) / Math.min(...c.values.filter(Number.isFinite)) : 0;
    body += figure(lineChart({ series: [...lines, ...series], xLabel: 'day', yLabel: c.name, logY: pos && span > 100 }), `${c.name}: observations (points) and the model at the estimate (line); noise sd ${problem.setup.noise === 'additive' ? fmt(est.sigma[i]) : `${fmt(100 * est.sigma[i], 3)}%`}.`);
  });
  if (profiles.length > 0) {
    body += `<h2>Profile likelihood</h2>`;
    const threshold = profileThreshold(problem, est, level);
    profiles.forEach((p, i) => {
      const u = problem.setup.parameters[i].unit;
      const xs = p.points.map((q) => q.value / u.factor);
      const ys = p.points.map((q) => q.rise);
      body += figure(
        lineChart({
          series: [
            { label: p.name, x: xs, y: ys, color: SERIES_COLORS[0] },
            { label: 'points', x: xs, y: ys, mark: 'points', color: SERIES_COLORS[0] },
            { label: 'threshold', x: [Math.min(...xs), Math.max(...xs)], y: [threshold, threshold], color: SERIES_COLORS[4], dashed: true },
          ],
          xLabel: `${p.name} (${u.label || 'dimensionless'})`,
          yLabel: 'objective rise',
        }),
        `Rise of the objective with ${p.name} fixed and the other parameters re-optimised (points); the ${pct}% interval [${fmt(p.lo / u.factor)}, ${fmt(p.hi / u.factor)}] is where the rise stays below the dashed threshold (${fmt(threshold, 3)}).`,
      );
    });
  }
  body += `<h2>Reproducibility</h2><pre class="mono">${escapeHtml(JSON.stringify({ ...result, profiles: undefined }, null, 2))}</pre>`;
  return page(`Fit: ${title}`, 'nichesim fit report', body);
}

// ---- CLI ------------------------------------------------------------------------------------------------

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got '${text}'`);
  return n;
}

function nonNegativeInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number >= 0, got '${text}'`);
  return n;
}

function fraction(text: string): number {
  const n = Number(text);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, got '${text}'`);
  return n;
}

function positive(text: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got '${text}'`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs an action, printing usage-type errors (exit 1) and interruptions (exit 130); other errors go to the CLI's handler. */
async function cli(fn: () => Promise<{ summary?: RunPlanSummary } | unknown>): Promise<void> {
  try {
    const r = (await fn()) as { summary?: RunPlanSummary } | undefined;
    if (r && r.summary?.interrupted) process.exitCode = 130;
  } catch (e) {
    if (e instanceof AnalysisUsageError || e instanceof StoreMismatchError) {
      process.stderr.write(`nichesim: error: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

/** Adds sweep, sensitivity, fit and cohort to the nichesim command. */
export function registerAnalysisCommands(program: Command): void {
  const common = (c: Command) =>
    c
      .option('--out <dir>', "output folder (default: '<spec name>-out')")
      .option('--workers <n>', 'worker threads (default: all cores)', positiveInt)
      .option('--parquet', 'also export the runs table to runs.parquet')
      .option('--retry-failed', 're-run the runs recorded as failed')
      .option('--quiet', 'no progress bar or tables on the terminal');
  common(
    program
      .command('sweep')
      .description('run a parameter sweep (grid, Latin hypercube or Sobol) on all cores; results stream into results.duckdb; resumable')
      .argument('<spec>', 'sweep spec (YAML), see analyses/README.md'),
  ).action((spec: string, opts) => cli(() => runSweepCommand(spec, opts)));
  common(
    program
      .command('sensitivity')
      .description("global sensitivity: Morris elementary effects and Sobol' first-order and total indices with bootstrap intervals")
      .argument('<spec>', 'sensitivity spec (YAML), see analyses/README.md'),
  ).action((spec: string, opts) => cli(() => runSensitivityCommand(spec, opts)));
  common(
    program
      .command('cohort')
      .description('virtual cohort: N patients sampled from parameter distributions, run in each therapy arm; response rates and Kaplan-Meier curves')
      .argument('<spec>', 'cohort spec (YAML), see analyses/README.md'),
  ).action((spec: string, opts) => cli(() => runCohortCommand(spec, opts)));
  program
    .command('fit')
    .description('calibrate parameters to time-course data (Gaussian likelihood or least squares, Nelder-Mead in log space) with profile-likelihood or bootstrap intervals')
    .argument('<model>', 'model file')
    .argument('<data>', "CSV: 'time (day)' then columns named like the results (AML_blast, M2_fraction, ...); NA = not observed")
    .requiredOption('--params <names>', 'comma-separated parameters to estimate (within their model ranges)')
    .addOption(new Option('--noise <model>', 'noise model').choices(['additive', 'proportional']).default('additive'))
    .addOption(new Option('--objective <objective>', 'likelihood (Gaussian, sigma per column profiled out) or lsq (scaled least squares)').choices(['likelihood', 'lsq']).default('likelihood'))
    .addOption(new Option('--uncertainty <method>', 'interval method').choices(['profile', 'bootstrap', 'none']).default('profile'))
    .option('--bootstrap <n>', 'bootstrap replicates', positiveInt, 50)
    .option('--level <x>', 'confidence level', fraction, 0.95)
    .option('--set <name=value>', 'fix another parameter (repeatable)', collect, [] as string[])
    .option('--starts <n>', 'extra random starts of the optimiser', nonNegativeInt, 0)
    .option('--seed <n>', 'seed of the random starts and the bootstrap', nonNegativeInt, 1)
    .option('--max-evaluations <n>', 'model runs per optimisation', positiveInt)
    .addOption(new Option('--method <method>', 'ODE method').choices(['rodas4', 'dopri5', 'auto']))
    .option('--rtol <x>', 'relative tolerance', positive)
    .option('--out <dir>', "output folder (default: '<data name>-fit')")
    .option('--workers <n>', 'worker threads for profiles and bootstrap (default: all cores)', positiveInt)
    .option('--quiet', 'nothing on the terminal')
    .action((model: string, data: string, opts) => cli(() => runFitCommand(model, data, { ...opts, maxEvaluations: opts.maxEvaluations })));
}
