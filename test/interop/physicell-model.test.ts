/**
 * An imported PhysiCell project is an ordinary nichesim model: it loads, its rules cite the
 * knowledge base (M002: rules imported from a PhysiCell project) and it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkEvidence } from '../../src/compile/evidence.js';
import { importPhysiCell } from '../../src/interop/physicell/index.js';
import { loadKnowledgeBase } from '../../src/io/load.js';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';

const dir = join(process.env.NICHESIM_FIXTURES ?? join('..', 'shared', 'fixtures'), 'physicell', 'rules_sample');
const present = existsSync(join(dir, 'PhysiCell_settings.xml'));

function load() {
  const read = (f: string) => ({ text: readFileSync(join(dir, f), 'utf8'), path: join(dir, f) });
  const imported = importPhysiCell({ settingsXml: read('PhysiCell_settings.xml').text, settingsPath: join(dir, 'PhysiCell_settings.xml'), rulesCsv: read('cell_rules.csv'), cellsCsv: read('cells.csv') });
  return { imported, loaded: parseModel(stringify(imported.model), 'rules_sample.yaml') };
}

describe.skipIf(!present)('PhysiCell rules_sample as a nichesim model', () => {

  it('loads with its 6 cell types, 5 substrates and its representable rules, each citing M002', () => {
    const { imported, loaded } = load();
    expect(loaded.model.cellTypes).toHaveLength(6);
    expect(loaded.model.substrates).toHaveLength(5);
    const dropped = imported.warnings.filter((w) => w.element === 'rule').length;
    expect(loaded.model.rules.length + dropped).toBe(27);
    expect(loaded.model.rules.every((r) => r.evidence.join() === 'M002')).toBe(true);
    expect(checkEvidence(loaded.model, loadKnowledgeBase(), 'rules_sample.yaml')).toEqual([]);
    expect(imported.agents?.length).toBe(1300);
  });
  it('runs on the mean-field engine for a day, from the cells.csv numbers', () => {
    const { loaded } = load();
    const r = simulate(loaded.model, { tEnd: 1440 });
    expect(r.status).toBe('ok');
    expect([r.series.malignant_epithelial_cell[0], r.series.M0_macrophage[0], r.series.effector_T_cell[0], r.series.M1_macrophage[0]]).toEqual([1000, 150, 150, 0]);
  });
});

describe.skipIf(present)('PhysiCell rules_sample as a nichesim model', () => {
  it('skipped: fixtures not found', () => {});
});
