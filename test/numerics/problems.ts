/**
 * Initial-value test problems shared by the numerics tests and the benchmark (bench/ivp.ts).
 *
 * Stiff problems: Test Set for IVP Solvers, release 2.4 (F. Mazzia & C. Magherini, Univ. Bari,
 * 2008): HIRES, ROBER, OREGO, VDPOL (eps form), POLLU; plus the mu = 1000 Liénard form of VDPOL used
 * by cran/deTestSet and E5 (stiff DETEST, Enright, Hull & Lindberg 1975 / Bari test set). Analytic
 * Jacobians are written out here.
 *
 * Non-stiff problems: DETEST, T. E. Hull, W. H. Enright, B. M. Fellen & A. E. Sedgwick, "Comparing
 * numerical methods for ordinary differential equations", SIAM J. Numer. Anal. 9 (1972) 603–637,
 * classes A–E (C5, the five outer planets, and the discontinuous class F are not included).
 *
 * Reference end values are read from the shared fixture `ivp/ivp_reference.json` (the fixtures
 * directory comes from env NICHESIM_FIXTURES, default `../shared/fixtures` relative to the repo
 * root).
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OdeSystem } from '../../src/engines/ode/solvers/types.js';

/** One test problem: y' = f(t, y), y(t0) = y0 on [t0, tEnd]. */
export interface TestProblem {
  /** Key of the problem in ivp_reference.json. */
  readonly key: string;
  /** Short description. */
  readonly description: string;
  readonly system: OdeSystem;
  readonly t0: number;
  readonly tEnd: number;
  /** A fresh copy of the initial state. */
  y0(): Float64Array;
}

function problem(
  key: string,
  description: string,
  system: OdeSystem,
  y0: number[],
  tEnd: number,
  t0 = 0,
): TestProblem {
  const init = Float64Array.from(y0);
  return { key, description, system, t0, tEnd, y0: () => Float64Array.from(init) };
}

// ---------------------------------------------------------------- stiff (Bari test set)

/** HIRES: High Irradiance RESponse, 8 species (Schäfer 1975; Bari test set). */
export const HIRES = problem(
  'HIRES',
  'HIRES plant photomorphogenesis, n=8',
  {
    n: 8,
    autonomous: true,
    rhs(_t, y, f) {
      f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
      f[1] = 1.71 * y[0] - 8.75 * y[1];
      f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
      f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
      f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
      f[5] = -280 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
      f[6] = 280 * y[5] * y[7] - 1.81 * y[6];
      f[7] = -280 * y[5] * y[7] + 1.81 * y[6];
    },
    jacobian(_t, y, J) {
      J.fill(0);
      const n = 8;
      J[0 * n + 0] = -1.71;
      J[0 * n + 1] = 0.43;
      J[0 * n + 2] = 8.32;
      J[1 * n + 0] = 1.71;
      J[1 * n + 1] = -8.75;
      J[2 * n + 2] = -10.03;
      J[2 * n + 3] = 0.43;
      J[2 * n + 4] = 0.035;
      J[3 * n + 1] = 8.32;
      J[3 * n + 2] = 1.71;
      J[3 * n + 3] = -1.12;
      J[4 * n + 4] = -1.745;
      J[4 * n + 5] = 0.43;
      J[4 * n + 6] = 0.43;
      J[5 * n + 3] = 0.69;
      J[5 * n + 4] = 1.71;
      J[5 * n + 5] = -0.43 - 280 * y[7];
      J[5 * n + 6] = 0.69;
      J[5 * n + 7] = -280 * y[5];
      J[6 * n + 5] = 280 * y[7];
      J[6 * n + 6] = -1.81;
      J[6 * n + 7] = 280 * y[5];
      J[7 * n + 5] = -280 * y[7];
      J[7 * n + 6] = 1.81;
      J[7 * n + 7] = -280 * y[5];
    },
  },
  [1, 0, 0, 0, 0, 0, 0, 0.0057],
  321.8122,
);

