/**
 * Bad scenario files give clear, located errors (file:line:column, the field, what is wrong and
 * the fix), one per problem, in the scenario file itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/io/scenarios/index.js';
import { type Diagnostic, ModelError } from '../../src/model/diagnostics.js';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'nichesim-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AML = resolve('models/aml-niche.yaml');

/** Writes a scenario (after the common header) and returns the diagnostics it raises. */
function errorsOf(body: string): Diagnostic[] {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `nichesim_scenario: 1\nname: bad\ntitle: bad\nmodel: ${AML}\n${body}`);
  try {
    loadScenarioFile(file);
  } catch (e) {
    if (e instanceof ModelError) return e.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, file: d.file === file ? 'S' : d.file }));
    throw e;
  }
  return [];
}

describe('bad scenario files', () => {
  it('an unknown intervention lists the known ones, closest first', () => {
    const [d, ...rest] = errorsOf('interventions:\n  - {use: cytarabin_ci, start: 90 day}\n');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ file: 'S', line: 6, column: 11, path: 'interventions[0].use', message: "unknown intervention 'cytarabin_ci'" });
    expect(d.hint).toMatch(/^known interventions: cytarabine_ci, /);
    for (const name of ['chemo_7_3', 'magrolimab', 'pexidartinib', 'plerixafor', 'venetoclax_azacitidine']) expect(d.hint).toContain(name);
  });
  it('too many cycles is a located error, not an exhausted heap', () => {
    const [d] = errorsOf('interventions:\n  - {use: azacitidine, start: 90 day, cycles: 100000, interval: 28 day}\n');
    expect(d).toMatchObject({ file: 'S', line: 6, path: 'interventions[0].cycles' });
    expect(d.message).toMatch(/at most 1000, got 100000/);
  });
  it('a dose without a unit', () => {
    expect(errorsOf('interventions:\n  - {use: cytarabine_ci, start: 90 day, dose: 200}\n')).toEqual([
      { severity: 'error', file: 'S', line: 6, column: 47, path: 'interventions[0].dose', message: 'the dose 200 has no unit', hint: "write the dose with its unit, e.g. '100 mg/m^2', '5 mg/kg' or '400 mg'" },
    ]);
    expect(errorsOf("interventions:\n  - {use: chemo_7_3, start: 90 day, drugs: {daunorubicin: {dose: '60'}}}\n")[0]).toMatchObject({ path: 'interventions[0].drugs.daunorubicin.dose', message: 'the dose 60 has no unit' });
  });
  it('overlapping infusions of the same drug (from two interventions, or within one)', () => {
    expect(errorsOf('interventions:\n  - {use: cytarabine_ci, start: 90 day}\n  - {use: chemo_7_3, start: 93 day}\n')).toEqual([
      {
        severity: 'error',
        file: 'S',
        line: 7,
        column: 5,
        path: 'interventions[1]',
        message: 'infusions of cytarabine overlap (cytarabine_ci and chemo_7_3): one runs from day 93 for 1 day and another starts on day 93 (4 overlapping pairs in all)',
        hint: 'infusions of one drug may not overlap: move a start, shorten a duration, or lengthen the interval or gap between cycles',
      },
    ]);
    expect(errorsOf('interventions:\n  - {use: cytarabine_ci, start: 90 day, duration: 36 h}\n')[0]).toMatchObject({
      path: 'interventions[0].duration',
      message: 'each infusion of cytarabine (36 h) lasts longer than the time between infusions (1 day)',
    });
    expect(errorsOf('interventions:\n  - {use: cytarabine_ci, start: 90 day, cycles: 2, interval: 5 day}\n')[0]).toMatchObject({
      path: 'interventions[0].interval',
      message: 'cycles overlap: each cycle lasts 7 day but cycles start every 5 day',
    });
  });
  it('an unknown parameter and a parameter value of the wrong kind', () => {
    const ds = errorsOf("set:\n  cd47_levl: 3\n  tnf_half_max: '3 h'\n");
    expect(ds.map((d) => [d.line, d.path, d.message])).toEqual([
      [6, 'set.cd47_levl', "unknown parameter 'cd47_levl'"],
      [7, 'set.tnf_half_max', "'tnf_half_max' is written in ng/mL but '3 h' is time"],
    ]);
    expect(ds[0].hint).toMatch(/^parameters of this model: cd47_level, /);
  });
  it('unknown keys, a drug the intervention does not have, and a remove_rules selector that matches nothing', () => {
    expect(errorsOf('durration: 10 day\n')[0]).toMatchObject({ line: 5, path: 'durration', message: "unknown key 'durration'" });
    expect(errorsOf('interventions:\n  - {use: chemo_7_3, drugs: {cytarabin: {dose: 100 mg/m^2}}}\n')[0]).toMatchObject({ path: 'interventions[0].drugs.cytarabin', message: "'chemo_7_3' has no drug 'cytarabin'", hint: 'its drugs: cytarabine, daunorubicin' });
    expect(errorsOf('interventions:\n  - {use: chemo_7_3, dose: 100 mg/m^2}\n')[0].message).toBe("'chemo_7_3' has several drugs (cytarabine, daunorubicin), so a single dose/duration is ambiguous");
    const [d] = errorsOf('remove_rules:\n  - {cell_type: AML_blast, signal: IL6}\n');
    expect(d).toMatchObject({ path: 'remove_rules[0]', message: 'no rule of the model matches this selector (cell_type AML_blast, signal IL6)' });
    expect(d.hint).toContain('rules of AML_blast: HGF decreases apoptosis');
  });
  it('model changes are checked by the model loader, located in the scenario', () => {
    const ds = errorsOf('changes:\n  rules:\n    - {cell_type: AML_blast, signal: IL66, direction: increases, behaviour: apoptosis, saturation: 2 1/day, half_max: 1 ng/mL, hill_power: 1, evidence: [I999]}\n');
    expect(ds.map((d) => [d.line, d.path, d.message])).toEqual([
      [7, 'changes.rules[0].evidence[0]', "unknown evidence id 'I999'"],
      [7, 'changes.rules[0].signal', "unknown signal 'IL66'"],
    ]);
  });
  it('endpoints must name columns of the run', () => {
    expect(errorsOf('endpoints:\n  x: {kind: value, of: blasts, day: 3}\n')[0]).toMatchObject({ path: 'endpoints.x.of', message: "'blasts' is not a column of the run" });
  });
  it('a missing scenario file and a missing base model', () => {
    expect(() => loadScenarioFile(join(dir, 'nope.yaml'))).toThrow('file not found');
    const ds = errorsOf('').length;
    expect(ds).toBe(0);
    const file = join(dir, 'nomodel.yaml');
    writeFileSync(file, 'nichesim_scenario: 1\nname: bad\ntitle: bad\nmodel: ../no/such.yaml\n');
    expect(() => loadScenarioFile(file)).toThrow(/cannot read the model '..\/no\/such.yaml': file not found/);
  });
});

