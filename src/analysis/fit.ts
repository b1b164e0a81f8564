/**
 * Calibration of model parameters to time-course data (layer 4).
 *
 * Data: a CSV with a time column whose header names its unit (`time (day)`) and observed columns
 * named like result columns (`AML_blast`, `M2_fraction`, optionally with a unit in parentheses:
 * `CCL2 (pg/mL)`). `NA` marks a value that was not observed; an empty cell is an error.
 *
 * Objective (the noise model is stated): with `likelihood`, a Gaussian likelihood with one unknown
 * standard deviation per observed column, profiled out (σ̂² = RSS/n), so the deviance is
 * −2 log L = Σ_c n_c (log(2π RSS_c / n_c) + 1) [+ 2 Σ log f for proportional noise];
 *   additive noise:      y = f + σ_c ε
 *   proportional noise:  y = f (1 + σ_c ε),  residuals (y − f) / f
 * With `lsq`, the sum of squares Σ_c RSS_c / s_c² where s_c is the root-mean-square of column c's
 * observations (additive) or 1 (relative residuals, proportional).
 *
 * Parameters are optimised in log space (linear when the range starts at 0) within their
 * ranges, through a logistic map z ∈ ℝ → [low, high], by Nelder-Mead (optimize.ts). Uncertainty:
 * profile likelihood (each parameter stepped across its range, the others re-optimised; the
 * interval is where the deviance rises by less than χ²₁(level), or for lsq by χ²₁ · J_min/(n − k);
 * the crossing is interpolated in the signed root deviance, exact for a quadratic profile)
 * or a parametric bootstrap (data simulated from the fit with the estimated noise, refitted).
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { Model } from '../model/model.js';
import type { SimulationResult } from '../results/result.js';
import { simulate, type SimulateOptions } from '../simulate.js';
import { closestNames, describeDimension, didYouMean, parseUnit, sameDimension, UnitError } from '../units/index.js';
import { chiSquare1Quantile } from './distributions.js';
import { interpolate } from './endpoints.js';
import { DataError } from './errors.js';
import { nelderMead } from './optimize.js';
import { deriveSeed, Rng } from './rng.js';
import { quantileSorted } from './sensitivity.js';
import type { DisplayUnit } from './values.js';

// ---- data ---------------------------------------------------------------------------------------

export interface ObservedColumn {
  /** Result column name. */
  name: string;
  /** Header as written. */
  header: string;
  /** Values in the result column's unit; NaN where not observed (NA). */
  values: Float64Array;
  /** Number of observed values. */
  count: number;
}

export interface ObservedData {
  file: string;
  /** Unit of the time column as written, e.g. 'day'. */
  timeUnit: string;
  /** Observation times (min). */
  times: Float64Array;
  columns: ObservedColumn[];
  /** Total observed values. */
  observations: number;
}

/** Splits one CSV line into fields with their 1-based start columns (RFC 4180 quotes). */
function splitCsvLine(line: string): Array<{ text: string; column: number; quoted: boolean }> {
  const out: Array<{ text: string; column: number; quoted: boolean }> = [];
  let i = 0;
  for (;;) {
    const start = i;
    let text = '';
    let quoted = false;
    while (i < line.length && line[i] === ' ') i++;
    if (line[i] === '"') {
      quoted = true;
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (text += '"'), (i += 2);
        else if (line[i] === '"') {
          i++;
          break;
        } else text += line[i++];
      }
      while (i < line.length && line[i] !== ',') i++;
    } else {
      while (i < line.length && line[i] !== ',') text += line[i++];
    }
    out.push({ text: text.trim(), column: start + 1, quoted });
    if (i >= line.length) break;
    i++; // comma
  }
  return out;
}

/**
 * Parses a time-course CSV against the result columns of a model.
 * @throws DataError listing every problem with file, line, column and the column's name
 */
