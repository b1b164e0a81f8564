/**
 * Plasma PK drives the niche in the agent-based engine as in the mean-field engine.
 */
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';

const model = parseModel(
  `nichesim: 1
name: pk_abm
niche: {volume: 2e5 um^3}
simulation: {t_end: 12 h, output_interval: 1 h}
spatial: {dims: 2, size: [100 um, 100 um, 20 um], voxel_size: 20 um, dt_diffusion: 0.1 min, dt_mechanics: 0.1 min, dt_phenotype: 6 min, snapshot_interval: 12 h}
substrates:
  drug: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.001 1/min}
cell_types:
  A: {initial_number: 0}
pharmacokinetics:
  - substrate: drug
    pk: {model: one-compartment, half_life: 154 min, volume: 40 L}
    molecular_weight: 243.2
    vascular_exchange: 0.05 1/min
    doses: [{kind: bolus, start: 1 h, dose: 100 mg/m^2}, {kind: infusion, start: 6 h, dose: 50 mg/m^2, duration: 3 h}]`,
  'pk.yaml',
).model;

describe('plasma PK in the agent-based engine', () => {
  it('the domain-mean concentration follows the mean-field trajectory (O(dt) difference)', () => {
    const ode = simulate(model, { rtol: 1e-10, atolConcentration: 1e-14 });
    const abm = simulate(model, { engine: 'abm', seed: 1 });
    expect(abm.status).toBe('ok');
    let peak = 0;
    for (let i = 0; i < ode.times.length; i++) peak = Math.max(peak, ode.series.drug[i]);
    expect(peak).toBeGreaterThan(0.1);
    for (let i = 0; i < ode.times.length; i++) {
      expect(Math.abs(abm.series.drug[i] - ode.series.drug[i])).toBeLessThan(0.01 * peak);
    }
  });
});