/** ROBER: Robertson's chemical kinetics, k1 = 0.04, k2 = 3e7, k3 = 1e4, on [0, 1e11]. */
export const ROBER = problem(
  'ROBER',
  'Robertson kinetics, n=3, t in [0, 1e11]',
  {
    n: 3,
    autonomous: true,
    rhs(_t, y, f) {
      const r1 = 0.04 * y[0];
      const r2 = 3e7 * y[1] * y[1];
      const r3 = 1e4 * y[1] * y[2];
      f[0] = -r1 + r3;
      f[1] = r1 - r2 - r3;
      f[2] = r2;
    },
    jacobian(_t, y, J) {
      J[0] = -0.04;
      J[1] = 1e4 * y[2];
      J[2] = 1e4 * y[1];
      J[3] = 0.04;
      J[4] = -1e4 * y[2] - 6e7 * y[1];
      J[5] = -1e4 * y[1];
      J[6] = 0;
      J[7] = 6e7 * y[1];
      J[8] = 0;
    },
  },
  [1, 0, 0],
  1e11,
);

/** OREGO: Oregonator model of the Belousov–Zhabotinskii reaction, on [0, 360]. */
export const OREGO = problem(
  'OREGO',
  'Oregonator, n=3, t in [0, 360]',
  {
    n: 3,
    autonomous: true,
    rhs(_t, y, f) {
      f[0] = 77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1]));
      f[1] = (y[2] - (1 + y[0]) * y[1]) / 77.27;
      f[2] = 0.161 * (y[0] - y[2]);
    },
    jacobian(_t, y, J) {
      J[0] = 77.27 * (1 - 2 * 8.375e-6 * y[0] - y[1]);
      J[1] = 77.27 * (1 - y[0]);
      J[2] = 0;
      J[3] = -y[1] / 77.27;
      J[4] = -(1 + y[0]) / 77.27;
      J[5] = 1 / 77.27;
      J[6] = 0.161;
      J[7] = 0;
      J[8] = -0.161;
    },
  },
  [1, 2, 3],
  360,
);

/** Van der Pol in Liénard/mu form: y1' = y2, y2' = mu(1 − y1²)y2 − y1, mu = 1000, on [0, 2000]. */
export const VDPOL_MU1000 = problem(
  'VDPOL_MU1000',
  'Van der Pol mu=1000, n=2, t in [0, 2000]',
  {
    n: 2,
    autonomous: true,
    rhs(_t, y, f) {
      f[0] = y[1];
      f[1] = 1000 * (1 - y[0] * y[0]) * y[1] - y[0];
    },
    jacobian(_t, y, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = -2000 * y[0] * y[1] - 1;
      J[3] = 1000 * (1 - y[0] * y[0]);
    },
  },
  [2, 0],
  2000,
);