export function parseDataCsv(text: string, file: string, columns: ReadonlyArray<{ name: string; unit: string }>): ObservedData {
  const ds: Diagnostic[] = [];
  const err = (line: number | null, column: number | null, path: string, message: string, hint: string) => ds.push({ severity: 'error', file, line, column, path, message, hint });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: Array<{ line: number; fields: ReturnType<typeof splitCsvLine> }> = [];
  lines.forEach((l, i) => {
    if (l.trim() === '' || l.trimStart().startsWith('#')) return;
    rows.push({ line: i + 1, fields: splitCsvLine(l) });
  });
  if (rows.length === 0) {
    err(null, null, '', 'the data file is empty', "write a header such as 'time (day),AML_blast' and one row per observation time");
    throw new DataError(ds);
  }
  const header = rows[0];
  const h0 = header.fields[0];
  const tm = /^(?:time|t|day|days)\s*\(([^()]+)\)$/i.exec(h0.text);
  let timeFactor = NaN;
  let timeUnit = '';
  if (!tm) {
    if (/^(time|t)$/i.test(h0.text)) err(header.line, h0.column, h0.text, 'the time column does not say its unit', "write the unit in the header, e.g. 'time (day)' or 'time (h)'");
    else err(header.line, h0.column, h0.text, `the first column must be the time, with its unit, e.g. 'time (day)'; got '${h0.text}'`, "put the time first and name it 'time (day)'");
  } else {
    try {
      const u = parseUnit(tm[1]);
      if (!sameDimension(u.dimension, parseUnit('min').dimension)) err(header.line, h0.column, h0.text, `the time unit '${tm[1]}' is not a time (it is ${describeDimension(u.dimension)})`, "use day, h or min, e.g. 'time (day)'");
      else {
        timeFactor = u.factor;
        timeUnit = tm[1].trim();
      }
    } catch (e) {
      err(header.line, h0.column, h0.text, e instanceof UnitError ? e.message : String(e), "use day, h or min, e.g. 'time (day)'");
    }
  }
  const byName = new Map(columns.map((c) => [c.name, c]));
  const cols: Array<{ name: string; header: string; factor: number } | null> = [];
  const seen = new Map<string, number>();
  for (const f of header.fields.slice(1)) {
    let name = f.text;
    let factor = 1;
    if (!byName.has(name)) {
      const m = /^(.*?)\s*\(([^()]*)\)$/.exec(f.text);
      if (m && byName.has(m[1].trim())) {
        name = m[1].trim();
        const target = byName.get(name)!;
        try {
          const from = parseUnit(m[2]);
          const to = parseUnit(target.unit === 'dimensionless' ? '1' : target.unit);
          if (!sameDimension(from.dimension, to.dimension)) {
            err(header.line, f.column, f.text, `column '${name}' is in ${target.unit} but the header says ${m[2]}`, `give the values in ${target.unit} or a unit of the same kind`);
            cols.push(null);
            continue;
          }
          factor = from.factor / to.factor;
        } catch (e) {
          err(header.line, f.column, f.text, e instanceof UnitError ? e.message : String(e), `write the unit of '${name}' (${target.unit}) or none`);
          cols.push(null);
          continue;
        }
      } else {
        const dym = didYouMean(closestNames(f.text, columns.map((c) => c.name)));
        err(header.line, f.column, f.text, f.text === '' ? 'a column has no name' : `unknown column '${f.text}': the model's results have no such column`, dym || `known columns: ${columns.map((c) => c.name).join(', ')}`);
        cols.push(null);
        continue;
      }
    }
    if (seen.has(name)) {
      err(header.line, f.column, f.text, `column '${name}' appears twice (also column ${seen.get(name)! + 1})`, 'keep one column per observed quantity');
      cols.push(null);
      continue;
    }
    seen.set(name, cols.length + 1);
    cols.push({ name, header: f.text, factor });
  }
  if (header.fields.length < 2) err(header.line, null, '', 'the data file has no observed columns', "add columns named like the model's results, e.g. 'time (day),AML_blast'");
  const times: number[] = [];
  const values: number[][] = cols.map(() => []);
  let prev: { t: number; line: number } | null = null;
  for (const r of rows.slice(1)) {
    if (r.fields.length !== header.fields.length) {
      err(r.line, null, '', `expected ${header.fields.length} values (one per header column), got ${r.fields.length}`, 'check for a missing or extra comma');
      continue;
    }
    const tf = r.fields[0];
    const t = Number(tf.text);
    if (tf.text === '' || /^na$/i.test(tf.text)) err(r.line, tf.column, h0.text, 'missing time', 'every row needs its time');
    else if (!Number.isFinite(t)) err(r.line, tf.column, h0.text, `expected a number, got '${tf.text}'`, 'write the time as a number in the unit of the header');
    else if (t < 0) err(r.line, tf.column, h0.text, `negative time ${t}`, 'times start at 0 (the start of the simulation)');
    else if (prev && !(t > prev.t)) err(r.line, tf.column, h0.text, `time is not increasing: ${t} comes after ${prev.t} (line ${prev.line})`, 'sort the rows by time, one row per time');
    if (Number.isFinite(t)) prev = { t, line: r.line };
    times.push(t * timeFactor);
    r.fields.slice(1).forEach((f, j) => {
      const c = cols[j];
      if (!c) return;
      if (f.text === '' && !f.quoted) {
        err(r.line, f.column, c.header, `missing value in column '${c.header}' (empty cell)`, "write NA for a value that was not observed, or remove the row");
        values[j].push(NaN);
      } else if (/^(na|nan)$/i.test(f.text)) values[j].push(NaN);
      else {
        const x = Number(f.text);
        if (f.text === '' || !Number.isFinite(x)) {
          err(r.line, f.column, c.header, `expected a number in column '${c.header}', got '${f.text}'`, 'write a number, or NA for a value that was not observed');
          values[j].push(NaN);
        } else values[j].push(x * c.factor);
      }
    });
  }
  if (rows.length < 2) err(header.line, null, '', 'the data file has a header but no rows', 'add one row per observation time');
  const out: ObservedColumn[] = [];
  cols.forEach((c, j) => {
    if (!c) return;
    const v = Float64Array.from(values[j]);
    const count = v.filter((x) => Number.isFinite(x)).length;
    if (count === 0 && ds.length === 0) err(header.line, header.fields[j + 1].column, c.header, `column '${c.header}' has no observed values`, 'remove the column or fill in values');
    out.push({ name: c.name, header: c.header, values: v, count });
  });
  if (ds.length === 0 && !(Math.max(...times) > 0)) err(rows[rows.length - 1].line, null, h0.text, 'all observations are at time 0', 'add observations after the start');
  if (ds.length > 0) throw new DataError(ds);
  return { file, timeUnit, times: Float64Array.from(times), columns: out, observations: out.reduce((s, c) => s + c.count, 0) };
}

