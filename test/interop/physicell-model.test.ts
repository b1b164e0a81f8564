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

describe.skipIf(!present)('PhysiCell rules_sample as a nichesim model (skipped: fixtures not found when absent)', () => {
  const read = (f: string) => ({ text: readFileSync(join(dir, f), 'utf8'), path: join(dir, f) });
  const imported = importPhysiCell({ settingsXml: read('PhysiCell_settings.xml').text, settingsPath: join(dir, 'PhysiCell_settings.xml'), rulesCsv: read('cell_rules.csv'), cellsCsv: read('cells.csv') });
  const loaded = parseModel(stringify(imported.model), 'rules_sample.yaml');

  it('loads with its 6 cell types, 5 substrates and 24 representable rules, each citing M002', () => {
    expect(loaded.model.cellTypes).toHaveLength(6);
    expect(loaded.model.substrates).toHaveLength(5);
    expect(loaded.model.rules).toHaveLength(24);
    expect(checkEvidence(loaded.model, loadKnowledgeBase(), 'rules_sample.yaml')).toEqual([]);
    expect(imported.agents?.length).toBe(1300);
  });
  it('runs on the mean-field engine for a day', () => {
    expect(simulate(loaded.model, { tEnd: 1440 }).status).toBe('ok');
  });
});
