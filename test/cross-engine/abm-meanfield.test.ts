/**
 * Cross-engine check (issue 3, item 7): in the well-mixed limit, the mean of 24 agent-based
 * replicates follows the mean-field trajectory of the same model, and the comparison fails when
 * one rate is perturbed in one engine only.
 *
 * The model is well mixed by construction: a 200 × 200 × 20 um niche (10 × 10 voxels) and a
 * substrate whose diffusion length √(D/λ) = 1400 um is seven times the domain, so every cell sees
 * the domain mean. It exercises cycle entry, apoptosis, clearance of apoptotic cells, a
 * transformation, influx, secretion and uptake, a rule on a rate and a rule on influx (both
 * driven by the substrate), and an output expression. There are no contact-dependent rules (the
 * mean-field contact closures count neighbours in a sphere, the 2D agents in a disc).
 *
 * Time steps: dt_diffusion 1 min, dt_mechanics 2 min, dt_phenotype 6 min (the mechanics play no
 * role here; the repulsion is softened to 2 um/min so that the coarse mechanics step stays stable).
 *
 * Tolerance, for every column (A, B, A (dead), B (dead), S, B_share) at every daily output:
 *   |mean_ABM − ODE| ≤ 4·SE + 0.02·|ODE| + a,   a = 0.25 cells for counts, 0.001 otherwise,
 * SE the standard error of the replicate mean (sample sd / √24). 4 SE bounds the sampling error of
 * the 24-replicate mean (24 comparisons: a false alarm has probability ~1e-3, and the seeds are
 * fixed); 2 % covers the time discretisation of the agent-based engine (events at most once per
 * 6-min phenotype step, secretion coupled per voxel every diffusion step).
 * Measured (seeds 1..24): max |z| = |mean − ODE| / SE = 1.56; the worst column uses 0.32 of its
 * tolerance (A (dead) at day 1: 8.58 ± 0.48 vs 7.84 cells); A at day 4: 57.3 ± 2.5 vs 58.9 cells.
 * Perturbed: the ODE with A's cycle entry ×1.2 exceeds the tolerance 1.43-fold (A at day 4,
 * 74.2 vs 57.3 cells); the agent-based engine with B's apoptosis ×1.5 exceeds it 2.3-fold (B at
 * day 4, 87.1 vs 112.4 cells).
 */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import { abmEngine } from '../../src/engines/abm/index.js';
import type { SimulationResult } from '../../src/results/result.js';
import { simulate } from '../../src/simulate.js';
import { smallModel } from './abmModels.js';

const BODY = `parameters:
  a_cycle: {value: 0.5 1/day, source: test}
  b_apoptosis: {value: 0.3 1/day, source: test}
substrates:
  S: {unit: ng/mL, diffusion_coefficient: 1e5 um^2/min, decay_rate: 0.05 1/min}
cell_types:
  A: {initial_number: 100, volume: 1000 um^3, cycle_entry: a_cycle, apoptosis: 0.2 1/day, transformation: {B: 0.3 1/day},
      apoptotic_clearance_time: 12 h, secretion: {S: {secretion_rate: 0.2 1/min, secretion_target: 1}}}
  B: {initial_number: 20, volume: 1500 um^3, influx: 5 cells/day, apoptosis: b_apoptosis, apoptotic_clearance_time: 6 h,
      secretion: {S: {uptake_rate: 0.05 1/min}}}
rules:
  - {cell_type: A, signal: S, direction: decreases, behaviour: cycle entry, saturation: 0.1 1/day, half_max: 0.5, hill_power: 1, evidence: [M001]}
  - {cell_type: B, signal: S, direction: increases, behaviour: influx, saturation: 40 cells/day, half_max: 0.2, hill_power: 1, evidence: [M001]}
outputs:
  B_share: {expression: B / (A + B)}`;

const model = smallModel(BODY, { size: [200, 200, 20], dtDiffusion: 1, dtMechanics: 2, dtPhenotype: 6, tEnd: '4 day', outputInterval: '1 day' });
const REPLICATES = 24;
const COLUMNS = ['A', 'B', 'A (dead)', 'B (dead)', 'S', 'B_share'];