// ---- problem ------------------------------------------------------------------------------------

export type NoiseModel = 'additive' | 'proportional';
export type FitObjective = 'likelihood' | 'lsq';

export interface FitParameter {
  name: string;
  /** Range, base units. */
  lo: number;
  hi: number;
  /** Start value, base units. */
  start: number;
  /** Optimised in log space (true when lo > 0). */
  log: boolean;
  unit: DisplayUnit;
}

export interface FitSetup {
  model: Model;
  data: ObservedData;
  parameters: FitParameter[];
  noise: NoiseModel;
  objective: FitObjective;
  /** Other parameter values held fixed (base units). */
  fixed?: Record<string, number>;
  simulate?: Pick<SimulateOptions, 'method' | 'rtol' | 'seed'> & { engine?: string };
}

/** An objective over θ (log or linear parameter coordinates) with the data and noise model. */
export class FitProblem {
  evaluations = 0;
  readonly tEnd: number;
  readonly outputInterval: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Scale of each column for lsq (RMS of observations). */
  private readonly scale: number[];

  constructor(readonly setup: FitSetup) {
    const { data, parameters } = setup;
    this.tEnd = Math.max(...data.times);
    let dt = setup.model.outputInterval;
    for (let i = 1; i < data.times.length; i++) dt = Math.min(dt, data.times[i] - data.times[i - 1]);
    this.outputInterval = Math.min(dt, this.tEnd);
    this.lower = Float64Array.from(parameters.map((p) => (p.log ? Math.log(p.lo) : p.lo)));
    this.upper = Float64Array.from(parameters.map((p) => (p.log ? Math.log(p.hi) : p.hi)));
    this.scale = data.columns.map((c) => {
      let s = 0;
      for (const v of c.values) if (Number.isFinite(v)) s += v * v;
      return Math.sqrt(s / Math.max(1, c.count)) || 1;
    });
  }

  get dimension(): number {
    return this.setup.parameters.length;
  }