/** Van der Pol, Bari test-set scaling: y2' = ((1 − y1²)y2 − y1)/eps, eps = 1e-6, on [0, 2]. */
export const VDPOL = problem(
  'VDPOL',
  'Van der Pol eps=1e-6 (Bari scaling), n=2, t in [0, 2]',
  {
    n: 2,
    autonomous: true,
    rhs(_t, y, f) {
      f[0] = y[1];
      f[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
    },
    jacobian(_t, y, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = (-2 * y[0] * y[1] - 1) / 1e-6;
      J[3] = (1 - y[0] * y[0]) / 1e-6;
    },
  },
  [2, 0],
  2,
);

// POLLU: 25 reactions among 20 species (Verwer 1994; Bari test set). Rate r_j = k_j · Π reactants.
const POLLU_K = [
  0.35, 0.266e2, 0.123e5, 0.86e-3, 0.82e-3, 0.15e5, 0.13e-3, 0.24e5, 0.165e5, 0.9e4, 0.22e-1, 0.12e5,
  0.188e1, 0.163e5, 0.48e7, 0.35e-3, 0.175e-1, 0.1e9, 0.444e12, 0.124e4, 0.21e1, 0.578e1, 0.474e-1,
  0.178e4, 0.312e1,
];
/** Reactant species (0-based) of each reaction; -1 for a first-order reaction. */
const POLLU_REACTANTS: ReadonlyArray<readonly [number, number]> = [
  [0, -1], [1, 3], [4, 1], [6, -1], [6, -1], [6, 5], [8, -1], [8, 5], [10, 1], [10, 0], [12, -1],
  [9, 1], [13, -1], [0, 5], [2, -1], [3, -1], [3, -1], [15, -1], [15, -1], [16, 5], [18, -1],
  [18, -1], [0, 3], [18, 0], [19, -1],
];
/** dy_i/dt = Σ coeff · r_j, as [reaction, coefficient] pairs per species (0-based). */
const POLLU_STOICH: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = [
  [[0, -1], [9, -1], [13, -1], [22, -1], [23, -1], [1, 1], [2, 1], [8, 1], [10, 1], [11, 1], [21, 1], [24, 1]],
  [[1, -1], [2, -1], [8, -1], [11, -1], [0, 1], [20, 1]],
  [[14, -1], [0, 1], [16, 1], [18, 1], [21, 1]],
  [[1, -1], [15, -1], [16, -1], [22, -1], [14, 1]],
  [[2, -1], [3, 2], [5, 1], [6, 1], [12, 1], [19, 1]],
  [[5, -1], [7, -1], [13, -1], [19, -1], [2, 1], [17, 2]],
  [[3, -1], [4, -1], [5, -1], [12, 1]],
  [[3, 1], [4, 1], [5, 1], [6, 1]],
  [[6, -1], [7, -1]],
  [[11, -1], [6, 1], [8, 1]],
  [[8, -1], [9, -1], [7, 1], [10, 1]],
  [[8, 1]],
  [[10, -1], [9, 1]],
  [[12, -1], [11, 1]],
  [[13, 1]],
  [[17, -1], [18, -1], [15, 1]],
  [[19, -1]],
  [[19, 1]],
  [[20, -1], [21, -1], [23, -1], [22, 1], [24, 1]],
  [[24, -1], [23, 1]],
];
const polluRates = new Float64Array(25);

/** POLLU: air-pollution chemistry, 20 species, 25 reactions, on [0, 60]. */
export const POLLU = problem(
  'POLLU',
  'Pollution (25 reactions), n=20, t in [0, 60]',
  {
    n: 20,
    autonomous: true,
    rhs(_t, y, f) {
      const r = polluRates;
      for (let j = 0; j < 25; j++) {
        const [a, b] = POLLU_REACTANTS[j];
        r[j] = b < 0 ? POLLU_K[j] * y[a] : POLLU_K[j] * y[a] * y[b];
      }
      for (let i = 0; i < 20; i++) {
        let s = 0;
        for (const [j, c] of POLLU_STOICH[i]) s += c * r[j];
        f[i] = s;
      }
    },
    jacobian(_t, y, J) {
      const n = 20;
      J.fill(0);
      for (let i = 0; i < n; i++) {
        for (const [j, c] of POLLU_STOICH[i]) {
          const [a, b] = POLLU_REACTANTS[j];
          const k = POLLU_K[j];
          if (b < 0) {
            J[i * n + a] += c * k;
          } else {
            J[i * n + a] += c * k * y[b];
            J[i * n + b] += c * k * y[a];
          }
        }
      }
    },
  },
  (() => {
    const y = new Array<number>(20).fill(0);
    y[1] = 0.2;
    y[3] = 0.04;
    y[6] = 0.1;
    y[7] = 0.3;
    y[8] = 0.01;
    y[16] = 0.007;
    return y;
  })(),
  60,
);

/** E5: chemical pyrolysis (stiff DETEST), Bari initial values, on [0, 1e13]. */
export const E5 = problem(
  'E5',
  'E5 pyrolysis, n=4, t in [0, 1e13]',
  (() => {
    const A = 7.89e-10;
    const B = 1.1e7;
    const C = 1.13e3;
    const M = 1e6;
    const sys: OdeSystem = {
      n: 4,
      autonomous: true,
      rhs(_t, y, f) {
        const r1 = A * y[0];
        const r2 = B * y[0] * y[2];
        const r3 = M * C * y[1] * y[2];
        const r4 = C * y[3];
        f[0] = -r1 - r2;
        f[1] = r1 - r3;
        f[3] = r2 - r4;
        f[2] = f[1] - f[3];
      },
      jacobian(_t, y, J) {
        J.fill(0);
        J[0] = -A - B * y[2];
        J[2] = -B * y[0];
        J[4] = A;
        J[5] = -M * C * y[2];
        J[6] = -M * C * y[1];
        J[12] = B * y[2];
        J[14] = B * y[0];
        J[15] = -C;
        // row 2 = row 1 − row 3
        for (let j = 0; j < 4; j++) J[8 + j] = J[4 + j] - J[12 + j];
      },
    };
    return sys;
  })(),
  [1.76e-3, 0, 0, 0],
  1e13,
);

/** Stiff problems tested against the fixture (keys of ivp_reference.json). */
export const STIFF_PROBLEMS: readonly TestProblem[] = [HIRES, ROBER, OREGO, VDPOL_MU1000, VDPOL, POLLU];

// ---------------------------------------------------------------- DETEST (non-stiff), t in [0, 20]

function detest(id: string, description: string, n: number, rhs: OdeSystem['rhs'], y0: number[], autonomous: boolean): TestProblem {
  return problem(`DETEST_${id}`, `DETEST ${id}: ${description}`, { n, rhs, autonomous }, y0, 20);
}

function chainHeat(n: number): OdeSystem['rhs'] {
  return (_t, y, f) => {
    f[0] = -2 * y[0] + y[1];
    for (let i = 1; i < n - 1; i++) f[i] = y[i - 1] - 2 * y[i] + y[i + 1];
    f[n - 1] = y[n - 2] - 2 * y[n - 1];
  };
}

function kepler(id: string, e: number): TestProblem {
  return detest(
    id,
    `Kepler orbit, eccentricity ${e}`,
    4,
    (_t, y, f) => {
      const r2 = y[0] * y[0] + y[1] * y[1];
      const r3 = r2 * Math.sqrt(r2);
      f[0] = y[2];
      f[1] = y[3];
      f[2] = -y[0] / r3;
      f[3] = -y[1] / r3;
    },
    [1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))],
    true,
  );
}

