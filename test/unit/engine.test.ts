/**
 * The mean-field engine's contract: output on the user's grid independent of internal steps,
 * chunked stepping equal to one call, doses at exact times, failures that keep earlier rows.
 */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import { odeEngine } from '../../src/engines/ode/engine.js';
import { outputTimes } from '../../src/engines/engine.js';
import { parseModel } from '../../src/model/parse.js';
import { loadModelFile } from '../../src/io/load.js';
import { simulate } from '../../src/simulate.js';

const model = (extra: string) =>
  parseModel(
    `nichesim: 1
name: t
niche: {volume: 1e6 um^3}
simulation: {t_end: 10 day, output_interval: 1 day}
substrates:
  D: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min}
${extra}`,
    't.yaml',
  ).model;

describe('analytic solutions through the whole pipeline', () => {
  it('exponential growth N0 exp((b - d) t) with cycle entry b and apoptosis d', () => {
    const m = model(`cell_types:\n  A: {initial_number: 100, cycle_entry: 0.3 1/day, apoptosis: 0.1 1/day}`);
    const r = simulate(m, { rtol: 1e-10, atolCells: 1e-10 });
    for (let i = 0; i < r.times.length; i++) {
      const exact = 100 * Math.exp(0.2 * (r.times[i] / 1440));
      expect(Math.abs(r.series.A[i] - exact) / exact).toBeLessThan(1e-8);
    }
  });
  it('apoptotic cells: dA/dt = d N - A/tau has the closed form for constant N (b = d)', () => {
    const m = model(`cell_types:\n  A: {initial_number: 1000, cycle_entry: 0.2 1/day, apoptosis: 0.2 1/day, apoptotic_clearance_time: 12 h}`);
    const r = simulate(m, { rtol: 1e-10, atolCells: 1e-10 });
    // A(t) = d N tau (1 - exp(-t/tau)), t and tau in days
    const d = 0.2;
    const tau = 0.5;
    for (let i = 0; i < r.times.length; i++) {
      const t = r.times[i] / 1440;
      expect(r.series['A (dead)'][i]).toBeCloseTo(d * 1000 * tau * (1 - Math.exp(-t / tau)), 6);
    }
  });
  it('secretion to a target: steady state f S T / (lambda + f S) (BioFVM source term)', () => {
    // f = N V / V_niche = 100 * 1000 / 1e6 = 0.1; S = 0.05/min; T = 2 uM; lambda = 0.01/min
    const m = model(`cell_types:\n  A: {initial_number: 100, volume: 1000 um^3, secretion: {D: {secretion_rate: 0.05 1/min, secretion_target: 2}}}`);
    const r = simulate(m, { rtol: 1e-10, atolConcentration: 1e-12 });
    const f = 0.1;
    expect(r.series.D[r.times.length - 1]).toBeCloseTo((f * 0.05 * 2) / (0.01 + f * 0.05), 9);
  });
  it('a Dirichlet boundary value is reached through exchange at 3 pi^2 D / L^2', () => {
    const m = parseModel(
      `nichesim: 1
name: t
niche: {volume: 1e6 um^3}
simulation: {t_end: 1 h, output_interval: 1 min}
substrates:
  D: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0, dirichlet_boundary: {enabled: true, value: 3}}
cell_types:
  A: {initial_number: 0}`,
      't.yaml',
    ).model;
    const r = simulate(m, { rtol: 1e-10, atolConcentration: 1e-12 });
    const k = (3 * Math.PI ** 2 * 1000) / 100 ** 2; // L = 100 um
    expect(r.series.D[10]).toBeCloseTo(3 * (1 - Math.exp(-k * 10)), 8);
  });
});

