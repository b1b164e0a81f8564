/**
 * `nichesim compare` (layer 5): runs several scenarios with the same engine and seed on a common
 * time grid and writes a comparison table (CSV, JSON), each run's time series, and an HTML report
 * with the table and overlaid plots (and, optionally, the literature targets).
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { metricColumns, type MetricOptions, standardMetrics, type TargetOutcome } from '../../scenarios/index.js';
import { simulate } from '../../simulate.js';
import { writeFileAtomic } from '../atomic.js';
import { timeseriesCsv } from '../csv.js';
import { defaultKnowledgeBase, loadInterventionLibrary, loadScenarioFile } from './load.js';
import { compareReportHtml, type ComparedRun } from './report.js';
import { checkTargets } from './run.js';

/** Options of {@link compareScenarios}. */
export interface CompareOptions {
  /** Output folder. */
  out: string;
  /** Days at which burden is reported (default 30, 90, 180, clipped to the horizon). */
  days?: number[];
  /** Burden threshold (cells) for the time-to-threshold column (default 1000). */
  threshold?: number;
  /** Common end time (min); default the longest scenario duration. */
  tEnd?: number;
  /** Common output interval (min); default the longest of the scenarios' intervals. */
  outputInterval?: number;
  engine?: 'ode' | 'abm';
  seed?: number;
  /** Target files whose checks go into the report. */
  targets?: string[];
  /** Called after each run with the scenario name. */
  onProgress?: (name: string) => void;
}

/** What a comparison wrote and found. */
export interface CompareOutcome {
  runs: ComparedRun[];
  files: string[];
  targets?: TargetOutcome[];
  metricOptions: MetricOptions;
}

/** Safe file-name stem for a scenario name. */
function stem(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * Runs and compares scenarios.
 * @throws ModelError when a scenario cannot be loaded; OutputError when the folder cannot be written
 */
export function compareScenarios(paths: readonly string[], opts: CompareOptions): CompareOutcome {
  const kb = defaultKnowledgeBase();
  const library = loadInterventionLibrary(undefined, kb);
  const loaded = paths.map((p) => loadScenarioFile(p, { kb, library }));
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const prev = seen.get(l.scenario.name);
    if (prev) throw new RangeError(`two scenarios are named '${l.scenario.name}' (${prev} and ${l.file}); rename one so the outputs do not collide`);
    seen.set(l.scenario.name, l.file);
  }
  const tEnd = opts.tEnd ?? Math.max(...loaded.map((l) => l.model.tEnd));
  const outputInterval = opts.outputInterval ?? Math.max(...loaded.map((l) => l.model.outputInterval));
  const horizon = tEnd / 1440;
  const days = (opts.days ?? [30, 90, 180]).filter((d) => d >= 0 && d <= horizon + 1e-9);
  const metricOptions: MetricOptions = { days, threshold: opts.threshold ?? 1000 };
  const seed = opts.seed ?? 1;
  const engine = opts.engine ?? 'ode';
  const runs: ComparedRun[] = loaded.map((l) => {
    const result = simulate(l.model, { engine, seed, tEnd, outputInterval });
    opts.onProgress?.(l.scenario.name);
    return { loaded: l, result, metrics: standardMetrics(result, l.scenario.burden, l.scenario.firstDoseDay, metricOptions) };
  });
  const targets = opts.targets && opts.targets.length ? checkTargets(opts.targets, { kb, engine, seed }) : undefined;

  const cols = metricColumns(metricOptions);
  const csv = stringify([
    ['scenario', 'title', 'file', 'status', ...cols.map((c) => `${c.label} (${c.unit})`)],
    ...runs.map((r) => [r.loaded.scenario.name, r.loaded.scenario.title, r.loaded.file, r.result.status, ...cols.map((c) => (Number.isFinite(r.metrics[c.key]) ? r.metrics[c.key] : ''))]),
  ]);
  const json = {
    engine,
    seed,
    tEndDays: horizon,
    outputIntervalDays: outputInterval / 1440,
    threshold: metricOptions.threshold,
    columns: cols,
    scenarios: runs.map((r) => ({
      name: r.loaded.scenario.name,
      title: r.loaded.scenario.title,
      file: r.loaded.file,
      status: r.result.status,
      message: r.result.message,
      modelHash: r.result.manifest.modelHash,
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
      overrides: r.loaded.scenario.overrides,
      schedule: r.loaded.scenario.schedule,
    })),
    targets: targets?.map((t) => ({ id: t.id, pass: t.pass, measured: Number.isFinite(t.measured) ? t.measured : null, baseline: t.baseline ?? null, expected: t.expected, error: t.error ?? null })),
  };
  const files: Array<[string, string]> = [
    ['comparison.csv', csv],
    ['comparison.json', JSON.stringify(json, null, 2) + '\n'],
    ...runs.map((r): [string, string] => [`timeseries-${stem(r.loaded.scenario.name)}.csv`, timeseriesCsv(r.result)]),
    ['report.html', compareReportHtml(runs, { ...metricOptions, seed, engine, tEndDays: horizon }, targets)],
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = join(opts.out, name);
    writeFileAtomic(path, content);
    written.push(path);
  }
  return { runs, files: written, targets, metricOptions };
}