/** DETEST classes A–E (24 problems; C5 omitted). */
export const DETEST_PROBLEMS: readonly TestProblem[] = [
  detest('A1', "y' = -y", 1, (_t, y, f) => { f[0] = -y[0]; }, [1], true),
  detest('A2', "y' = -y^3/2", 1, (_t, y, f) => { f[0] = (-y[0] * y[0] * y[0]) / 2; }, [1], true),
  detest('A3', "y' = y cos t", 1, (t, y, f) => { f[0] = y[0] * Math.cos(t); }, [1], false),
  detest('A4', "y' = y(1 - y/20)/4", 1, (_t, y, f) => { f[0] = (y[0] / 4) * (1 - y[0] / 20); }, [1], true),
  detest('A5', "y' = (y - t)/(y + t)", 1, (t, y, f) => { f[0] = (y[0] - t) / (y[0] + t); }, [4], false),
  detest('B1', 'Lotka-Volterra', 2, (_t, y, f) => {
    f[0] = 2 * (y[0] - y[0] * y[1]);
    f[1] = -(y[1] - y[0] * y[1]);
  }, [1, 3], true),
  detest('B2', 'linear 3-component', 3, (_t, y, f) => {
    f[0] = -y[0] + y[1];
    f[1] = y[0] - 2 * y[1] + y[2];
    f[2] = y[1] - y[2];
  }, [2, 0, 1], true),
  detest('B3', 'nonlinear chemical', 3, (_t, y, f) => {
    f[0] = -y[0];
    f[1] = y[0] - y[1] * y[1];
    f[2] = y[1] * y[1];
  }, [1, 0, 0], true),
  detest('B4', 'rotation', 3, (_t, y, f) => {
    const r = Math.sqrt(y[0] * y[0] + y[1] * y[1]);
    f[0] = -y[1] - (y[0] * y[2]) / r;
    f[1] = y[0] - (y[1] * y[2]) / r;
    f[2] = y[0] / r;
  }, [3, 0, 0], true),
  detest('B5', 'Euler rigid body (Krogh)', 3, (_t, y, f) => {
    f[0] = y[1] * y[2];
    f[1] = -y[0] * y[2];
    f[2] = -0.51 * y[0] * y[1];
  }, [0, 1, 1], true),
  detest('C1', 'radioactive chain, equal rates', 10, (_t, y, f) => {
    f[0] = -y[0];
    for (let i = 1; i < 9; i++) f[i] = y[i - 1] - y[i];
    f[9] = y[8];
  }, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], true),
  detest('C2', 'radioactive chain, rates 1..9', 10, (_t, y, f) => {
    f[0] = -y[0];
    for (let i = 1; i < 9; i++) f[i] = i * y[i - 1] - (i + 1) * y[i];
    f[9] = 9 * y[8];
  }, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], true),
  detest('C3', 'tridiagonal heat, n=10', 10, chainHeat(10), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], true),
  detest('C4', 'tridiagonal heat, n=51', 51, chainHeat(51), [1, ...new Array<number>(50).fill(0)], true),
  kepler('D1', 0.1),
  kepler('D2', 0.3),
  kepler('D3', 0.5),
  kepler('D4', 0.7),
  kepler('D5', 0.9),
  detest('E1', 'Bessel order 1/2, shifted', 2, (t, y, f) => {
    const s = t + 1;
    f[0] = y[1];
    f[1] = -(y[1] / s + (1 - 0.25 / (s * s)) * y[0]);
  }, [Math.sqrt(2 / Math.PI) * Math.sin(1), Math.sqrt(2 / Math.PI) * (Math.cos(1) - 0.5 * Math.sin(1))], false),
  detest('E2', 'Van der Pol mu=1', 2, (_t, y, f) => {
    f[0] = y[1];
    f[1] = (1 - y[0] * y[0]) * y[1] - y[0];
  }, [2, 0], true),
  detest('E3', 'forced Duffing', 2, (t, y, f) => {
    f[0] = y[1];
    f[1] = (y[0] * y[0] * y[0]) / 6 - y[0] + 2 * Math.sin(2.78535 * t);
  }, [0, 0], false),
  detest('E4', 'quadratic drag', 2, (_t, y, f) => {
    f[0] = y[1];
    f[1] = 0.032 - 0.4 * y[1] * y[1];
  }, [30, 0], true),
  detest('E5', 'sqrt(1+y2^2)/(25-t)', 2, (t, y, f) => {
    f[0] = y[1];
    f[1] = Math.sqrt(1 + y[1] * y[1]) / (25 - t);
  }, [0, 0], false),
];