describe('a dose event after the integrator has stepped past it', () => {
  // The mean-field engine must land exactly on every dose event, even when a step taken for an
  // earlier output row went past it (stopAt redoes that step); otherwise the dynamics between the
  // last output row and the event would be lost and results would depend on the output grid.
  it('an infused signal recruits the same cells whatever the output grid', () => {
    const m = parseModel(
      `nichesim: 1
name: t
niche: {volume: 1e6 um^3}
simulation: {t_end: 3 day, output_interval: 1 day}
substrates:
  s: {unit: dimensionless, diffusion_coefficient: 0 um^2/min, decay_rate: 1 1/min}
cell_types:
  A: {initial_number: 0}
rules:
  - {cell_type: A, signal: s, direction: increases, behaviour: influx, saturation: 10 cells/day, half_max: 0.0001, hill_power: 1, evidence: [I001]}
dosing:
  - {substrate: s, kind: infusion, start: 0.5 day, rate: 1 1/min, duration: 2 day}
`,
      't.yaml',
    ).model;
    const daily = simulate(m).series.A[3];
    const fine = simulate(m, { outputInterval: 5 }).series.A.at(-1)!;
    expect(fine).toBeCloseTo(20, 0);
    expect(daily).toBeCloseTo(fine, 1);
  });
});
