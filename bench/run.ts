/**
 * `npm run bench`: prints one line per measurement in a stable, parseable form:
 *   bench <group> <key>=<value> <key>=<value> ...
 * Numbers are printed with 4 significant digits. Benchmarks are not tests: nothing here fails on
 * a slow machine; compare figures across commits on the same machine.
 */
import { benchMeanField } from './meanField.js';

type Rows = Array<Record<string, number | string>>;

function fmt(v: number | string): string {
  if (typeof v === 'string') return v.replace(/\s+/g, '_');
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function print(group: string, rows: Rows): void {
  for (const row of rows) console.log(`bench ${group} ${Object.entries(row).map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}`);
}

const groups: Array<[string, () => Promise<Rows>]> = [['meanfield', benchMeanField]];
// Optional groups, present once their modules exist (integrator work-precision, diffusion solver).
for (const [name, path, fn] of [
  ['ivp', './ivp.js', 'benchIvp'],
  ['pde', './pde.js', 'benchPde'],
  ['abm', './abm.js', 'benchAbm'],
  ['analysis', './analysis.js', 'benchAnalysis'],
  ['physicell', './physicell.js', 'benchPhysiCell'],
  ['app', './app.js', 'benchApp'],
] as const) {
  try {
    const mod = (await import(path)) as Record<string, () => Promise<Rows>>;
    if (typeof mod[fn] === 'function') groups.push([name, mod[fn]]);
  } catch (e) {
    console.error(`bench: skipping ${name}: ${(e as Error).message}`);
  }
}

for (const [name, fn] of groups) print(name, await fn());
const mem = process.memoryUsage();
print('memory', [{ heapUsedMB: mem.heapUsed / 2 ** 20, rssMB: mem.rss / 2 ** 20 }]);
