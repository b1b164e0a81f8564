/**
 * The mean-field engine's analytic Jacobian (src/engines/ode/meanFieldJacobian.ts) against a
 * careful numerical Jacobian, and its effect on whole runs.
 *
 * Numerical reference, column by column (y_j the component, s_j = max(|y_j|, 1e-3) its scale):
 * - y_j > 0: Ridders' extrapolation of central differences (Numerical Recipes §5.7, dfridr): steps
 *   H, H/1.4, H/1.4², ... with H = min(0.05·s_j, 0.9·y_j) (the stencil never crosses the kink at
 *   0), a Neville tableau, and per entry the estimate with the smallest estimated error. Plain
 *   central differences with a fixed step such as 1e-6·s_j are not accurate enough here: their
 *   round-off reaches ~3e-4 relative in columns of small pools, and a step larger than a tiny
 *   positive y_j crosses 0 where Hill terms (x/h)^n with n ≠ 1 curve sharply.
 * - y_j <= 0 (a kink): backward differences with step 1e-3·s_j. There pos(y_j), and Hill terms of
 *   a signal at 0, are flat, which is the side the right-hand side and the analytic Jacobian
 *   define the derivative on (derivative 0 at x <= 0); everything else is linear in y_j there.
 *
 * Tolerance, stated once: with the row scale r_i = max_j |Jnum[i, j]|,
 * - entries with |Jnum[i, j]| > 1e-8·r_i must agree to relative 1e-5:
 *     |Jana − Jnum| <= 1e-5 · |Jnum|;
 * - smaller entries must stay small: |Jana − Jnum| <= 1e-8 · r_i.
 */
import { describe, expect, it } from 'vitest';
import { compileModel, type CompiledModel } from '../../src/compile/compile.js';
import { MeanFieldSystem } from '../../src/engines/ode/meanField.js';
import { createIntegrator } from '../../src/engines/ode/solvers/integrator.js';
import type { IntegratorStats, OdeSystem } from '../../src/engines/ode/solvers/types.js';
import { loadModelFile } from '../../src/io/load.js';
import type { Model } from '../../src/model/model.js';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';
import { evaluateResponse } from '../../src/vocabulary/responses.js';

const REL_TOL = 1e-5;
const FLOOR = 1e-8;
const DAY = 1440;

/** Careful numerical Jacobian of sys at (t, y0), see the file header. */
function numericalJacobian(sys: MeanFieldSystem, t: number, y0: Float64Array): Float64Array {
  const n = sys.n;
  const J = new Float64Array(n * n);
  const y = y0.slice();
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  const column = (j: number, h: number): Float64Array => {
    y[j] = y0[j] + h;
    sys.rhs(t, y, fp);
    y[j] = y0[j] - h;
    sys.rhs(t, y, fm);
    y[j] = y0[j];
    return Float64Array.from(fp, (v, i) => (v - fm[i]) / (2 * h));
  };
  for (let j = 0; j < n; j++) {
    const yj = y0[j];
    const scale = Math.max(Math.abs(yj), 1e-3);
    if (yj <= 0) {
      const d = 1e-3 * scale;
      sys.rhs(t, y, fp);
      y[j] = yj - d;
      sys.rhs(t, y, fm);
      y[j] = yj;
      for (let i = 0; i < n; i++) J[i * n + j] = (fp[i] - fm[i]) / d;
      continue;
    }
    const d = ridders((h) => column(j, h), Math.min(0.05 * scale, 0.9 * yj), n);
    for (let i = 0; i < n; i++) J[i * n + j] = d[i];
  }
  return J;
}

/**
 * Ridders' method (Numerical Recipes, 3rd ed., §5.7) on a vector of central differences D(h):
 * per component, the extrapolated value with the smallest error estimate.
 */
