/**
 * Export of the mean-field form as SBML L3V2: importing the export reproduces nichesim's
 * mean-field engine (src/simulate.ts) within 1e-6 relative, doses (events) included, run as an
 * SBML Test Suite case (settings file + reference CSV); the file is SBML that the importer reads
 * without warnings; the analytic Jacobian of the imported model agrees with finite differences.
 */
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/io/load.js';
import { readSbml } from '../../src/interop/sbml/document.js';
import { SbmlSystem } from '../../src/interop/sbml/executable.js';
import { SbmlSimulation } from '../../src/interop/sbml/simulator.js';
import { exportSbml, exportSbmlCase } from '../../src/interop/sbml/export.js';
import { parseSettings, runSuiteCase } from '../../src/interop/sbml/suite.js';
import type { Model } from '../../src/model/model.js';
import { simulate } from '../../src/simulate.js';

const DAY = 1440;

function amlWithDoses(days: number): Model {
  const m = structuredClone(loadModelFile('models/aml-niche.yaml').model);
  m.tEnd = days * DAY;
  m.outputInterval = DAY / 2;
  m.dosing = [
    // a bolus at t0 (an event firing at t0), weekly
    { substrate: 'cytarabine', kind: 'bolus', start: 0, amount: 1, rate: 0, duration: 0, interval: 7 * DAY, count: 3 },
    // infusions switching on and off
    { substrate: 'cytarabine', kind: 'infusion', start: 10 * DAY, amount: 0, rate: 0.001, duration: 3 * DAY, interval: 5 * DAY, count: 2 },
  ];
  // A drug with plasma pharmacokinetics (two compartments; an infusion and a bolus).
  m.pharmacokinetics = [
    {
      substrate: 'cytarabine',
      coefficients: [1 / 600, 1 / 3000],
      rates: [Math.LN2 / 154, Math.LN2 / 900],
      administrations: [
        { kind: 'infusion', start: 3 * DAY, rate: 0.25, duration: 2 * DAY },
        { kind: 'bolus', start: 8 * DAY, amount: 100 },
      ],
      factor: 4.1,
      exchange: 0.1,
      source: 'test',
    },
  ];
  // Derived outputs that use every kind of expression the exporter translates, in base units
  // (substrates scaled from their declared units) with a unit conversion.
  m.outputs.push(
    { name: 'blast_signal', expression: 'hill(AML_blast, 20, 2) + max(M1, M2, 1) / 1000 - min(MSC, 5) * blast_cycle_entry', unit: 'dimensionless', description: '', scale: 1 },
    { name: 'mixed', expression: 'sqrt(abs(M2 - M1)) + log(1 + TNF * 1e12) + log10(1 + IL10 * 1e12) + exp(-time / 1440) + pow(CSF1 * 1e12, 2) + floor(M0) - ceil(M0)', unit: 'dimensionless', description: '', scale: 2 },
  );
  return m;
}

