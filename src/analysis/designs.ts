/**
 * Sampling designs in the unit hypercube (layer 4): full grid, Latin hypercube, Sobol' sequence,
 * independent random points, Saltelli's A/B/AB matrices and Morris trajectories. Every design is
 * random-access: point i is computed (or looked up) from i alone, so a resumed sweep regenerates
 * exactly the points it has not run. Coordinates are mapped to parameter values by
 * distributions.ts (inverse CDF).
 */
import { deriveSeed, Rng } from './rng.js';
import { SobolSequence } from './sobolSequence.js';

/** A design: `size` points of dimension `dim` in [0, 1]^dim. */
export interface UnitDesign {
  readonly kind: string;
  readonly size: number;
  readonly dim: number;
  /** Writes point i (0 <= i < size) into out[0 .. dim). */
  point(i: number, out: Float64Array): void;
}

function checkIndex(d: UnitDesign, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= d.size) throw new RangeError(`${d.kind} design: point index must be 0 to ${d.size - 1}, got ${i}`);
}

/**
 * Full factorial grid with levels[j] levels along dimension j. Bounded dimensions put levels at
 * k / (L - 1) (both ends included); unbounded ones at (k + 0.5) / L (quantile midpoints).
 * The last dimension varies fastest.
 */
export function gridDesign(levels: readonly number[], bounded: readonly boolean[]): UnitDesign {
  let size = 1;
  for (const l of levels) {
    if (!Number.isInteger(l) || l < 1) throw new RangeError(`grid design: levels must be whole numbers >= 1, got ${l}`);
    size *= l;
  }
  if (size > Number.MAX_SAFE_INTEGER) throw new RangeError('grid design: too many points');
  const dim = levels.length;
  const design: UnitDesign = {
    kind: 'grid',
    size,
    dim,
    point(i, out) {
      checkIndex(design, i);
      let rest = i;
      for (let j = dim - 1; j >= 0; j--) {
        const l = levels[j];
        const k = rest % l;
        rest = Math.floor(rest / l);
        out[j] = l === 1 ? 0.5 : bounded[j] ? k / (l - 1) : (k + 0.5) / l;
      }
    },
  };
  return design;
}

/**
 * Latin hypercube of n points (McKay, Beckman & Conover 1979): each dimension's n strata are
 * each hit once, at a uniformly random position within the stratum. The n x dim matrix is
 * generated once from the seed and held (numbers only).
 */
export function lhsDesign(n: number, dim: number, seed: number): UnitDesign {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`LHS design: n must be a whole number >= 1, got ${n}`);
  const rng = new Rng(deriveSeed(seed, 0x4c4853));
  const x = new Float64Array(n * dim);
  const perm = new Int32Array(n);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    rng.shuffle(perm);
    for (let i = 0; i < n; i++) x[i * dim + j] = (perm[i] + rng.next()) / n;
  }
  const design: UnitDesign = {
    kind: 'lhs',
    size: n,
    dim,
    point(i, out) {
      checkIndex(design, i);
      for (let j = 0; j < dim; j++) out[j] = x[i * dim + j];
    },
  };
  return design;
}

/** Points 1 .. n of the Sobol' sequence (the origin, point 0, is skipped). */
export function sobolDesign(n: number, dim: number): UnitDesign {
  if (!Number.isInteger(n) || n < 1 || n >= SobolSequence.MAX_POINTS) throw new RangeError(`Sobol' design: n must be 1 to 2^32 - 2, got ${n}`);
  const seq = new SobolSequence(dim);
  const design: UnitDesign = {
    kind: 'sobol',
    size: n,
    dim,
    point(i, out) {
      checkIndex(design, i);
      seq.point(i + 1, out as Float64Array);
    },
  };
  return design;
}

/** n independent uniform points; point i is drawn from its own stream (seed, i). */
export function randomDesign(n: number, dim: number, seed: number): UnitDesign {
  const design: UnitDesign = {
    kind: 'random',
    size: n,
    dim,
    point(i, out) {
      checkIndex(design, i);
      const rng = new Rng(deriveSeed(seed, 0x52414e, i));
      for (let j = 0; j < dim; j++) out[j] = rng.nextOpen();
    },
  };
  return design;
}