  /** θ of base values. */
  theta(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.setup.parameters, (p, i) => (p.log ? Math.log(values[i]) : values[i]));
  }

  /** Base values of θ. */
  values(theta: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.setup.parameters, (p, i) => (p.log ? Math.exp(theta[i]) : theta[i]));
  }

  /** Logistic map of unbounded z to θ in [lower, upper]. */
  zToTheta(z: ArrayLike<number>, idx: readonly number[] = this.setup.parameters.map((_, i) => i)): Float64Array {
    return Float64Array.from(idx, (i, k) => this.lower[i] + (this.upper[i] - this.lower[i]) / (1 + Math.exp(-z[k])));
  }

  thetaToZ(theta: ArrayLike<number>, idx: readonly number[] = this.setup.parameters.map((_, i) => i)): Float64Array {
    return Float64Array.from(idx, (i) => {
      const f = Math.min(1 - 1e-9, Math.max(1e-9, (theta[i] - this.lower[i]) / (this.upper[i] - this.lower[i])));
      return Math.log(f / (1 - f));
    });
  }

  /** Runs the model at θ. */
  run(theta: ArrayLike<number>, outputInterval = this.outputInterval): SimulationResult {
    const v = this.values(theta);
    const parameters: Record<string, number> = { ...(this.setup.fixed ?? {}) };
    this.setup.parameters.forEach((p, i) => (parameters[p.name] = v[i]));
    const s = this.setup.simulate ?? {};
    return simulate(this.setup.model, {
      parameters,
      tEnd: this.tEnd,
      outputInterval,
      engine: (s.engine ?? 'ode') as SimulateOptions['engine'],
      method: s.method,
      rtol: s.rtol,
      seed: s.seed,
    });
  }

  /** Model predictions at the observation times, one array per observed column; null if the run failed. */
  predict(theta: ArrayLike<number>): Float64Array[] | null {
    this.evaluations++;
    let r: SimulationResult;
    try {
      r = this.run(theta);
    } catch {
      return null;
    }
    if (r.status !== 'ok') return null;
    return this.setup.data.columns.map((c) => Float64Array.from(this.setup.data.times, (t) => interpolate(r.times, r.series[c.name], t)));
  }

  /** Residual sums of squares per column (relative residuals for proportional noise) and Σ log f. */
  residuals(pred: Float64Array[], data: ObservedData = this.setup.data): { rss: number[]; n: number[]; sumLogF: number } | null {
    const rss: number[] = [];
    const n: number[] = [];
    let sumLogF = 0;
    for (let c = 0; c < data.columns.length; c++) {
      const y = data.columns[c].values;
      const f = pred[c];
      let s = 0;
      let k = 0;
      for (let i = 0; i < y.length; i++) {
        if (!Number.isFinite(y[i])) continue;
        if (!Number.isFinite(f[i])) return null;
        if (this.setup.noise === 'proportional') {
          if (!(f[i] > 0)) return null;
          s += ((y[i] - f[i]) / f[i]) ** 2;
          sumLogF += Math.log(f[i]);
        } else s += (y[i] - f[i]) ** 2;
        k++;
      }
      rss.push(s);
      n.push(k);
    }
    return { rss, n, sumLogF };
  }

  /** Objective from residuals: −2 log L (likelihood) or the scaled sum of squares (lsq). */
  objectiveOf(res: { rss: number[]; n: number[]; sumLogF: number }): number {
    if (this.setup.objective === 'lsq') {
      let j = 0;
      res.rss.forEach((r, c) => (j += this.setup.noise === 'proportional' ? r : r / this.scale[c] ** 2));
      return j;
    }
    let d = 0;
    res.rss.forEach((r, c) => {
      const n = res.n[c];
      if (n > 0) d += n * (Math.log((2 * Math.PI * Math.max(r, 1e-300)) / n) + 1);
    });
    if (this.setup.noise === 'proportional') d += 2 * res.sumLogF;
    return d;
  }

  /** The objective at θ (+Infinity when the run fails). */
  objective(theta: ArrayLike<number>, data?: ObservedData): number {
    const pred = this.predict(theta);
    if (!pred) return Infinity;
    const res = this.residuals(pred, data);
    return res ? this.objectiveOf(res) : Infinity;
  }
}

// ---- estimation -----------------------------------------------------------------------------------

export interface FitOptions {
  /** Evaluation budget of each Nelder-Mead search, default 150·k + 100. */
  maxEvaluations?: number;
  /** Extra starts from Latin-hypercube-like random points in the ranges, default 0. */
  extraStarts?: number;
  seed?: number;
  /** Tolerance on θ (log units), default 1e-4. */
  xTolerance?: number;
}

export interface FitEstimate {
  theta: Float64Array;
  values: Float64Array;
  objective: number;
  evaluations: number;
  converged: boolean;
  message: string;
  /** Noise standard deviation per column (column unit for additive, relative for proportional). */
  sigma: number[];
  rss: number[];
  /** Parameters estimated at (within 1e-3 of) a range bound. */
  atBound: string[];
}

