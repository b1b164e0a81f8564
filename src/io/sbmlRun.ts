/**
 * `nichesim run model.xml` (layer 5): load an SBML file, simulate it, and write the same four
 * outputs as a YAML model run, atomically: timeseries.csv, summary.json, manifest.json and
 * report.html. A run that fails part-way still writes everything it computed.
 *
 * Time. Results are in minutes internally (as every nichesim result); the model's time unit comes
 * from its unit declarations (Level 2: seconds unless redefined; Level 3: the model's timeUnits),
 * can be forced with `timeUnit`, and is taken as seconds (with a warning) when the model does not
 * declare one. `tEnd` and `outputInterval` are in minutes, like the YAML path's options.
 *
 * Time span, when not given: a sibling `<stem>-settings.txt` in the SBML Test Suite's format (start,
 * duration, steps), as BioModels fixtures carry; otherwise 100 model time units in 100 intervals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { OdeMethod } from '../engines/ode/solvers/types.js';
import { readSbml } from '../interop/sbml/document.js';
import { parseSettings } from '../interop/sbml/suite.js';
import { simulateSbml } from '../interop/sbml/timecourse.js';
import { secondsPerTimeUnit } from '../interop/sbml/units.js';
import type { ColumnInfo, RunStatus, SimulationResult } from '../results/result.js';
import { computeEndpoints } from '../results/summary.js';
import { NICHESIM_VERSION } from '../version.js';
import { writeRunOutputs } from './outputs.js';
import type { ReportInput } from './report/index.js';

export interface SbmlRunJob {
  /** Path of the SBML file. */
  file: string;
  /** Output folder (created). */
  outDir: string;
  /** End time, minutes (default: settings file, else 100 model time units). */
  tEnd?: number;
  /** Output interval, minutes (default: settings file, else 1/100 of the span). */
  outputInterval?: number;
  /** Integration method (default 'auto'). */
  method?: OdeMethod;
  /** Relative tolerance (default 1e-8). */
  rtol?: number;
  /** Seed for the random order of simultaneous events of equal priority (default 1). */
  seed?: number;
  /** Values replacing declared values (parameters, compartments, species), by SBML id. */
  parameters?: Record<string, number>;
  /** The model's time unit when its file does not declare one, or to override it. */
  timeUnit?: 'second' | 'minute' | 'hour' | 'day';
}

export interface SbmlRunOutcome {
  result: SimulationResult;
  files: string[];
  warnings: string[];
}

const SECONDS: Record<NonNullable<SbmlRunJob['timeUnit']>, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

function describeUnit(seconds: number): string {
  for (const [name, s] of Object.entries(SECONDS)) if (s === seconds) return name;
  return `${seconds} s`;
}

/**
 * Runs an SBML model and writes its outputs.
 * @throws SbmlError for unreadable/unsupported models; RangeError for bad options
 */