/**
 * Saltelli's design for first-order and total Sobol' indices (Saltelli 2002; Saltelli et al.
 * 2010): A and B are the first and last `dim` coordinates of points 1..n of a 2·dim-dimensional
 * Sobol' sequence; AB_i is A with column i taken from B. Point index j·(dim + 2) + k holds row j
 * of A (k = 0), of B (k = 1) or of AB_{k-2} (k >= 2), so a row's runs are adjacent.
 * Size n·(dim + 2).
 */
export function saltelliDesign(n: number, dim: number): UnitDesign & { base: number } {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`Saltelli design: n must be a whole number >= 2, got ${n}`);
  const seq = new SobolSequence(2 * dim);
  const row = new Float64Array(2 * dim);
  let cached = -1;
  const design = {
    kind: 'saltelli',
    base: n,
    size: n * (dim + 2),
    dim,
    point(i: number, out: Float64Array) {
      checkIndex(design, i);
      const j = Math.floor(i / (dim + 2));
      const k = i % (dim + 2);
      if (j !== cached) {
        seq.point(j + 1, row);
        cached = j;
      }
      for (let c = 0; c < dim; c++) out[c] = k === 1 ? row[dim + c] : row[c];
      if (k >= 2) out[k - 2] = row[dim + k - 2];
    },
  };
  return design;
}

/** Morris trajectories in the unit cube: r trajectories of dim + 1 points each. */
export interface MorrisDesign extends UnitDesign {
  readonly trajectories: number;
  readonly levels: number;
  /** Grid jump Δ = levels / (2 (levels - 1)). */
  readonly delta: number;
  /** For trajectory t and step s (1..dim): the dimension that moved. */
  moved(t: number, s: number): number;
  /** For trajectory t and step s: +1 when the coordinate increased by Δ, -1 when it decreased. */
  sign(t: number, s: number): number;
}

/**
 * Morris (1991) one-at-a-time trajectories on a p-level grid {0, 1/(p-1), ..., 1} with jump
 * Δ = p / (2 (p - 1)): a random base point, a random order of the dimensions and a random
 * direction for each; each step moves one coordinate by ±Δ. Point t·(dim + 1) + s is step s of
 * trajectory t (s = 0 is the start).
 */
export function morrisDesign(trajectories: number, dim: number, levels: number, seed: number): MorrisDesign {
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0) throw new RangeError(`Morris design: levels must be an even whole number >= 2, got ${levels}`);
  if (!Number.isInteger(trajectories) || trajectories < 2) throw new RangeError(`Morris design: at least 2 trajectories are needed, got ${trajectories}`);
  const delta = levels / (2 * (levels - 1));
  const nPts = dim + 1;
  const x = new Float64Array(trajectories * nPts * dim);
  const order = new Int32Array(trajectories * dim);
  const signs = new Int8Array(trajectories * dim);
  const rng = new Rng(deriveSeed(seed, 0x4d4f52));
  const half = levels / 2; // base levels 0 .. p/2 - 1 keep x + Δ <= 1
  const perm = new Int32Array(dim);
  for (let t = 0; t < trajectories; t++) {
    const start = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      const base = rng.int(half) / (levels - 1);
      const s = rng.next() < 0.5 ? 1 : -1;
      signs[t * dim + j] = s;
      start[j] = s > 0 ? base : base + delta;
    }
    for (let j = 0; j < dim; j++) perm[j] = j;
    rng.shuffle(perm);
    const cur = start.slice();
    x.set(cur, t * nPts * dim);
    for (let s = 1; s <= dim; s++) {
      const j = perm[s - 1];
      order[t * dim + s - 1] = j;
      cur[j] += signs[t * dim + j] * delta;
      // Snap to the grid (k / (p - 1)) to avoid round-off drift.
      cur[j] = Math.round(cur[j] * (levels - 1)) / (levels - 1);
      x.set(cur, (t * nPts + s) * dim);
    }
  }
  const design: MorrisDesign = {
    kind: 'morris',
    size: trajectories * nPts,
    dim,
    trajectories,
    levels,
    delta,
    point(i, out) {
      checkIndex(design, i);
      for (let j = 0; j < dim; j++) out[j] = x[i * dim + j];
    },
    moved: (t, s) => order[t * dim + s - 1],
    sign: (t, s) => signs[t * dim + order[t * dim + s - 1]],
  };
  return design;
}