function ridders(D: (h: number) => Float64Array, H: number, n: number): Float64Array {
  const CON = 1.4;
  const CON2 = CON * CON;
  const NTAB = 12;
  const SAFE = 2;
  const best = new Float64Array(n);
  const err = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  const a: Float64Array[][] = [];
  let h = H;
  for (let i = 0; i < NTAB; i++) {
    a.push([]);
    a[i][0] = D(h);
    let fac = CON2;
    for (let j = 1; j <= i; j++) {
      a[i][j] = new Float64Array(n);
      for (let k = 0; k < n; k++) a[i][j][k] = (a[i][j - 1][k] * fac - a[i - 1][j - 1][k]) / (fac - 1);
      fac *= CON2;
      for (let k = 0; k < n; k++) {
        if (done[k]) continue;
        const e = Math.max(Math.abs(a[i][j][k] - a[i][j - 1][k]), Math.abs(a[i][j][k] - a[i - 1][j - 1][k]));
        if (e <= err[k]) {
          err[k] = e;
          best[k] = a[i][j][k];
        }
      }
    }
    if (i === 0) for (let k = 0; k < n; k++) best[k] = a[0][0][k];
    if (i > 0) for (let k = 0; k < n; k++) if (Math.abs(a[i][i][k] - a[i - 1][i - 1][k]) >= SAFE * err[k]) done[k] = 1;
    h /= CON;
  }
  return best;
}

/** Compares the analytic Jacobian with the numerical one; returns a list of failures (empty = ok). */
function compareJacobian(sys: MeanFieldSystem, t: number, y: Float64Array): { failures: string[]; nonzero: number } {
  const n = sys.n;
  const ana = new Float64Array(n * n).fill(NaN); // must be overwritten entirely
  sys.jacobian(t, y, ana);
  const num = numericalJacobian(sys, t, y);
  const names = sys.stateNames();
  const failures: string[] = [];
  let nonzero = 0;
  for (let i = 0; i < n; i++) {
    let rowScale = 0;
    for (let j = 0; j < n; j++) rowScale = Math.max(rowScale, Math.abs(num[i * n + j]));
    for (let j = 0; j < n; j++) {
      const a = ana[i * n + j];
      const b = num[i * n + j];
      if (b !== 0) nonzero++;
      const err = Math.abs(a - b);
      const large = Math.abs(b) > FLOOR * rowScale;
      const ok = large ? err <= REL_TOL * Math.abs(b) : err <= FLOOR * rowScale;
      if (!ok) failures.push(`d f[${names[i]}] / d y[${names[j]}]: analytic ${a}, numerical ${b} (row scale ${rowScale})`);
    }
  }
  return { failures, nonzero };
}

/** The system with the `jacobian` method hidden (Rodas4 then uses forward differences). */
function withoutJacobian(sys: MeanFieldSystem): OdeSystem {
  return { n: sys.n, autonomous: sys.autonomous, rhs: (t, y, dy) => sys.rhs(t, y, dy) };
}

/** Integrates with Rodas4 as the engine does (same tolerances), returning states at the given days. */
function integrate(model: CompiledModel, days: number[], hideJacobian = false): { states: Float64Array[]; stats: IntegratorStats; sys: MeanFieldSystem } {
  const sys = new MeanFieldSystem(model);
  const nT = sys.nT;
  const atol = new Float64Array(sys.n);
  atol.fill(1e-6, 0, 3 * nT);
  atol.fill(1e-9, 3 * nT);
  const y = sys.initialState();
  const integrator = createIntegrator('rodas4', hideJacobian ? withoutJacobian(sys) : sys, 0, y, { rtol: 1e-6, atol });
  const states: Float64Array[] = [];
  let day = 0;
  for (const d of days) {
    for (; day < d; day++) expect(integrator.advanceTo((day + 1) * DAY, y)).toBe('ok');
    states.push(y.slice());
  }
  return { states, stats: { ...integrator.stats }, sys };
}

const aml = loadModelFile('models/aml-niche.yaml').model;
const amlCompiled = compileModel(aml);

/**
 * A small model that exercises every term of the equations and every kind of rule: transformation
 * both ways, phagocytosis of live cells (including of its own type), attack, phagocytosis of
 * apoptotic and necrotic cells, secretion / target / uptake / export, dead-cell uptake at 0.1x,
 * a Dirichlet boundary, rules on every behaviour kind of the mean-field equations, several up and
 * down rules on one behaviour, Hill powers 1, 2, 3, 4 and 1.5, a half-max of 0, signals of every
 * kind (substrates, contact with a type, with live and dead cells, pressure, volume, time, dead).
 */
