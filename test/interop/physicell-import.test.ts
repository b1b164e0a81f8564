import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importPhysiCell, PhysiCellError } from '../../src/interop/physicell/index.js';
import { ModelInput } from '../../src/model/schema.js';

const ROOT = resolve(process.env.NICHESIM_FIXTURES ?? join(__dirname, '../../../shared/fixtures'), 'physicell');
const have = existsSync(join(ROOT, 'template', 'PhysiCell_settings.xml'));

function load(project: string) {
  const dir = join(ROOT, project);
  const read = (f: string) => ({ text: readFileSync(join(dir, f), 'utf8'), path: `${project}/${f}` });
  const s = read('PhysiCell_settings.xml');
  return importPhysiCell({ settingsXml: s.text, settingsPath: s.path, rulesCsv: read('cell_rules.csv'), cellsCsv: read('cells.csv') });
}

describe.skipIf(!have)('PhysiCell import (fixtures)', () => {
  it('imports rules_sample', () => {
    const r = load('rules_sample');
    const m = r.model as any;
    expect(Object.keys(m.substrates)).toEqual(['oxygen', 'apoptotic_debris', 'necrotic_debris', 'pro_inflammatory_factor', 'anti_inflammatory_factor']);
    expect(m.substrates.apoptotic_debris.label).toBe('apoptotic debris');
    expect(m.substrates.oxygen.dirichlet_boundary).toEqual({ enabled: true, value: 20 });
    expect(Object.keys(m.cell_types)).toEqual(['malignant_epithelial_cell', 'M0_macrophage', 'M1_macrophage', 'M2_macrophage', 'effector_T_cell', 'exhausted_T_cell']);
    expect(m.spatial).toMatchObject({ dims: 2, size: [1000, 1000, 20], voxel_size: 20, dt_diffusion: 0.01, dt_mechanics: 0.1, dt_phenotype: 6, snapshot_interval: 60 });
    expect(m.simulation.t_end).toBe(7200);
    expect(m.niche.volume).toBe(1000 * 1000 * 20);
    const tumour = m.cell_types.malignant_epithelial_cell;
    // code 6: phase 0's stochastic exit rate is PhysiCell's "cycle entry", kept exactly; the three
    // fixed-duration phases (480, 240 and 60 min, given as rates) become the division delay
    expect(tumour.cycle_entry).toBe(0.00003333);
    expect(tumour.division_delay).toBe(1 / 0.002083 + 1 / 0.004167 + 1 / 0.016667);
    expect(Math.abs(tumour.division_delay - 780)).toBeLessThan(0.1);
    // a single stochastic rate (live, code 5) has no delay
    expect(m.cell_types.M0_macrophage.division_delay).toBeUndefined();
    expect(tumour.apoptosis).toBe(7e-5);
    expect(tumour.necrosis).toBe(3e-3);
    expect(tumour.secretion.oxygen.uptake_rate).toBe(10);
    expect(tumour.motility.chemotaxis).toEqual({ oxygen: 1 });
    // attacks deliver damage (PhysiCell 1.14), they do not kill at once
    expect(m.cell_types.effector_T_cell).toMatchObject({ attack: { malignant_epithelial_cell: 0.01 }, attack_damage_rate: 1, attack_duration: 0.1 });
    // 27 data rows; those with signals or behaviours nichesim lacks are dropped with warnings
    const dropped = r.warnings.filter((w) => w.element === 'rule');
    expect(dropped.every((w) => w.file === 'rules_sample/cell_rules.csv' && /^rule dropped/.test(w.message))).toBe(true);
    expect(m.rules.length + dropped.length).toBe(27);
    // initial numbers = cells.csv rows per type (number_of_cells is 0)
    expect(Object.fromEntries(Object.entries(m.cell_types).map(([k, c]: [string, any]) => [k, c.initial_number ?? 0]))).toEqual({
      malignant_epithelial_cell: 1000, M0_macrophage: 150, M1_macrophage: 0, M2_macrophage: 0, effector_T_cell: 150, exhausted_T_cell: 0,
    });
    expect(m.rules[0]).toMatchObject({ cell_type: 'malignant_epithelial_cell', signal: 'oxygen', direction: 'decreases', behaviour: 'necrosis', saturation: 0, half_max: 3.75, hill_power: 8, applies_to_dead: false, evidence: ['M002'] });
    expect(m.rules.find((x: any) => x.behaviour === 'transform to M1_macrophage')).toMatchObject({ cell_type: 'M0_macrophage', signal: 'necrotic_debris', saturation: 0.05 });
    expect(r.agents).toHaveLength(1300);
    expect(r.warnings.some((w) => w.element === 'cells.csv columns' && w.line === 1)).toBe(true);
    expect(r.warnings.some((w) => w.element === '<custom_data>' && w.line === 327)).toBe(true);
    expect(r.warnings.some((w) => w.element === '<cycle>' && w.line === 153 && /later phases become division_delay = 780\.1 min/.test(w.message) && /division times are exponential/.test(w.message))).toBe(true);
    // rules reading "volume" (nearly constant in nichesim) are flagged at their rows
    const volumeRows = r.warnings.filter((w) => w.element === 'rule signal' && /"volume"/.test(w.message)).map((w) => w.line);
    expect(volumeRows).toEqual([14, 15, 21, 22, 26, 27]);
    // random_seed is the run's default seed, not a loss.
    expect(r.seed).toBe(0);
    expect(r.warnings.some((w) => w.element === '<random_seed>')).toBe(false);
    expect(ModelInput.safeParse(m).success).toBe(true);
  });

  it('imports template, episode and asymmetric_division', () => {
    const t = load('template');
    const m = t.model as any;
    expect(Object.keys(m.cell_types).length).toBeGreaterThan(0);
    expect(m.rules).toEqual([]);
    // cell_positions and the ruleset are disabled in the template: PhysiCell reads neither file
    expect(t.agents).toBeUndefined();
    expect(t.warnings.some((w) => w.element === '<cell_positions>' && /does not read template\/cells.csv/.test(w.message))).toBe(true);
    expect(t.warnings.some((w) => w.element === '<ruleset>' && /does not read template\/cell_rules.csv/.test(w.message))).toBe(true);
    expect(m.cell_types.default.initial_number).toBe(5);
    expect(t.randomCells).toEqual({ default: 5 });
    expect(t.abmAgents(1)).toHaveLength(5);
    expect(ModelInput.safeParse(m).success).toBe(true);
    // code 6 given as durations: phase 0 (300 min, stochastic) -> cycle entry 1/300; the fixed
    // phases 480 + 240 + 60 min -> the division delay
    expect(m.cell_types.default).toMatchObject({ cycle_entry: 1 / 300, division_delay: 780 });
    const e = load('episode');
    expect(ModelInput.safeParse(e.model).success).toBe(true);
    expect((e.model as any).cell_types.celltype_a).toMatchObject({ cycle_entry: 1 / 300, division_delay: 780 });
    const a = load('asymmetric_division');
    expect(a.warnings.some((w) => w.element === '<standard_asymmetric_division>' && w.line === 93)).toBe(true);
    expect(a.warnings.some((w) => w.element === 'rule' && /asymmetric division/.test(w.message))).toBe(true);
    expect(a.agents).toEqual([{ type: 'stem', x: 500, y: 500, z: 10 }]);
    expect((a.model as any).cell_types.stem.initial_number).toBe(1);
    expect((a.model as any).cell_types.progenitor_1.initial_number).toBeUndefined();
    expect(a.abmAgents(7)).toEqual([{ type: 'stem', x: 500, y: 500, z: 10 }]);
  });

  const base = () => readFileSync(join(ROOT, 'rules_sample', 'PhysiCell_settings.xml'), 'utf8');
  const withRules = (text: string) => () => importPhysiCell({ settingsXml: base(), settingsPath: 'S.xml', rulesCsv: { text, path: 'rules.csv' } });

  it('reads headers, spaces, TABs and v1 rules', () => {
    const r = withRules('cell type,signal,direction,behaviour,saturation,half-max,hill,dead\nM0 macrophage, oxygen, increases, cycle entry, 0.1, 1, 4, 0\nM1 macrophage\toxygen\tincreases\tcycle entry\t0.2\t1\t4\t1')() as any;
    expect(r.model.rules.map((x: any) => [x.cell_type, x.saturation, x.applies_to_dead])).toEqual([['M0_macrophage', 0.1, false], ['M1_macrophage', 0.2, true]]);
    const xml = base().replace('version="3.0"', 'version="1.0"');
    const v1 = importPhysiCell({ settingsXml: xml, settingsPath: 'S.xml', rulesCsv: { text: 'M0 macrophage,oxygen,increases,cycle entry,0,0.1,1,4,0', path: 'r.csv' } });
    expect((v1.model as any).rules[0]).toMatchObject({ saturation: 0.1, half_max: 1, hill_power: 4 });
    expect(v1.warnings.some((w) => w.element === 'rules v1' && w.line === 1)).toBe(true);
  });

  it('reads cell types by name or ID and moves positions into the domain frame', () => {
    const run = (text: string) => importPhysiCell({ settingsXml: base(), settingsPath: 'S.xml', cellsCsv: { text, path: 'cells.csv' } });
    // rules_sample: x, y in [-500, 500], z in [-10, 10], 2D -> nichesim [0, 1000]^2, z on the mid-plane (10)
    expect(run('0,0,0,1\n5,6,0,M2 macrophage').agents).toEqual([{ type: 'M0_macrophage', x: 500, y: 500, z: 10 }, { type: 'M2_macrophage', x: 505, y: 506, z: 10 }]);
    const out = run('600,0,0,1');
    expect(out.agents).toEqual([{ type: 'M0_macrophage', x: 1100, y: 500, z: 10 }]);
    expect(out.warnings.find((w) => w.element === 'cell position')).toMatchObject({ file: 'cells.csv', line: 1 });
    expect(out.origin).toEqual([-500, -500, -10]);
  });

  it('keeps a secretion target that a rule may need, and leaves motility at its defaults out', () => {
    const m = load('rules_sample').model as any;
    // M0: pro-inflammatory factor has all zeros (left out); apoptotic debris has uptake 1 and target 1
    expect(m.cell_types.M0_macrophage.secretion.apoptotic_debris).toEqual({ secretion_rate: 0, secretion_target: 1, uptake_rate: 1, net_export_rate: 0 });
    expect(m.cell_types.malignant_epithelial_cell.secretion.apoptotic_debris).toEqual({ secretion_rate: 0, secretion_target: 1, uptake_rate: 0, net_export_rate: 0 });
    expect(m.cell_types.malignant_epithelial_cell.secretion.pro_inflammatory_factor).toBeUndefined();
    const t = load('template').model as any;
    expect(t.cell_types.default.motility).toBeUndefined();
  });

  it('warns when rules act on the migration of a cell type whose PhysiCell motility is off', () => {
    const xml = base();
    const m0 = /<cell_definition name="M0 macrophage"[\s\S]*?<\/cell_definition>/.exec(xml)![0];
    const off = xml.replace(m0, m0.replace(/(<motility>[\s\S]*?<options>\s*<enabled>)true(<\/enabled>)/, '$1false$2'));
    const r = importPhysiCell({ settingsXml: off, settingsPath: 'S.xml', rulesCsv: { text: 'M0 macrophage,oxygen,increases,migration speed,2,1,4,0\nM1 macrophage,oxygen,increases,migration speed,2,1,4,0', path: 'r.csv' } });
    expect((r.model as any).cell_types.M0_macrophage.motility).toBeUndefined();
    expect((r.model as any).cell_types.M1_macrophage.motility).toBeDefined();
    const w = r.warnings.filter((x) => /motility is disabled/.test(x.message));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ file: 'S.xml', element: '<motility>' });
    expect(w[0].message).toContain('cell type "M0_macrophage"');
  });

  it('imports numeric user parameters as parameters and warns about the others', () => {
    const e = load('episode');
    expect((e.model as any).parameters).toEqual({
      my_double: { value: 0, source: 'PhysiCell user parameter in episode/PhysiCell_settings.xml' },
      my_int: { value: 0, source: 'PhysiCell user parameter in episode/PhysiCell_settings.xml' },
    });
    expect(e.warnings.filter((w) => /user parameter "my_(bool|string)"/.test(w.message)).map((w) => w.element)).toEqual(['<my_bool>', '<my_string>']);
    expect(e.randomCells).toEqual({ celltype_a: 12, celltype_b: 12, celltype_c: 12 });
  });
});

describe.skipIf(have)('PhysiCell import (fixtures)', () => {
  it('skipped: fixtures not found', () => {});
});

describe.skipIf(!have)('PhysiCell units attributes are labels', () => {
  it('reads a value in PhysiCell\'s fixed unit whatever its units attribute says, with a warning (PhysiCell does not convert)', () => {
    const dir = join(ROOT, 'template');
    const xml = readFileSync(join(dir, 'PhysiCell_settings.xml'), 'utf8').replace(/<max_time units="[^"]*">\s*([^<]+)</, '<max_time units="hour">120<');
    const r = importPhysiCell({ settingsXml: xml, settingsPath: 'template/PhysiCell_settings.xml' });
    expect((r.model as any).simulation.t_end).toBe(120);
    const w = r.warnings.find((x) => x.element === '<max_time>');
    expect(w?.message).toMatch(/units="hour" is a label PhysiCell does not convert: the value 120 is read in min/);
  });
});