/** Minimises the objective from the start values (and optional extra starts). */
export function fitParameters(problem: FitProblem, options: FitOptions = {}, data?: ObservedData, startTheta?: Float64Array): FitEstimate {
  const k = problem.dimension;
  const before = problem.evaluations;
  const idx = problem.setup.parameters.map((_, i) => i);
  const f = (z: Float64Array) => problem.objective(problem.zToTheta(z, idx), data);
  const starts: Float64Array[] = [problem.thetaToZ(startTheta ?? problem.theta(problem.setup.parameters.map((p) => p.start)))];
  const rng = new Rng(deriveSeed(options.seed ?? 1, 0x464954));
  for (let s = 0; s < (options.extraStarts ?? 0); s++) starts.push(problem.thetaToZ(Float64Array.from(idx, (i) => problem.lower[i] + (0.05 + 0.9 * rng.next()) * (problem.upper[i] - problem.lower[i]))));
  let best: { x: Float64Array; f: number; converged: boolean; message: string } | null = null;
  for (const z0 of starts) {
    const r = nelderMead(f, z0, { step: 0.6, maxEvaluations: options.maxEvaluations ?? 150 * k + 100, xTolerance: options.xTolerance ?? 1e-4, fTolerance: 1e-7, restarts: 2 });
    if (!best || r.f < best.f) best = r;
  }
  const theta = problem.zToTheta(best!.x, idx);
  const pred = problem.predict(theta);
  const res = pred ? problem.residuals(pred, data) : null;
  const sigma = res ? res.rss.map((r, c) => Math.sqrt(r / Math.max(1, res.n[c]))) : [];
  const atBound = problem.setup.parameters
    .filter((_, i) => {
      const fr = (theta[i] - problem.lower[i]) / (problem.upper[i] - problem.lower[i]);
      return fr < 1e-3 || fr > 1 - 1e-3;
    })
    .map((p) => p.name);
  return {
    theta,
    values: problem.values(theta),
    objective: best!.f,
    evaluations: problem.evaluations - before,
    converged: best!.converged,
    message: best!.message,
    sigma,
    rss: res?.rss ?? [],
    atBound,
  };
}

/** Threshold of the objective rise that bounds a confidence interval at `level`. */
export function profileThreshold(problem: FitProblem, best: FitEstimate, level: number): number {
  const q = chiSquare1Quantile(level);
  if (problem.setup.objective === 'likelihood') return q;
  const dof = Math.max(1, problem.setup.data.observations - problem.dimension);
  return (q * best.objective) / dof;
}

export interface Profile {
  name: string;
  /** θ values (log base values for log parameters) and objective rise above the optimum. */
  points: Array<{ theta: number; value: number; rise: number }>;
  /** Interval in base units; at a range bound when the rise stays below the threshold. */
  lo: number;
  hi: number;
  loAtBound: boolean;
  hiAtBound: boolean;
}

/**
 * Profile likelihood of parameter i: θ_i stepped away from the optimum on each side (the other
 * parameters re-optimised, warm-started) until the objective rises by `threshold` or the range
 * ends; the crossing is interpolated linearly between the last two steps.
 */