const EVERY_TERM = `nichesim: 1
name: every_term
niche: {volume: 2e5 um^3}
simulation: {t_end: 20 day, output_interval: 1 day}
substrates:
  S1: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min, initial_condition: 0.5, dirichlet_boundary: {enabled: true, value: 2}}
  S2: {unit: uM, diffusion_coefficient: 500 um^2/min, decay_rate: 0.1 1/min}
  S3: {unit: uM, diffusion_coefficient: 800 um^2/min, decay_rate: 0.05 1/min, initial_condition: 1}
cell_types:
  P:
    initial_number: 20
    volume: 1500 um^3
    cycle_entry: 0.001 1/min
    apoptosis: 0.0008 1/min
    necrosis: 0.0002 1/min
    influx: 0.01 cells/min
    apoptotic_clearance_time: 300 min
    necrotic_clearance_time: 2000 min
    transformation: {Q: 0.001 1/min}
    phagocytosis: {apoptotic: 0.05 1/min, necrotic: 0.02 1/min, live: {T: 0.00001 1/min}}
    attack: {T: 0.000005 1/min}
    secretion:
      S1: {secretion_rate: 0.1 1/min, secretion_target: 3, uptake_rate: 0.05 1/min, net_export_rate: 10}
      S3: {uptake_rate: 0.02 1/min}
  Q:
    initial_number: 10
    volume: 2000 um^3
    apoptosis: 0.001 1/min
    necrosis: 0.0003 1/min
    transformation: {P: 0.002 1/min}
    phagocytosis: {live: {Q: 0.00003 1/min}, apoptotic: 0.01 1/min}
    attack: {P: 0.00001 1/min}
    secretion:
      S2: {secretion_rate: 0.05 1/min, secretion_target: 1}
  T:
    initial_number: 30
    volume: 1000 um^3
    cycle_entry: 0.002 1/min
    apoptosis: 0.0005 1/min
    necrosis: 0.0001 1/min
    secretion:
      S3: {secretion_rate: 0.02 1/min, secretion_target: 2}
rules:
  - {cell_type: T, signal: S1, direction: increases, behaviour: cycle entry, saturation: 0.004 1/min, half_max: 0.5, hill_power: 2, evidence: [X1]}
  - {cell_type: T, signal: contact with P, direction: increases, behaviour: cycle entry, saturation: 0.003 1/min, half_max: 0.3, hill_power: 1, evidence: [X1]}
  - {cell_type: T, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 4, evidence: [X1]}
  - {cell_type: T, signal: S3, direction: decreases, behaviour: cycle entry, saturation: 0.0005 1/min, half_max: 1, hill_power: 1.5, evidence: [X1]}
  - {cell_type: T, signal: time, direction: increases, behaviour: apoptosis, saturation: 0.001 1/min, half_max: 10000, hill_power: 1, evidence: [X1]}
  - {cell_type: T, signal: contact with dead cell, direction: increases, behaviour: necrosis, saturation: 0.0005 1/min, half_max: 0.2, hill_power: 3, evidence: [X1]}
  - {cell_type: Q, signal: S2, direction: increases, behaviour: apoptosis, saturation: 0.002 1/min, half_max: 0, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: volume, direction: increases, behaviour: cycle entry, saturation: 0.001 1/min, half_max: 1000, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: dead, direction: increases, behaviour: necrosis, saturation: 0.01 1/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: contact with Q, direction: decreases, behaviour: transform to P, saturation: 0.0005 1/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: S1, direction: increases, behaviour: phagocytose Q, saturation: 0.0001 1/min, half_max: 1, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: S3, direction: increases, behaviour: attack P, saturation: 0.00004 1/min, half_max: 0.5, hill_power: 2, evidence: [X1]}
  - {cell_type: Q, signal: contact with dead cell, direction: increases, behaviour: phagocytose apoptotic cell, saturation: 0.05 1/min, half_max: 0.1, hill_power: 1, evidence: [X1]}
  - {cell_type: Q, signal: S1, direction: increases, behaviour: S2 secretion, saturation: 0.2 1/min, half_max: 1, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: S1, direction: increases, behaviour: transform to Q, saturation: 0.004 1/min, half_max: 1, hill_power: 2, evidence: [X1]}
  - {cell_type: P, signal: contact with live cell, direction: increases, behaviour: phagocytose T, saturation: 0.00005 1/min, half_max: 1, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: S2, direction: increases, behaviour: attack T, saturation: 0.00002 1/min, half_max: 0.1, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: contact with dead cell, direction: increases, behaviour: phagocytose apoptotic cell, saturation: 0.2 1/min, half_max: 0.2, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: S3, direction: decreases, behaviour: phagocytose necrotic cell, saturation: 0.005 1/min, half_max: 1, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: contact with T, direction: increases, behaviour: S1 secretion, saturation: 0.3 1/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: S3, direction: increases, behaviour: S1 secretion target, saturation: 6, half_max: 1, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: S1, direction: decreases, behaviour: S1 uptake, saturation: 0.01 1/min, half_max: 2, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: pressure, direction: increases, behaviour: S1 export, saturation: 50, half_max: 0.3, hill_power: 2, evidence: [X1]}
  - {cell_type: P, signal: S3, direction: increases, behaviour: influx, saturation: 0.05 cells/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
  - {cell_type: P, signal: pressure, direction: increases, behaviour: necrosis, saturation: 0.001 1/min, half_max: 0.4, hill_power: 2, evidence: [X1]}
  - {cell_type: P, signal: contact with Q, direction: increases, behaviour: migration speed, saturation: 1 um/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
dosing:
  - {substrate: S2, kind: infusion, start: 2 day, rate: 0.01, duration: 3 day}
`;
const everyTerm = (): Model => parseModel(EVERY_TERM, 'every-term.yaml').model;
const everyTermCompiled = compileModel(everyTerm());

