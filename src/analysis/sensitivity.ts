/**
 * Global sensitivity estimators (layer 4).
 *
 * - Morris (1991) elementary effects with Campolongo et al. (2007)'s μ*: for trajectory t and
 *   the step that moves parameter i by ±Δ (unit-cube coordinates), EE = (y_after − y_before) / (±Δ);
 *   μ = mean EE, μ* = mean |EE|, σ = standard deviation of EE (n − 1).
 * - Sobol' first-order indices by Saltelli et al. (2010), S_i = mean(f(B)·(f(AB_i) − f(A))) / V,
 *   and total indices by Jansen (1999), ST_i = mean((f(A) − f(AB_i))²) / (2V), where V is the
 *   variance of the pooled f(A), f(B) outputs (Saltelli et al. 2010, Table 2).
 *
 * Confidence intervals are percentile bootstrap intervals (resampling trajectories, or rows of
 * A/B), seeded. Runs whose output is not finite are left out: a Morris step where either end is
 * missing, a Saltelli row where any of its dim + 2 outputs is missing.
 */
import type { MorrisDesign } from './designs.js';
import { deriveSeed, Rng } from './rng.js';

export interface Interval {
  lo: number;
  hi: number;
}

export interface MorrisIndex {
  mu: number;
  muStar: number;
  sigma: number;
  /** Bootstrap interval of μ*. */
  muStarCi: Interval;
  /** Elementary effects used. */
  n: number;
}

export interface BootstrapOptions {
  /** Bootstrap resamples, default 1000 (0: no intervals, NaN bounds). */
  resamples?: number;
  /** Confidence level, default 0.95. */
  confidence?: number;
  /** Seed of the resampling. */
  seed?: number;
}

/** Empirical quantile (linear interpolation, type 7) of a sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function percentileInterval(samples: Float64Array, confidence: number): Interval {
  const finite = Float64Array.from(samples.filter((x) => Number.isFinite(x))).sort();
  if (finite.length === 0) return { lo: NaN, hi: NaN };
  const a = (1 - confidence) / 2;
  return { lo: quantileSorted(finite, a), hi: quantileSorted(finite, 1 - a) };
}

/**
 * Morris indices from outputs y (one per design point, NaN for failed runs).
 * @returns one entry per dimension
 */
