/**
 * Analysis benchmark (`npm run bench`, group 'analysis'):
 *
 * 1. Sweep throughput on the default AML model at its default parameters (180 days, the full
 *    t_end): mean-field runs/s with 1 and 2 worker threads and the scaling ratio. Each figure is
 *    the best of 3 sweeps of 120 runs after a warm-up sweep on the same pool (thread start-up and
 *    JIT excluded), streaming into a fresh DuckDB file as the command does.
 * 2. Memory over a 10,000-run sweep of a cheap model (one growing cell type, 30 days), with the
 *    process RSS (main thread + workers) at the start, middle and end: results stream to DuckDB,
 *    so it stays flat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepPlan } from '../src/analysis/plan.js';
import { parseSpecText, resolveSweep, SweepSpecInput } from '../src/analysis/spec.js';
import { createAnalysisPool } from '../src/io/analysis/pool.js';
import type { PoolSetup } from '../src/io/analysis/protocol.js';
import { runPlan } from '../src/io/analysis/runner.js';
import { RunStore } from '../src/io/analysis/store.js';
import { loadModelFile } from '../src/io/load.js';
import type { Model } from '../src/model/model.js';
import { modelHash, parseModel } from '../src/model/parse.js';

type Row = Record<string, number | string>;

const CHEAP_MODEL = `
nichesim: 1
name: cheap
niche: {volume: 1e6 um^3}
simulation: {t_end: 30 day, output_interval: 1 day}
parameters:
  growth: {value: 0.3 1/day, range: [0.1 1/day, 0.6 1/day], source: bench}
  death: {value: 0.1 1/day, range: [0.05 1/day, 0.2 1/day], source: bench}
cell_types:
  A: {initial_number: 10, volume: 1000 um^3, cycle_entry: growth, apoptosis: death}
rules:
  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 4, evidence: [M001]}
`;

async function sweep(model: Model, specText: string, workers: number, onFlush?: (done: number) => void, options: { warmup?: boolean; repeats?: number } = {}): Promise<Array<{ runs: number; seconds: number; cpuSeconds: number }>> {
  const parsed = parseSpecText(specText, 'bench.yaml', SweepSpecInput);
  const spec = resolveSweep(parsed, model);
  const plan = sweepPlan(spec);
  const setup: PoolSetup = { models: { base: model }, modelHashes: { base: modelHash(model) }, runSettings: { engine: 'ode', tEnd: spec.tEnd, outputInterval: spec.outputInterval, endpoints: spec.endpoints } };
  const pool = createAnalysisPool(setup, workers);
  const dir = mkdtempSync(join(tmpdir(), 'nichesim-bench-'));
  const columns = { parameters: spec.parameters.map((p) => ({ name: p.name, unit: p.unit.label })), endpoints: spec.endpoints.map((e) => ({ name: e.name, unit: '' })) };
  const go = async (name: string, cb?: (done: number) => void) => {
    const store = await RunStore.open(join(dir, `${name}.duckdb`), name, columns, {});
    try {
      return await runPlan({
        plan,
        store,
        pool,
        workers,
        onFlush: cb,
        request: (r) => ({ runId: r.runId, model: 'base', seed: r.seed, parameters: Object.fromEntries(spec.parameters.map((p, j) => [p.name, r.values[j]])) }),
        row: (r, out) => ({ runId: r.runId, design: '', point: r.point, replicate: r.replicate, arm: null, seed: r.seed, status: out.status, error: out.error, wallMs: out.wallMs, parameters: r.values, endpoints: out.endpoints }),
      });
    } finally {
      store.close();
    }
  };
  try {
    if (options.warmup ?? true) await go('warmup');
    const out: Array<{ runs: number; seconds: number; cpuSeconds: number }> = [];
    for (let k = 0; k < (options.repeats ?? 1); k++) {
      const cpu0 = process.cpuUsage();
      const s = await go(`measured${k}`, onFlush);
      const cpu = process.cpuUsage(cpu0);
      if (s.failed > 0) throw new Error(`bench sweep: ${s.failed} of ${s.ran} runs failed`);
      out.push({ runs: s.ran, seconds: s.wallMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    }
    return out;
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;

export async function benchAnalysis(): Promise<Row[]> {
  const rows: Row[] = [];
  const aml = loadModelFile('models/aml-niche.yaml').model;
  // The default model at its default parameters: one design point (cd47_level at its model
  // value) with 120 replicates, so every run does the same work and 1 and 2 workers compare fairly.
  const amlSpec = `
model: unused.yaml
t_end: 180 day
design: {kind: random, n: 1}
replicates: 120
parameters: {cd47_level: {values: [2]}}
endpoints: [AML_blast at day 180, M2_fraction at day 180]
`;
  const best: number[] = [];
  const perCpu: number[] = [];
  for (const workers of [1, 2]) {
    const reps = await sweep(aml, amlSpec, workers, undefined, { repeats: 3 });
    const rates = reps.map((r) => r.runs / r.seconds).sort((a, b) => a - b);
    const top = reps.reduce((a, b) => (b.runs / b.seconds > a.runs / a.seconds ? b : a));
    best.push(rates[rates.length - 1]);
    perCpu.push(top.runs / top.cpuSeconds);
    rows.push({
      case: 'aml-niche-180d-sweep',
      engine: 'ode',
      workers,
      runs: top.runs,
      runsPerSecond: rates[rates.length - 1],
      runsPerSecondMedian: rates[1],
      msPerRunPerWorker: (1000 * workers) / rates[rates.length - 1],
      cpuBusy: top.cpuSeconds / top.seconds,
      runsPerCpuSecond: top.runs / top.cpuSeconds,
      cores: availableParallelism(),
      loadAverage1min: loadavg()[0],
      note: 'default model and parameters, full t_end 180 d, 120 runs, best of 3 after a warm-up sweep; cpuBusy = process CPU s per wall s (ideal = workers)',
    });
  }
  rows.push({
    case: 'aml-niche-180d-sweep',
    scaling2over1: best[1] / best[0],
    cpuEfficiency2over1: perCpu[1] / perCpu[0],
    note: 'scaling: ideal 2 on an idle 2-core machine, lower when other processes hold the cores (see cpuBusy, loadAverage1min); cpuEfficiency: runs per CPU-second with 2 workers over 1 (1 = no parallel overhead)',
  });

  const cheap = parseModel(CHEAP_MODEL, 'cheap.yaml').model;
  const samples: Array<[string, number]> = [];
  samples.push(['beforePool', rssMB()]);
  const N = Number(process.env.NICHESIM_BENCH_MEMORY_RUNS ?? 10_000);
  const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => f * N);
  const names = ['at10pct', 'at25pct', 'middle', 'at75pct', 'end'];
  const [r] = await sweep(
    cheap,
    `model: unused.yaml
design: {kind: sobol, n: ${N}}
parameters: [growth, death]
endpoints: [A at day 30, max A, AUC A, time to A >= 50]
`,
    2,
    (done) => {
      while (marks.length > 0 && done >= marks[0]) {
        marks.shift();
        samples.push([names.shift()!, rssMB()]);
      }
    },
    { warmup: false },
  );
  samples.push(['afterPoolClosed', rssMB()]);
  rows.push({ case: `cheap-model-${N}-run-sweep`, workers: 2, runs: r.runs, runsPerSecond: r.runs / r.seconds, ...Object.fromEntries(samples.map(([k, v]) => [`rss_${k}_MB`, v])), note: 'RSS of the whole process (main thread + 2 workers)' });
  return rows;
}
