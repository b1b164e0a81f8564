/**
 * Measured orders of convergence with fixed steps (option `fixedStep`, no error control).
 *
 * The observed order is the least-squares slope of log(error) against log(h).
 * - DOPRI5: global order 5, accepted slope 4.7–5.3.
 * - Rodas4: global order 4 on a mildly stiff linear system (eigenvalues −1, −50), accepted 3.7–4.3.
 * - Dense output: local error of the interpolant after one step from the exact value is
 *   O(h^(p*+1)); interpolant order p* = slope − 1, demanded >= 3.8 for DOPRI5 (p* = 4) and
 *   in [2.7, 3.5] for Rodas4 (p* = 3).
 */

import { describe, expect, it } from 'vitest';
import { createIntegrator, solveOnGrid } from '../../src/engines/ode/solvers/integrator.js';
import type { OdeMethod, OdeSystem } from '../../src/engines/ode/solvers/types.js';

/** Least-squares slope of log(e) versus log(h). */
function observedOrder(hs: number[], errs: number[]): number {
  const n = hs.length;
  const lx = hs.map(Math.log);
  const ly = errs.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) * (lx[i] - mx);
  }
  return sxy / sxx;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** y' = y cos t, y(0) = 1: y = exp(sin t) (DETEST A3; non-autonomous). */
const expSin: OdeSystem = {
  n: 1,
  rhs(t, y, f) {
    f[0] = y[0] * Math.cos(t);
  },
};
const expSinExact = (t: number): Float64Array => Float64Array.of(Math.exp(Math.sin(t)));

/** Kepler orbit, eccentricity 0.1, semi-major axis 1: periodic with period 2π (DETEST D1). */
const KEPLER_E = 0.1;
const kepler: OdeSystem = {
  n: 4,
  autonomous: true,
  rhs(_t, y, f) {
    const r2 = y[0] * y[0] + y[1] * y[1];
    const r3 = r2 * Math.sqrt(r2);
    f[0] = y[2];
    f[1] = y[3];
    f[2] = -y[0] / r3;
    f[3] = -y[1] / r3;
  },
};
const keplerY0 = Float64Array.of(1 - KEPLER_E, 0, 0, Math.sqrt((1 + KEPLER_E) / (1 - KEPLER_E)));

/**
 * Mildly stiff linear system y' = A y with A = Q·diag(−1, −50)·Qᵀ, Q the rotation by 0.3 rad;
 * y(t) = Q·diag(e^−t, e^−50t)·Qᵀ·y0.
 */
const TH = 0.3;
const CQ = Math.cos(TH);
const SQ = Math.sin(TH);
const L1 = -1;
const L2 = -50;
const A = [CQ * CQ * L1 + SQ * SQ * L2, CQ * SQ * (L1 - L2), CQ * SQ * (L1 - L2), SQ * SQ * L1 + CQ * CQ * L2];
const linear: OdeSystem = {
  n: 2,
  autonomous: true,
  rhs(_t, y, f) {
    f[0] = A[0] * y[0] + A[1] * y[1];
    f[1] = A[2] * y[0] + A[3] * y[1];
  },
  jacobian(_t, _y, J) {
    J[0] = A[0];
    J[1] = A[1];
    J[2] = A[2];
    J[3] = A[3];
  },
};
const linearY0 = Float64Array.of(1, 1);
function linearExact(t: number): Float64Array {
  const z1 = CQ * linearY0[0] + SQ * linearY0[1];
  const z2 = -SQ * linearY0[0] + CQ * linearY0[1];
  const e1 = z1 * Math.exp(L1 * t);
  const e2 = z2 * Math.exp(L2 * t);
  return Float64Array.of(CQ * e1 - SQ * e2, SQ * e1 + CQ * e2);
}

/** Global error at T with N fixed steps, for each N. */
function globalErrors(
  method: OdeMethod,
  sys: OdeSystem,
  y0: Float64Array,
  T: number,
  exact: Float64Array,
  Ns: number[],
): { hs: number[]; errs: number[] } {
  const hs: number[] = [];
  const errs: number[] = [];
  for (const N of Ns) {
    const h = T / N;
    const r = solveOnGrid(method, sys, y0, Float64Array.of(0, T), { fixedStep: h });
    expect(r.status).toBe('ok');
    expect(r.stats.acceptedSteps).toBe(N);
    expect(r.stats.rejectedSteps).toBe(0);
    hs.push(h);
    errs.push(maxAbsDiff(r.values.subarray(sys.n), exact));
  }
  return { hs, errs };
}

/** Local error of the dense output at t0 + θh after one step of size h from the exact y(t0). */
function denseLocalErrors(
  method: OdeMethod,
  sys: OdeSystem,
  exact: (t: number) => Float64Array,
  t0: number,
  theta: number,
  hs: number[],
): number[] {
  const out = new Float64Array(sys.n);
  return hs.map((h) => {
    const integ = createIntegrator(method, sys, t0, exact(t0), { fixedStep: h });
    expect(integ.advanceTo(t0 + theta * h, out)).toBe('ok');
    expect(integ.stats.acceptedSteps).toBe(1);
    return maxAbsDiff(out, exact(t0 + theta * h));
  });
}