export function morrisIndices(design: MorrisDesign, y: ArrayLike<number>, options: BootstrapOptions = {}): MorrisIndex[] {
  const { trajectories: r, dim, delta } = design;
  if (y.length !== design.size) throw new RangeError(`Morris: expected ${design.size} outputs, got ${y.length}`);
  // ee[t * dim + i]: effect of parameter i in trajectory t (NaN when missing).
  const ee = new Float64Array(r * dim).fill(NaN);
  for (let t = 0; t < r; t++) {
    for (let s = 1; s <= dim; s++) {
      const a = y[t * (dim + 1) + s - 1];
      const b = y[t * (dim + 1) + s];
      if (Number.isFinite(a) && Number.isFinite(b)) ee[t * dim + design.moved(t, s)] = (b - a) / (design.sign(t, s) * delta);
    }
  }
  const stats = (weights: Int32Array | null, i: number) => {
    let n = 0;
    let sum = 0;
    let sumAbs = 0;
    for (let t = 0; t < r; t++) {
      const w = weights ? weights[t] : 1;
      const e = ee[t * dim + i];
      if (w === 0 || !Number.isFinite(e)) continue;
      n += w;
      sum += w * e;
      sumAbs += w * Math.abs(e);
    }
    const mu = sum / n;
    let ss = 0;
    for (let t = 0; t < r; t++) {
      const w = weights ? weights[t] : 1;
      const e = ee[t * dim + i];
      if (w === 0 || !Number.isFinite(e)) continue;
      ss += w * (e - mu) ** 2;
    }
    return { n, mu, muStar: sumAbs / n, sigma: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
  };
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const boot = Array.from({ length: dim }, () => new Float64Array(resamples));
  const rng = new Rng(deriveSeed(options.seed ?? 1, 0x424f4f54));
  const w = new Int32Array(r);
  for (let b = 0; b < resamples; b++) {
    w.fill(0);
    for (let k = 0; k < r; k++) w[rng.int(r)]++;
    for (let i = 0; i < dim; i++) boot[i][b] = stats(w, i).muStar;
  }
  return Array.from({ length: dim }, (_, i) => {
    const s = stats(null, i);
    return { mu: s.mu, muStar: s.muStar, sigma: s.sigma, n: s.n, muStarCi: resamples > 0 ? percentileInterval(boot[i], confidence) : { lo: NaN, hi: NaN } };
  });
}

export interface SobolIndex {
  /** First-order index (Saltelli 2010). */
  s1: number;
  s1Ci: Interval;
  /** Total index (Jansen 1999). */
  st: number;
  stCi: Interval;
}

export interface SobolResult {
  indices: SobolIndex[];
  /** Variance of the output (pooled A and B). */
  variance: number;
  /** Rows of A/B used (rows with a missing output are dropped). */
  rows: number;
  dropped: number;
}

/**
 * Sobol' indices from outputs laid out as in saltelliDesign (row j: A, B, AB_1 .. AB_dim).
 * @param y outputs, length n·(dim + 2); NaN for failed runs
 */
export function sobolIndices(y: ArrayLike<number>, dim: number, options: BootstrapOptions = {}): SobolResult {
  const stride = dim + 2;
  if (y.length % stride !== 0) throw new RangeError(`Sobol': ${y.length} outputs is not a multiple of dim + 2 = ${stride}`);
  const nAll = y.length / stride;
  const rows: number[] = [];
  for (let j = 0; j < nAll; j++) {
    let ok = true;
    for (let k = 0; k < stride; k++) if (!Number.isFinite(y[j * stride + k])) ok = false;
    if (ok) rows.push(j);
  }
  const n = rows.length;
  const fA = new Float64Array(n);
  const fB = new Float64Array(n);
  const fAB = Array.from({ length: dim }, () => new Float64Array(n));
  rows.forEach((j, r) => {
    fA[r] = y[j * stride];
    fB[r] = y[j * stride + 1];
    for (let i = 0; i < dim; i++) fAB[i][r] = y[j * stride + 2 + i];
  });
  // pick[r] = row index r' used as the r-th sample (identity or a bootstrap resample)
  const estimate = (pick: Int32Array | null) => {
    let mean = 0;
    for (let r = 0; r < n; r++) {
      const q = pick ? pick[r] : r;
      mean += fA[q] + fB[q];
    }
    mean /= 2 * n;
    let v = 0;
    for (let r = 0; r < n; r++) {
      const q = pick ? pick[r] : r;
      v += (fA[q] - mean) ** 2 + (fB[q] - mean) ** 2;
    }
    v /= 2 * n;
    const s1 = new Float64Array(dim);
    const st = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      const ab = fAB[i];
      let a = 0;
      let b = 0;
      for (let r = 0; r < n; r++) {
        const q = pick ? pick[r] : r;
        a += fB[q] * (ab[q] - fA[q]);
        b += (fA[q] - ab[q]) ** 2;
      }
      s1[i] = a / n / v;
      st[i] = b / n / (2 * v);
    }
    return { v, s1, st };
  };
  const point = estimate(null);
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const bs1 = Array.from({ length: dim }, () => new Float64Array(resamples));
  const bst = Array.from({ length: dim }, () => new Float64Array(resamples));
  if (n > 1) {
    const rng = new Rng(deriveSeed(options.seed ?? 1, 0x534f42));
    const pick = new Int32Array(n);
    for (let b = 0; b < resamples; b++) {
      for (let r = 0; r < n; r++) pick[r] = rng.int(n);
      const e = estimate(pick);
      for (let i = 0; i < dim; i++) {
        bs1[i][b] = e.s1[i];
        bst[i][b] = e.st[i];
      }
    }
  }
  const none = { lo: NaN, hi: NaN };
  return {
    variance: point.v,
    rows: n,
    dropped: nAll - n,
    indices: Array.from({ length: dim }, (_, i) => ({
      s1: point.s1[i],
      st: point.st[i],
      s1Ci: resamples > 0 && n > 1 ? percentileInterval(bs1[i], confidence) : none,
      stCi: resamples > 0 && n > 1 ? percentileInterval(bst[i], confidence) : none,
    })),
  };
}
