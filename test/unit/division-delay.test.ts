/**
 * Division delay (cell_types.<type>.division_delay, min): the time from cycle entry to division,
 * PhysiCell's cycle phases after phase 0. Both engines divide at r_eff = r / (1 + r·d), r the
 * cycle entry rate after rules, so the mean cycle time is 1/r + d; division times stay
 * exponential.
 *
 * - Mean-field, constant r, delay d, no death: N(t) = N0·exp(r_eff·t) within 1e-6 relative.
 * - Rules on cycle entry: at a steady signal the behaviour is r(signal) (the Hill response) and the
 *   birth term is r_eff(r(signal)) N; the run follows N0·exp(r_eff·t).
 * - Agent-based: the mean count over seeds grows at r_eff (tolerance in that test's comment).
 * - Validation: negative or non-finite delays are located errors; an expression that evaluates
 *   negative is a compile error; units convert.
 * - Delay 0 changes nothing: bit-identical series to a model without the field (both engines), and
 *   a model without the field normalises without the key (its hash is unchanged).
 * - PhysiCell import: rules_sample's tumour cells (code 6: G0 -> G1 at 3.333e-5 1/min, then fixed
 *   phases of 480, 240 and 60 min) get cycle_entry 3.333e-5 and division_delay ≈ 780 min.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompileError, compileModel } from '../../src/compile/compile.js';
import { Layout } from '../../src/compile/layout.js';
import { abmEngine } from '../../src/engines/abm/index.js';
import { MeanFieldSystem } from '../../src/engines/ode/meanField.js';
import { importPhysiCell } from '../../src/interop/physicell/index.js';
import { ModelError } from '../../src/model/diagnostics.js';
import { modelHash, parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';
import { smallModel } from '../cross-engine/abmModels.js';

const model = (cellTypes: string, extra = '', tEnd = '2 day') =>
  parseModel(
    `nichesim: 1
name: delay
niche: {volume: 1e6 um^3}
simulation: {t_end: ${tEnd}, output_interval: 6 h}
${extra}
cell_types:
${cellTypes}
`,
    'delay.yaml',
  ).model;

/** Number of elements of a and b that differ as bits (Object.is), plus a length mismatch. */
function bitDifferences(a: Float64Array, b: Float64Array): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

