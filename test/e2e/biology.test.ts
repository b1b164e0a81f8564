/**
 * The shipped models reproduce the cited directions of brief.md section 4 (../shared/domain).
 * Each test names the observation and its source; each compares two runs of the same model that
 * differ in one thing, so a wrong sign in a rule makes it fail.
 */
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/io/load.js';
import type { Model } from '../../src/model/model.js';
import { simulate } from '../../src/simulate.js';
import type { SimulationResult } from '../../src/results/result.js';

const aml = loadModelFile('models/aml-niche.yaml').model;
const healthy = loadModelFile('models/healthy-niche.yaml').model;

const last = (r: SimulationResult, name: string) => r.series[name][r.times.length - 1];
const clone = (m: Model): Model => structuredClone(m);
const cellType = (m: Model, name: string) => m.cellTypes.find((c) => c.name === name)!;

describe('default AML niche vs the healthy niche', () => {
  const rAml = simulate(aml);
  const rHealthy = simulate(healthy);

  it('both run to day 180', () => {
    expect(rAml.status).toBe('ok');
    expect(rHealthy.status).toBe('ok');
    expect(rAml.times[rAml.times.length - 1]).toBe(180 * 1440);
  });
  it('blasts expand (more than 50-fold from the 50 cells seeded)', () => {
    expect(last(rAml, 'AML_blast')).toBeGreaterThan(50 * 50);
  });
  it('the healthy niche is stable: MSC and macrophage numbers change by less than 5% over 180 days', () => {
    for (const c of ['MSC', 'M0', 'M1', 'M2']) {
      const y = rHealthy.series[c];
      expect(Math.abs(y[y.length - 1] - y[30]) / y[30]).toBeLessThan(0.05);
    }
  });
  it('healthy marrow has more M1 than M2 (M1/M2 3.5 in controls, Mediators Inflamm 2021)', () => {
    const ratio = last(rHealthy, 'M1') / last(rHealthy, 'M2');
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(6);
  });
  it('the M2 fraction is higher with AML than in the healthy niche (M2 enriched in AML, PMID 32002295)', () => {
    expect(last(rAml, 'M2_fraction')).toBeGreaterThan(last(rHealthy, 'M2_fraction') + 0.2);
  });
});

describe('the licensed MSC brake (Nemeth 2009 PMID 19098906; Ylostalo 2012 PMID 22865689)', () => {
  // Inflamed macrophages (IFN-gamma x10), 3 days, with and without MSC; blasts absent.
  const inflamed = (msc: number, pge2: boolean): SimulationResult => {
    const m = clone(healthy);
    cellType(m, 'MSC').initialNumber = msc;
    const parameters: Record<string, number> = { ifng_background: 10 * healthy.parameters.ifng_background.value };
    if (!pge2) Object.assign(parameters, { pge2_secretion_resting: 0, pge2_secretion_licensed: 0 });
    return simulate(m, { tEnd: 3 * 1440, outputInterval: 1440, parameters });
  };
  const without = inflamed(0, true);
  const withMsc = inflamed(50, true);
  const withMscNoPge2 = inflamed(50, false);

  it('adding MSC raises IL-10', () => {
    expect(last(withMsc, 'IL10')).toBeGreaterThan(1.1 * last(without, 'IL10'));
  });
  it('adding MSC lowers TNF', () => {
    expect(last(withMsc, 'TNF')).toBeLessThan(0.9 * last(without, 'TNF'));
  });
  it('the IL-10 rise needs MSC PGE2 (COX-2/EP4)', () => {
    const gain = last(withMsc, 'IL10') - last(without, 'IL10');
    const gainNoPge2 = last(withMscNoPge2, 'IL10') - last(without, 'IL10');
    expect(gainNoPge2).toBeLessThan(0.5 * gain);
  });
  it('TNF licenses MSC: PGE2 is higher in the inflamed niche than at rest', () => {
    const rest = simulate(healthy, { tEnd: 3 * 1440, outputInterval: 1440 });
    expect(last(withMsc, 'PGE2')).toBeGreaterThan(1.2 * last(rest, 'PGE2'));
  });
});

describe('removing one mechanism', () => {
  it('without MSC PGE2 secretion the M2 fraction is lower (AML and healthy)', () => {
    const off = { pge2_secretion_resting: 0, pge2_secretion_licensed: 0 };
    for (const m of [aml, healthy]) {
      const base = simulate(m);
      const noPge2 = simulate(m, { parameters: off });
      expect(last(noPge2, 'M2_fraction')).toBeLessThan(last(base, 'M2_fraction'));
    }
  });
  it('without CCL2 recruitment there are fewer macrophages (CCR2 loss, Ren 2012 PMID 23168163)', () => {
    const m = clone(aml);
    m.rules = m.rules.filter((r) => !(r.behaviour.kind === 'influx'));
    expect(last(simulate(m), 'macrophages')).toBeLessThan(last(simulate(aml), 'macrophages'));
  });
  it('higher CD47 on blasts means more leukaemia (CD47 >= 2x normal in 81% of AML)', () => {
    const lo = simulate(aml, { parameters: { cd47_level: 1 } });
    const hi = simulate(aml, { parameters: { cd47_level: 4 } });
    expect(last(hi, 'AML_blast')).toBeGreaterThan(last(lo, 'AML_blast'));
    expect(hi.series['AML_blast'][60]).toBeGreaterThan(lo.series['AML_blast'][60]);
  });
  it('without CSF-1 uptake by macrophages CSF-1 rises (Bartocci 1987)', () => {
    const r = simulate(healthy, { parameters: { csf1_uptake_macrophage: 0 } });
    expect(last(r, 'CSF1')).toBeGreaterThan(2 * last(simulate(healthy), 'CSF1'));
  });
  it('cytarabine given as a continuous infusion lowers blasts, and CXCL12 protection blunts it', () => {
    // Fraction of blasts left after 7 days of infusion relative to no drug, with and without the
    // CXCL12 -> blast apoptosis rule (stromal protection, I071/I072).
    const withInfusion = (m: Model): Model => {
      const t = clone(m);
      t.dosing = [{ substrate: 'cytarabine', kind: 'infusion', start: 60 * 1440, amount: 0, rate: 0.3 * 0.0045, duration: 7 * 1440, interval: 0, count: 1 }];
      return t;
    };
    const unprotected = clone(aml);
    unprotected.rules = unprotected.rules.filter((r) => !(r.cellType === 'AML_blast' && r.signal.kind === 'substrate' && r.signal.substrate === 'CXCL12'));
    const left = (m: Model) => simulate(withInfusion(m)).series['AML_blast'][67] / simulate(m).series['AML_blast'][67];
    const leftProtected = left(aml);
    const leftUnprotected = left(unprotected);
    expect(leftProtected).toBeLessThan(0.8);
    expect(leftUnprotected).toBeLessThan(leftProtected);
  });
});
