/**
 * A drug given to the patient drives the niche through its plasma PK: checked in the mean-field
 * engine against closed forms.
 */
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';
import { ModelError } from '../../src/model/diagnostics.js';

const model = (pk: string, decay = '0 1/min') =>
  parseModel(
    `nichesim: 1
name: t
niche: {volume: 1e6 um^3}
simulation: {t_end: 3 day, output_interval: 1 h}
substrates:
  drug: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: ${decay}}
cell_types:
  A: {initial_number: 0}
pharmacokinetics:
${pk}`,
    't.yaml',
  ).model;

const MW = 243.2;
const toMicromolar = 1000 / MW; // 1 mg/L in uM

describe('plasma PK drives the niche (mean-field)', () => {
  it('a bolus: rho(t) = F D/V k/(k - lambda) (exp(-lambda t) - exp(-k t)) (one compartment, no local decay)', () => {
    const m = model(`  - substrate: drug
    pk: {model: one-compartment, half_life: 154 min, volume: 40 L}
    molecular_weight: ${MW}
    vascular_exchange: 0.05 1/min
    doses: [{kind: bolus, start: 2 h, dose: 100 mg/m^2}]`);
    const r = simulate(m, { rtol: 1e-10, atolConcentration: 1e-14 });
    const lambda = Math.LN2 / 154;
    const k = 0.05;
    const D = 180; // 100 mg/m^2 x 1.8 m^2
    for (const h of [2, 3, 5, 10, 24]) {
      const t = (h - 2) * 60;
      const exact = ((toMicromolar * D) / 40) * (k / (k - lambda)) * (Math.exp(-lambda * t) - Math.exp(-k * t));
      expect(r.series.drug[h]).toBeCloseTo(exact, 8);
    }
    expect(r.series.drug[1]).toBe(0);
  });
  it('a continuous infusion: the niche approaches the plasma plateau R/(k V) (Css of cytarabine ~0.3 uM at 200 mg/m^2/day)', () => {
    // Fleming 1995 (PMID 7634384): clearance 134 L/h/m^2 -> for 1.8 m^2, CL = 241 L/h; with t1/2 154 min, V = CL t1/2/ln2.
    const cl = (134 * 1.8) / 60; // L/min
    const V = (cl * 154) / Math.LN2;
    const m = model(`  - substrate: drug
    pk: {model: one-compartment, half_life: 154 min, volume: ${V} L}
    molecular_weight: ${MW}
    vascular_exchange: 1 1/min
    doses: [{kind: infusion, start: 0 min, dose: 200 mg/m^2, duration: 24 h, interval: 24 h, count: 3}]`);
    const r = simulate(m, { rtol: 1e-8, atolConcentration: 1e-12 });
    const R = 360 / 1440; // mg/min
    const plateau = (R / cl) * toMicromolar; // uM
    // Fleming 1995: Css 0.30 uM (SD 0.13) on 200 mg/m^2/day; this clearance gives 0.256 uM.
    expect(plateau).toBeGreaterThan(0.3 - 0.13);
    expect(plateau).toBeLessThan(0.3 + 0.13);
    expect(r.series.drug[48]).toBeCloseTo(plateau, 3);
    expect(r.series.drug[72]).toBeCloseTo(plateau, 2); // the third infusion ends at 72 h exactly
    expect(r.series.drug[72 - 1]).toBeCloseTo(plateau, 3);
  });
  it('refuses a molar drug without a molecular weight, and a bad dose text', () => {
    const bad = () =>
      model(`  - substrate: drug
    pk: {model: one-compartment, half_life: 154 min, volume: 40 L}
    doses: [{kind: bolus, start: 0 min, dose: 100 mg per m2}]`);
    expect(bad).toThrow(ModelError);
    try {
      bad();
    } catch (e) {
      const messages = (e as ModelError).diagnostics.map((d) => d.message);
      expect(messages).toContain('the substrate drug is in uM, so a molecular weight is needed to convert mg/L');
      expect(messages).toContain("expected a dose such as '100 mg/m^2', '5 mg/kg' or '50 mg', got '100 mg per m2'");
    }
  });
});
