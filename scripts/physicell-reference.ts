/**
 * nichesim's cell counts for PhysiCell's rules sample beside PhysiCell 1.14.2's own
 * (../shared/fixtures/physicell/rules_sample/reference_counts.csv: 5 seeds, counts every 60 min
 * to 7200 min). The project is read by the PhysiCell importer exactly as `nichesim run` reads it.
 *
 *   npx tsx scripts/physicell-reference.ts [--seeds 0,1,2,3,4] [--t-end 7200] [--out bench-out/physicell]
 *
 * Writes <out>/rules_sample_counts.csv (source, seed, time_min, cell_type, live, dead),
 * <out>/rules_sample_counts.html (one panel per cell type: PhysiCell's range over its seeds as a
 * band and its mean as a line; nichesim's seeds as lines), and prints one `bench physicell ...`
 * line per cell type at the end time. `bench/physicell.ts` calls {@link compareRulesSample}.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { loadPhysiCellProject } from '../src/io/physicell/project.js';
import { simulate } from '../src/simulate.js';

/** Folder of the rules sample (NICHESIM_FIXTURES overrides ../shared/fixtures). */
export function rulesSampleDir(): string {
  return join(process.env.NICHESIM_FIXTURES ?? join('..', 'shared', 'fixtures'), 'physicell', 'rules_sample');
}

export interface CountRow {
  source: 'PhysiCell 1.14.2' | 'nichesim';
  seed: number;
  time: number;
  cellType: string;
  live: number;
  dead: number;
}

/** PhysiCell's reference counts (rows of reference_counts.csv). */
export function readReference(dir = rulesSampleDir()): CountRow[] {
  const lines = readFileSync(join(dir, 'reference_counts.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((l) => {
    const [seed, t, type, live, dead] = l.split(',');
    return { source: 'PhysiCell 1.14.2', seed: Number(seed), time: Number(t), cellType: type, live: Number(live), dead: Number(dead) };
  });
}

/** Runs the imported rules sample on the agent-based engine for each seed. */
export function runRulesSample(seeds: number[], tEnd = 7200, dir = rulesSampleDir()): { rows: CountRow[]; wallSeconds: number[]; agentSteps: number[] } {
  const project = loadPhysiCellProject(dir);
  const model = project.loaded.model;
  const rows: CountRow[] = [];
  const wallSeconds: number[] = [];
  const agentSteps: number[] = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const r = simulate(model, { engine: 'abm', seed, tEnd, outputInterval: 60, snapshots: false, agents: project.imported.abmAgents(seed), initialAgents: false });
    wallSeconds.push((performance.now() - t0) / 1000);
    agentSteps.push(r.manifest.solverStats?.agentSteps ?? 0);
    if (r.status !== 'ok') throw new Error(`seed ${seed}: ${r.message}`);
    for (let i = 0; i < r.times.length; i++) {
      for (const c of model.cellTypes) {
        rows.push({ source: 'nichesim', seed, time: r.times[i], cellType: c.label, live: r.series[c.name][i], dead: r.series[`${c.name} (dead)`]?.[i] ?? 0 });
      }
    }
  }
  return { rows, wallSeconds, agentSteps };
}

/** Per cell type at one time: PhysiCell's min/mean/max over its seeds and nichesim's. */
export function summariseAt(rows: CountRow[], time: number): Array<{ cellType: string; physicellMin: number; physicellMean: number; physicellMax: number; nichesimMin: number; nichesimMean: number; nichesimMax: number }> {
  const types = [...new Set(rows.map((r) => r.cellType))];
  return types.map((cellType) => {
    const pick = (source: CountRow['source']) => rows.filter((r) => r.source === source && r.cellType === cellType && r.time === time).map((r) => r.live);
    const stats = (xs: number[]) => (xs.length ? [Math.min(...xs), xs.reduce((a, b) => a + b, 0) / xs.length, Math.max(...xs)] : [NaN, NaN, NaN]);
    const [pMin, pMean, pMax] = stats(pick('PhysiCell 1.14.2'));
    const [nMin, nMean, nMax] = stats(pick('nichesim'));
    return { cellType, physicellMin: pMin, physicellMean: pMean, physicellMax: pMax, nichesimMin: nMin, nichesimMean: nMean, nichesimMax: nMax };
  });
}