/**
 * A model whose signals sit at exactly 0 in its initial state: no T cells (contact with T and
 * its pools are 0), S1 and S2 absent, a half-max of 0 on a zero signal, phagocytosis of dead
 * cells with no dead cells (n_A = 0); and down rules saturated by a half-max of 0.
 */
const ZEROS = `nichesim: 1
name: zeros
niche: {volume: 1e5 um^3}
simulation: {t_end: 5 day, output_interval: 1 day}
substrates:
  S1: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.02 1/min}
  S2: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.02 1/min, initial_condition: 0.3}
cell_types:
  M:
    initial_number: 15
    volume: 1800 um^3
    apoptosis: 0.001 1/min
    phagocytosis: {apoptotic: 0.02 1/min, live: {T: 0.01 1/min}}
    secretion:
      S1: {secretion_rate: 0.05 1/min, secretion_target: 1, uptake_rate: 0.01 1/min}
  T:
    initial_number: 0
    volume: 1000 um^3
    cycle_entry: 0.002 1/min
    apoptosis: 0.001 1/min
    secretion:
      S2: {uptake_rate: 0.05 1/min}
rules:
  - {cell_type: M, signal: S1, direction: increases, behaviour: apoptosis, saturation: 0.01 1/min, half_max: 0, hill_power: 1, evidence: [X1]}
  - {cell_type: M, signal: contact with T, direction: increases, behaviour: phagocytose T, saturation: 0.1 1/min, half_max: 0, hill_power: 1, evidence: [X1]}
  - {cell_type: M, signal: contact with dead cell, direction: increases, behaviour: phagocytose apoptotic cell, saturation: 0.1 1/min, half_max: 0.2, hill_power: 1, evidence: [X1]}
  - {cell_type: M, signal: S2, direction: decreases, behaviour: S1 secretion, saturation: 0, half_max: 0, hill_power: 1, evidence: [X1]}
  - {cell_type: M, signal: S2, direction: increases, behaviour: S1 secretion, saturation: 0.2 1/min, half_max: 0.5, hill_power: 1, evidence: [X1]}
  - {cell_type: M, signal: contact with T, direction: increases, behaviour: S1 uptake, saturation: 0.05 1/min, half_max: 0.5, hill_power: 2, evidence: [X1]}
  - {cell_type: T, signal: contact with M, direction: decreases, behaviour: apoptosis, saturation: 0, half_max: 0.5, hill_power: 1, evidence: [X1]}
`;
const zerosCompiled = compileModel(parseModel(ZEROS, 'zeros.yaml').model);