export function profileParameter(problem: FitProblem, best: FitEstimate, i: number, threshold: number, options: { steps?: number; maxEvaluations?: number } = {}): Profile {
  const k = problem.dimension;
  const others = problem.setup.parameters.map((_, j) => j).filter((j) => j !== i);
  const span = problem.upper[i] - problem.lower[i];
  const maxSteps = options.steps ?? 12;
  const points: Profile['points'] = [{ theta: best.theta[i], value: problem.values(best.theta)[i], rise: 0 }];
  const side = (dir: 1 | -1): { bound: number; atBound: boolean } => {
    let h = span / 16;
    let resized = 0;
    let theta = best.theta.slice();
    let prevRise = 0;
    let prevT = best.theta[i];
    for (let s = 0; s < maxSteps; s++) {
      let t = prevT + dir * h;
      let atEnd = false;
      if (dir > 0 && t >= problem.upper[i]) (t = problem.upper[i]), (atEnd = true);
      if (dir < 0 && t <= problem.lower[i]) (t = problem.lower[i]), (atEnd = true);
      let rise: number;
      let nextTheta = theta.slice();
      nextTheta[i] = t;
      if (others.length > 0) {
        const f = (z: Float64Array) => {
          const th = nextTheta.slice();
          const o = problem.zToTheta(z, others);
          others.forEach((j, m) => (th[j] = o[m]));
          return problem.objective(th);
        };
        const r = nelderMead(f, problem.thetaToZ(theta, others), { step: 0.3, maxEvaluations: options.maxEvaluations ?? 80 * (k - 1) + 60, xTolerance: 1e-3, fTolerance: 1e-6, restarts: 1 });
        const o = problem.zToTheta(r.x, others);
        others.forEach((j, m) => (nextTheta[j] = o[m]));
        rise = r.f - best.objective;
      } else rise = problem.objective(nextTheta) - best.objective;
      // Size the steps from the first one (the profile is about quadratic near the optimum) so
      // that the threshold is crossed after about three steps: the crossing is then bracketed
      // closely and the profile has points to show. At most two re-sizings.
      if (s === 0 && resized < 2 && rise > 0 && Number.isFinite(rise)) {
        const factor = Math.sqrt(threshold / 9 / rise);
        if (factor < 0.5 || (factor > 2 && !atEnd)) {
          h = Math.min(span / 2, Math.max(span / 1e4, h * Math.min(4, factor)));
          resized++;
          s--;
          continue;
        }
      }
      points.push({ theta: t, value: problem.values(nextTheta)[i], rise });
      if (rise >= threshold) {
        // Interpolate the signed root deviance √rise, which is close to linear in θ.
        const f = (Math.sqrt(threshold) - Math.sqrt(prevRise)) / (Math.sqrt(rise) - Math.sqrt(prevRise));
        return { bound: prevT + (Number.isFinite(f) ? f : 1) * (t - prevT), atBound: false };
      }
      if (atEnd) return { bound: t, atBound: true };
      prevRise = Math.max(prevRise, rise);
      prevT = t;
      theta = nextTheta;
    }
    return { bound: prevT, atBound: true };
  };
  const hi = side(1);
  const lo = side(-1);
  points.sort((a, b) => a.theta - b.theta);
  const p = problem.setup.parameters[i];
  const toValue = (t: number) => (p.log ? Math.exp(t) : t);
  return { name: p.name, points, lo: toValue(lo.bound), hi: toValue(hi.bound), loAtBound: lo.atBound, hiAtBound: hi.atBound };
}

/**
 * Parametric bootstrap: `replicates` data sets simulated from the fit with the estimated noise
 * (same times and missing values), each refitted from the estimate. Returns the refitted values
 * (base units) per replicate and percentile intervals.
 */
export function bootstrapFit(problem: FitProblem, best: FitEstimate, replicates: number, level: number, seed: number, options: FitOptions = {}): { samples: Float64Array[]; lo: number[]; hi: number[] } {
  const pred = problem.predict(best.theta);
  if (!pred) throw new Error('the model fails at the estimate; cannot bootstrap');
  const samples: Float64Array[] = [];
  for (let b = 0; b < replicates; b++) samples.push(fitParameters(problem, { ...options, extraStarts: 0 }, bootstrapData(problem.setup, best, pred, seed, b), best.theta).values);
  return { samples, ...percentileIntervals(samples, level) };
}

/** Bootstrap data set b: the fitted values at the observed points plus noise of the estimated size. */
export function bootstrapData(setup: FitSetup, best: FitEstimate, pred: Float64Array[], seed: number, b: number): ObservedData {
  const rng = new Rng(deriveSeed(seed, 0x425354, b));
  const columns = setup.data.columns.map((c, ci) => ({
    ...c,
    values: Float64Array.from(c.values, (y, i) => {
      if (!Number.isFinite(y)) return NaN;
      const f = pred[ci][i];
      return setup.noise === 'proportional' ? f * (1 + best.sigma[ci] * rng.normal()) : f + best.sigma[ci] * rng.normal();
    }),
  }));
  return { ...setup.data, columns };
}

/** Percentile intervals of each coordinate of the samples. */
export function percentileIntervals(samples: Float64Array[], level: number): { lo: number[]; hi: number[] } {
  const a = (1 - level) / 2;
  const lo: number[] = [];
  const hi: number[] = [];
  const k = samples[0]?.length ?? 0;
  for (let i = 0; i < k; i++) {
    const s = Float64Array.from(samples, (v) => v[i]).sort();
    lo.push(quantileSorted(s, a));
    hi.push(quantileSorted(s, 1 - a));
  }
  return { lo, hi };
}
