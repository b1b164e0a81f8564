/**
 * Scenario -> model in the core (files in memory): dose conversion through the scenario path
 * checked against closed forms, routes, cell grafts, vehicle arms, and how an intervention merges
 * with the model it is added to.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/model/diagnostics.js';
import { compileScenario, type FileReader, type LoadedIntervention, parseIntervention } from '../../src/scenarios/index.js';
import { simulate } from '../../src/simulate.js';

const MODEL = `nichesim: 1
name: mini
niche: {volume: 1e6 um^3}
simulation: {t_end: 3 day, output_interval: 1 h}
parameters:
  k_half: {value: 1, unit: uM, source: test}
substrates:
  drug: {unit: uM, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.5 1/min}
cell_types:
  MSC: {initial_number: 10}
  A: {initial_number: 100, apoptosis: 0.01 1/day}
rules:
  - {cell_type: A, signal: drug, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: k_half, hill_power: 1, evidence: [T040]}
`;

const MW = 243.22;
const HALF_LIFE = 154; // min
const V = 893; // L
const iv = (regimen: string, extra = '') =>
  `nichesim_intervention: 1
name: drugx
title: drug x
therapies: [T040]
mechanism: kills A
modelled_as: a Hill rule
confidence: high
drugs:
  drug:
    substrate: {unit: uM, diffusion_coefficient: 14000 um^2/min, decay_rate: 0 1/min}
    pk: {model: one-compartment, half_life: ${HALF_LIFE} min, volume: ${V} L}
    molecular_weight: ${MW}
    vascular_exchange: 1 1/min
    bioavailability: 0.5
    absorption_time: 2 h
${extra}model:
  parameters:
    k_half: {value: 5, unit: uM, source: the intervention's own value}
    k_other: {value: 2, unit: uM, source: test}
  rules:
    - {cell_type: A, signal: drug, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: k_half, hill_power: 1, evidence: [T040]}
    - {cell_type: MSC, signal: drug, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: k_other, hill_power: 1, evidence: [T040]}
regimen:
  cycle_length: 7 day
  doses:
${regimen}
`;

const files = (scenario: string): FileReader => (rel) => {
  if (rel.endsWith('mini.yaml')) return { text: MODEL, file: '/m/mini.yaml' };
  throw new Error(`file not found: ${rel} (${scenario.length})`);
};

const compile = (scenario: string, intervention: string, more: Record<string, string> = {}) => {
  const library = new Map<string, LoadedIntervention>([['drugx', parseIntervention(intervention, '/i/drugx.yaml')]]);
  for (const [name, text] of Object.entries(more)) library.set(name, parseIntervention(text, `/i/${name}.yaml`));
  return compileScenario({ text: `nichesim_scenario: 1\nname: s\ntitle: s\nmodel: mini.yaml\n${scenario}`, file: '/s/s.yaml', readFile: files(scenario), library, defaultModel: '/m/mini.yaml' });
};

describe('doses through the scenario path', () => {
  it('mg/m^2 infusions: the niche reaches the plateau R / CL converted to uM (patient BSA from the scenario)', () => {
    const s = compile(`patient: {body_surface_area: 2.0}\ninterventions:\n  - {use: drugx, start: 0 day}`, iv(`    - {drug: drug, route: infusion, dose: 100 mg/m^2, duration: 24 h, every: 1 day, count: 3}`));
    const pk = s.model.pharmacokinetics[0];
    expect(pk.administrations).toHaveLength(3);
    expect(pk.administrations.map((a) => a.start)).toEqual([0, 1440, 2880]);
    const R = (100 * 2.0) / 1440; // mg/min
    const CL = (V * Math.LN2) / HALF_LIFE; // L/min
    const plateau = (R / CL) * (1000 / MW); // uM
    const r = simulate(s.model, { rtol: 1e-9 });
    expect(r.series.drug[48]).toBeCloseTo(plateau, 4);
    expect(r.series.drug[71]).toBeCloseTo(plateau, 4);
    expect(s.scenario.schedule.map((x) => x.mg)).toEqual([200, 200, 200]);
  });
  it('mg/kg boluses use the body weight; oral doses enter over the absorption time at F x dose', () => {
    const s = compile(
      `patient: {body_weight: 80}\ninterventions:\n  - {use: drugx, start: 1 day}`,
      iv(`    - {drug: drug, route: bolus, dose: 2 mg/kg}\n    - {drug: drug, route: oral, dose: 400 mg, at: 12 h}`),
    );
    const adm = s.model.pharmacokinetics[0].administrations;
    expect(adm[0]).toEqual({ kind: 'bolus', start: 1440, amount: 160 });
    expect(adm[1].kind).toBe('infusion');
    expect(adm[1].start).toBe(1440 + 720);
    if (adm[1].kind === 'infusion') {
      expect(adm[1].duration).toBe(120);
      expect(adm[1].rate * adm[1].duration).toBeCloseTo(200, 10); // bioavailability 0.5
    }
    // A bolus of D mg into V L: the plasma starts at D/V mg/L; the niche follows (exchange 1/min).
    const r = simulate(s.model, { rtol: 1e-8, atolConcentration: 1e-12 });
    expect(r.status, r.message ?? '').toBe('ok');
    const k = Math.LN2 / HALF_LIFE;
    const kv = 1;
    const c0 = (160 / V) * (1000 / MW);
    const t = 6 * 60; // 6 h after the bolus, before the oral dose... the oral dose starts 12 h after
    const exact = c0 * (kv / (kv - k)) * (Math.exp(-k * t) - Math.exp(-kv * t));
    expect(r.series.drug[24 + 6]).toBeCloseTo(exact, 6);
  });
  it('scenario dose and duration overrides replace the regimen values', () => {
    const s = compile(`interventions:\n  - {use: drugx, start: 0 day, dose: 50 mg, duration: 12 h}`, iv(`    - {drug: drug, route: infusion, dose: 100 mg/m^2, duration: 24 h, every: 1 day, count: 2}`));
    const adm = s.model.pharmacokinetics[0].administrations;
    expect(adm.map((a) => (a.kind === 'infusion' ? [a.start, a.duration, a.rate * a.duration] : null))).toEqual([
      [0, 720, 50],
      [1440, 720, 50],
    ]);
  });
  it('cycles: two cycles with a gap give the right start times', () => {
    const s = compile(`interventions:\n  - {use: drugx, start: 10 day, cycles: 2, gap: 3 day}`, iv(`    - {drug: drug, route: infusion, dose: 10 mg, duration: 24 h, every: 1 day, count: 2}`));
    expect(s.model.pharmacokinetics[0].administrations.map((a) => a.start / 1440)).toEqual([10, 11, 15, 16]);
  });
  it('niche routes become model dosing in the substrate unit', () => {
    const s = compile(`interventions:\n  - {use: drugx, start: 0 day}`, iv(`    - {drug: drug, route: niche_bolus, dose: 2 uM, every: 1 day, count: 2}\n    - {drug: drug, route: niche_infusion, dose: 0.6 uM/h, duration: 2 h, at: 2 day}`));
    expect(s.model.pharmacokinetics).toEqual([]);
    expect(s.model.dosing.map((d) => [d.kind, d.start, d.amount, d.rate, d.duration])).toEqual([
      ['bolus', 0, 2, 0, 0],
      ['bolus', 1440, 2, 0, 0],
      ['infusion', 2880, 0, 0.01, 120],
    ]);
  });
});

describe('merging an intervention into a model', () => {
  it("keeps the model's rules and parameters where both define them, and adds the rest", () => {
    const s = compile(`interventions:\n  - {use: drugx, start: 0 day}`, iv(`    - {drug: drug, route: bolus, dose: 1 mg}`));
    expect(s.model.rules.filter((r) => r.cellType === 'A')).toHaveLength(1);
    expect(s.model.rules.filter((r) => r.cellType === 'MSC')).toHaveLength(1);
    expect(s.model.parameters.k_half.value).toBeCloseTo(1e-12, 24); // the model's 1 uM (in nmol/um^3), not the intervention's 5 uM
    expect(s.model.parameters.k_other).toBeDefined();
    expect(s.scenario.notes.some((n) => n.includes('already in the model'))).toBe(true);
    expect(s.scenario.notes.some((n) => n.includes("'k_half' is already defined by the model"))).toBe(true);
    // the drug substrate is the intervention's (no local decay), not the model's
    expect(s.model.substrates.find((x) => x.name === 'drug')!.decayRate).toBe(0);
  });
  it('a vehicle arm (control: true) adds the model changes but no drug', () => {
    const s = compile(`interventions:\n  - {use: drugx, start: 0 day, control: true}`, iv(`    - {drug: drug, route: bolus, dose: 1 mg}`));
    expect(s.model.pharmacokinetics).toEqual([]);
    expect(s.model.rules.some((r) => r.cellType === 'MSC')).toBe(true);
    expect(s.scenario.schedule).toEqual([]);
    expect(s.scenario.interventions[0].control).toBe(true);
  });
  it('set: overrides parameters (bare numbers in the written unit) and remove_rules removes rules', () => {
    const s = compile(`set: {k_half: 3}\nremove_rules:\n  - {cell_type: A, signal: drug, behaviour: apoptosis}`, iv(`    - {drug: drug, route: bolus, dose: 1 mg}`));
    expect(s.model.parameters.k_half.written).toBe('3');
    expect(s.model.rules).toEqual([]);
    expect(s.scenario.overrides).toEqual({ k_half: '3' });
    expect(s.scenario.notes.some((n) => n.startsWith('removed the rule'))).toBe(true);
  });
  it('a cell graft adds the dose in cells over the homing time', () => {
    const graft = `nichesim_intervention: 1
name: graft
title: graft
therapies: [T031]
mechanism: more MSC
modelled_as: influx while the carrier is on
confidence: low
drugs:
  carrier:
    substrate: {unit: dimensionless, diffusion_coefficient: 0 um^2/min, decay_rate: 1 1/min}
    cell_type: MSC
    influx_parameter: graft_influx
model:
  parameters:
    graft_influx: {value: 0 cells/day, source: set by the scenario}
  rules:
    - {cell_type: MSC, signal: carrier, direction: increases, behaviour: influx, saturation: graft_influx, half_max: 0.0001, hill_power: 1, evidence: [T031]}
regimen:
  doses:
    - {drug: carrier, route: cells, dose: 20 cells, duration: 2 day}
`;
    const s = compile(`interventions:\n  - {use: graft, start: 0.5 day}`, iv(`    - {drug: drug, route: bolus, dose: 1 mg}`), { graft });
    expect(s.model.parameters.graft_influx.value).toBeCloseTo(20 / 2880, 12);
    // A fine output grid: see the engine note in scenario-errors.test.ts (breakpoints after an overshoot).
    const r = simulate(s.model, { outputInterval: 5 });
    expect(r.series.MSC[0]).toBe(10);
    expect(r.series.MSC[r.times.length - 1]).toBeCloseTo(30, 0);
  });
});

describe('errors of a scenario point at the file that holds the mistake', () => {
  it('a bad rule in an intervention is reported in the intervention file', () => {
    const bad = iv(`    - {drug: drug, route: bolus, dose: 1 mg}`).replace('signal: drug, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: k_other', 'signal: drugg, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: k_other');
    try {
      compile(`interventions:\n  - {use: drugx, start: 0 day}`, bad);
      expect.unreachable();
    } catch (e) {
      const d = (e as ModelError).diagnostics[0];
      expect(d.file).toBe('/i/drugx.yaml');
      expect(d.path).toBe('model.rules[1].signal');
      expect(d.message).toBe("unknown signal 'drugg'");
      expect(d.line).toBe(bad.split('\n').findIndex((l) => l.includes('drugg')) + 1);
    }
  });
});