/**
 * EVERY_TERM with division delays: T (four rules on cycle entry: S1, contact with P, pressure,
 * S3) divides at r / (1 + r d) with d = 600 min, Q (a rule on cycle entry read from its volume)
 * with d = 300 min, P (no rule on cycle entry) with d = 1000 min. A missing chain factor
 * 1/(1 + r d)^2 on the rule derivatives of T's cycle entry is off by (1 + r d)^2 >= 1.7 there.
 */
const EVERY_TERM_DELAYED = EVERY_TERM.replace('    cycle_entry: 0.002 1/min\n    apoptosis: 0.0005 1/min', '    cycle_entry: 0.002 1/min\n    division_delay: 600 min\n    apoptosis: 0.0005 1/min')
  .replace('    cycle_entry: 0.001 1/min\n', '    cycle_entry: 0.001 1/min\n    division_delay: 1000 min\n')
  .replace('    initial_number: 10\n', '    initial_number: 10\n    division_delay: 5 h\n');
const everyTermDelayed = (): Model => parseModel(EVERY_TERM_DELAYED, 'every-term-delayed.yaml').model;
const everyTermDelayedCompiled = compileModel(everyTermDelayed());

/** Asserts agreement; `minNonzero` guards against comparing two (nearly) empty matrices. */
function expectJacobianMatches(sys: MeanFieldSystem, t: number, y: Float64Array, minNonzero = sys.n): void {
  const { failures, nonzero } = compareJacobian(sys, t, y);
  expect(failures.slice(0, 10)).toEqual([]);
  expect(nonzero).toBeGreaterThanOrEqual(minNonzero);
}