describe('division delay: mean-field engine', () => {
  it('constant r, delay d, no death: N(t) = N0 exp(r_eff t), r_eff = r / (1 + r d), within 1e-6', () => {
    const r = 0.01;
    const d = 300;
    const rEff = r / (1 + r * d); // 0.0025 1/min: a mean cycle of 100 + 300 min
    const m = model(`  A: {initial_number: 100, cycle_entry: ${r} 1/min, division_delay: ${d} min}`);
    expect(compileModel(m).cellTypes[0].divisionDelay).toBe(d);
    const res = simulate(m, { rtol: 1e-10, atolCells: 1e-10 });
    expect(res.status).toBe('ok');
    expect(res.times.length).toBe(9);
    for (let k = 0; k < res.times.length; k++) {
      const exact = 100 * Math.exp(rEff * res.times[k]);
      expect(Math.abs(res.series.A[k] - exact) / exact).toBeLessThan(1e-6);
    }
    // without the delay the same r gives exp(r t): 1.3e6-fold more cells at day 2
    const last = res.times.length - 1;
    expect(res.series.A[last]).toBeLessThan(1e-5 * 100 * Math.exp(r * res.times[last]));
  });

  it('units convert and the field is a time', () => {
    const m = model(`  A: {initial_number: 1, cycle_entry: 0.01 1/min, division_delay: 13 h}`);
    expect(m.cellTypes[0].divisionDelay).toBe(780);
    expect(compileModel(m).cellTypes[0].divisionDelay).toBe(780);
    const p = model(`  A: {initial_number: 1, cycle_entry: 0.01 1/min, division_delay: 2 * t_g2m}`, 'parameters:\n  t_g2m: {value: 4 h, source: test}');
    expect(compileModel(p).cellTypes[0].divisionDelay).toBe(480);
    expect(compileModel(p, { t_g2m: 600 }).cellTypes[0].divisionDelay).toBe(1200);
  });

  it('rules on cycle entry pass through r_eff: the value at a steady signal, the run, and the birth term', () => {
    // S is constant (no decay, no uptake): r = r0 + (rmax − r0)·(S/h)²/(1 + (S/h)²).
    const r0 = 0.001;
    const rmax = 0.01;
    const S = 2;
    const h = 1;
    const d = 120;
    const r = r0 + (rmax - r0) * ((S / h) ** 2 / (1 + (S / h) ** 2)); // 0.0082 1/min
    const rEff = r / (1 + r * d);
    const m = model(
      `  A: {initial_number: 50, cycle_entry: ${r0} 1/min, division_delay: ${d} min}`,
      `substrates:
  S: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0, initial_condition: ${S}}
rules:
  - {cell_type: A, signal: S, direction: increases, behaviour: cycle entry, saturation: ${rmax} 1/min, half_max: ${h}, hill_power: 2, evidence: [M001]}`,
      '1 day',
    );
    const sys = new MeanFieldSystem(compileModel(m));
    const y = sys.initialState();
    // the behaviour is the cycle entry rate itself (what rules set), not r_eff
    expect(sys.evaluateBehaviours(0, y)[0][Layout.CYCLE_ENTRY]).toBeCloseTo(r, 15);
    const dy = new Float64Array(sys.n);
    sys.rhs(0, y, dy);
    expect(Math.abs(dy[0] / 50 - rEff) / rEff).toBeLessThan(1e-14);
    // not the base rate through the delay, nor r without it
    expect(Math.abs(dy[0] / 50 - r0 / (1 + r0 * d))).toBeGreaterThan(0.5 * rEff);
    const res = simulate(m, { rtol: 1e-10, atolCells: 1e-10 });
    expect(res.status).toBe('ok');
    for (let k = 0; k < res.times.length; k++) {
      expect(res.series.S[k]).toBe(S);
      const exact = 50 * Math.exp(rEff * res.times[k]);
      expect(Math.abs(res.series.A[k] - exact) / exact).toBeLessThan(1e-6);
    }
  });

  it('delay 0 changes nothing: bit-identical series to a model without the field, and the same hash without it', () => {
    const body = (extra: string) =>
      `  A: {initial_number: 40, volume: 1000 um^3, cycle_entry: 0.002 1/min, apoptosis: 0.0005 1/min${extra}, secretion: {S: {secretion_rate: 0.01 1/min, secretion_target: 1}}}
  B: {initial_number: 10, volume: 1500 um^3, cycle_entry: 0.001 1/min, apoptosis: 0.0004 1/min, secretion: {S: {uptake_rate: 0.02 1/min}}}`;
    const extra = `substrates:
  S: {unit: uM, diffusion_coefficient: 1e5 um^2/min, decay_rate: 0.01 1/min}
rules:
  - {cell_type: A, signal: S, direction: increases, behaviour: cycle entry, saturation: 0.004 1/min, half_max: 0.5, hill_power: 2, evidence: [M001]}
  - {cell_type: A, signal: contact with B, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 1, evidence: [M001]}`;
    const without = model(body(''), extra, '5 day');
    const zero = model(body(', division_delay: 0 min'), extra, '5 day');
    expect('divisionDelay' in without.cellTypes[0]).toBe(false); // absent unless written: hashes unchanged
    expect(zero.cellTypes[0].divisionDelay).toBe(0);
    const canonical = structuredClone(zero);
    delete canonical.cellTypes[0].divisionDelay;
    expect(modelHash(canonical)).toBe(modelHash(without));
    const a = simulate(without, { rtol: 1e-8 });
    const b = simulate(zero, { rtol: 1e-8 });
    expect(bitDifferences(a.times, b.times)).toBe(0);
    for (const c of a.columns) expect(bitDifferences(a.series[c.name], b.series[c.name]), c.name).toBe(0);
    // the agent-based engine, same seed (a small domain, 1 day)
    const spatial = `spatial: {dims: 2, size: [200 um, 200 um, 20 um], voxel_size: 20 um, dt_diffusion: 0.1 min, dt_mechanics: 0.1 min, dt_phenotype: 6 min, snapshot_interval: 1 day}\n`;
    const sw = model(body(''), spatial + extra, '1 day');
    const sz = model(body(', division_delay: 0 min'), spatial + extra, '1 day');
    const x = simulate(sw, { engine: 'abm', seed: 3, snapshots: false });
    const z = simulate(sz, { engine: 'abm', seed: 3, snapshots: false });
    expect(x.status).toBe('ok');
    for (const c of x.columns) expect(bitDifferences(x.series[c.name], z.series[c.name]), c.name).toBe(0);
    // and a delay > 0 does change both
    const delayed = model(body(', division_delay: 600 min'), extra, '5 day');
    expect(bitDifferences(simulate(delayed, { rtol: 1e-8 }).series.A, a.series.A)).toBeGreaterThan(0);
  });

  it('a negative or non-finite delay is a located error; an expression that evaluates negative a compile error', () => {
    const bad = (v: string) => {
      try {
        model(`  A:\n    initial_number: 1\n    division_delay: ${v}`);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelError);
        return (e as ModelError).diagnostics.filter((x) => x.severity === 'error');
      }
      throw new Error('expected a ModelError');
    };
    for (const [v, msg] of [['-5 min', /expected a time .* of 0 or more, got '-5 min'/], ['-1', /of 0 or more, got -1/], ['.inf', /expected a finite number/], ['0.5 1/min', /expected a time/]] as const) {
      const ds = bad(v);
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({ file: 'delay.yaml', line: 9, column: 21, path: 'cell_types.A.division_delay' });
      expect(ds[0].message).toMatch(msg);
    }
    const m = model(`  A: {initial_number: 1, division_delay: t_a - t_b}`, 'parameters:\n  t_a: {value: 1 h, source: test}\n  t_b: {value: 2 h, source: test}');
    expect(() => compileModel(m)).toThrow(CompileError);
    expect(() => compileModel(m)).toThrow(/cell_types\.A\.division_delay: evaluates to -60, which is negative/);
  });
});