function replicates(parameters: Record<string, number> = {}): SimulationResult[] {
  const compiled = compileModel(model, parameters);
  const out: SimulationResult[] = [];
  for (let seed = 1; seed <= REPLICATES; seed++) {
    const sim = abmEngine.init(compiled, { seed, snapshots: false, mechanics: { repulsion: 2 } });
    expect(sim.advance(compiled.tEnd)).toBe('ok');
    out.push(sim.result());
  }
  return out;
}

function meanField(parameters: Record<string, number> = {}): SimulationResult {
  return simulate(model, { engine: 'ode', rtol: 1e-8, parameters });
}

interface Comparison {
  /** Largest |mean − ODE| / tolerance over columns and times (≤ 1 passes). */
  worst: number;
  where: string;
  /** Largest |z| = |mean − ODE| / SE. */
  maxZ: number;
}

function compare(abm: SimulationResult[], ode: SimulationResult): Comparison {
  let worst = 0;
  let where = '';
  let maxZ = 0;
  for (const c of COLUMNS) {
    const absolute = c === 'S' || c === 'B_share' ? 0.001 : 0.25;
    for (let i = 0; i < ode.times.length; i++) {
      const xs = abm.map((r) => r.series[c][i]);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
      const se = sd / Math.sqrt(xs.length);
      const ref = ode.series[c][i];
      const tol = 4 * se + 0.02 * Math.abs(ref) + absolute;
      const ratio = Math.abs(m - ref) / tol;
      if (ratio > worst) {
        worst = ratio;
        where = `${c} at day ${ode.times[i] / 1440}: ABM ${m.toPrecision(4)} ± ${se.toPrecision(2)} vs ODE ${ref.toPrecision(4)}`;
      }
      if (se > 1e-9 * Math.max(1, Math.abs(ref))) maxZ = Math.max(maxZ, Math.abs(m - ref) / se);
    }
  }
  return { worst, where, maxZ };
}

describe('agent-based mean vs mean-field trajectory, well-mixed limit', () => {
  const ode = meanField();
  const abm = replicates();

  it('both engines give the same columns on the same grid', () => {
    expect(abm[0].columns).toEqual(ode.columns);
    expect(Array.from(abm[0].times)).toEqual(Array.from(ode.times));
  });

  it(`the mean of ${REPLICATES} replicates follows the ODE within 4 SE + 2 % (+ a floor)`, () => {
    const c = compare(abm, ode);
    console.info(`cross-engine: worst |mean - ODE| / tolerance = ${c.worst.toFixed(3)} (${c.where}); max |z| = ${c.maxZ.toFixed(2)}`);
    expect(c.worst, c.where).toBeLessThanOrEqual(1);
    expect(c.maxZ).toBeLessThan(4);
    // the trajectories move: the check is not a comparison of constants
    expect(ode.series.A[4]).toBeLessThan(0.7 * ode.series.A[0]);
    expect(ode.series.B[4]).toBeGreaterThan(4 * ode.series.B[0]);
  });

  it('fails when a rate is perturbed in the mean-field engine only (cycle entry of A x1.2)', () => {
    const c = compare(abm, meanField({ a_cycle: 1.2 * model.parameters.a_cycle.value }));
    console.info(`cross-engine, ODE perturbed: worst ratio ${c.worst.toFixed(2)} (${c.where})`);
    expect(c.worst, c.where).toBeGreaterThan(1.2);
  });

  it('fails when a rate is perturbed in the agent-based engine only (apoptosis of B x1.5)', () => {
    const perturbed = replicates({ b_apoptosis: 1.5 * model.parameters.b_apoptosis.value });
    const c = compare(perturbed, ode);
    console.info(`cross-engine, ABM perturbed: worst ratio ${c.worst.toFixed(2)} (${c.where})`);
    expect(c.worst, c.where).toBeGreaterThan(1.5);
  });
});
