/**
 * Analysis specs: defaults resolved from the model (ranges, log-uniform over a decade), values in
 * display units, and located errors (file, line, column, field, fix) like the model loader's.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/analysis/errors.js';
import { cohortPlan, sensitivityPlan, sweepPlan } from '../../src/analysis/plan.js';
import { CohortSpecInput, parseSpecText, resolveCohort, resolveSensitivity, resolveSweep, SensitivitySpecInput, SweepSpecInput } from '../../src/analysis/spec.js';
import { loadModelFile } from '../../src/io/load.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';

const model = loadModelFile('models/aml-niche.yaml').model;

function sweepErrors(text: string): string[] {
  try {
    resolveSweep(parseSpecText(text, 'spec.yaml', SweepSpecInput), model);
  } catch (e) {
    if (e instanceof SpecError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

describe('sweep spec', () => {
  it('defaults to the model ranges: log-uniform over more than a decade, uniform otherwise; bare numbers in the display unit', () => {
    const r = resolveSweep(
      parseSpecText(
        `model: m.yaml
design: {kind: grid, levels: 2}
parameters:
  blast_cycle_entry: {}
  cd47_level: null
  macrophage_apoptosis: {range: [0.02, 0.1]}
  tnf_half_max: {distribution: normal, mean: 0.05, sd: 0.01 ng/mL}
endpoints: [AML_blast at day 180]
`,
        'spec.yaml',
        SweepSpecInput,
      ),
      model,
    );
    const [b, c, m, t] = r.parameters;
    expect(b.distribution).toEqual({ kind: 'loguniform', lo: 0.04 / 1440, hi: 0.5 / 1440 });
    expect(b.unit.label).toBe('1/day');
    expect(c.distribution).toEqual({ kind: 'uniform', lo: 1, hi: 4 });
    expect(m.distribution.kind).toBe('uniform');
    expect((m.distribution as { lo: number }).lo).toBeCloseTo(0.02 / 1440, 15);
    expect(t.distribution).toMatchObject({ kind: 'normal' });
    expect((t.distribution as { mean: number }).mean).toBeCloseTo(5e-14, 25);
    expect((t.distribution as { sd: number }).sd).toBeCloseTo(1e-14, 25);
    expect(r.tEnd).toBe(180 * 1440);
    const plan = sweepPlan(r);
    expect(plan.total).toBe(16);
    const first = plan.run(0);
    expect(first.values[0]).toBeCloseTo(0.04 / 1440, 15);
    expect(plan.run(15).values[1]).toBe(4);
  });

  it('locates every problem with a fix', () => {
    const errors = sweepErrors(`model: m.yaml
t_end: 90
design: {kind: lhs}
parameters:
  blast_cycle_entri: {}
  msc_volume: {range: [5 ng/mL, 10 ng/mL]}
  macrophage_volume: {}
  cd47_level: {distribution: loguniform, range: [0, 4]}
endpoints:
  - AML_blasts at day 90
  - AML_blast at day 400
  - most blasts
`);
    const text = errors.join('\n');
    expect(text).toContain("spec.yaml:2:8: error: t_end: a time needs a unit, e.g. '90 day'");
    expect(text).toContain('spec.yaml:3:9: error: design: a Latin-hypercube design needs n');
    expect(text).toMatch(/spec\.yaml:5:3: error: parameters\.blast_cycle_entri: the model has no parameter 'blast_cycle_entri'\n {2}fix: did you mean 'blast_cycle_entry'\?/);
    expect(text).toMatch(/spec\.yaml:6:\d+: error: parameters\.msc_volume\.range\[0\]: 'msc_volume' is volume .* but '5 ng\/mL' is/);
    expect(text).toMatch(/spec\.yaml:7:\d+: error: parameters\.macrophage_volume: parameter 'macrophage_volume': the model stores no range for it/);
    expect(text).toMatch(/parameters\.cd47_level\.range: parameter 'cd47_level': a loguniform distribution needs a positive low end/);
    expect(text).toMatch(/spec\.yaml:10:5: error: endpoints\[0\]: endpoint 'AML_blasts at day 90': the results have no column 'AML_blasts'/);
    expect(text).toMatch(/spec\.yaml:11:5: error: endpoints\[1\]: endpoint 'AML_blast at day 400': day 400 is outside the run \(0 to 180 day\)/);
    expect(text).toMatch(/spec\.yaml:12:5: error: endpoints\[2\]: cannot read the endpoint 'most blasts'\n {2}fix: write '<column> at day <D>'/);
  });

  it('reports unknown keys and YAML syntax errors with their position', () => {
    expect(sweepErrors(`model: m.yaml\ndesign: {kind: lhs, n: 4}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\nreplicate: 3\n`).join('\n')).toContain("spec.yaml:5:1: error: replicate: unknown key 'replicate'");
    expect(sweepErrors(`model: m.yaml\ndesign: {kind: lhs, n: 4}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\nendpoints: []\n`).join('\n')).toMatch(/duplicate key 'endpoints'/);
    expect(sweepErrors(`model: m.yaml\ndesign: {kind: cube, n: 4}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\n`).join('\n')).toMatch(/spec\.yaml:2:\d+: error: design\.kind: expected one of "grid", "lhs", "sobol", "random"/);
    expect(sweepErrors(`model: m.yaml\nengine: pde\ndesign: {kind: lhs, n: 4}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\n`).join('\n')).toMatch(/spec\.yaml:2:9: error: engine: unknown engine 'pde'\n {2}fix: known engines: ode/);
  });

  it('gives replicates independent seeds, or common ones on request', () => {
    const mk = (crn: boolean) =>
      sweepPlan(resolveSweep(parseSpecText(`model: m.yaml\ndesign: {kind: sobol, n: 4}\nreplicates: 3\ncommon_random_numbers: ${crn}\nparameters: [cd47_level]\nendpoints: [AML_blast final]\n`, 's.yaml', SweepSpecInput), model));
    const ind = mk(false);
    const seeds = Array.from({ length: 12 }, (_, i) => ind.run(i).seed);
    expect(new Set(seeds).size).toBe(12);
    const crn = mk(true);
    expect(crn.run(0).seed).toBe(crn.run(3).seed);
    expect(crn.run(0).seed).not.toBe(crn.run(1).seed);
  });
});

describe('sensitivity and cohort specs', () => {
  it('lays out Morris runs then Saltelli runs', () => {
    const r = resolveSensitivity(parseSpecText(`model: m.yaml\nparameters: [cd47_level, blast_cycle_entry]\nmorris: {trajectories: 4}\nsobol: {n: 8}\nendpoints: [AML_blast at day 100]\n`, 's.yaml', SensitivitySpecInput), model);
    const plan = sensitivityPlan(r);
    expect(plan.total).toBe(4 * 3 + 8 * 4);
    expect(plan.run(0).design).toBe('morris');
    expect(plan.run(12).design).toBe('sobol');
    expect(r.bootstrap).toEqual({ resamples: 1000, confidence: 0.95 });
  });
  it('requires a method and a distribution', () => {
    expect(() => resolveSensitivity(parseSpecText(`model: m.yaml\nparameters: [cd47_level]\nendpoints: [AML_blast final]\n`, 's.yaml', SensitivitySpecInput), model)).toThrow(/no method/);
  });
  it('pairs patients across arms and checks arms, response and event', () => {
    const text = `model: m.yaml
patients: 5
parameters: {blast_cycle_entry: {distribution: lognormal, sigma: 0.3}}
arms:
  baseline: {}
  anti_cd47: {set: {cd47_level: 0.25}}
response: {endpoint: AML_blast at day 90, reduction_at_least: 0.5, relative_to: baseline}
event: {column: AML_blast, above: 5000}
`;
    const r = resolveCohort(parseSpecText(text, 'c.yaml', CohortSpecInput), model);
    expect(r.arms.map((a) => a.name)).toEqual(['baseline', 'anti_cd47']);
    expect(r.endpoints.map((e) => e.name)).toEqual(['AML_blast at day 90', 'time to AML_blast >= 5000']);
    const plan = cohortPlan(r);
    expect(plan.total).toBe(10);
    expect(plan.run(2).values).toEqual(plan.run(3).values);
    expect(plan.run(2).seed).toBe(plan.run(3).seed);
    expect(plan.run(2).values).not.toEqual(plan.run(4).values);
    const bad = text.replace('relative_to: baseline', 'relative_to: placebo').replace('cd47_level: 0.25', 'blast_cycle_entry: 0.2');
    let msg = '';
    try {
      resolveCohort(parseSpecText(bad, 'c.yaml', CohortSpecInput), model);
    } catch (e) {
      msg = (e as SpecError).diagnostics.map(formatDiagnostic).join('\n');
    }
    expect(msg).toMatch(/c\.yaml:6:\d+: error: arms\.anti_cd47\.set\.blast_cycle_entry: 'blast_cycle_entry' is sampled per patient/);
    expect(msg).toMatch(/c\.yaml:7:\d+: error: response\.relative_to: relative_to 'placebo' is neither 'initial' nor an arm/);
  });
});