/**
 * Agent-based engine: A with r = 0.01 1/min and d = 300 min (r_eff = 0.0025 1/min), no death, 50
 * agents, 600 min in phenotype steps of dt = 6 min, 40 seeds.
 *
 * Each live agent divides in a phenotype step with probability p = 1 − exp(−r_eff dt) (decisions
 * from the state at the start of the step), so the count is a Galton–Watson process with offspring
 * 1 or 2: mean m = 1 + p and variance σ² = p(1 − p) per agent and step. After k = 100 steps:
 *   E[N_k] = N0 m^k,  Var[N_k] = N0 σ² m^(k−1) (m^k − 1)/(m − 1),
 * E = 219.2 cells and sd 26.8 per run, so the standard error of the 40-seed mean is 4.2 cells.
 * Tolerance: |mean − E| ≤ 4 SE (a false alarm has probability 6e-5, and the seeds are fixed).
 * (m^k = exp(1.478): the per-step probability makes the discrete growth rate ln(m)/dt 1.5 % below
 * r_eff; the continuous exp(r_eff t) = 4.48 would give 224 cells.) Measured (seeds 1..40): mean
 * 225.3 cells, z = 1.44. The test would fail for a rate 10 % off r_eff (E = 253.5, 6.6 SE from
 * the measured mean) and for r without the delay (E ≈ 2e4).
 */
describe('division delay: agent-based engine', () => {
  it('the mean count over seeds grows at r_eff = r / (1 + r d)', () => {
    const r = 0.01;
    const d = 300;
    const N0 = 50;
    const dt = 6;
    const T = 600;
    const SEEDS = 40;
    const m = smallModel(`cell_types:\n  A: {initial_number: ${N0}, volume: 1000 um^3, cycle_entry: ${r} 1/min, division_delay: ${d} min}`, {
      size: [400, 400, 20], dtDiffusion: 6, dtMechanics: 6, dtPhenotype: dt, tEnd: `${T} min`, outputInterval: `${T} min`, snapshotInterval: `${T} min`,
    });
    const compiled = compileModel(m);
    const rEff = r / (1 + r * d);
    const expected = (rate: number) => N0 * (2 - Math.exp(-rate * dt)) ** (T / dt);
    const p = -Math.expm1(-rEff * dt);
    const mm = 1 + p;
    const k = T / dt;
    const variance = (N0 * p * (1 - p) * mm ** (k - 1) * (mm ** k - 1)) / (mm - 1);
    const se = Math.sqrt(variance / SEEDS);
    let sum = 0;
    let steps = -1;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const sim = abmEngine.init(compiled, { seed, snapshots: false, mechanics: { repulsion: 2 } });
      expect(sim.advance(T)).toBe('ok');
      const res = sim.result();
      expect(res.series.A[0]).toBe(N0);
      sum += res.series.A[res.times.length - 1];
      steps = sim.world.phenotypeSteps;
    }
    expect(steps).toBe(k);
    const mean = sum / SEEDS;
    console.log(`division delay, agent-based: mean ${mean.toFixed(1)} vs E ${expected(rEff).toFixed(1)} (SE ${se.toFixed(2)}, z ${((mean - expected(rEff)) / se).toFixed(2)}); 1.1 r_eff: ${expected(1.1 * rEff).toFixed(1)}`);
    expect(Math.abs(mean - expected(rEff))).toBeLessThanOrEqual(4 * se);
    expect(Math.abs(mean - expected(1.1 * rEff))).toBeGreaterThan(4 * se);
    expect(Math.abs(mean - expected(r))).toBeGreaterThan(100 * se);
  });
});