export function runSbmlJob(job: SbmlRunJob): SbmlRunOutcome {
  const started = Date.now();
  const text = readFileSync(job.file, 'utf8');
  const doc = readSbml(text);
  const warnings: string[] = [];

  let secPerUnit = job.timeUnit ? SECONDS[job.timeUnit] : secondsPerTimeUnit(doc);
  if (secPerUnit === null) {
    secPerUnit = 1;
    warnings.push('the model does not declare its time unit: it is taken as seconds (use timeUnit to change this)');
  }
  const minPerUnit = secPerUnit / 60;

  // Time grid in model units.
  const settingsPath = join(dirname(job.file), `${basename(job.file).replace(/\.(xml|sbml)$/i, '')}-settings.txt`);
  const settings = existsSync(settingsPath) ? parseSettings(readFileSync(settingsPath, 'utf8')) : null;
  const start = settings?.start ?? 0;
  let end = start + (settings && Number.isFinite(settings.duration) ? settings.duration : 100);
  if (job.tEnd !== undefined) {
    if (!(job.tEnd > 0) || !Number.isFinite(job.tEnd)) throw new RangeError(`tEnd=${job.tEnd} must be a finite number > 0 (minutes)`);
    end = job.tEnd / minPerUnit;
  }
  let interval: number;
  if (job.outputInterval !== undefined) {
    if (!(job.outputInterval > 0) || !Number.isFinite(job.outputInterval)) throw new RangeError(`outputInterval=${job.outputInterval} must be a finite number > 0 (minutes)`);
    interval = job.outputInterval / minPerUnit;
  } else if (settings && Number.isFinite(settings.steps) && settings.steps > 0 && job.tEnd === undefined) {
    interval = (end - start) / settings.steps;
  } else {
    interval = (end - start) / 100;
  }
  if (!(end > start)) throw new RangeError(`the end time (${end} model time units) must be after the start (${start})`);
  const nSteps = Math.max(1, Math.ceil((end - start) / interval - 1e-9));
  const times = new Float64Array(nSteps + 1);
  for (let k = 0; k <= nSteps; k++) times[k] = Math.min(end, start + k * interval);

  const method = job.method ?? 'auto';
  const rtol = job.rtol ?? 1e-8;
  const tc = simulateSbml(doc, { times, method, rtol, seed: job.seed ?? 1, parameters: job.parameters });
  warnings.push(...tc.warnings);

  const n = tc.rowsDone;
  const columns: ColumnInfo[] = tc.variables.map((v) => ({
    name: v.id,
    kind: v.kind === 'species' ? 'substrate' : 'output',
    unit: v.mode === 'value' ? 'value' : v.mode,
  }));
  const series: Record<string, Float64Array> = {};
  tc.variables.forEach((v, j) => (series[v.id] = tc.values[j].slice(0, n)));
  const status: RunStatus = tc.status === 'ok' ? 'ok' : tc.status === 'eventLoop' ? 'maxSteps' : tc.status;
  const parameters: Record<string, number> = {};
  for (const p of doc.parameters) if (p.constant && p.value !== null) parameters[p.id] = job.parameters?.[p.id] ?? p.value;
  const result: SimulationResult = {
    status,
    message: tc.message,
    times: Float64Array.from(times.subarray(0, n), (t) => t * minPerUnit),
    columns,
    series,
    manifest: {
      nichesimVersion: NICHESIM_VERSION,
      modelName: doc.id ?? doc.name ?? basename(job.file),
      modelHash: bytesToHex(sha256(utf8ToBytes(text))),
      engine: 'sbml',
      engineSettings: {
        method,
        rtol,
        atol: 1e-12,
        timeUnit: describeUnit(secPerUnit),
        start,
        end,
        outputInterval: interval,
        sbml: `L${doc.level}V${doc.version}`,
        settingsFile: settings ? basename(settingsPath) : null,
      },
      solverStats: tc.stats,
      seed: job.seed ?? 1,
      parameters,
      wallMs: Date.now() - started,
      startedAt: new Date(started).toISOString(),
    },
  };

  for (const c of columns) {
    const y = series[c.name];
    let bad = 0;
    for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) bad++;
    if (bad > 0) warnings.push(`${c.name} is not a finite number in ${bad} of ${n} rows (e.g. a division by zero in the model)`);
  }
  const endpoints = computeEndpoints(result);
  const summary = {
    model: result.manifest.modelName,
    status: result.status,
    message: result.message,
    endpoints: Object.fromEntries(endpoints.map((e) => [e.name, { value: e.value, unit: e.unit }])),
  };
  const manifest = { ...result.manifest, modelFile: job.file, warnings };
  const report: ReportInput = {
    title: doc.name ?? doc.id ?? basename(job.file),
    description: `SBML model ${basename(job.file)} (Level ${doc.level} Version ${doc.version}), simulated by nichesim's SBML importer. Time unit: ${describeUnit(secPerUnit)}.`,
    result,
    summary: Object.fromEntries(endpoints.map((e) => [`${e.name} (${e.unit})`, e.value])),
    rules: [],
    network: { nodes: [], edges: [] },
    warnings,
  };
  const written = writeRunOutputs(job.outDir, summary, manifest, report);
  return { result, files: written, warnings };
}