/** One HTML page with a panel per cell type (live counts over time, days on x). */
export function countsHtml(rows: CountRow[], title: string): string {
  const doc = new JSDOM('').window.document;
  const types = [...new Set(rows.map((r) => r.cellType))];
  const ref = rows.filter((r) => r.source === 'PhysiCell 1.14.2');
  const band: Array<{ cellType: string; day: number; lo: number; hi: number; mean: number }> = [];
  for (const type of types) {
    const byTime = new Map<number, number[]>();
    for (const r of ref) if (r.cellType === type) byTime.set(r.time, [...(byTime.get(r.time) ?? []), r.live]);
    for (const [t, xs] of byTime) band.push({ cellType: type, day: t / 1440, lo: Math.min(...xs), hi: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
  }
  const ours = rows.filter((r) => r.source === 'nichesim').map((r) => ({ ...r, day: r.time / 1440, run: `nichesim seed ${r.seed}` }));
  const panels = types.map((type) => {
    const svg = Plot.plot({
      document: doc,
      width: 320,
      height: 220,
      marginLeft: 48,
      title: type,
      x: { label: 'day' },
      y: { label: 'live cells', zero: true, grid: true },
      marks: [
        Plot.areaY(band.filter((b) => b.cellType === type), { x: 'day', y1: 'lo', y2: 'hi', fill: '#9ecae1', fillOpacity: 0.6 }),
        Plot.lineY(band.filter((b) => b.cellType === type), { x: 'day', y: 'mean', stroke: '#08519c', strokeWidth: 1.5 }),
        Plot.lineY(ours.filter((r) => r.cellType === type), { x: 'day', y: 'live', z: 'run', stroke: '#d95f02', strokeWidth: 1.2 }),
      ],
    });
    return (svg as unknown as { outerHTML: string }).outerHTML;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}.grid{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}</style></head>
<body><h1>${title}</h1><p>Live cells by type. Blue band: range of PhysiCell 1.14.2 over its seeds; dark blue line: their mean. Orange: nichesim's agent-based engine, one line per seed, on the project as imported.</p>
<div class="grid">${panels.map((p) => `<figure>${p}</figure>`).join('\n')}</div></body></html>\n`;
}

/** Runs, compares, and writes the CSV and the HTML figure. */
export function compareRulesSample(options: { seeds: number[]; tEnd?: number; out?: string }): { summary: ReturnType<typeof summariseAt>; wallSeconds: number[]; agentSteps: number[]; files: string[] } {
  const tEnd = options.tEnd ?? 7200;
  const out = options.out ?? join('bench-out', 'physicell');
  const reference = readReference().filter((r) => r.time <= tEnd);
  const run = runRulesSample(options.seeds, tEnd);
  const rows = [...reference, ...run.rows];
  mkdirSync(out, { recursive: true });
  const csv = ['source,seed,time_min,cell_type,live,dead', ...rows.map((r) => `${r.source},${r.seed},${r.time},${r.cellType},${r.live},${r.dead}`)].join('\n') + '\n';
  const files = [join(out, 'rules_sample_counts.csv'), join(out, 'rules_sample_counts.html')];
  writeFileSync(files[0], csv);
  writeFileSync(files[1], countsHtml(rows, `PhysiCell rules sample: nichesim against PhysiCell 1.14.2 (${tEnd} min)`));
  const last = Math.max(...run.rows.map((r) => r.time));
  return { summary: summariseAt(rows, last), wallSeconds: run.wallSeconds, agentSteps: run.agentSteps, files };
}

if (process.argv[1] !== undefined && /physicell-reference\.ts$/.test(process.argv[1])) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const seeds = (arg('--seeds') ?? '0,1,2,3,4').split(',').map(Number);
  const outcome = compareRulesSample({ seeds, tEnd: Number(arg('--t-end') ?? 7200), out: arg('--out') });
  for (const s of outcome.summary) {
    console.log(`bench physicell cellType=${s.cellType.replace(/\s+/g, '_')} physicellMin=${s.physicellMin} physicellMean=${s.physicellMean.toPrecision(4)} physicellMax=${s.physicellMax} nichesimMin=${s.nichesimMin} nichesimMean=${s.nichesimMean.toPrecision(4)} nichesimMax=${s.nichesimMax}`);
  }
  console.log(`bench physicell wallSecondsPerRun=${(outcome.wallSeconds.reduce((a, b) => a + b, 0) / outcome.wallSeconds.length).toPrecision(4)} seeds=${seeds.length}`);
  for (const f of outcome.files) console.log(`wrote ${f}`);
}
