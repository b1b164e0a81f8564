/**
 * Nelder-Mead simplex minimisation (layer 4): Nelder & Mead (1965) with the adaptive coefficients
 * of Gao & Han (2012) for dimension > 2, scipy-style convergence test (simplex diameter <= xTol
 * and spread of values <= fTol) and restarts from the best point (a converged simplex can be
 * degenerate; restarting guards against false convergence, Kelley 1999). Non-finite objective
 * values count as +Infinity, so a failed simulation is simply a bad point.
 */

export interface NelderMeadOptions {
  /** Initial step along each axis (a number for all), default 0.1 (or 0.05·|x| when larger). */
  step?: number | readonly number[];
  /** Evaluation budget, default 200·dim. */
  maxEvaluations?: number;
  /** Absolute tolerance on the simplex vertices, default 1e-8. */
  xTolerance?: number;
  /** Absolute tolerance on the objective spread, default 1e-10. */
  fTolerance?: number;
  /** Gao-Han adaptive coefficients (default: true when dim > 2). */
  adaptive?: boolean;
  /** Restarts after convergence, default 2. */
  restarts?: number;
}

export interface OptimisationResult {
  x: Float64Array;
  f: number;
  evaluations: number;
  iterations: number;
  converged: boolean;
  message: string;
}

/** Minimises f from x0. */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): OptimisationResult {
  const n = x0.length;
  if (n === 0) {
    const x = new Float64Array(0);
    return { x, f: safe(f(x)), evaluations: 1, iterations: 0, converged: true, message: 'nothing to optimise' };
  }
  const maxEval = options.maxEvaluations ?? 200 * n;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-10;
  const adaptive = options.adaptive ?? n > 2;
  const rho = 1;
  const chi = adaptive ? 1 + 2 / n : 2;
  const psi = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
  const sigma = adaptive ? 1 - 1 / n : 0.5;
  const steps = Array.from({ length: n }, (_, i) => {
    const s = options.step;
    if (typeof s === 'number') return s;
    if (s) return s[i];
    return Math.max(0.1, 0.05 * Math.abs(x0[i]));
  });

  let evaluations = 0;
  const evalf = (x: Float64Array) => {
    evaluations++;
    return safe(f(x));
  };

  let best = Float64Array.from(x0);
  let fBest = evalf(best);
  let iterations = 0;
  let converged = false;
  let message = '';
  const restarts = options.restarts ?? 2;

  for (let round = 0; round <= restarts; round++) {
    // Simplex around the best point.
    const sim: Float64Array[] = [best.slice()];
    const fs: number[] = [fBest];
    for (let i = 0; i < n; i++) {
      const v = best.slice();
      v[i] += steps[i] === 0 ? 0.00025 : steps[i];
      sim.push(v);
      fs.push(evalf(v));
    }
    const order = Array.from({ length: n + 1 }, (_, i) => i);
    const xbar = new Float64Array(n);
    const point = (a: number, b: number, worst: Float64Array) => {
      const p = new Float64Array(n);
      for (let j = 0; j < n; j++) p[j] = a * xbar[j] + b * worst[j];
      return p;
    };
    converged = false;
    while (evaluations < maxEval) {
      order.sort((a, b) => fs[a] - fs[b]);
      const b0 = sim[order[0]];
      let dx = 0;
      let df = 0;
      for (let k = 1; k <= n; k++) {
        const v = sim[order[k]];
        for (let j = 0; j < n; j++) dx = Math.max(dx, Math.abs(v[j] - b0[j]));
        df = Math.max(df, Math.abs(fs[order[k]] - fs[order[0]]));
      }
      if (dx <= xTol && (df <= fTol || !Number.isFinite(fs[order[0]]))) {
        converged = true;
        break;
      }
      iterations++;
      xbar.fill(0);
      for (let k = 0; k < n; k++) {
        const v = sim[order[k]];
        for (let j = 0; j < n; j++) xbar[j] += v[j] / n;
      }
      const w = order[n];
      const worst = sim[w];
      const xr = point(1 + rho, -rho, worst);
      const fr = evalf(xr);
      let shrink = false;
      if (fr < fs[order[0]]) {
        const xe = point(1 + rho * chi, -rho * chi, worst);
        const fe = evalf(xe);
        if (fe < fr) (sim[w] = xe), (fs[w] = fe);
        else (sim[w] = xr), (fs[w] = fr);
      } else if (fr < fs[order[n - 1]]) {
        sim[w] = xr;
        fs[w] = fr;
      } else if (fr < fs[w]) {
        const xc = point(1 + psi * rho, -psi * rho, worst);
        const fc = evalf(xc);
        if (fc <= fr) (sim[w] = xc), (fs[w] = fc);
        else shrink = true;
      } else {
        const xcc = point(1 - psi, psi, worst);
        const fcc = evalf(xcc);
        if (fcc < fs[w]) (sim[w] = xcc), (fs[w] = fcc);
        else shrink = true;
      }
      if (shrink) {
        const b = sim[order[0]];
        for (let k = 1; k <= n; k++) {
          const idx = order[k];
          const v = sim[idx];
          for (let j = 0; j < n; j++) v[j] = b[j] + sigma * (v[j] - b[j]);
          fs[idx] = evalf(v);
        }
      }
    }
    let ib = 0;
    for (let k = 1; k <= n; k++) if (fs[k] < fs[ib]) ib = k;
    const improvement = fBest - fs[ib];
    if (fs[ib] <= fBest) {
      best = sim[ib].slice();
      fBest = fs[ib];
    }
    if (!converged) {
      message = `stopped after ${evaluations} evaluations (budget ${maxEval}) before converging`;
      break;
    }
    message = `converged after ${evaluations} evaluations`;
    if (round > 0 && !(improvement > fTol)) break;
  }
  return { x: best, f: fBest, evaluations, iterations, converged, message };
}

function safe(v: number): number {
  return Number.isFinite(v) ? v : Infinity;
}