// ---------------------------------------------------------------- fixtures

/** One entry of ivp_reference.json (the fields used here). */
export interface IvpReferenceEntry {
  name: string;
  dim: number;
  t0: number;
  t_end: number;
  y_end: number[];
}

/** Directory of the shared fixtures: env NICHESIM_FIXTURES, else <repo root>/../shared/fixtures. */
export function fixturesDir(): string {
  const fromEnv = process.env.NICHESIM_FIXTURES;
  if (fromEnv && fromEnv.length > 0) return resolve(fromEnv);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return resolve(repoRoot, '..', 'shared', 'fixtures');
}

/** Path of ivp_reference.json. */
export function ivpReferencePath(): string {
  return resolve(fixturesDir(), 'ivp', 'ivp_reference.json');
}

/** Reads ivp_reference.json in place; null when the file does not exist. */
export function loadIvpReference(): Record<string, IvpReferenceEntry> | null {
  const p = ivpReferencePath();
  if (!existsSync(p)) return null;
  const json = JSON.parse(readFileSync(p, 'utf8')) as { problems: Record<string, IvpReferenceEntry> };
  return json.problems;
}

/**
 * Mixed error check: the largest ratio |y_i − ref_i| / (atol + rtol·|ref_i|) over components
 * (<= 1 means every component passes).
 */
export function mixedErrorRatio(y: ArrayLike<number>, ref: ArrayLike<number>, rtol: number, atol: number): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Math.abs(y[i] - ref[i]) / (atol + rtol * Math.abs(ref[i]));
    if (!(r <= worst)) worst = r; // NaN propagates as "worst"
  }
  return worst;
}

/**
 * Significant digits of agreement: min over components with ref_i ≠ 0 of −log10(|y_i − ref_i|/|ref_i|),
 * capped at 16.
 */
export function significantDigits(y: ArrayLike<number>, ref: ArrayLike<number>): number {
  let digits = 16;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === 0) continue;
    const rel = Math.abs(y[i] - ref[i]) / Math.abs(ref[i]);
    const d = rel === 0 ? 16 : -Math.log10(rel);
    if (!(d >= digits)) digits = d;
  }
  return Math.min(16, digits);
}