describe('analytic Jacobian vs a careful numerical Jacobian', () => {
  it('default AML model: initial state and days 10, 60, 180 of a run', () => {
    const sys = new MeanFieldSystem(amlCompiled);
    expect(sys.autonomous).toBe(true); // no rule reads time: Rodas4 skips its ∂f/∂t estimate
    expectJacobianMatches(sys, 0, sys.initialState());
    const { states } = integrate(amlCompiled, [10, 60, 180]);
    for (const [k, y] of states.entries()) expectJacobianMatches(sys, [10, 60, 180][k] * DAY, y);
  });

  it('default AML model with a cytarabine infusion running and a blast pool at 0', () => {
    const sys = new MeanFieldSystem(amlCompiled);
    const { states } = integrate(amlCompiled, [30]);
    const y = states[0];
    const L = amlCompiled.layout;
    sys.infusion[L.substrate('cytarabine')] = 0.002;
    y[3 * sys.nT + L.substrate('cytarabine')] = 0.4;
    expectJacobianMatches(sys, 30 * DAY, y);
    y[L.cellType('AML_blast')] = 0;
    expectJacobianMatches(sys, 30 * DAY, y);
  });

  it('a model with every term: initial state and states of a run (days 1, 3, 6, 20)', () => {
    const sys = new MeanFieldSystem(everyTermCompiled);
    expect(sys.autonomous).toBe(false); // a rule reads time
    expectJacobianMatches(sys, 0, sys.initialState());
    const { states } = integrate(everyTermCompiled, [1, 3, 6, 20]);
    for (const [k, y] of states.entries()) {
      sys.infusion[1] = k % 2 === 0 ? 0.01 : 0;
      expectJacobianMatches(sys, [1, 3, 6, 20][k] * DAY, y);
    }
  });

  it('a model with every term, at states with pools and signals at exactly 0 or slightly negative', () => {
    const sys = new MeanFieldSystem(everyTermCompiled);
    const { states } = integrate(everyTermCompiled, [6]);
    const nT = sys.nT;
    const variants: Array<(y: Float64Array) => void> = [
      (y) => (y[3 * nT + 1] = 0), // S2 = 0: the half-max-0 rule and the attack rule at a zero signal
      (y) => {
        for (let j = 0; j < nT; j++) y[nT + j] = 0; // no apoptotic cells: n_A = 0
      },
      (y) => {
        for (let j = 0; j < nT; j++) y[2 * nT + j] = -1e-12; // round-off negatives: no necrotic cells
      },
      (y) => (y[2] = 0), // no live T cells: contact with T at 0
      (y) => {
        y[0] = 1e-7; // a tiny positive pool
        y[3 * nT] = -1e-13; // a slightly negative concentration
      },
    ];
    for (const change of variants) {
      const y = states[0].slice();
      change(y);
      expectJacobianMatches(sys, 6 * DAY, y);
    }
  });

  it('a model whose signals are exactly 0 (half-max 0, no targets, no dead cells), and after a run', () => {
    const sys = new MeanFieldSystem(zerosCompiled);
    expectJacobianMatches(sys, 0, sys.initialState(), 4);
    const { states } = integrate(zerosCompiled, [1, 5]);
    for (const y of states) expectJacobianMatches(sys, 0, y, 4);
    // With T cells present the contact rules with half-max 0 saturate (flat on both sides).
    const y = states[1].slice();
    y[1] = 3;
    y[sys.nT + 1] = 0.5;
    expectJacobianMatches(sys, 0, y);
  });

  it('a model with division delays and rules on cycle entry: the chain factor 1/(1 + r d)^2', () => {
    expect(everyTermDelayedCompiled.cellTypes.map((c) => c.divisionDelay)).toEqual([1000, 300, 600]);
    const sys = new MeanFieldSystem(everyTermDelayedCompiled);
    expectJacobianMatches(sys, 0, sys.initialState());
    const { states } = integrate(everyTermDelayedCompiled, [1, 3, 6, 20]);
    for (const [k, y] of states.entries()) expectJacobianMatches(sys, [1, 3, 6, 20][k] * DAY, y);
    // T's cycle entry is well above its base, so r d is not small and the factor matters
    const r = sys.evaluateBehaviours(6 * DAY, states[2])[2][0];
    expect(r * 600).toBeGreaterThan(0.3);
    // the delay changes the run (T grows more slowly than without delays)
    const plain = integrate(everyTermCompiled, [6]).states[0];
    expect(states[2][2]).toBeLessThan(0.9 * plain[2]);
  });

  it('the default AML model with division delays on blasts and MSC (rules on their cycle entry)', () => {
    const m = structuredClone(aml);
    for (const c of m.cellTypes) if (c.name === 'AML_blast' || c.name === 'MSC') c.divisionDelay = c.name === 'MSC' ? 2000 : 780;
    const compiled = compileModel(m);
    const sys = new MeanFieldSystem(compiled);
    expectJacobianMatches(sys, 0, sys.initialState());
    const { states } = integrate(compiled, [10, 60]);
    for (const [k, y] of states.entries()) expectJacobianMatches(sys, [10, 60][k] * DAY, y);
  });

  it('overwrites every entry and does not depend on earlier calls', () => {
    const sys = new MeanFieldSystem(everyTermCompiled);
    const { states } = integrate(everyTermCompiled, [3, 20]);
    const n = sys.n;
    const a = new Float64Array(n * n);
    const b = new Float64Array(n * n).fill(123);
    const dy = new Float64Array(n);
    sys.jacobian(3 * DAY, states[0], a);
    sys.rhs(0, states[1], dy);
    sys.jacobian(20 * DAY, states[1], b);
    sys.jacobian(3 * DAY, states[0], b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

describe('the right-hand side', () => {
  it('evaluates behaviours bit-identically to evaluateResponse (responses.ts) on the full signal vector', () => {
    for (const model of [amlCompiled, everyTermCompiled, zerosCompiled]) {
      const sys = new MeanFieldSystem(model);
      const { nT, nS } = sys;
      const L = model.layout;
      const cv = sys.tables.contactVolume;
      const { states } = integrate(model, [1, 5]);
      const y0 = sys.initialState();
      const variants = [y0, ...states, states[1].map((v, k) => (k % 3 === 0 ? 0 : k % 5 === 0 ? -1e-12 : v))];
      for (const [v, y] of variants.entries()) {
        const t = 1000 * v + 0.5;
        const got = sys.evaluateBehaviours(t, y);
        const pos = (x: number) => (x > 0 ? x : 0);
        let packed = 0;
        for (let i = 0; i < nT; i++) packed += (pos(y[i]) + pos(y[nT + i]) + pos(y[2 * nT + i])) * model.cellTypes[i].volume;
        model.cellTypes.forEach((ct, i) => {
          const sig = new Float64Array(L.nSignals);
          for (let s = 0; s < nS; s++) sig[s] = y[3 * nT + s];
          let live = 0;
          let dead = 0;
          for (let j = 0; j < nT; j++) {
            sig[nS + j] = pos(y[j]) * cv[i * nT + j];
            live += sig[nS + j];
            dead += (pos(y[nT + j]) + pos(y[2 * nT + j])) * cv[i * nT + j];
          }
          sig[L.signalContactLive] = live;
          sig[L.signalContactDead] = dead;
          sig[L.signalPressure] = packed / model.nicheVolume / 0.74;
          sig[L.signalVolume] = ct.volume;
          sig[L.signalTime] = t;
          const expected = Float64Array.from(ct.base);
          for (const resp of ct.responses) expected[resp.behaviour] = evaluateResponse(resp, ct.base[resp.behaviour], sig);
          expect(Array.from(got[i]), `${model.name} ${ct.name} state ${v}`).toEqual(Array.from(expected));
        });
      }
    }
  });
});

describe('runs with the analytic Jacobian', () => {
  it('give the same results as with forward differences (1e-6 relative at day 180) with < 40% of the RHS calls', () => {
    const ana = integrate(amlCompiled, [180]);
    const fd = integrate(amlCompiled, [180], true);
    const n = ana.sys.n;
    for (let k = 0; k < n; k++) {
      const a = ana.states[0][k];
      const b = fd.states[0][k];
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(b), k < 3 * ana.sys.nT ? 1 : 1e-3));
    }
    expect(ana.stats.jacobianEvaluations).toBeGreaterThan(0);
    // Forward differences cost n RHS calls per Jacobian; the analytic Jacobian none.
    expect(ana.stats.rhsEvaluations).toBeLessThan(0.4 * fd.stats.rhsEvaluations);
  });

  it('simulate gives the same series with and without the jacobian method (default AML model, day 180)', () => {
    const withJacobian = simulate(aml);
    const proto = MeanFieldSystem.prototype as { jacobian?: MeanFieldSystem['jacobian'] };
    const saved = proto.jacobian;
    let withoutJac: ReturnType<typeof simulate>;
    try {
      delete proto.jacobian;
      expect(new MeanFieldSystem(amlCompiled).jacobian).toBeUndefined();
      withoutJac = simulate(aml);
    } finally {
      proto.jacobian = saved;
    }
    expect(withJacobian.status).toBe('ok');
    expect(withoutJac.status).toBe('ok');
    const last = withJacobian.times.length - 1;
    expect(withJacobian.times[last]).toBe(180 * DAY);
    for (const c of withJacobian.columns) {
      const a = withJacobian.series[c.name][last];
      const b = withoutJac.series[c.name][last];
      const floor = c.kind === 'cells' || c.kind === 'dead cells' ? 1 : 1e-3;
      expect(Math.abs(a - b), c.name).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(b), floor));
    }
  });

  it.each([
    ['every term', everyTerm],
    ['every term and division delays', everyTermDelayed],
  ] as const)('a model with %s and an infusion: analytic and forward-difference runs agree', (_label, make) => {
    const a = simulate(make());
    const proto = MeanFieldSystem.prototype as { jacobian?: MeanFieldSystem['jacobian'] };
    const saved = proto.jacobian;
    let b: ReturnType<typeof simulate>;
    try {
      delete proto.jacobian;
      b = simulate(make());
    } finally {
      proto.jacobian = saved;
    }
    expect(a.status).toBe('ok');
    expect(b.status).toBe('ok');
    const last = a.times.length - 1;
    for (const c of a.columns) {
      const floor = c.kind === 'cells' || c.kind === 'dead cells' ? 1 : 1e-3;
      expect(Math.abs(a.series[c.name][last] - b.series[c.name][last]), c.name).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(b.series[c.name][last]), floor));
    }
  });
});