function fmt(errs: number[]): string {
  return errs.map((e) => e.toExponential(2)).join(', ');
}

describe('DOPRI5 order of convergence (fixed steps)', () => {
  it('y\' = y cos t on [0, 2], N = 8…128: observed order in [4.7, 5.3]', () => {
    const { hs, errs } = globalErrors('dopri5', expSin, expSinExact(0), 2, expSinExact(2), [8, 16, 32, 64, 128]);
    const p = observedOrder(hs, errs);
    console.log(`[convergence] dopri5 exp(sin t): errors ${fmt(errs)}; order ${p.toFixed(3)}`);
    expect(errs[errs.length - 1]).toBeGreaterThan(1e-14); // still above round-off
    expect(p).toBeGreaterThanOrEqual(4.7);
    expect(p).toBeLessThanOrEqual(5.3);
  });

  it('Kepler orbit e = 0.1 over one period 2π (exact: back to y0), N = 32…256: order in [4.7, 5.3]', () => {
    const { hs, errs } = globalErrors('dopri5', kepler, keplerY0, 2 * Math.PI, keplerY0, [32, 64, 128, 256]);
    const p = observedOrder(hs, errs);
    console.log(`[convergence] dopri5 Kepler: errors ${fmt(errs)}; order ${p.toFixed(3)}`);
    expect(p).toBeGreaterThanOrEqual(4.7);
    expect(p).toBeLessThanOrEqual(5.3);
  });

  it('dense output: local interpolation error at θ = 0.4 is O(h^5), i.e. interpolant order >= 3.8 (nominal 4)', () => {
    const hs = [0.4, 0.2, 0.1, 0.05, 0.025];
    const errs = denseLocalErrors('dopri5', expSin, expSinExact, 0.5, 0.4, hs);
    const p = observedOrder(hs, errs) - 1;
    console.log(`[convergence] dopri5 dense output: local errors ${fmt(errs)}; interpolant order ${p.toFixed(3)}`);
    expect(p).toBeGreaterThanOrEqual(3.8);
    expect(p).toBeLessThanOrEqual(4.6);
  });

  it('dense output at off-grid times keeps the global order (>= 4.5) on y\' = y cos t', () => {
    const hs: number[] = [];
    const errs: number[] = [];
    const out = new Float64Array(1);
    for (const N of [8, 16, 32, 64, 128]) {
      const h = 2 / N;
      const integ = createIntegrator('dopri5', expSin, 0, expSinExact(0), { fixedStep: h });
      let worst = 0;
      for (const t of [0.3 * h, 0.77, 1.234567, 1.9999]) {
        expect(integ.advanceTo(t, out)).toBe('ok');
        worst = Math.max(worst, Math.abs(out[0] - expSinExact(t)[0]));
      }
      hs.push(h);
      errs.push(worst);
    }
    const p = observedOrder(hs, errs);
    console.log(`[convergence] dopri5 off-grid dense values: errors ${fmt(errs)}; order ${p.toFixed(3)}`);
    expect(p).toBeGreaterThanOrEqual(4.5);
  });
});

describe('Rodas4 order of convergence (fixed steps)', () => {
  it('mildly stiff linear system (λ = −1, −50) on [0, 1], N = 8…128: observed order in [3.7, 4.3]', () => {
    const { hs, errs } = globalErrors('rodas4', linear, linearY0, 1, linearExact(1), [8, 16, 32, 64, 128]);
    const p = observedOrder(hs, errs);
    console.log(`[convergence] rodas4 linear stiff: errors ${fmt(errs)}; order ${p.toFixed(3)}`);
    expect(p).toBeGreaterThanOrEqual(3.7);
    expect(p).toBeLessThanOrEqual(4.3);
  });

  it('L-stability: one huge step on y\' = −1e8·y damps the solution (|y1/y0| < 1e-6)', () => {
    const stiff: OdeSystem = {
      n: 1,
      autonomous: true,
      rhs: (_t, y, f) => {
        f[0] = -1e8 * y[0];
      },
      jacobian: (_t, _y, J) => {
        J[0] = -1e8;
      },
    };
    const r = solveOnGrid('rodas4', stiff, Float64Array.of(1), Float64Array.of(0, 1), { fixedStep: 1 });
    expect(r.status).toBe('ok');
    expect(Math.abs(r.values[1])).toBeLessThan(1e-6);
  });

  it('dense output: local interpolation error at θ = 0.4 is O(h^4), i.e. interpolant order in [2.7, 3.5] (nominal 3)', () => {
    const hs = [0.4, 0.2, 0.1, 0.05, 0.025];
    const errs = denseLocalErrors('rodas4', expSin, expSinExact, 0.5, 0.4, hs);
    const p = observedOrder(hs, errs) - 1;
    console.log(`[convergence] rodas4 dense output: local errors ${fmt(errs)}; interpolant order ${p.toFixed(3)}`);
    expect(p).toBeGreaterThanOrEqual(2.7);
    expect(p).toBeLessThanOrEqual(3.5);
  });
});
