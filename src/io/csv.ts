/**
 * Time series as CSV (layer 5): one row per output time, time in days first, then every column
 * of the result in its order; numbers at full double precision (shortest round-trip form).
 */
import { stringify } from 'csv-stringify/sync';
import { MINUTES_PER_DAY, type SimulationResult } from '../results/result.js';

/** Header names carry their unit, e.g. "AML_blast (cells)", "TNF (ng/mL)", "time (day)". */
export function timeseriesCsv(result: SimulationResult): string {
  const header = ['time (day)', ...result.columns.map((c) => `${c.name} (${c.unit})`)];
  const rows: Array<Array<string | number>> = [header];
  for (let i = 0; i < result.times.length; i++) {
    const row: Array<string | number> = [result.times[i] / MINUTES_PER_DAY];
    for (const c of result.columns) {
      const v = result.series[c.name][i];
      row.push(Number.isFinite(v) ? v : String(v));
    }
    rows.push(row);
  }
  return stringify(rows);
}
