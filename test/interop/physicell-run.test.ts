/**
 * Every PhysiCell sample project imports and runs on the agent-based engine, starting from the
 * cells PhysiCell's standard template creates (number_of_cells random cells of every type, then
 * cells.csv when enabled), and the mean-field model starts from the same numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { importPhysiCell } from '../../src/interop/physicell/index.js';
import { parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';

const ROOT = join(process.env.NICHESIM_FIXTURES ?? join('..', 'shared', 'fixtures'), 'physicell');
const PROJECTS = ['template', 'rules_sample', 'episode', 'asymmetric_division'] as const;
const present = PROJECTS.every((p) => existsSync(join(ROOT, p, 'PhysiCell_settings.xml')));

function load(project: string) {
  const read = (f: string) => ({ text: readFileSync(join(ROOT, project, f), 'utf8'), path: `${project}/${f}` });
  const settings = read('PhysiCell_settings.xml');
  return { settings, imported: importPhysiCell({ settingsXml: settings.text, settingsPath: settings.path, rulesCsv: read('cell_rules.csv'), cellsCsv: read('cells.csv') }) };
}

/** Independent reading: is <cell_positions> enabled, number_of_cells, and the type column of cells.csv. */
function expectedCounts(project: string): Map<string, number> {
  const xml = readFileSync(join(ROOT, project, 'PhysiCell_settings.xml'), 'utf8');
  const names = [...xml.matchAll(/<cell_definition\s+name="([^"]+)"\s+ID="(\d+)"/g)].map((m) => ({ name: m[1], id: m[2] }));
  const n = Number(/<number_of_cells[^>]*>\s*(\d+)\s*</.exec(xml)?.[1] ?? '0');
  const counts = new Map(names.map((d) => [d.name, n]));
  if (/<cell_positions[^>]*enabled="true"/i.test(xml)) {
    const rows = readFileSync(join(ROOT, project, 'cells.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    for (const row of rows.slice(/^x,/i.test(rows[0] ?? '') ? 1 : 0)) {
      const t = row.split(',')[3].trim();
      const name = names.find((d) => d.name === t || d.id === t)?.name;
      if (name === undefined) throw new Error(`test fixture: unknown type ${t}`);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return counts;
}

describe.skipIf(!present)('PhysiCell sample projects run on the agent-based engine', () => {
  for (const project of PROJECTS) {
    it(`${project}: imports, starts from cells.csv + number_of_cells per type, and runs 60 min`, () => {
      const { imported } = load(project);
      const loaded = parseModel(stringify(imported.model), `${project}.yaml`).model;
      const want = expectedCounts(project);
      // the model's initial numbers (what the mean-field engine starts from)
      const label = new Map(loaded.cellTypes.map((c) => [c.name, c.label]));
      for (const c of loaded.cellTypes) expect([c.label, c.initialNumber]).toEqual([c.label, want.get(c.label)]);
      // the complete agent list: the same numbers, inside the domain
      const agents = imported.abmAgents(1);
      const [Lx, Ly, Lz] = loaded.spatial.size;
      for (const a of agents) {
        expect(a.x >= 0 && a.x <= Lx && a.y >= 0 && a.y <= Ly && a.z >= 0 && a.z <= Lz).toBe(true);
      }
      expect(imported.abmAgents(1)).toEqual(agents); // seeded
      const r = simulate(loaded, { engine: 'abm', tEnd: 60, outputInterval: 60, agents, initialAgents: false, seed: 1, snapshots: false });
      expect(r.status).toBe('ok');
      expect(r.times[r.times.length - 1]).toBe(60);
      for (const c of loaded.cellTypes) expect([label.get(c.name), r.series[c.name][0]]).toEqual([c.label, want.get(c.label)]);
      // The mean-field engine starts from the same numbers.
      const mf = simulate(loaded, { tEnd: 60, outputInterval: 60 });
      expect(mf.status).toBe('ok');
      for (const c of loaded.cellTypes) expect(mf.series[c.name][0]).toBe(want.get(c.label));
    });
  }

  it('without initialAgents: false, the engine would add initial_number random cells on top of the given agents', () => {
    const { imported } = load('asymmetric_division');
    const loaded = parseModel(stringify(imported.model), 'a.yaml').model;
    const doubled = simulate(loaded, { engine: 'abm', tEnd: 0.1, outputInterval: 0.1, agents: imported.abmAgents(1), seed: 1, snapshots: false });
    expect(doubled.series.stem[0]).toBe(2);
    const right = simulate(loaded, { engine: 'abm', tEnd: 0.1, outputInterval: 0.1, agents: imported.abmAgents(1), initialAgents: false, seed: 1, snapshots: false });
    expect(right.series.stem[0]).toBe(1);
  });
});

describe.skipIf(present)('PhysiCell sample projects run on the agent-based engine', () => {
  it('skipped: fixtures not found', () => {});
});
