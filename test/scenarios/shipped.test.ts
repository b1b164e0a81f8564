/**
 * Every shipped intervention loads and cites existing knowledge-base entries; every shipped
 * scenario compiles to a model without warnings and runs (mean-field) with status ok.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvidence } from '../../src/compile/evidence.js';
import { loadKnowledgeBase } from '../../src/io/load.js';
import { loadInterventionLibrary, loadScenarioFile } from '../../src/io/scenarios/index.js';
import { simulate } from '../../src/simulate.js';

const kb = loadKnowledgeBase();
const library = loadInterventionLibrary('interventions', kb);
const scenarioFiles = (dir: string): string[] =>
  readdirSync(dir)
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? scenarioFiles(join(dir, f)) : f.endsWith('.yaml') ? [join(dir, f)] : []))
    .sort();
const scenarios = scenarioFiles('scenarios');

describe('the intervention library', () => {
  it('holds every intervention the issue asks for', () => {
    expect([...library.keys()].sort()).toEqual(
      [
        'azacitidine', 'bortezomib', 'ccr2_antagonist', 'chemo_7_3', 'clodronate_liposomes', 'cytarabine_ci', 'imatinib', 'lenalidomide', 'magrolimab', 'msc_infusion',
        'nox2_inhibitor', 'pexidartinib', 'pi3kg_inhibitor', 'plerixafor', 'siltuximab', 'tlr78_agonist', 'tocilizumab', 'trabectedin', 'venetoclax_azacitidine',
      ].sort(),
    );
  });
  it.each([...library.keys()])('%s cites existing therapy ids and rule evidence, and states its mechanism, PK source and references', (name) => {
    const iv = library.get(name)!.input;
    expect(iv.therapies.length).toBeGreaterThan(0);
    for (const id of iv.therapies) expect(kb.byId.has(id), id).toBe(true);
    const rules = (iv.model.rules ?? []) as Array<{ evidence: string[] }>;
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) for (const id of r.evidence) expect(kb.byId.has(id), id).toBe(true);
    expect(iv.mechanism.length).toBeGreaterThan(40);
    expect(iv.modelled_as.length).toBeGreaterThan(40);
    expect(iv.references.length).toBeGreaterThan(0);
    for (const [drug, d] of Object.entries(iv.drugs)) {
      if (d.pk) expect((d.source ?? '').length, `${drug}: PK source`).toBeGreaterThan(40);
      expect(String((d.substrate as { source?: string }).source ?? ''), `${drug}: substrate source`).not.toBe('');
    }
  });
  it('the anti-CD47 intervention notes the red-cell anaemia, and azacitidine flags its calreticulin effect as unverified', () => {
    expect(library.get('magrolimab')!.input.caveats).toMatch(/anaemia/);
    for (const n of ['azacitidine', 'venetoclax_azacitidine']) expect(JSON.stringify(library.get(n)!.input)).toMatch(/LOW CONFIDENCE[^"]*unverified/);
  });
  it('every intervention is used by at least one shipped scenario', () => {
    const used = new Set(scenarios.flatMap((f) => loadScenarioFile(f, { kb, library }).scenario.interventions.map((i) => i.name)));
    expect([...library.keys()].filter((n) => !used.has(n))).toEqual([]);
  });
});

describe.each(scenarios)('%s', (file) => {
  it('compiles without warnings, cites existing evidence, and runs with status ok', () => {
    const s = loadScenarioFile(file, { kb, library });
    expect(s.warnings.map((w) => w.message)).toEqual([]);
    expect(checkEvidence(s.model, kb, file)).toEqual([]);
    expect(s.scenario.title.length).toBeGreaterThan(5);
    expect(s.scenario.description.length).toBeGreaterThan(20);
    const r = simulate(s.model);
    expect(r.status, r.message ?? '').toBe('ok');
    expect(r.times.at(-1)).toBe(s.model.tEnd);
    for (const c of r.columns.filter((c) => c.kind === 'cells')) for (const v of r.series[c.name]) expect(v).toBeGreaterThan(-1e-3);
  });
});