describe('SBML export of the mean-field form', () => {
  const model = amlWithDoses(24);
  const xml = exportSbml(model);

  it('is SBML L3V2 that the importer reads without warnings', () => {
    const doc = readSbml(xml);
    expect(doc.level).toBe(3);
    expect(doc.version).toBe(2);
    expect(doc.species.length).toBe(3 * model.cellTypes.length + model.substrates.length);
    // One event per distinct dose time: 0, 7, 10, 13, 14, 15, 18 days.
    expect(doc.events.length).toBe(7);
    const sys = new SbmlSystem(doc);
    expect(sys.warnings).toEqual([]);
    const ids = [...doc.species, ...doc.parameters, ...doc.reactions].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reproduces the mean-field engine within 1e-6 relative, as an SBML Test Suite case', () => {
    // The export with a settings file in the suite's format; nichesim's mean-field engine writes
    // the reference results; the suite's comparison rule |x − ref| <= abs + rel·|ref| decides.
    const exported = exportSbmlCase(model, {}, { absolute: 1e-9, relative: 1e-6 });
    expect(exported.sbml).toBe(xml);
    const settings = parseSettings(exported.settings);
    expect(settings.duration).toBe(24 * DAY);
    expect(settings.steps).toBe(48);
    const ref = simulate(model, { rtol: 1e-10, atolCells: 1e-9, atolConcentration: 1e-13 });
    expect(ref.status).toBe('ok');
    expect(ref.times.length).toBe(49);
    // The plasma PK drives the drug in the niche (infusion on days 3-5, bolus on day 8).
    expect(ref.series.cytarabine[8]).toBeGreaterThan(0.05);
    expect(ref.series.cytarabine[17]).toBeGreaterThan(ref.series.cytarabine[16]);
    const header = ['time', ...exported.variables.map((v) => v.id)].join(',');
    const rows = Array.from(ref.times, (t, k) => [t, ...exported.variables.map((v) => ref.series[v.column][k])].join(','));
    const outcome = runSuiteCase(exported.sbml, exported.settings, [header, ...rows].join('\n'), { rtol: 1e-10, atol: 1e-14 });
    expect(outcome.reason).toBeNull();
    expect(outcome.pass).toBe(true);
    // Cells (live and dead), every substrate and the derived outputs were compared.
    expect(exported.variables.length).toBe(2 * model.cellTypes.length + model.substrates.length + model.outputs.length);
  });

  it('has an analytic Jacobian that agrees with finite differences', () => {
    const sys = new SbmlSystem(readSbml(xml));
    // A realistic state: the model after 5 days (after a dose, every pool populated).
    const sim = new SbmlSimulation(sys, 0, { rtol: 1e-8 });
    expect(sim.advanceTo(5 * DAY)).toBe('ok');
    const n = sys.n;
    const y = new Float64Array(n);
    sys.readState(y);
    // Away from the kinks of max(x, 0) at empty pools (the Jacobian takes the x <= 0 side there).
    for (let i = 0; i < n; i++) y[i] = Math.max(y[i], 0.01);
    const t = 5 * DAY;
    const J = new Float64Array(n * n);
    sys.jacobian(t, y, J);
    const f1 = new Float64Array(n);
    const f2 = new Float64Array(n);
    const eps = 2.220446049250313e-16;
    const bad: string[] = [];
    let checked = 0;
    for (let j = 0; j < n; j++) {
      const h = 1e-3 * Math.abs(y[j]);
      const yp = Float64Array.from(y);
      const ym = Float64Array.from(y);
      yp[j] += h;
      ym[j] -= h;
      sys.rhs(t, yp, f1);
      sys.rhs(t, ym, f2);
      for (let i = 0; i < n; i++) {
        const fd = (f1[i] - f2[i]) / (2 * h);
        const a = J[i * n + j];
        // Truncation O(h^2) plus round-off of the difference quotient.
        const allowance = 1e-5 * (Math.abs(fd) + Math.abs(a)) + (100 * eps * (Math.abs(f1[i]) + Math.abs(f2[i]))) / h;
        if (Math.abs(fd - a) > allowance) bad.push(`d f(${sys.stateSymbols[i].id}) / d ${sys.stateSymbols[j].id}: analytic ${a}, finite differences ${fd}`);
        if (a !== 0) checked++;
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('with division delays (rate r / (1 + r d) on rule-driven cycle entry) still reproduces the mean-field engine', () => {
    // AML blasts and MSC have rules on cycle entry (contact with M2, contact with blasts,
    // pressure); with a delay the division reaction must carry r / (1 + r d).
    const delayed = amlWithDoses(24);
    const at = (name: string) => delayed.cellTypes.find((c) => c.name === name)!;
    at('AML_blast').divisionDelay = 780;
    at('MSC').divisionDelay = { expr: '2 * blast_volume / blast_volume', scale: 600 }; // 1200 min, as an expression
    const exported = exportSbmlCase(delayed, {}, { absolute: 1e-9, relative: 1e-6 });
    expect(exported.sbml).not.toBe(xml);
    expect(exported.sbml).toContain('<apply><divide/><ci> AML_blast_cycle_entry </ci><apply><plus/><cn type="integer"> 1 </cn><apply><times/><ci> AML_blast_cycle_entry </ci><cn type="integer"> 780 </cn>');
    const ref = simulate(delayed, { rtol: 1e-10, atolCells: 1e-10, atolConcentration: 1e-13 });
    expect(ref.status).toBe('ok');
    // the delay matters: blasts grow more slowly than without it
    const plain = simulate(model, { rtol: 1e-10, atolCells: 1e-10, atolConcentration: 1e-13 });
    const last = ref.times.length - 1;
    expect(ref.series.AML_blast[last]).toBeLessThan(0.95 * plain.series.AML_blast[last]);
    const header = ['time', ...exported.variables.map((v) => v.id)].join(',');
    const rows = Array.from(ref.times, (t, k) => [t, ...exported.variables.map((v) => ref.series[v.column][k])].join(','));
    const outcome = runSuiteCase(exported.sbml, exported.settings, [header, ...rows].join('\n'), { rtol: 1e-10, atol: 1e-14 });
    expect(outcome.reason).toBeNull();
    expect(outcome.pass).toBe(true);
  });
});
