/**
 * The SBML Test Suite's conventions (layer 5, no Node-only API): settings files, results CSVs,
 * and the comparison rule |x − ref| ≤ absolute + relative·|ref| (NaN matches NaN, an infinity
 * matches the same infinity).
 */
import { SbmlError } from './errors.js';
import { simulateSbml, uniformGrid, type SbmlOutputVariable } from './timecourse.js';
import type { SbmlSimulationOptions } from './simulator.js';

export interface SuiteSettings {
  start: number;
  duration: number;
  steps: number;
  variables: string[];
  absolute: number;
  relative: number;
  amount: string[];
  concentration: string[];
}

/** Parses an NNNNN-settings.txt file. */
export function parseSettings(text: string): SuiteSettings {
  const kv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m) kv.set(m[1].toLowerCase(), m[2]);
  }
  const list = (k: string): string[] => (kv.get(k) ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const num = (k: string, dflt: number): number => {
    const s = kv.get(k);
    if (s === undefined || s === '') return dflt;
    const x = Number(s);
    if (!Number.isFinite(x)) throw new Error(`settings: '${k}: ${s}' is not a number`);
    return x;
  };
  return {
    start: num('start', 0),
    duration: num('duration', NaN),
    steps: num('steps', NaN),
    variables: list('variables'),
    absolute: num('absolute', 0),
    relative: num('relative', 0),
    amount: list('amount'),
    concentration: list('concentration'),
  };
}

/** A parsed results CSV: header (without the time column) and rows [time, values...]. */
export interface ResultsTable {
  header: string[];
  times: Float64Array;
  columns: Float64Array[];
}

function parseCell(s: string): number {
  const t = s.trim();
  const u = t.toUpperCase();
  if (u === 'NAN') return NaN;
  if (u === 'INF' || u === '+INF' || u === 'INFINITY') return Infinity;
  if (u === '-INF' || u === '-INFINITY') return -Infinity;
  return Number(t);
}

/** Parses an NNNNN-results.csv file (header line required). */
export function parseResultsCsv(text: string): ResultsTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0].split(',').map((s) => s.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map(parseCell));
  const times = Float64Array.from(rows.map((r) => r[0]));
  const columns = header.slice(1).map((_, j) => Float64Array.from(rows.map((r) => r[j + 1])));
  return { header: header.slice(1), times, columns };
}

/** Whether x matches ref under the suite's rule. */
export function withinTolerance(x: number, ref: number, absolute: number, relative: number): boolean {
  if (Number.isNaN(ref)) return Number.isNaN(x);
  if (!Number.isFinite(ref)) return x === ref;
  if (!Number.isFinite(x)) return false;
  return Math.abs(x - ref) <= absolute + relative * Math.abs(ref);
}

export interface CaseOutcome {
  pass: boolean;
  /** Why it failed (first mismatch, or the error). */
  reason: string | null;
  /** 'error' when the model could not be simulated (unsupported, invalid). */
  kind: 'pass' | 'mismatch' | 'error' | 'failed-run';
  /** Largest |x − ref| / (absolute + relative·|ref|) over all points (<= 1 passes). */
  worst: number;
  ms: number;
}

/**
 * Runs one suite case given its texts and compares with the reference.
 * @param options integration options (tolerances default to rtol 1e-10, atol 1e-14·scale).
 */
export function runSuiteCase(modelText: string, settingsText: string, resultsText: string, options: SbmlSimulationOptions = {}, now: () => number = () => 0): CaseOutcome {
  const t0 = now();
  const settings = parseSettings(settingsText);
  const ref = parseResultsCsv(resultsText);
  const amount = new Set(settings.amount);
  const conc = new Set(settings.concentration);
  const variables: SbmlOutputVariable[] = settings.variables.map((id) => ({
    id,
    mode: amount.has(id) ? 'amount' : conc.has(id) ? 'concentration' : undefined,
  }));
  const times = Number.isFinite(settings.duration) && Number.isFinite(settings.steps)
    ? uniformGrid(settings.start, settings.duration, settings.steps)
    : ref.times;
  let tc;
  try {
    tc = simulateSbml(modelText, {
      rtol: 1e-10,
      atol: 1e-14,
      ...options,
      times,
      variables,
    });
  } catch (e) {
    const msg = e instanceof SbmlError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { pass: false, reason: msg, kind: 'error', worst: Infinity, ms: now() - t0 };
  }
  let worst = 0;
  let reason: string | null = null;
  if (ref.times.length !== times.length) {
    return { pass: false, reason: `results have ${ref.times.length} rows, settings give ${times.length}`, kind: 'error', worst: Infinity, ms: now() - t0 };
  }
  for (let j = 0; j < settings.variables.length; j++) {
    const id = settings.variables[j];
    const col = ref.header.indexOf(id);
    const refCol = col >= 0 ? ref.columns[col] : ref.columns[j];
    const mine = tc.values[j];
    for (let k = 0; k < times.length; k++) {
      const r = refCol[k];
      const x = mine[k];
      const ok = withinTolerance(x, r, settings.absolute, settings.relative);
      const score = ok ? (Number.isFinite(r) ? Math.abs(x - r) / (settings.absolute + settings.relative * Math.abs(r) || 1e-300) : 0) : Infinity;
      if (!ok && reason === null) {
        reason = `${id} at t=${times[k]}: got ${x}, expected ${r}`;
      }
      if (score > worst) worst = score;
    }
  }
  if (tc.status !== 'ok' && reason === null) {
    // A failed run can still match (e.g. the reference is NaN after the failure).
    return { pass: true, reason: null, kind: 'pass', worst, ms: now() - t0 };
  }
  if (reason !== null) {
    const kind = tc.status !== 'ok' ? 'failed-run' : 'mismatch';
    const why = tc.status !== 'ok' ? `${reason} (run ${tc.status}: ${tc.message})` : reason;
    return { pass: false, reason: why, kind, worst, ms: now() - t0 };
  }
  return { pass: true, reason: null, kind: 'pass', worst, ms: now() - t0 };
}