const ROOT = resolve(process.env.NICHESIM_FIXTURES ?? join(__dirname, '../../../shared/fixtures'), 'physicell');
const haveFixtures = existsSync(join(ROOT, 'rules_sample', 'PhysiCell_settings.xml'));

describe.skipIf(!haveFixtures)('division delay: PhysiCell import', () => {
  const read = (project: string, f: string) => ({ text: readFileSync(join(ROOT, project, f), 'utf8'), path: `${project}/${f}` });
  const settings = (project: string, text?: string) => importPhysiCell({ settingsXml: text ?? read(project, 'PhysiCell_settings.xml').text, settingsPath: `${project}/PhysiCell_settings.xml` });

  it('rules_sample: the tumour cells get cycle_entry 3.333e-5 1/min (exactly) and division_delay 780 min', () => {
    const r = importPhysiCell({ settingsXml: read('rules_sample', 'PhysiCell_settings.xml').text, settingsPath: 'rules_sample/PhysiCell_settings.xml', rulesCsv: read('rules_sample', 'cell_rules.csv'), cellsCsv: read('rules_sample', 'cells.csv') });
    const tumour = (r.model as any).cell_types.malignant_epithelial_cell;
    expect(tumour.cycle_entry).toBe(3.333e-5);
    // the fixed phases are given as rates 0.002083, 0.004167, 0.016667 1/min: 480.08 + 239.98 + 60.00 min
    expect(Math.abs(tumour.division_delay - 780)).toBeLessThan(0.1);
    // the oxygen rule raises cycle entry to 0.003333 1/min: the division rate is then
    // 1/(300 + 780) min, not 0.003333 1/min (3.6x less)
    const model = parseModel(JSON.stringify(r.model), 'rs.json').model;
    const ct = compileModel(model).cellTypes[0];
    expect(ct.divisionDelay).toBe(tumour.division_delay);
    const rule = model.rules.find((x) => x.cellType === 'malignant_epithelial_cell' && x.behaviourText === 'cycle entry' && x.direction === 'increases');
    expect(rule?.saturation).toBe(0.003333);
    const rEff = 0.003333 / (1 + 0.003333 * ct.divisionDelay);
    expect(1 / rEff).toBeCloseTo(1 / 0.003333 + 780, 0);
    expect(0.003333 / rEff).toBeGreaterThan(3.5);
    // live cycles (code 5) have no delay
    expect((r.model as any).cell_types.M0_macrophage.division_delay).toBeUndefined();
  });

  it('a cycle given as durations; a fixed-duration phase 0 is still collapsed to one rate', () => {
    const t = settings('template');
    expect((t.model as any).cell_types.default).toMatchObject({ cycle_entry: 1 / 300, division_delay: 780 });
    expect(t.warnings.some((w) => w.element === '<cycle>' && /later phases become division_delay = 780\.0 min/.test(w.message))).toBe(true);
    const xml = read('template', 'PhysiCell_settings.xml').text;
    const fixed0 = xml.replace('<duration index="0" fixed_duration="false">300.0</duration>', '<duration index="0" fixed_duration="true">300.0</duration>');
    expect(fixed0).not.toBe(xml);
    const f = settings('template', fixed0);
    expect((f.model as any).cell_types.default.cycle_entry).toBe(1 / 1080);
    expect((f.model as any).cell_types.default.division_delay).toBeUndefined();
    expect(f.warnings.some((w) => w.element === '<cycle>' && /collapsed to one exponential cycle_entry rate/.test(w.message))).toBe(true);
  });
});