describe('output grid and stepping', () => {
  const aml = loadModelFile('models/aml-niche.yaml').model;
  it('the grid is 0, dt, ..., t_end with t_end added when not a multiple', () => {
    expect(Array.from(outputTimes(10, 3))).toEqual([0, 3, 6, 9, 10]);
    expect(() => outputTimes(0, 1)).toThrow(/t_end must be a positive/);
    expect(() => outputTimes(10, -1)).toThrow(/output interval must be a positive/);
  });
  it('the last output time is exactly t_end when k·interval rounds past it (the final row is kept)', () => {
    const interval = 0.1 + 0.2; // 0.30000000000000004
    expect(200 * interval).toBeGreaterThan(60);
    const times = outputTimes(60, interval);
    expect(times.length).toBe(201);
    expect(times[200]).toBe(60);
    const r = simulate(aml, { tEnd: 60, outputInterval: interval });
    expect(r.times.length).toBe(201);
    expect(r.times[200]).toBe(60);
    expect(Number.isFinite(r.series[r.columns[0].name][200])).toBe(true);
  });
  it('advancing in chunks gives bit-identical rows to one call', () => {
    const compiled = compileModel(aml);
    const one = odeEngine.init(compiled, {});
    one.advance(compiled.tEnd);
    const chunked = odeEngine.init(compiled, {});
    for (const t of [1.5 * 1440, 7 * 1440, 7 * 1440, 50.2 * 1440, 100 * 1440, compiled.tEnd]) chunked.advance(t);
    const a = one.result();
    const b = chunked.result();
    expect(b.times.length).toBe(a.times.length);
    for (const c of a.columns) expect(Array.from(b.series[c.name])).toEqual(Array.from(a.series[c.name]));
  });
  it('values at a time do not depend on the output grid (within the tolerance)', () => {
    const coarse = simulate(aml, { outputInterval: 30 * 1440 });
    const fine = simulate(aml, { outputInterval: 0.25 * 1440 });
    const iCoarse = 3; // day 90
    const iFine = 360;
    expect(coarse.times[iCoarse]).toBe(fine.times[iFine]);
    for (const c of ['AML_blast', 'M1', 'M2', 'TNF', 'IL10']) {
      expect(Math.abs(coarse.series[c][iCoarse] - fine.series[c][iFine]) / Math.abs(fine.series[c][iFine])).toBeLessThan(1e-4);
    }
  });
});

describe('dosing', () => {
  it('a bolus at an output time shows in that row, decays exponentially, and repeats', () => {
    const m = model(`cell_types:\n  A: {initial_number: 0}\ndosing:\n  - {substrate: D, kind: bolus, start: 2 day, amount: 1, interval: 3 day, count: 2}`);
    const r = simulate(m, { tEnd: 8 * 1440, outputInterval: 60, rtol: 1e-10, atolConcentration: 1e-14 });
    const at = (h: number) => r.series.D[h];
    expect(at(47)).toBe(0);
    expect(at(48)).toBe(1); // right-continuous: the dose is in the row at its time
    expect(at(49)).toBeCloseTo(Math.exp(-0.01 * 60), 9);
    expect(at(120)).toBeCloseTo(1 + Math.exp(-0.01 * 72 * 60), 8);
  });
  it('a continuous infusion approaches rate / decay and stops after its duration', () => {
    const m = model(`cell_types:\n  A: {initial_number: 0}\ndosing:\n  - {substrate: D, kind: infusion, start: 1 day, rate: 0.002, duration: 2 day}`);
    const r = simulate(m, { tEnd: 4 * 1440, outputInterval: 60, rtol: 1e-10, atolConcentration: 1e-14 });
    expect(r.series.D[24]).toBe(0);
    // during: c(t) = (r/lambda)(1 - exp(-lambda t))
    expect(r.series.D[30]).toBeCloseTo(0.2 * (1 - Math.exp(-0.01 * 360)), 9);
    const end = 0.2 * (1 - Math.exp(-0.01 * 2880));
    expect(r.series.D[72]).toBeCloseTo(end, 9);
    expect(r.series.D[80]).toBeCloseTo(end * Math.exp(-0.01 * 480), 9);
  });
});

describe('failures', () => {
  it('a run that overflows stops with the time and state named and keeps the rows before', () => {
    const m = model(`cell_types:\n  A: {initial_number: 1, cycle_entry: 1 1/min}`);
    const r = simulate(m, { tEnd: 2 * 1440, outputInterval: 60 });
    expect(r.status).not.toBe('ok');
    expect(r.times.length).toBeGreaterThan(5);
    expect(r.times.length).toBeLessThan(49);
    expect(r.message).toMatch(/stopped \((nonFinite|stepSizeUnderflow|maxSteps)\) at t = /);
    expect(r.message).toMatch(/State: A=/);
    for (const v of r.series.A) expect(Number.isFinite(v)).toBe(true);
  });
  it('a negative parameter value from --set is refused before the run', () => {
    const aml = loadModelFile('models/aml-niche.yaml').model;
    expect(() => simulate(aml, { parameters: { blast_apoptosis: -1 } })).toThrow(/cell_types\.AML_blast\.apoptosis: evaluates to -1, which is negative/);
    expect(() => simulate(aml, { parameters: { no_such: 1 } })).toThrow(/no parameter named 'no_such'/);
  });
});
